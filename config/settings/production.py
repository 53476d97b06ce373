"""A deployment: DEBUG off, SECRET_KEY, ALLOWED_HOSTS and REDIS_URL required, HTTPS only.

WSGI, ASGI and the Celery app load this module unless DJANGO_SETTINGS_MODULE names another; each refusal below
stops the web process and the worker before they serve anything.
"""

from config.time_limits import time_limit_problems, visibility_timeout

from .base import *  # noqa: F403
from .base import env

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production.")  # noqa: F405
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")  # noqa: F405
if not REDIS_URL:  # noqa: F405
    # Without a broker every task would run inside the request that sends it, and beat's periodic tasks never.
    raise ImproperlyConfigured(  # noqa: F405
        "REDIS_URL must be set in production, for example redis://redis:6379/0: without it tasks run inside the "
        "web request and the periodic tasks never run."
    )
_time_limit_problems = time_limit_problems(
    task_soft=CELERY_TASK_SOFT_TIME_LIMIT,  # noqa: F405
    task_hard=CELERY_TASK_TIME_LIMIT,  # noqa: F405
    report_soft=REPORT_SOFT_TIME_LIMIT,  # noqa: F405
    report_hard=REPORT_TIME_LIMIT,  # noqa: F405
    visibility=visibility_timeout(CELERY_BROKER_TRANSPORT_OPTIONS),  # noqa: F405
)
if _time_limit_problems:
    raise ImproperlyConfigured(" ".join(_time_limit_problems))  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
