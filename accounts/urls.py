from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("mfa/", views.mfa_verify, name="mfa_verify"),
    path("mfa/instellen/", views.mfa_setup, name="mfa_setup"),
    path("mfa/herstelcodes/", views.recovery_codes_regenerate, name="recovery_codes"),
    path("", views.profile, name="profile"),
    path("wachtwoord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/klaar/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("uitnodiging/<uidb64>/<token>/", views.InviteAcceptView.as_view(), name="invite_accept"),
    path("gebruikers/", views.user_list, name="user_list"),
    path("gebruikers/<int:pk>/", views.user_detail, name="user_detail"),
    path("uitnodigen/", views.invite, name="invite"),
    path("roltoekenningen/", views.role_grant_list, name="role_grants"),
    path("roltoekenningen/<uuid:pk>/", views.role_grant_decide, name="role_grant_decide"),
]
