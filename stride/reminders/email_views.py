"""The email provider's delivery-report webhook, read by django-anymail.

Anymail checks the provider's signature (or the webhook password, ANYMAIL_WEBHOOK_SECRET)
and sends its tracking signal (`email_status`). A report that fails the check is
answered 403, as Twilio's are; without a provider chosen the address does not exist.
"""

from anymail.exceptions import AnymailWebhookValidationFailure
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
)
from django.views.decorators.csrf import csrf_exempt

from . import channels


@csrf_exempt
def email_status(request: HttpRequest) -> HttpResponse:
    view = channels.email_tracking_view()
    if view is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        return view(request)
    except AnymailWebhookValidationFailure:
        return HttpResponseForbidden()
