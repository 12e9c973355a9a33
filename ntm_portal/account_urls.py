"""The user's own pages under ``/accounts/`` (next to django.contrib.auth's sign-in pages)."""

from django.urls import path

from ntm_portal.profile import profile

urlpatterns = [
    path("profile/", profile, name="profile"),
]
