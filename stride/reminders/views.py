"""Reminder consent on a participant's record, the provider's webhooks, and the demo outbox."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from stride.core import access
from stride.core.audit import Actor
from stride.core.guards import require
from stride.core.models import Organisation, Role, User
from stride.core.submissions import save_once
from stride.people.cases import open_case
from stride.people.models import Participant

from . import actions, inbound, sending, wording
from .forms import ConsentForm, CountySettingsForm, PreferenceForm
from .models import Channel, Consent, Message, Preference, Reply

RECENT = 20


@require(access.can_see_caseloads, to_change=access.can_edit_cases)
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Who agreed to which reminders, in which words; recording a new yes."""
    person = open_case(request, uuid)
    form = ConsentForm(
        request.POST or None,
        initial={"channel": Channel.SMS, "address": person.household.phone},
    )
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: actions.give_consent(
                Actor.from_request(request),
                person,
                form.cleaned_data["channel"],
                form.cleaned_data["address"],
                form.cleaned_data["how"],
            ),
            lambda _consent: reverse("reminders:consent", kwargs={"uuid": person.uuid}),
            _("Their consent is recorded."),
        )
        if saved:
            return saved
    return _consent_page(request, person, form)


def _consent_page(
    request: HttpRequest,
    person: Participant,
    form: ConsentForm,
    times: PreferenceForm | None = None,
) -> HttpResponse:
    language = wording.language_of(person)
    consents = access.visible_to(Consent.objects.filter(participant=person), request.user)
    sent = access.visible_to(Message.objects.filter(participant=person), request.user)
    preference = access.visible_to(
        Preference.objects.filter(participant=person), request.user
    ).first() or Preference(participant=person, version=0)
    return render(
        request,
        "reminders/consent.html",
        {
            "person": person,
            "form": form,
            "times": times or PreferenceForm.for_preference(preference),
            "preference": preference,
            "consents": list(consents.select_related("recorded_by")),
            "messages_sent": list(sent[:RECENT]),
            "words": {
                channel: wording.consent_words(channel, language)
                for channel in (Channel.SMS, Channel.EMAIL)  # postcards: the calendar page
            },
            "can_edit": access.can_edit_cases(request.user),
            "debug_outbox": settings.DEBUG,
        },
    )


