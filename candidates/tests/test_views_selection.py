import datetime
import threading

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from candidates.models import Enrolment, EnrolmentStatus, EnrolmentTransition, Screening
from candidates.services import enrolment_transition, screening_record
from candidates.tests.factories import CandidateFactory, EnrolmentFactory
from core.roles import Role
from core.tests.factories import UserFactory
from pilots.tests.factories import CohortFactory, OrganisationFactory, PilotFactory, PilotPartnerFactory
from tests.services import require_postgres

S = EnrolmentStatus
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def english(client, settings):
    """The messages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def pilot(organisation):
    return PilotFactory(lead_organisation=organisation, name="Groepshulp kinderopvang")


@pytest.fixture
def cohort(pilot):
    return CohortFactory(pilot=pilot, name="Ronde 1", seats=2)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def screened(cohort, by_user, name: str, scores=(3, 3, 3, 3), recommendation="select") -> Enrolment:
    first, last = name.split(" ", 1)
    enrolment = EnrolmentFactory(cohort=cohort, candidate=CandidateFactory(first_name=first, last_name=last))
    screening_record(
        enrolment=enrolment,
        by_user=by_user,
        screened_on=TODAY,
        recommendation=recommendation,
        **dict(
            zip(("interest_score", "motivation_score", "language_score", "availability_score"), scores, strict=True)
        ),
    )
    enrolment.refresh_from_db()
    return enrolment


def on_reserve(cohort, by_user, name: str, confirmed_on=TODAY) -> Enrolment:
    enrolment = screened(cohort, by_user, name)
    enrolment = enrolment_transition(enrolment=enrolment, to_status=S.RESERVE, by_user=by_user)
    Enrolment.objects.filter(pk=enrolment.pk).update(interest_confirmed_on=confirmed_on)
    enrolment.refresh_from_db()
    return enrolment


def move(client, enrolment, to_status, **data):
    return client.post(
        reverse("candidates:enrolment-transition", kwargs={"pk": enrolment.pk}), {"to_status": to_status, **data}
    )


def selection_url(cohort) -> str:
    return reverse("candidates:cohort-selection", kwargs={"pk": cohort.pk})


# --- the ranking ------------------------------------------------------------------------------------


def test_screened_candidates_are_ranked_by_their_latest_score_highest_first(client, adviser, cohort):
    screened(cohort, adviser, "Anna Laag", (2, 2, 3, 3))
    screened(cohort, adviser, "Bram Hoog", (5, 5, 4, 4))
    middle = screened(cohort, adviser, "Cem Midden", (5, 5, 5, 5))
    # A newer screening replaces the earlier one in the ranking.
    screening_record(
        enrolment=middle,
        by_user=adviser,
        screened_on=TODAY,
        recommendation="reserve",
        interest_score=4,
        motivation_score=4,
        language_score=3,
        availability_score=3,
    )
    client.force_login(adviser)

    response = client.get(selection_url(cohort))

    names = [row.enrolment.candidate.full_name for row in response.context["rows"]]
    assert names == ["Bram Hoog", "Cem Midden", "Anna Laag"]
    assert [row.enrolment.latest_score for row in response.context["rows"]] == [18, 14, 10]
    assert [row.recommendation for row in response.context["rows"]] == ["Select", "Reserve", "Select"]
    text = response.text
    assert text.index("Bram Hoog") < text.index("Cem Midden") < text.index("Anna Laag")
    assert f"<strong>18</strong>/{Screening.MAX_SCORE}" in text


def test_the_ranking_shows_how_complete_each_record_is(client, adviser, cohort):
    enrolment = screened(cohort, adviser, "Dewi Onvolledig")
    enrolment.candidate.education_level = ""
    enrolment.candidate.save()
    client.force_login(adviser)

    response = client.get(selection_url(cohort))

    row = response.context["rows"][0]
    assert row.completeness == 90
    assert row.missing == ["highest education"]


def test_the_selection_view_runs_a_fixed_number_of_queries(client, adviser, cohort, django_assert_max_num_queries):
    client.force_login(adviser)
    for index in range(3):
        screened(cohort, adviser, f"Kandidaat Klein{index}")
    with django_assert_max_num_queries(20) as few:
        client.get(selection_url(cohort))
    for index in range(15):
        screened(cohort, adviser, f"Kandidaat Groot{index}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(selection_url(cohort))

    assert len(response.context["rows"]) == 18


# --- selecting --------------------------------------------------------------------------------------


def test_selecting_names_the_candidate_and_the_new_status(client, adviser, cohort):
    enrolment = screened(cohort, adviser, "Eva Jansen")
    client.force_login(adviser)

    response = move(client, enrolment, S.SELECTED)

    assert response.status_code == 302
    assert response.url == selection_url(cohort)
    enrolment.refresh_from_db()
    assert enrolment.status == S.SELECTED
    assert messages_of(response) == ["Eva Jansen is now “Selected”."]


def test_selecting_beyond_the_seats_is_refused_with_a_message_and_changes_nothing(client, adviser, cohort):
    first, second, third = (screened(cohort, adviser, name) for name in ("Fleur Een", "Gijs Twee", "Hana Drie"))
    client.force_login(adviser)
    move(client, first, S.SELECTED)
    move(client, second, S.SELECTED)

    response = move(client, third, S.SELECTED)

    third.refresh_from_db()
    assert third.status == S.SCREENED
    assert not third.transitions.filter(to_status=S.SELECTED).exists()
    assert Enrolment.objects.filter(cohort=cohort, status=S.SELECTED).count() == 2
    message = messages_of(response)[-1]  # after the two successes, which were not shown yet
    assert "Hana Drie" in message
    assert "All 2 seats" in message
    page = client.get(selection_url(cohort))
    assert page.context["seats_taken"] == 2
    assert page.context["seats_left"] == 0


def test_not_selecting_needs_a_reason(client, adviser, cohort):
    enrolment = screened(cohort, adviser, "Ilse Zonder")
    client.force_login(adviser)

    response = move(client, enrolment, S.NOT_SELECTED, reason="  ")

    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED
    assert any("Give a reason" in message for message in messages_of(response))

    move(client, enrolment, S.NOT_SELECTED, reason="Niet beschikbaar op stagedagen")

    enrolment.refresh_from_db()
    assert enrolment.status == S.NOT_SELECTED
    assert enrolment.transitions.get(to_status=S.NOT_SELECTED).reason == "Niet beschikbaar op stagedagen"


@pytest.mark.parametrize("to_status", ["promoted", "", "started"])
def test_an_unknown_or_refused_status_is_a_message_not_an_error_page(client, adviser, cohort, to_status):
    enrolment = screened(cohort, adviser, "Jan Fout")
    client.force_login(adviser)

    response = move(client, enrolment, to_status)

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED
    assert any("was not changed" in message for message in messages_of(response))


def test_the_transition_returns_to_a_safe_next_only(client, adviser, cohort, pilot):
    enrolment = screened(cohort, adviser, "Kees Terug")
    client.force_login(adviser)
    board = reverse("candidates:board", kwargs={"slug": pilot.slug}) + f"?cohort={cohort.pk}"

    assert move(client, enrolment, S.RESERVE, next=board).url == board
    assert move(client, enrolment, S.SELECTED, next="https://evil.example.org/").url == selection_url(cohort)


def test_the_transition_is_post_only(client, adviser, cohort):
    enrolment = screened(cohort, adviser, "Lot Get")
    client.force_login(adviser)

    response = client.get(reverse("candidates:enrolment-transition", kwargs={"pk": enrolment.pk}))

    assert response.status_code == 405


def test_a_coordinator_may_select(client, coordinator, adviser, cohort):
    enrolment = screened(cohort, adviser, "Mo Coördinatie")
    client.force_login(coordinator)

    move(client, enrolment, S.SELECTED)

    enrolment.refresh_from_db()
    assert enrolment.status == S.SELECTED


@pytest.mark.parametrize("role", [Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_training_partners_and_employers_can_neither_see_nor_select(client, user_for_role, adviser, cohort, role):
    enrolment = screened(cohort, adviser, "Noor Nee")
    user = user_for_role(role)
    PilotPartnerFactory(pilot=cohort.pilot, organisation=user.organisation)
    client.force_login(user)

    assert client.get(selection_url(cohort)).status_code == 403
    assert move(client, enrolment, S.SELECTED).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == S.SCREENED


def test_another_organisations_adviser_gets_a_404(client, adviser, cohort):
    enrolment = screened(cohort, adviser, "Olaf Ver")
    stranger = UserFactory(username="ander", organisation=OrganisationFactory(name="WSP Elders"), role=Role.ADVISER)
    client.force_login(stranger)

    assert client.get(selection_url(cohort)).status_code == 404
    assert move(client, enrolment, S.SELECTED).status_code == 404
    assert client.post(reverse("candidates:carry-over", kwargs={"pk": cohort.pk})).status_code == 404
    assert client.post(reverse("candidates:reserve-promote", kwargs={"pk": cohort.pk})).status_code == 404


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_advisers_clicking_select_for_the_last_seat_at_once_fill_it_once(adviser, organisation):
    require_postgres()
    colleague = UserFactory(username="collega", organisation=organisation, role=Role.ADVISER)
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=organisation), seats=1)
    first = screened(cohort, adviser, "Pim Eerste")
    second = screened(cohort, adviser, "Quinta Tweede")
    barrier = threading.Barrier(2)
    responses: list = [None, None]

    def click(index: int, user, enrolment) -> None:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            responses[index] = move(client, enrolment, S.SELECTED)
        except Exception as error:  # the assertion below shows what went wrong
            responses[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=click, args=(0, adviser, first)),
        threading.Thread(target=click, args=(1, colleague, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads), "a request is still waiting for a lock"
    assert all(getattr(response, "status_code", None) == 302 for response in responses), responses
    outcomes = sorted("is now" in message for response in responses for message in messages_of(response))
    assert outcomes == [False, True]
    assert Enrolment.objects.filter(cohort=cohort, status=S.SELECTED).count() == 1
    assert EnrolmentTransition.objects.filter(enrolment__cohort=cohort, to_status=S.SELECTED).count() == 1


# --- the reserve list -------------------------------------------------------------------------------


def test_the_reserve_list_is_shown_in_order_with_stale_interest_highlighted(client, adviser, cohort, settings):
    settings.RESERVE_RECONFIRM_DAYS = 30
    on_reserve(cohort, adviser, "Rik Eerste", confirmed_on=TODAY)
    on_reserve(cohort, adviser, "Sem Tweede", confirmed_on=TODAY - datetime.timedelta(days=31))
    on_reserve(cohort, adviser, "Tess Derde", confirmed_on=TODAY - datetime.timedelta(days=29))
    client.force_login(adviser)

    response = client.get(selection_url(cohort))

    reserves = response.context["reserves"]
    assert [(e.candidate.full_name, stale) for e, stale in reserves] == [
        ("Rik Eerste", False),
        ("Sem Tweede", True),
        ("Tess Derde", False),
    ]
    table = response.text[response.text.index('class="table align-middle mb-0 reserve-table"') :]
    assert table.count("is-stale") == 1
    assert table.index("Rik Eerste") < table.index("Sem Tweede") < table.index("Tess Derde")


def test_reconfirming_interest_records_today_and_a_history_row(client, adviser, cohort):
    enrolment = on_reserve(cohort, adviser, "Umut Bel", confirmed_on=datetime.date(2026, 5, 1))
    client.force_login(adviser)

    response = client.post(reverse("candidates:interest-confirm", kwargs={"pk": enrolment.pk}))

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.interest_confirmed_on == TODAY
    assert enrolment.transitions.filter(reason="Interest reconfirmed").count() == 1


def test_only_reserves_reconfirm_interest(client, adviser, cohort):
    enrolment = screened(cohort, adviser, "Vera Geen")
    client.force_login(adviser)

    response = client.post(reverse("candidates:interest-confirm", kwargs={"pk": enrolment.pk}))

    enrolment.refresh_from_db()
    assert enrolment.interest_confirmed_on is None
    assert any("Only candidates on the reserve list" in message for message in messages_of(response))


def test_a_seat_freed_by_a_withdrawal_before_the_start_goes_to_the_first_reserve(client, adviser, cohort):
    leaving = screened(cohort, adviser, "Wim Weg")
    stays = screened(cohort, adviser, "Xandra Blijft")
    for enrolment in (leaving, stays):
        enrolment_transition(enrolment=enrolment, to_status=S.SELECTED, by_user=adviser)
    first = on_reserve(cohort, adviser, "Yara Eerste")
    second = on_reserve(cohort, adviser, "Zeb Tweede")
    client.force_login(adviser)
    assert client.get(selection_url(cohort)).context["seats_left"] == 0

    move(client, leaving, S.WITHDRAWN, reason="Heeft een baan gevonden")
    leaving.refresh_from_db()
    assert leaving.status == S.WITHDRAWN
    page = client.get(selection_url(cohort))
    assert page.context["seats_left"] == 1
    assert page.context["first_reserve"] == first
    assert not page.context["first_reserve_is_stale"]
    assert 'name="interest_reconfirmed"' not in page.text

    response = client.post(reverse("candidates:reserve-promote", kwargs={"pk": cohort.pk}), {"enrolment": first.pk})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.SELECTED
    assert first.reserve_position is None
    assert second.reserve_position == 1
    assert any("Yara Eerste" in message and "promoted" in message for message in messages_of(response))


def test_a_stale_first_reserve_must_be_reconfirmed_before_promotion(client, adviser, cohort):
    stale = on_reserve(cohort, adviser, "Ada Oud", confirmed_on=datetime.date(2026, 1, 5))
    client.force_login(adviser)
    page = client.get(selection_url(cohort))
    assert page.context["first_reserve_is_stale"]
    assert 'name="interest_reconfirmed"' in page.text
    url = reverse("candidates:reserve-promote", kwargs={"pk": cohort.pk})

    refused = client.post(url, {"enrolment": stale.pk})

    stale.refresh_from_db()
    assert stale.status == S.RESERVE
    assert stale.interest_confirmed_on == datetime.date(2026, 1, 5)
    assert any("Interest reconfirmed today" in message for message in messages_of(refused))

    client.post(url, {"enrolment": stale.pk, "interest_reconfirmed": "on"})

    stale.refresh_from_db()
    assert stale.status == S.SELECTED
    assert stale.interest_confirmed_on == TODAY
    reasons = list(stale.transitions.order_by("at", "pk").values_list("reason", flat=True))
    assert reasons[-2:] == ["Interest reconfirmed", "Promoted from the reserve list"]


def test_promoting_into_a_full_cohort_changes_nothing(client, adviser, cohort):
    for name in ("Bo Een", "Cas Twee"):
        enrolment_transition(enrolment=screened(cohort, adviser, name), to_status=S.SELECTED, by_user=adviser)
    reserve = on_reserve(cohort, adviser, "Dina Wacht", confirmed_on=datetime.date(2026, 1, 5))
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:reserve-promote", kwargs={"pk": cohort.pk}),
        {"enrolment": reserve.pk, "interest_reconfirmed": "on"},
    )

    reserve.refresh_from_db()
    assert reserve.status == S.RESERVE
    assert reserve.interest_confirmed_on == datetime.date(2026, 1, 5)  # the refused step is undone as a whole
    assert any("seats" in message for message in messages_of(response))


def test_promotion_is_refused_when_the_reserve_list_changed_meanwhile(client, adviser, cohort):
    first = on_reserve(cohort, adviser, "Ed Eerst")
    second = on_reserve(cohort, adviser, "Fay Later")
    client.force_login(adviser)
    move(client, first, S.NOT_SELECTED, reason="Trekt zich terug")

    response = client.post(reverse("candidates:reserve-promote", kwargs={"pk": cohort.pk}), {"enrolment": first.pk})

    second.refresh_from_db()
    assert second.status == S.RESERVE
    assert any("has changed" in message for message in messages_of(response))


# --- carrying candidates over -----------------------------------------------------------------------


def test_carry_over_creates_registered_enrolments_with_history_and_skips_existing(client, adviser, cohort, pilot):
    second_round = CohortFactory(
        pilot=pilot, name="Ronde 2", start_date=datetime.date(2027, 2, 1), end_date=datetime.date(2027, 5, 15)
    )
    reserve = on_reserve(cohort, adviser, "Gert Reserve")
    not_selected = enrolment_transition(
        enrolment=screened(cohort, adviser, "Hiba Niet"), to_status=S.NOT_SELECTED, by_user=adviser, reason="Taal"
    )
    already = on_reserve(cohort, adviser, "Ivo Al")
    EnrolmentFactory(candidate=already.candidate, cohort=second_round)
    selected = enrolment_transition(
        enrolment=screened(cohort, adviser, "Joy Gekozen"), to_status=S.SELECTED, by_user=adviser
    )
    client.force_login(adviser)
    url = reverse("candidates:carry-over", kwargs={"pk": cohort.pk})

    form = client.get(url).context["form"]
    assert set(form.fields["enrolments"].queryset) == {reserve, not_selected, already}
    assert selected not in form.fields["enrolments"].queryset
    assert second_round in form.fields["to_cohort"].queryset
    assert cohort not in form.fields["to_cohort"].queryset

    response = client.post(url, {"enrolments": [reserve.pk, not_selected.pk, already.pk], "to_cohort": second_round.pk})

    assert response.status_code == 302
    carried = Enrolment.objects.filter(cohort=second_round).exclude(candidate=already.candidate)
    assert {e.candidate for e in carried} == {reserve.candidate, not_selected.candidate}
    assert all(e.status == S.REGISTERED for e in carried)
    for enrolment in carried:
        [step] = enrolment.transitions.all()
        assert (step.from_status, step.to_status, step.by_user) == ("", S.REGISTERED, adviser)
        assert "Ronde 1" in step.reason
    assert Enrolment.objects.filter(candidate=already.candidate, cohort=second_round).count() == 1
    reserve.refresh_from_db()
    assert reserve.status == S.RESERVE  # the first round's list stays as it was
    assert messages_of(response) == [
        "2 candidates are carried over to Groepshulp kinderopvang – Ronde 2 as registered.",
        "1 candidate was already enrolled there and was skipped.",
    ]


def test_carry_over_only_to_cohorts_the_user_can_see(client, adviser, cohort):
    reserve = on_reserve(cohort, adviser, "Kim Buiten")
    foreign = CohortFactory(pilot=PilotFactory(), name="Elders")
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:carry-over", kwargs={"pk": cohort.pk}),
        {"enrolments": [reserve.pk], "to_cohort": foreign.pk},
    )

    assert response.status_code == 200
    assert "to_cohort" in response.context["form"].errors
    assert not Enrolment.objects.filter(cohort=foreign).exists()


def test_carry_over_refuses_candidates_who_are_not_on_reserve_or_not_selected(client, adviser, cohort, pilot):
    selected = enrolment_transition(
        enrolment=screened(cohort, adviser, "Lex Gekozen"), to_status=S.SELECTED, by_user=adviser
    )
    on_reserve(cohort, adviser, "Mia Reserve")
    target = CohortFactory(pilot=pilot, name="Ronde 2")
    client.force_login(adviser)

    response = client.post(
        reverse("candidates:carry-over", kwargs={"pk": cohort.pk}),
        {"enrolments": [selected.pk], "to_cohort": target.pk},
    )

    assert "enrolments" in response.context["form"].errors
    assert not Enrolment.objects.filter(cohort=target).exists()


def test_selection_view_shows_how_complete_the_cohorts_records_are(client, adviser, organisation):
    cohort = CohortFactory(pilot__lead_organisation=organisation)
    EnrolmentFactory(cohort=cohort, candidate=CandidateFactory(education_level="mbo2"))
    EnrolmentFactory(cohort=cohort, candidate=CandidateFactory(education_level=""))
    client.force_login(adviser)

    response = client.get(reverse("candidates:cohort-selection", args=[cohort.pk]))

    records = response.context["records"]
    assert records.candidates == 2
    assert records.complete == 1
    assert records.missing_by_requirement["education_level"] == 1
    assert 'data-testid="cohort-records"' in response.text


# --- long lists --------------------------------------------------------------------------------------


def test_the_ranking_is_shown_a_page_at_a_time_and_the_rank_goes_on_over_the_pages(
    client, adviser, cohort, monkeypatch
):
    monkeypatch.setattr("candidates.views.selection.SELECTION_PAGE_SIZE", 2)
    screened(cohort, adviser, "Anna Laag", (2, 2, 2, 2))
    screened(cohort, adviser, "Bram Hoog", (5, 5, 5, 5))
    screened(cohort, adviser, "Cem Midden", (4, 4, 4, 4))
    client.force_login(adviser)

    first = client.get(selection_url(cohort))
    second = client.get(selection_url(cohort), {"page": 2})

    assert [(row.rank, row.enrolment.candidate.full_name) for row in first.context["rows"]] == [
        (1, "Bram Hoog"),
        (2, "Cem Midden"),
    ]
    assert [(row.rank, row.enrolment.candidate.full_name) for row in second.context["rows"]] == [(3, "Anna Laag")]
    assert 'aria-label="Pages of the screened candidates"' in first.text
    assert '<a class="page-link" href="?page=2">2</a>' in first.text


def test_the_reserve_list_is_paged_and_the_first_reserve_is_offered_from_every_page(
    client, adviser, cohort, monkeypatch
):
    monkeypatch.setattr("candidates.views.selection.SELECTION_PAGE_SIZE", 2)
    first = on_reserve(cohort, adviser, "Rik Eerste")
    on_reserve(cohort, adviser, "Sem Tweede")
    third = on_reserve(cohort, adviser, "Tess Derde")
    client.force_login(adviser)

    response = client.get(selection_url(cohort), {"reserve_page": 2})

    assert [enrolment for enrolment, _stale in response.context["reserves"]] == [third]
    assert response.context["first_reserve"] == first
    assert response.context["reserve_page"].paginator.count == 3
    table = response.text[response.text.index('class="table align-middle mb-0 reserve-table"') :]
    assert '<td class="text-end tabular-nums">3</td>' in table
    assert 'aria-label="Pages of the reserve list"' in response.text
