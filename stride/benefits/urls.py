from django.urls import path

from . import views

app_name = "benefits"

urlpatterns = [
    path("participants/<uuid:uuid>/benefits/", views.calculator, name="calculator"),
    path("participants/<uuid:uuid>/benefits/curve/", views.curve_part, name="curve"),
    path("participants/<uuid:uuid>/benefits/retry/", views.retry, name="retry"),
    path("participants/<uuid:uuid>/benefits/save/", views.save_scenario, name="save"),
    path("participants/<uuid:uuid>/benefits/money/", views.money, name="money"),
    path("benefit-scenarios/<uuid:uuid>/", views.scenario, name="scenario"),
    path("me/benefits/", views.mine, name="mine"),
]
