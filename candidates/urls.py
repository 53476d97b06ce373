from django.urls import path

from .views import candidates, start

app_name = "candidates"
urlpatterns = [
    # start
    path("start/", start.adviser_start, name="adviser-start"),
    # candidates: list, export, registration, the candidate page, notes, caseload
    path("<int:pk>/", candidates.candidate_detail, name="candidate-detail"),
    # imports
    # screening
    # selection
    # board
]
