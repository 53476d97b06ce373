#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a fresh database, and its media into MEDIA_ROOT.
#
#   DATABASE_URL=postgres://user:password@host:5432/opstap_restored MEDIA_ROOT=/app/var/media \
#     scripts/restore.sh FOLDER
#
# The database DATABASE_URL names is created when it does not exist (through the server's postgres database); one
# that already holds tables is refused, so a restore never mixes with or overwrites live data. Point the portal at
# the restored database (DATABASE_URL) once this ends, then run `python manage.py migrate` in case the code is
# newer than the backup.
set -euo pipefail

folder="${1:?Name the backup folder made by scripts/backup.sh}"
url="${DATABASE_URL:?Set DATABASE_URL to the database to restore into}"
media="${MEDIA_ROOT:-var/media}"

(cd "$folder" && sha256sum --check --quiet SHA256SUMS)

base="${url%%\?*}"
name="${base##*/}"
server="${base%/*}"
exists=$(psql "$server/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '${name//\'/\'\'}'")
if [ -z "$exists" ]; then
  psql "$server/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"${name//\"/\"\"}\""
else
  tables=$(psql "$url" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
  if [ "$tables" != "0" ]; then
    echo "The database $name already holds $tables tables: restore into a new, empty database." >&2
    exit 1
  fi
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$url" "$folder/database.dump"

mkdir -p "$media"
tar -C "$media" -xzf "$folder/media.tar.gz"
echo "Restored $folder into the database $name and $media"
