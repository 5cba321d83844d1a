"""The benefits calculator's pages: the calculator, its polled curve, the money facts, saved
pictures and the participant's own page, for every kind of person.

No test here loads PolicyEngine: a computed curve is a Curve row written the way the
benefits worker writes it (`ready`), with figures shaped like tasks.figures() returns
and made of plain numbers (`columns_at`): TANF ends past $22,000 a year and child care
help past $40,000.
"""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import data_queries
from stride.benefits import actions, curves, engine
from stride.benefits.models import Curve, EngineState, HouseholdBudget, MemberBudget, Scenario
from stride.careers.models import CareerPlan
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions as people_actions
from stride.people.actions import PersonDetails
from stride.people.models import Member, Participant

pytestmark = pytest.mark.django_db

FRESNO_ZIP = "93721"


# Figures as the worker would store them, from plain numbers.


def columns_at(pay: float) -> dict[str, float]:
    """One family's yearly figures at a pay: SNAP fades out, TANF ends past $22,000, child
    care help ($6,000 of care) past $40,000, Medicaid stays; tax past $30,000."""
    tanf = 5000.0 if pay <= 22000 else 0.0
    care_help = 6000.0 if pay <= 40000 else 0.0
    figures = {
        "earnings": pay,
        "tanf": tanf,
        "snap": max(0.0, round(3600 - 0.3 * pay, 2)),
        "child_care_help": care_help,
        "eitc": 0.0,
        "ctc": 0.0,
        "taxes": round(0.1 * max(0.0, pay - 30000), 2),
        "health": 4000.0,
        "child_care_paid": 6000.0 - care_help,
    }
    return {name: figures[name] for name in engine.COLUMNS}


def curve_along(top: float, count: int = 81) -> engine.Curve:
    pays = engine.pay_axis(top, count)
    rows = [columns_at(pay) for pay in pays]
    return engine.Curve(pays, {name: [row[name] for row in rows] for name in engine.COLUMNS})


def figures_for(request: curves.Request, limits: tuple[str, ...] = ()) -> dict[str, Any]:
    """What tasks.figures() returns for this request, from `columns_at`."""
    points = []
    for point in request.points:
        row = columns_at(point.earnings)
        points.append(
            {**asdict(point), "figures": {**row, "net_resources": engine.net_resources(row)}}
        )
    return {
        "curve": curve_along(request.top).to_json(),
        "points": points,
        "limits": list(limits),
    }


def ready(curve: Curve, limits: tuple[str, ...] = ()) -> Curve:
    """The worker's part: the curve computed and stored."""
    curve.data = figures_for(curves.Request.from_json(curve.request), limits)
    curve.status, curve.computed_at, curve.seconds = Curve.Status.READY, timezone.now(), 1.2
    curve.save()
    return curve


# The family: Maria (the participant) earns $20,000 for 30 hours a week; Sofia is in paid
# child care; they live in Fresno.


def add_child(world, first_name: str, born: date, person: Participant | None = None) -> Member:
    household = (person or world.case).household
    return people_actions.add_member(
        Actor(world.coach),
        household,
        PersonDetails(first_name, "Lopez", born, Member.Relationship.CHILD),
    )


def money_facts(world, person: Participant | None = None, pay="20000", hours="30") -> None:
    person = person or world.case
    budget = HouseholdBudget.objects.filter(household=person.household).first()
    members: dict[Member, dict[str, Any]] = {
        person.member: {"yearly_earnings": Decimal(pay), "weekly_hours": Decimal(hours)}
    }
    for child in person.household.members.filter(relationship=Member.Relationship.CHILD):
        members[child] = {
            "care_days_per_week": Decimal("5"),
            "care_hours_per_day": Decimal("8"),
            "monthly_care_cost": Decimal("500"),
        }
    actions.save_money(
        Actor(world.coach),
        person,
        budget.version if budget else 0,
        Decimal("1100"),
        members,
    )


