from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("new/", views.subscription_new, name="subscription_new"),
    path("<uuid:uuid>/", views.subscription, name="subscription"),
    path("<uuid:uuid>/edit/", views.subscription_edit, name="subscription_edit"),
    path("<uuid:uuid>/secret/", views.rotate, name="rotate"),
    path("deliveries/<uuid:uuid>/replay/", views.replay, name="replay"),
]
