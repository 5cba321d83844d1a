from django.urls import path

from . import views

app_name = "guides"

urlpatterns = [
    path("", views.guide_list, name="list"),
    path("new/", views.guide_new, name="new"),
    path("<uuid:uuid>/", views.guide, name="guide"),
    path("<uuid:uuid>/edit/", views.guide_edit, name="edit"),
    path("<uuid:uuid>/history/", views.guide_history, name="history"),
    path("<uuid:uuid>/restore/", views.guide_restore, name="restore"),
    path("<uuid:uuid>/publish/", views.guide_publish, name="publish"),
]
