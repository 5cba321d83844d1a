"""A participant's own reminders page (/me/reminders/): when reminders come, and their own yes
or no to texts and email, in the words they were shown."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from stride.core import access
from stride.core.audit import Actor
from stride.core.submissions import save_once
from stride.people.cases import open_own_case
from stride.people.models import Participant
from stride.reminders import actions as reminders
from stride.reminders import quiet, wording
from stride.reminders.forms import OwnConsentForm, PreferenceForm
from stride.reminders.models import Channel, Consent, Message, Preference

UPCOMING = (Message.About.STEP, Message.About.APPOINTMENT, Message.About.REVIEW)
SHOWN_UPCOMING = 10


def _words_shown() -> dict[str, str]:
    """The words of each yes, in the language of the page the participant reads."""
    language = translation.get_language() or "en"
    return {
        channel: wording.consent_words(channel, language[:2], own_pages=True)
        for channel in (Channel.SMS, Channel.EMAIL)
    }


def _page(
    request: HttpRequest,
    me: Participant,
    times: PreferenceForm | None = None,
    agree: OwnConsentForm | None = None,
) -> HttpResponse:
    user = request.user
    preference = access.visible_to(Preference.objects.filter(participant=me), user).first()
    preference = preference or Preference(participant=me, version=0)
    consents = list(
        access.visible_to(
            Consent.objects.filter(participant=me, revoked_at__isnull=True), user
        ).exclude(channel=Channel.POSTCARD)
    )
    upcoming = access.visible_to(
        Message.objects.filter(
            participant=me, status=Message.Status.QUEUED, about__in=UPCOMING
        ).order_by("due_at", "pk"),
        user,
    )[:SHOWN_UPCOMING]
    hours = reminders.county_settings(me.county) if me.county is not None else None
    household = me.household
    return render(
        request,
        "portal/reminders.html",
        {
            "me": me,
            "preference": preference,
            "times": times or PreferenceForm.for_preference(preference),
            "consents": consents,
            "agree": agree
            or OwnConsentForm(initial={"channel": Channel.SMS, "address": household.phone}),
            "words": _words_shown(),
            "upcoming": list(upcoming),
            "zone": quiet.zone_for_zip(household.zip_code),
            "quiet_from": hours.quiet_from if hours else quiet.DEFAULT_FROM,
            "quiet_until": hours.quiet_until if hours else quiet.DEFAULT_UNTIL,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reminders_page(request: HttpRequest) -> HttpResponse:
    """Their reminders: when they come (saved here), how they reach them, what is coming."""
    me = open_own_case(request)
    if request.method != "POST":
        return _page(request, me)
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            reminders.set_preference(
                Actor.from_request(request),
                me,
                form.cleaned_data["lead"],
                form.cleaned_data["at"],
                form.cleaned_data["version"],
                form.cleaned_data["check_in_every"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reminder times are saved."))
            return redirect("portal:reminders")
    return _page(request, me, times=form)


@login_required
@require_POST
def reminder_consent(request: HttpRequest) -> HttpResponse:
    """Their own yes to reminders by text or email, in the words they read above."""
    me = open_own_case(request)
    form = OwnConsentForm(request.POST)
    words = _words_shown()
    saved = save_once(
        request,
        form,
        lambda: reminders.give_consent(
            Actor.from_request(request),
            me,
            form.cleaned_data["channel"],
            form.cleaned_data["address"],
            Consent.How.PORTAL,
            words=words[form.cleaned_data["channel"]],
        ),
        lambda _consent: reverse("portal:reminders"),
        _("Thank you. Your reminders are on."),
    )
    return saved or _page(request, me, agree=form)


@login_required
@require_POST
def reminder_stop(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """They stop reminders on one channel themselves."""
    me = open_own_case(request)
    consent = access.get_visible_or_404(
        Consent.objects.select_related("participant").filter(participant=me),
        request.user,
        uuid=uuid,
    )
    reminders.withdraw_consent(Actor.from_request(request), consent, Consent.How.PORTAL)
    messages.success(request, _("Done. You will get no more reminders that way."))
    return redirect("portal:reminders")
