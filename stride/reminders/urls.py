from django.urls import path

from . import calendar_views, email_views, postcards_views, views

app_name = "reminders"

urlpatterns = [
    path("participants/<uuid:uuid>/reminders/", views.consent, name="consent"),
    path("participants/<uuid:uuid>/reminders/times/", views.times, name="times"),
    path(
        "reminder-consents/<uuid:uuid>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("county/reminders/", views.county_settings, name="county_settings"),
    path("reminders/sms/inbound/", views.sms_inbound, name="sms_inbound"),
    path("reminders/sms/status/", views.sms_status, name="sms_status"),
    path("reminders/email/status/", email_views.email_status, name="email_status"),
    path("reminders/demo/outbox/", views.outbox, name="outbox"),
    path("reminders/demo/outbox/reply/", views.outbox_reply, name="outbox_reply"),
    path(
        "participants/<uuid:uuid>/calendar/",
        calendar_views.participant_calendar,
        name="calendar",
    ),
    path("appointments/<uuid:uuid>.ics", calendar_views.appointment_ics, name="appointment_ics"),
    path("me/calendar/", calendar_views.my_calendar, name="my_calendar"),
    path(
        "me/appointments/<uuid:uuid>.ics",
        calendar_views.my_appointment_ics,
        name="my_appointment_ics",
    ),
    path("calendar/<str:secret>.ics", calendar_views.feed, name="feed"),
    path("me/postcards/", postcards_views.my_postcards, name="my_postcards"),
    path(
        "participants/<uuid:uuid>/postcards/",
        postcards_views.participant_postcards,
        name="participant_postcards",
    ),
    path("reminders/postcards/", postcards_views.batch, name="postcards"),
    path("reminders/postcards/print/", postcards_views.batch_print, name="postcards_print"),
]
