"""Whether the database behind this process holds Stride, for /healthz.

`SELECT 1` is not enough: SQLite answers it from an empty file it has just
made in place of a deleted one. The check asks for the last migration of
every app instead, which only a migrated database has.
"""

import functools
from pathlib import Path

from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


@functools.cache
def latest_migrations() -> frozenset[tuple[str, str]]:
    """The last migration of each app, read from the code once per process."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.leaf_nodes())


def problem(connection: BaseDatabaseWrapper) -> str | None:
    """A short reason the database cannot serve Stride, or None when it can."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and not _in_memory(name) and not Path(name).is_file():
        # Connecting would make an empty file in its place.
        return "database file missing"
    wanted = latest_migrations()
    apps = sorted({app for app, _name in wanted})
    table = connection.ops.quote_name(MigrationRecorder.Migration._meta.db_table)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT app, name FROM {table} WHERE app IN ({', '.join(['%s'] * len(apps))})",  # noqa: S608
                apps,
            )
            applied = {(app, name) for app, name in cursor.fetchall()}
    except DatabaseError:
        return "schema missing" if _reachable(connection) else "unavailable"
    if not wanted <= applied:
        return "migrations not applied"
    return None


def _reachable(connection: BaseDatabaseWrapper) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _in_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name
