"""The Celery application. Settings come from Django's, prefixed with CELERY_.

`celery -A config worker` without DJANGO_SETTINGS_MODULE runs the production settings, as WSGI and ASGI do: a
worker started by hand on a server must not fall back to DEBUG and the development key. `make worker` and the
tests choose their settings module themselves.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("opstap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
