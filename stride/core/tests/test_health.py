"""/healthz says 200 only when the database holds Stride's migrated schema."""

import sqlite3

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from stride.core import health

pytestmark = pytest.mark.django_db


def sqlite_at(path) -> DatabaseWrapper:
    """A connection to an SQLite file of its own, beside the test database."""
    return DatabaseWrapper(
        {
            **connection.settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {},
            "TEST": {},
        },
        alias="health_check",
    )


def test_the_migrated_test_database_is_healthy():
    assert health.problem(connection) is None
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_a_deleted_sqlite_file_is_reported_and_not_made_again(tmp_path):
    gone = tmp_path / "db.sqlite3"
    wrapper = sqlite_at(gone)
    try:
        assert health.problem(wrapper) == "database file missing"
    finally:
        wrapper.close()
    assert not gone.exists()


def test_an_empty_sqlite_file_is_reported(tmp_path):
    empty = tmp_path / "db.sqlite3"
    sqlite3.connect(empty).close()  # what SQLite leaves after connecting to a deleted file
    wrapper = sqlite_at(empty)
    try:
        assert health.problem(wrapper) == "schema missing"
    finally:
        wrapper.close()


def test_a_database_behind_the_code_answers_503():
    app, name = sorted(health.latest_migrations())[0]
    MigrationRecorder.Migration.objects.filter(app=app, name=name).delete()
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "migrations not applied"}


def test_a_missing_schema_answers_503(monkeypatch, tmp_path):
    empty = tmp_path / "db.sqlite3"
    sqlite3.connect(empty).close()
    wrapper = sqlite_at(empty)
    monkeypatch.setattr("stride.core.views.connection", wrapper)
    try:
        response = Client().get("/healthz")
    finally:
        wrapper.close()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "schema missing"}
