"""The demo data: the published figures of the four pilots, a history for every enrolment, and working logins.

The demo is loaded once for the module (the seed_output fixture in conftest.py).
"""

import re
from datetime import date
from io import StringIO
from itertools import pairwise

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import CharField, Sum, TextField
from django.urls import reverse
from django.utils import timezone

from candidates.lifecycle import POSITIVE_OUTFLOW
from candidates.models import (
    Candidate,
    ContractType,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    Outcome,
    OutcomeKind,
    Recommendation,
    ReferralSource,
    Screening,
    ScreeningAppointment,
)
from core.roles import START_PAGES, Role
from employers.models import Employer, PlacementStatus, SeatOffer
from employers.selectors import placement_list
from pilots.demo import DEMO_LOGINS, DEMO_PASSWORD, REGIONAL_LOGINS
from pilots.models import OrganisationKind, PartnerRole, Pilot
from pilots.selectors import pilot_list

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo"), pytest.mark.usefixtures("seed_output")]


def _enrolments(slug: str, cohort: str | None = None):
    enrolments = Enrolment.objects.filter(cohort__pilot__slug=slug)
    return enrolments.filter(cohort__name=cohort) if cohort else enrolments


def _screened(enrolments) -> int:
    return enrolments.filter(transitions__to_status=EnrolmentStatus.SCREENED).distinct().count()


def _started(enrolments) -> int:
    return enrolments.filter(started_on__isnull=False).count()


def _work_rate(slug: str) -> float:
    started = _started(_enrolments(slug))
    to_work = Outcome.objects.filter(enrolment__cohort__pilot__slug=slug, kind__in=POSITIVE_OUTFLOW).count()
    return 100 * to_work / started


def _host_names(pilot: Pilot) -> set[str]:
    return set(pilot.partnerships.filter(role=PartnerRole.HOST_EMPLOYER).values_list("organisation__name", flat=True))


def test_command_prints_one_login_per_role(seed_output):
    assert DEMO_PASSWORD in seed_output
    assert {role for _username, role, _description in DEMO_LOGINS} == set(Role)
    for username, role, _description in DEMO_LOGINS:
        assert f"{username} ({Role(role).label})" in seed_output
    for username in REGIONAL_LOGINS:
        assert username in seed_output


def test_groepshulp_has_its_partners_and_figures():
    pilot = Pilot.objects.get(slug="groepshulp-midden-utrecht")
    assert pilot.lead_organisation.name == "WerkgeversServicepunt Midden-Utrecht"
    assert (pilot.duration_weeks, pilot.internship_days_per_week, pilot.school_days_per_week) == (15, 2, 1)
    partners = set(pilot.partnerships.values_list("organisation__name", "role"))
    assert {
        ("Leerwerkloket Midden-Utrecht", PartnerRole.LEARN_WORK_DESK),
        ("UWV", PartnerRole.UWV),
        ("ROC Midden-Nederland", PartnerRole.TRAINING_PARTNER),
        ("MBO Utrecht", PartnerRole.TRAINING_PARTNER),
        ("NCB", PartnerRole.COACHING_PROVIDER),
    } <= partners
    assert {"Wellantcollege", "VNO-NCW Midden", "MKB-Midden", "Gemeente Utrecht"} <= {name for name, _ in partners}

    round_1 = pilot.cohorts.get(name="Ronde 1")
    enrolments = _enrolments(pilot.slug, "Ronde 1")
    assert round_1.seats == 14
    assert enrolments.count() == 40
    assert _screened(enrolments) == 40
    assert _started(enrolments) == 14
    assert enrolments.filter(status=EnrolmentStatus.RESERVE).count() == 18

    hosts = _host_names(pilot)
    assert len(hosts) == 7
    offers = SeatOffer.objects.filter(cohort=round_1)
    assert set(offers.values_list("employer__organisation__name", flat=True)) == hosts
    assert offers.aggregate(total=Sum("places"))["total"] == 14

    outcomes = Outcome.objects.filter(enrolment__cohort=round_1)
    assert outcomes.filter(kind=OutcomeKind.CONTRACT_AT_HOST, contract_type=ContractType.GROUP_HELPER).exists()
    assert outcomes.filter(contract_type=ContractType.BBL, education_level=3, employer__isnull=False).exists()


