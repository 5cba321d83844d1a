from django.urls import path

from . import views

app_name = "careers"

urlpatterns = [
    path("careers/", views.explorer, name="explorer"),
    # Before the ladders: "partners" is not an industry.
    path("careers/partners/", views.partners, name="partners"),
    path("careers/partners/new/", views.partner_new, name="partner_new"),
    path("careers/partners/<uuid:uuid>/edit/", views.partner_edit, name="partner_edit"),
    path("careers/partners/<uuid:uuid>/remove/", views.partner_remove, name="partner_remove"),
    path("careers/<slug:industry>/<slug:ladder>/", views.ladder_page, name="ladder"),
    path(
        "participants/<uuid:uuid>/careers/<slug:industry>/<slug:ladder>/goal/",
        views.make_goal,
        name="make_goal",
    ),
]
