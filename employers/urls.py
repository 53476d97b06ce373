from django.urls import path

from . import views, views_adviser

app_name = "employers"
urlpatterns = [
    # employer side: the host employer's contact person
    path("start/", views.employer_start, name="start"),
    path("plaatsing/<int:pk>/", views.placement_detail, name="placement-detail"),
    path("plaatsing/<int:pk>/bevestigen/", views.placement_confirm_view, name="placement-confirm"),
    path("plaatsing/<int:pk>/afwijzen/", views.placement_decline_view, name="placement-decline"),
    path("plaatsing/<int:pk>/gestart/", views.placement_start_view, name="placement-start"),
    path("plaatsing/<int:pk>/beeindigen/", views.placement_end_view, name="placement-end"),
    path("stageplaatsen/", views.seat_offers, name="seat-offers"),
    path("contractaanbod/", views.contract_offers, name="contract-offers"),
    path("contractaanbod/nieuw/<int:enrolment>/", views.contract_offer_create, name="contract-offer-create"),
    path("contractaanbod/<int:pk>/intrekken/", views.contract_offer_withdraw_view, name="contract-offer-withdraw"),
    path("contractaanbod/<int:pk>/antwoord/", views.contract_offer_answer_view, name="contract-offer-answer"),
    # adviser side
    path("voorstellen/<int:enrolment_pk>/", views_adviser.placement_propose, name="placement-propose"),
    path("cohort/<int:cohort_pk>/plaatsen/", views_adviser.seat_offer_on_behalf, name="seat-offer-on-behalf"),
    path("vacatures/", views_adviser.vacancy_index, name="vacancy-list"),
    path("vacatures/nieuw/", views_adviser.vacancy_create, name="vacancy-create"),
    path("vacatures/<int:pk>/", views_adviser.vacancy_detail, name="vacancy-detail"),
    path("vacatures/<int:pk>/aanmelden/", views_adviser.vacancy_apply, name="vacancy-apply"),
    path("vacatures/<int:pk>/verdelen/", views_adviser.vacancy_distribute, name="vacancy-distribute"),
    path("adviseur/inschrijving/<int:enrolment_pk>/", views_adviser.enrolment_placements, name="adviser-enrolment"),
    path(
        "adviseur/inschrijving/<int:enrolment_pk>/uitkomst/",
        views_adviser.accepted_offer_apply,
        name="accepted-offer-apply",
    ),
    path(
        "adviseur/contractaanbod/<int:pk>/antwoord/",
        views_adviser.contract_offer_answer,
        name="contract-offer-answer-adviser",
    ),
    path("adviseur/plaatsing/<int:pk>/beeindigen/", views_adviser.placement_end, name="placement-end-adviser"),
]
