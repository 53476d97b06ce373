"""The adviser's start page: each block shows the adviser's own work and nothing of a colleague's.

Pages are asked for in English, so the assertions read the message ids whatever state the Dutch
translation is in.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from candidates.models import AppointmentStatus, EducationLevel, EnrolmentStatus, ScreeningAppointment
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from employers.models import PlacementStatus
from employers.tests.factories import PlacementFactory
from pilots.tests.factories import CohortFactory, PilotFactory
from start.views import START_LIST_SHOWN, url_or_none

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
START_URL = reverse("candidates:adviser-start")
# A Wednesday.
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=AMSTERDAM)
TODAY = NOW.date()


@pytest.fixture
def pilot(adviser):
    return PilotFactory(lead_organisation=adviser.organisation)


@pytest.fixture
def cohort(pilot):
    return CohortFactory(pilot=pilot, name="Ronde 1", start_date=datetime.date(2026, 9, 1))


@pytest.fixture
def colleague(organisation):
    return UserFactory(username="collega", organisation=organisation, role=Role.ADVISER)


@pytest.fixture
def adviser_client(client, adviser):
    client.force_login(adviser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def at_noon():
    with time_machine.travel(NOW, tick=False):
        yield


def cohort_starting(pilot, start_date, **fields):
    end_date = start_date + datetime.timedelta(weeks=15)
    return CohortFactory(pilot=pilot, start_date=start_date, end_date=end_date, **fields)


def enrolment_of(adviser, cohort, status=EnrolmentStatus.REGISTERED, **fields):
    return EnrolmentFactory(candidate=CandidateFactory(adviser=adviser), cohort=cohort, status=status, **fields)


def appointment(enrolment, adviser, starts_at, status=AppointmentStatus.PLANNED):
    return ScreeningAppointment.objects.create(
        enrolment=enrolment, starts_at=starts_at, location="WSP, Stationsplein 1", adviser=adviser, status=status
    )


def reverse_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def candidate_names(items) -> set[str]:
    return {item.candidate.full_name for item in items}


# --- My candidates by stage --------------------------------------------------------------------------------


def test_the_stages_count_the_enrolments_of_my_own_candidates_in_life_cycle_order(
    adviser_client, adviser, colleague, cohort
):
    enrolment_of(adviser, cohort)
    enrolment_of(adviser, cohort)
    enrolment_of(adviser, cohort, EnrolmentStatus.SCREENED)
    enrolment_of(colleague, cohort, EnrolmentStatus.SELECTED)

    response = adviser_client.get(START_URL)

    stages = response.context["stages"]
    assert [stage.status for stage, _url in stages] == list(EnrolmentStatus.values)
    counts = {stage.status: stage.count for stage, _url in stages}
    assert counts == {**dict.fromkeys(EnrolmentStatus.values, 0), "registered": 2, "screened": 1}


def test_each_stage_links_to_the_candidate_list_filtered_on_me_and_the_stage(adviser_client, adviser, cohort):
    enrolment_of(adviser, cohort, EnrolmentStatus.RESERVE, reserve_position=1, interest_confirmed_on=TODAY)

    response = adviser_client.get(START_URL)

    links = {stage.status: url for stage, url in response.context["stages"]}
    candidate_list_url = reverse_or_none("candidates:candidate-list")
    if candidate_list_url is None:
        assert set(links.values()) == {None}
    else:
        assert links["reserve"] == f"{candidate_list_url}?adviser={adviser.pk}&status=reserve"
        assert f'href="{candidate_list_url}?adviser={adviser.pk}&amp;status=reserve"' in response.text


def test_a_page_that_does_not_exist_yet_gives_no_link_instead_of_an_error(db):
    assert url_or_none("candidates:no-such-page", 1) is None
    assert url_or_none("candidates:adviser-start", query={"a": 1, "b": "x y"}) == f"{START_URL}?a=1&b=x+y"


# --- Screenings this week ----------------------------------------------------------------------------------


def test_this_weeks_planned_screenings_of_mine_are_listed_with_time_place_and_calendar_link(
    adviser_client, adviser, colleague, cohort, at_noon
):
    mine = enrolment_of(adviser, cohort, EnrolmentStatus.SCREENING_PLANNED)
    thursday = appointment(mine, adviser, datetime.datetime(2026, 11, 26, 10, 30, tzinfo=AMSTERDAM))
    appointment(mine, adviser, datetime.datetime(2026, 11, 27, 9, 0, tzinfo=AMSTERDAM), AppointmentStatus.CANCELLED)
    appointment(mine, adviser, datetime.datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM))  # next week
    theirs = enrolment_of(colleague, cohort, EnrolmentStatus.SCREENING_PLANNED)
    appointment(theirs, colleague, datetime.datetime(2026, 11, 26, 14, 0, tzinfo=AMSTERDAM))

    response = adviser_client.get(START_URL)

    assert [item for item, _ics in response.context["appointments"]] == [thursday]
    assert "10:30" in response.text
    assert "WSP, Stationsplein 1" in response.text
    assert mine.candidate.get_absolute_url() in response.text
    assert theirs.candidate.full_name not in response.text
    ics = reverse_or_none("candidates:appointment-ics", thursday.pk)
    assert response.context["appointments"][0][1] == ics
    if ics:
        assert f'href="{ics}"' in response.text


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Sunday evening: the week that started on Monday 23 November, up to the last minute of Sunday.
        (datetime.datetime(2026, 11, 29, 23, 30, tzinfo=AMSTERDAM), ["monday-early", "sunday-late"]),
        # Just after midnight the new week holds only what is on or after Monday 30 November.
        (datetime.datetime(2026, 11, 30, 0, 5, tzinfo=AMSTERDAM), ["next-monday"]),
    ],
)
def test_the_week_runs_from_monday_midnight_to_sunday_midnight_local_time(
    adviser_client, adviser, cohort, now, expected
):
    enrolment = enrolment_of(adviser, cohort, EnrolmentStatus.SCREENING_PLANNED)
    moments = {
        "previous-sunday": datetime.datetime(2026, 11, 22, 23, 59, tzinfo=AMSTERDAM),
        "monday-early": datetime.datetime(2026, 11, 23, 0, 0, tzinfo=AMSTERDAM),
        "sunday-late": datetime.datetime(2026, 11, 29, 23, 59, tzinfo=AMSTERDAM),
        "next-monday": datetime.datetime(2026, 11, 30, 0, 0, tzinfo=AMSTERDAM),
    }
    by_pk = {appointment(enrolment, adviser, moment).pk: name for name, moment in moments.items()}

    with time_machine.travel(now, tick=False):
        adviser_client.force_login(adviser)  # a session from another moment would have expired
        response = adviser_client.get(START_URL)

    assert [by_pk[item.pk] for item, _ics in response.context["appointments"]] == expected


def test_a_week_with_the_clock_change_still_ends_at_midnight(adviser_client, adviser, cohort):
    # Summer time ends on Sunday 25 October 2026: that week is an hour longer.
    enrolment = enrolment_of(adviser, cohort, EnrolmentStatus.SCREENING_PLANNED)
    late = appointment(enrolment, adviser, datetime.datetime(2026, 10, 25, 23, 30, tzinfo=AMSTERDAM))
    appointment(enrolment, adviser, datetime.datetime(2026, 10, 26, 0, 30, tzinfo=AMSTERDAM))

    with time_machine.travel(datetime.datetime(2026, 10, 21, 12, 0, tzinfo=AMSTERDAM), tick=False):
        response = adviser_client.get(START_URL)

    assert [item for item, _ics in response.context["appointments"]] == [late]


# --- Placements waiting for an answer ----------------------------------------------------------------------


def test_proposals_waiting_for_the_employer_are_mine_by_proposal_or_by_candidate(
    adviser_client, adviser, colleague, cohort, at_noon
):
    five_days_ago = timezone.now() - datetime.timedelta(days=5)
    proposed_by_me = PlacementFactory(
        enrolment=enrolment_of(colleague, cohort, EnrolmentStatus.SELECTED),
        proposed_by=adviser,
        status_changed_at=five_days_ago,
        employer__organisation__name="Kinderopvang Zonnestraal",
    )
    for_my_candidate = PlacementFactory(
        enrolment=enrolment_of(adviser, cohort, EnrolmentStatus.SELECTED),
        proposed_by=colleague,
        status_changed_at=timezone.now() - datetime.timedelta(days=1),
    )
    PlacementFactory(enrolment=enrolment_of(colleague, cohort, EnrolmentStatus.SELECTED), proposed_by=colleague)
    PlacementFactory(
        enrolment=enrolment_of(adviser, cohort, EnrolmentStatus.SELECTED),
        proposed_by=adviser,
        status=PlacementStatus.CONFIRMED,
    )

    response = adviser_client.get(START_URL)

    assert response.context["placements"] == [(proposed_by_me, 5), (for_my_candidate, 1)]
    assert "Kinderopvang Zonnestraal" in response.text
    assert "5 days" in response.text
    assert "1 day<" in response.text


def test_an_overdue_proposal_shows_as_waiting_and_as_overdue_and_a_decline_with_its_reason(
    adviser_client, adviser, cohort, at_noon
):
    overdue = PlacementFactory(
        enrolment=enrolment_of(adviser, cohort, EnrolmentStatus.SELECTED),
        proposed_by=adviser,
        status_changed_at=timezone.now() - datetime.timedelta(days=20),
        employer__organisation__name="Bouwbedrijf De Hoek",
    )
    declined = PlacementFactory(
        enrolment=enrolment_of(adviser, cohort, EnrolmentStatus.SELECTED),
        proposed_by=adviser,
        status=PlacementStatus.DECLINED,
        status_changed_at=timezone.now() - datetime.timedelta(days=2),
        answer_note="Geen begeleider in december",
    )

    response = adviser_client.get(START_URL)

    assert response.context["placements"] == [(overdue, 20)]
    assert response.context["overdue"] == [(overdue, 20)]
    assert response.context["declined"] == [declined]
    assert (response.context["placements_not_shown"], response.context["overdue_not_shown"]) == (0, 0)
    assert response.context["declined_not_shown"] == 0
    assert response.text.count("Bouwbedrijf De Hoek") == 2
    assert "Geen begeleider in december" in response.text


# --- Cohorts starting soon ---------------------------------------------------------------------------------


def test_cohorts_starting_within_four_weeks_show_their_seats(adviser_client, adviser, pilot, at_noon):
    soon = cohort_starting(pilot, TODAY + datetime.timedelta(days=10), name="Start over tien dagen")
    last_day = cohort_starting(pilot, TODAY + datetime.timedelta(days=28), name="Over vier weken")
    cohort_starting(pilot, TODAY + datetime.timedelta(days=29), name="Te laat")
    cohort_starting(pilot, TODAY - datetime.timedelta(days=1), name="Al begonnen")
    cohort_starting(PilotFactory(), TODAY + datetime.timedelta(days=3), name="Van een ander")
    enrolment_of(adviser, soon, EnrolmentStatus.SELECTED)
    enrolment_of(adviser, soon, EnrolmentStatus.SCREENED)

    response = adviser_client.get(START_URL)

    assert list(response.context["starting_cohorts"]) == [soon, last_day]
    assert "1 of 14" in response.text
    for name in ("Te laat", "Al begonnen", "Van een ander"):
        assert name not in response.text


# --- Reserves to ask again ---------------------------------------------------------------------------------


def test_reserves_are_listed_when_their_interest_is_older_than_the_threshold_or_unknown(
    adviser_client, adviser, colleague, cohort, at_noon, settings
):
    settings.RESERVE_RECONFIRM_DAYS = 30

    def reserve(owner, position, confirmed_on):
        return enrolment_of(
            owner, cohort, EnrolmentStatus.RESERVE, reserve_position=position, interest_confirmed_on=confirmed_on
        )

    reserve(adviser, 1, TODAY - datetime.timedelta(days=30))  # exactly the threshold: still fresh
    stale = reserve(adviser, 2, TODAY - datetime.timedelta(days=31))
    unknown = reserve(adviser, 3, None)
    reserve(colleague, 4, None)
    enrolment_of(adviser, cohort, EnrolmentStatus.SELECTED, interest_confirmed_on=None)

    response = adviser_client.get(START_URL)

    assert list(response.context["stale_reserves"]) == [unknown, stale]
    assert "never" in response.text
    assert "Number 2 on the reserve list" in response.text


# --- Gaps in records ---------------------------------------------------------------------------------------


def test_the_gaps_in_my_records_show_what_is_missing_most_gaps_first(adviser_client, adviser, colleague):
    CandidateFactory(adviser=adviser, education_level=EducationLevel.MBO2)  # complete
    one_gap = CandidateFactory(adviser=adviser, last_name="Eengat")
    three_gaps = CandidateFactory(adviser=adviser, last_name="Driegaten", postcode="", speaking_level="")
    CandidateFactory(adviser=colleague, last_name="Vancollega", postcode="")

    response = adviser_client.get(START_URL)

    gaps = [gap for gap, _edit in response.context["gaps"]]
    assert [gap.candidate for gap in gaps] == [three_gaps, one_gap]
    assert [requirement.key for requirement in gaps[0].missing] == ["postcode", "education_level", "speaking_level"]
    assert "postcode, highest education, speaking level" in response.text
    assert "Vancollega" not in response.text
    edit = reverse_or_none("candidates:candidate-edit", three_gaps.pk)
    assert response.context["gaps"][0][1] == edit


def test_the_gaps_show_the_first_ten_and_say_how_many_more(adviser_client, adviser):
    CandidateFactory.create_batch(12, adviser=adviser)

    response = adviser_client.get(START_URL)

    assert len(response.context["gaps"]) == 10
    assert response.context["gap_count"] == 12
    assert "And 2 more candidates with gaps." in response.text


# --- The page as a whole -----------------------------------------------------------------------------------


def test_every_block_says_so_when_it_is_empty(adviser_client):
    response = adviser_client.get(START_URL)

    assert response.status_code == 200
    for text in (
        "None of your candidates is enrolled in a cohort yet.",
        "No screenings planned for you this week.",
        "No proposal is waiting for an employer's answer.",
        "No cohort of your pilots starts in the next four weeks.",
        "All your reserves confirmed their interest recently.",
        "The records of your candidates hold everything a selection needs.",
    ):
        assert text in response.text


def fill_caseload(adviser, pilot, size: int) -> None:
    """Candidates with something in every block: the page must not read them one by one."""
    starting = cohort_starting(pilot, TODAY + datetime.timedelta(days=7))
    for number in range(size):
        cohort = cohort_starting(pilot, TODAY + datetime.timedelta(days=number % 20))
        enrolment = enrolment_of(adviser, cohort, EnrolmentStatus.SCREENING_PLANNED)
        appointment(enrolment, adviser, NOW + datetime.timedelta(hours=number % 48))
        PlacementFactory(enrolment=enrolment_of(adviser, starting, EnrolmentStatus.SELECTED), proposed_by=adviser)
        enrolment_of(adviser, cohort, EnrolmentStatus.RESERVE, reserve_position=1, interest_confirmed_on=None)


@pytest.mark.parametrize("size", [3, 20])
def test_the_number_of_queries_does_not_grow_with_the_caseload(
    adviser_client, adviser, pilot, at_noon, size, django_assert_max_num_queries
):
    fill_caseload(adviser, pilot, size)

    # Session, user and role, then one query per block (follow-ups, attendance flags and certificates included).
    # 14 for the page, 3 for the session that every request keeps alive (sliding idle expiry).
    with django_assert_max_num_queries(17):
        response = adviser_client.get(START_URL)

    assert len(response.context["appointments"]) == size
    assert len(response.context["placements"]) == size
    assert len(response.context["stale_reserves"]) == size


def test_each_list_shows_its_first_rows_and_says_how_many_more_there_are(adviser_client, adviser, pilot, at_noon):
    fill_caseload(adviser, pilot, START_LIST_SHOWN + 3)

    response = adviser_client.get(START_URL)

    for block in ("appointments", "placements", "stale_reserves"):
        assert len(response.context[block]) == START_LIST_SHOWN
        assert response.context[f"{block}_not_shown"] == 3
    assert response.text.count("And 3 more, not shown here.") == 3


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_other_roles_cannot_open_the_advisers_start_page(client, user_for_role, role):
    client.force_login(user_for_role(role))

    assert client.get(START_URL).status_code == 403


def test_an_administrator_sees_their_own_work(client, administrator):
    client.force_login(administrator)

    assert client.get(START_URL).status_code == 200


def test_the_rows_written_in_python_escape_what_people_typed(adviser_client, adviser, pilot, at_noon):
    starting = cohort_starting(pilot, TODAY + datetime.timedelta(days=7), name="Ronde <2>")
    candidate = CandidateFactory(adviser=adviser, first_name="<b>Ann</b>", last_name="O'Brien & Co")
    enrolment = EnrolmentFactory(candidate=candidate, cohort=starting, status=EnrolmentStatus.SCREENING_PLANNED)
    appointment(enrolment, adviser, NOW + datetime.timedelta(hours=2))
    PlacementFactory(enrolment=enrolment, proposed_by=adviser)

    response = adviser_client.get(START_URL)

    assert "<b>Ann</b>" not in response.text
    assert "Ronde <2>" not in response.text
    # The screening and the proposal show the name and the cohort, escaped.
    assert response.text.count("&lt;b&gt;Ann&lt;/b&gt; O&#x27;Brien &amp; Co") >= 2
    assert response.text.count("Ronde &lt;2&gt;") >= 2
    assert "0 days" in response.text
