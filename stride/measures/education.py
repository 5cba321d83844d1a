"""Education completions: education or training schedules that ended completed, as the coach
said when ending the schedule on the participant's participation page."""

from datetime import date

from django.db.models import DateField, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from stride.core import access
from stride.participation.models import ActivityPlan, WorkActivity
from stride.people.models import Participant

from .figures import Definition, Measure, Table, Tally, each_once
from .months import last_day

EDUCATION = (
    WorkActivity.VOCATIONAL_TRAINING,
    WorkActivity.JOB_SKILLS_TRAINING,
    WorkActivity.EDUCATION_FOR_WORK,
    WorkActivity.SCHOOL_ATTENDANCE,
)


def count(participants: QuerySet[Participant], months: list[date], by: str) -> Table:
    start, end = months[0], last_day(months[-1])
    completed = access.belonging_to(
        ActivityPlan.objects.filter(
            activity__federal_activity__in=EDUCATION,
            outcome=ActivityPlan.Outcome.COMPLETED,
            ends_on__gte=start,
            ends_on__lte=end,
        ),
        participants,
    ).annotate(month=TruncMonth("ends_on", output_field=DateField()))
    tally = Tally(participants, months, by)
    tally.add(each_once(completed.values_list("participant_id", "month").distinct()))
    return tally.table(is_rate=False)


EDUCATION_COMPLETIONS = Measure(
    key="education-completions",
    title=_("Completed education or training"),
    definition=Definition(
        numerator=_(
            "Families with a schedule in an activity counted as vocational training, job skills "
            "training, education for work or high school or equivalency classes that their "
            "coach ended as completed in the month. A schedule ended without saying how, or "
            "left before the end, is not counted."
        ),
        month=_("The month of the schedule's last day."),
        who=_("Each family once a month, with the coach, team and county it has today."),
    ),
    count=count,
)
