"""System checks of Opstap's own settings, run by `manage.py check`, runserver and migrate.

Gunicorn and the Celery worker run no system checks: production's settings module refuses bad values itself
(config/settings/production.py). These report the same problems under every other settings module.
"""

from django.conf import settings
from django.core import checks

from config.time_limits import time_limit_problems, visibility_timeout


@checks.register("opstap")
def check_time_limits(app_configs, **kwargs) -> list[checks.CheckMessage]:
    problems = time_limit_problems(
        task_soft=settings.CELERY_TASK_SOFT_TIME_LIMIT,
        task_hard=settings.CELERY_TASK_TIME_LIMIT,
        report_soft=settings.REPORT_SOFT_TIME_LIMIT,
        report_hard=settings.REPORT_TIME_LIMIT,
        visibility=visibility_timeout(settings.CELERY_BROKER_TRANSPORT_OPTIONS),
    )
    return [
        checks.Error(problem, hint="Change the limits in the environment (README, Settings).", id="opstap.E001")
        for problem in problems
    ]
