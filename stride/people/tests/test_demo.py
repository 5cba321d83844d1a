from django.db.models import Count

from stride.core.models import Role, User
from stride.people.demo import CASELOAD_SIZE, build_demo
from stride.people.models import Household, Participant


def test_every_coach_carries_a_realistic_caseload(db):
    result = build_demo(600, seed=7, progress=lambda line: None)

    assert Household.objects.count() == result.households == 600
    sizes = list(
        User.objects.filter(role=Role.COACH)
        .annotate(participants=Count("caseload"))
        .values_list("participants", flat=True)
    )
    assert sum(sizes) == 600
    low, high = CASELOAD_SIZE
    assert all(low <= size <= high for size in sizes), sizes


def test_a_small_demo_still_gives_both_named_coaches_a_caseload(db):
    build_demo(40, progress=lambda line: None)

    for username in ("coach", "coach2"):
        assert Participant.objects.filter(coach__username=username).exists()
    participant = User.objects.get(username="participant")
    assert participant.participant.coach.username == "coach"
