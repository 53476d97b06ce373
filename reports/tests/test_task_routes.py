"""The report builds go to the reports queue, which a worker of their own consumes; other tasks stay on Celery's."""

import datetime

import pytest
from celery.signals import before_task_publish

from config.celery_app import app
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import PilotFactory
from reports import services
from tests.services import broker_at


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name, (), {})["queue"].name


def test_the_report_build_is_routed_to_the_reports_queue():
    assert _queue("reports.tasks.build_report") == "reports"


def test_the_other_tasks_stay_on_the_default_queue():
    assert _queue("core.tasks.send_outbox_mail") == app.conf.task_default_queue == "celery"
    assert _queue("reports.tasks.watch_report_jobs") == "celery"


def test_the_worker_settings_keep_memory_and_prefetch_in_check():
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.worker_max_memory_per_child > 0


@pytest.mark.django_db
def test_a_requested_report_is_published_on_the_reports_queue(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    pilot = PilotFactory()
    coordinator = UserFactory(organisation=pilot.lead_organisation, role=Role.COORDINATOR)
    published = []

    def capture(sender=None, routing_key=None, **kwargs):
        published.append((sender, routing_key))

    before_task_publish.connect(capture)
    try:
        with broker_at(settings, "memory://"), django_capture_on_commit_callbacks(execute=True):
            job = services.request_report(
                user=coordinator,
                pilots=[pilot],
                period_start=datetime.date(2026, 1, 1),
                period_end=datetime.date(2026, 12, 31),
            )
    finally:
        before_task_publish.disconnect(capture)

    assert published == [("reports.tasks.build_report", "reports")]
    job.refresh_from_db()
    assert job.dispatched_at is not None
