"""An administrator's webhook subscriptions: add, change, pause, rotate the secret, and
read and replay the delivery log."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stride.core.audit import Actor
from stride.core.forms import run_action
from stride.core.guards import require
from stride.core.models import User
from stride.core.submissions import save_once

from . import actions, scope
from .forms import EditSubscriptionForm, SubscriptionForm
from .models import Delivery, Subscription

LOG_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # signed in: every view here is behind `require`
    return user


def _secret_key(subscription: Subscription) -> str:
    return f"webhooks:secret:{subscription.uuid}"


def _show_secret_once(request: HttpRequest, subscription: Subscription) -> None:
    request.session[_secret_key(subscription)] = subscription.secret


def _details(form: SubscriptionForm) -> actions.SubscriptionDetails:
    data = form.cleaned_data
    return actions.SubscriptionDetails(
        name=data["name"].strip(),
        url=data["url"],
        events=list(data["events"]),
        county=form.chosen_county(),
        include_names=data.get("include_names", False),
        active=data["active"],
    )


def _subscription(request: HttpRequest, uuid: UUID) -> Subscription:
    return get_object_or_404(
        scope.subscriptions_for(_user(request)).select_related("county"), uuid=uuid
    )


@require(scope.can_keep_webhooks)
def subscriptions(request: HttpRequest) -> HttpResponse:
    listed = scope.subscriptions_for(_user(request)).select_related("county")
    return render(request, "webhooks/subscriptions.html", {"subscriptions": listed})


@require(scope.can_keep_webhooks)
@require_http_methods(["GET", "POST"])
def subscription_new(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None, user=_user(request))
    if request.method == "POST":

        def create() -> Subscription:
            made = actions.create_subscription(Actor.from_request(request), _details(form))
            _show_secret_once(request, made)
            return made

        saved = save_once(
            request,
            form,
            create,
            lambda made: reverse("webhooks:subscription", kwargs={"uuid": made.uuid}),
            _("Subscription added. Copy its secret now: it is shown only once."),
        )
        if saved:
            return saved
    return render(request, "webhooks/subscription_form.html", {"form": form, "subscription": None})


@require(scope.can_keep_webhooks)
def subscription(request: HttpRequest, uuid: UUID) -> HttpResponse:
    shown = _subscription(request, uuid)
    secret = request.session.pop(_secret_key(shown), None)
    log = Delivery.objects.filter(subscription=shown).defer("body")[:LOG_SIZE]
    return render(
        request,
        "webhooks/subscription.html",
        {"subscription": shown, "secret": secret, "deliveries": log, "log_size": LOG_SIZE},
    )


@require(scope.can_keep_webhooks)
@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    current = _subscription(request, uuid)
    initial = {
        "name": current.name,
        "url": current.url,
        "events": current.events,
        "county": current.county,
        "include_names": current.include_names,
        "active": current.active,
        "version": current.version,
    }
    form = EditSubscriptionForm(request.POST or None, initial=initial, user=_user(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            form,
            lambda: actions.change_subscription(
                Actor.from_request(request), current, form.cleaned_data["version"], _details(form)
            ),
        )
    ):
        messages.success(request, _("Saved."))
        return redirect("webhooks:subscription", uuid=current.uuid)
    return render(
        request, "webhooks/subscription_form.html", {"form": form, "subscription": current}
    )


@require(scope.can_keep_webhooks, methods=["POST"])
def rotate(request: HttpRequest, uuid: UUID) -> HttpResponse:
    rotated = actions.rotate_secret(Actor.from_request(request), _subscription(request, uuid))
    _show_secret_once(request, rotated)
    messages.success(request, _("A new secret is in use. Copy it now: it is shown only once."))
    return redirect("webhooks:subscription", uuid=rotated.uuid)


@require(scope.can_keep_webhooks, methods=["POST"])
def replay(request: HttpRequest, uuid: UUID) -> HttpResponse:
    delivery = get_object_or_404(
        scope.deliveries_for(_user(request)).select_related("subscription"), uuid=uuid
    )
    back = reverse("webhooks:subscription", kwargs={"uuid": delivery.subscription.uuid})
    try:
        saved = save_once(
            request,
            None,
            lambda: actions.replay(Actor.from_request(request), delivery),
            lambda again: back,
            _("Sent again: the new delivery is at the top of the log."),
        )
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(back)
    return saved or redirect(back)
