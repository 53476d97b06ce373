"""The weekly attendance grid of a cohort: one plain form for the whole week, a button per row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Attendance, AttendanceKind, AttendanceSession, AttendanceStatus, EnrolmentStatus
from candidates.progress import attendance_week_sessions
from candidates.tests.factories import AttendanceFactory, AttendanceSessionFactory, EnrolmentFactory
from pilots.models import CohortModule, PartnerRole
from pilots.tests.factories import (
    CohortFactory,
    CohortModuleFactory,
    ModuleFactory,
    OrganisationFactory,
    PilotFactory,
    PilotPartnerFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 16)  # a past week; the pilot's rhythm makes Mon and Tue internship, Wed school
WEEK = {"week": MONDAY.isoformat()}


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def english(client, settings):
    """The messages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def cohort(organisation, training_partner, employer_contact):
    pilot = PilotFactory(lead_organisation=organisation, internship_days_per_week=2, school_days_per_week=1)
    PilotPartnerFactory(pilot=pilot, organisation=training_partner.organisation, role=PartnerRole.TRAINING_PARTNER)
    PilotPartnerFactory(pilot=pilot, organisation=employer_contact.organisation, role=PartnerRole.HOST_EMPLOYER)
    return CohortFactory(pilot=pilot, name="Ronde 1")


def started(cohort, first_name: str, last_name: str = "Jansen"):
    return EnrolmentFactory(
        cohort=cohort,
        status=EnrolmentStatus.STARTED,
        candidate__first_name=first_name,
        candidate__last_name=last_name,
    )


@pytest.fixture
def fatma(cohort):
    return started(cohort, "Fatma", "Yilmaz")


@pytest.fixture
def daan(cohort):
    return started(cohort, "Daan", "Bakker")


def grid_url(cohort) -> str:
    return reverse("pilots:attendance", kwargs={"pk": cohort.pk})


def week_sessions(cohort) -> list[AttendanceSession]:
    return list(AttendanceSession.objects.filter(cohort=cohort, date__range=(MONDAY, MONDAY + datetime.timedelta(6))))


def field(session, enrolment) -> str:
    return f"mark_{session.pk}_{enrolment.pk}"


def test_the_grid_shows_the_weeks_days_and_the_marks(client, training_partner, cohort, fatma, daan):
    client.force_login(training_partner)
    attendance_week_sessions(cohort=cohort, week_start=MONDAY, by_user=training_partner)
    monday, tuesday, wednesday = sorted(week_sessions(cohort), key=lambda session: session.date)
    assert [monday.kind, tuesday.kind, wednesday.kind] == ["internship", "internship", "school"]
    Attendance.objects.create(
        session=wednesday, enrolment=daan, status=AttendanceStatus.SICK, recorded_at=datetime.datetime.now(datetime.UTC)
    )

    response = client.get(grid_url(cohort), WEEK)

    body = response.content.decode()
    assert body.count('class="session-head"') == 3
    assert "School day" in body and "Internship day" in body
    assert f'name="{field(monday, fatma)}"' in body
    assert f'<label class="visually-hidden" for="{field(monday, fatma)}">' in body
    sick_select = body.split(f'name="{field(wednesday, daan)}"')[1].split("</select>")[0]
    assert '<option value="sick" selected>' in sick_select
    # Rows come in the order of the last name.
    assert body.index("Daan Bakker") < body.index("Fatma Yilmaz")


def test_the_grid_escapes_what_its_rows_show(client, training_partner, cohort):
    hostile = started(cohort, '<script>alert("x")</script>', "O'Brien & Zn")
    attendance_week_sessions(cohort=cohort, week_start=MONDAY, by_user=training_partner)
    client.force_login(training_partner)

    body = client.get(grid_url(cohort), WEEK).content.decode()

    assert "<script>alert(" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Brien &amp; Zn</a>" in body
    assert f'<tr data-enrolment="{hostile.pk}">' in body


