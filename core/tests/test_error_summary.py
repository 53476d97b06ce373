"""The error summary of a form page: every bound form's errors, in field order, each linked to its field."""

from django import forms
from django.template import Context, Template
from django.utils import translation

from core.templatetags.error_summary import SummaryError, page_errors


class _Form(forms.Form):
    name = forms.CharField(label="Name", error_messages={"required": "Enter the name"})
    day = forms.DateField(label="Day")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The form as a whole is wrong.")


def test_the_summary_lists_form_errors_then_field_errors_in_field_order_with_their_targets():
    form = _Form(data={"plan-day": "not a day"}, prefix="plan")

    with translation.override("en-gb"):
        errors = page_errors(Context({"form": form}))

    assert errors == [
        SummaryError("The form as a whole is wrong."),
        SummaryError("Enter the name", "id_plan-name"),
        SummaryError("Day: Enter a valid date.", "id_plan-day"),
        # A group of radio buttons is reached through its first option.
        SummaryError("Kind: This field is required.", "id_plan-kind_0"),
        # A hidden field has nothing to go to.
        SummaryError("Token: This field is required."),
    ]


def test_unbound_and_valid_forms_and_other_values_add_nothing():
    class Valid(forms.Form):
        name = forms.CharField()

    context = Context({"empty": _Form(), "valid": Valid(data={"name": "x"}), "text": "form", "number": 3})

    assert page_errors(context) == []


def test_the_errors_of_every_form_and_formset_on_the_page_are_listed_once():
    formset_class = forms.formset_factory(_Form, extra=1)
    formset = formset_class(data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-name": "x"})
    first = _Form(data={"name": "y"}, prefix="first")

    errors = page_errors(Context({"first": first, "again": first, "rows": formset}))

    targets = [error.target for error in errors if error.target]
    assert targets.count("id_first-day") == 1
    assert "id_form-0-day" in targets


def test_the_summary_is_rendered_with_a_heading_and_links_and_takes_the_focus():
    template = Template("{% load error_summary %}{% error_summary %}")

    with translation.override("en-gb"):
        html = template.render(Context({"form": _Form(data={}, prefix="p")}))

    assert 'tabindex="-1"' in html and "data-error-summary" in html
    assert '<h2 id="error-summary-title" class="h5 alert-heading">There is a problem</h2>' in html
    assert '<a class="alert-link" href="#id_p-name">Enter the name</a>' in html
    assert Template("{% load error_summary %}{% error_summary %}").render(Context({})).strip() == ""