@require(access.can_edit_cases, methods={"POST"})
def times(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The participant's reminder times, set by their coach with them."""
    person = open_case(request, uuid)
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            actions.set_preference(
                Actor.from_request(request),
                person,
                form.cleaned_data["lead"],
                form.cleaned_data["at"],
                form.cleaned_data["version"],
                form.cleaned_data["check_in_every"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Their reminder times are saved."))
            return redirect("reminders:consent", uuid=person.uuid)
    blank = ConsentForm(initial={"channel": Channel.SMS, "address": person.household.phone})
    return _consent_page(request, person, blank, times=form)


@require(access.can_edit_cases, methods={"POST"})
def consent_withdraw(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The participant asked their coach to stop reminders on this channel."""
    found = access.get_visible_or_404(
        Consent.objects.select_related("participant"), request.user, uuid=uuid
    )
    how = request.POST.get("how", Consent.How.IN_PERSON)
    if how not in (Consent.How.IN_PERSON, Consent.How.PHONE):
        how = Consent.How.IN_PERSON
    actions.withdraw_consent(Actor.from_request(request), found, how)
    messages.success(request, _("Reminders on this channel are stopped."))
    return redirect("reminders:consent", uuid=found.participant.uuid)


def _administered_county(user: User) -> Organisation:
    county = user.organisation.county() if user.organisation is not None else None
    if county is None:
        raise PermissionDenied
    return county


def _is_county_admin(user: User) -> bool:
    return user.is_authenticated and user.role == Role.COUNTY_ADMIN


@require(_is_county_admin)
@require_http_methods(["GET", "POST"])
def county_settings(request: HttpRequest) -> HttpResponse:
    """A county administrator's quiet hours for reminders, and who a HELP text points to."""
    county = _administered_county(request.user)
    chosen = actions.county_settings(county)
    form = CountySettingsForm(
        request.POST or None,
        initial={
            "quiet_from": chosen.quiet_from,
            "quiet_until": chosen.quiet_until,
            "help_contact": chosen.help_contact,
        },
    )
    if request.method == "POST" and form.is_valid():
        actions.set_county_settings(
            Actor.from_request(request),
            county,
            form.cleaned_data["quiet_from"],
            form.cleaned_data["quiet_until"],
            form.cleaned_data["help_contact"].strip(),
        )
        messages.success(request, _("Saved."))
        return redirect("reminders:county_settings")
    return render(request, "reminders/county_settings.html", {"form": form, "county": county})


# The provider's webhooks: signed by Twilio, answered without telling a stranger anything.


def _signed(request: HttpRequest) -> bool:
    token = settings.STRIDE_TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    base = settings.STRIDE_PUBLIC_URL.rstrip("/")
    url = f"{base}{request.get_full_path()}" if base else request.build_absolute_uri()
    return bool(RequestValidator(token).validate(url, request.POST.dict(), signature))


def _twiml(text: str) -> HttpResponse:
    answer = MessagingResponse()
    if text:
        answer.message(text)
    return HttpResponse(str(answer), content_type="text/xml")


@csrf_exempt
def sms_inbound(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not _signed(request):
        return HttpResponseForbidden()
    answer = inbound.handle(request.POST.get("From", ""), request.POST.get("Body", ""))
    return _twiml(answer.text)


@csrf_exempt
def sms_status(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not _signed(request):
        return HttpResponseForbidden()
    sending.provider_said(request.POST.get("MessageSid", ""), request.POST.get("MessageStatus", ""))
    return HttpResponse(status=204)


# With DEBUG on: what was sent, as the participant's phone shows it, and a way to answer.


def _demo_only() -> None:
    if not settings.DEBUG:
        raise Http404


@require(access.can_see_caseloads, methods={"GET"})
def outbox(request: HttpRequest) -> HttpResponse:
    _demo_only()
    texts = access.visible_to(
        Message.objects.filter(
            channel=Channel.SMS, status__in=[Message.Status.SENT, Message.Status.DELIVERED]
        ).select_related("participant__member"),
        request.user,
    ).order_by("-sent_at")[:50]
    replies = access.visible_to(Reply.objects.all(), request.user).order_by("-received_at")[:50]
    phones: dict[int, dict[str, Any]] = {}
    for text in texts:
        phone = phones.setdefault(
            text.participant_id,
            {"address": text.address, "person": text.participant, "thread": []},
        )
        phone["thread"].append({"at": text.sent_at, "body": text.body, "from_them": False})
    for reply in replies:
        if reply.participant_id in phones:
            phones[reply.participant_id]["thread"].append(
                {"at": reply.received_at, "body": reply.body, "from_them": True}
            )
    for phone in phones.values():
        phone["thread"].sort(key=lambda item: item["at"])
    return render(request, "reminders/outbox.html", {"phones": list(phones.values())})


@require(access.can_see_caseloads, methods={"POST"})
def outbox_reply(request: HttpRequest) -> HttpResponse:
    """The participant's answer, sent through the same path as the provider's webhook."""
    _demo_only()
    phone = actions.normalise_phone(request.POST.get("phone", ""))
    body = request.POST.get("body", "").strip()
    visible = access.visible_to(
        Consent.objects.filter(channel=Channel.SMS, address=phone), request.user
    )
    if not phone or not visible.exists():
        raise Http404
    if not body:
        messages.error(request, _("Write an answer first."))
        return redirect("reminders:outbox")
    try:
        answer = inbound.handle(phone, body)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reminders:outbox")
    if answer.text:
        messages.info(request, _("The phone got this answer: %(text)s") % {"text": answer.text})
    return redirect("reminders:outbox")
