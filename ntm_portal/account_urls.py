"""Sign-in, sign-out, password change and the profile page under ``/accounts/``."""

from django.contrib.auth import views as auth_views
from django.urls import path

from ntm_portal.profile import profile
from ntm_portal.session import keep_alive

# Only what the portal uses from django.contrib.auth: there is no e-mail password reset
# (accounts are managed by administrators), so those views are not mounted.
urlpatterns = [
    path("profile/", profile, name="profile"),
    path("session/", keep_alive, name="session_keep_alive"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=False), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
