from django.urls import path

from . import views

app_name = "employers"
urlpatterns = [
    path("start/", views.employer_start, name="start"),
]
