"""Bookkeeping of candidates that follows saves in the pilots app, which cannot call the candidates' services
(the apps are layers, pyproject.toml). Connected in CandidatesConfig.ready; a save from any place, the admin
included, is followed."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from pilots.models import Cohort, Pilot

from .services import current_enrolment_names_refresh


@receiver(post_save, sender=Cohort, dispatch_uid="candidates_cohort_names")
def cohort_saved(sender, instance: Cohort, created: bool, raw: bool, **kwargs) -> None:
    """A renamed cohort: the list's sort on the cohort (Candidate.sort_cohort_name) follows."""
    if not created and not raw:
        current_enrolment_names_refresh(cohorts=[instance.pk])


@receiver(post_save, sender=Pilot, dispatch_uid="candidates_pilot_names")
def pilot_saved(sender, instance: Pilot, created: bool, raw: bool, **kwargs) -> None:
    """A renamed pilot: the list's sort on the cohort (Candidate.sort_pilot_name) follows."""
    if not created and not raw:
        current_enrolment_names_refresh(cohorts=Cohort.objects.filter(pilot=instance).values("pk"))
