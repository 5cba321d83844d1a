from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path(
        "participants/<uuid:uuid>/assessments/", views.participant_assessments, name="participant"
    ),
    path("assessments/<uuid:uuid>/", views.result, name="result"),
    path("assessments/<uuid:uuid>/fill/", views.fill, name="fill"),
    path("assessments/<uuid:uuid>/private/", views.private_answers, name="private"),
    path("assessments/<uuid:uuid>/discard/", views.discard, name="discard"),
    path("assessments/summary/", views.scope_summary, name="summary"),
    path("assessments/instruments/", views.instrument_list, name="instruments"),
    path(
        "assessments/instruments/<slug:slug>/v<int:version>/",
        views.instrument_detail,
        name="instrument",
    ),
]