def test_saving_the_grid_records_every_changed_cell(client, adviser, cohort, fatma, daan):
    client.force_login(adviser)
    attendance_week_sessions(cohort=cohort, week_start=MONDAY, by_user=adviser)
    monday, tuesday, wednesday = sorted(week_sessions(cohort), key=lambda session: session.date)

    response = client.post(
        f"{grid_url(cohort)}?week={MONDAY.isoformat()}",
        {
            field(monday, fatma): "present",
            field(tuesday, fatma): "absent_without_notice",
            field(wednesday, fatma): "",
            field(monday, daan): "sick",
            "save": "",
        },
        follow=True,
    )

    assert Attendance.objects.count() == 3
    assert Attendance.objects.get(session=tuesday, enrolment=fatma).status == "absent_without_notice"
    assert Attendance.objects.get(session=monday, enrolment=daan).recorded_by == adviser
    assert "The attendance is saved: 3 marks changed." in response.content.decode()
    assert response.redirect_chain[-1][0] == f"{grid_url(cohort)}?week={MONDAY.isoformat()}"


def test_the_row_button_marks_the_rest_of_the_row_present(client, training_partner, cohort, fatma, daan):
    client.force_login(training_partner)
    attendance_week_sessions(cohort=cohort, week_start=MONDAY, by_user=training_partner)
    monday, tuesday, wednesday = sorted(week_sessions(cohort), key=lambda session: session.date)

    client.post(
        f"{grid_url(cohort)}?week={MONDAY.isoformat()}",
        {field(tuesday, fatma): "sick", field(monday, fatma): "", "row": str(fatma.pk)},
    )

    statuses = {
        session.date: status
        for session, status in (
            (mark.session, mark.status) for mark in Attendance.objects.filter(enrolment=fatma).select_related("session")
        )
    }
    assert statuses == {monday.date: "present", tuesday.date: "sick", wednesday.date: "present"}
    assert not Attendance.objects.filter(enrolment=daan).exists()


def test_a_mark_for_someone_outside_the_cohort_is_refused(client, training_partner, cohort, fatma):
    client.force_login(training_partner)
    attendance_week_sessions(cohort=cohort, week_start=MONDAY, by_user=training_partner)
    monday = min(week_sessions(cohort), key=lambda session: session.date)
    stranger = EnrolmentFactory(cohort=CohortFactory(pilot=cohort.pilot), status=EnrolmentStatus.STARTED)

    response = client.post(
        f"{grid_url(cohort)}?week={MONDAY.isoformat()}",
        {field(monday, fatma): "present", field(monday, stranger): "present"},
    )

    assert response.status_code == 200
    assert "The attendance was not saved" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_row_button_for_someone_outside_the_cohort_is_refused(client, training_partner, cohort, fatma):
    client.force_login(training_partner)
    stranger = EnrolmentFactory(cohort=CohortFactory(pilot=cohort.pilot), status=EnrolmentStatus.STARTED)
    response = client.post(f"{grid_url(cohort)}?week={MONDAY.isoformat()}", {"row": str(stranger.pk)})
    assert response.status_code == 200
    assert "The attendance was not saved" in response.content.decode()
    assert not Attendance.objects.exists()


def test_an_unknown_status_is_refused(client, training_partner, cohort, fatma):
    client.force_login(training_partner)
    attendance_week_sessions(cohort=cohort, week_start=MONDAY, by_user=training_partner)
    monday = min(week_sessions(cohort), key=lambda session: session.date)
    response = client.post(f"{grid_url(cohort)}?week={MONDAY.isoformat()}", {field(monday, fatma): "holiday"})
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_a_day_still_to_come_offers_only_what_is_known_in_advance(client, training_partner, cohort, fatma):
    client.force_login(training_partner)
    body = client.get(grid_url(cohort), {"week": "2026-11-30"}).content.decode()
    select = body.split('class="form-select form-select-sm attendance-select"')[1].split("</select>")[0]
    assert 'value="sick"' in select and 'value="absent_with_notice"' in select
    assert 'value="present"' not in select


