from django.urls import path, register_converter

from reports import views, views_bulletin, views_excel, views_import
from reports.bulletin import Month


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> Month:
        month = Month.parse(value)
        if month is None:
            raise ValueError(value)
        return month

    def to_url(self, value: Month | str) -> str:
        return value.slug if isinstance(value, Month) else value


register_converter(MonthConverter, "month")

app_name = "reports"
urlpatterns = [
    # Fixed words first, so that "national", "bulletin", "jobs" or "import" are never read as a unit code.
    path("bulletin/national/", views_excel.bulletin_page, name="national_bulletin"),
    path("bulletin/national/<month:month>.xlsx", views_excel.bulletin_xlsx, name="national_bulletin_xlsx"),
    path("bulletin/national/<month:month>/generate/", views_excel.bulletin_generate, name="national_bulletin_generate"),
    path("bulletin/issued/<int:pk>.xlsx", views_excel.issued_bulletin, name="issued_bulletin"),
    path("bulletin/issued/<int:pk>.docx", views_bulletin.issued_docx, name="issued_bulletin_docx"),
    path("bulletin/<str:code>/", views_excel.bulletin_page, name="bulletin"),
    path("bulletin/<str:code>/<month:month>.docx", views_bulletin.bulletin_docx, name="bulletin_docx"),
    path("bulletin/<str:code>/<month:month>/text/", views_bulletin.bulletin_text, name="bulletin_text"),
    path("bulletin/<str:code>/<month:month>.xlsx", views_excel.bulletin_xlsx, name="bulletin_xlsx"),
    path("bulletin/<str:code>/<month:month>/issue/", views_excel.bulletin_issue, name="bulletin_issue"),
    path("bulletin/<str:code>/<month:month>/generate/", views_excel.bulletin_generate, name="bulletin_generate"),
    path("jobs/<uuid:pk>/", views_excel.job_page, name="job"),
    path("jobs/<uuid:pk>/status/", views_excel.job_status, name="job_status"),
    path("jobs/<uuid:pk>/download/", views_excel.job_download, name="job_download"),
    path("import/<str:code>/", views_import.import_page, name="import"),
    path("import/<str:code>/template.xlsx", views_import.import_template_view, name="import_template"),
    path(
        "import/<str:code>/summary-template.xlsx",
        views_import.import_summary_template_view,
        name="import_summary_template",
    ),
    path("import/<str:code>/summary/", views_import.import_summary_upload, name="import_summary"),
    path("import/<str:code>/<int:pk>/", views_import.batch_page, name="import_batch"),
    path("import/<str:code>/<int:pk>/apply/", views_import.batch_apply, name="import_apply"),
    # The country first, so that "national" is never read as a unit code.
    path("national/", views.dashboard, name="national"),
    path("national/communes/", views.communes, name="national_communes"),
    path("national/matrix/", views.matrix, name="national_matrix"),
    path("national/export/<str:kind>.xlsx", views_excel.export, name="national_export"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/communes/", views.communes, name="communes"),
    path("<str:code>/matrix/", views.matrix, name="matrix"),
    path("<str:code>/export/<str:kind>.xlsx", views_excel.export, name="export"),
    path("<str:code>/ocop.xlsx", views_excel.ocop_export, name="ocop_export"),
]
