from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("participants/<uuid:uuid>/reminders/", views.consent, name="consent"),
    path(
        "reminder-consents/<uuid:uuid>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("county/reminders/", views.county_settings, name="county_settings"),
    path("reminders/sms/inbound/", views.sms_inbound, name="sms_inbound"),
    path("reminders/sms/status/", views.sms_status, name="sms_status"),
    path("reminders/demo/outbox/", views.outbox, name="outbox"),
    path("reminders/demo/outbox/reply/", views.outbox_reply, name="outbox_reply"),
]
