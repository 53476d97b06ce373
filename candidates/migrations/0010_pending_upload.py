import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import candidates.models


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0009_outcome_bbl"),
        ("pilots", "0003_pilot_design_and_targets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Candidates erased before this field existed keep None: what their record met is no longer known, and the
        # completeness check reads what is left of it.
        migrations.AddField(
            model_name="candidate",
            name="requirements_met_when_erased",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="requirements met when erased"),
        ),
        migrations.AddField(
            model_name="historicalcandidate",
            name="requirements_met_when_erased",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="requirements met when erased"),
        ),
        migrations.CreateModel(
            name="PendingUpload",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                (
                    "file",
                    models.FileField(
                        max_length=255,
                        storage=candidates.models.pending_upload_storage,
                        upload_to=candidates.models.pending_upload_path,
                        verbose_name="file",
                    ),
                ),
                ("file_name", models.CharField(max_length=255, verbose_name="file name")),
                ("consent_purpose", models.CharField(max_length=255, verbose_name="consent given for")),
                ("created_at", models.DateTimeField(verbose_name="uploaded at")),
                ("expires_at", models.DateTimeField(db_index=True, verbose_name="expires at")),
                (
                    "cohort",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_uploads",
                        to="pilots.cohort",
                        verbose_name="cohort",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "upload waiting for confirmation",
                "verbose_name_plural": "uploads waiting for confirmation",
                "ordering": ["created_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("expires_at__gt", models.F("created_at"))),
                        name="pendingupload_expires_after_upload",
                    )
                ],
            },
        ),
    ]
