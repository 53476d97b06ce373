"""Every form of the project takes random input without raising: the answer is a form error, never a crash.

The forms are found by walking the project's modules, so a new form class without a builder here fails
`test_every_form_class_is_fuzzed`. A valid form is also checked for what PostgreSQL refuses and SQLite
lets through (a NUL character in text, an integer beyond 64 bits), so those show up in a local run too.
"""

import datetime
import importlib
import inspect
import io
import pkgutil
import zipfile
from types import SimpleNamespace

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candidates import admin as candidates_admin
from candidates import forms as cf
from candidates.models import Candidate, Enrolment, EnrolmentStatus
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core import admin as core_admin
from core import forms as core_forms
from core.invitations import grantable_roles
from core.roles import Role
from core.tests.factories import UserFactory
from employers import admin as employers_admin
from employers import forms as ef
from employers.models import Employer, EmployerLocation, PlacementStatus
from employers.selectors import cohort_places, vacancy_distribution
from employers.tests.factories import (
    EmployerFactory,
    EmployerLocationFactory,
    JointVacancyFactory,
    PlacementFactory,
    SeatOfferFactory,
    VacancyApplicationFactory,
)
from pilots import forms as pf
from pilots.models import Cohort, CohortModule, Organisation, PartnerRole, Pilot, ReferenceItem, ReferenceKind, Region
from pilots.tests.factories import (
    CohortFactory,
    CohortModuleFactory,
    ModuleFactory,
    PilotFactory,
    PilotPartnerFactory,
)
from start import forms as start_forms
from start.selectors import invitable_organisations

PROJECT_PACKAGES = ("core", "candidates", "employers", "pilots", "reports", "start")
SKIPPED_SUBPACKAGES = ("tests", "migrations", "management", "demo")

FUZZ_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- What gets thrown at the fields ------------------------------------------------------------------------

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "Jan\x00",
    "\r\n",
    "\t\x0b\x0c\x1b",
    "\u202ename\u202c",
    "\ufeff",
    "\ud7ff\ue000\uffff",
    "💥👩‍👩‍👧",
    "Ǆemal ß İ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "%s %(x)s {0} {{ x }}",
    "../../etc/passwd",
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "٣",
    "x" * 5000,
    "y" * 70_000,
]
DATE_TEXT = [
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "31-02-2026",
    "2026-02-31",
    "2026-13-01",
    "2026-11-25",
    "25-11-2026",
    "1900-01-01",
    "1988-03-14",
    "99999-01-01",
    "-2026-01-01",
    "2026-1-1",
    "2026-11-25\x00",
    "٢٠٢٦-١١-٢٥",
]
NUMBER_TEXT = [
    "0",
    "-1",
    "1",
    "3",
    "5",
    "60",
    "61",
    "500",
    "501",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1" * 400,
    "1.5",
    "1e3",
    "٣",
    "+3",
    " 3 ",
    "NaN",
    "inf",
]
TIME_TEXT = ["00:00", "23:59", "24:00", "12:60", "noon", "12:30:00.000001", "9999", "12:30\x00"]
BOOLEAN_TEXT = ["on", "", "true", "false", "0", "1", "\x00"]
FILE_NAMES = ["lijst.csv", "lijst.xlsx", "lijst.CSV", "lijst.exe", "lijst", "a\x00.csv", "../../lijst.csv", "x" * 300]

text_values = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=200))
date_values = st.one_of(
    st.sampled_from(DATE_TEXT),
    st.dates().map(lambda day: day.isoformat()),
    st.dates().map(lambda day: day.strftime("%d-%m-%Y")),
    text_values,
)
number_values = st.one_of(
    st.sampled_from(NUMBER_TEXT),
    st.integers().map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(str),
    text_values,
)
time_values = st.one_of(st.sampled_from(TIME_TEXT), st.times().map(lambda t: t.isoformat()), text_values)
boolean_values = st.one_of(st.sampled_from(BOOLEAN_TEXT), text_values)


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