def test_groepshulp_second_round_comes_from_the_reserve_list():
    reserves = set(
        _enrolments("groepshulp-midden-utrecht", "Ronde 1")
        .filter(status=EnrolmentStatus.RESERVE)
        .values_list("candidate", flat=True)
    )
    round_2 = _enrolments("groepshulp-midden-utrecht", "Ronde 2")
    from_reserve = round_2.filter(candidate__in=reserves)
    assert from_reserve.count() == 6
    assert from_reserve.filter(status=EnrolmentStatus.SELECTED).count() == 6
    assert round_2.filter(status__in=[EnrolmentStatus.REGISTERED, EnrolmentStatus.SCREENING_PLANNED]).exists()


def test_welslagen_groups_select_24_of_30_referred_by_rotterdam():
    pilot = Pilot.objects.get(slug="welslagen-rotterdam")
    assert pilot.duration_weeks == 20
    assert pilot.target_outflow_percentage == 75
    assert {"Laurens", "Calibris Advies", "Albeda Zorgcollege", "Gemeente Rotterdam"} <= set(
        pilot.partnerships.values_list("organisation__name", flat=True)
    )
    assert pilot.cohorts.count() == 2
    for cohort in pilot.cohorts.all():
        enrolments = cohort.enrolments.all()
        assert enrolments.count() == 30
        assert (
            enrolments.filter(
                candidate__referral_source=ReferralSource.MUNICIPALITY,
                candidate__referring_organisation__name="Gemeente Rotterdam",
            ).count()
            == 30
        )
        assert cohort.seats == 24
        assert _started(enrolments) == 24
        bbl_at_laurens = Outcome.objects.filter(
            enrolment__cohort=cohort, employer__organisation__name="Laurens", contract_type=ContractType.BBL
        ).count()
        assert bbl_at_laurens / 24 >= 0.75


def test_leerlingpoule_started_52_in_three_classes_on_5_june_2018():
    pilot = Pilot.objects.get(slug="leerlingpoule-gelderland")
    assert "45 plekken" in pilot.description
    cohort = pilot.cohorts.get()
    enrolments = cohort.enrolments.all()
    assert enrolments.count() == 332
    assert cohort.start_date == date(2018, 6, 5)
    assert cohort.seats == 52
    assert enrolments.filter(started_on=date(2018, 6, 5)).count() == 52

    classes = list(cohort.classes.all())
    assert len(classes) == 3
    assert sum(cohort_class.enrolments.count() for cohort_class in classes) == 52

    hosts = _host_names(pilot)
    assert len(hosts) == 8
    offers = SeatOffer.objects.filter(cohort=cohort)
    assert set(offers.values_list("employer__organisation__name", flat=True)) == hosts
    assert offers.aggregate(total=Sum("places"))["total"] == 52

    # About 75 were offered a paid track: the 52 starters and those offered another track at an employer.
    other_track = enrolments.filter(transitions__reason__icontains="ander betaald opleidingstraject").count()
    assert 52 + other_track == 75


@pytest.mark.parametrize(
    ("slug", "started", "published_rate"),
    [("werkfit-installatietechniek", 18, 75), ("werkfit-thuiszorg", 11, 70)],
)
def test_werkfit_outflow_to_work_matches_the_published_rate(slug, started, published_rate):
    pilot = Pilot.objects.get(slug=slug)
    assert pilot.duration_weeks == 12
    assert pilot.target_outflow_percentage == published_rate
    assert _started(_enrolments(slug)) == started
    # 75% of 18 is 13.5 people, so no whole number hits it exactly: within three points is the best possible.
    assert abs(_work_rate(slug) - published_rate) < 3


def test_werkfit_installation_participants_are_status_holders():
    starters = _enrolments("werkfit-installatietechniek").filter(started_on__isnull=False)
    assert starters.filter(candidate__is_status_holder=True).count() == 18


def test_employers_are_host_organisations_with_kvk_number_and_locations():
    employers = Employer.objects.select_related("organisation").prefetch_related("locations")
    assert employers.count() == 23
    for employer in employers:
        assert employer.organisation.kind == OrganisationKind.HOST_EMPLOYER
        assert re.fullmatch(r"[0-9]{8}", employer.kvk_number)
        assert 1 <= len(employer.locations.all()) <= 2 or employer.name == "Laurens"


def test_running_it_twice_changes_no_row_count():
    before = {model._meta.label: model.objects.count() for model in apps.get_models()}
    call_command("seed_demo", stdout=StringIO())
    after = {model._meta.label: model.objects.count() for model in apps.get_models()}
    assert after == before


@pytest.mark.parametrize(("username", "role"), [(username, role) for username, role, _ in DEMO_LOGINS])
def test_demo_login_reaches_its_start_page(client, username, role):
    user = get_user_model().objects.get(username=username)
    assert user.organisation is not None
    # Through the login page, as people log in: the login throttle refuses client.login(), which passes no request.
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse(START_PAGES[role])
    assert client.get(response.url).status_code == 200


