"""The candidate list's filters: what each finds, how they combine, and that a bad value is only ignored."""

import datetime
import zoneinfo
from urllib.parse import urlencode

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.http import QueryDict

from candidates.filters import CandidateFilter, adviser_choices, crispy_field_html, search_condition
from candidates.models import BarrierKind, Candidate, EnrolmentStatus, LanguageLevel, ReferralSource
from candidates.tests.factories import CandidateBarrierFactory, CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.models import PartnerRole
from pilots.selectors import cohort_list
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation)


@pytest.fixture
def cohort(pilot):
    return CohortFactory(pilot=pilot, name="Ronde 1")


@pytest.fixture
def second_cohort(pilot):
    return CohortFactory(pilot=pilot, name="Ronde 2")


def enrolled(cohort, status=EnrolmentStatus.REGISTERED, **fields) -> Candidate:
    return EnrolmentFactory(cohort=cohort, status=status, candidate=CandidateFactory(**fields)).candidate


def run(user, **params) -> CandidateFilter:
    return CandidateFilter(QueryDict(urlencode(params, doseq=True)), user=user)


def found(user, **params) -> set[Candidate]:
    return set(run(user, **params).qs)


def test_without_filters_every_candidate_in_scope_is_listed_once(adviser, cohort, second_cohort):
    candidate = enrolled(cohort)
    EnrolmentFactory(candidate=candidate, cohort=second_cohort)
    outsider = enrolled(CohortFactory())

    rows = list(run(adviser).qs)

    assert rows == [candidate]
    assert outsider not in rows


@pytest.mark.parametrize(
    ("text", "postcode"),
    [("3511ab", "3511 AB"), ("3511 ab", "3511 AB"), (" 3511AB ", "3511 AB")],
)
def test_a_postcode_typed_in_any_form_finds_the_stored_one(adviser, cohort, text, postcode):
    match = enrolled(cohort, postcode=postcode, phone="")
    enrolled(cohort, postcode="3512 AB", phone="")

    assert found(adviser, q=text) == {match}


def test_the_digits_of_a_postcode_find_every_postcode_in_that_area(adviser, cohort):
    first = enrolled(cohort, postcode="3511 AB", phone="")
    second = enrolled(cohort, postcode="3511 ZZ", phone="")
    enrolled(cohort, postcode="3512 AB", phone="")

    assert found(adviser, q="3511") == {first, second}
    assert found(adviser, q="3511 z") == {second}


@pytest.mark.parametrize("text", ["0612345678", "06 12345678", "06-12 34 56 78", "+31612345678", "0031 6 12345678"])
def test_a_mobile_number_typed_in_any_form_finds_the_stored_one(adviser, cohort, text):
    match = enrolled(cohort, phone="+31612345678")
    enrolled(cohort, phone="+31687654321")

    assert found(adviser, q=text) == {match}


@pytest.mark.parametrize(("text", "expected"), [("612345", "mobile"), ("06 1234", "mobile"), ("010 123", "landline")])
def test_part_of_a_number_finds_it(adviser, cohort, text, expected):
    numbers = {"mobile": enrolled(cohort, phone="+31612345678"), "landline": enrolled(cohort, phone="+31101234567")}

    assert found(adviser, q=text) == {numbers[expected]}


def test_a_number_stored_before_e164_is_still_found_across_its_space(adviser, cohort):
    match = enrolled(cohort, phone="06 12345678")

    assert found(adviser, q="612345") == {match}


def test_an_international_number_is_found(adviser, cohort):
    match = enrolled(cohort, phone="+32470123456")

    assert found(adviser, q="0032 470 12 34 56") == {match}


def test_every_word_of_a_name_must_match_some_part_of_it(adviser, cohort):
    match = enrolled(cohort, first_name="Jan", last_name_prefix="de", last_name="Vries")
    enrolled(cohort, first_name="Jan", last_name="Jansen")

    assert found(adviser, q="jan de vries") == {match}
    assert found(adviser, q="VRIES jan") == {match}


def test_part_of_an_email_address_finds_it(adviser, cohort):
    match = enrolled(cohort, email="f.elamrani@example.org")
    enrolled(cohort, email="iemand@example.org")

    assert found(adviser, q="ELAMRANI@") == {match}


