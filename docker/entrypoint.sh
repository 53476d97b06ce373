#!/bin/sh
# The web container's start: bring the database schema and the static files up to date, then serve.
# Only the web container migrates, so two containers never race to apply the same migration.
set -eu

python manage.py migrate --no-input
python manage.py collectstatic --no-input -v 0

exec "$@"
