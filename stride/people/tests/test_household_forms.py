"""Creating and editing households and members: plain messages, nothing half-saved."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from stride.core.models import AuditEvent
from stride.people.models import Household, Member, Participant

pytestmark = pytest.mark.django_db


def new_case_form(world, **overrides) -> dict:
    return {
        "case_number": "FR0000099",
        "county": world.county.pk,
        "first_name": "Keisha",
        "last_name": "Brown",
        "birth_date": "1994-06-15",
        "ssn": "345-67-8901",
        "program": world.program.pk,
        "aid_start": "2026-03-01",
        "coach": world.coach.pk,
        "address_line": "1200 Fulton St",
        "city": "Fresno",
        "zip_code": "93721",
        "phone": "(559) 555-0100",
        "language": "en",
    } | overrides


def test_a_coach_opens_a_case_on_their_own_caseload(world, client_for):
    response = client_for(world.coach).post(reverse("people:household_new"), new_case_form(world))
    participant = Participant.objects.get(household__case_number="FR0000099")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:participant", args=[participant.uuid])
    assert participant.coach == world.coach
    assert participant.household.member_count == 1
    assert participant.assignments.get().ended_on is None
    created = AuditEvent.objects.filter(participant=participant.uuid, action="create")
    assert set(created.values_list("record_type", flat=True)) == {
        "Household", "Member", "Participant", "Enrollment", "CoachAssignment",
    }  # fmt: skip


def test_a_future_birth_date_is_refused_next_to_the_field(world, client_for):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client_for(world.coach).post(
        reverse("people:household_new"), new_case_form(world, birth_date=tomorrow)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"] == [
        "The birth date can't be in the future."
    ]
    assert not Household.objects.filter(case_number="FR0000099").exists()


def test_a_child_cannot_be_the_only_adult(world, client_for):
    response = client_for(world.coach).post(
        reverse("people:household_new"), new_case_form(world, birth_date="2015-01-01")
    )
    assert "must be an adult" in response.context["form"].errors["birth_date"][0]
    assert not Household.objects.filter(case_number="FR0000099").exists()
    assert not Member.objects.filter(first_name="Keisha").exists()


def test_a_duplicate_person_is_named_as_such_and_nothing_is_saved(world, client_for):
    # Same name, birth date and SSN ending as the existing case, but a different full SSN.
    form = new_case_form(
        world, first_name="maria", last_name="LOPEZ", birth_date="1990-04-02", ssn="456-78-6789"
    )
    response = client_for(world.coach).post(reverse("people:household_new"), form)
    assert "already in Stride" in response.context["form"].errors["last_name"][0]
    assert not Household.objects.filter(case_number="FR0000099").exists()


def test_an_ssn_already_on_file_is_refused(world, client_for):
    form = new_case_form(world, ssn="123456789")
    response = client_for(world.coach).post(reverse("people:household_new"), form)
    assert response.context["form"].errors["ssn"] == [
        "This Social Security number already belongs to a person in Stride."
    ]


@pytest.mark.parametrize(
    "ssn", ["12345678", "000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567"]
)
def test_impossible_ssns_are_refused(world, client_for, ssn):
    response = client_for(world.coach).post(
        reverse("people:household_new"), new_case_form(world, ssn=ssn)
    )
    assert response.context["form"].errors["ssn"]


def test_a_duplicate_case_number_is_refused(world, client_for):
    response = client_for(world.coach).post(
        reverse("people:household_new"), new_case_form(world, case_number="fr0000001")
    )
    assert response.context["form"].errors["case_number"] == [
        "A household with this case number is already in Stride."
    ]


def test_a_coach_cannot_open_a_case_for_another_coach_or_county(world, client_for):
    response = client_for(world.coach).post(
        reverse("people:household_new"),
        new_case_form(world, coach=world.coach_same_team.pk, county=world.other_county.pk),
    )
    errors = response.context["form"].errors
    assert "coach" in errors and "county" in errors


def test_the_ssn_is_encrypted_at_rest_and_shown_masked(world, client_for):
    member = world.case.member
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn FROM people_member WHERE id = %s", [member.pk])
        stored = cursor.fetchone()[0]
    assert "6789" not in stored and "123" not in stored
    assert Member.objects.get(pk=member.pk).ssn == "123456789"
    page = client_for(world.coach).get(reverse("staff:participant", args=[world.case.uuid]))
    assert "•••-••-6789" in page.content.decode()
    assert "123-45-6789" not in page.content.decode() and "123456789" not in page.content.decode()


def add_child(world, client_for, **overrides):
    form = {
        "first_name": "Leo",
        "last_name": "Lopez",
        "birth_date": "2019-09-09",
        "relationship": "child",
        "ssn": "",
    }
    return client_for(world.coach).post(
        reverse("people:member_new", args=[world.case.household.uuid]), form | overrides
    )


def test_a_coach_adds_a_child_and_the_household_grows(world, client_for):
    assert add_child(world, client_for).status_code == 302
    household = Household.objects.get(pk=world.case.household_id)
    assert household.member_count == 2
    page = client_for(world.coach).get(reverse("staff:participant", args=[world.case.uuid]))
    assert "Leo Lopez" in page.content.decode()


def test_removing_the_only_adult_is_refused(world, client_for):
    add_child(world, client_for)
    head = world.case.member
    response = client_for(world.coach).post(
        reverse("people:member_remove", args=[head.uuid]), {"version": head.version}
    )
    assert "being coached" in response.context["form"].non_field_errors()[0]
    assert Member.objects.filter(pk=head.pk).exists()


def test_making_the_only_adult_a_child_is_refused(world, client_for):
    add_child(world, client_for)
    partner = Member.objects.create(
        household=world.case.household, first_name="Sam", last_name="Lopez",
        birth_date=date(1988, 1, 1), relationship="partner",
    )  # fmt: skip
    # Two adults: the partner can be removed, and then the head is the only adult left.
    response = client_for(world.coach).post(
        reverse("people:member_remove", args=[partner.uuid]), {"version": partner.version}
    )
    assert response.status_code == 302
    head = world.case.member
    form = {
        "first_name": head.first_name, "last_name": head.last_name, "birth_date": "2012-01-01",
        "relationship": "child", "ssn": "", "version": head.version,
    }  # fmt: skip
    response = client_for(world.coach).post(reverse("people:member_edit", args=[head.uuid]), form)
    assert response.context["form"].errors["birth_date"]
    assert Member.objects.get(pk=head.pk).birth_date == date(1990, 4, 2)


def test_a_stale_edit_is_explained_and_not_saved(world, client_for):
    household = world.case.household
    form = {
        "address_line": "1 New St",
        "city": "Fresno",
        "zip_code": "93701",
        "phone": "",
        "language": "es",
    }
    first = client_for(world.coach).post(
        reverse("people:household_edit", args=[household.uuid]),
        form | {"version": household.version},
    )
    assert first.status_code == 302
    second = client_for(world.supervisor).post(
        reverse("people:household_edit", args=[household.uuid]),
        form | {"address_line": "9 Old Rd", "version": household.version},
    )
    assert "Someone else saved changes" in second.context["form"].non_field_errors()[0]
    assert Household.objects.get(pk=household.pk).address_line == "1 New St"
    # The form now carries the latest version, so saving again is a deliberate choice.
    assert second.context["form"].data["version"] == household.version + 1


def test_editing_a_member_keeps_the_ssn_when_left_blank(world, client_for):
    head = world.case.member
    form = {
        "first_name": "María", "last_name": "López", "birth_date": "1990-04-02",
        "relationship": "head", "ssn": "", "version": head.version,
    }  # fmt: skip
    response = client_for(world.coach).post(reverse("people:member_edit", args=[head.uuid]), form)
    assert response.status_code == 302
    head.refresh_from_db()
    assert (head.first_name, head.ssn_last4) == ("María", "6789")
    event = AuditEvent.objects.filter(record_id=head.uuid, action="change").get()
    assert event.fields == ["first_name", "last_name"]


def test_date_fields_keep_their_value_in_spanish(world, client_for, settings):
    client = client_for(world.coach)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(reverse("people:member_edit", args=[world.case.member.uuid]))
    assert page.headers["Content-Language"] == "es"
    # A date input only understands ISO dates: 02/04/1990 would show an empty field.
    assert 'value="1990-04-02"' in page.content.decode()
