"""The main pages take random posts and query strings as the role that uses them: never a server error.

A refusal, a form error, a redirect or a 404 are all fine answers; a 500 (or an exception in the test
client, which is what a 500 is in a test) is not.
"""

from operator import attrgetter as at

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candidates.models import EnrolmentStatus
from candidates.tests.factories import EnrolmentFactory
from employers.models import PlacementStatus
from employers.tests.factories import PlacementFactory
from pilots.models import PartnerRole
from pilots.tests.factories import CohortClassFactory, PilotPartnerFactory
from tests.test_fuzz_forms import BUILDERS, draw_payload, number_values, text_values
from tests.test_fuzz_forms import world as world  # the fixture, shared with the form fuzzing

VIEW_SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Digits that str.isdigit() accepts and int() refuses, and other favourites of hand-written parsing.
ODD_NUMBERS = ["²", "٣", "１２", "0x10", "1_000", "9" * 30, "-1", "", " ", "\x00"]
query_values = st.one_of(st.sampled_from(ODD_NUMBERS), number_values, text_values)


@pytest.fixture
def scene(world, employer_contact, training_partner):
    """The world, with a proposal waiting for the employer and the people who act on it."""
    proposed = PlacementFactory(
        enrolment=EnrolmentFactory(cohort=world.cohort, status=EnrolmentStatus.SELECTED),
        employer=world.employer,
        status=PlacementStatus.PROPOSED,
    )
    world.proposed = proposed
    world.employer_contact = employer_contact
    world.training_partner = training_partner
    world.selected = world.distribution.unplaced[0].enrolment
    # The employer hosts the pilot, so the coordinator's host pages are open to it; the cohort has a class.
    PilotPartnerFactory(pilot=world.pilot, organisation=world.employer.organisation, role=PartnerRole.HOST_EMPLOYER)
    world.cohort_class = CohortClassFactory(cohort=world.cohort, name="Klas A")
    return world


def _client(client, user):
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.status_code


