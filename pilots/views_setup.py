"""Setting up a pilot in the portal step by step, changing it later, copying it as the next round, and the lists of
reference data a coordinator extends. In the pilots section (config/urls.py); coordinators and administrators only.

A pilot is set up as a draft in design: the first step makes it (pilot_create), the partners and learning line steps
change it, and the summary opens it for recruitment (pilot_open). The same pages change the pilot later, from the
pilot's page. A coordinator works only in their own regions (pilots.selectors.setup_regions): another region's pilot
answers 404, as if it did not exist.
"""

import re
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm, ChoiceField
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import AuthenticatedRequest, role_required
from core.roles import Role
from core.statemachine import TransitionNotAllowed

from .forms import (
    ModuleForm,
    OrganisationForm,
    OrganisationSearchForm,
    PartnerAddForm,
    PilotCopyForm,
    PilotDetailsForm,
    ReferenceItemCreateForm,
    ReferenceItemUpdateForm,
    RegionForm,
)
from .models import Pilot, PilotStatus, ReferenceItem, ReferenceKind, Region
from .selectors import (
    LINE_ORDER,
    organisation_search,
    pilot_history_entries,
    pilot_setup_list,
    reference_items,
    setup_regions,
    with_reference_label,
)
from .services import (
    module_create,
    module_delete,
    pilot_copy,
    pilot_create,
    pilot_open,
    pilot_partner_add,
    pilot_partner_add_new_organisation,
    pilot_partner_remove,
    pilot_update,
    reference_item_create,
    reference_item_update,
    region_create,
    region_update,
)

SETUP_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR)

# The steps of the set-up, in their order: (key, URL name, label).
STEPS = (
    ("details", "pilots:pilot-setup-details", gettext_lazy("Details")),
    ("partners", "pilots:pilot-setup-partners", gettext_lazy("Partners")),
    ("modules", "pilots:pilot-setup-modules", gettext_lazy("Learning line")),
    ("summary", "pilots:pilot-setup-summary", gettext_lazy("Summary")),
)


def _setup_pilot(request: AuthenticatedRequest, slug: str) -> Pilot:
    """The pilot the user may change, or 404: a pilot of another region is not there for them."""
    pilots = with_reference_label(
        pilot_setup_list(user=request.user), field="sector", kind=ReferenceKind.SECTOR, name="sector_label"
    )
    return get_object_or_404(pilots.select_related("region", "lead_organisation"), slug=slug)


def _steps(current: str) -> list[dict]:
    keys = [key for key, _name, _label in STEPS]
    return [
        {
            "key": key,
            "url_name": url_name,
            "label": label,
            "number": number,
            "current": key == current,
            "done": number <= keys.index(current),
        }
        for number, (key, url_name, label) in enumerate(STEPS, start=1)
    ]


