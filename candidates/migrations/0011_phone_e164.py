import phonenumbers
from django.db import migrations

BATCH = 2000


def _e164(value: str) -> str:
    """The number in E.164 (+31612345678); a value phonenumbers cannot read as a number stays as it was."""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _previous_form(value: str) -> str:
    """The form stored before: 06 12345678 for a Dutch mobile number, 0101234567 for another Dutch one."""
    if not value.startswith("+31"):
        return value
    national = "0" + value.removeprefix("+31")
    return f"06 {national[2:]}" if national.startswith("06") else national


def _convert(apps, convert) -> None:
    # The history rows are left as they were: they record what was stored at the time, and the pages show a
    # number in either form the same way.
    Candidate = apps.get_model("candidates", "Candidate")
    changed = []
    for candidate in Candidate.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=BATCH):
        stored = convert(candidate.phone)
        if stored != candidate.phone:
            candidate.phone = stored
            changed.append(candidate)
    Candidate.objects.bulk_update(changed, ["phone"], batch_size=BATCH)


def phones_to_e164(apps, schema_editor):
    _convert(apps, _e164)


def phones_to_previous_form(apps, schema_editor):
    _convert(apps, _previous_form)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0010_pending_upload"),
    ]

    operations = [
        migrations.RunPython(phones_to_e164, phones_to_previous_form, elidable=True),
    ]
