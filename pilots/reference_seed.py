"""The reference data the portal starts with: the lists that were fixed in code before they became rows.

The codes are those of pilots.models.Sector, candidates.models.DropoutReason and candidates.models.BarrierKind,
which code and the demo still refer to; the labels are their Dutch and English names. Both the data migration and
`reference_items_ensure` (after every migrate, also after a test flushes the tables) add the items that are
missing and leave the others, changed labels and switched-off items included, as they are.
"""

# kind -> (code, Dutch label, English label), in the order the lists are shown.
SEED: dict[str, tuple[tuple[str, str, str], ...]] = {
    "sector": (
        ("childcare", "Kinderopvang", "Childcare"),
        ("elderly_care", "Ouderenzorg", "Elderly care"),
        ("care_welfare", "Zorg en welzijn", "Care and welfare"),
        ("installation", "Installatietechniek", "Installation technology"),
        ("home_care", "Thuiszorg", "Home care"),
        ("other", "Anders", "Other"),
    ),
    "dropout_reason": (
        ("health", "Gezondheid", "Health"),
        ("care_for_family", "Zorg voor gezin of kinderen", "Care for family or children"),
        ("transport", "Vervoer", "Transport"),
        ("money", "Financiën / armoedeval", "Money / poverty trap"),
        ("motivation", "Motivatie", "Motivation"),
        ("language", "Taal", "Language"),
        ("found_work", "Elders werk gevonden", "Found work elsewhere"),
        ("moved", "Verhuisd", "Moved"),
        ("other", "Anders", "Other"),
    ),
    "barrier": (
        ("childcare", "Kinderopvang", "Childcare"),
        ("transport", "Vervoer", "Transport"),
        ("poverty_trap", "Armoedeval", "Poverty trap (armoedeval)"),
        ("health", "Gezondheid", "Health"),
        ("debts", "Schulden", "Debts"),
        ("housing", "Huisvesting", "Housing"),
    ),
}


def seed_reference_items(model, using: str = "default") -> int:
    """Add the seed items that are missing (by list and code); returns how many were added."""
    existing = set(model.objects.using(using).values_list("kind", "code"))
    missing = [
        model(kind=kind, code=code, label=label, label_en=label_en, position=position, active=True)
        for kind, items in SEED.items()
        for position, (code, label, label_en) in enumerate(items, start=1)
        if (kind, code) not in existing
    ]
    model.objects.using(using).bulk_create(missing)
    return len(missing)
