"""Printables: real PDFs with the record's words in them, in the household's language,
blank forms for anyone who sees caseloads, and outsiders kept out (no export written)."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from pypdf import PdfReader

from stride.coaching import actions, printouts
from stride.coaching.actions import GoalDetails, ReviewDetails, SessionDetails, StepDetails
from stride.coaching.models import Goal, Obstacle
from stride.core.audit import Actor
from stride.core.models import AuditEvent
from stride.people import actions as people_actions

pytestmark = pytest.mark.django_db

INCH = 72  # PDF points


def pdf_pages(response) -> list[str]:
    """The text of each page; pypdf fails loudly on anything that is not a PDF."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def page_size_in_inches(response, number: int = 0) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(response.content)).pages[number].mediabox
    return round(float(box.width) / INCH, 2), round(float(box.height) / INCH, 2)


def exports_of(participant) -> int:
    return AuditEvent.objects.filter(
        participant=participant.uuid, action=AuditEvent.Action.EXPORT
    ).count()


def a_goal(world, words="Finish my GED this spring", **details) -> Goal:
    return actions.set_goal(
        Actor(world.coach), world.case, GoalDetails(words, "learning", **details)
    )


def test_the_worksheet_is_filled_from_the_goal_its_plan_and_its_review(world, client_for):
    goal = a_goal(
        world, why_it_matters="Better pay for my kids", measure="The certificate in my hand"
    )
    coach = Actor(world.coach)
    actions.add_step(
        coach, goal, StepDetails("Call the adult school", where="Fresno library", who_helps="Ana")
    )
    actions.add_step(coach, goal, StepDetails("Sign up for the evening class"))
    actions.record_review(
        coach, goal, ReviewDetails("Made the call on Monday", "keep_going", learned="Ask early")
    )

    response = client_for(world.coach).get(reverse("coaching:print_worksheet", args=[goal.uuid]))

    text = " ".join(pdf_pages(response))
    for words in ["Finish my GED this spring", "Better pay for my kids",
                  "The certificate in my hand", "Call the adult school", "Fresno library",
                  "Sign up for the evening class", "Made the call on Monday", "Ask early",
                  "Maria Lopez"]:  # fmt: skip
        assert words in text
    assert page_size_in_inches(response) == (8.5, 11)
    assert 'filename="worksheet-en.pdf"' in response["Content-Disposition"]
    assert exports_of(world.case) == 1


def test_the_potholes_sheet_lists_each_pothole_and_its_detour(world, client_for):
    goal = a_goal(world)
    coach = Actor(world.coach)
    actions.add_obstacle(coach, goal, Obstacle.Kind.INTERNAL, "I put it off", "Do it first thing")
    actions.add_obstacle(coach, goal, Obstacle.Kind.EXTERNAL, "The bus is late", "Leave early")

    response = client_for(world.coach).get(reverse("coaching:print_potholes", args=[goal.uuid]))

    text = " ".join(pdf_pages(response))
    for words in ["Finish my GED this spring", "I put it off", "Do it first thing",
                  "The bus is late", "Leave early"]:  # fmt: skip
        assert words in text


def test_the_pocket_card_has_the_goal_in_front_and_the_steps_still_to_do_behind(world, client_for):
    goal = a_goal(world)
    coach = Actor(world.coach)
    done = actions.add_step(coach, goal, StepDetails("Find the school's phone number"))
    actions.mark_step(coach, done, done.version, "done")
    actions.add_step(coach, goal, StepDetails("Call the adult school"))

    response = client_for(world.coach).get(reverse("coaching:print_card", args=[goal.uuid]))

    front, back = pdf_pages(response)
    assert page_size_in_inches(response, 0) == page_size_in_inches(response, 1) == (3.5, 2)
    assert "Finish my GED this spring" in front
    assert "Call the adult school" in back
    assert "Find the school's phone number" not in back
    assert "Coach Tester" in back


