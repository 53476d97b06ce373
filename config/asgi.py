import os

from django.core.asgi import get_asgi_application

# Importing config already chose the settings (config/celery_app.py); both default to production.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_asgi_application()
