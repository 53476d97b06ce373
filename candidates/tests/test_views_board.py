import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from candidates.models import DropoutReason, EnrolmentStatus, EnrolmentTransition
from candidates.selectors import BOARD_COLUMN_SIZE
from candidates.services import screening_record
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory

S = EnrolmentStatus


@pytest.fixture(autouse=True)
def english(client, settings):
    """The messages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation, slug="groepshulp", name="Groepshulp kinderopvang")


@pytest.fixture
def cohort(pilot):
    return CohortFactory(pilot=pilot, name="Ronde 1", seats=14)


def board_url(pilot, **query) -> str:
    url = reverse("candidates:board", kwargs={"slug": pilot.slug})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def enrolment_in(cohort, status, name=None, **fields):
    if status == S.DROPPED_OUT:
        fields.setdefault("dropout_reason", DropoutReason.HEALTH)
    if name:
        first, last = name.split(" ", 1)
        fields["candidate"] = CandidateFactory(first_name=first, last_name=last)
    return EnrolmentFactory(cohort=cohort, status=status, **fields)


def card_forms(html: str) -> int:
    return len(re.findall(r'<form method="post" action="/kandidaten/inschrijving/\d+/status/"', html))


def test_the_board_has_a_column_per_stage_in_lifecycle_order_with_counts(client, adviser, cohort):
    for status, count in [(S.REGISTERED, 3), (S.SCREENED, 2), (S.SELECTED, 1), (S.DROPPED_OUT, 1)]:
        for _ in range(count):
            enrolment_in(cohort, status)
    client.force_login(adviser)

    response = client.get(board_url(cohort.pilot))

    assert response.status_code == 200
    columns = response.context["columns"]
    assert [column.status for column in columns] == list(S.values)
    counts = {column.status: column.count for column in columns}
    assert counts == {**dict.fromkeys(S.values, 0), S.REGISTERED: 3, S.SCREENED: 2, S.SELECTED: 1, S.DROPPED_OUT: 1}
    assert re.search(r'data-testid="count-registered">.*?3</span>', response.text)
    headings = re.findall(r'class="board-column-title" id="column-(\w+)-title"', response.text)
    assert headings == list(S.values)


def test_a_card_shows_name_cohort_score_and_days_in_stage(client, adviser, cohort, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC), tick=False)
    enrolment = enrolment_in(cohort, S.REGISTERED, name="Sara Kaart")
    screening_record(
        enrolment=enrolment,
        by_user=adviser,
        screened_on=datetime.date(2026, 11, 20),
        recommendation="select",
        interest_score=5,
        motivation_score=4,
        language_score=4,
        availability_score=4,
    )
    time_machine.move_to(datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC), tick=False)
    client.force_login(adviser)

    response = client.get(board_url(cohort.pilot))

    card = re.search(r'<li class="board-card".*?</li>', response.text, re.S).group(0)
    assert "Sara Kaart" in card
    assert "Ronde 1" in card
    assert "score 17/20" in card
    assert "3 days in this stage" in card


def test_each_card_offers_only_the_allowed_targets(client, adviser, cohort):
    registered = enrolment_in(cohort, S.REGISTERED)
    started = enrolment_in(cohort, S.STARTED)
    enrolment_in(cohort, S.OUTFLOW)
    client.force_login(adviser)

    response = client.get(board_url(cohort.pilot))

    def options(enrolment):
        select = re.search(rf'id="to-status-{enrolment.pk}" name="to_status">(.*?)</select>', response.text, re.S)
        return re.findall(r'<option value="(\w+)">', select.group(1))

    assert options(registered) == [S.SCREENING_PLANNED, S.SCREENED, S.NOT_SELECTED]
    assert options(started) == [S.COMPLETED, S.DROPPED_OUT]
    assert f'data-allowed-targets="{S.COMPLETED} {S.DROPPED_OUT}"' in response.text
    assert f'id="dropout-reason-{started.pk}"' in response.text
    assert f'id="dropout-reason-{registered.pk}"' not in response.text
    assert card_forms(response.text) == 2  # an outflow card has nowhere to go


def test_an_allowed_move_records_the_transition_and_returns_to_the_board(client, adviser, cohort):
    enrolment = enrolment_in(cohort, S.REGISTERED, name="Tom Door")
    client.force_login(adviser)
    back = board_url(cohort.pilot, cohort=cohort.pk)

    response = client.post(
        reverse("candidates:enrolment-transition", kwargs={"pk": enrolment.pk}),
        {"to_status": S.SCREENED, "reason": "Telefonisch gescreend", "next": back},
    )

    assert response.status_code == 302
    assert response.url == back
    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED
    step = EnrolmentTransition.objects.get(enrolment=enrolment)
    assert (step.from_status, step.to_status, step.by_user, step.reason) == (
        S.REGISTERED,
        S.SCREENED,
        adviser,
        "Telefonisch gescreend",
    )
    assert messages_of(response) == ["Tom Door is now “Screened”."]


def test_a_dropout_moves_with_its_reason(client, adviser, cohort):
    enrolment = enrolment_in(cohort, S.STARTED)
    client.force_login(adviser)

    client.post(
        reverse("candidates:enrolment-transition", kwargs={"pk": enrolment.pk}),
        {"to_status": S.DROPPED_OUT, "dropout_reason": DropoutReason.TRANSPORT},
    )

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.dropout_reason) == (S.DROPPED_OUT, DropoutReason.TRANSPORT)


def test_a_refused_move_says_why_and_changes_nothing(client, adviser, cohort):
    enrolment = enrolment_in(cohort, S.REGISTERED, name="Uma Nee")
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:enrolment-transition", kwargs={"pk": enrolment.pk}),
        {"to_status": S.STARTED, "next": board_url(cohort.pilot)},
        follow=True,
    )

    enrolment.refresh_from_db()
    assert enrolment.status == S.REGISTERED
    assert not EnrolmentTransition.objects.filter(enrolment=enrolment).exists()
    assert "The status cannot change from “Registered” to “Started”." in response.text
    assert response.redirect_chain[-1][0] == board_url(cohort.pilot)


def test_a_coordinator_moves_cards_too(client, coordinator, cohort):
    enrolment = enrolment_in(cohort, S.SELECTED)
    client.force_login(coordinator)

    page = client.get(board_url(cohort.pilot))
    client.post(reverse("candidates:enrolment-transition", kwargs={"pk": enrolment.pk}), {"to_status": S.STARTED})

    assert card_forms(page.text) == 1
    enrolment.refresh_from_db()
    assert enrolment.status == S.STARTED


def test_a_training_partner_sees_the_board_without_forms_and_cannot_move(client, training_partner, cohort):
    PilotPartnerFactory(pilot=cohort.pilot, organisation=training_partner.organisation)
    enrolment = enrolment_in(cohort, S.SELECTED, name="Vik Kijk")
    client.force_login(training_partner)

    page = client.get(board_url(cohort.pilot))
    response = client.post(
        reverse("candidates:enrolment-transition", kwargs={"pk": enrolment.pk}), {"to_status": S.STARTED}
    )

    assert page.status_code == 200
    assert "Vik Kijk" in page.text
    assert card_forms(page.text) == 0
    assert "data-can-move" not in page.text
    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == S.SELECTED


def test_an_employer_contact_is_refused(client, employer_contact, cohort):
    PilotPartnerFactory(pilot=cohort.pilot, organisation=employer_contact.organisation)
    client.force_login(employer_contact)

    assert client.get(board_url(cohort.pilot)).status_code == 403


def test_a_pilot_or_cohort_outside_the_users_scope_is_not_found(client, adviser, cohort):
    stranger = UserFactory(username="ander", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)
    other_cohort = CohortFactory(pilot=PilotFactory())
    client.force_login(stranger)
    assert client.get(board_url(cohort.pilot)).status_code == 404

    client.force_login(adviser)
    assert client.get(board_url(cohort.pilot, cohort=other_cohort.pk)).status_code == 404
    assert client.get(board_url(cohort.pilot, cohort="abc")).status_code == 404


def test_the_board_can_show_one_cohort(client, adviser, cohort):
    enrolment_in(cohort, S.REGISTERED, name="Wil Hier")
    enrolment_in(CohortFactory(pilot=cohort.pilot, name="Ronde 2"), S.REGISTERED, name="Xam Daar")
    client.force_login(adviser)

    response = client.get(board_url(cohort.pilot, cohort=cohort.pk))

    assert "Wil Hier" in response.text
    assert "Xam Daar" not in response.text
    assert response.context["total"] == 1


def test_a_large_column_shows_the_first_cards_and_a_link_to_all(client, adviser, cohort):
    for _ in range(BOARD_COLUMN_SIZE + 10):
        enrolment_in(cohort, S.REGISTERED)
    enrolment_in(cohort, S.SCREENED)
    client.force_login(adviser)

    response = client.get(board_url(cohort.pilot))

    registered = response.context["columns"][0]
    assert (registered.count, len(registered.cards)) == (BOARD_COLUMN_SIZE + 10, BOARD_COLUMN_SIZE)
    assert "?column=registered" in response.text

    expanded = client.get(board_url(cohort.pilot, column=S.REGISTERED))

    columns = {column.status: column for column in expanded.context["columns"]}
    assert len(columns[S.REGISTERED].cards) == BOARD_COLUMN_SIZE + 10
    assert len(columns[S.SCREENED].cards) == 1


def test_the_board_waits_longest_first_within_a_column(client, adviser, cohort):
    now = timezone.now()
    recent = enrolment_in(cohort, S.REGISTERED, status_changed_at=now - datetime.timedelta(days=1))
    waiting = enrolment_in(cohort, S.REGISTERED, status_changed_at=now - datetime.timedelta(days=20))
    client.force_login(adviser)

    cards = client.get(board_url(cohort.pilot)).context["columns"][0].cards

    assert [card.enrolment for card in cards] == [waiting, recent]


@pytest.mark.parametrize("role", [Role.ADVISER, Role.TRAINING_PARTNER])
def test_the_query_count_does_not_grow_with_the_cards(
    client, user_for_role, cohort, role, django_assert_max_num_queries
):
    user = user_for_role(role)
    PilotPartnerFactory(pilot=cohort.pilot, organisation=user.organisation)
    client.force_login(user)
    statuses = [S.REGISTERED, S.SCREENED, S.RESERVE, S.SELECTED, S.STARTED]
    for status in statuses:
        enrolment_in(cohort, status)
    with django_assert_max_num_queries(20) as few:
        response = client.get(board_url(cohort.pilot))
    assert sum(len(column.cards) for column in response.context["columns"]) == 5
    for index in range(35):
        enrolment_in(cohort, statuses[index % len(statuses)])

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(board_url(cohort.pilot))

    assert sum(len(column.cards) for column in response.context["columns"]) == 40


def test_the_board_loads_its_script_as_a_file_and_has_no_inline_script_or_style(client, adviser, cohort):
    enrolment_in(cohort, S.REGISTERED)
    client.force_login(adviser)

    html = client.get(board_url(cohort.pilot)).text

    assert '<script src="/static/js/board.js" defer></script>' in html
    assert '<link rel="stylesheet" href="/static/css/board.css">' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "style=" not in html


def test_the_pilot_and_cohort_pages_link_to_the_board_and_the_selection(client, adviser, training_partner, cohort):
    PilotPartnerFactory(pilot=cohort.pilot, organisation=training_partner.organisation)
    selection = reverse("candidates:cohort-selection", kwargs={"pk": cohort.pk})
    client.force_login(adviser)

    assert board_url(cohort.pilot) in client.get(cohort.pilot.get_absolute_url()).text
    cohort_page = client.get(cohort.get_absolute_url()).text
    assert selection in cohort_page
    assert f"{board_url(cohort.pilot)}?cohort={cohort.pk}" in cohort_page

    client.force_login(training_partner)
    assert selection not in client.get(cohort.get_absolute_url()).text


def test_advisers_reach_the_screening_from_a_card_before_the_selection(client, adviser, coordinator, cohort):
    registered = enrolment_in(cohort, S.REGISTERED)
    selected = enrolment_in(cohort, S.SELECTED)
    plan = reverse("candidates:screening-plan", kwargs={"pk": registered.pk})
    client.force_login(adviser)

    html = client.get(board_url(cohort.pilot)).text

    assert plan in html
    assert reverse("candidates:screening-plan", kwargs={"pk": selected.pk}) not in html
    client.force_login(coordinator)
    assert plan not in client.get(board_url(cohort.pilot)).text


def test_show_all_opens_a_column_a_page_at_a_time_and_every_card_stays_reachable(client, adviser, cohort, monkeypatch):
    monkeypatch.setattr("candidates.views.board.BOARD_COLUMN_SIZE", 1)
    monkeypatch.setattr("candidates.views.board.BOARD_EXPANDED_SIZE", 2)
    registered = [enrolment_in(cohort, S.REGISTERED) for _ in range(5)]
    enrolment_in(cohort, S.SCREENED)
    client.force_login(adviser)

    pages = [client.get(board_url(cohort.pilot, column=S.REGISTERED, page=number)) for number in (1, 2, 3)]

    shown = [[card.enrolment for card in page.context["columns"][0].cards] for page in pages]
    assert [len(cards) for cards in shown] == [2, 2, 1]
    assert sorted(enrolment.pk for cards in shown for enrolment in cards) == sorted(e.pk for e in registered)
    first = pages[0]
    assert first.context["columns"][0].count == 5
    assert 'aria-label="Pages of this column"' in first.text
    assert "?column=registered&amp;page=2" in first.text
    assert "Show the first" in first.text
    # The other columns keep their first cards.
    assert len({column.status: column for column in first.context["columns"]}[S.SCREENED].cards) == 1


def test_a_column_is_numbered_over_the_narrow_rows_and_shows_its_first_cards_in_order(client, adviser, cohort):
    now = timezone.now()
    waiting = [
        enrolment_in(cohort, S.REGISTERED, status_changed_at=now - datetime.timedelta(days=days))
        for days in range(BOARD_COLUMN_SIZE + 3, 0, -1)
    ]
    client.force_login(adviser)

    column = client.get(board_url(cohort.pilot)).context["columns"][0]

    assert column.count == BOARD_COLUMN_SIZE + 3
    assert [card.enrolment for card in column.cards] == waiting[:BOARD_COLUMN_SIZE]
    assert column.is_truncated
