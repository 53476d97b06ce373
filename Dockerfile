# The Opstap image: one image for the web process (gunicorn), the Celery worker and Celery beat.
FROM python:3.13-slim

# The code runs from /app (PYTHONPATH), where BASE_DIR finds the templates, static files and translations.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production

# WeasyPrint's Pango and HarfBuzz, the fonts the PDF reports use, and gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 opstap \
    && useradd --system --uid 10001 --gid opstap --home-dir /app --no-create-home --shell /usr/sbin/nologin opstap

WORKDIR /app

# The dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN python -c "import subprocess, sys, tomllib; \
deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
subprocess.check_call([sys.executable, '-m', 'pip', 'install', *deps])"

COPY . .
RUN pip install --no-deps .

# Build steps import the production settings, which insist on a key, a host and a broker; these never leave the build.
RUN SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=localhost REDIS_URL=redis://build-only.invalid/0 python manage.py compilemessages --ignore=.venv -v 0 \
    && mkdir -p var/static var/media var/beat \
    && SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=localhost REDIS_URL=redis://build-only.invalid/0 python manage.py collectstatic --no-input -v 0 \
    && chown -R opstap:opstap var

USER opstap

EXPOSE 8000
# Workers, threads, timeouts and the JSON access log: config/gunicorn.py, sized by WEB_CONCURRENCY and friends.
CMD ["gunicorn", "config.wsgi", "-c", "config/gunicorn.py", "--bind", "0.0.0.0:8000"]
