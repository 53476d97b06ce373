#!/bin/sh
# The worker's start: wait until the database schema matches the code, then run the command.
# Only the web container migrates (docker/entrypoint.sh). It is healthy only once a worker answers (/readyz), so the
# worker cannot wait for a healthy web container; it waits here instead, and takes no task the old schema would fail.
set -eu

until python manage.py migrate --check >/dev/null; do
    echo "Waiting for the web container to apply the database migrations"
    sleep 5
done

exec "$@"
