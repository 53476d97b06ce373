"""The time limits of tasks and report builds must fit inside the broker's visibility timeout.

Tasks are acknowledged only when they end (CELERY_TASK_ACKS_LATE). Redis hands a message that is not acknowledged
within its visibility timeout to another worker, so a task still allowed to run by then runs twice. Production
refuses to start when a limit breaks this (config/settings/production.py); `manage.py check` reports it everywhere
(core/checks.py).
"""

# Kombu's Redis transport uses this when CELERY_BROKER_TRANSPORT_OPTIONS sets none.
REDIS_DEFAULT_VISIBILITY_TIMEOUT = 3600


def visibility_timeout(transport_options: dict) -> int:
    return int(transport_options.get("visibility_timeout", REDIS_DEFAULT_VISIBILITY_TIMEOUT))


def time_limit_problems(
    *, task_soft: int, task_hard: int, report_soft: int, report_hard: int, visibility: int
) -> list[str]:
    """What is wrong with the limits, one sentence per problem; empty when they fit."""
    problems = []
    if task_soft >= task_hard:
        problems.append(
            f"CELERY_TASK_SOFT_TIME_LIMIT ({task_soft} s) must be below CELERY_TASK_TIME_LIMIT ({task_hard} s): "
            "otherwise a task is killed before it is asked to stop."
        )
    if report_soft >= report_hard:
        problems.append(
            f"REPORT_SOFT_TIME_LIMIT ({report_soft} s) must be below REPORT_TIME_LIMIT ({report_hard} s): "
            "otherwise a report build is killed before it can fail as taking too long."
        )
    for name, limit in (("CELERY_TASK_TIME_LIMIT", task_hard), ("REPORT_TIME_LIMIT", report_hard)):
        if limit >= visibility:
            problems.append(
                f"{name} ({limit} s) must be below the broker's visibility timeout ({visibility} s, twice "
                "CELERY_TASK_TIME_LIMIT): otherwise Redis hands a task that is still running to a second worker."
            )
    return problems
