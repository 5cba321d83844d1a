from django.urls import path

from . import integration_views as views

app_name = "integrations"

urlpatterns = [
    path("", views.integrations_list, name="list"),
    path("new/", views.integration_new, name="new"),
    path("<uuid:uuid>/", views.integration, name="detail"),
    path("<uuid:uuid>/tokens/", views.token_new, name="token_new"),
    path("<uuid:uuid>/tokens/revoke/", views.token_revoke, name="token_revoke"),
    path("<uuid:uuid>/active/", views.set_active, name="set_active"),
]
