from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_page, name="list"),
    path("bell/", views.bell, name="bell"),
    path("panel/", views.panel, name="panel"),
    path("read/", views.notices_read_all, name="read-all"),
    path("<int:notice_id>/read/", views.notice_read, name="read"),
    path("settings/", views.email_settings, name="settings"),
]
