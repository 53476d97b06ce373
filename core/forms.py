from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .apps import EMPTY_CHOICE_LABEL
from .outbox import queue_mail

# The one format an <input type="date"> reads and sends, whatever the page's language (the browser shows it in the
# reader's own way). Django's default, the language's first input format, would send "07-12-2026", which the browser
# drops, and with it a required date.
ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker, filled with the date in the only format it accepts."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class LoginForm(auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = cast(forms.CharField, self.fields["username"])
        # AuthenticationForm only sets max_length as a widget hint; without the validator an over-long name
        # reaches authenticate() and the lock-out's records, whose column it does not fit.
        username.validators.append(MaxLengthValidator(username.max_length))
        username.widget.attrs.update({"autofocus": True, "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Log in"), css_class="w-100"))


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autofocus": True})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Send the link"), css_class="w-100"))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        """Through the outbox like all the portal's mail: a mail server that is away delays the link, never loses it."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        key = f"password-reset:{context['uid']}:{context['token']}"
        with transaction.atomic():
            queue_mail(key=key, recipient=to_email, subject=subject, body=body)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Save the new password"), css_class="w-100"))


class OTPCodeForm(forms.Form):
    """One code for the second step: six digits from the app, or a backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, submit_label=None, allow_backup_code: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if allow_backup_code:
            self.fields["code"].help_text = _("The six digits your app shows, or one of your backup codes.")
            del self.fields["code"].widget.attrs["inputmode"]
        else:
            self.fields["code"].help_text = _("The six digits your app shows.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", submit_label or _("Continue"), css_class="w-100"))

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class OrganisationChoiceField(forms.ModelChoiceField):
    """An organisation with its region, so that two of the same name in different regions can be told apart."""

    def label_from_instance(self, obj) -> str:
        region = getattr(obj, "region", None)
        return f"{obj} ({region})" if region is not None else str(obj)


class InvitationForm(forms.Form):
    """Who to invite, in which role (by its name, never its code) and for which organisation.

    The roles and organisations offered are those the inviter may give (core.invitations.grantable_roles) and
    invite into (start.selectors.invitable_organisations); a posted value outside them is an invalid choice.
    """

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    # The address is the username as well, and a username holds at most 150 characters.
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,
        help_text=_("The invitation goes to this address. It is also the username to log in with."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=())
    organisation = OrganisationChoiceField(label=_("Organisation"), queryset=None, empty_label=EMPTY_CHOICE_LABEL)

    def __init__(self, *args, roles, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            ("", EMPTY_CHOICE_LABEL),
            *((role.value, role.label) for role in roles),
        ]
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        self.fields["email"].widget.attrs.update({"autocomplete": "off"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(Div("first_name", css_class="col-sm-6"), Div("last_name", css_class="col-sm-6"), css_class="row"),
            "email",
            Div(Div("role", css_class="col-sm-6"), Div("organisation", css_class="col-sm-6"), css_class="row"),
        )
        self.helper.add_input(Submit("invite", _("Send the invitation")))


class ChoosePasswordForm(auth_forms.SetPasswordForm):
    """The password an invited person chooses; Django's password validators check it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs.update({"autofocus": True})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Save the password and continue"), css_class="w-100"))
