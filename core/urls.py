from django.contrib.auth import views as auth_views
from django.urls import path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("inloggen/code/", views.otp_verify, name="otp-verify"),
    path("account/tweestapsverificatie/", views.otp_setup, name="otp-setup"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/gelukt/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