def test_administrator_is_superuser_and_staff():
    administrator = get_user_model().objects.get(username="beheerder")
    assert administrator.is_superuser
    assert administrator.is_staff


def test_training_partner_works_on_the_groepshulp_pilot():
    training_partner = get_user_model().objects.get(username="opleider")
    assert training_partner.organisation.name == "ROC Midden-Nederland"
    assert [pilot.slug for pilot in pilot_list(user=training_partner)] == ["groepshulp-midden-utrecht"]


def test_each_regional_adviser_sees_only_the_pilots_of_their_region():
    expected = {
        "adviseur": {"groepshulp-midden-utrecht"},
        "adviseur-rotterdam": {"welslagen-rotterdam"},
        "adviseur-gelderland": {"leerlingpoule-gelderland"},
        "adviseur-groningen": {"werkfit-installatietechniek", "werkfit-thuiszorg"},
    }
    for username, slugs in expected.items():
        adviser = get_user_model().objects.get(username=username)
        assert set(pilot_list(user=adviser).values_list("slug", flat=True)) == slugs


def test_employer_contact_has_proposals_of_their_own_organisation_to_answer():
    contact = get_user_model().objects.get(username="werkgever")
    placements = placement_list(user=contact)
    assert placements.filter(status=PlacementStatus.PROPOSED).count() == 2
    assert set(placements.values_list("employer__organisation", flat=True)) == {contact.organisation_id}


def test_every_candidate_has_consent_and_an_adviser_of_their_pilot():
    for candidate in Candidate.objects.select_related("adviser").prefetch_related("enrolments__cohort__pilot"):
        assert candidate.has_consent
        assert candidate.adviser.role == Role.ADVISER
        adviser_pilots = set(pilot_list(user=candidate.adviser))
        assert {enrolment.cohort.pilot for enrolment in candidate.enrolments.all()} <= adviser_pilots


def test_every_enrolment_has_a_history_that_ends_in_its_status():
    now = timezone.now()
    for enrolment in Enrolment.objects.prefetch_related("transitions"):
        history = list(enrolment.transitions.all())
        assert history, enrolment
        assert history[0].to_status == EnrolmentStatus.REGISTERED
        assert history[-1].to_status == enrolment.status
        assert all(earlier.at < later.at for earlier, later in pairwise(history))
    assert not EnrolmentTransition.objects.filter(at__gt=now).exists()


def test_every_screened_enrolment_has_one_screening_whose_advice_fits_the_decision():
    screened = Enrolment.objects.filter(transitions__to_status=EnrolmentStatus.SCREENED).distinct()
    assert Screening.objects.count() == screened.count()
    assert set(Screening.objects.values_list("enrolment", flat=True)) == set(screened.values_list("pk", flat=True))
    starters = Screening.objects.filter(enrolment__started_on__isnull=False)
    assert set(starters.values_list("recommendation", flat=True)) == {Recommendation.SELECT}
    reserves = Screening.objects.filter(enrolment__status=EnrolmentStatus.RESERVE)
    assert set(reserves.values_list("recommendation", flat=True)) == {Recommendation.RESERVE}


def test_candidates_waiting_for_a_screening_have_an_appointment_to_come():
    waiting = Enrolment.objects.filter(status=EnrolmentStatus.SCREENING_PLANNED)
    assert waiting.exists()
    appointments = ScreeningAppointment.objects.filter(enrolment__in=waiting)
    assert appointments.count() == waiting.count()
    assert all(appointment.starts_at > timezone.now() for appointment in appointments)


def test_no_candidate_holds_a_bsn_like_number():
    assert not [field for field in Candidate._meta.get_fields() if "bsn" in field.name.lower()]
    text_fields = [
        field.attname for field in Candidate._meta.concrete_fields if isinstance(field, CharField | TextField)
    ]
    nine_digits = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
    for values in Candidate.objects.values_list(*text_fields):
        assert not [value for value in values if nine_digits.search(value or "")]


def test_every_enrolled_candidate_points_at_their_latest_enrolment():
    """The candidate list sorts and filters on Candidate.current_enrolment: the demo keeps it as the services do."""
    latest: dict[int, int] = {}
    for candidate_id, enrolment_id in Enrolment.objects.order_by("created_at", "pk").values_list("candidate_id", "pk"):
        latest[candidate_id] = enrolment_id
    assert latest
    current = dict(Candidate.objects.filter(pk__in=latest).values_list("pk", "current_enrolment_id"))
    assert current == latest
    assert not Candidate.objects.filter(enrolments__isnull=True, current_enrolment__isnull=False).exists()
