import os

from django.core.wsgi import get_wsgi_application

# Importing config already chose the settings (config/celery_app.py); both default to production.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
