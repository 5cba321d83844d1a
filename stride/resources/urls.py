from django.urls import path

from . import directory_views, views

app_name = "resources"

urlpatterns = [
    path("resources/", views.service_list, name="services"),
    path("resources/new/", views.service_new, name="service_new"),
    path("resources/review/", views.review, name="review"),
    path("resources/to-sort/", directory_views.to_sort, name="to_sort"),
    path("resources/gaps/", views.gap_view, name="gaps"),
    path("resources/import/", views.import_directory, name="import"),
    path("resources/import/<uuid:uuid>/", views.import_result, name="import_result"),
    path(
        "resources/import/<uuid:uuid>/problems.csv",
        views.import_problems,
        name="import_problems",
    ),
    path("resources/export/", views.export_directory, name="export"),
    path("resources/<uuid:uuid>/", views.service_detail, name="service"),
    path("resources/<uuid:uuid>/edit/", views.service_edit, name="service_edit"),
    path("participants/<uuid:uuid>/services/", views.family_services, name="family"),
    path("participants/<uuid:uuid>/services/print/", views.family_printout, name="family_print"),
    path(
        "participants/<uuid:uuid>/services/<uuid:service_uuid>/refer/",
        views.refer,
        name="refer",
    ),
    path("referrals/<uuid:uuid>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:uuid>/partner-link/", views.partner_link, name="partner_link"),
    # The link is the key: a service's staff open it without an account.
    path("partner/<str:token>/", views.partner_update, name="partner"),
]