def test_the_percentages_and_the_flag_below_the_threshold_are_shown(client, coordinator, cohort, fatma, daan):
    module = CohortModuleFactory(cohort=cohort, name="VCA Basis")
    exam = AttendanceSessionFactory(
        cohort=cohort, date=datetime.date(2026, 11, 12), kind=AttendanceKind.SCHOOL, cohort_module=module
    )
    for day, fatma_status, daan_status in (
        (datetime.date(2026, 11, 9), "present", "present"),
        (datetime.date(2026, 11, 10), "present", "absent_without_notice"),
        (datetime.date(2026, 11, 11), "present", "sick"),
    ):
        session = AttendanceSessionFactory(cohort=cohort, date=day)
        AttendanceFactory(session=session, enrolment=fatma, status=fatma_status)
        AttendanceFactory(session=session, enrolment=daan, status=daan_status)
    AttendanceFactory(session=exam, enrolment=fatma, status="present")
    AttendanceFactory(session=exam, enrolment=daan, status="sick")
    client.force_login(coordinator)

    body = client.get(grid_url(cohort), WEEK).content.decode()

    fatma_rate = body.split(f'data-testid="rate-{fatma.pk}"')[1].split("</td>")[0]
    daan_rate = body.split(f'data-testid="rate-{daan.pk}"')[1].split("</td>")[0]
    assert "100.0%" in fatma_rate and "below" not in fatma_rate
    assert "25.0%" in daan_rate and "below 80%" in daan_rate
    assert f'<tr data-enrolment="{daan.pk}" class="is-below-threshold">' in body
    module_rates = body.split('class="table align-middle mb-0 module-rates"')[1]
    assert "VCA Basis" in module_rates and "50.0%" in module_rates


def test_the_week_links_move_a_week_back_and_forth(client, training_partner, cohort, fatma):
    client.force_login(training_partner)
    body = client.get(grid_url(cohort), WEEK).content.decode()
    assert f"{grid_url(cohort)}?week=2026-11-09" in body
    assert f"{grid_url(cohort)}?week=2026-11-23" in body
    # The first week of the cohort has no previous week.
    first = client.get(grid_url(cohort), {"week": "2026-09-01"}).content.decode()
    assert 'rel="prev"' not in first


def test_a_host_employer_may_not_open_the_grid(client, employer_contact, cohort):
    client.force_login(employer_contact)
    assert client.get(grid_url(cohort), WEEK).status_code == 403


def test_the_grid_of_another_regions_cohort_is_not_found(client, training_partner):
    elsewhere = CohortFactory(pilot=PilotFactory(lead_organisation=OrganisationFactory(name="WSP Elders")))
    client.force_login(training_partner)
    assert client.get(grid_url(elsewhere), WEEK).status_code == 404


def _grid_queries(client, cohort) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(grid_url(cohort), WEEK)
    assert response.status_code == 200
    return len(queries)


def test_the_grid_takes_the_same_number_of_queries_for_3_or_15_candidates(client, training_partner, cohort):
    client.force_login(training_partner)
    CohortModuleFactory(cohort=cohort)
    for number in range(3):
        started(cohort, f"Kandidaat{number}")
    attendance_week_sessions(cohort=cohort, week_start=MONDAY, by_user=training_partner)
    few = _grid_queries(client, cohort)
    for number in range(3, 15):
        enrolment = started(cohort, f"Kandidaat{number}")
        for session in week_sessions(cohort):
            AttendanceFactory(session=session, enrolment=enrolment)

    many = _grid_queries(client, cohort)

    assert few == many
    # 16 for the grid, 2 for the session that every request keeps alive (sliding idle expiry).
    assert many <= 18


