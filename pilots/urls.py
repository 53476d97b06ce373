from django.urls import path

from . import views

app_name = "pilots"
urlpatterns = [
    path("coordinator/", views.coordinator_start, name="coordinator-start"),
    path("opleidingspartner/", views.training_start, name="training-start"),
    path("cohort/<int:pk>/", views.cohort_detail, name="cohort-detail"),
    path("<slug:slug>/", views.pilot_detail, name="pilot-detail"),
]
