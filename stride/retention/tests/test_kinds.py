"""Every model with case data is held by exactly one kind of record, so a new one cannot
outlive its case unnoticed; and what a kind may not delete is what the measures count."""

from django.apps import apps

from stride.retention import kinds
from stride.retention.models import Action, Done

# A run's trace that a kind of a case is done: it holds no identity, and is the reason the
# run does not do it twice.
NOT_A_KIND = {Done}


def test_every_model_with_case_data_belongs_to_one_kind():
    held = [model for kind in kinds.KINDS for model in kind.models]
    assert len(held) == len(set(held)), "a model is in two kinds"
    with_case_data = {
        model for model in apps.get_models() if hasattr(model, "ACCESS_VIA")
    } - NOT_A_KIND
    missing = sorted(model.__name__ for model in with_case_data - set(held))
    assert not missing, f"Models with case data in no kind of record: {missing}"


def test_a_kind_that_may_be_deleted_holds_nothing_a_measure_reads():
    from stride.assessments.models import Response
    from stride.coaching.models import CoachingSession, Goal, GoalStatusChange, Step
    from stride.participation.models import ActivityPlan, AidMonth, HoursEntry, MonthResult
    from stride.people.models import CoachAssignment, Enrollment, Participant
    from stride.resources.models import Referral

    counted = {CoachingSession, Goal, GoalStatusChange, Step, AidMonth, HoursEntry, MonthResult,
               CoachAssignment, Enrollment, Participant, Referral, Response,
               ActivityPlan}  # fmt: skip
    for kind in kinds.KINDS:
        if Action.DELETE in kind.actions:
            assert not counted & set(kind.models), kind.key


def test_each_kind_defaults_to_an_action_it_allows_with_its_reason():
    for kind in kinds.KINDS:
        assert kind.action in kind.actions
        assert kind.years >= 1
        assert str(kind.reason) and str(kind.description)
