"""The portal's addresses.

A section of the site keeps its address and its names (pilots:..., candidates:...) whichever app answers a page:
a page stands in the highest app it shows (the layers in pyproject.toml, [tool.importlinter]), so the pilots
section is answered by candidates, employers and the start pages, and the candidates section partly by employers
and the start pages. This module, above every app, puts those sections together.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from candidates import urls as candidates_urls
from candidates.views import pilots, track
from config import api as api_v1
from core import bench
from employers import views_candidate, views_cohort, views_cohort_setup, views_host_setup
from pilots import views_api_clients as api_clients
from pilots import views_cohort_setup as cohort_setup
from pilots import views_setup as pilot_setup
from start import views as start
from start import views_admin, views_people

pilots_section = [
    path("coordinator/", start.coordinator_start, name="coordinator-start"),
    path("opleidingspartner/", start.training_start, name="training-start"),
    path("cohort/<int:pk>/", views_cohort.cohort_detail, name="cohort-detail"),
    path("cohort/<int:pk>/leerlijn/", track.learning_line_cohort, name="cohort-learning-line"),
    path("cohort/<int:pk>/aanwezigheid/", track.attendance, name="attendance"),
    path("cohort/<int:pk>/resultaten/", track.results, name="results"),
    path("certificaten/verlopend/", track.certificates_expiring_list, name="certificates-expiring"),
    path("<slug:slug>/leerlijn/", track.learning_line_pilot, name="learning-line"),
    # The coordinator's set-up of a pilot, its copy as the next round and the lists of reference data.
    path("nieuw/", pilot_setup.pilot_setup, name="pilot-setup"),
    path("<slug:slug>/opzetten/gegevens/", pilot_setup.pilot_setup_details, name="pilot-setup-details"),
    path("<slug:slug>/opzetten/partners/", pilot_setup.pilot_setup_partners, name="pilot-setup-partners"),
    path("<slug:slug>/opzetten/leerlijn/", pilot_setup.pilot_setup_modules, name="pilot-setup-modules"),
    path("<slug:slug>/opzetten/overzicht/", pilot_setup.pilot_setup_summary, name="pilot-setup-summary"),
    path("<slug:slug>/volgende-ronde/", pilot_setup.pilot_copy_view, name="pilot-copy"),
    path("<slug:slug>/geschiedenis/", pilot_setup.pilot_history, name="pilot-history"),
    path("keuzelijsten/", pilot_setup.reference_list, name="reference-list"),
    path("keuzelijsten/regio/nieuw/", pilot_setup.region_create_view, name="region-create"),
    path("keuzelijsten/regio/<slug:slug>/", pilot_setup.region_edit, name="region-edit"),
    path("keuzelijsten/<slug:kind>/nieuw/", pilot_setup.reference_create, name="reference-create"),
    path("keuzelijsten/<slug:kind>/<slug:code>/", pilot_setup.reference_edit, name="reference-edit"),
    # The coordinator's set-up of cohorts and hosts.
    path("<slug:slug>/cohort/nieuw/", cohort_setup.cohort_create, name="cohort-create"),
    path("cohort/<int:pk>/wijzigen/", cohort_setup.cohort_update, name="cohort-update"),
    path("cohort/<int:pk>/klas/nieuw/", cohort_setup.cohort_class_create, name="cohort-class-create"),
    path("klas/<int:pk>/wijzigen/", cohort_setup.cohort_class_update, name="cohort-class-update"),
    path("klas/<int:pk>/verwijderen/", cohort_setup.cohort_class_delete, name="cohort-class-delete"),
    path("cohort/<int:pk>/afsluiten/", views_cohort_setup.cohort_close, name="cohort-close"),
    path("cohort/<int:pk>/volgende-ronde/", views_cohort_setup.cohort_copy, name="cohort-copy"),
    path("<slug:slug>/gastwerkgevers/", views_host_setup.pilot_host_list, name="host-list"),
    path("<slug:slug>/gastwerkgevers/toevoegen/", views_host_setup.pilot_host_add, name="host-add"),
    path("<slug:slug>/gastwerkgevers/registreren/", views_host_setup.pilot_host_create, name="host-create"),
    path("<slug:slug>/gastwerkgevers/<int:employer_pk>/", views_host_setup.host_detail, name="host-detail"),
    path(
        "<slug:slug>/gastwerkgevers/<int:employer_pk>/locatie/nieuw/",
        views_host_setup.host_location_create,
        name="host-location-create",
    ),
    path(
        "<slug:slug>/gastwerkgevers/<int:employer_pk>/locatie/<int:pk>/",
        views_host_setup.host_location_update,
        name="host-location-update",
    ),
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

api_clients_section = [
    path("", api_clients.api_clients, name="list"),
    path("<int:pk>/intrekken/", api_clients.api_client_revoke_view, name="revoke"),
]

people_section = [
    path("", views_people.people, name="list"),
    path("<int:pk>/opnieuw-uitnodigen/", views_people.person_resend, name="resend"),
    path("<int:pk>/toegang-intrekken/", views_people.person_deactivate, name="deactivate"),
    path("<int:pk>/toegang-herstellen/", views_people.person_reactivate, name="reactivate"),
]

urlpatterns = [
    path("", include("core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("pilots/", include((pilots_section, "pilots"))),
    path("kandidaten/", include((candidates_section, "candidates"))),
    path("werkgevers/", include("employers.urls")),
    path("rapportages/", include("reports.urls")),
    path("mensen/", include((people_section, "people"))),
    path("api-koppelingen/", include((api_clients_section, "api-clients"))),
    path("beheerder/", views_admin.admin_home, name="admin-home"),
    path("beheer/", admin.site.urls),
    # The partners' API (config/api.py), its OpenAPI document at api/v1/openapi.json and its docs at api/v1/docs.
    path("api/v1/", api_v1.urls),
]

if settings.BENCH_PAGES:
    # make bench's yardsticks (core.bench): never on in a deployment.
    urlpatterns += [
        path("bench/trivial/", bench.trivial, name="bench-trivial"),
        path("bench/trivial-layout/", bench.trivial_layout, name="bench-trivial-layout"),
    ]
