from django.urls import path

from . import exiter_views, import_views, views

app_name = "people"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/export.csv", views.caseload_export, name="caseload_export"),
    path("caseload/import/", import_views.caseload_import, name="caseload_import"),
    path("caseload/import/matches/", import_views.match_reviews, name="match_reviews"),
    path("caseload/import/matches/<uuid:uuid>/", import_views.match_review, name="match_review"),
    path(
        "caseload/import/<uuid:uuid>/columns/",
        import_views.import_columns,
        name="import_columns",
    ),
    path("caseload/import/<uuid:uuid>/", import_views.import_result, name="import_result"),
    path(
        "caseload/import/<uuid:uuid>/problems.csv",
        import_views.import_problems,
        name="import_problems",
    ),
    path("reports/exiters/", exiter_views.exiters_start, name="exiters"),
    path("reports/exiters/<uuid:uuid>/", exiter_views.exiters_file, name="exiters_file"),
    path(
        "reports/exiters/<uuid:uuid>/file.csv",
        exiter_views.exiters_download,
        name="exiters_download",
    ),
    path("participants/<uuid:uuid>/audit/", views.participant_audit, name="participant_audit"),
    path("participants/<uuid:uuid>/reassign/", views.reassign, name="reassign"),
    path("enrollments/<uuid:uuid>/edit/", views.enrollment_edit, name="enrollment_edit"),
    path("enrollments/<uuid:uuid>/exit/", views.enrollment_exit, name="enrollment_exit"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<uuid:uuid>/edit/", views.household_edit, name="household_edit"),
    path("households/<uuid:uuid>/members/new/", views.member_new, name="member_new"),
    path("members/<uuid:uuid>/edit/", views.member_edit, name="member_edit"),
    path("members/<uuid:uuid>/remove/", views.member_remove, name="member_remove"),
]
