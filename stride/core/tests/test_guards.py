"""core.guards.require: sign-in first, then the role rule, before the view runs."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from stride.core import access
from stride.core.guards import refuse_unless, require

ran: list[str] = []


@require(access.can_edit_cases)
def guarded_view(request, uuid=None):
    ran.append(str(uuid))
    return HttpResponse("shown")


def asking(user):
    request = RequestFactory().get("/somewhere/?x=1")
    request.user = user
    return request


@pytest.fixture(autouse=True)
def nothing_ran():
    ran.clear()


def test_an_allowed_role_gets_the_view_with_its_arguments(world):
    response = guarded_view(asking(world.coach), uuid="abc")
    assert response.status_code == 200 and ran == ["abc"]


@pytest.mark.parametrize("who", ["state_admin", "sysadmin", "participant_user"])
def test_a_refused_role_gets_403_before_the_view_runs(world, who):
    with pytest.raises(PermissionDenied):
        guarded_view(asking(getattr(world, who)), uuid="abc")
    assert ran == []


def test_someone_signed_out_is_sent_to_sign_in_and_comes_back(db):
    response = guarded_view(asking(AnonymousUser()), uuid="abc")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login") + "?next=")
    assert "/somewhere/" in response["Location"]
    assert ran == []


def test_the_rule_is_asked_only_for_someone_signed_in(db):
    asked = []

    @require(lambda user: asked.append(user) or True)
    def view(request):
        return HttpResponse()

    view(asking(AnonymousUser()))
    assert asked == []


def test_the_view_keeps_its_name_for_the_url_walk():
    assert guarded_view.__name__ == "guarded_view"


def test_refuse_unless():
    refuse_unless(True)
    with pytest.raises(PermissionDenied):
        refuse_unless(False)


def test_through_a_real_route_a_refused_role_gets_403_and_the_signed_out_sign_in(
    world, client, client_for
):
    url = reverse("coaching:goal_new", args=[world.case.uuid])
    assert client_for(world.state_admin).get(url).status_code == 403
    answer = client.get(url)
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("core:login"))
    # 403 before 404: a refused role learns nothing about whether the case exists.
    assert client_for(world.other_county_admin).get(url).status_code == 404
    assert client_for(world.sysadmin).get(url).status_code == 403


@require(access.can_see_caseloads, to_change=access.can_edit_cases)
def read_by_more_than_send(request):
    ran.append(request.method)
    return HttpResponse()


def test_to_change_is_asked_only_of_a_send(world):
    reading = RequestFactory().get("/")
    reading.user = world.state_admin
    assert read_by_more_than_send(reading).status_code == 200
    sending = RequestFactory().post("/")
    sending.user = world.state_admin
    with pytest.raises(PermissionDenied):
        read_by_more_than_send(sending)
    sending.user = world.coach
    assert read_by_more_than_send(sending).status_code == 200
    assert ran == ["GET", "POST"]


@require(access.can_edit_cases, methods=["POST"])
def sent_only(request):
    ran.append(request.method)
    return HttpResponse()


def test_a_wrong_method_is_405_for_everyone_signed_in_and_sign_in_comes_first(world, db):
    for who in (world.coach, world.sysadmin):
        reading = RequestFactory().get("/")
        reading.user = who
        assert sent_only(reading).status_code == 405
    signed_out = RequestFactory().get("/")
    signed_out.user = AnonymousUser()
    assert sent_only(signed_out).status_code == 302
    refused = RequestFactory().post("/")
    refused.user = world.sysadmin
    with pytest.raises(PermissionDenied):
        sent_only(refused)
    assert ran == []
