from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/new/", views.account_new, name="account_new"),
    path("accounts/<uuid:uuid>/", views.account_update, name="account_update"),
    path("accounts/waiting/", views.accounts_waiting, name="accounts_waiting"),
    path("accounts/<uuid:uuid>/confirm/", views.account_confirm, name="account_confirm"),
    path("password/forgot/", views.password_forgot, name="password_forgot"),
    path("password/<str:uidb64>/<str:token>/", views.password_set, name="password_set"),
    path("healthz", views.healthz, name="healthz"),
]
