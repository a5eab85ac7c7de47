from django.urls import path

from . import views

app_name = "audiences"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:audience_id>/", views.details, name="details"),
    path("<int:audience_id>/edit/", views.edit, name="edit"),
    path("<int:audience_id>/rename/", views.rename, name="rename"),
    path("<int:audience_id>/name/", views.name_cell, name="name_cell"),
    path("delete/", views.bulk_delete, name="bulk_delete"),
    path("<int:audience_id>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:audience_id>/delete/", views.delete, name="delete"),
]
