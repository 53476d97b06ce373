"""Working days: Monday to Friday, minus holidays.

No holiday list is kept yet; every function takes `holidays` so a calendar (King's Day, Christmas) can be
passed in later without changing the callers' arithmetic.
"""

from collections.abc import Collection
from datetime import date, timedelta

SATURDAY = 5


def is_working_day(day: date, *, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, count: int, *, holidays: Collection[date] = ()) -> date:
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


def latest_start_due_by(day: date, count: int, *, holidays: Collection[date] = ()) -> date:
    """The last date from which `count` working days have passed by `day`.

    Everything that started on this date or earlier is due; a Saturday or Sunday start is due on the
    same day as the Friday before it, so the answer can be a weekend day.
    """
    start = day
    while add_working_days(start, count, holidays=holidays) > day:
        start -= timedelta(days=1)
    return start
