import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from candidates.calendar import CRLF, appointment_ics, escape_text, fold_line, format_utc, initials
from candidates.models import ScreeningAppointment
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def unfold(text: str) -> list[str]:
    """The logical lines of an iCalendar text (RFC 5545 §3.1)."""
    return text.replace(CRLF + " ", "").split(CRLF)


@pytest.fixture
def appointment(adviser, organisation):
    pilot = PilotFactory(lead_organisation=organisation, name="Groepshulp kinderopvang")
    cohort = CohortFactory(pilot=pilot, name="Ronde 1")
    candidate = CandidateFactory(first_name="Fatima", last_name_prefix="el", last_name="Amrani")
    enrolment = EnrolmentFactory(candidate=candidate, cohort=cohort)
    return ScreeningAppointment.objects.create(
        enrolment=enrolment,
        starts_at=datetime.datetime(2026, 12, 1, 10, 0, tzinfo=AMSTERDAM),
        duration_minutes=45,
        location="WSP Utrecht, Daalsedijk 1; kamer 2.14",
        adviser=adviser,
        created_by=adviser,
    )


def test_text_values_escape_backslash_semicolon_comma_and_newlines():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_fold_at_75_octets_with_a_leading_space():
    line = "DESCRIPTION:" + "x" * 200

    folded = fold_line(line)

    physical = folded.split(CRLF)
    assert len(physical) == 3
    assert all(len(part.encode()) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert folded.replace(CRLF + " ", "") == line


def test_folding_never_splits_a_multibyte_character():
    line = "SUMMARY:" + "é" * 60  # two octets each: the limit falls inside a character

    physical = fold_line(line).split(CRLF)

    assert all(len(part.encode()) <= 75 for part in physical)
    assert all(part.encode().decode() == part for part in physical)
    assert "".join([physical[0], *(part[1:] for part in physical[1:])]) == line


def test_short_lines_are_not_folded():
    assert fold_line("SUMMARY:Screening") == "SUMMARY:Screening"


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (datetime.datetime(2026, 12, 1, 10, 0, tzinfo=AMSTERDAM), "20261201T090000Z"),  # winter time, UTC+1
        (datetime.datetime(2027, 6, 1, 10, 0, tzinfo=AMSTERDAM), "20270601T080000Z"),  # summer time, UTC+2
    ],
)
def test_times_are_written_in_utc(local, utc):
    assert format_utc(local) == utc


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        format_utc(datetime.datetime(2026, 12, 1, 10, 0))


def test_the_ics_file_has_one_event_with_utc_times_crlf_and_escaped_text(appointment):
    text = appointment_ics(appointment, host="opstap.example.org")

    assert text.endswith(CRLF)
    assert "\n" not in text.replace(CRLF, "")  # no bare line feeds
    lines = unfold(text)[:-1]
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
    assert f"UID:screening-appointment-{appointment.pk}@opstap.example.org" in lines
    assert "DTSTART:20261201T090000Z" in lines
    assert "DTEND:20261201T094500Z" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    assert "LOCATION:WSP Utrecht\\, Daalsedijk 1\\; kamer 2.14" in lines
    assert any(line.startswith("SUMMARY:") and line.endswith(" F.e.A.") for line in lines)
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "\\n" in description  # the lines of the description, escaped
    assert all(len(physical.encode()) <= 75 for physical in text.split(CRLF))


def test_the_ics_file_names_the_candidate_by_initials_only(appointment):
    text = unfold(appointment_ics(appointment, host="opstap.example.org"))
    description = next(line for line in text if line.startswith("DESCRIPTION:"))

    assert "F.e.A." in description
    assert not [line for line in text if "Fatima" in line or "Amrani" in line]


@pytest.mark.parametrize(
    ("first_name", "prefix", "last_name", "expected"),
    [
        ("Jan", "de", "Vries", "J.d.V."),
        ("Anna Maria", "van der", "Berg-Smit", "A.M.v.d.B.S."),
        ("Kees", "'t", "Hart", "K.t.H."),
        ("Fatma", "", "Yılmaz", "F.Y."),
        ("ahmad", "", "al-Hassan", "A.A.H."),
        ("", "", "Geanonimiseerd", "G."),
    ],
)
def test_initials_abbreviate_first_names_prefix_and_last_name(first_name, prefix, last_name, expected):
    candidate = CandidateFactory.build(first_name=first_name, last_name_prefix=prefix, last_name=last_name)

    assert initials(candidate) == expected


def test_a_cancelled_appointment_is_marked_cancelled(appointment):
    appointment.status = "cancelled"

    assert "STATUS:CANCELLED" in unfold(appointment_ics(appointment, host="h"))


def test_the_adviser_downloads_the_ics_file(client, adviser, appointment):
    client.force_login(adviser)

    response = client.get(reverse("candidates:appointment-ics", kwargs={"pk": appointment.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="screening-20261201-{appointment.pk}.ics"'
    assert "no-store" in response["Cache-Control"]
    assert "DTSTART:20261201T090000Z" in response.content.decode()


def test_an_adviser_of_another_organisation_gets_a_404(client, appointment):
    stranger = UserFactory(username="ander", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)
    client.force_login(stranger)

    response = client.get(reverse("candidates:appointment-ics", kwargs={"pk": appointment.pk}))

    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_training_partners_and_employers_cannot_download(client, user_for_role, appointment, role):
    user = user_for_role(role)
    PilotPartnerFactory(pilot=appointment.enrolment.cohort.pilot, organisation=user.organisation)
    client.force_login(user)

    response = client.get(reverse("candidates:appointment-ics", kwargs={"pk": appointment.pk}))

    assert response.status_code == 403
