"""The portal's addresses.

A section of the site keeps its address and its names (pilots:..., candidates:...) whichever app answers a page:
a page stands in the highest app it shows (the layers in pyproject.toml, [tool.importlinter]), so the pilots
section is answered by candidates, employers and the start pages, and the candidates section partly by employers
and the start pages. This module, above every app, puts those sections together.
"""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from candidates import urls as candidates_urls
from candidates.views import pilots, track
from employers import views_candidate, views_cohort
from start import views as start

pilots_section = [
    path("coordinator/", start.coordinator_start, name="coordinator-start"),
    path("opleidingspartner/", start.training_start, name="training-start"),
    path("cohort/<int:pk>/", views_cohort.cohort_detail, name="cohort-detail"),
    path("cohort/<int:pk>/leerlijn/", track.learning_line_cohort, name="cohort-learning-line"),
    path("cohort/<int:pk>/aanwezigheid/", track.attendance, name="attendance"),
    path("cohort/<int:pk>/resultaten/", track.results, name="results"),
    path("certificaten/verlopend/", track.certificates_expiring_list, name="certificates-expiring"),
    path("<slug:slug>/leerlijn/", track.learning_line_pilot, name="learning-line"),
    # The catch-all for a pilot's slug comes last.
    path("<slug:slug>/", pilots.pilot_detail, name="pilot-detail"),
]

candidates_section = [
    path("start/", start.adviser_start, name="adviser-start"),
    path("<int:pk>/", views_candidate.candidate_detail, name="candidate-detail"),
    path("<int:pk>/notitie/", views_candidate.candidate_note_add, name="note-add"),
    path("inschrijving/<int:pk>/uitstroom/", views_candidate.outflow, name="outflow-record"),
    *candidates_urls.urlpatterns,
]

urlpatterns = [
    path("", include("core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("pilots/", include((pilots_section, "pilots"))),
    path("kandidaten/", include((candidates_section, "candidates"))),
    path("werkgevers/", include("employers.urls")),
    path("rapportages/", include("reports.urls")),
    path("beheer/", admin.site.urls),
]
