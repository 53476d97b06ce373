"""A small iCalendar (RFC 5545) writer for screening appointments.

Advisers add a planned screening to Outlook or Google Calendar by opening an .ics file. One
event per file is all the portal needs, so a few lines of our own beat a dependency.

Calendars are often synchronised to services outside the portal, so an event names the candidate by
initials only (J.d.V.); the adviser finds the person behind them in the portal.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AppointmentStatus, Candidate, ScreeningAppointment

CRLF = "\r\n"
# RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
MAX_LINE_OCTETS = 75
PRODUCT_ID = "-//Opstap//Screening appointments//NL"
_NAME_PARTS = re.compile(r"[\s\-]+")


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash first, so the others are not doubled."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets, never inside a multi-byte UTF-8 character.

    A continuation line starts with one space, which counts towards its 75 octets.
    """
    parts: list[str] = []
    current = ""
    current_octets = 0
    limit = MAX_LINE_OCTETS
    for character in line:
        octets = len(character.encode("utf-8"))
        if current_octets + octets > limit:
            parts.append(current)
            current, current_octets = " ", 1
        current += character
        current_octets += octets
    parts.append(current)
    return CRLF.join(parts)


def format_utc(moment: datetime.datetime) -> str:
    """A DATE-TIME in UTC ("Z" form), so no VTIMEZONE block is needed."""
    if timezone.is_naive(moment):
        raise ValueError("An appointment time must be timezone-aware.")
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    location: str = ""
    description: str = ""
    cancelled: bool = False


def render_calendar(events: Iterable[CalendarEvent], *, stamp: datetime.datetime | None = None) -> str:
    stamp = stamp or timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT_ID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{format_utc(stamp)}",
            f"DTSTART:{format_utc(event.starts_at)}",
            f"DTEND:{format_utc(event.ends_at)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        lines.append("STATUS:CANCELLED" if event.cancelled else "STATUS:CONFIRMED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + CRLF for line in lines)


def initials(candidate: Candidate) -> str:
    """The candidate's initials as Dutch names are abbreviated: a capital for each first name and each part of
    the last name, a small letter for each word of the prefix: Jan de Vries → J.d.V., Anna Maria van der
    Berg-Smit → A.M.v.d.B.S.; a word's first letter or digit counts ('t Hart → t.H.)."""

    def letters(name: str) -> list[str]:
        words = (word for word in _NAME_PARTS.split(name) if word)
        return [next((char for char in word if char.isalnum()), "") for word in words]

    parts = [
        *(letter.upper() for letter in letters(candidate.first_name)),
        *(letter.lower() for letter in letters(candidate.last_name_prefix)),
        *(letter.upper() for letter in letters(candidate.last_name)),
    ]
    return "".join(f"{letter}." for letter in parts if letter)


def appointment_event(appointment: ScreeningAppointment, *, host: str) -> CalendarEvent:
    """The calendar event of an appointment; the UID stays the same, so a new download updates it."""
    enrolment = appointment.enrolment
    name = initials(enrolment.candidate)
    description = "\n".join(
        [
            _("Screening of %(name)s for %(cohort)s.") % {"name": name, "cohort": enrolment.cohort},
            _("Adviser: %(adviser)s") % {"adviser": appointment.adviser},
            _("Score interest, motivation, language level and availability from 1 to 5."),
        ]
    )
    return CalendarEvent(
        uid=f"screening-appointment-{appointment.pk}@{host}",
        starts_at=appointment.starts_at,
        ends_at=appointment.starts_at + datetime.timedelta(minutes=appointment.duration_minutes),
        summary=_("Screening: %(name)s") % {"name": name},
        location=appointment.location,
        description=description,
        cancelled=appointment.status == AppointmentStatus.CANCELLED,
    )


def appointment_ics(appointment: ScreeningAppointment, *, host: str) -> str:
    return render_calendar([appointment_event(appointment, host=host)])


def appointment_filename(appointment: ScreeningAppointment) -> str:
    return f"screening-{timezone.localtime(appointment.starts_at):%Y%m%d}-{appointment.pk}.ics"
