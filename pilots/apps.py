from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def reference_items_ensure(*, using: str = "default", **kwargs) -> None:
    """Add the seed reference data that is missing; a flushed database (a test) gets its lists back."""
    from .models import ReferenceItem
    from .reference_seed import seed_reference_items

    seed_reference_items(ReferenceItem, using=using)


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = _("Pilots")

    def ready(self) -> None:
        post_migrate.connect(reference_items_ensure, sender=self)
