from django.urls import path

from . import views

app_name = "candidates"
urlpatterns = [
    path("start/", views.adviser_start, name="adviser-start"),
    path("<int:pk>/", views.candidate_detail, name="candidate-detail"),
]
