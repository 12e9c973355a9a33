"""Sign-in, sign-out, password change and the profile page under ``/accounts/``."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from ntm_portal.language import in_language
from ntm_portal.profile import profile
from ntm_portal.session import keep_alive


class SignInView(auth_views.LoginView):
    """Django's sign-in, leading to ``next`` in the language the sign-in page was read in: EN on
    ``/accounts/login/?next=/reports/X/`` gives ``/en/accounts/login/?next=/reports/X/``, and an
    address without ``/en/`` is Vietnamese whatever the language cookie says."""

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()  # "" unless safe
        if not url:
            return url
        translated = in_language(url, translation.get_language())
        safe = url_has_allowed_host_and_scheme(
            translated, allowed_hosts=self.get_success_url_allowed_hosts(), require_https=self.request.is_secure()
        )
        return translated if safe else url


# Only what the portal uses from django.contrib.auth: there is no e-mail password reset
# (accounts are managed by administrators), so those views are not mounted.
urlpatterns = [
    path("profile/", profile, name="profile"),
    path("session/", keep_alive, name="session_keep_alive"),
    path("login/", SignInView.as_view(redirect_authenticated_user=False), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