@pytest.mark.parametrize("role_user", ["training_partner", "adviser", "coordinator", "administrator"])
def test_the_grid_plans_the_pilots_modules_without_copying_them(client, request, cohort, fatma, role_user):
    ModuleFactory(pilot=cohort.pilot, name="Nederlands op de werkvloer", start_week=1, end_week=52)
    client.force_login(request.getfixturevalue(role_user))

    body = client.get(grid_url(cohort), WEEK).content.decode()

    assert "Nederlands op de werkvloer" in body.split('class="week-modules"')[1].split("</p>")[0]
    assert not CohortModule.objects.exists()


def day_field(day: datetime.date, kind: str, enrolment) -> str:
    return f"mark_{day.isoformat()}-{kind}_{enrolment.pk}"


def test_the_grid_names_the_cells_of_a_day_without_a_session_after_its_day_and_kind(client, adviser, cohort, fatma):
    client.force_login(adviser)

    body = client.get(grid_url(cohort), WEEK).content.decode()

    assert body.count('class="session-head"') == 3
    for day, kind in ((MONDAY, "internship"), (MONDAY + datetime.timedelta(1), "internship")):
        assert f'name="{day_field(day, kind, fatma)}"' in body
        assert f'<label class="visually-hidden" for="{day_field(day, kind, fatma)}">' in body
    assert f'name="{day_field(MONDAY + datetime.timedelta(2), "school", fatma)}"' in body
    assert not AttendanceSession.objects.exists()


@pytest.mark.parametrize("role_user", ["training_partner", "adviser", "coordinator", "administrator"])
def test_opening_the_grid_creates_and_removes_no_sessions(client, request, coordinator, cohort, fatma, role_user):
    # Monday has its session, Tuesday and Wednesday have none yet, and Thursday's unmarked one left the rhythm.
    AttendanceSessionFactory(cohort=cohort, date=MONDAY, kind=AttendanceKind.INTERNSHIP, from_rhythm=True)
    AttendanceSessionFactory(
        cohort=cohort, date=MONDAY + datetime.timedelta(3), kind=AttendanceKind.SCHOOL, from_rhythm=True
    )
    before = sorted(AttendanceSession.objects.values_list("pk", "date", "kind"))
    client.force_login(request.getfixturevalue(role_user))

    for week in (WEEK, {"week": "2026-11-30"}, {}):
        assert client.get(grid_url(cohort), week).status_code == 200

    assert sorted(AttendanceSession.objects.values_list("pk", "date", "kind")) == before


def test_marks_for_days_without_a_session_yet_are_recorded(client, training_partner, cohort, fatma, daan):
    client.force_login(training_partner)
    tuesday = MONDAY + datetime.timedelta(1)

    response = client.post(
        f"{grid_url(cohort)}?week={MONDAY.isoformat()}",
        {
            day_field(MONDAY, "internship", fatma): "present",
            day_field(tuesday, "internship", fatma): "sick",
            day_field(MONDAY, "internship", daan): "absent_with_notice",
            day_field(tuesday, "internship", daan): "",
            "save": "",
        },
        follow=True,
    )

    assert "The attendance is saved: 3 marks changed." in response.content.decode()
    marks = {
        (mark.session.date, mark.session.kind, mark.enrolment_id, mark.status)
        for mark in Attendance.objects.select_related("session")
    }
    assert marks == {
        (MONDAY, "internship", fatma.pk, "present"),
        (tuesday, "internship", fatma.pk, "sick"),
        (MONDAY, "internship", daan.pk, "absent_with_notice"),
    }
    # The save brought the whole week in line with the rhythm; the grid now names the cells after the sessions.
    assert len(week_sessions(cohort)) == 3
    monday = AttendanceSession.objects.get(date=MONDAY)
    assert f'name="{field(monday, fatma)}"' in response.content.decode()