def test_the_roadmap_shows_the_long_term_goal_and_the_goals_on_the_way(world, client_for):
    coach = Actor(world.coach)
    destination = actions.set_goal(
        coach,
        world.case,
        GoalDetails("Work as a dental assistant", "work", term=Goal.Term.LONG,
                    why_it_matters="A steady job I enjoy"),
    )  # fmt: skip
    for words in ["Finish my GED", "Start the dental assistant course"]:
        actions.set_goal(coach, world.case, GoalDetails(words, "learning", parent=destination))

    response = client_for(world.coach).get(
        reverse("coaching:print_roadmap", args=[world.case.uuid])
    )

    text = " ".join(pdf_pages(response))
    for words in ["Work as a dental assistant", "A steady job I enjoy", "Finish my GED",
                  "Start the dental assistant course", "The stops on my road"]:  # fmt: skip
        assert words in text
    assert text.index("Finish my GED") < text.index("Start the dental assistant course")


def test_without_a_long_term_goal_the_roadmap_is_blank_but_for_the_name(world, client_for):
    a_goal(world, words="Open a savings account")

    response = client_for(world.coach).get(
        reverse("coaching:print_roadmap", args=[world.case.uuid])
    )

    text = " ".join(pdf_pages(response))
    assert "Maria Lopez" in text and "My roadmap" in text
    assert "Open a savings account" not in text


def test_the_postcard_shows_the_goal_the_next_appointment_and_the_coach(world, client_for):
    goal = a_goal(world)
    actions.add_step(Actor(world.coach), goal, StepDetails("Call the adult school"))
    next_week = timezone.localdate() + timedelta(days=7)
    appointment = timezone.make_aware(datetime.combine(next_week, time(10, 30)))
    actions.record_session(
        Actor(world.coach),
        world.case,
        SessionDetails(timezone.now() - timedelta(hours=1), "phone", 30,
                       next_appointment=appointment),
    )  # fmt: skip

    response = client_for(world.coach).get(
        reverse("coaching:print_postcard", args=[world.case.uuid])
    )

    front, back = pdf_pages(response)
    assert page_size_in_inches(response) == (6, 4)
    assert "Finish my GED this spring" in front
    assert formats.date_format(next_week, "DATE_FORMAT") in back
    assert "10:30 a.m." in back
    assert "Coach Tester" in back and "Call the adult school" in back and "Hi Maria" in back


def test_an_appointment_already_past_is_left_for_the_coach_to_write_in(world):
    held = timezone.now() - timedelta(days=3)
    actions.record_session(
        Actor(world.coach),
        world.case,
        SessionDetails(held, "phone", 30, next_appointment=held + timedelta(days=1)),
    )
    assert printouts.postcard(world.case)["appointment"] is None
    assert printouts.postcard(world.case, now=held)["appointment"] == held + timedelta(days=1)


def test_spanish_is_printed_when_asked_and_english_when_asked(world, client_for):
    goal = a_goal(world, target_date=date(2027, 3, 15))
    url = reverse("coaching:print_card", args=[goal.uuid])
    client = client_for(world.coach)

    spanish = client.get(url, {"lang": "es"})
    english = client.get(url, {"lang": "en"})

    # Month names come from Django's own Spanish catalogue, so this holds before ours is done.
    assert "15 de marzo de 2027" in pdf_pages(spanish)[0]
    assert spanish["Content-Language"] == "es"
    assert 'filename="card-es.pdf"' in spanish["Content-Disposition"]
    assert "March 15, 2027" in pdf_pages(english)[0]
    assert english["Content-Language"] == "en"


def test_filled_printables_follow_the_household_language_unless_asked(world, client_for):
    household = world.case.household
    people_actions.update_household(Actor(world.coach), household, household.version, language="es")
    goal = a_goal(world, target_date=date(2027, 3, 15))
    client = client_for(world.coach)

    response = client.get(reverse("coaching:print_card", args=[goal.uuid]), {"lang": "fr"})

    assert response["Content-Language"] == "es"
    assert "15 de marzo de 2027" in pdf_pages(response)[0]


