from datetime import date, timedelta

import pytest

from employers.workdays import add_working_days, is_working_day, latest_start_due_by

FRIDAY = date(2026, 10, 2)
SATURDAY, SUNDAY, MONDAY = (FRIDAY + timedelta(days=n) for n in (1, 2, 3))


@pytest.mark.parametrize(("day", "expected"), [(FRIDAY, True), (SATURDAY, False), (SUNDAY, False), (MONDAY, True)])
def test_monday_to_friday_are_working_days(day, expected):
    assert is_working_day(day) is expected


def test_a_holiday_is_no_working_day():
    assert not is_working_day(MONDAY, holidays={MONDAY})


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (FRIDAY, 0, FRIDAY),
        (FRIDAY, 1, MONDAY),
        (FRIDAY, 3, date(2026, 10, 7)),  # Wednesday
        (FRIDAY, 5, date(2026, 10, 9)),  # the next Friday
        (SATURDAY, 5, date(2026, 10, 9)),
        (SUNDAY, 5, date(2026, 10, 9)),
        (MONDAY, 5, date(2026, 10, 12)),
        (date(2026, 10, 7), 5, date(2026, 10, 14)),  # Wednesday to Wednesday
    ],
)
def test_add_working_days_skips_the_weekend(start, count, expected):
    assert add_working_days(start, count) == expected


def test_add_working_days_skips_holidays_too():
    assert add_working_days(FRIDAY, 5, holidays={MONDAY}) == date(2026, 10, 12)


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(FRIDAY, -1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 9), SUNDAY),  # Friday: everything up to and including the weekend before is due
        (date(2026, 10, 12), MONDAY),
        (date(2026, 10, 10), SUNDAY),  # nothing new falls due in a weekend
    ],
)
def test_latest_start_due_by_is_the_inverse_of_adding(day, expected):
    assert latest_start_due_by(day, 5) == expected
    assert add_working_days(expected, 5) <= day
    assert add_working_days(expected + timedelta(days=1), 5) > day