def test_the_row_button_marks_days_without_a_session_yet(client, training_partner, cohort, fatma, daan):
    client.force_login(training_partner)

    client.post(
        f"{grid_url(cohort)}?week={MONDAY.isoformat()}",
        {day_field(MONDAY + datetime.timedelta(1), "internship", fatma): "sick", "row": str(fatma.pk)},
    )

    statuses = sorted(
        (mark.session.date.day, mark.status)
        for mark in Attendance.objects.filter(enrolment=fatma).select_related("session")
    )
    assert statuses == [(16, "present"), (17, "sick"), (18, "present")]


def test_a_refused_save_creates_no_sessions_and_keeps_what_was_filled_in(client, training_partner, cohort, fatma):
    client.force_login(training_partner)
    stranger = EnrolmentFactory(cohort=CohortFactory(pilot=cohort.pilot), status=EnrolmentStatus.STARTED)

    response = client.post(
        f"{grid_url(cohort)}?week={MONDAY.isoformat()}",
        {day_field(MONDAY, "internship", fatma): "sick", day_field(MONDAY, "internship", stranger): "present"},
    )

    body = response.content.decode()
    assert "The attendance was not saved" in body
    assert not AttendanceSession.objects.exists()
    cell = body.split(f'name="{day_field(MONDAY, "internship", fatma)}"')[1].split("</select>")[0]
    assert '<option value="sick" selected>' in cell


def test_a_mark_for_a_day_that_left_the_rhythm_in_the_meantime_is_refused(client, training_partner, cohort, fatma):
    client.force_login(training_partner)
    thursday = MONDAY + datetime.timedelta(3)

    response = client.post(
        f"{grid_url(cohort)}?week={MONDAY.isoformat()}", {day_field(thursday, "internship", fatma): "present"}
    )

    assert "The attendance list has changed in the meantime" in response.content.decode()
    assert not Attendance.objects.exists()
    assert not AttendanceSession.objects.exists()


def test_an_unmarked_day_that_left_the_rhythm_is_hidden_and_removed_on_saving(client, coordinator, cohort, fatma):
    thursday = AttendanceSessionFactory(
        cohort=cohort, date=MONDAY + datetime.timedelta(3), kind=AttendanceKind.SCHOOL, from_rhythm=True
    )
    client.force_login(coordinator)

    body = client.get(grid_url(cohort), WEEK).content.decode()

    assert body.count('class="session-head"') == 3
    assert f'name="{field(thursday, fatma)}"' not in body
    assert AttendanceSession.objects.filter(pk=thursday.pk).exists()

    client.post(f"{grid_url(cohort)}?week={MONDAY.isoformat()}", {day_field(MONDAY, "internship", fatma): "present"})

    assert not AttendanceSession.objects.filter(pk=thursday.pk).exists()
    assert sorted((session.date.day, session.kind) for session in week_sessions(cohort)) == [
        (16, "internship"),
        (17, "internship"),
        (18, "school"),
    ]


def test_a_marked_day_that_left_the_rhythm_stays_in_the_grid(client, coordinator, cohort, fatma):
    thursday = AttendanceSessionFactory(
        cohort=cohort, date=MONDAY + datetime.timedelta(3), kind=AttendanceKind.SCHOOL, from_rhythm=True
    )
    AttendanceFactory(session=thursday, enrolment=fatma, status="present")
    client.force_login(coordinator)

    body = client.get(grid_url(cohort), WEEK).content.decode()

    assert body.count('class="session-head"') == 4
    assert f'name="{field(thursday, fatma)}"' in body


def test_a_week_without_sessions_yet_takes_as_many_queries_as_one_with_them(client, training_partner, cohort):
    client.force_login(training_partner)
    for number in range(3):
        started(cohort, f"Kandidaat{number}")

    unsaved = _grid_queries(client, cohort)
    attendance_week_sessions(cohort=cohort, week_start=MONDAY, by_user=training_partner)
    saved = _grid_queries(client, cohort)

    assert unsaved == saved


