from django.urls import path

from . import views

app_name = "audiences"

urlpatterns = [
    path("", views.home, name="home"),
]
