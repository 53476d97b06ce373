from django.urls import path

from . import views, views_learning

app_name = "pilots"
urlpatterns = [
    path("coordinator/", views.coordinator_start, name="coordinator-start"),
    path("opleidingspartner/", views.training_start, name="training-start"),
    path("cohort/<int:pk>/", views.cohort_detail, name="cohort-detail"),
    path("cohort/<int:pk>/leerlijn/", views_learning.learning_line_cohort, name="cohort-learning-line"),
    path("cohort/<int:pk>/aanwezigheid/", views_learning.attendance, name="attendance"),
    path("cohort/<int:pk>/resultaten/", views_learning.results, name="results"),
    path("certificaten/verlopend/", views_learning.certificates_expiring_list, name="certificates-expiring"),
    path("<slug:slug>/leerlijn/", views_learning.learning_line_pilot, name="learning-line"),
    # The catch-all for a pilot's slug comes last.
    path("<slug:slug>/", views.pilot_detail, name="pilot-detail"),
]