def _save_queries(client, cohort, enrolments) -> int:
    cells = {
        day_field(MONDAY + datetime.timedelta(offset), kind, enrolment): "present"
        for offset, kind in ((0, "internship"), (1, "internship"), (2, "school"))
        for enrolment in enrolments
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"{grid_url(cohort)}?week={MONDAY.isoformat()}", cells)
    assert response.status_code == 302
    return len(queries)


def test_saving_days_without_a_session_takes_the_same_number_of_queries_for_1_or_8_candidates(
    client, training_partner, cohort, fatma
):
    client.force_login(training_partner)
    few = _save_queries(client, cohort, [fatma])
    AttendanceSession.objects.all().delete()
    many = _save_queries(client, cohort, [fatma, *(started(cohort, f"Kandidaat{number}") for number in range(7))])

    assert few == many


def test_the_column_heads_name_day_and_month_in_the_pages_language(client, training_partner, cohort, fatma, settings):
    client.force_login(training_partner)

    english = client.get(grid_url(cohort), WEEK).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    dutch = client.get(grid_url(cohort), WEEK).content.decode()

    assert '<span class="d-block">Mon 16 Nov</span>' in english
    # Dutch writes day and month names in lower case.
    assert '<span class="d-block">ma 16 nov</span>' in dutch


def test_the_legend_shows_each_key_with_the_attendance_it_chooses(client, training_partner, cohort, fatma):
    client.force_login(training_partner)

    body = client.get(grid_url(cohort), WEEK).content.decode()

    legend = body.split('id="grid-keys"')[1].split("</dl>")[0]
    for key, status, label in [
        ("p", "present", "Present"),
        ("a", "absent_with_notice", "Absent with notice"),
        ("o", "absent_without_notice", "Absent without notice"),
        ("s", "sick", "Sick"),
    ]:
        assert f'data-attendance-key="{key}" data-attendance-status="{status}"' in legend
        assert f'<kbd>{key.upper()}</kbd></dt><dd class="mb-0">{label}</dd>' in legend
    assert 'aria-describedby="grid-help grid-keys"' in body


def test_the_shortcut_script_takes_its_keys_from_the_legend_on_the_page(settings):
    script = (settings.BASE_DIR / "static" / "js" / "attendance.js").read_text(encoding="utf-8")

    assert "[data-attendance-key]" in script
    # No letter of one language is built in.
    assert "absent_with_notice" not in script and "present" not in script


def test_the_grid_shows_its_people_a_page_at_a_time_and_a_page_saves_only_its_rows(
    client, training_partner, cohort, fatma, daan, monkeypatch
):
    monkeypatch.setattr("candidates.views.track.ATTENDANCE_PAGE_SIZE", 1)
    client.force_login(training_partner)
    attendance_week_sessions(cohort=cohort, week_start=MONDAY, by_user=training_partner)
    monday, _tuesday, _wednesday = sorted(week_sessions(cohort), key=lambda session: session.date)
    Attendance.objects.create(
        session=monday, enrolment=daan, status=AttendanceStatus.SICK, recorded_at=datetime.datetime.now(datetime.UTC)
    )

    first = client.get(grid_url(cohort), WEEK).content.decode()
    second = client.get(grid_url(cohort), {**WEEK, "page": 2}).content.decode()

    # In the order of the last name: Bakker, then Yilmaz.
    assert "Daan Bakker" in first and "Fatma Yilmaz" not in first
    assert "Fatma Yilmaz" in second and "Daan Bakker" not in second
    assert 'aria-label="Pages of the attendance list"' in first
    # Another week keeps the page.
    assert f"?week={(MONDAY + datetime.timedelta(days=7)).isoformat()}&amp;page=2" in second

    response = client.post(
        f"{grid_url(cohort)}?week={MONDAY.isoformat()}&page=2", {field(monday, fatma): "present", "save": ""}
    )

    assert response.url == f"{grid_url(cohort)}?week={MONDAY.isoformat()}&page=2"
    assert Attendance.objects.get(session=monday, enrolment=fatma).status == "present"
    assert Attendance.objects.get(session=monday, enrolment=daan).status == "sick"