@pytest.fixture
def family(world) -> Participant:
    household = world.case.household
    people_actions.update_household(
        Actor(world.coach), household, household.version, zip_code=FRESNO_ZIP
    )
    add_child(world, "Sofia", date(2021, 3, 1))
    money_facts(world)
    world.case.refresh_from_db()
    return world.case


def calculator_url(person: Participant, **what_if: Any) -> str:
    url = reverse("benefits:calculator", args=[person.uuid])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in what_if.items()) if what_if else "")


def the_curve(client, person: Participant, **what_if: Any) -> Curve:
    """The curve the calculator asks for (a first visit creates it, waiting for the worker)."""
    return client.get(calculator_url(person, **what_if)).context["curve"]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(data_queries(captured))


# Who reaches the calculator


@pytest.mark.parametrize(
    "who, status",
    [
        ("coach", 200),
        ("supervisor", 200),
        ("county_admin", 200),
        ("state_admin", 200),
        ("coach_same_team", 404),
        ("other_county_coach", 404),
        ("other_county_admin", 404),
        ("participant_user", 403),
        ("sysadmin", 403),
    ],
)
def test_the_calculator_opens_for_those_who_see_the_case(world, family, client_for, who, status):
    response = client_for(world.people()[who]).get(calculator_url(family))
    assert response.status_code == status


def test_a_calculator_view_is_recorded_as_a_view_of_the_participant(world, family, client_for):
    client_for(world.supervisor).get(calculator_url(family))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("at")
    assert (event.actor, event.participant, event.record_type) == (
        world.supervisor,
        family.uuid,
        "Participant",
    )


def test_another_caseloads_participant_is_not_found(world, family, client_for):
    client = client_for(world.coach)
    assert client.get(calculator_url(world.other_case)).status_code == 404
    assert client.get(reverse("benefits:curve", args=[world.other_case.uuid])).status_code == 404
    assert client.get(reverse("benefits:money", args=[world.other_case.uuid])).status_code == 404
    assert not Curve.objects.exists()  # nothing is computed for a family one may not see


def test_the_calculator_shows_what_it_knows_and_what_it_misses(world, family, client_for):
    page = client_for(world.coach).get(calculator_url(family)).content.decode()
    assert "Lives in Fresno County CA" in page
    age = curves.age_on(family.member.birth_date, timezone.localdate())
    assert f"Maria, {age} years old" in page
    assert "$20,000 a year from work, 30 hours a week" in page
    assert "child care $6,000 a year, 5 days a week" in page
    assert "Rent: $13,200 a year" in page
    assert "hours of work a week are missing" not in page
    MemberBudget.objects.filter(member=family.member).update(weekly_hours=0)
    page = client_for(world.coach).get(calculator_url(family)).content.decode()
    assert "Maria's hours of work a week are missing" in page


def test_without_a_zip_code_the_agencys_state_is_used(world, client_for, settings):
    settings.STRIDE_STATE = "NY"
    page = client_for(world.coach).get(calculator_url(world.case)).content.decode()
    assert "Lives in  NY" in page
    assert "no ZIP code on file, so the agency" in page


# Waiting for the worker


@pytest.mark.parametrize(
    "engine_status, words",
    [
        (None, "The calculator is not running right now, so this picture is waiting in line."),
        (EngineState.Status.STOPPED, "The calculator is not running right now"),
        (EngineState.Status.STARTING, "The calculator is starting up. The first time takes"),
        (EngineState.Status.WARM, "Working out your family"),
    ],
)
def test_a_waiting_curve_says_where_the_calculator_is(
    world, family, client_for, engine_status, words
):
    if engine_status is not None:
        EngineState.objects.create(
            status=engine_status,
            engine_version=engine.engine_version(),
            pid=4242,
            started_at=timezone.now(),
        )
    page = client_for(world.coach).get(calculator_url(family)).content.decode()
    assert words in page
    assert 'hx-get="' + reverse("benefits:curve", args=[family.uuid]) in page
    assert "<svg" not in page
    curve = Curve.objects.get()
    assert curve.status == Curve.Status.PENDING


