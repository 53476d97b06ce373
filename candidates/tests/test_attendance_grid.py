"""The attendance grid's shortcut keys: one letter per status, in the reader's language."""

import pytest
from django.conf import settings
from django.utils import translation

from candidates.attendance_grid import shortcut_keys
from candidates.models import AttendanceStatus


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_status_has_its_own_single_letter_in_every_language(language):
    with translation.override(language):
        keys = shortcut_keys()

    assert [key.status for key in keys] == list(AttendanceStatus.values)
    letters = [key.key for key in keys]
    assert all(len(letter) == 1 and letter.isalpha() and letter.islower() for letter in letters)
    assert len(set(letters)) == len(letters)


def test_english_keys_are_the_first_letters_of_the_english_names():
    with translation.override("en-gb"):
        keys = {key.status: key.key for key in shortcut_keys()}

    assert keys == {
        AttendanceStatus.PRESENT: "p",
        AttendanceStatus.ABSENT_WITH_NOTICE: "a",
        AttendanceStatus.ABSENT_WITHOUT_NOTICE: "o",
        AttendanceStatus.SICK: "s",
    }


def test_a_dutch_trainer_marks_aanwezig_with_a_and_afgemeld_with_m():
    # A Dutch trainer who pressed "a" for aanwezig used to record "absent with notice".
    with translation.override("nl"):
        keys = {key.status: key.key for key in shortcut_keys()}

    assert keys == {
        AttendanceStatus.PRESENT: "a",
        AttendanceStatus.ABSENT_WITH_NOTICE: "m",
        AttendanceStatus.ABSENT_WITHOUT_NOTICE: "o",
        AttendanceStatus.SICK: "z",
    }
