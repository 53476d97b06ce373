"""Dropout reasons and barrier kinds become codes of the reference data (pilots.ReferenceItem), not fixed choices."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0011_phone_e164"),
        ("pilots", "0006_reference_items_seed"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="candidatebarrier",
            name="candidatebarrier_kind_valid",
        ),
        migrations.AlterField(
            model_name="candidatebarrier",
            name="kind",
            field=models.CharField(max_length=32, verbose_name="barrier"),
        ),
        migrations.AlterField(
            model_name="enrolment",
            name="dropout_reason",
            field=models.CharField(blank=True, max_length=32, verbose_name="dropout reason"),
        ),
        migrations.AlterField(
            model_name="historicalcandidatebarrier",
            name="kind",
            field=models.CharField(max_length=32, verbose_name="barrier"),
        ),
        migrations.AlterField(
            model_name="historicalenrolment",
            name="dropout_reason",
            field=models.CharField(blank=True, max_length=32, verbose_name="dropout reason"),
        ),
    ]
