"""Sectors, dropout reasons and barriers are data a coordinator extends; their codes stay those of the reports."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from candidates.lifecycle import EnrolmentStatus
from candidates.models import BarrierKind, DropoutReason
from candidates.tests.factories import CandidateBarrierFactory
from candidates.tests.journeys import walk
from core.roles import Role
from core.statemachine import TransitionNotAllowed
from pilots.apps import reference_items_ensure
from pilots.models import PilotStatus, ReferenceItem, ReferenceKind, Sector
from pilots.services import reference_item_create, reference_item_update
from pilots.tests.factories import CohortFactory, PilotFactory
from reports.figures import pilot_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages are asserted on in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        (ReferenceKind.SECTOR, Sector),
        (ReferenceKind.DROPOUT_REASON, DropoutReason),
        (ReferenceKind.BARRIER, BarrierKind),
    ],
)
def test_the_lists_start_with_the_codes_and_labels_that_were_fixed_in_code(kind, choices):
    for language in ("nl", "en"):
        with translation.override(language):
            assert list(ReferenceItem.objects.labels(kind).items()) == [
                (choice.value, str(choice.label)) for choice in choices
            ]


def test_lists_emptied_by_a_flush_are_filled_again_after_migrate():
    ReferenceItem.objects.filter(kind=ReferenceKind.SECTOR, code="childcare").delete()
    reference_item_update(
        item=ReferenceItem.objects.get(kind=ReferenceKind.SECTOR, code="other"),
        label="Overig",
        label_en="Other",
        active=False,
        position=9,
        by_user=None,
    )

    reference_items_ensure()

    assert ReferenceItem.objects.filter(kind=ReferenceKind.SECTOR, code="childcare").exists()
    other = ReferenceItem.objects.get(kind=ReferenceKind.SECTOR, code="other")
    assert (other.label, other.active) == ("Overig", False)  # what was changed stays changed


def test_a_coordinator_adds_a_sector_and_chooses_it_when_setting_up_a_pilot(client, coordinator):
    client.force_login(coordinator)

    added = client.post(
        reverse("pilots:reference-create", kwargs={"kind": ReferenceKind.SECTOR}),
        {"label": "Horeca", "label_en": "Hospitality", "code": ""},
    )

    assert added.url == reverse("pilots:reference-list")
    horeca = ReferenceItem.objects.get(kind=ReferenceKind.SECTOR, code="horeca")
    assert (horeca.label, horeca.label_en, horeca.active) == ("Horeca", "Hospitality", True)
    form = client.get(reverse("pilots:pilot-setup")).content.decode()
    assert '<option value="horeca">Hospitality</option>' in form

    client.post(
        reverse("pilots:pilot-setup"),
        {
            "name": "Horeca Utrecht",
            "region": coordinator.organisation.region_id,
            "sector": "horeca",
            "track_kind": "pre_training",
            "duration_weeks": "12",
            "internship_days_per_week": "3",
            "school_days_per_week": "2",
            "target_outflow_percentage": "60",
        },
    )

    pilot = coordinator.organisation.led_pilots.get(name="Horeca Utrecht")
    assert pilot.sector == "horeca"
    assert "Hospitality" in client.get(pilot.get_absolute_url()).content.decode()
    start = client.get(reverse("pilots:coordinator-start")).content.decode()
    assert "Hospitality" in start


def test_a_code_the_list_already_has_gets_a_form_error(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("pilots:reference-create", kwargs={"kind": ReferenceKind.SECTOR}),
        {"label": "Kinderopvang BSO", "label_en": "", "code": "childcare"},
    )

    assert response.status_code == 200
    assert "This list already has an item with this code." in response.content.decode()
    assert ReferenceItem.objects.filter(kind=ReferenceKind.SECTOR, code="childcare").count() == 1


def test_a_label_whose_code_is_taken_gets_a_form_error_too(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("pilots:reference-create", kwargs={"kind": ReferenceKind.DROPOUT_REASON}),
        {"label": "Health", "label_en": "", "code": ""},
    )

    assert "This list already has an item with this code." in response.content.decode()


def test_the_same_code_in_another_list_is_fine(coordinator):
    item = reference_item_create(
        kind=ReferenceKind.DROPOUT_REASON, label="Kinderopvang", code="childcare", by_user=coordinator
    )
    assert item.code == "childcare"


def test_a_code_with_other_characters_is_refused(coordinator):
    with pytest.raises(ValidationError) as refused:
        reference_item_create(kind=ReferenceKind.SECTOR, label="Retail", code="Retail & Co", by_user=coordinator)
    assert "code" in refused.value.message_dict


def test_changing_an_item_keeps_its_code_and_switching_it_off_stops_offering_it(client, coordinator):
    pilot = PilotFactory(
        sector=Sector.HOME_CARE, lead_organisation=coordinator.organisation, region=coordinator.organisation.region
    )
    item = ReferenceItem.objects.get(kind=ReferenceKind.SECTOR, code=Sector.HOME_CARE)
    client.force_login(coordinator)

    client.post(
        reverse("pilots:reference-edit", kwargs={"kind": item.kind, "code": item.code}),
        {"label": "Wijkverpleging", "label_en": "District nursing", "position": "5", "code": "nursing"},
    )

    item.refresh_from_db()
    assert (item.code, item.label, item.label_en, item.active) == (
        "home_care",
        "Wijkverpleging",
        "District nursing",
        False,
    )
    assert 'value="home_care"' not in client.get(reverse("pilots:pilot-setup")).content.decode()
    # Where it was chosen it stays, with its new name, and the pilot's own form still offers it.
    assert "District nursing" in client.get(pilot.get_absolute_url()).content.decode()
    details = reverse("pilots:pilot-setup-details", kwargs={"slug": pilot.slug})
    assert 'value="home_care" selected' in client.get(details).content.decode()


@pytest.mark.parametrize("role", [Role.ADVISER, Role.TRAINING_PARTNER, Role.EMPLOYER_CONTACT])
def test_only_coordinators_and_administrators_keep_the_lists(client, user_for_role, role):
    client.force_login(user_for_role(role))
    assert client.get(reverse("pilots:reference-list")).status_code == 403
    create = reverse("pilots:reference-create", kwargs={"kind": ReferenceKind.SECTOR})
    assert client.post(create, {"label": "Retail"}).status_code == 403
    assert not ReferenceItem.objects.filter(code="retail").exists()


def test_an_unknown_list_is_not_found(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("pilots:reference-create", kwargs={"kind": "colours"})).status_code == 404


def test_a_new_dropout_reason_is_offered_recorded_and_counted_in_the_report(client, adviser, coordinator):
    reference_item_create(
        kind=ReferenceKind.DROPOUT_REASON, label="Detentie", label_en="Detention", code="detention", by_user=coordinator
    )
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=adviser.organisation, status=PilotStatus.RUNNING))

    walk(cohort=cohort, to=EnrolmentStatus.DROPPED_OUT, by_user=adviser, dropout_reason="detention")
    walk(cohort=cohort, to=EnrolmentStatus.DROPPED_OUT, by_user=adviser, dropout_reason=DropoutReason.HEALTH)

    with translation.override("en"):
        figures = pilot_evaluation(pilots=[cohort.pilot])
    rows = {row.reason: (row.label, row.count) for row in figures.dropout_by_reason}
    assert rows["detention"] == ("Detention", 1)
    assert rows[DropoutReason.HEALTH] == ("Health", 1)
    assert list(rows)[-1] == "detention"  # a new item comes at the end of its list
    assert figures.dropout_total.count == 2


def test_a_switched_off_dropout_reason_is_refused_for_a_new_dropout(adviser, coordinator):
    item = ReferenceItem.objects.get(kind=ReferenceKind.DROPOUT_REASON, code=DropoutReason.MOVED)
    reference_item_update(
        item=item, label=item.label, label_en=item.label_en, active=False, position=8, by_user=coordinator
    )
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=adviser.organisation))

    with translation.override("en"), pytest.raises(TransitionNotAllowed, match="Choose a reason for the dropout"):
        walk(cohort=cohort, to=EnrolmentStatus.DROPPED_OUT, by_user=adviser, dropout_reason=DropoutReason.MOVED)


def test_the_candidates_page_shows_the_barrier_label_from_the_list(client, adviser, coordinator):
    cohort = CohortFactory(pilot=PilotFactory(lead_organisation=adviser.organisation))
    enrolment = walk(cohort=cohort, to=EnrolmentStatus.REGISTERED, by_user=adviser)
    item = reference_item_create(
        kind=ReferenceKind.BARRIER, label="Mantelzorg", label_en="Informal care", by_user=coordinator
    )
    CandidateBarrierFactory(candidate=enrolment.candidate, kind=item.code)
    client.force_login(adviser)

    page = client.get(reverse("candidates:candidate-detail", kwargs={"pk": enrolment.candidate.pk})).content.decode()

    assert "Informal care" in page


def test_the_administration_filters_dropouts_by_the_reasons_of_the_list(client, administrator, adviser):
    cohort = CohortFactory()
    walk(cohort=cohort, to=EnrolmentStatus.DROPPED_OUT, by_user=adviser, dropout_reason=DropoutReason.HEALTH)
    walk(cohort=cohort, to=EnrolmentStatus.DROPPED_OUT, by_user=adviser, dropout_reason=DropoutReason.MOTIVATION)
    walk(cohort=cohort, to=EnrolmentStatus.STARTED, by_user=adviser)
    client.force_login(administrator)
    changelist = reverse("admin:candidates_enrolment_changelist")

    page = client.get(changelist).content.decode()
    filtered = client.get(changelist, {"dropout_reason": DropoutReason.HEALTH})

    # Every reason of the list by its label, and no link for the empty code of those who did not drop out.
    labels = ReferenceItem.objects.labels(ReferenceKind.DROPOUT_REASON)
    assert all(f'href="?dropout_reason={code}"' in page for code in labels)
    assert 'href="?dropout_reason="' not in page
    assert labels[DropoutReason.HEALTH] in page
    assert [enrolment.dropout_reason for enrolment in filtered.context["cl"].result_list] == [DropoutReason.HEALTH]
