"""The candidate list's scope from the candidate's own row: the pilot of each candidate's current enrolment and
whether their enrolments lie in more than one pilot, filled here as candidates.services.current_enrolment_refresh
keeps them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill_scope_pilots(apps, schema_editor):
    Candidate = apps.get_model("candidates", "Candidate")
    Enrolment = apps.get_model("candidates", "Enrolment")
    # Without the enrolments' default order, which joins the candidates and would hide the outer row.
    current = Enrolment.objects.filter(pk=OuterRef("current_enrolment_id")).order_by()
    pilots = (
        Enrolment.objects.filter(candidate=OuterRef("pk"))
        .order_by()
        .values("candidate")
        .annotate(pilots=Count("cohort__pilot", distinct=True))
        .values("pilots")
    )
    Candidate.objects.filter(current_enrolment__isnull=False).update(
        current_pilot=Subquery(current.values("cohort__pilot")[:1])
    )
    Candidate.objects.annotate(pilots=Coalesce(Subquery(pilots), 0)).filter(pilots__gt=1).update(in_several_pilots=True)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0018_figures_indexes"),
        ("pilots", "0008_region_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="current_pilot",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="pilots.pilot",
                verbose_name="pilot of the current enrolment",
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="in_several_pilots",
            field=models.BooleanField(default=False, editable=False, verbose_name="enrolled in several pilots"),
        ),
        migrations.RunPython(fill_scope_pilots, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                condition=models.Q(("in_several_pilots", True)), fields=["id"], name="candidate_several_pilots_idx"
            ),
        ),
    ]
