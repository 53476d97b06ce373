from django.urls import path

from .views import board, candidates, coaching, imports, outflow, privacy, screening, selection

# The start page, the candidate's page with its notes and the outcome answer in this section too, from the apps
# above this one: config/urls.py puts the section together.
urlpatterns = [
    # candidates: list, export, registration, caseload
    path("", candidates.candidate_index, name="candidate-list"),
    path("export/<str:fmt>/", candidates.candidate_export, name="candidate-export"),
    path("nieuw/", candidates.candidate_create, name="candidate-create"),
    path("caseload/overdragen/", candidates.caseload_hand_over, name="caseload-reassign"),
    path("<int:pk>/wijzigen/", candidates.candidate_edit, name="candidate-edit"),
    # AVG (GDPR): access request and erasure
    path("<int:pk>/inzage/", privacy.access_request, name="candidate-access"),
    path("<int:pk>/inzage.json", privacy.access_request_json, name="candidate-access-json"),
    path("<int:pk>/wissen/", privacy.erase, name="candidate-erase"),
    # imports
    path("import/", imports.import_upload, name="import-upload"),
    path("import/geschiedenis/", imports.import_history, name="import-history"),
    path("import/sjabloon.<str:fmt>", imports.import_template, name="import-template"),
    path("import/taak/<str:job_id>/", imports.import_job, name="import-job"),
    path("import/<str:token>/", imports.import_preview, name="import-preview"),
    # screening
    path("inschrijving/<int:pk>/screening-plannen/", screening.plan_screening, name="screening-plan"),
    path("afspraak/<int:pk>.ics", screening.appointment_calendar, name="appointment-ics"),
    path("afspraak/<int:pk>/annuleren/", screening.cancel_appointment, name="appointment-cancel"),
    path("inschrijving/<int:pk>/screening/", screening.record_screening, name="screening-record"),
    # selection
    path("inschrijving/<int:pk>/status/", selection.transition, name="enrolment-transition"),
    path("inschrijving/<int:pk>/interesse/", selection.confirm_interest, name="interest-confirm"),
    path("cohort/<int:pk>/selectie/", selection.cohort_selection, name="cohort-selection"),
    path("cohort/<int:pk>/reserve-promoveren/", selection.promote_reserve, name="reserve-promote"),
    path("cohort/<int:pk>/doorschuiven/", selection.carry_over, name="carry-over"),
    # board
    path("bord/<slug:slug>/", board.pilot_board, name="board"),
    # progress
    path("inschrijving/<int:pk>/coaching/", coaching.coaching, name="coaching"),
    path("inschrijving/<int:pk>/evaluatie/<str:moment>/", coaching.evaluation, name="evaluation"),
    path("inschrijving/<int:pk>/afronden/", outflow.leave, name="leave"),
    path("vervolgmeting/<int:pk>/", outflow.followup, name="followup-record"),
]