def test_the_page_asks_for_one_curve_and_reuses_it(world, family, client_for):
    client = client_for(world.coach)
    client.get(calculator_url(family))
    client.get(calculator_url(family))
    client.get(reverse("benefits:curve", args=[family.uuid]))
    assert Curve.objects.count() == 1
    client.get(calculator_url(family, weekly_hours=40))
    assert Curve.objects.count() == 2  # a what-if is another family snapshot


def test_a_failed_curve_offers_to_try_again_and_the_retry_queues_it(
    world, family, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.coach)
    curve = the_curve(client, family)
    Curve.objects.filter(pk=curve.pk).update(status=Curve.Status.FAILED, error="ValueError: x")
    page = client.get(calculator_url(family)).content.decode()
    assert "The calculator could not work out this picture." in page
    assert reverse("benefits:retry", args=[family.uuid]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("benefits:retry", args=[family.uuid]) + "?")
    assert response.status_code == 302
    curve.refresh_from_db()
    assert (curve.status, curve.error) == (Curve.Status.PENDING, "")
    assert DBTaskResult.objects.filter(queue_name="benefits").count() == 1
    # Staff who only read (and participants) cannot retry.
    assert (
        client_for(world.sysadmin).post(reverse("benefits:retry", args=[family.uuid])).status_code
        == 403
    )


# The computed picture


def test_a_ready_curve_shows_the_chart_the_table_and_the_cliffs_in_words(world, family, client_for):
    client = client_for(world.coach)
    ready(the_curve(client, family))
    page = client.get(calculator_url(family)).content.decode()
    assert 'viewBox="0 0 720 420"' in page and 'class="stride-curve__net"' in page
    assert page.count('<circle class="stride-curve__point') == 1  # now (no ladder, no offer)
    # Every pay of the axis has a row; those inside the two cliffs are shaded.
    assert page.count("<tr") >= 81 + 1
    assert page.count('class="stride-curve__in-cliff"') == 4 + 6
    assert "Now: 30 hours a week" in page
    assert (
        "Past $22,000 a year, a raise costs more than it brings: at $23,000 the family has "
        "$4,000 less a year than at $22,000 (TANF cash aid ends ($5,000)). From $27,000 a "
        "year the family is better off again."
    ) in page
    assert (
        "Past $40,000 a year, a raise costs more than it brings: at $41,000 the family has "
        "$5,100 less a year than at $40,000 (child care help ends ($6,000)). From $47,000 a "
        "year the family is better off again."
    ) in page
    assert f"Worked out with PolicyEngine-US {engine.engine_version()}" in page
    assert "does not model" not in page


def test_programs_policyengine_does_not_model_are_named(world, family, client_for):
    client = client_for(world.coach)
    ready(the_curve(client, family), limits=("tanf", "child_care_help"))
    page = client.get(calculator_url(family)).content.decode()
    assert (
        "PolicyEngine does not model TANF cash aid, child care help in this state, so those "
        "show as zero."
    ) in page


def test_offers_and_the_ladders_rungs_are_marked_on_the_curve(world, family, client_for):
    CareerPlan.objects.create(
        participant=family, industry_key="healthcare", ladder_key="nursing", level="entry"
    )
    client = client_for(world.coach)
    curve = the_curve(
        client, family, offer_a_hours=40, offer_a_wage=12, offer_b_hours=32, offer_b_wage=16
    )
    kinds = [(p["kind"], p["label"]) for p in curve.request["points"]]
    assert kinds == [
        ("now", ""),
        ("offer", "A"),
        ("offer", "B"),
        ("rung", "rung:healthcare/nursing/entry"),
        ("rung", "rung:healthcare/nursing/middle"),
        ("rung", "rung:healthcare/nursing/advanced"),
    ]
    assert curve.request["top"] == 130_000  # past the advanced rung's $97,550 and a quarter
    ready(curve)
    page = client.get(
        calculator_url(family, offer_a_hours=40, offer_a_wage=12, offer_b_hours=32, offer_b_wage=16)
    ).content.decode()
    assert "Offer A: 40 hours a week at $12.00 an hour" in page
    assert "Rung 1: Nursing assistant (typical pay)" in page
    assert page.count('<circle class="stride-curve__point') == 6


