from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = _("Employers")

    def ready(self) -> None:
        from candidates.lifecycle import on_track_end

        from .services import accepted_offer_on_track_end, placements_close_on_track_end

        # The order matters: the placements end before an accepted contract offer becomes the outcome.
        on_track_end(placements_close_on_track_end)
        on_track_end(accepted_offer_on_track_end)
