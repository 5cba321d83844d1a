from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("participants/<uuid:uuid>/hours/", views.participation, name="participant"),
    path("participants/<uuid:uuid>/time-on-aid/", views.time_on_aid, name="time_on_aid"),
    path("hours/<uuid:uuid>/verify/", views.verify, name="verify"),
    path("hours/<uuid:uuid>/remove/", views.remove, name="remove"),
    path("activity-plans/<uuid:uuid>/end/", views.end_plan, name="end_plan"),
    path("months-on-aid/<uuid:uuid>/", views.aid_month, name="aid_month"),
    path("participation/rules/", views.rules, name="rules"),
    path("participation/report/", views.report, name="report"),
    path("participation/import/", views.import_hours, name="import"),
    path("participation/activities/", views.activity_list, name="activities"),
    path("participation/activities/new/", views.activity_edit, name="activity_new"),
    path("participation/activities/<uuid:uuid>/", views.activity_edit, name="activity_edit"),
]