file_contents = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from(
        [
            b"",
            b"voornaam;achternaam;geboortedatum;telefoon\nJan;Jansen;14-03-1988;0612345678\n",
            b"%PDF-1.7 not a table",
            b"PK\x03\x04 broken zip",
            _zip_bytes({"[Content_Types].xml": b"<xml", "xl/workbook.xml": b"\x00\x01"}),
            "voornaam,achternaam\n\u00e9\u00e8".encode("cp1252"),
            b"\xff\xfe\x00v\x00o",
        ]
    ),
    st.lists(st.lists(text_values, max_size=5), max_size=5).map(
        lambda rows: "\n".join(";".join(row) for row in rows).encode("utf-8", "surrogatepass")
    ),
)


@st.composite
def uploads(draw):
    return SimpleUploadedFile(draw(st.sampled_from(FILE_NAMES)), draw(file_contents))


def _choice_keys(field) -> list[str]:
    keys = []
    for key, label in field.choices:
        if isinstance(label, list | tuple):  # an optgroup
            keys.extend(str(inner) for inner, _ in label)
        else:
            keys.append(str(getattr(key, "value", key)))
    return keys


def value_strategy(field: forms.Field):
    """Mostly-wrong values for a field, with the right ones mixed in so that valid forms occur too."""
    if isinstance(field, forms.FileField):
        return uploads()
    if isinstance(field, forms.ModelChoiceField):
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]
        single = st.one_of(st.sampled_from(pks), number_values) if pks else number_values
        if isinstance(field, forms.ModelMultipleChoiceField):
            return st.lists(single, max_size=4)
        return single
    if isinstance(field, forms.ChoiceField):
        keys = _choice_keys(field)
        single = st.one_of(st.sampled_from(keys), text_values) if keys else text_values
        if isinstance(field, forms.MultipleChoiceField):
            return st.lists(single, max_size=5)
        return single
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return boolean_values
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return number_values
    if isinstance(field, forms.DateTimeField):
        return st.one_of(date_values, st.datetimes().map(lambda moment: moment.isoformat(sep=" ")))
    if isinstance(field, forms.DateField):
        return date_values
    if isinstance(field, forms.TimeField):
        return time_values
    return text_values


MISSING = object()


def draw_payload(data, form: forms.BaseForm) -> tuple[MultiValueDict, MultiValueDict]:
    """POST and FILES for a form, as a browser (or someone without one) would send them."""
    post, files = MultiValueDict(), MultiValueDict()
    for name, field in form.fields.items():
        value = data.draw(st.one_of(st.just(MISSING), value_strategy(field)), label=name)
        if value is MISSING:
            continue
        key = form.add_prefix(name)
        if isinstance(field, forms.FileField):
            files.setlist(key, [value])
        else:
            post.setlist(key, value if isinstance(value, list) else [value])
    return post, files


# --- What a valid form may not carry -------------------------------------------------------------------------

BIGINT = 2**63


def assert_storable(value, path="cleaned_data") -> None:
    """PostgreSQL refuses NUL in text and integers beyond 64 bits; SQLite would quietly store them."""
    if isinstance(value, str):
        assert "\x00" not in value, f"{path} carries a NUL character"
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        assert -BIGINT <= value < BIGINT, f"{path} is beyond a 64-bit integer: {value}"
    elif isinstance(value, dict):
        for key, inner in value.items():
            assert_storable(inner, f"{path}[{key!r}]")
    elif isinstance(value, list | tuple | set | frozenset):
        for index, inner in enumerate(value):
            assert_storable(inner, f"{path}[{index}]")


# --- Discovery -----------------------------------------------------------------------------------------------


def project_form_classes() -> dict[str, type]:
    """Every form class defined in the project's own modules, by dotted name."""
    found = {}
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        modules = [package]
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if any(part in SKIPPED_SUBPACKAGES for part in info.name.split(".")[1:]):
                continue
            modules.append(importlib.import_module(info.name))
        for module in modules:
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


# Bases that are never instantiated on their own; their subclasses are fuzzed.
ABSTRACT_FORMS = {
    "employers.forms._ReasonForm": "the base of HostDeclineForm and HostEndForm, which add its reason field",
    "pilots.forms._ModuleFormBase": "a ModelForm without a model; ModuleForm and CohortModuleForm give it one",
}


