"""The error summary at the top of a form page: {% error_summary %} in base.html, so every form page has one.

It lists the errors of every bound form and formset the page was given, in the order of their fields, each linked
to its field, as GOV.UK and the NL Design System show them. static/js/error-summary.js moves the focus to it.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.template.context import Context
from django_filters import FilterSet

register = template.Library()


@dataclass(frozen=True)
class SummaryError:
    text: str
    # The id of the field the error is about, without "#"; empty for an error about the form as a whole.
    target: str = ""


@register.inclusion_tag("core/_error_summary.html", takes_context=True)
def error_summary(context: Context) -> dict:
    return {"summary_errors": page_errors(context)}


def page_errors(context: Context) -> list[SummaryError]:
    """The errors of the forms among the page's values, the first form first."""
    errors: list[SummaryError] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        for form in _forms_of(value):
            if id(form) not in seen:
                seen.add(id(form))
                errors.extend(form_errors(form))
    return errors


def _forms_of(value: object) -> Iterator[forms.BaseForm | BaseFormSet]:
    # type(), not isinstance(): isinstance would evaluate the lazy values of the context, such as the CSRF token.
    kind = type(value)
    if issubclass(kind, forms.BaseForm | BaseFormSet):
        yield value  # type: ignore[misc]
    elif issubclass(kind, FilterSet):
        yield value.form  # type: ignore[attr-defined]


def form_errors(form: forms.BaseForm | BaseFormSet) -> list[SummaryError]:
    if isinstance(form, BaseFormSet):
        if not form.is_bound:
            return []
        found = [SummaryError(str(error)) for error in form.non_form_errors()]
        for member in form.forms:
            found.extend(form_errors(member))
        return found
    if not form.is_bound or not form.errors:
        return []
    found = [SummaryError(str(error)) for error in form.non_field_errors()]
    for name in _page_order(form):
        if name in form.errors:
            found.extend(_field_errors(form[name], form.errors[name]))
    return found


def _page_order(form: forms.BaseForm) -> list[str]:
    """The form's fields in the order the page shows them: its crispy layout's, where it has one."""
    layout = getattr(getattr(form, "helper", None), "layout", None)
    laid_out = [pointer.name for pointer in layout.get_field_names()] if layout is not None else []
    shown = [name for name in dict.fromkeys(laid_out) if name in form.fields]
    return shown + [name for name in form.fields if name not in shown]


def _field_errors(bound: forms.BoundField, messages: Iterable[object]) -> Iterator[SummaryError]:
    field = bound.field
    # A list of radio buttons or checkboxes has no element of its own to go to: its first option stands for it.
    target = f"{bound.auto_id}_0" if isinstance(field.widget, forms.RadioSelect) else bound.id_for_label
    if bound.is_hidden:
        target = ""
    generic = _generic_messages(field)
    for message in messages:
        text = str(message)
        # Django's own messages do not say which field they are about ("This field is required."): the summary,
        # away from the field, names it.
        if text in generic and bound.label:
            text = f"{bound.label}: {text}"
        yield SummaryError(text, target)


def _generic_messages(field: forms.Field) -> set[str]:
    return {
        str(message) for cls in type(field).__mro__ for message in getattr(cls, "default_error_messages", {}).values()
    }