def test_search_does_not_treat_short_numbers_as_phone_numbers():
    _condition, uses_phone = search_condition("12")

    assert not uses_phone


def test_pilot_cohort_and_status_filters(adviser, organisation, cohort, second_cohort):
    other_pilot_cohort = CohortFactory(pilot=PilotFactory(lead_organisation=organisation))
    first = enrolled(cohort, status=EnrolmentStatus.SELECTED)
    second = enrolled(second_cohort, status=EnrolmentStatus.RESERVE)
    third = enrolled(other_pilot_cohort, status=EnrolmentStatus.SELECTED)

    assert found(adviser, pilot=cohort.pilot_id) == {first, second}
    assert found(adviser, cohort=second_cohort.pk) == {second}
    assert found(adviser, status=EnrolmentStatus.SELECTED) == {first, third}


def test_cohort_and_status_must_hold_for_the_same_enrolment(adviser, cohort, second_cohort):
    candidate = enrolled(cohort, status=EnrolmentStatus.NOT_SELECTED)
    EnrolmentFactory(candidate=candidate, cohort=second_cohort, status=EnrolmentStatus.SELECTED)

    assert found(adviser, cohort=cohort.pk, status=EnrolmentStatus.SELECTED) == set()
    assert found(adviser, cohort=second_cohort.pk, status=EnrolmentStatus.SELECTED) == {candidate}


def test_a_row_shows_the_latest_enrolment_or_with_a_filter_the_one_that_matched(adviser, cohort, second_cohort):
    candidate = enrolled(cohort, status=EnrolmentStatus.RESERVE)
    EnrolmentFactory(candidate=candidate, cohort=second_cohort, status=EnrolmentStatus.REGISTERED)

    unfiltered, filtered = run(adviser), run(adviser, status=EnrolmentStatus.RESERVE)
    [latest] = unfiltered.with_current_enrolments(list(unfiltered.qs))
    [matched] = filtered.with_current_enrolments(list(filtered.qs))

    assert (latest.current_cohort_name, latest.current_status) == ("Ronde 2", EnrolmentStatus.REGISTERED)
    assert (matched.current_cohort_name, matched.current_status) == ("Ronde 1", EnrolmentStatus.RESERVE)
    assert matched.current_pilot_name == cohort.pilot.name


def test_a_language_level_is_a_minimum_for_the_chosen_skill(adviser, cohort):
    b2 = enrolled(cohort, speaking_level=LanguageLevel.B2, writing_level=LanguageLevel.A1)
    b1 = enrolled(cohort, speaking_level=LanguageLevel.B1, writing_level=LanguageLevel.B1)
    enrolled(cohort, speaking_level=LanguageLevel.A2, writing_level=LanguageLevel.B2)
    enrolled(cohort, speaking_level="", writing_level=LanguageLevel.C1)

    assert found(adviser, skill="speaking", level="B1") == {b2, b1}


def test_a_language_level_without_a_skill_holds_for_all_four(adviser, cohort):
    levels = {"speaking_level": "B1", "listening_level": "B1", "reading_level": "B1", "writing_level": "B1"}
    everywhere = enrolled(cohort, **levels)
    enrolled(cohort, **{**levels, "writing_level": "A2"})

    assert found(adviser, level="B1") == {everywhere}


def test_the_lowest_level_still_leaves_out_candidates_without_a_level(adviser, cohort):
    assessed = enrolled(cohort, speaking_level=LanguageLevel.A0)
    enrolled(cohort, speaking_level="")

    assert found(adviser, skill="speaking", level="A0") == {assessed}


def test_the_barrier_filter_finds_open_barriers_only(adviser, cohort):
    open_barrier = enrolled(cohort)
    CandidateBarrierFactory(candidate=open_barrier, kind=BarrierKind.CHILDCARE)
    resolved = enrolled(cohort)
    CandidateBarrierFactory(candidate=resolved, kind=BarrierKind.CHILDCARE, resolved=True)
    other_kind = enrolled(cohort)
    CandidateBarrierFactory(candidate=other_kind, kind=BarrierKind.TRANSPORT)

    assert found(adviser, barrier=BarrierKind.CHILDCARE) == {open_barrier}


