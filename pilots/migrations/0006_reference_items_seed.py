"""Fill the reference data with the sectors, dropout reasons and barriers that were choices in code."""

from django.db import migrations

from pilots.reference_seed import seed_reference_items


def seed(apps, schema_editor):
    seed_reference_items(apps.get_model("pilots", "ReferenceItem"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("pilots", "0005_reference_data_and_pilot_history"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
