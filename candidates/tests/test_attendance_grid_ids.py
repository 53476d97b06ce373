"""A grid cell named after an id beyond what the database holds is refused, not looked up."""

import datetime
from types import SimpleNamespace

import pytest

from candidates.attendance_grid import attendance_marks_from, with_session_ids
from core.statemachine import TransitionNotAllowed


@pytest.mark.parametrize("name", ["mark_99999999999999999999_1", "mark_1_99999999999999999999"])
def test_a_cell_with_an_id_beyond_64_bits_is_refused(name):
    with pytest.raises(TransitionNotAllowed):
        attendance_marks_from({name: "present"})


def test_a_day_cell_with_an_enrolment_beyond_64_bits_is_refused():
    monday = SimpleNamespace(pk=5, date=datetime.date(2026, 11, 16), kind="internship", cohort_module_id=None)
    assert with_session_ids({"mark_2026-11-16-internship_7": "present"}, [monday]) == {"mark_5_7": "present"}
    with pytest.raises(TransitionNotAllowed):
        with_session_ids({"mark_2026-11-16-internship_99999999999999999999": "present"}, [monday])
