"""The enrolment keeps the total score of its latest screening (Enrolment.latest_screening_score), which the
pipeline board sorts its cards by: the screening service keeps it right, in Screening's order of "latest"."""

import datetime

from candidates.models import Enrolment, EnrolmentStatus
from candidates.services import enrolment_latest_score_refresh, screening_record
from candidates.tests.factories import EnrolmentFactory


def _screen(enrolment, adviser, day: int, score: int):
    """A screening on day `day` of November 2026 whose total is 3 + `score`."""
    return screening_record(
        enrolment=enrolment,
        by_user=adviser,
        screened_on=datetime.date(2026, 11, day),
        recommendation="select",
        interest_score=1,
        motivation_score=1,
        language_score=1,
        availability_score=score,
    )


def _kept(enrolment) -> int | None:
    return Enrolment.objects.values_list("latest_screening_score", flat=True).get(pk=enrolment.pk)


def test_recording_a_screening_keeps_the_latest_score_on_the_enrolment(adviser):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.REGISTERED)
    other = EnrolmentFactory(status=EnrolmentStatus.REGISTERED)
    assert _kept(enrolment) is None

    _screen(enrolment, adviser, day=10, score=2)
    assert _kept(enrolment) == 5

    # A screening recorded later but held on an earlier day is not the latest.
    _screen(enrolment, adviser, day=5, score=5)
    assert _kept(enrolment) == 5

    # Of two on the same day, the last recorded.
    _screen(enrolment, adviser, day=10, score=4)
    assert _kept(enrolment) == 7
    assert _kept(other) is None


def test_the_refresh_reads_the_latest_screening_of_each_enrolment(adviser):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.REGISTERED)
    _screen(enrolment, adviser, day=10, score=3)
    Enrolment.objects.filter(pk=enrolment.pk).update(latest_screening_score=None)  # as a bulk write leaves it

    enrolment_latest_score_refresh(enrolments=Enrolment.objects.filter(pk=enrolment.pk))

    assert _kept(enrolment) == 6
