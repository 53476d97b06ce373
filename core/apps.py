from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Importing these connects their signal handlers: the login, logout and failed-login records, and
        # remembering at login whether the user has a two-step device; and registers the system checks.
        from . import audit, checks, twofactor  # noqa: F401
        from .roles import sync_role_groups

        # Groups and their permissions follow the code after every migrate.
        post_migrate.connect(sync_role_groups, sender=self)
