import base64
from uuid import UUID

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access, health, passwords
from . import accounts as staff_accounts
from .audit import Actor, client_ip
from .forms import PasswordLinkRequestForm, StaffAccountForm
from .guards import require
from .models import Organisation, Role, User
from .submissions import save_once


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database holds Stride's migrated schema, 503 with a
    short reason when it does not (unreachable, file missing, empty, migrations not applied)."""
    try:
        found = health.problem(connection)
    except Exception:  # any database failure means "not healthy"
        found = "unavailable"
    if found is not None:
        return JsonResponse({"status": "error", "database": found}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("6-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "usa-input"}
        ),
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "/"


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app, or enter its code to finish signing in."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed and user.is_verified():
        return render(request, "core/two_factor_on.html", {"device": confirmed})

    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)

    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                messages.success(request, _("Two-step sign-in is on for your account."))
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error(
            "token", _("That code didn't match. Codes change every 30 seconds; try the newest one.")
        )

    context = {"form": form, "next": _safe_next(request), "setting_up": not device.confirmed}
    if not device.confirmed:
        context["qr_svg"] = mark_safe(_qr_svg(device.config_url))  # noqa: S308  (SVG we generate)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "core/two_factor.html", context)


@require(access.can_keep_accounts)
def accounts(request: HttpRequest) -> HttpResponse:
    """The system administrator's view of accounts and the organisation tree."""
    organisations = Organisation.objects.all()
    staff = (
        User.objects.exclude(role=Role.PARTICIPANT)
        .select_related("organisation")
        .order_by("organisation__path", "role", "username")
    )
    with_two_factor = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True)
    )
    return render(
        request,
        "core/accounts.html",
        {
            "organisations": organisations,
            "page": Paginator(staff, 50).get_page(request.GET.get("page")),
            "with_two_factor": with_two_factor,
        },
    )


def _account_made(user: User) -> str:
    if user.awaiting_confirmation:
        return _(
            "Account %(username)s is made, and a link to choose a password went to %(email)s. "
            "It starts working once a state administrator, or a county administrator of its "
            "county, confirms it."
        ) % {"username": user.username, "email": user.email}
    return _("Account %(username)s is made, and a link to choose a password went to %(email)s.") % {
        "username": user.username,
        "email": user.email,
    }


@require(access.can_keep_accounts)
@require_http_methods(["GET", "POST"])
def account_new(request: HttpRequest) -> HttpResponse:
    """The system administrator makes an account; its owner chooses the password."""
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            lambda: staff_accounts.create_staff_account(
                Actor.from_request(request),
                **form.cleaned_data,
                absolute=request.build_absolute_uri,
            ),
            lambda _user: reverse("core:accounts"),
            _account_made,
        )
        if saved:
            return saved
    return render(request, "core/account_new.html", {"form": form})


@require(access.can_keep_accounts, methods=["POST"])
def account_update(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Deactivate, reactivate, or reset two-step sign-in for a staff account."""
    user = get_object_or_404(User.objects.exclude(role=Role.PARTICIPANT), uuid=uuid)
    actor = Actor.from_request(request)
    change = request.POST.get("change")
    if change == "reset_two_factor":
        staff_accounts.reset_two_factor(actor, user)
        messages.success(
            request,
            _("%(username)s will set up two-step sign-in again at the next sign-in.")
            % {"username": user.username},
        )
    elif change == "password_link" and user.email and passwords.may_have_a_link(user):
        passwords.send_link(actor, user, request.build_absolute_uri)
        messages.success(
            request,
            _("A link to choose a new password went to %(email)s.") % {"email": user.email},
        )
    elif (
        change in ("deactivate", "reactivate")
        and user != request.user
        and not user.awaiting_confirmation
    ):
        staff_accounts.set_active(actor, user, change == "reactivate")
        messages.success(
            request, _("Account %(username)s is updated.") % {"username": user.username}
        )
    else:
        messages.error(request, _("That change is not possible."))
    return redirect("core:accounts")


@require(staff_accounts.can_confirm_any, methods=["GET"])
def accounts_waiting(request: HttpRequest) -> HttpResponse:
    """For state and county administrators: new accounts to confirm, and what was done to
    the accounts they look after."""
    return render(
        request,
        "core/accounts_waiting.html",
        {
            "waiting": staff_accounts.waiting_for(request.user),
            "events": staff_accounts.recent_events(request.user),
        },
    )


@require(staff_accounts.can_confirm_any, methods=["POST"])
def account_confirm(request: HttpRequest, uuid: UUID) -> HttpResponse:
    account = get_object_or_404(staff_accounts.waiting_for(request.user), uuid=uuid)
    staff_accounts.confirm(Actor.from_request(request), account)
    messages.success(
        request,
        _("Account %(username)s is confirmed and can sign in.") % {"username": account.username},
    )
    return redirect("core:accounts_waiting")


@never_cache
@require_http_methods(["GET", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    """Anyone may ask; the answer is the same whether the account exists or not."""
    form = PasswordLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        passwords.request_link(
            Actor.from_request(request), form.cleaned_data["name"], request.build_absolute_uri
        )
        return render(
            request, "core/password_forgot_sent.html", {"days": passwords.link_lifetime_days()}
        )
    return render(request, "core/password_forgot.html", {"form": form})


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_set(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The one-time link: the account's owner chooses a password."""
    account = passwords.account_for_link(uidb64, token)
    if account is None:
        return render(
            request, "core/password_link_expired.html", {"days": passwords.link_lifetime_days()}
        )
    form = SetPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        passwords.set_password(
            Actor(account, client_ip(request)), account, form.cleaned_data["new_password1"]
        )
        if account.awaiting_confirmation:
            messages.success(
                request,
                _(
                    "Your password is saved. You can sign in once an administrator confirms "
                    "your account."
                ),
            )
        else:
            messages.success(request, _("Your password is saved. Sign in with it now."))
        return redirect("core:login")
    return render(request, "core/password_set.html", {"form": form, "account": account})
