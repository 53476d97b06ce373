from datetime import date, timedelta

import pytest

from employers.workdays import PUBLIC_HOLIDAYS, add_working_days, is_working_day, latest_start_due_by

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


@pytest.mark.parametrize(
    "holiday",
    [
        date(2026, 1, 1),  # New Year's Day, a Thursday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 4, 27),  # King's Day, a Monday
        date(2026, 5, 14),  # Ascension Day
        date(2026, 5, 25),  # Whit Monday
        date(2026, 12, 25),  # Christmas Day, a Friday
        date(2025, 5, 5),  # Liberation Day of a lustrum year, a Monday
        date(2025, 4, 26),  # King's Day moves to Saturday when the 27th is a Sunday
    ],
)
def test_dutch_public_holidays_are_no_working_days(holiday):
    assert holiday in PUBLIC_HOLIDAYS
    assert not is_working_day(holiday)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 5, 5),  # Liberation Day outside a lustrum year, a Tuesday
        date(2026, 12, 24),  # Christmas Eve
        date(2026, 12, 31),  # New Year's Eve
    ],
)
def test_days_that_are_no_public_holiday_are_working_days(day):
    assert day not in PUBLIC_HOLIDAYS
    assert is_working_day(day)


def test_three_working_days_from_23_december_skip_christmas_and_the_weekend():
    # Thursday 24th, then Friday 25th (Christmas) and the weekend of the 26th and 27th do not count.
    assert add_working_days(date(2026, 12, 23), 3) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 23), 3, holidays=()) == date(2026, 12, 28)


def test_a_start_before_christmas_falls_due_after_it():
    assert latest_start_due_by(date(2026, 12, 28), 3) == date(2026, 12, 22)
    assert latest_start_due_by(date(2026, 12, 29), 3) == date(2026, 12, 23)


def test_public_holidays_of_any_year_are_known():
    assert date(2031, 12, 25) in PUBLIC_HOLIDAYS
    assert date(2030, 5, 5) in PUBLIC_HOLIDAYS  # a lustrum year
    assert "2026-12-25" not in PUBLIC_HOLIDAYS
