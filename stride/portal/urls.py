from django.urls import path

from . import records_views, reminder_views, views

app_name = "portal"

# Mounted at the site root: the participant's pages live under me/, and the
# staff page that invites a participant sits beside the other participant pages.
urlpatterns = [
    path("me/", views.home, name="home"),
    path("me/goals/<uuid:uuid>/", views.goal, name="goal"),
    path("me/steps/<uuid:uuid>/mark/", views.step_mark, name="step_mark"),
    path("me/ideas/new/", views.idea_new, name="idea_new"),
    path("me/meetings/", views.meetings_page, name="meetings"),
    path("me/meetings/<uuid:uuid>/read/", views.meeting_read, name="meeting_read"),
    path("me/check-ins/", views.assessments_page, name="assessments"),
    path("me/reminders/", reminder_views.reminders_page, name="reminders"),
    path("me/reminders/agree/", reminder_views.reminder_consent, name="reminder_consent"),
    path("me/reminders/<uuid:uuid>/stop/", reminder_views.reminder_stop, name="reminder_stop"),
    path("me/services/", views.services_page, name="services"),
    path("me/hours/", views.hours_page, name="hours"),
    path("me/careers/", views.careers_page, name="careers"),
    path("me/careers/<slug:industry>/<slug:ladder>/", views.career_ladder, name="career_ladder"),
    path("me/careers/<slug:industry>/<slug:ladder>/goal/", views.career_goal, name="career_goal"),
    path("me/services/print/", views.services_printout, name="services_print"),
    path("me/records/", records_views.records, name="records"),
    path("me/records/json/", records_views.records_json, name="records_json"),
    path("me/records/pdf/", records_views.records_pdf, name="records_pdf"),
    path("me/records/<uuid:uuid>/pdf/", records_views.records_copy_pdf, name="records_copy_pdf"),
    path("me/welcome/<str:uidb64>/<str:token>/", views.welcome, name="welcome"),
    path("me/forgot-password/", views.forgot, name="forgot"),
    path("participants/<uuid:uuid>/invite/", views.invite, name="invite"),
]
