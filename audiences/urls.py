from django.urls import path

from history.views import ObjectHistoryView

from . import views
from .selectors import audience_list

app_name = "audiences"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:audience_id>/", views.details, name="details"),
    # Audience Details › History (docs/history.md): shown in the pop-up, so no page URL keeps its state.
    path(
        "<int:pk>/history/",
        ObjectHistoryView.as_view(subject="audience", objects=audience_list, dom_id="audience-history"),
        name="history",
    ),
    path("<int:audience_id>/edit/", views.edit, name="edit"),
    path("<int:audience_id>/rename/", views.rename, name="rename"),
    path("<int:audience_id>/name/", views.name_cell, name="name_cell"),
    path("delete/", views.bulk_delete, name="bulk_delete"),
    path("compare/", views.compare, name="compare"),
    path("<int:audience_id>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:audience_id>/delete/", views.delete, name="delete"),
]
