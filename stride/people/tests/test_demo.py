from django.db.models import Count

from stride.core.models import Role, User
from stride.people.demo import CASELOAD_SIZE, build_demo
from stride.people.models import Enrollment, Household, Participant


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


def test_every_demo_exit_gives_its_reason_and_only_exits_do(db):
    build_demo(120, seed=7, progress=lambda line: None)

    exited = Enrollment.objects.filter(status=Enrollment.Status.EXITED)
    assert exited.exists()
    assert not exited.filter(exit_reason="").exists()
    assert (
        not Enrollment.objects.exclude(status=Enrollment.Status.EXITED)
        .exclude(exit_reason="")
        .exists()
    )
