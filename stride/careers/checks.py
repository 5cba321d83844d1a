"""Refuse to start with a careers file that would fail in front of a participant."""

from django.core import checks

from .catalogue import CatalogueError, load


@checks.register()
def careers_load(**kwargs: object) -> list[checks.CheckMessage]:
    try:
        load()
    except CatalogueError as error:
        return [checks.Error(str(error), id="careers.E001")]
    return []
