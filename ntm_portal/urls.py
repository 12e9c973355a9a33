from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from ntm_portal.language import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("ntm_portal.api")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("ntm_portal.account_urls")),
    path("reports/", include("reports.urls")),
    path("plans/", include("plans.urls")),
    path("ocop/", include("ocop.urls")),
    path("", include("criteria.urls")),
    prefix_default_language=False,
)

# An unknown address under /api/ answers JSON (the API's error body), elsewhere the portal's page.
handler404 = "ntm_portal.api_errors.page_not_found"