# --- A small world the forms choose from ---------------------------------------------------------------------


class World(SimpleNamespace):
    def __repr__(self) -> str:  # keeps hypothesis' report of a failing case readable
        return "world"


@pytest.fixture
def world(organisation, adviser, coordinator, training_partner, employer, employer_contact, administrator):
    pilot = PilotFactory(lead_organisation=organisation, name="Groepshulp kinderopvang")
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    cohort = CohortFactory(pilot=pilot, name="Voorjaar")
    other_cohort = CohortFactory(
        pilot=pilot, name="Najaar", start_date=datetime.date(2027, 2, 1), end_date=datetime.date(2027, 6, 1)
    )
    location = EmployerLocationFactory(employer=employer)
    second_employer = EmployerFactory()
    SeatOfferFactory(employer=employer, cohort=cohort, places=3)
    SeatOfferFactory(employer=second_employer, cohort=cohort, places=2)
    selected = EnrolmentFactory(
        cohort=cohort, status=EnrolmentStatus.SELECTED, candidate=CandidateFactory(adviser=adviser)
    )
    started = EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.STARTED)
    reserve = EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.RESERVE)
    placement = PlacementFactory(enrolment=started, employer=employer, status=PlacementStatus.CONFIRMED)
    vacancy = JointVacancyFactory(cohort=cohort, employers=[employer, second_employer])
    VacancyApplicationFactory(vacancy=vacancy, enrolment=selected)
    ModuleFactory(pilot=pilot, name="Taal")
    CohortModuleFactory(cohort=cohort, name="Hygiëne")
    return World(
        places=[row for row in cohort_places(cohort=cohort) if row.offered],
        distribution=vacancy_distribution(vacancy=vacancy),
        pilot=pilot,
        cohort=cohort,
        other_cohort=other_cohort,
        cohorts=Cohort.objects.all(),
        employer=employer,
        employers=Employer.objects.all(),
        locations=EmployerLocation.objects.all(),
        location=location,
        enrolments=Enrolment.objects.all(),
        reserve=reserve,
        candidates=Candidate.objects.all(),
        cohort_modules=CohortModule.objects.all(),
        placement=placement,
        vacancy=vacancy,
        adviser=adviser,
        advisers=type(adviser).objects.filter(pk__in=[adviser.pk, UserFactory(role=Role.ADVISER).pk]),
        coordinator=coordinator,
        administrator=administrator,
    )


def _admin_form(cls):
    def build(world, data, files):
        form = cls(data, files)
        form.by_user = world.administrator
        return form

    return build


def _action_form(cls):
    def build(world, data, files):
        form = cls(data, files)
        form.fields["action"].choices = [("", "---------"), ("start", "Start"), ("drop_out", "Drop out")]
        return form

    return build


def _form_class(dotted: str) -> type:
    # Imported when used, so that one module that fails to import fails its own case only.
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


# Forms a view builds from the posted data alone.
PLAIN_FORMS = (
    "candidates.forms.CandidateForm",
    "candidates.forms.CandidateImportRowForm",
    "candidates.forms.ScreeningForm",
    "candidates.forms.TransitionForm",
    "candidates.forms.PromoteForm",
    "candidates.forms.ImportConfirmForm",
    "candidates.forms.NoteForm",
    "candidates.forms.EvaluationForm",
    "candidates.forms.EvaluationGoalForm",
    "candidates.forms.EnrolmentCompleteForm",
    "candidates.forms.EnrolmentDropOutForm",
    "candidates.forms.FollowUpForm",
    "candidates.admin.EnrolmentAddForm",
    "employers.forms.HostContractOfferForm",
    "employers.forms.PlacementPeriodForm",
    "employers.forms.ContractOfferAnswerForm",
    "employers.forms.AdviserPlacementEndForm",
    "pilots.forms.RhythmForm",
    "core.forms.PasswordResetForm",
    "reports.views.PeriodForm",
    "pilots.forms.OrganisationSearchForm",
    "pilots.forms.PilotCopyForm",
    "candidates.admin.CandidateBarrierForm",
)


