import re
from datetime import date
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from candidates.models import BarrierKind, EnrolmentStatus
from candidates.tests.factories import CandidateBarrierFactory, EnrolmentFactory, OutcomeFactory
from pilots.tests.factories import CohortFactory, PilotFactory
from reports.figures import COMPLETENESS_CHECKS

pytestmark = pytest.mark.django_db

S = EnrolmentStatus


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation, region=organisation.region)


def _url(pilot, **params):
    url = reverse("reports:dashboard", args=[pilot.slug])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def _enrol(cohort, status, n):
    for _ in range(n):
        enrolment = EnrolmentFactory(cohort=cohort, status=status)
        if status == S.OUTFLOW:
            OutcomeFactory(enrolment=enrolment)


def _section(content: str, key: str) -> str:
    """The section of the evaluation document with that key, as the page renders it."""
    match = re.search(rf'<section[^>]*aria-labelledby="section-{key}".*?</section>', content, re.S)
    assert match, key
    return match.group(0)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _rows(section: str, table: int = 0) -> list[list[str]]:
    """The cells of each body row of the section's table (the first, or the one given), as text."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", section, re.S)
    if len(bodies) <= table:  # the empty state: no table
        return []
    body = re.match(r"(.*)", bodies[table], re.S)
    return [
        [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def test_the_funnel_shows_the_counts_and_rates_of_a_hand_built_cohort(client, coordinator, pilot):
    cohort = CohortFactory(pilot=pilot)
    _enrol(cohort, S.REGISTERED, 7)
    _enrol(cohort, S.RESERVE, 5)
    _enrol(cohort, S.SELECTED, 6)
    _enrol(cohort, S.STARTED, 5)
    _enrol(cohort, S.COMPLETED, 5)
    _enrol(cohort, S.OUTFLOW, 8)
    client.force_login(coordinator)

    response = client.get(_url(pilot))

    assert response.status_code == 200
    rows = _rows(_section(response.content.decode(), "funnel"))
    # Count and rate in Dutch format; the first stage has no rate. Selected is withdrawn, waiting and started;
    # started is completed, dropped out and still in the track.
    assert [row[1:3] for row in rows] == [
        ["36", "–"],
        ["29", "80,6%"],
        ["0", "0,0%"],
        ["24", "82,8%"],
        ["0", "0,0%"],
        ["6", "25,0%"],
        ["18", "75,0%"],
        ["13", "72,2%"],
        ["0", "0,0%"],
        ["5", "27,8%"],
        ["8", "44,4%"],
    ]
    chart = re.search(r"<svg.*?</svg>", _section(response.content.decode(), "funnel"), re.S).group(0)
    assert 'role="img"' in chart
    assert chart.count("<rect") == 6


def test_a_small_count_is_shown_as_below_the_threshold_never_as_the_number(client, coordinator, pilot, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory(pilot=pilot, name="Kleine groep")
    _enrol(cohort, S.REGISTERED, 3)
    client.force_login(coordinator)

    content = client.get(_url(pilot)).content.decode()

    applied = _rows(_section(content, "funnel"))[0]
    assert applied[1].startswith("x")
    assert "3" not in applied[1]
    assert applied[2] == "–"
    cohort_row = _rows(_section(content, "side-by-side"))[0]
    assert cohort_row[0] == "Kleine groep"
    assert cohort_row[2].startswith("x")
    assert not any(cell == "3" or cell.startswith("3 ") for cell in cohort_row)


def test_the_barriers_met_are_shown_per_kind_and_a_small_count_is_hidden(client, coordinator, pilot, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory(pilot=pilot)
    started = [EnrolmentFactory(cohort=cohort, status=S.STARTED) for _ in range(6)]
    for enrolment in started:
        CandidateBarrierFactory(candidate=enrolment.candidate, kind=BarrierKind.CHILDCARE)
    for enrolment in started[:2]:
        CandidateBarrierFactory(candidate=enrolment.candidate, kind=BarrierKind.TRANSPORT)
    client.force_login(coordinator)

    content = client.get(_url(pilot)).content.decode()

    rows = {row[0]: row[1] for row in _rows(_section(content, "barriers"))}
    assert len(rows) == len(BarrierKind)
    with translation.override(settings.LANGUAGE_CODE):
        childcare, transport = str(BarrierKind.CHILDCARE.label), str(BarrierKind.TRANSPORT.label)
    assert rows[childcare] == "6"
    assert rows[transport].startswith("x")
    assert "2" not in rows[transport]


def test_the_period_narrows_the_cohorts(client, coordinator, pilot):
    CohortFactory(pilot=pilot, name="Voorjaar", start_date=date(2026, 3, 2), end_date=date(2026, 6, 30))
    CohortFactory(pilot=pilot, name="Najaar", start_date=date(2026, 9, 1))
    client.force_login(coordinator)

    def cohorts(**params):
        response = client.get(_url(pilot, **params))
        assert response.status_code == 200
        return [row[0] for row in _rows(_section(response.content.decode(), "side-by-side"))]

    assert cohorts() == ["Voorjaar", "Najaar"]
    assert cohorts(van="2026-06-01") == ["Najaar"]
    assert cohorts(tot="2026-03-02") == ["Voorjaar"]
    assert cohorts(van="2026-03-03", tot="2026-08-31") == []


@pytest.mark.parametrize(
    "params", [{"van": "2026-13-45"}, {"tot": "gisteren"}, {"van": "2026-09-02", "tot": "2026-09-01"}]
)
def test_a_bad_period_gives_a_message_and_the_page(client, coordinator, pilot, params):
    CohortFactory(pilot=pilot, name="Najaar", start_date=date(2026, 9, 1))
    client.force_login(coordinator)

    response = client.get(_url(pilot, **params))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    content = response.content.decode()
    for message in (message for messages in form.errors.values() for message in messages):
        assert message in unescape(content)
    assert 'role="alert"' in content
    # The figures fall back to every cohort.
    assert [row[0] for row in _rows(_section(content, "side-by-side"))] == ["Najaar"]


@pytest.mark.parametrize("role", ["coordinator", "adviser", "administrator"])
def test_the_readers_of_the_pilot_see_the_dashboard(client, user_for_role, pilot, role):
    client.force_login(user_for_role(role))

    response = client.get(_url(pilot))

    assert response.status_code == 200
    assert "reports/dashboard.html" in [template.name for template in response.templates]


def test_a_pilot_of_another_region_is_not_found(client, coordinator):
    other = PilotFactory()
    client.force_login(coordinator)

    assert client.get(_url(other)).status_code == 404


@pytest.mark.parametrize("role", ["employer_contact", "training_partner"])
def test_employer_contacts_and_training_partners_are_refused(client, user_for_role, pilot, role):
    client.force_login(user_for_role(role))

    assert client.get(_url(pilot)).status_code == 403


def test_anonymous_visitors_go_to_the_login_page(client, pilot):
    url = _url(pilot)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


def test_the_number_of_queries_does_not_grow_with_the_enrolments(client, coordinator, pilot):
    client.force_login(coordinator)
    few, many = CohortFactory(pilot=pilot), CohortFactory(pilot=PilotFactory(lead_organisation=pilot.lead_organisation))
    _enrol(few, S.STARTED, 3)
    _enrol(few, S.OUTFLOW, 2)
    _enrol(many, S.STARTED, 18)
    _enrol(many, S.OUTFLOW, 12)

    def queries(target):
        with CaptureQueriesContext(connection) as context:
            assert client.get(_url(target)).status_code == 200
        return len(context.captured_queries)

    assert queries(few.pilot) == queries(many.pilot)


def test_the_pilot_page_links_to_the_evaluation(client, coordinator, pilot):
    client.force_login(coordinator)

    content = client.get(pilot.get_absolute_url()).content.decode()

    assert f'href="{_url(pilot)}"' in content


def test_the_dashboard_shows_the_outflow_against_the_target_as_a_chart(client, coordinator, pilot):
    cohort = CohortFactory(pilot=pilot)
    _enrol(cohort, S.STARTED, 5)
    _enrol(cohort, S.OUTFLOW, 5)
    client.force_login(coordinator)

    section = _section(client.get(_url(pilot)).content.decode(), "outflow")

    chart = re.search(r"<svg.*?</svg>", section, re.S).group(0)
    assert 'role="img"' in chart and "<title>" in chart
    assert "50,0%" in chart
    assert 'class="chart-target"' in chart


def test_the_dashboard_shows_the_completeness_of_the_records(client, coordinator, pilot, settings):
    settings.REPORT_SMALL_COUNT_THRESHOLD = 5
    cohort = CohortFactory(pilot=pilot)
    _enrol(cohort, S.STARTED, 6)
    EnrolmentFactory(cohort=cohort, status=S.STARTED, started_on=None)
    _enrol(cohort, S.COMPLETED, 2)
    client.force_login(coordinator)

    rows = _rows(_section(client.get(_url(pilot)).content.decode(), "completeness"))

    with translation.override(settings.LANGUAGE_CODE):
        labels = {key: str(label) for key, label in COMPLETENESS_CHECKS.items()}
    by_label = {row[0]: row[1:] for row in rows}
    assert list(by_label) == list(labels.values())
    assert by_label[labels["consent"]] == ["9", "9", "100,0%"]
    assert by_label[labels["started_on"]] == ["8", "9", "88,9%"]
    # Two completed, none with a module result: the base is hidden and so is the rate.
    complete, total, rate = by_label[labels["module_results"]]
    assert (complete, rate) == ("0", "–")
    assert total.startswith("x") and "2" not in total


def test_the_dashboard_links_to_the_downloads_with_its_period(client, coordinator, pilot):
    client.force_login(coordinator)

    content = client.get(_url(pilot, van="2026-01-01")).content.decode()

    assert reverse("reports:dashboard-xlsx", args=[pilot.slug]) + "?van=2026-01-01" in content
    assert reverse("reports:dashboard-csv", args=[pilot.slug]) + "?van=2026-01-01" in content
    assert reverse("reports:compare") + f"?pilot={pilot.slug}" in content


def _compare_url(*pilots, **params):
    query = [("pilot", pilot.slug) for pilot in pilots] + list(params.items())
    return reverse("reports:compare") + "?" + "&".join(f"{key}={value}" for key, value in query)


def test_compare_shows_the_chosen_pilots_side_by_side(client, coordinator, organisation, pilot):
    other = PilotFactory(name="Zorgpilot", lead_organisation=organisation, target_outflow_percentage=40)
    _enrol(CohortFactory(pilot=pilot), S.STARTED, 6)
    cohort = CohortFactory(pilot=other)
    _enrol(cohort, S.STARTED, 5)
    _enrol(cohort, S.OUTFLOW, 5)
    PilotFactory(name="Niet gekozen", lead_organisation=organisation)
    client.force_login(coordinator)

    response = client.get(_compare_url(pilot, other))

    assert response.status_code == 200
    content = response.content.decode()
    # The second table of the rounds side by side has a row per pilot, with its region under its name.
    rows = {row[0]: row for row in _rows(_section(content, "side-by-side"), table=1)}
    zorgpilot = f"Zorgpilot {other.region.name}"
    assert set(rows) == {f"{pilot.name} {pilot.region.name}", zorgpilot}
    assert rows[zorgpilot][1:7] == ["10", "10", "10", "10", "5", "5"]
    assert rows[zorgpilot][7] == "50,0%"
    assert rows[f"{pilot.name} {pilot.region.name}"][4] == "6"
    chart = re.search(r"<svg.*?</svg>", _section(content, "outflow"), re.S).group(0)
    assert "Zorgpilot" in chart


def test_compare_without_pilots_shows_the_choice_of_the_users_pilots(client, coordinator, pilot):
    foreign = PilotFactory(name="Pilot elders")
    client.force_login(coordinator)

    response = client.get(reverse("reports:compare"))

    assert response.status_code == 200
    assert response.context["evaluation"] is None
    content = response.content.decode()
    assert f'value="{pilot.slug}"' in content
    assert foreign.slug not in content


def test_compare_refuses_a_pilot_the_user_does_not_work_on(client, coordinator, pilot):
    foreign = PilotFactory(name="Pilot elders")
    _enrol(CohortFactory(pilot=foreign), S.STARTED, 8)
    client.force_login(coordinator)

    response = client.get(_compare_url(pilot, foreign))

    assert response.status_code == 200
    assert response.context["evaluation"] is None
    assert response.context["choice"].errors
    assert "Pilot elders" not in response.content.decode()


def test_compare_asks_for_at_least_two_pilots(client, coordinator, pilot):
    client.force_login(coordinator)

    response = client.get(_compare_url(pilot))

    assert response.context["evaluation"] is None
    assert [error.code for error in response.context["choice"].errors.as_data()["pilot"]] == ["too_few"]


def test_compare_narrows_the_cohorts_to_the_period(client, coordinator, organisation, pilot):
    other = PilotFactory(lead_organisation=organisation)
    _enrol(CohortFactory(pilot=pilot, start_date=date(2025, 9, 1), end_date=date(2025, 12, 1)), S.STARTED, 6)
    _enrol(CohortFactory(pilot=other, start_date=date(2026, 9, 1)), S.STARTED, 7)
    client.force_login(coordinator)

    evaluation = client.get(_compare_url(pilot, other, van="2026-01-01")).context["evaluation"]

    assert {row.name: row.figures.stage("started").count for row in evaluation.pilots} == {
        pilot.name: 0,
        other.name: 7,
    }


@pytest.mark.parametrize("role", ["employer_contact", "training_partner"])
def test_compare_refuses_employer_contacts_and_training_partners(client, user_for_role, pilot, role):
    client.force_login(user_for_role(role))

    assert client.get(reverse("reports:compare")).status_code == 403


def test_the_number_of_queries_of_compare_does_not_grow_with_the_pilots_or_enrolments(
    client, coordinator, organisation
):
    client.force_login(coordinator)
    pilots = [PilotFactory(lead_organisation=organisation) for _ in range(4)]
    _enrol(CohortFactory(pilot=pilots[0]), S.STARTED, 2)
    _enrol(CohortFactory(pilot=pilots[1]), S.STARTED, 2)
    for target in pilots[2:]:
        _enrol(CohortFactory(pilot=target), S.STARTED, 12)
        _enrol(CohortFactory(pilot=target), S.OUTFLOW, 6)

    def queries(*chosen):
        with CaptureQueriesContext(connection) as context:
            response = client.get(_compare_url(*chosen))
            assert response.context["evaluation"] is not None
        return len(context.captured_queries)

    assert queries(*pilots[:2]) == queries(*pilots)
