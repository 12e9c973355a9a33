from django.urls import path

from criteria import views, views_sets, views_sets_edit, views_sets_preview, views_standing

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<str:code>/", views.unit_page, name="unit"),
    path("units/<str:code>/sets-in-force/", views_standing.set_in_force, name="set_in_force"),
    path("assessments/start/", views.start_assessment, name="assessment_start"),
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
    path("assessments/<int:pk>/actions/<str:action>/", views.transition, name="assessment_action"),
    path("criteria-sets/", views_sets.set_list, name="criteria_sets"),
    path("criteria-sets/new/", views_sets_edit.set_new, name="criteria_set_new"),
    path("criteria-sets/<int:pk>/", views_sets.set_page, name="criteria_set"),
    path("criteria-sets/<int:pk>/clone/", views_sets.set_clone, name="criteria_set_clone"),
    path("criteria-sets/<int:pk>/publish/", views_sets.set_publish, name="criteria_set_publish"),
    path("criteria-sets/<int:pk>/retire/", views_sets.set_retire, name="criteria_set_retire"),
    path(
        "criteria-sets/<int:pk>/targets/<int:target_pk>/confirm/",
        views_sets.target_confirm_view,
        name="criteria_set_target_confirm",
    ),
    path("criteria-sets/<int:pk>/preview/", views_sets_preview.set_preview, name="criteria_set_preview"),
    path("criteria-sets/<int:pk>/edit/", views_sets_edit.set_header_edit, name="criteria_set_edit"),
    path("criteria-sets/<int:pk>/decision/", views_sets_edit.decision_download, name="criteria_set_decision"),
    path("criteria-sets/<int:pk>/<str:kind>/new/", views_sets_edit.set_row_edit, name="criteria_set_row_new"),
    path("criteria-sets/<int:pk>/<str:kind>/<int:row_pk>/", views_sets_edit.set_row_edit, name="criteria_set_row"),
    path("evidence/<int:pk>/", views.download_evidence, name="evidence"),
    path("evidence/<int:pk>/remove/", views.remove_evidence, name="evidence_remove"),
]