def _plain(dotted: str):
    return lambda world, data, files: _form_class(dotted)(data)


# Per form class: how a view builds it, given the world, POST data and files.
BUILDERS = {
    **{dotted: _plain(dotted) for dotted in PLAIN_FORMS},
    "candidates.forms.AppointmentForm": lambda w, d, f: cf.AppointmentForm(d, advisers=w.advisers),
    "candidates.forms.CarryOverForm": lambda w, d, f: cf.CarryOverForm(d, enrolments=w.enrolments, cohorts=w.cohorts),
    "candidates.forms.ImportUploadForm": lambda w, d, f: cf.ImportUploadForm(d, f, cohorts=w.cohorts),
    "candidates.forms.CandidateIntakeForm": lambda w, d, f: cf.CandidateIntakeForm(d, cohorts=w.cohorts),
    "candidates.forms.CaseloadAdviserForm": lambda w, d, f: cf.CaseloadAdviserForm(d, advisers=w.advisers),
    "candidates.forms.CaseloadReassignForm": lambda w, d, f: cf.CaseloadReassignForm(
        d, from_advisers=w.advisers, caseload=w.candidates, to_advisers=w.advisers
    ),
    "candidates.forms.CoachingNoteForm": lambda w, d, f: cf.CoachingNoteForm(d, writes_as_adviser=False),
    "candidates.forms.OutflowForm": lambda w, d, f: cf.OutflowForm(d, hosts=w.employers),
    "candidates.admin.EnrolmentActionForm": _action_form(candidates_admin.EnrolmentActionForm),
    "candidates.admin.EnrolmentChangeForm": lambda w, d, f: candidates_admin.EnrolmentChangeForm(d, instance=w.reserve),
    "candidates.admin.OutcomeAdminForm": _admin_form(candidates_admin.OutcomeAdminForm),
    "employers.forms.HostDeclineForm": lambda w, d, f: ef.HostDeclineForm(d, prefix="decline"),
    "employers.forms.HostEndForm": lambda w, d, f: ef.HostEndForm(
        d, prefix="end", start_date=datetime.date(2026, 9, 7)
    ),
    "employers.forms.HostSeatOfferForm": lambda w, d, f: ef.HostSeatOfferForm(
        d, cohorts=w.cohorts, locations=w.locations
    ),
    "employers.forms.PlacementProposeForm": lambda w, d, f: ef.PlacementProposeForm(
        d,
        places=w.places,
        employers=w.employers.filter(pk__in=[row.employer.pk for row in w.places]),
        locations=w.locations,
        cohort=w.cohort,
    ),
    "employers.forms.SeatOfferOnBehalfForm": lambda w, d, f: ef.SeatOfferOnBehalfForm(
        d, employers=w.employers, locations=w.locations
    ),
    "employers.forms.VacancyForm": lambda w, d, f: ef.VacancyForm(
        d,
        cohorts=w.cohorts,
        employers=w.employers,
        employers_for=lambda cohort: w.employers.filter(seat_offers__cohort=cohort),
    ),
    "employers.forms.VacancyApplyForm": lambda w, d, f: ef.VacancyApplyForm(d, candidates=w.candidates),
    "employers.forms.VacancyDistributeForm": lambda w, d, f: ef.VacancyDistributeForm(
        d,
        applications=w.distribution.unplaced,
        places=[row for row in w.distribution.employers if row.remaining],
        cohort=w.cohort,
    ),
    "employers.admin.SeatOfferForm": _admin_form(employers_admin.SeatOfferForm),
    "employers.admin.PlacementForm": _admin_form(employers_admin.PlacementForm),
    "employers.admin.PlacementActionForm": _action_form(employers_admin.PlacementActionForm),
    "employers.admin.JointVacancyForm": _admin_form(employers_admin.JointVacancyForm),
    "employers.admin.ContractOfferForm": _admin_form(employers_admin.ContractOfferForm),
    "pilots.forms.ModuleForm": lambda w, d, f: pf.ModuleForm(d, siblings=w.pilot.modules.all()),
    "pilots.forms.CohortModuleForm": lambda w, d, f: pf.CohortModuleForm(d, siblings=w.cohort.learning_line.all()),
    "pilots.forms.CohortForm": lambda w, d, f: pf.CohortForm(d, instance=w.cohort, pilot=w.pilot),
    "pilots.forms.CohortClassForm": lambda w, d, f: pf.CohortClassForm(d, cohort=w.cohort),
    "employers.forms.CohortCopyForm": lambda w, d, f: ef.CohortCopyForm(d, cohort=w.cohort),
    "employers.forms.HostAddForm": lambda w, d, f: ef.HostAddForm(d, employers=w.employers),
    "employers.forms.HostCreateForm": lambda w, d, f: ef.HostCreateForm(
        d, organisations=Organisation.objects.filter(employer__isnull=True)
    ),
    "employers.forms.EmployerLocationForm": lambda w, d, f: ef.EmployerLocationForm(
        d, instance=w.location, employer=w.employer
    ),
    "candidates.forms.ModuleResultForm": lambda w, d, f: cf.ModuleResultForm(
        d, enrolments=w.enrolments, cohort_modules=w.cohort_modules
    ),
    "candidates.forms.CertificateForm": lambda w, d, f: cf.CertificateForm(
        d, enrolments=w.enrolments, cohort_modules=w.cohort_modules
    ),
    "core.admin.TransitionActionForm": _action_form(core_admin.TransitionActionForm),
    "core.forms.LoginForm": lambda w, d, f: core_forms.LoginForm(RequestFactory().post("/inloggen/"), data=d),
    "core.forms.OTPCodeForm": lambda w, d, f: core_forms.OTPCodeForm(d, allow_backup_code=True),
    "core.forms.SetPasswordForm": lambda w, d, f: core_forms.SetPasswordForm(w.adviser, d),
    "reports.views.PilotChoiceForm": lambda w, d, f: _form_class("reports.views.PilotChoiceForm")(
        d, pilots=Pilot.objects.all()
    ),
    "reports.forms.ReportRequestForm": lambda w, d, f: _form_class("reports.forms.ReportRequestForm")(
        d, user=w.coordinator
    ),
    "candidates.views.privacy.ErasureForm": lambda w, d, f: _form_class("candidates.views.privacy.ErasureForm")(d),
    # Setting up a pilot, its partners and the lists of reference data (pilots/views_setup.py).
    "pilots.forms.PilotDetailsForm": lambda w, d, f: pf.PilotDetailsForm(
        d, regions=Region.objects.all(), choose_lead=True
    ),
    "pilots.forms.PartnerAddForm": lambda w, d, f: pf.PartnerAddForm(d, prefix="add"),
    "pilots.forms.OrganisationForm": lambda w, d, f: pf.OrganisationForm(d, prefix="new"),
    "pilots.forms.ReferenceItemCreateForm": lambda w, d, f: pf.ReferenceItemCreateForm(d, kind=ReferenceKind.SECTOR),
    "pilots.forms.ReferenceItemUpdateForm": lambda w, d, f: pf.ReferenceItemUpdateForm(
        d, instance=ReferenceItem.objects.of(ReferenceKind.SECTOR).first()
    ),
    "pilots.forms.RegionForm": lambda w, d, f: pf.RegionForm(d, instance=Region.objects.first()),
    # People by invitation: the people page's form (start.forms), its base in core, and choosing the password.
    "core.forms.InvitationForm": lambda w, d, f: core_forms.InvitationForm(
        d, roles=grantable_roles(w.coordinator), organisations=Organisation.objects.all()
    ),
    "start.forms.PersonInvitationForm": lambda w, d, f: start_forms.PersonInvitationForm(
        d, roles=grantable_roles(w.administrator), organisations=invitable_organisations(user=w.administrator)
    ),
    "core.forms.ChoosePasswordForm": lambda w, d, f: core_forms.ChoosePasswordForm(w.adviser, d),
    # The API's clients, in the portal and in the administration.
    "pilots.api_clients.ApiClientForm": lambda w, d, f: _form_class("pilots.api_clients.ApiClientForm")(
        d, user=w.administrator
    ),
    "core.admin_api.ApiClientAddForm": lambda w, d, f: _form_class("core.admin_api.ApiClientAddForm")(d),
}


