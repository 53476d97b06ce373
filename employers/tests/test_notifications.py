"""The e-mail a host employer gets about a proposal: after the commit, to its own contacts, in Dutch, discreet."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.translation import gettext

from candidates.models import BarrierKind, BenefitType, EnrolmentStatus, Recommendation, Screening
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers import notifications
from employers.models import Placement
from employers.services import placement_notify_proposed, placement_propose
from employers.tests.factories import EmployerFactory, EmployerLocationFactory, SeatOfferFactory
from pilots.tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

MOTIVATION = "Woont in de wijk; heeft schulden en een bijstandsuitkering"
SCREENING_NOTE = "Twijfelt door de kinderopvang thuis"


@pytest.fixture
def setting(adviser, settings):
    settings.SITE_URL = "https://opstap.example.nl/"
    employer = EmployerFactory(organisation__name="Kinderopvang Zonnebloem")
    contacts = [
        UserFactory(username=f"contact{n}", organisation=employer.organisation, role=Role.EMPLOYER_CONTACT)
        for n in (1, 2)
    ]
    UserFactory(username="vertrokken", organisation=employer.organisation, role=Role.EMPLOYER_CONTACT, is_active=False)
    UserFactory(username="collega-adviseur", organisation=employer.organisation, role=Role.ADVISER)
    other = EmployerFactory(organisation__name="Kinderopvang Elders")
    UserFactory(username="elders", organisation=other.organisation, role=Role.EMPLOYER_CONTACT)

    candidate = CandidateFactory(
        first_name="Fatima", last_name_prefix="el", last_name="Amrani", benefit_type=BenefitType.SOCIAL_ASSISTANCE
    )
    CandidateBarrierFactory(candidate=candidate, kind=BarrierKind.POVERTY_TRAP)
    CandidateBarrierFactory(candidate=candidate, kind=BarrierKind.DEBTS)
    cohort = CohortFactory(name="Najaar 2026", pilot__name="Groepshulp kinderopvang")
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort, status=EnrolmentStatus.SELECTED)
    SeatOfferFactory(employer=employer, cohort=cohort, places=2)
    Screening.objects.create(
        enrolment=enrolment,
        screened_on=datetime.date(2026, 8, 20),
        adviser=adviser,
        interest_score=4,
        motivation_score=4,
        language_score=3,
        language_note=SCREENING_NOTE,
        availability_score=4,
        recommendation=Recommendation.SELECT,
    )
    return SimpleNamespace(employer=employer, contacts=contacts, enrolment=enrolment, candidate=candidate)


def propose(setting, adviser, **details) -> Placement:
    return placement_propose(
        enrolment=setting.enrolment,
        employer=setting.employer,
        by_user=adviser,
        location=EmployerLocationFactory(employer=setting.employer),
        days_per_week=2,
        start_date=datetime.date(2026, 9, 7),
        end_date=datetime.date(2026, 12, 18),
        motivation=MOTIVATION,
        **details,
    )


def test_the_proposal_mail_goes_out_only_after_the_commit(
    setting, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        placement = propose(setting, adviser)
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert len(mailoutbox) == 2
    placement.refresh_from_db()
    assert placement.notified_at is not None


def test_a_rolled_back_proposal_sends_no_mail(setting, adviser, mailoutbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        propose(setting, adviser)
        raise RuntimeError("the request failed after the proposal")

    assert callbacks == []
    assert mailoutbox == []
    assert not Placement.objects.exists()


def test_each_active_contact_of_the_employer_gets_a_mail_of_their_own(
    setting, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        propose(setting, adviser)

    assert sorted(message.to for message in mailoutbox) == sorted([contact.email] for contact in setting.contacts)
    addresses = {address for message in mailoutbox for address in message.recipients()}
    assert "vertrokken@example.org" not in addresses
    assert "collega-adviseur@example.org" not in addresses
    assert "elders@example.org" not in addresses


def test_the_mail_links_to_the_placement_page(setting, adviser, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        placement = propose(setting, adviser)

    assert f"https://opstap.example.nl/werkgevers/plaatsing/{placement.pk}/" in mailoutbox[0].body


def test_the_mail_names_the_candidate_by_first_name_and_initial_only(
    setting, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        propose(setting, adviser)

    message = mailoutbox[0]
    assert "Fatima A." in message.subject
    assert "Fatima A." in message.body
    assert "Amrani" not in message.subject + message.body
    assert "Najaar 2026" in message.body


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_mail_tells_nothing_of_benefit_barriers_screening_or_motivation(
    setting, adviser, mailoutbox, django_capture_on_commit_callbacks, language
):
    with django_capture_on_commit_callbacks(execute=True):
        propose(setting, adviser)

    text = (mailoutbox[0].subject + mailoutbox[0].body).lower()
    with translation.override(language):
        forbidden = [
            str(BenefitType.SOCIAL_ASSISTANCE.label),
            str(BarrierKind.POVERTY_TRAP.label),
            str(BarrierKind.DEBTS.label),
            gettext("benefit type"),
        ]
    forbidden += ["bijstand", "uitkering", "schulden", SCREENING_NOTE, MOTIVATION, setting.candidate.email]
    assert [word for word in forbidden if word.lower() in text] == []


def test_the_mail_is_written_in_the_portal_language_whatever_the_sender_reads(
    setting, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        propose(setting, adviser)

    body = mailoutbox[0].body
    # Labels the Dutch catalogue has translated for a long time.
    assert "Startdatum: 7 september 2026" in body
    assert "Einddatum: 18 december 2026" in body
    assert "Dagen per week: 2" in body
    assert "Start date" not in body
    # And every sentence of the mail as the Dutch catalogue has it (in English where it has no translation yet).
    with translation.override("nl"):
        assert gettext("Confirm or decline the proposal here:") in body
        assert gettext("You need to log in to see the proposal.") in body


def test_no_mail_goes_to_an_employer_that_was_not_proposed(adviser, mailoutbox, django_capture_on_commit_callbacks):
    employer = EmployerFactory()
    UserFactory(organisation=employer.organisation, role=Role.EMPLOYER_CONTACT)
    bystander = EmployerFactory()
    UserFactory(username="omstander", organisation=bystander.organisation, role=Role.EMPLOYER_CONTACT)

    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)
    SeatOfferFactory(employer=employer, cohort=enrolment.cohort, places=1)

    with django_capture_on_commit_callbacks(execute=True):
        placement_propose(enrolment=enrolment, employer=employer, by_user=adviser)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to != ["omstander@example.org"]


def test_replayed_history_sends_no_mail(setting, adviser, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        propose(setting, adviser, notify=False)

    assert callbacks == []
    assert mailoutbox == []


def test_a_redelivered_mail_task_sends_nothing_twice(setting, adviser, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        placement = propose(setting, adviser)

    assert placement_notify_proposed(placement_id=placement.pk) == 0
    assert len(mailoutbox) == 2


def test_an_employer_without_active_contacts_is_mailed_once_someone_can_read_it(
    adviser, mailoutbox, django_capture_on_commit_callbacks
):
    employer = EmployerFactory()
    enrolment = EnrolmentFactory(status=EnrolmentStatus.SELECTED)
    SeatOfferFactory(employer=employer, cohort=enrolment.cohort, places=1)
    placement = placement_propose(enrolment=enrolment, employer=employer, by_user=adviser)

    assert placement_notify_proposed(placement_id=placement.pk) == 0
    placement.refresh_from_db()
    assert placement.notified_at is None

    UserFactory(organisation=employer.organisation, role=Role.EMPLOYER_CONTACT)
    with django_capture_on_commit_callbacks(execute=True):
        assert placement_notify_proposed(placement_id=placement.pk) == 1
    assert len(mailoutbox) == 1


def test_placement_url_uses_the_url_name_once_it_exists(monkeypatch, settings):
    settings.SITE_URL = "https://opstap.example.nl"
    placement = Placement(pk=42)

    monkeypatch.setattr(notifications, "reverse", lambda name, kwargs: f"/elders/{kwargs['pk']}/")
    assert notifications.placement_url(placement) == "https://opstap.example.nl/elders/42/"


def test_placement_url_falls_back_to_the_known_path_without_the_url_name(monkeypatch, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"

    def no_such_name(name, kwargs):
        raise NoReverseMatch(name)

    monkeypatch.setattr(notifications, "reverse", no_such_name)

    assert notifications.placement_url(Placement(pk=7)) == "http://127.0.0.1:8000/werkgevers/plaatsing/7/"
