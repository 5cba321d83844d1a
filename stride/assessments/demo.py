"""Demo results over time: bridges at intake and every few months, with realistic movement.

Most families climb slowly on a few domains and slip on one now and then;
quality of life follows loosely. Answers come from the shipped instruments
and are scored by the real scoring, so every demo result is one Stride
could have produced. Rows go in with bulk inserts, chunk by chunk.
"""

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from stride.core.demo import Progress, demo_promise, demo_step
from stride.people.models import Participant

from .instruments import Instrument, Item, Value, catalogue
from .models import Response
from .scoring import answer_all, clean, score

CHUNK = 2000
EVERY_FEW_MONTHS = timedelta(days=120)


@demo_step
def build_assessments_demo(seed: int, progress: Progress) -> None:
    rng = random.Random(seed + 5)
    today = timezone.localdate()
    rows = Participant.objects.order_by("pk").values_list("pk", "assigned_since", "user_id")
    total = rows.count()
    for start in range(0, total, CHUNK):
        responses: list[Response] = []
        for pk, since, user_id in rows[start : start + CHUNK]:
            responses += _family(rng, pk, since or today - timedelta(days=200), today, user_id)
        Response.objects.bulk_create(responses, batch_size=CHUNK)
        progress(f"assessments: {min(start + CHUNK, total)} of {total} participants")


def _family(
    rng: random.Random, pk: int, since: date, today: date, user_id: int | None
) -> list[Response]:
    # The demo participant who can sign in gets the full set, so their pages show everything.
    everything = user_id is not None
    instruments = catalogue()
    made: list[Response] = []
    days = [since + EVERY_FEW_MONTHS * n for n in range(5) if since + EVERY_FEW_MONTHS * n < today]
    days = days or [today]
    if everything and len(days) < 2:
        # The parent who can sign in sees a bridge against an earlier one.
        days = [today - EVERY_FEW_MONTHS, today - timedelta(days=3)]
    if everything or rng.random() < 0.75:
        bridge = instruments.latest("bridge")
        start = {
            key: rng.choices([1, 2, 3, 4], weights=[15, 35, 35, 15])[0] for key in bridge.items
        }
        for n, day in enumerate(days if everything else days[: rng.randint(1, len(days))]):
            if n:
                start = {key: _moved(rng, level, 5) for key, level in start.items()}
            made.append(_finished(pk, bridge, dict(start), day, rng))
    if everything or rng.random() < 0.6:
        quality = instruments.latest("quality_of_life")
        mood = rng.uniform(2.0, 3.5)
        for day in days if everything else days[: rng.randint(1, len(days))]:
            made.append(_finished(pk, quality, _around(rng, quality, mood), day, rng))
            mood = min(4.6, mood + rng.uniform(-0.3, 0.6))
    if everything or rng.random() < 0.5:
        triage = instruments.latest("triage")
        made.append(_finished(pk, triage, answer_all(triage, _mostly_fine(rng)), days[0], rng))
    for slug, share in (("strengths_needs", 0.3), ("career_interests", 0.3)):
        if everything or rng.random() < share:
            instrument = instruments.latest(slug)
            answers = answer_all(instrument, lambda _item, values: rng.choice(values))
            made.append(_finished(pk, instrument, answers, days[-1], rng))
    if everything or rng.random() < 0.05:
        quality = instruments.latest("quality_of_life")
        partway = {key: 3 for key in list(quality.items)[:3]}
        made.append(
            Response(
                participant_id=pk,
                instrument=quality.slug,
                instrument_version=quality.version,
                where=Response.Where.OWN_PAGES,
                answers=partway,
                started_at=_moment(today - timedelta(days=2), rng),
            )
        )
    return made


def _moved(rng: random.Random, level: int, top: int) -> int:
    step = rng.choices([1, 0, -1], weights=[30, 62, 8])[0]
    return min(top, max(1, level + step))


def _around(rng: random.Random, instrument: Instrument, mood: float) -> dict[str, Value]:
    return {
        key: min(5, max(1, round(rng.gauss(mood, 0.8))))
        for key, item in instrument.items.items()
        if item.scored
    }


def _mostly_fine(rng: random.Random) -> Callable[[Item, list[Value]], Value]:
    """Triage answers: most families need no specialist first; a few need one or two."""

    def choose(item: Item, values: list[Value]) -> Value:
        fine = "no" if any(s.any_of == ["yes"] for s in item.suggests) else "yes"
        if item.kind == "yes_no":
            return fine if rng.random() < 0.88 else ("no" if fine == "yes" else "yes")
        return rng.choice(values)

    return choose


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59))))


def _finished(
    pk: int, instrument: Instrument, answers: dict[str, Value], day: date, rng: random.Random
) -> Response:
    shared, private = clean(instrument, answers)
    when = _moment(day, rng)
    return Response(
        participant_id=pk,
        instrument=instrument.slug,
        instrument_version=instrument.version,
        where=Response.Where.WITH_COACH,
        answers=shared,
        private_answers=private,
        result=score(instrument, {**shared, **private}).to_json(),
        started_at=when - timedelta(minutes=instrument.minutes),
        completed_at=when,
    )


@demo_promise("participant has taken every assessment, the bridge more than once")
def _participant_results() -> bool:
    finished = list(
        Response.objects.filter(
            participant__user__username="participant", completed_at__isnull=False
        ).values_list("instrument", flat=True)
    )
    return (
        set(finished) >= {instrument.slug for instrument in catalogue().all_latest()}
        and finished.count("bridge") >= 2
    )
