import pytest

from stride.core import access
from stride.core.models import AuditEvent
from stride.people.models import CoachAssignment, Enrollment, Household, Member, Participant

pytestmark = pytest.mark.django_db

SEES_CASE = {"coach", "supervisor", "county_admin", "state_admin", "participant_user"}
SEES_OTHER_CASE = {
    "other_county_coach",
    "other_county_supervisor",
    "other_county_admin",
    "state_admin",
}


@pytest.mark.parametrize(
    "model", [Participant, Household, Member, Enrollment, CoachAssignment], ids=lambda m: m.__name__
)
def test_each_person_sees_exactly_their_scope(world, model):
    for name, user in world.people().items():
        visible = access.visible_to(model.objects.all(), user)
        case_rows = visible.filter(pk__in=_rows_of(model, world.case))
        other_rows = visible.filter(pk__in=_rows_of(model, world.other_case))
        assert case_rows.exists() == (name in SEES_CASE), f"{name} and {model.__name__} of the case"
        assert other_rows.exists() == (name in SEES_OTHER_CASE), (
            f"{name} and the other county's case"
        )


def _rows_of(model, participant):
    return {
        Participant: Participant.objects.filter(pk=participant.pk),
        Household: Household.objects.filter(pk=participant.household_id),
        Member: Member.objects.filter(household=participant.household_id),
        Enrollment: Enrollment.objects.filter(participant=participant),
        CoachAssignment: CoachAssignment.objects.filter(participant=participant),
    }[model].values("pk")


def test_it_refuses_a_model_without_an_access_rule(world):
    with pytest.raises(TypeError, match="ACCESS_VIA"):
        access.visible_to(AuditEvent.objects.all(), world.coach)


def test_an_inactive_coach_sees_nothing(world):
    world.coach.is_active = False
    world.coach.save()
    assert not access.visible_to(Participant.objects.all(), world.coach).exists()


def test_a_reassigned_participant_leaves_the_old_caseload(world):
    from stride.core.audit import Actor
    from stride.people import actions

    actions.reassign(Actor(world.supervisor), world.case, world.coach_same_team, "Balancing")
    assert not access.visible_to(Participant.objects.all(), world.coach).exists()
    assert access.visible_to(Participant.objects.all(), world.coach_same_team).get() == world.case


def test_only_supervisors_and_administrators_read_the_audit_trail(world):
    readers = {
        name
        for name, user in world.people().items()
        if access.audit_events_visible_to(user).filter(participant=world.case.uuid).exists()
    }
    assert readers == {"supervisor", "county_admin", "state_admin"}


def test_coach_lists_are_scoped(world):
    assert set(access.coaches_visible_to(world.supervisor)) == {
        world.coach, world.coach_same_team, world.supervisor,
    }  # fmt: skip
    assert world.other_county_coach not in set(access.coaches_visible_to(world.county_admin))
    assert world.other_county_coach in set(access.coaches_visible_to(world.state_admin))
    assert not access.assignable_coaches(world.state_admin).exists()


def test_core_knows_the_participant_model_by_its_setting_and_checks_its_fields(settings):
    from stride.core.access import participant_model_check

    assert participant_model_check() == []
    settings.STRIDE_PARTICIPANT_MODEL = "core.Organisation"
    missing = {error.msg.split("'")[1] for error in participant_model_check()}
    assert missing == {"user", "coach", "team", "county"}
    settings.STRIDE_PARTICIPANT_MODEL = "people.Nobody"
    assert [error.id for error in participant_model_check()] == ["stride.E001"]
