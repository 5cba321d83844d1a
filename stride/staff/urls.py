from django.urls import path

from . import records_views, views

app_name = "staff"

urlpatterns = [
    path("today/", views.today, name="today"),
    path("today/<slug:kind>/", views.today_list, name="today_list"),
    path("participants/<uuid:uuid>/", views.participant, name="participant"),
    path("participants/<uuid:uuid>/records/", records_views.records, name="records"),
    path("participants/<uuid:uuid>/records/json/", records_views.records_json, name="records_json"),
    path("participants/<uuid:uuid>/records/pdf/", records_views.records_pdf, name="records_pdf"),
    path("records/<uuid:uuid>/pdf/", records_views.records_copy_pdf, name="records_copy_pdf"),
    path("team/", views.team, name="team"),
    path("team/<uuid:coach>/<slug:kind>/", views.team_list, name="team_list"),
    path("measures/", views.measures, name="measures"),
    path("measures/<slug:key>/", views.measure, name="measure"),
]
