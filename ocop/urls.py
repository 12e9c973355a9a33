from django.urls import path

from ocop import views

app_name = "ocop"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create_page, name="create"),
    path("<int:pk>/", views.product_edit_page, name="edit"),
    path("<int:pk>/delete/", views.product_delete_page, name="delete"),
]
