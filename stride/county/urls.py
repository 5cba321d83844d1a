from django.urls import path

from . import views

app_name = "county"

urlpatterns = [path("settings/", views.tool_settings, name="settings")]
