from django.urls import path

from criteria import views, views_commune_groups, views_standing, views_summary, views_units

urlpatterns = [
    path("", views_units.home, name="home"),
    path("units/<str:code>/", views_units.unit_page, name="unit"),
    path("units/<str:code>/sets-in-force/", views_standing.set_in_force, name="set_in_force"),
    path(
        "units/<str:code>/commune-groups/",
        views_commune_groups.province_commune_groups_page,
        name="province_commune_groups",
    ),
    path("units/<str:code>/commune-group/", views_commune_groups.commune_group_page, name="commune_group"),
    path("units/<str:code>/summary-records/new/", views_summary.summary_record_new, name="summary_record_new"),
    path("assessments/start/", views_units.start_assessment, name="assessment_start"),
    path("assessments/<int:pk>/", views.assessment_page, name="assessment"),
    path("assessments/<int:pk>/history/", views.assessment_history_page, name="assessment_history"),
    path("assessments/<int:pk>/values/<str:code>/", views.record_value, name="record_value"),
    path("assessments/<int:pk>/values/<str:code>/evidence/", views.upload_evidence, name="upload_evidence"),
    path(
        "assessments/<int:pk>/criteria/<int:number>/basically-met/",
        views_standing.criterion_basically_met,
        name="criterion_basically_met",
    ),
    path("assessments/<int:pk>/convert/", views_standing.convert_summary, name="convert_summary"),
    path("assessments/<int:pk>/source/", views_summary.summary_source, name="summary_source"),
    path("assessments/<int:pk>/actions/<str:action>/", views.transition, name="assessment_action"),
    path("evidence/<int:pk>/", views.download_evidence, name="evidence"),
    path("evidence/<int:pk>/remove/", views.remove_evidence, name="evidence_remove"),
]
