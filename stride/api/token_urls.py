from django.urls import path

from . import token_views

app_name = "api_tokens"

urlpatterns = [
    path("", token_views.api_tokens, name="list"),
    path("revoke/", token_views.revoke, name="revoke"),
]
