from django.urls import path

from . import views

app_name = "l2_pages"

urlpatterns = [
    path("<int:audience_id>/pending-refresh/approve/", views.approve, name="pending-refresh-approve"),
    path("<int:audience_id>/pending-refresh/decline/", views.decline, name="pending-refresh-decline"),
]