# (URL name, URL kwargs (at(path): read from the scene), who posts, form builder whose fields are posted, prefix)
POST_ENDPOINTS = [
    ("candidates:candidate-create", {}, "adviser", "candidates.forms.CandidateIntakeForm", None),
    (
        "candidates:candidate-edit",
        {"pk": at("selected.candidate_id")},
        "adviser",
        "candidates.forms.CandidateForm",
        None,
    ),
    ("candidates:note-add", {"pk": at("selected.candidate_id")}, "adviser", "candidates.forms.NoteForm", None),
    ("candidates:screening-plan", {"pk": at("selected.pk")}, "adviser", "candidates.forms.AppointmentForm", None),
    ("candidates:screening-record", {"pk": at("reserve.pk")}, "adviser", "candidates.forms.ScreeningForm", None),
    ("candidates:enrolment-transition", {"pk": at("reserve.pk")}, "adviser", "candidates.forms.TransitionForm", None),
    ("candidates:reserve-promote", {"pk": at("cohort.pk")}, "adviser", "candidates.forms.PromoteForm", None),
    ("candidates:carry-over", {"pk": at("cohort.pk")}, "adviser", "candidates.forms.CarryOverForm", None),
    (
        "candidates:coaching",
        {"pk": at("placement.enrolment_id")},
        "training_partner",
        "candidates.forms.CoachingNoteForm",
        "note",
    ),
    (
        "candidates:outflow-record",
        {"pk": at("placement.enrolment_id")},
        "adviser",
        "candidates.forms.OutflowForm",
        None,
    ),
    ("candidates:import-upload", {}, "adviser", "candidates.forms.ImportUploadForm", None),
    (
        "employers:placement-propose",
        {"enrolment_pk": at("selected.pk")},
        "adviser",
        "employers.forms.PlacementProposeForm",
        None,
    ),
    (
        "employers:seat-offer-on-behalf",
        {"cohort_pk": at("cohort.pk")},
        "adviser",
        "employers.forms.SeatOfferOnBehalfForm",
        None,
    ),
    (
        "employers:placement-confirm",
        {"pk": at("proposed.pk")},
        "employer_contact",
        "employers.forms.PlacementPeriodForm",
        None,
    ),
    (
        "employers:placement-decline",
        {"pk": at("proposed.pk")},
        "employer_contact",
        "employers.forms.HostDeclineForm",
        "decline",
    ),
    ("employers:seat-offers", {}, "employer_contact", "employers.forms.HostSeatOfferForm", None),
    (
        "employers:contract-offer-create",
        {"enrolment": at("placement.enrolment_id")},
        "employer_contact",
        "employers.forms.HostContractOfferForm",
        None,
    ),
    ("employers:vacancy-create", {}, "adviser", "employers.forms.VacancyForm", None),
    ("pilots:results", {"pk": at("cohort.pk")}, "training_partner", "candidates.forms.ModuleResultForm", None),
    ("pilots:cohort-learning-line", {"pk": at("cohort.pk")}, "coordinator", "pilots.forms.CohortModuleForm", None),
    # Setting up a pilot, its partners, cohorts, classes and hosts, and the lists of reference data.
    ("pilots:pilot-setup", {}, "coordinator", "pilots.forms.PilotDetailsForm", None),
    ("pilots:pilot-setup", {}, "administrator", "pilots.forms.PilotDetailsForm", None),
    ("pilots:pilot-setup-details", {"slug": at("pilot.slug")}, "coordinator", "pilots.forms.PilotDetailsForm", None),
    ("pilots:pilot-setup-partners", {"slug": at("pilot.slug")}, "coordinator", "pilots.forms.PartnerAddForm", "add"),
    ("pilots:pilot-setup-partners", {"slug": at("pilot.slug")}, "coordinator", "pilots.forms.OrganisationForm", "new"),
    ("pilots:pilot-copy", {"slug": at("pilot.slug")}, "coordinator", "pilots.forms.PilotCopyForm", None),
    ("pilots:reference-create", {"kind": "sector"}, "coordinator", "pilots.forms.ReferenceItemCreateForm", None),
    (
        "pilots:reference-edit",
        {"kind": "sector", "code": "childcare"},
        "coordinator",
        "pilots.forms.ReferenceItemUpdateForm",
        None,
    ),
    ("pilots:cohort-create", {"slug": at("pilot.slug")}, "coordinator", "pilots.forms.CohortForm", None),
    ("pilots:cohort-update", {"pk": at("cohort.pk")}, "coordinator", "pilots.forms.CohortForm", None),
    ("pilots:cohort-class-create", {"pk": at("cohort.pk")}, "coordinator", "pilots.forms.CohortClassForm", None),
    ("pilots:cohort-class-update", {"pk": at("cohort_class.pk")}, "coordinator", "pilots.forms.CohortClassForm", None),
    ("pilots:cohort-copy", {"pk": at("cohort.pk")}, "coordinator", "employers.forms.CohortCopyForm", None),
    ("pilots:host-add", {"slug": at("pilot.slug")}, "coordinator", "employers.forms.HostAddForm", None),
    ("pilots:host-create", {"slug": at("pilot.slug")}, "coordinator", "employers.forms.HostCreateForm", None),
    (
        "pilots:host-detail",
        {"slug": at("pilot.slug"), "employer_pk": at("employer.pk")},
        "coordinator",
        "employers.forms.HostSeatOfferForm",
        None,
    ),
    (
        "pilots:host-location-create",
        {"slug": at("pilot.slug"), "employer_pk": at("employer.pk")},
        "coordinator",
        "employers.forms.EmployerLocationForm",
        None,
    ),
    (
        "pilots:host-location-update",
        {"slug": at("pilot.slug"), "employer_pk": at("employer.pk"), "pk": at("location.pk")},
        "coordinator",
        "employers.forms.EmployerLocationForm",
        None,
    ),
    # People by invitation.
    ("people:list", {}, "coordinator", "start.forms.PersonInvitationForm", None),
    ("people:list", {}, "administrator", "start.forms.PersonInvitationForm", None),
]

# Buttons and hidden fields the views branch on besides the form's own fields.
EXTRA_POST_KEYS = [
    "record_result",
    "record_certificate",
    "save_rhythm",
    "delete",
    "row",
    "action",
    "confirm",
    "remove",
    "add-organisation",
]


@pytest.mark.parametrize(
    ("url_name", "kwargs", "role", "builder", "prefix"), POST_ENDPOINTS, ids=[row[0] for row in POST_ENDPOINTS]
)
@VIEW_SETTINGS
@given(data=st.data())
def test_post_never_answers_with_a_server_error(client, scene, url_name, kwargs, role, builder, prefix, data):
    form = BUILDERS[builder](scene, None, None)
    form.prefix = prefix
    post, files = draw_payload(data, form)
    for key in data.draw(st.lists(st.sampled_from(EXTRA_POST_KEYS), max_size=2, unique=True), label="extra"):
        post[key] = data.draw(query_values, label=key)
    response = _client(client, getattr(scene, role)).post(
        reverse(url_name, kwargs=_url_kwargs(scene, kwargs)), {**_flat(post), **_flat(files)}
    )
    _assert_no_server_error(response)


def _url_kwargs(scene, kwargs: dict) -> dict:
    """A row's URL arguments: an at("selected.candidate_id") is read from the scene, any other value is as given."""
    return {name: value(scene) if callable(value) else value for name, value in kwargs.items()}