# The helpers a view calls on a valid form, which must work on whatever the form let through.
def _after_valid(form) -> None:
    for method in (
        "screening_values",
        "found_work",
        "outflow_values",
        "followup_values",
        "placement_details",
        "period_values",
        "assignments",
        "selected_candidates",
    ):
        if hasattr(form, method):
            getattr(form, method)()
    if isinstance(form, forms.ModelForm):
        form.save(commit=False)


def test_every_form_class_is_fuzzed():
    """A new form needs a builder above, or a reason in ABSTRACT_FORMS."""
    covered = set(BUILDERS) | set(ABSTRACT_FORMS)
    assert set(project_form_classes()) - covered == set()
    assert covered - set(project_form_classes()) == set(), "a builder names a form that no longer exists"


@pytest.mark.parametrize("name", sorted(BUILDERS))
@FUZZ_SETTINGS
@given(data=st.data())
def test_form_answers_random_input_with_errors_not_exceptions(name, world, data):
    build = BUILDERS[name]
    post, files = draw_payload(data, build(world, None, None))
    form = build(world, post, files)
    if form.is_valid():
        assert_storable(form.cleaned_data)
        _after_valid(form)
    else:
        assert form.errors
    # A form with errors is shown again: rendering it must work with whatever was typed.
    str(form)


