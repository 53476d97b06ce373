"""The candidate list at regional scale: the candidate's current enrolment as a column (filled here), the status
changes indexed by enrolment and time, and on PostgreSQL trigram indexes for the name, e-mail, phone and postcode
search of the list and the administration.

The trigram indexes are expression indexes on what Django's case-insensitive lookups compare on PostgreSQL
(UPPER(column) LIKE UPPER('%text%')), and on the phone without spaces that the list's phone search compares. They
exist only on PostgreSQL (SQLite has no GIN), so they are made here and not declared in the model's Meta.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# (index name, the expression Django's lookup compares): UPPER(column) for icontains and istartswith, and the
# phone without spaces for the list's phone search (candidates.filters.search_condition).
TRIGRAM_INDEXES = [
    *[
        (f"candidate_{short}_trgm", f'UPPER("{column}"::text)')
        for column, short in (
            ("first_name", "first"),
            ("last_name_prefix", "prefix"),
            ("last_name", "last"),
            ("email", "email"),
            ("phone", "phone"),
            ("postcode", "postcode"),
        )
    ],
    ("candidate_digits_trgm", """REPLACE("phone", ' ', '')"""),
]


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "candidates_candidate" USING gin (({expression}) gin_trgm_ops)'
        )


def remove_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def fill_current_enrolment(apps, schema_editor):
    candidate = apps.get_model("candidates", "Candidate")
    enrolment = apps.get_model("candidates", "Enrolment")
    latest = enrolment.objects.filter(candidate=OuterRef("pk")).order_by("-created_at", "-pk").values("pk")[:1]
    candidate.objects.update(current_enrolment=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0012_reference_codes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="enrolmenttransition",
            options={
                "ordering": ["enrolment_id", "at", "pk"],
                "verbose_name": "status change",
                "verbose_name_plural": "status changes",
            },
        ),
        migrations.AddField(
            model_name="candidate",
            name="current_enrolment",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="candidates.enrolment",
                verbose_name="current enrolment",
            ),
        ),
        migrations.AddIndex(
            model_name="enrolmenttransition",
            index=models.Index(fields=["enrolment", "at"], name="enrolmenttransition_enr_at_idx"),
        ),
        migrations.RunPython(fill_current_enrolment, migrations.RunPython.noop, elidable=True),
        # Both do nothing outside PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(add_trigram_indexes, remove_trigram_indexes),
    ]
