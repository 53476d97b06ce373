#!/usr/bin/env bash
# Back up the portal: the database (pg_dump, custom format) and the media folder (the reports and uploads), into
# one folder with their checksums. scripts/restore.sh puts them back into a fresh database.
#
#   DATABASE_URL=postgres://user:password@host:5432/opstap MEDIA_ROOT=/app/var/media scripts/backup.sh [FOLDER]
#
# FOLDER defaults to var/backups/<UTC time>; the folder's name is printed at the end. Needs PostgreSQL's client
# tools (pg_dump, pg_restore, psql) of the server's major version or newer; the README says how with docker compose.
# The database stays online: pg_dump reads one consistent snapshot. Take the media folder at a quiet moment, or
# accept that a report finished during the backup may be missing from it (its row then says done without a file,
# and the coordinator asks for it again).
set -euo pipefail

url="${DATABASE_URL:?Set DATABASE_URL, for example postgres://opstap:secret@127.0.0.1:5432/opstap}"
case "$url" in
  postgres://*|postgresql://*) ;;
  *) echo "DATABASE_URL must name a PostgreSQL database (postgres://...): pg_dump backs up PostgreSQL only." >&2; exit 2 ;;
esac
media="${MEDIA_ROOT:-var/media}"
folder="${1:-var/backups/$(date -u +%Y%m%dT%H%M%SZ)}"

mkdir -p "$folder"
pg_dump --format=custom --no-owner --no-privileges --file "$folder/database.dump" "$url"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$folder/media.tar.gz" .
else
  echo "No media folder at $media: the backup holds the database only." >&2
  tar -czf "$folder/media.tar.gz" --files-from /dev/null
fi
(cd "$folder" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$folder"
