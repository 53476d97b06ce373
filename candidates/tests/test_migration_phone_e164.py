"""The data migration that stores the phone numbers kept before in E.164."""

import importlib

import pytest
from django.apps import apps

from candidates.models import Candidate
from candidates.tests.factories import CandidateFactory

migration = importlib.import_module("candidates.migrations.0011_phone_e164")

pytestmark = pytest.mark.django_db

BEFORE_AND_AFTER = [
    ("06 12345678", "+31612345678"),
    ("0101234567", "+31101234567"),
    ("06-12345678", "+31612345678"),
    ("+32470123456", "+32470123456"),
    ("+31612345678", "+31612345678"),
    ("onbekend", "onbekend"),  # no number: kept as it was
    ("", ""),
]


def stored_phones(candidates) -> list[str]:
    return [Candidate.objects.get(pk=candidate.pk).phone for candidate in candidates]


def test_the_migration_stores_every_readable_number_in_e164_and_keeps_the_rest():
    candidates = [CandidateFactory(phone=before) for before, _after in BEFORE_AND_AFTER]

    migration.phones_to_e164(apps, None)

    assert stored_phones(candidates) == [after for _before, after in BEFORE_AND_AFTER]


def test_the_migration_back_restores_the_form_stored_before():
    candidates = [CandidateFactory(phone=phone) for phone in ("+31612345678", "+31101234567", "+32470123456", "x")]

    migration.phones_to_previous_form(apps, None)

    assert stored_phones(candidates) == ["06 12345678", "0101234567", "+32470123456", "x"]


def test_the_migration_leaves_the_history_as_it_was():
    candidate = CandidateFactory(phone="06 12345678")

    migration.phones_to_e164(apps, None)

    assert candidate.history.get().phone == "06 12345678"