@pytest.mark.parametrize(
    ("kind", "title"),
    [("worksheet", "My goal worksheet"), ("roadmap", "My roadmap"),
     ("potholes", "Potholes and detours"), ("card", "My next steps"),
     ("postcard", "Our next meeting")],
)  # fmt: skip
def test_blank_forms_print_without_any_record(world, client_for, kind, title):
    a_goal(world)

    response = client_for(world.coach_same_team).get(reverse("coaching:print_blank", args=[kind]))

    text = " ".join(pdf_pages(response))
    assert title.lower() in text.lower()  # the small cards print headings in capitals
    assert "Maria" not in text and "Finish my GED" not in text
    assert 'filename="' + kind + '-blank-en.pdf"' in response["Content-Disposition"]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_blank_forms_follow_the_language_of_the_page(world, client_for):
    response = client_for(world.coach).get(
        reverse("coaching:print_blank", args=["card"]), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response["Content-Language"] == "es"
    assert 'filename="card-blank-es.pdf"' in response["Content-Disposition"]


def test_an_unknown_blank_form_is_not_found(world, client_for):
    response = client_for(world.coach).get(reverse("coaching:print_blank", args=["letter"]))
    assert response.status_code == 404


@pytest.mark.parametrize("outsider", ["other_county_coach", "coach_same_team"])
def test_outsiders_get_404_and_no_export_is_written(world, client_for, outsider):
    goal = a_goal(world)
    client = client_for(getattr(world, outsider))
    urls = [reverse(f"coaching:print_{kind}", args=[goal.uuid])
            for kind in ("worksheet", "potholes", "card")] + [
           reverse(f"coaching:print_{kind}", args=[world.case.uuid])
           for kind in ("roadmap", "postcard")]  # fmt: skip

    statuses = {url: client.get(url).status_code for url in urls}

    assert set(statuses.values()) == {404}, statuses
    assert exports_of(world.case) == 0


def test_the_goal_pages_link_to_the_printables(world, client_for):
    goal = a_goal(world)
    client = client_for(world.coach)

    goal_page = client.get(reverse("coaching:goal", args=[goal.uuid])).content.decode()
    goals_page = client.get(
        reverse("coaching:participant_goals", args=[world.case.uuid])
    ).content.decode()

    for kind in ("worksheet", "potholes", "card"):
        url = reverse(f"coaching:print_{kind}", args=[goal.uuid])
        assert f'href="{url}?lang=en"' in goal_page and f'href="{url}?lang=es"' in goal_page
    for kind in ("roadmap", "postcard"):
        assert reverse(f"coaching:print_{kind}", args=[world.case.uuid]) in goals_page
    for kind in printouts.PRINTABLES:
        assert reverse("coaching:print_blank", args=[kind]) in goals_page
    # Opening the pages is a view, not an export: only printing exports.
    assert exports_of(world.case) == 0


def test_a_certificate_names_the_person_and_what_they_reached(world, client_for):
    goal = a_goal(world, words="Pass the CNA exam")
    actions.record_review(Actor(world.coach), goal, ReviewDetails("Passed", "achieved"))
    achievement = world.case.achievements.get()
    before = exports_of(world.case)
    response = client_for(world.coach).get(
        reverse("coaching:certificate", args=[achievement.uuid]), {"lang": "en"}
    )
    (page,) = pdf_pages(response)
    assert world.case.member.full_name in page and "Pass the CNA exam" in page
    assert page_size_in_inches(response) == (11.0, 8.5)
    assert exports_of(world.case) == before + 1
    outsider = client_for(world.other_county_coach)
    assert outsider.get(reverse("coaching:certificate", args=[achievement.uuid])).status_code == 404
