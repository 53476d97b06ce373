"""British English as the portal writes it: the month in full and a 24-hour clock ("7 December 2026, 16:41").

Django's own en_GB formats supply the rest; its "4:41 p.m." and "7 Dec 2026" are the ones replaced here.
"""

DATE_FORMAT = "j F Y"  # 7 December 2026
TIME_FORMAT = "H:i"  # 16:41
DATETIME_FORMAT = "j F Y, H:i"  # 7 December 2026, 16:41
SHORT_DATE_FORMAT = "d/m/Y"  # 07/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 07/12/2026 16:41
# A day in a list of days, such as the attendance grid's column heads: "Mon 7 Dec", "Mon 7 Dec 2026".
WEEKDAY_MONTH_DAY_FORMAT = "D j M"
WEEKDAY_DATE_FORMAT = "D j M Y"
