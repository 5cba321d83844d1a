from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("", views.policy, name="policy"),
    path("policy/<slug:record_type>/", views.policy_edit, name="policy_edit"),
    path("holds/", views.holds, name="holds"),
    path("holds/<uuid:uuid>/lift/", views.hold_lift, name="hold_lift"),
    path("participants/<uuid:uuid>/hold/", views.hold_new, name="hold_new"),
    path("runs/", views.runs, name="runs"),
    path("runs/<uuid:uuid>/", views.run, name="run"),
    path("runs/<uuid:uuid>/cases.csv", views.run_csv, name="run_csv"),
    path("apply/", views.apply, name="apply"),
]