@FUZZ_SETTINGS
@given(data=st.data())
def test_evaluation_goal_formset_answers_random_input_with_errors_not_exceptions(data):
    from candidates.forms import EvaluationGoalFormSet

    blank = EvaluationGoalFormSet(prefix="goals")
    post = MultiValueDict()
    management = blank.management_form
    for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
        value = data.draw(st.one_of(st.sampled_from(["0", "3", "1000", "-1"]), number_values), label=name)
        post[management.add_prefix(name)] = value
    for form in blank.forms:
        row, _ = draw_payload(data, form)
        post.update(row)
    formset = EvaluationGoalFormSet(post, prefix="goals")
    if formset.is_valid():
        for goal in formset.goals():
            assert_storable(goal)
    str(formset)


def test_assert_storable_catches_what_postgres_refuses():
    with pytest.raises(AssertionError):
        assert_storable({"note": "a\x00b"})
    with pytest.raises(AssertionError):
        assert_storable({"days": ["mon", "\x00"]})
    with pytest.raises(AssertionError):
        assert_storable({"enrolment": 2**70})
    assert_storable({"note": "gewoon", "hours": 24, "ok": True, "on": datetime.date(2026, 1, 1)})


@pytest.mark.parametrize("pk", ["9223372036854775808", "-9223372036854775809", "1" * 30])
def test_a_choice_of_several_refuses_an_id_beyond_64_bits(world, pk):
    form = cf.CarryOverForm(
        {"enrolments": [pk], "to_cohort": world.other_cohort.pk}, enrolments=world.enrolments, cohorts=world.cohorts
    )
    assert not form.is_valid()
    assert form.has_error("enrolments", "invalid_pk_value")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("²", None), ("٣", None), ("1" * 30, None), ("-1", None), ("", None), (None, None), ("1\n", None)],
)
def test_id_from_takes_plain_digits_within_64_bits_only(value, expected):
    from core.fields import id_from

    assert id_from(value) == expected


def test_the_reserve_to_promote_is_an_id_not_any_number():
    assert not cf.PromoteForm({"enrolment": str(2**63)}).is_valid()
    assert cf.PromoteForm({"enrolment": "12"}).is_valid()


def test_a_tampered_goal_count_builds_no_more_forms_than_the_page_has():
    data = {"goals-TOTAL_FORMS": "100000", "goals-INITIAL_FORMS": "0"}
    formset = cf.EvaluationGoalFormSet(data, prefix="goals")
    assert len(formset.forms) == cf.EVALUATION_GOAL_ROWS
    assert not formset.is_valid()
