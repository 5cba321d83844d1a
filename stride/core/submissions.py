"""A form that adds something is saved once, however many times it is sent.

A double click, or a slow connection that makes someone press "Save" again,
sends the same form twice. Each form that adds a record carries a one-time
key (`{% form_key %}`), made when the page is drawn and signed for the person
it was drawn for. `save_once` writes the record and uses up the key in one
transaction, and remembers where the first answer went: a form sent again with
a used key adds nothing and goes to the record already made.

A key is good for a day (`LIFETIME`): a form left open longer is shown again,
with what was typed, to be checked and saved. Used keys are kept as long as a
key lives, then pruned. A used key sent with different contents (Back to the
form, a change, Save) is not a repeat: the form is shown again, as typed, with
a fresh key, rather than answered "already saved" with the change dropped.

A form posted with no key at all (a script, a test, a page drawn before keys
existed) is saved as before: every form on Stride's pages carries a key, which
`core/tests/test_double_submit.py` checks for each route that adds a record.
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import put_on_form
from .models import SubmissionKey, User

FIELD = "form_key"
LIFETIME = timedelta(days=1)
_SALT = "stride.core.submissions"
_PRUNE_EVERY = timedelta(hours=1)
_last_pruned: datetime | None = None

T = TypeVar("T")


class KeyRefused(Exception):
    """A key that is not this person's, was altered, or is older than its lifetime."""


def new_key(user: User) -> str:
    """A fresh key for a form drawn for `user`."""
    return signing.TimestampSigner(salt=_SALT).sign(f"{user.uuid}:{secrets.token_urlsafe(18)}")


def posted_token(request: HttpRequest) -> str | None:
    """The one-time part of the posted key; None when the form carried none."""
    value = request.POST.get(FIELD, "")
    if not value:
        return None
    try:
        signed = signing.TimestampSigner(salt=_SALT).unsign(value, max_age=LIFETIME)
    except signing.SignatureExpired:
        raise KeyRefused(
            _("This form was open for more than a day. Check what it says, then save it again.")
        ) from None
    except signing.BadSignature:
        raise KeyRefused(_("This form could not be checked. Please save it again.")) from None
    owner, _sep, token = signed.partition(":")
    if owner != str(_person(request).uuid) or not token:
        raise KeyRefused(_("This form could not be checked. Please save it again."))
    return token


def _person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "forms that add records are for people signed in"
    return user


def _digest(request: HttpRequest) -> str:
    """What the form said, apart from its keys, to tell a repeat from a changed form."""
    said = hashlib.sha256()
    for name in sorted(request.POST):
        if name not in (FIELD, "csrfmiddlewaretoken"):
            for value in request.POST.getlist(name):
                said.update(f"{name}\0{value}\0".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            said.update(f"{name}\0{upload.name}\0{upload.size}\0".encode())
    return said.hexdigest()


def _already_saved(token: str) -> tuple[str, str] | None:
    return SubmissionKey.objects.filter(token=token).values_list("answer", "digest").first()


def _repeat(request: HttpRequest, token: str) -> HttpResponse | None:
    """The first answer again, for a key already used; None for a key not used yet."""
    saved = _already_saved(token)
    if saved is None:
        return None
    answer, digest = saved
    if digest != _digest(request):
        raise KeyRefused(
            _("This form was saved already. Check what it says now, then save it again.")
        )
    messages.info(request, _("That was already saved."))
    return redirect(answer)


def _prune(now: datetime) -> None:
    """Forget used keys older than any live key: cheap, and at most once an hour per process."""
    global _last_pruned
    if _last_pruned is None or now - _last_pruned >= _PRUNE_EVERY:
        _last_pruned = now
        SubmissionKey.objects.filter(used_at__lt=now - LIFETIME).delete()


def save_once(
    request: HttpRequest,
    form: forms.BaseForm | None,
    action: Callable[[], T],
    then: Callable[[T], str],
    message: str | Callable[[T], str] | None,
) -> HttpResponse | None:
    """Run `action` for a valid form once per key, and answer with a redirect to `then(made)`.

    A key already used answers with the redirect the first saving gave, and says so.
    None means the form is to be shown again with its errors: not valid, refused by the
    action (nothing written, the key still unused), or a key that was refused. Without a
    form (a button, or a form the view checked itself), a refusal of the key or of the
    action is raised as ValidationError for the view to say.
    """
    try:
        return _save_once(request, form, action, then, message)
    except KeyRefused as refused:
        if form is None:
            raise ValidationError(str(refused)) from None
        form.is_valid()
        form.add_error(None, str(refused))
        return None


def _save_once(
    request: HttpRequest,
    form: forms.BaseForm | None,
    action: Callable[[], T],
    then: Callable[[T], str],
    message: str | Callable[[T], str] | None,
) -> HttpResponse | None:
    token = posted_token(request)
    if token is not None and (repeat := _repeat(request, token)):
        return repeat
    if form is not None and not form.is_valid():
        return None
    try:
        with transaction.atomic():
            made = action()
            answer = then(made)
            if token is not None:
                now = timezone.now()
                SubmissionKey.objects.create(
                    token=token,
                    user=_person(request),
                    answer=answer,
                    digest=_digest(request),
                    used_at=now,
                )
                _prune(now)
    except IntegrityError:
        # The same form, sent twice at once: the other one was saved first.
        if token is not None and (repeat := _repeat(request, token)):
            return repeat
        raise
    except ValidationError as error:
        # Sent twice at once, the second may be refused for what the first made ("already
        # a goal", "already in Stride"): it answers as the first did.
        if token is not None and (repeat := _repeat(request, token)):
            return repeat
        if form is None:
            raise
        put_on_form(form, error)
        return None
    said = message(made) if callable(message) else message
    if said:
        messages.success(request, said)
    return redirect(answer)