def _context(pilot: Pilot | None, step: str, **extra) -> dict:
    """What every step page shows: the step indicator while the pilot is being set up, else a way back."""
    setting_up = pilot is None or pilot.status == PilotStatus.DESIGN
    return {"pilot": pilot, "steps": _steps(step), "step": step, "setting_up": setting_up, **extra}


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    """A service's ValidationError on the form: on its field where the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Step 1: the details -------------------------------------------------------------------------------------------


@role_required(*SETUP_ROLES)
def pilot_setup(request: AuthenticatedRequest) -> HttpResponse:
    """The first step of a new pilot; saving it makes the pilot, in design."""
    regions = setup_regions(user=request.user)
    choose_lead = request.user.role == Role.ADMINISTRATOR
    form = PilotDetailsForm(request.POST or None, regions=regions, choose_lead=choose_lead)
    if request.method == "POST" and form.is_valid():
        lead = form.cleaned_data["lead_organisation"] if choose_lead else request.user.organisation
        if lead is None:  # a coordinator without an organisation has no region either, so the form stops them first
            raise PermissionDenied
        try:
            pilot = pilot_create(lead_organisation=lead, by_user=request.user, **form.pilot_fields())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(pilot)s is saved as a draft. Now add its partners.") % {"pilot": pilot})
            return redirect("pilots:pilot-setup-partners", slug=pilot.slug)
    return render(
        request, "pilots/setup/details.html", _context(None, "details", form=form, has_regions=regions.exists())
    )


@role_required(*SETUP_ROLES)
def pilot_setup_details(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    pilot = _setup_pilot(request, slug)
    form = PilotDetailsForm(request.POST or None, instance=pilot, regions=setup_regions(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            pilot_update(pilot=pilot, by_user=request.user, **form.pilot_fields())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The details of %(pilot)s are saved.") % {"pilot": pilot})
            if pilot.status == PilotStatus.DESIGN:
                return redirect("pilots:pilot-setup-partners", slug=pilot.slug)
            return redirect(pilot)
    return render(request, "pilots/setup/details.html", _context(pilot, "details", form=form, has_regions=True))


# --- Step 2: the partners ------------------------------------------------------------------------------------------


@role_required(*SETUP_ROLES)
def pilot_setup_partners(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The pilot's partners: find an organisation and add it in a role, or make a new one; remove a role."""
    pilot = _setup_pilot(request, slug)
    partnerships = pilot.partnerships.select_related("organisation").order_by("role", "organisation__name")
    search = OrganisationSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    add_form = PartnerAddForm(prefix="add")
    new_form = OrganisationForm(prefix="new")
    if request.method == "POST":
        if "remove" in request.POST:
            partnership = get_object_or_404(partnerships, pk=_int_or_404(request.POST["remove"]))
            pilot_partner_remove(partnership=partnership, by_user=request.user)
            messages.success(
                request,
                _("%(organisation)s no longer takes part as %(role)s.")
                % {"organisation": partnership.organisation, "role": partnership.get_role_display()},
            )
            return redirect("pilots:pilot-setup-partners", slug=pilot.slug)
        if "add-organisation" in request.POST:
            add_form = PartnerAddForm(request.POST, prefix="add")
            if add_form.is_valid():
                try:
                    partnership = pilot_partner_add(pilot=pilot, by_user=request.user, **add_form.cleaned_data)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(request, _("%(partner)s is added.") % {"partner": partnership})
                return redirect("pilots:pilot-setup-partners", slug=pilot.slug)
            messages.error(request, _("Choose the role the organisation takes in this pilot."))
        else:
            new_form = OrganisationForm(request.POST, prefix="new")
            if new_form.is_valid():
                try:
                    partnership = pilot_partner_add_new_organisation(
                        pilot=pilot,
                        role=new_form.cleaned_data["role"],
                        contribution=new_form.cleaned_data["contribution"],
                        by_user=request.user,
                        **new_form.organisation_fields(),
                    )
                except ValidationError as error:
                    _add_errors(new_form, error)
                else:
                    messages.success(request, _("%(partner)s is added.") % {"partner": partnership})
                    return redirect("pilots:pilot-setup-partners", slug=pilot.slug)
    return render(
        request,
        "pilots/setup/partners.html",
        _context(
            pilot,
            "partners",
            partnerships=partnerships,
            search=search,
            query=query,
            results=list(organisation_search(query=query)) if query else None,
            add_form=add_form,
            role_choices=cast(ChoiceField, add_form.fields["role"]).choices,
            new_form=new_form,
        ),
    )


