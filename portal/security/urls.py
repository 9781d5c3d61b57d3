"""Sign-in, sign-out and the second step: officer-facing, so English at the root and Arabic under /ar/."""

from django.urls import path

from portal.security import views

urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/two-factor/", views.manage, name="two_factor_manage"),
    path("accounts/two-factor/verify/", views.verify, name="two_factor_verify"),
    path("accounts/two-factor/recovery/", views.recovery, name="two_factor_recovery"),
    path("accounts/two-factor/setup/", views.setup, name="two_factor_setup"),
    path("accounts/two-factor/recovery-codes/", views.new_recovery_codes, name="two_factor_new_codes"),
    path("accounts/two-factor/turn-off/", views.turn_off, name="two_factor_turn_off"),
]
