"""Working days: Monday to Friday, minus the Dutch public holidays.

The public holidays are those the `holidays` package defines for the Netherlands: New Year's Day, Good Friday,
Easter Monday, King's Day, Ascension Day, Whit Monday, Christmas, and Liberation Day in lustrum years. Every
function counts with them unless it is given another calendar (a test's own days off).
"""

import functools
from collections.abc import Container
from datetime import date, timedelta

from holidays import country_holidays

SATURDAY = 5


@functools.cache
def _public_holidays_of(year: int) -> frozenset[date]:
    return frozenset(country_holidays("NL", years=year))


class DutchPublicHolidays(Container[date]):
    """The public holidays of any year, worked out once per year when first asked."""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in _public_holidays_of(day.year)


PUBLIC_HOLIDAYS = DutchPublicHolidays()


def is_working_day(day: date, *, holidays: Container[date] = PUBLIC_HOLIDAYS) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, count: int, *, holidays: Container[date] = PUBLIC_HOLIDAYS) -> date:
    """The day on which `count` working days after `start` have passed; `start` itself does not count."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    passed = 0
    while passed < count:
        day += timedelta(days=1)
        if is_working_day(day, holidays=holidays):
            passed += 1
    return day


def latest_start_due_by(day: date, count: int, *, holidays: Container[date] = PUBLIC_HOLIDAYS) -> date:
    """The last date from which `count` working days have passed by `day`.

    Everything that started on this date or earlier is due; a start on a day off (a weekend, a holiday) is due
    on the same day as the working day before it, so the answer can be a day off.
    """
    start = day
    while add_working_days(start, count, holidays=holidays) > day:
        start -= timedelta(days=1)
    return start