def _int_or_404(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404
    return int(value)


# --- Step 3: the learning line -------------------------------------------------------------------------------------


@role_required(*SETUP_ROLES)
def pilot_setup_modules(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The pilot's learning line: its modules with the certificates they give, such as VCA."""
    pilot = _setup_pilot(request, slug)
    modules = pilot.modules.select_related("provider").order_by(*LINE_ORDER)
    form = ModuleForm(siblings=pilot.modules.all())
    if request.method == "POST":
        if "remove" in request.POST:
            module = get_object_or_404(pilot.modules.all(), pk=_int_or_404(request.POST["remove"]))
            module_delete(module=module, by_user=request.user)
            messages.success(request, _("%(module)s is removed from the learning line.") % {"module": module.name})
            return redirect("pilots:pilot-setup-modules", slug=pilot.slug)
        form = ModuleForm(request.POST, siblings=pilot.modules.all())
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                module = module_create(pilot=pilot, by_user=request.user, **fields)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("%(module)s is saved.") % {"module": module.name})
                return redirect("pilots:pilot-setup-modules", slug=pilot.slug)
    return render(request, "pilots/setup/modules.html", _context(pilot, "modules", modules=modules, form=form))


# --- Step 4: the summary -------------------------------------------------------------------------------------------


@role_required(*SETUP_ROLES)
def pilot_setup_summary(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Everything at a glance; confirming it opens the pilot for recruitment."""
    pilot = _setup_pilot(request, slug)
    if request.method == "POST":
        try:
            pilot_open(pilot=pilot, by_user=request.user)
        except TransitionNotAllowed as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("%(pilot)s is set up and open for recruitment.") % {"pilot": pilot})
        return redirect(pilot)
    return render(
        request,
        "pilots/setup/summary.html",
        _context(
            pilot,
            "summary",
            partnerships=pilot.partnerships.select_related("organisation").order_by("role", "organisation__name"),
            modules=pilot.modules.select_related("provider").order_by(*LINE_ORDER),
        ),
    )


# --- The next round and the history --------------------------------------------------------------------------------


def next_round_name(name: str) -> str:
    """ "Werkfit ronde 2" after "Werkfit ronde 1", and "Werkfit ronde 2" after "Werkfit"."""
    word = _("round")
    match = re.fullmatch(rf"(.*?)\s+{re.escape(word)}\s+(\d+)", name.strip(), flags=re.IGNORECASE)
    if match:
        return f"{match.group(1)} {word} {int(match.group(2)) + 1}"
    return f"{name.strip()} {word} 2"


@role_required(*SETUP_ROLES)
def pilot_copy_view(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Copy the pilot as its next round: details, partners and learning line; no cohorts and no people."""
    pilot = _setup_pilot(request, slug)
    form = PilotCopyForm(request.POST or None, initial={"name": next_round_name(pilot.name)})
    if request.method == "POST" and form.is_valid():
        try:
            copy = pilot_copy(pilot=pilot, name=form.cleaned_data["name"], by_user=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(pilot)s is made with the partners and learning line of %(original)s. Check its details.")
                % {"pilot": copy, "original": pilot},
            )
            return redirect("pilots:pilot-setup-details", slug=copy.slug)
    return render(request, "pilots/setup/copy.html", {"pilot": pilot, "form": form})


@role_required(*SETUP_ROLES)
def pilot_history(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Who changed the pilot's details and partners, when, and what."""
    pilot = _setup_pilot(request, slug)
    return render(request, "pilots/setup/history.html", {"pilot": pilot, "entries": pilot_history_entries(pilot=pilot)})


# --- Reference data ------------------------------------------------------------------------------------------------


@role_required(*SETUP_ROLES)
def reference_list(request: AuthenticatedRequest) -> HttpResponse:
    """The lists of reference data: sectors, dropout reasons and barriers, each with its items, and the regions."""
    lists = [(kind, label, reference_items(kind=kind)) for kind, label in ReferenceKind.choices]
    return render(
        request, "pilots/setup/reference_list.html", {"lists": lists, "regions": Region.objects.order_by("name")}
    )


def _kind_or_404(kind: str) -> str:
    if kind not in ReferenceKind.values:
        raise Http404
    return kind


@role_required(*SETUP_ROLES)
def reference_create(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    kind = _kind_or_404(kind)
    form = ReferenceItemCreateForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            item = reference_item_create(kind=kind, by_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(item)s is added to the list.") % {"item": item.label})
            return redirect("pilots:reference-list")
    return render(request, "pilots/setup/reference_form.html", {"form": form, "kind_label": ReferenceKind(kind).label})


@role_required(*SETUP_ROLES)
def reference_edit(request: AuthenticatedRequest, kind: str, code: str) -> HttpResponse:
    item = get_object_or_404(ReferenceItem, kind=kind, code=code)
    form = ReferenceItemUpdateForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            reference_item_update(item=item, by_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(item)s is saved.") % {"item": item.label})
            return redirect("pilots:reference-list")
    return render(
        request,
        "pilots/setup/reference_form.html",
        {"form": form, "item": item, "kind_label": ReferenceKind(item.kind).label},
    )


@role_required(*SETUP_ROLES)
def region_create_view(request: AuthenticatedRequest) -> HttpResponse:
    """Add a labour-market region; its slug is made from the name and stays."""
    form = RegionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            region = region_create(name=form.cleaned_data["name"], by_user=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(region)s is added to the regions.") % {"region": region})
            return redirect("pilots:reference-list")
    return render(request, "pilots/setup/region_form.html", {"form": form})


@role_required(*SETUP_ROLES)
def region_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Rename a labour-market region; its slug stays as it is."""
    region = get_object_or_404(Region, slug=slug)
    form = RegionForm(request.POST or None, instance=region)
    if request.method == "POST" and form.is_valid():
        try:
            region_update(region=region, name=form.cleaned_data["name"], by_user=request.user)
        except ValidationError as error:
            region.refresh_from_db()
            _add_errors(form, error)
        else:
            messages.success(request, _("%(region)s is saved.") % {"region": region})
            return redirect("pilots:reference-list")
    return render(request, "pilots/setup/region_form.html", {"form": form, "region": region})
