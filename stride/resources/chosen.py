"""The services a family chose, as a list for their phone and on paper in their language."""

from django.http import HttpRequest, HttpResponse

from stride.coaching import printouts
from stride.core import access
from stride.core.audit import Actor
from stride.core.models import User
from stride.people import actions as people_actions
from stride.people.models import Participant

from .models import Referral

SERVICES_PRINTOUT = printouts.Printable("services", "resources/print/services.html")
# Referrals that ended without the help are not on the family's list.
DROPPED = [Referral.Outcome.NOT_ELIGIBLE, Referral.Outcome.DECLINED, Referral.Outcome.NO_RESPONSE]


def chosen_services(user: User, person: Participant) -> list[Referral]:
    """The family's referrals still under way, or that brought help, newest first."""
    return list(
        access.visible_to(
            Referral.objects.filter(participant=person)
            .exclude(outcome__in=DROPPED)
            .select_related("service__provider")
            .prefetch_related("service__locations", "service__schedules"),
            user,
        )
    )


def services_pdf(request: HttpRequest, person: Participant) -> HttpResponse:
    """The list as a PDF in the household's language (or the one asked for): an export."""
    assert isinstance(request.user, User)  # the views ask for a signed-in person
    language = printouts.language_for(
        request.GET.get("lang"), person.household, request.LANGUAGE_CODE
    )
    context = {"person": person, "referrals": chosen_services(request.user, person)}
    pdf = printouts.render_pdf(SERVICES_PRINTOUT, context, language)
    people_actions.record_export(Actor.from_request(request), [person])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="services-{language}.pdf"'
    response["Content-Language"] = language
    return response
