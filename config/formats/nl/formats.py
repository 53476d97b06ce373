"""Dutch formats Django lacks: a day in a list of days, such as the attendance grid's column heads.

Dutch writes the abbreviated month in lower case ("ma 7 dec"); Django's "M" capitalises it, "b" does not.
"""

WEEKDAY_MONTH_DAY_FORMAT = "D j b"  # ma 7 dec
WEEKDAY_DATE_FORMAT = "D j b Y"  # ma 7 dec 2026