def test_an_offer_needs_both_hours_and_pay(world, family, client_for):
    response = client_for(world.coach).get(calculator_url(family, offer_a_hours=40))
    assert "An offer needs both its hours and its pay." in response.content.decode()
    assert response.context["what_if"] == curves.WhatIf()


# The curve part the page polls


def test_the_curve_part_is_the_curve_alone(world, family, client_for):
    client = client_for(world.coach)
    ready(the_curve(client, family))
    part = client.get(reverse("benefits:curve", args=[family.uuid])).content.decode()
    assert part.lstrip().startswith('<div id="benefits-curve">') and "<svg" in part
    assert "<html" not in part


def test_the_curve_part_is_not_audited(world, family, client_for):
    client = client_for(world.coach)
    before = AuditEvent.objects.count()
    client.get(reverse("benefits:curve", args=[family.uuid]))
    assert AuditEvent.objects.count() == before


def test_a_participant_polls_only_their_own_curve(world, family, client_for):
    me = client_for(world.participant_user)
    assert me.get(reverse("benefits:curve", args=[family.uuid])).status_code == 200
    assert me.get(reverse("benefits:curve", args=[world.other_case.uuid])).status_code == 404
    assert (
        client_for(world.sysadmin).get(reverse("benefits:curve", args=[family.uuid])).status_code
        == 403
    )


# The participant's own page