def test_adviser_and_referral_source_filters(adviser, organisation, cohort):
    colleague = UserFactory(organisation=organisation, role=Role.ADVISER)
    mine = enrolled(cohort, adviser=adviser, referral_source=ReferralSource.UWV)
    enrolled(cohort, adviser=colleague, referral_source=ReferralSource.UWV)
    enrolled(cohort, adviser=adviser, referral_source=ReferralSource.SELF)

    assert found(adviser, adviser=adviser.pk, referral_source=ReferralSource.UWV) == {mine}


def test_registered_between_includes_both_whole_days_in_local_time(adviser, cohort):
    def registered_at(moment):
        candidate = enrolled(cohort)
        Candidate.objects.filter(pk=candidate.pk).update(created_at=moment)
        return candidate

    registered_at(datetime.datetime(2026, 2, 28, 23, 59, tzinfo=AMSTERDAM))
    first_minute = registered_at(datetime.datetime(2026, 3, 1, 0, 0, tzinfo=AMSTERDAM))
    last_minute = registered_at(datetime.datetime(2026, 3, 31, 23, 59, tzinfo=AMSTERDAM))
    registered_at(datetime.datetime(2026, 4, 1, 0, 0, tzinfo=AMSTERDAM))

    assert found(adviser, registered_from="2026-03-01", registered_until="2026-03-31") == {first_minute, last_minute}


def test_a_cohort_out_of_sight_is_an_error_on_the_filter_and_filters_nothing(adviser, cohort):
    candidate = enrolled(cohort)
    foreign_cohort = CohortFactory()

    filterset = run(adviser, cohort=foreign_cohort.pk)

    assert set(filterset.qs) == {candidate}
    assert "cohort" in filterset.form.errors


@pytest.mark.parametrize(
    "params",
    [{"registered_from": "gisteren"}, {"level": "Z9"}, {"status": "gone"}, {"adviser": "abc"}, {"pilot": "-1"}],
)
def test_a_bad_filter_value_is_ignored_with_an_error(adviser, cohort, params):
    candidate = enrolled(cohort)

    filterset = run(adviser, **params)

    assert set(filterset.qs) == {candidate}
    assert set(filterset.form.errors) == set(params)


def test_the_adviser_choices_are_those_of_the_organisations_in_the_users_pilots(adviser, training_partner, pilot):
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    partner_wsp = OrganisationFactory(name="WSP Partner")
    PilotPartnerFactory(pilot=pilot, organisation=partner_wsp, role=PartnerRole.WSP)
    partner_adviser = UserFactory(organisation=partner_wsp, role=Role.ADVISER)
    UserFactory(organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)

    assert set(adviser_choices(user=adviser)) == {adviser, partner_adviser}
    assert set(adviser_choices(user=training_partner)) == {adviser, partner_adviser}


def test_the_cohort_choices_are_the_cohorts_the_user_may_see(adviser, cohort, second_cohort, training_partner):
    CohortFactory()

    assert set(run(adviser).filters["cohort"].queryset) == set(cohort_list(user=adviser)) == {cohort, second_cohort}
    assert set(run(training_partner).filters["cohort"].queryset) == set()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "Jansen", "status": EnrolmentStatus.STARTED, "level": LanguageLevel.A2},
        # Values no choice has: the fields are drawn with their errors.
        {"status": "no-such-status", "cohort": "999999", "registered_from": "not a date"},
    ],
)
def test_each_filter_is_drawn_as_crispy_draws_it(coordinator, cohort, query):
    """crispy_field_html writes what crispy's bootstrap5 field template writes for each filter, errors included,
    so that the list's filters look and behave the same as every other form's."""
    filterset = CandidateFilter(QueryDict(urlencode(query)), user=coordinator)
    filterset.form.is_valid()

    def normalised(html: str) -> str:
        return " ".join(html.replace(">", "> ").replace("<", " <").split())

    for name in filterset.form.fields:
        field = filterset.form[name]
        assert normalised(crispy_field_html(field)) == normalised(as_crispy_field(field)), name
