"""The administrator's home: a portal page with accounts, reference data, the audit trail and the queues.

Pages are asked for in English (the language cookie), so the assertions read the message ids.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from core.audit import record_event
from core.invitations import invitation_create
from core.models import AuditAction
from core.roles import START_PAGES, Role
from reports.models import ReportJob, ReportJobStatus
from start.views import url_or_none
from start.views_admin import REFERENCE_DATA_PAGES

HOME_URL = reverse("admin-home")
PASSWORD = "demo-wachtwoord-2026"


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def count_shown(response, name: str) -> int:
    match = re.search(rf'data-count="{name}">(\d+)<', response.text)
    assert match, f"no count {name}"
    return int(match[1])


def test_the_administrator_lands_on_the_portal_home_not_the_administration(administrator):
    client = Client()
    login = client.post(reverse("login"), {"username": administrator.username, "password": PASSWORD})
    assert login.status_code == 302

    response = client.get(reverse("home"))

    assert START_PAGES[Role.ADMINISTRATOR] == "admin-home"
    assert response.url == HOME_URL
    assert not response.url.startswith(reverse("admin:index"))
    assert client.get(response.url).status_code == 200


def test_the_administrations_view_site_link_leads_to_the_home(administrator_client):
    response = administrator_client.get(reverse("admin:index"))

    assert f'href="{HOME_URL}"' in response.text


def mail_in_outbox(status) -> Email:
    return Email.objects.create(
        from_email=settings.DEFAULT_FROM_EMAIL, to=["a@example.nl"], subject="s", message="m", status=status
    )


def test_the_home_shows_the_queue_counts(administrator_client, coordinator):
    long_ago = timezone.now() - datetime.timedelta(minutes=settings.OUTBOX_STUCK_MINUTES + 5)
    stuck = mail_in_outbox(STATUS.queued)
    Email.objects.filter(pk=stuck.pk).update(created=long_ago)
    mail_in_outbox(STATUS.queued)
    mail_in_outbox(STATUS.failed)
    mail_in_outbox(STATUS.failed)
    mail_in_outbox(STATUS.sent)
    for status in (ReportJobStatus.FAILED, ReportJobStatus.QUEUED, ReportJobStatus.QUEUED, ReportJobStatus.DONE):
        ReportJob.objects.create(
            requested_by=coordinator,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 12, 31),
            status=status,
        )

    response = administrator_client.get(HOME_URL)

    assert response.status_code == 200
    assert count_shown(response, "mail-waiting") == 2
    assert count_shown(response, "mail-stuck") == 1
    assert count_shown(response, "mail-failed") == 2
    assert count_shown(response, "reports-failed") == 1
    assert count_shown(response, "reports-waiting") == 2
    assert count_shown(response, "reports-running") == 0
    assert f'href="{reverse("admin:core_outboxmessage_changelist")}?status=failed"' in response.text
    assert f'href="{reverse("reports:job-list")}"' in response.text


def test_the_home_counts_accounts_and_links_to_people_and_to_invite_a_coordinator(
    administrator_client, administrator, organisation, adviser, coordinator
):
    invitation_create(
        first_name="Nieuw",
        last_name="Coordinator",
        email="nieuw@example.nl",
        role=Role.COORDINATOR,
        organisation=organisation,
        by_user=administrator,
    )

    response = administrator_client.get(HOME_URL)

    assert count_shown(response, "invited") == 1
    assert count_shown(response, "accepted") == 3  # the administrator, the coordinator and the adviser
    assert count_shown(response, "deactivated") == 0
    assert f'href="{reverse("people:list")}"' in response.text
    invite = f"{reverse('people:list')}?rol=coordinator#invite"
    assert f'href="{invite}"' in response.text
    form = administrator_client.get(invite).context["form"]
    assert form.initial["role"] == Role.COORDINATOR


def test_the_home_shows_the_latest_audit_events_and_links_to_the_whole_trail(administrator_client, administrator):
    record_event(action=AuditAction.EXPORT, user=administrator, detail="kandidaten.csv, 3 rows")

    response = administrator_client.get(HOME_URL)

    assert "Export downloaded" in response.text
    assert f'href="{reverse("audit-log")}"' in response.text
    trail = administrator_client.get(reverse("audit-log"))
    assert trail.status_code == 200
    assert "kandidaten.csv, 3 rows" in trail.text


def test_the_home_links_to_reference_data_and_to_the_administration(administrator_client):
    response = administrator_client.get(HOME_URL)

    assert f'href="{reverse("admin:index")}"' in response.text
    links = response.context["reference_links"]
    assert links
    portal_pages = [url for _label, name in REFERENCE_DATA_PAGES if (url := url_or_none(name))]
    if portal_pages:
        assert response.context["reference_in_portal"]
        assert [link.url for link in links] == portal_pages
    else:
        assert not response.context["reference_in_portal"]
        assert all(link.url.startswith(reverse("admin:index")) for link in links)
    for link in links:
        assert f'href="{link.url}"' in response.text


@pytest.mark.parametrize("role", [Role.ADVISER, Role.COORDINATOR, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_other_roles_cannot_open_the_home_or_the_audit_trail(client, user_for_role, role):
    client.force_login(user_for_role(role))

    assert client.get(HOME_URL).status_code == 403
    assert client.get(reverse("audit-log")).status_code == 403