def _flat(payload: MultiValueDict) -> dict:
    # The test client encodes a list as repeated fields, which is how a browser posts a multiple choice.
    return {key: values if len(values) != 1 else values[0] for key, values in payload.lists()}


@VIEW_SETTINGS
@given(data=st.data())
def test_attendance_grid_takes_any_cell_name_and_mark(client, scene, data):
    """The grid's fields are named after ids: a tampered name or mark is a refusal, not a crash."""
    post = {}
    enrolment, session = scene.placement.enrolment_id, data.draw(st.integers(min_value=0, max_value=10**6))
    for _ in range(data.draw(st.integers(min_value=0, max_value=4))):
        name = data.draw(
            st.one_of(
                st.just(f"mark_{session}_{enrolment}"),
                st.from_regex(r"\Amark_[0-9]{1,25}_[0-9]{1,25}\Z"),
                st.sampled_from(["mark_²_1", "mark_-1_1", "mark__", "row"]),
            )
        )
        post[name] = data.draw(st.one_of(st.sampled_from(["present", "absent", "sick", ""]), query_values))
    week = data.draw(st.one_of(st.just("2026-09-07"), query_values))
    url = reverse("pilots:attendance", kwargs={"pk": scene.cohort.pk})
    _assert_no_server_error(
        _client(client, scene.training_partner).post(url, post, QUERY_STRING=_query({"week": week}))
    )


def _query(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params, doseq=True)


# Pages with query parameters, and the parameters their code reads.
GET_PAGES = [
    ("candidates:candidate-list", {}, "adviser"),
    ("candidates:candidate-export", {"fmt": "csv"}, "adviser"),
    ("candidates:import-history", {}, "adviser"),
    ("candidates:board", {"slug": at("pilot.slug")}, "adviser"),
    ("employers:vacancy-list", {}, "adviser"),
    ("employers:vacancy-create", {}, "adviser"),
    ("employers:seat-offer-on-behalf", {"cohort_pk": at("cohort.pk")}, "adviser"),
    ("pilots:attendance", {"pk": at("cohort.pk")}, "training_partner"),
    ("pilots:learning-line", {"slug": at("pilot.slug")}, "coordinator"),
    ("pilots:cohort-learning-line", {"pk": at("cohort.pk")}, "coordinator"),
    ("pilots:certificates-expiring", {}, "training_partner"),
    ("reports:dashboard", {"slug": at("pilot.slug")}, "coordinator"),
    ("pilots:pilot-setup-partners", {"slug": at("pilot.slug")}, "coordinator"),
    ("pilots:pilot-history", {"slug": at("pilot.slug")}, "coordinator"),
    ("pilots:reference-list", {}, "coordinator"),
    ("pilots:host-list", {"slug": at("pilot.slug")}, "coordinator"),
    ("people:list", {}, "coordinator"),
    ("people:list", {}, "administrator"),
]
QUERY_KEYS = [
    "rol",
    "page",
    "per_page",
    "sort",
    "q",
    "week",
    "van",
    "tot",
    "cohort",
    "pilot",
    "employer",
    "status",
    "column",
    "edit",
    "adviser",
    "barrier",
    "referral_source",
    "language",
    "age_min",
    "age_max",
    "registered_from",
]


@pytest.mark.parametrize(("url_name", "kwargs", "role"), GET_PAGES, ids=[row[0] for row in GET_PAGES])
@VIEW_SETTINGS
@given(data=st.data())
def test_query_parameters_never_cause_a_server_error(client, scene, url_name, kwargs, role, data):
    params = data.draw(st.dictionaries(st.sampled_from(QUERY_KEYS), st.lists(query_values, min_size=1, max_size=2)))
    url = reverse(url_name, kwargs=_url_kwargs(scene, kwargs))
    response = _client(client, getattr(scene, role)).get(url, QUERY_STRING=_query(params))
    _assert_no_server_error(response)


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999999999", "\x00"])
def test_odd_digits_in_the_query_are_ignored(client, scene, value):
    for url in (
        reverse("employers:seat-offer-on-behalf", kwargs={"cohort_pk": scene.cohort.pk}) + f"?employer={value}",
        reverse("employers:vacancy-list") + f"?cohort={value}",
        reverse("pilots:learning-line", kwargs={"slug": scene.pilot.slug}) + f"?edit={value}",
    ):
        user = scene.coordinator if "leerlijn" in url else scene.adviser
        _assert_no_server_error(_client(client, user).get(url))
    url = reverse("pilots:attendance", kwargs={"pk": scene.cohort.pk})
    _assert_no_server_error(_client(client, scene.training_partner).post(url, {"row": value}))
