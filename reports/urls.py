from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    # The country first, so that "national" is never read as a unit code.
    path("national/", views.dashboard, name="national"),
    path("national/communes/", views.communes, name="national_communes"),
    path("national/matrix/", views.matrix, name="national_matrix"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/communes/", views.communes, name="communes"),
    path("<str:code>/matrix/", views.matrix, name="matrix"),
]
