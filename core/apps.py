from typing import Any

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig, apps
from django.db.models import fields
from django.db.models.signals import post_migrate
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig

# The first choice of every drop-down list that may be left empty. Django 6.1's own "- Select an option -" has no
# Dutch translation in Django's catalogue; this one is in ours. Django lets an app set it; it is set when this module
# is imported, as the apps are configured, because the admin builds the forms of every admin.py in its own ready(),
# which runs before ours.
EMPTY_CHOICE_LABEL = _("— Choose —")
fields.BLANK_CHOICE_LABEL = EMPTY_CHOICE_LABEL

# Models of other packages whose names the administration shows, with our Dutch names: singular and plural.
THIRD_PARTY_MODEL_NAMES: dict[str, tuple[Promise, Promise]] = {
    "axes.AccessAttempt": (_("failed login counter"), _("failed login counters")),
    "axes.AccessFailureLog": (_("failed login"), _("failed logins")),
    "axes.AccessLog": (_("login session"), _("login sessions")),
    "otp_totp.TOTPDevice": (_("authenticator app"), _("authenticator apps")),
    "otp_static.StaticDevice": (_("set of backup codes"), _("sets of backup codes")),
}


class CoreConfig(AppConfig):
    # The configs of other apps below live in this module too; this is the one for "core".
    default = True
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Importing these connects their signal handlers: the login, logout and failed-login records, and
        # remembering at login whether the user has a two-step device; the request id carried into tasks; and registers
        # the system checks.
        from . import audit, checks, request_id, twofactor  # noqa: F401
        from .roles import sync_role_groups

        # Groups and their permissions follow the code after every migrate.
        post_migrate.connect(sync_role_groups, sender=self)
        name_other_models()


def name_other_models() -> None:
    """Name the models the administration lists that we do not declare ourselves, through our catalogue.

    Only the names shown change: migrations read a model's options as its Meta declared them, so none follow.
    The history tables of simple_history are named "historical <name>" in English, without gettext; they are
    named here after the model they keep the history of.
    """
    from simple_history.models import HistoricalChanges

    for label, (singular, plural) in THIRD_PARTY_MODEL_NAMES.items():
        opts = apps.get_model(label)._meta
        opts.verbose_name, opts.verbose_name_plural = singular, plural
    for model in apps.get_models():
        if not issubclass(model, HistoricalChanges):
            continue
        history: Any = model  # simple_history's models carry the model they keep the history of
        opts, kept = model._meta, history.instance_type._meta
        opts.verbose_name = format_lazy(_("history of {}"), kept.verbose_name)
        opts.verbose_name_plural = format_lazy(_("history of {}"), kept.verbose_name_plural)


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login lock-outs")


class OTPTOTPAppConfig(OTPTOTPConfig):
    verbose_name = _("Two-step verification with an app")


class OTPStaticAppConfig(OTPStaticConfig):
    verbose_name = _("Two-step verification backup codes")
