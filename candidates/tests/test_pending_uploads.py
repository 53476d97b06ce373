"""Referral lists waiting for confirmation: records with an owner and an expiry, deleted by the periodic task, by
confirming or cancelling, and by the erasure of a person on the list."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from candidates.importing import mentions_person, parse_table
from candidates.models import Candidate, CandidateImport, PendingUpload
from candidates.pending_uploads import (
    ORPHAN_GRACE,
    PendingUploadGoneError,
    pending_upload_create,
    pending_upload_import,
)
from candidates.privacy import anonymise_candidate
from candidates.tasks import delete_expired_pending_uploads
from candidates.tests.factories import CandidateFactory
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

UPLOADED_AT = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC)
HEADER = ["voornaam", "tussenvoegsel", "achternaam", "geboortedatum", "e-mail", "telefoon"]
FATIMA = ["Fatima", "el", "Amrani", "14-03-1988", "f.elamrani@example.org", "06 12345678"]
JAN = ["Jan", "", "Jansen", "01-01-1990", "jan@example.org", ""]


@pytest.fixture(autouse=True)
def two_hours_to_confirm(media_root, settings):
    settings.IMPORT_PENDING_HOURS = 2


def csv_bytes(*rows) -> bytes:
    return "\r\n".join(";".join(row) for row in rows).encode()


def store(owner, cohort, *rows, name="verwijzingen.csv") -> PendingUpload:
    return pending_upload_create(
        owner=owner,
        cohort=cohort,
        content=csv_bytes(HEADER, *rows),
        file_name=name,
        consent_purpose="Deelname aan WelSlagen",
    )


def table_of(upload: PendingUpload):
    return parse_table(file_name=upload.file_name, content=upload.file.read(), duplicate_lookup=lambda values: [])


def file_of(upload: PendingUpload, pending_dir: Path) -> Path:
    return pending_dir / upload.pk.hex


def age(path: Path, *, at: datetime.datetime) -> None:
    os.utime(path, (at.timestamp(), at.timestamp()))


# --- Expiry ------------------------------------------------------------------------------------------------------


def test_the_periodic_task_deletes_expired_uploads_and_files_without_a_row_and_keeps_fresh_ones(
    adviser, cohort, pending_dir, time_machine
):
    time_machine.move_to(UPLOADED_AT, tick=False)
    expired = store(adviser, cohort, FATIMA)
    time_machine.move_to(UPLOADED_AT + datetime.timedelta(hours=1, minutes=30), tick=False)
    fresh = store(adviser, cohort, JAN)
    # Files no row names: one of an upload whose row is gone, and what the previous version left behind (a file
    # named by a session's token and one claimed by a confirmation that died); and one being uploaded right now.
    orphans = [pending_dir / ("0" * 32), pending_dir / ("1" * 32 + ".claimed")]
    for orphan in orphans:
        orphan.write_bytes(csv_bytes(HEADER, FATIMA))
        age(orphan, at=UPLOADED_AT)
    being_uploaded = pending_dir / ("2" * 32)
    being_uploaded.write_bytes(csv_bytes(HEADER, JAN))
    now = UPLOADED_AT + datetime.timedelta(hours=2, minutes=5)
    age(being_uploaded, at=now - ORPHAN_GRACE + datetime.timedelta(minutes=1))
    time_machine.move_to(now, tick=False)

    deleted = delete_expired_pending_uploads.delay().get()

    assert deleted == 3
    assert list(PendingUpload.objects.all()) == [fresh]
    assert not file_of(expired, pending_dir).exists()
    assert file_of(fresh, pending_dir).exists()
    assert not any(orphan.exists() for orphan in orphans)
    assert being_uploaded.exists()
    # A second run finds nothing to do.
    assert delete_expired_pending_uploads.delay().get() == 0


def test_the_periodic_task_runs_without_a_folder(db):
    assert delete_expired_pending_uploads.delay().get() == 0


def test_the_expiry_task_is_scheduled_by_beat():
    schedule = {entry["task"]: entry["schedule"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}

    assert "candidates.tasks.delete_expired_pending_uploads" in schedule
    # Often enough that an upload outlives its expiry by a quarter of an hour at most.
    assert schedule["candidates.tasks.delete_expired_pending_uploads"].minute == {0, 15, 30, 45}


def test_an_upload_expires_after_the_hours_of_the_setting(adviser, cohort, settings, time_machine):
    time_machine.move_to(UPLOADED_AT, tick=False)
    settings.IMPORT_PENDING_HOURS = 24

    upload = store(adviser, cohort, FATIMA)

    assert upload.expires_at == UPLOADED_AT + datetime.timedelta(hours=24)


# --- Confirming ---------------------------------------------------------------------------------------------------


def test_only_the_owner_can_import_an_upload(adviser, cohort, pending_dir):
    upload = store(adviser, cohort, FATIMA)
    colleague = UserFactory(username="collega", organisation=adviser.organisation, role=Role.ADVISER)

    with pytest.raises(PendingUploadGoneError):
        pending_upload_import(upload=upload, table=table_of(upload), by_user=colleague)

    assert CandidateImport.objects.count() == 0
    assert file_of(upload, pending_dir).exists()


def test_a_second_confirmation_of_the_same_upload_imports_nothing(adviser, cohort, pending_dir):
    upload = store(adviser, cohort, FATIMA, JAN)
    table = table_of(upload)

    record = pending_upload_import(upload=upload, table=table, by_user=adviser)
    with pytest.raises(PendingUploadGoneError):
        pending_upload_import(upload=upload, table=table, by_user=adviser)

    assert record.rows_imported == 2
    assert Candidate.objects.count() == 2
    assert not PendingUpload.objects.exists()
    assert not file_of(upload, pending_dir).exists()


def test_an_expired_upload_is_not_imported(adviser, cohort, time_machine):
    time_machine.move_to(UPLOADED_AT, tick=False)
    upload = store(adviser, cohort, FATIMA)
    table = table_of(upload)
    time_machine.move_to(UPLOADED_AT + datetime.timedelta(hours=2), tick=False)

    with pytest.raises(PendingUploadGoneError):
        pending_upload_import(upload=upload, table=table, by_user=adviser)

    assert Candidate.objects.count() == 0


# --- Erasure ------------------------------------------------------------------------------------------------------


def test_erasure_deletes_the_waiting_uploads_that_hold_the_candidate_and_keeps_the_others(adviser, cohort, pending_dir):
    candidate = CandidateFactory(
        first_name="Fatima",
        last_name_prefix="el",
        last_name="Amrani",
        date_of_birth=datetime.date(1988, 3, 14),
        email="fatima@example.org",
        phone="06 99999999",
    )
    colleague = UserFactory(username="collega", organisation=adviser.organisation, role=Role.ADVISER)
    # The same person written differently, in a list of another owner for another cohort.
    about_her = store(colleague, CohortFactory(), JAN, ["FATIMA", "", "El Amrani", "14/03/1988", "", ""])
    about_others = store(adviser, cohort, JAN)

    anonymise_candidate(candidate, by=adviser, reason="Verzoek tot verwijdering")

    assert list(PendingUpload.objects.all()) == [about_others]
    assert not file_of(about_her, pending_dir).exists()
    assert file_of(about_others, pending_dir).exists()


FATIMA_PERSON = {
    "first_name": "Fátima",
    "last_name_prefix": "el",
    "last_name": "Amrani",
    "date_of_birth": datetime.date(1988, 3, 14),
    "email": "F.ElAmrani@example.org",
    "phone": "+31612345678",
}


@pytest.mark.parametrize(
    ("row", "holds"),
    [
        (FATIMA, True),
        (["fatima", "", "el amrani", "1988-03-14", "", ""], True),  # the tussenvoegsel in the last name
        (["Fatima", "el", "Amrani", "", "", ""], True),  # no date of birth: the name decides
        (["Fatima", "el", "Amrani", "31-02-1988", "", ""], True),  # no readable date of birth either
        (["Fatima", "el", "Amrani", "15-03-1988", "", ""], False),  # another person of that name
        (["F.", "", "Amrani", "14-03-1988", "f.elamrani@example.org", ""], True),  # by e-mail
        (["F.", "", "Amrani", "14-03-1988", "", "612345678"], True),  # by phone, its leading zero lost
        (JAN, False),
    ],
)
def test_a_list_mentions_a_person_by_name_and_birth_date_e_mail_or_phone(row, holds):
    assert mentions_person(content=csv_bytes(HEADER, JAN, row), **FATIMA_PERSON) is holds


@pytest.mark.parametrize("content", [b"%PDF-1.4 niet leesbaar", csv_bytes(["kolom", "nog een"], ["a", "b"])])
def test_a_list_that_cannot_be_read_counts_as_mentioning_the_person(content):
    assert mentions_person(content=content, **FATIMA_PERSON) is True


# --- Administration -----------------------------------------------------------------------------------------------


def test_the_administration_lists_waiting_uploads_with_owner_and_expiry_but_not_their_contents(
    admin_client, adviser, cohort
):
    upload = store(adviser, cohort, FATIMA, name="welslagen-ronde-1.csv")

    listing = admin_client.get(reverse("admin:candidates_pendingupload_changelist"))
    detail = admin_client.get(reverse("admin:candidates_pendingupload_change", args=[upload.pk]))

    assert listing.status_code == detail.status_code == 200
    assert "welslagen-ronde-1.csv" in listing.text
    assert str(adviser) in listing.text
    for response in (listing, detail):
        assert "Amrani" not in response.text
        assert upload.file.name not in response.text
