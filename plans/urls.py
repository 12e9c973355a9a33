from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.unit_page, name="unit"),
    path("<str:code>/targets/", views.set_target, name="set_target"),
    path("<str:code>/targets/withdraw/", views.withdraw_target, name="withdraw_target"),
    path("<str:code>/province-targets/", views.save_province_target, name="save_province_target"),
    path("<str:code>/funds/", views.save_funds, name="save_funds"),
]
