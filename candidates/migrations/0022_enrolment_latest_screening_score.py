from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_latest_screening_score(apps, schema_editor):
    """As services.enrolment_latest_score_refresh does, for every enrolment at once."""
    Enrolment = apps.get_model("candidates", "Enrolment")
    Screening = apps.get_model("candidates", "Screening")
    latest = Screening.objects.filter(enrolment=OuterRef("pk")).order_by("-screened_on", "-pk")
    Enrolment.objects.update(latest_screening_score=Subquery(latest.values("total_score")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0021_board_screening_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="latest_screening_score",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name="latest screening score"
            ),
        ),
        migrations.RunPython(fill_latest_screening_score, migrations.RunPython.noop, elidable=True),
    ]