def test_a_participant_sees_their_own_picture_at_me_benefits(world, family, client_for):
    me = client_for(world.participant_user)
    ready(the_curve(client_for(world.coach), family))
    response = me.get(reverse("benefits:mine"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "If I earn more: my family" in page and "<svg" in page
    assert "This is an estimate, not a decision about your benefits." in page
    assert reverse("benefits:money", args=[family.uuid]) not in page
    assert reverse("benefits:save", args=[family.uuid]) not in page
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("at")
    assert (event.actor, event.participant) == (world.participant_user, family.uuid)


@pytest.mark.parametrize("who", ["coach", "supervisor", "sysadmin", "state_admin"])
def test_staff_have_no_me_benefits_page(world, client_for, who):
    assert client_for(world.people()[who]).get(reverse("benefits:mine")).status_code == 404


def test_a_participant_cannot_open_the_staff_calculator_or_money_facts(world, family, client_for):
    me = client_for(world.participant_user)
    assert me.get(calculator_url(family)).status_code == 403
    assert me.get(reverse("benefits:money", args=[family.uuid])).status_code == 403


# Money facts


def money_url(person: Participant) -> str:
    return reverse("benefits:money", args=[person.uuid])


def money_post(world, person: Participant, version: int, **changes: str) -> dict[str, str]:
    """The form as the page sends it: the household, then each member by uuid."""
    data = {"household-monthly_rent": "1100", "household-version": str(version)}
    for member in person.household.members.all():
        if member.relationship == Member.Relationship.CHILD:
            data |= {
                f"{member.uuid}-care_days_per_week": "5",
                f"{member.uuid}-care_hours_per_day": "8",
                f"{member.uuid}-monthly_care_cost": "500",
            }
        else:
            data |= {f"{member.uuid}-yearly_earnings": "20000", f"{member.uuid}-weekly_hours": "30"}
    return data | changes


@pytest.mark.parametrize(
    "who, status",
    [
        ("coach", 200),
        ("supervisor", 200),
        ("county_admin", 200),
        ("state_admin", 403),  # reads, does not edit
        ("coach_same_team", 404),
        ("other_county_admin", 404),
        ("participant_user", 403),
        ("sysadmin", 403),
    ],
)
def test_the_money_facts_open_for_those_who_edit_the_case(world, family, client_for, who, status):
    assert client_for(world.people()[who]).get(money_url(family)).status_code == status


def test_the_money_form_shows_a_field_for_each_member(world, family, client_for):
    page = client_for(world.coach).get(money_url(family)).content.decode()
    sofia = family.household.members.get(first_name="Sofia")
    assert f'name="{family.member.uuid}-yearly_earnings"' in page
    assert f'name="{sofia.uuid}-monthly_care_cost"' in page
    assert f'name="{sofia.uuid}-yearly_earnings"' not in page  # a child earns nothing here


def test_saving_money_facts_writes_the_record_audits_field_names_and_watches_again(
    world, client_for, django_capture_on_commit_callbacks
):
    sofia = add_child(world, "Sofia", date(2021, 3, 1))
    data = money_post(world, world.case, 0) | {
        f"{world.case.member.uuid}-yearly_earnings": "24000",
        f"{world.case.member.uuid}-weekly_hours": "32",
        f"{sofia.uuid}-monthly_care_cost": "650",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.coach).post(money_url(world.case), data)
    assert response.status_code == 302
    assert response.url == reverse("benefits:calculator", args=[world.case.uuid])
    mine = MemberBudget.objects.get(member=world.case.member)
    assert (mine.yearly_earnings, mine.weekly_hours) == (Decimal("24000"), Decimal("32"))
    assert MemberBudget.objects.get(member=sofia).monthly_care_cost == Decimal("650")
    budget = HouseholdBudget.objects.get(household=world.case.household)
    assert (budget.monthly_rent, budget.version) == (Decimal("1100"), 1)
    events = {
        (e.record_type, e.action, tuple(e.fields))
        for e in AuditEvent.objects.filter(participant=world.case.uuid, actor=world.coach)
        .exclude(action=AuditEvent.Action.VIEW)
        .filter(record_type__in=["HouseholdBudget", "MemberBudget"])
    }
    assert events == {
        ("HouseholdBudget", "change", ("monthly_rent",)),
        ("MemberBudget", "create", ("weekly_hours", "yearly_earnings")),
        (
            "MemberBudget",
            "create",
            ("care_days_per_week", "care_hours_per_day", "monthly_care_cost"),
        ),
    }
    assert not any("24000" in str(e.fields) for e in AuditEvent.objects.all())
    [queued] = DBTaskResult.objects.filter(queue_name="benefits")
    assert queued.task_path == "stride.benefits.tasks.watch_households"
    assert queued.args_kwargs["args"] == [[world.case.household_id]]


def test_unchanged_money_facts_write_no_member_events(world, family, client_for):
    before = AuditEvent.objects.filter(record_type="MemberBudget").count()
    budget = HouseholdBudget.objects.get(household=family.household)
    response = client_for(world.coach).post(
        money_url(family), money_post(world, family, budget.version)
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(record_type="MemberBudget").count() == before


def test_pay_without_hours_is_refused_next_to_the_hours(world, family, client_for):
    budget = HouseholdBudget.objects.get(household=family.household)
    data = money_post(world, family, budget.version) | {
        f"{family.member.uuid}-yearly_earnings": "30000",
        f"{family.member.uuid}-weekly_hours": "0",
    }
    response = client_for(world.coach).post(money_url(family), data)
    assert response.status_code == 200
    form = dict(response.context["rows"])[family.member]
    assert form.errors == {"weekly_hours": ["Enter the usual hours a week for this pay."]}
    assert "Enter the usual hours a week for this pay." in response.content.decode()
    assert MemberBudget.objects.get(member=family.member).yearly_earnings == Decimal("20000")


def test_a_child_care_cost_without_a_schedule_is_refused_next_to_the_schedule(
    world, family, client_for
):
    sofia = family.household.members.get(first_name="Sofia")
    budget = HouseholdBudget.objects.get(household=family.household)
    data = money_post(world, family, budget.version) | {
        f"{sofia.uuid}-care_days_per_week": "0",
        f"{sofia.uuid}-care_hours_per_day": "0",
        f"{sofia.uuid}-monthly_care_cost": "900",
    }
    response = client_for(world.coach).post(money_url(family), data)
    form = dict(response.context["rows"])[sofia]
    assert form.errors == {
        "care_days_per_week": ["Enter this for a child in paid care."],
        "care_hours_per_day": ["Enter this for a child in paid care."],
    }
    assert MemberBudget.objects.get(member=sofia).monthly_care_cost == Decimal("500")


def test_a_stale_money_form_saves_nothing_and_can_be_saved_again(world, family, client_for):
    client = client_for(world.coach)
    budget = HouseholdBudget.objects.get(household=family.household)
    seen = budget.version
    money_facts(world, pay="21000")  # someone else saves meanwhile
    data = money_post(world, family, seen) | {
        "household-monthly_rent": "1400",
        f"{family.member.uuid}-yearly_earnings": "26000",
    }
    response = client.post(money_url(family), data)
    assert response.status_code == 200
    assert "Someone saved this family" in response.content.decode()
    budget.refresh_from_db()
    assert (budget.version, budget.monthly_rent) == (seen + 1, Decimal("1100"))
    assert MemberBudget.objects.get(member=family.member).yearly_earnings == Decimal("21000")
    # The form now carries the version saved meanwhile: saving again is deliberate, and works.
    assert f'value="{seen + 1}"' in response.content.decode()
    assert (
        client.post(money_url(family), data | {"household-version": str(seen + 1)}).status_code
        == 302
    )
    assert MemberBudget.objects.get(member=family.member).yearly_earnings == Decimal("26000")


def test_a_participant_and_a_reader_cannot_post_money_facts(world, family, client_for):
    budget = HouseholdBudget.objects.get(household=family.household)
    data = money_post(world, family, budget.version) | {"household-monthly_rent": "1"}
    for who in (world.participant_user, world.state_admin, world.sysadmin):
        assert client_for(who).post(money_url(family), data).status_code == 403
    assert client_for(world.coach_same_team).post(money_url(family), data).status_code == 404
    assert HouseholdBudget.objects.get(household=family.household).monthly_rent == Decimal("1100")


# Saved pictures


def save_url(person: Participant, query: str = "") -> str:
    return reverse("benefits:save", args=[person.uuid]) + (f"?{query}" if query else "")


def test_a_picture_is_saved_only_once_it_is_computed(world, family, client_for):
    client = client_for(world.coach)
    the_curve(client, family)
    response = client.post(save_url(family), {"title": "Today"}, follow=True)
    assert "The picture is still being worked out; save it once it shows." in (
        response.content.decode()
    )
    assert not Scenario.objects.exists()


def test_a_picture_needs_a_name(world, family, client_for):
    client = client_for(world.coach)
    ready(the_curve(client, family))
    response = client.post(save_url(family), {"title": ""}, follow=True)
    assert "Give the picture a name to save it." in response.content.decode()
    assert not Scenario.objects.exists()


def test_a_saved_picture_keeps_its_figures_and_version_after_the_family_changes(
    world, family, client_for
):
    client = client_for(world.coach)
    query = "weekly_hours=40&offer_a_hours=40&offer_a_wage=12"
    curve = ready(the_curve(client, family, weekly_hours=40, offer_a_hours=40, offer_a_wage=12))
    response = client.post(save_url(family, query), {"title": "Full time or the clinic job"})
    saved = Scenario.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("benefits:scenario", args=[saved.uuid])
    assert saved.what_if == {
        "weekly_hours": 40.0,
        "hourly_wage": None,
        "monthly_care_cost": None,
        "offers": [[40.0, 12.0]],
    }
    assert (saved.data, saved.engine_version, saved.computed_at) == (
        curve.data,
        curve.engine_version,
        curve.computed_at,
    )
    created = AuditEvent.objects.get(record_type="Scenario")
    assert (created.action, created.fields, created.participant) == (
        "create",
        ["title", "what_if"],
        family.uuid,
    )
    # The family's pay changes and the rules are recomputed: the saved picture does not move.
    money_facts(world, pay="35000", hours="40")
    Curve.objects.all().delete()
    page = client.get(reverse("benefits:scenario", args=[saved.uuid])).content.decode()
    assert "Full time or the clinic job" in page
    assert f"with PolicyEngine-US {saved.engine_version}, saved by Coach Tester" in page
    assert "Now: 40 hours a week" in page and "$26,667" in page  # 40 hours at the same hourly pay
    assert "Offer A: 40 hours a week at $12.00 an hour" in page and "$24,960" in page
    assert "$35,000" not in page.split("The figures behind the chart")[0]
    assert "Past $22,000 a year" in page


def test_a_saved_picture_is_listed_on_the_calculator(world, family, client_for):
    client = client_for(world.coach)
    ready(the_curve(client, family))
    client.post(save_url(family), {"title": "Before the raise"})
    saved = Scenario.objects.get()
    page = client.get(calculator_url(family)).content.decode()
    assert reverse("benefits:scenario", args=[saved.uuid]) in page and "Before the raise" in page


def saved_picture(world, family, client_for) -> Scenario:
    client = client_for(world.coach)
    ready(the_curve(client, family))
    client.post(save_url(family), {"title": "Before the raise"})
    return Scenario.objects.get()


@pytest.mark.parametrize(
    "who, status",
    [
        ("coach", 200),
        ("supervisor", 200),
        ("county_admin", 200),
        ("state_admin", 200),
        ("participant_user", 200),
        ("coach_same_team", 404),
        ("other_county_coach", 404),
        ("other_county_admin", 404),
        ("sysadmin", 404),
    ],
)
def test_a_saved_picture_opens_for_those_who_see_the_case(world, family, client_for, who, status):
    saved = saved_picture(world, family, client_for)
    url = reverse("benefits:scenario", args=[saved.uuid])
    assert client_for(world.people()[who]).get(url).status_code == status


def test_opening_a_saved_picture_is_a_view_of_the_participant(world, family, client_for):
    saved = saved_picture(world, family, client_for)
    client_for(world.participant_user).get(reverse("benefits:scenario", args=[saved.uuid]))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("at")
    assert (event.actor, event.participant) == (world.participant_user, family.uuid)


def test_the_participant_sees_saved_pictures_on_their_page(world, family, client_for):
    saved = saved_picture(world, family, client_for)
    page = client_for(world.participant_user).get(reverse("benefits:mine")).content.decode()
    assert "Pictures my coach saved" in page
    assert reverse("benefits:scenario", args=[saved.uuid]) in page


def test_only_case_editors_save_pictures(world, family, client_for):
    ready(the_curve(client_for(world.coach), family))
    for who, status in [
        (world.state_admin, 403),
        (world.participant_user, 403),
        (world.sysadmin, 403),
        (world.coach_same_team, 404),
    ]:
        assert client_for(who).post(save_url(family), {"title": "x"}).status_code == status
    assert not Scenario.objects.exists()


# Query counts: fixed, whatever the household's size


def bigger_household(world, family, children: int) -> None:
    for number in range(children):
        add_child(world, f"Kid{number}", date(2012 + number, 1, 5))
    money_facts(world)


def test_the_calculator_and_its_parts_cost_the_same_queries_for_a_bigger_household(
    world, family, client_for
):
    CareerPlan.objects.create(
        participant=family, industry_key="healthcare", ladder_key="nursing", level="entry"
    )
    client = client_for(world.coach)
    me = client_for(world.participant_user)

    def counts() -> tuple[int, int, int, int]:
        ready(the_curve(client, family))
        if not Scenario.objects.exists():
            client.post(save_url(family), {"title": "Before the raise"})
        scenario = reverse("benefits:scenario", args=[Scenario.objects.get().uuid])
        return (
            queries(client, calculator_url(family)),
            queries(client, reverse("benefits:curve", args=[family.uuid])),
            queries(client, scenario),
            queries(me, reverse("benefits:mine")),
        )

    small = counts()
    bigger_household(world, family, 4)
    assert counts() == small
    # Calculator: session, user; the participant with the household's money facts; its view
    # event; the members with their money facts; the career plan; the cached curve; the engine's state;
    # the saved pictures; the session save.
    # Curve part: the same without the view event and the saved pictures.
    # Saved picture: session, user, the picture with its participant and author, the view
    # event, the session save. /me/benefits/: like the calculator, for the participant.
    assert small == (10, 8, 5, 10)
