"""A participant's part of their records request from assessments: each sitting of each
instrument with its answers (core/records.py says the shape).

Answers to private items (a triage's safety question) are in the part only when the
caller says the reader may read them: the participant themselves, or those
`access.can_read_private_answers` lets in. Otherwise the part says they are left out.
"""

from django.utils.translation import gettext as _

from stride.core import access
from stride.core.records import Entry, Item, Part, entries, entry
from stride.people.models import Participant

from .actions import instrument_of
from .forms import answer_words
from .instruments import Value
from .models import Response


def _answers(response: Response, answers: dict[str, Value], key: str, title: str) -> Part:
    instrument = instrument_of(response)
    rows = [
        Item(
            str(item.text),
            [
                Entry("question", _("Question"), item_key, str(item.text)),
                entry(
                    "answer",
                    _("Answer"),
                    answers[item_key],
                    answer_words(instrument, item, answers[item_key]),
                ),
            ],
        )
        for item_key, item in instrument.items.items()
        if item_key in answers
    ]
    return Part(key, title, rows)


def parts(person: Participant, *, with_private: bool) -> list[Part]:
    """`person` as the caller read them through the access module; one query."""
    responses = access.belonging_to(Response.objects.all(), person).select_related("started_by")
    if not with_private:
        responses = responses.defer("private_answers")
    items = []
    held_back = False
    for response in responses:
        instrument = instrument_of(response)
        inner = [_answers(response, response.answers, "answers", _("Answers"))]
        if with_private:
            inner.append(
                _answers(
                    response, response.private_answers, "private_answers", _("Private answers")
                )
            )
        else:
            held_back = held_back or instrument.has_private_items
        items.append(
            Item(
                str(instrument.title),
                [
                    entry(
                        "instrument", _("Instrument"), response.instrument, str(instrument.title)
                    ),
                    *entries(
                        response, ["instrument_version", "where", "started_at", "completed_at"]
                    ),
                    entry("started_by", _("Started by"), response.started_by),
                    entry("result", _("Result"), response.result, ""),
                ],
                inner,
            )
        )
    note = (
        _(
            "Answers to private questions are left out: only the participant, their coach "
            "and supervisors read them."
        )
        if held_back
        else ""
    )
    return [Part("assessments", _("Assessments"), items, note, _("No assessments yet."))]
