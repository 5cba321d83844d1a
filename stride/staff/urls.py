from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("today/", views.today, name="today"),
    path("today/<slug:kind>/", views.today_list, name="today_list"),
    path("participants/<uuid:uuid>/", views.participant, name="participant"),
    path("team/", views.team, name="team"),
    path("team/<uuid:coach>/<slug:kind>/", views.team_list, name="team_list"),
    path("measures/", views.measures, name="measures"),
    path("measures/<slug:key>/", views.measure, name="measure"),
]
