"""Indexes for the start pages: an adviser's caseload as ids and its enrolments, and the evaluations due of a
trainer's cohorts."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0019_list_scope_pilots"),
        ("pilots", "0008_region_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(fields=["adviser", "id"], name="candidate_adviser_pk_idx"),
        ),
        migrations.AddIndex(
            model_name="enrolment",
            index=models.Index(fields=["cohort", "status", "ended_on"], name="enrolment_cohort_ended_idx"),
        ),
        migrations.AddIndex(
            model_name="enrolment",
            index=models.Index(fields=["candidate", "status", "cohort", "id"], name="enrolment_candidate_status_idx"),
        ),
    ]
