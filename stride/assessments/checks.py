"""Refuse to start with an instrument file that would fail in front of a participant."""

from django.core import checks

from .instruments import InstrumentError, catalogue


@checks.register()
def instruments_load(**kwargs: object) -> list[checks.CheckMessage]:
    try:
        catalogue()
    except InstrumentError as error:
        return [checks.Error(str(error), id="assessments.E001")]
    return []
