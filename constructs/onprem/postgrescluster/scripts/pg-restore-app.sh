#!/bin/sh
set -eu
umask 077
cp "${PGPASS_UPLOAD:-/run/secrets/pgpass}" "${PGPASSFILE:-/tmp/.pgpass}"
backups="${BACKUP_DIR:-/backup}"
db="${1:-}"
archive="${2:-}"
fail() { echo "pg-restore-app: $*; nothing was changed" >&2; exit 1; }
[ -n "$db" ] || fail "usage: pg-restore-app <database> [archive]"
case " ${DATABASES:-} " in
  *" $db "*) ;;
  *) fail "$db is not an app database of this stack (they are: ${DATABASES:-none})" ;;
esac
if [ -z "$archive" ]; then
  archive=$(ls -1 "$backups" | grep -E "^$db-[0-9]{8}T[0-9]{6}Z\.dump\$" | sort | tail -n 1)
  [ -n "$archive" ] || fail "no backup of $db in $backups"
fi
case "$archive" in /*) ;; *) archive="$backups/$archive" ;; esac
[ -f "$archive" ] || fail "$archive does not exist"
pg_restore --list "$archive" >/dev/null 2>&1 && pg_restore --file=/dev/null "$archive" 2>/dev/null ||
  fail "$archive is damaged or not a pg_dump archive"
exists=$(psql --dbname=postgres --tuples-only --no-align --command="SELECT 1 FROM pg_database WHERE datname = '$db'")
if [ "$exists" = 1 ]; then
  psql --dbname=postgres --quiet --command="SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()" >/dev/null
  pg_restore --clean --if-exists --single-transaction --exit-on-error --dbname="$db" "$archive"
else
  createdb --owner="$db" --encoding=UTF8 "$db"
  psql --dbname=postgres --quiet --command="REVOKE ALL ON DATABASE \"$db\" FROM PUBLIC"
  pg_restore --single-transaction --exit-on-error --dbname="$db" "$archive"
fi
# The app's own login role gets its rights again, granted by the owner as
# Flyway's callback grants them: an archive from before a table was
# granted (or from before the role existed) does not carry them.
app_role="$db${APP_ROLE_SUFFIX:?}"
if [ "$(psql --dbname=postgres --tuples-only --no-align --command="SELECT 1 FROM pg_roles WHERE rolname = '$app_role'")" = 1 ]; then
  sed "s/\${app_role}/$app_role/g" "${APP_ROLE_GRANTS:?}" |
    psql --dbname="$db" --quiet --set=ON_ERROR_STOP=1 --command="SET ROLE \"$db\"" \
      --command="GRANT CONNECT ON DATABASE \"$db\" TO \"$app_role\"" --file=- ||
    { echo "pg-restore-app: $db was restored, but granting $app_role its rights failed: deploy again (Flyway grants them)" >&2; exit 1; }
fi
echo "pg-restore-app: $db restored from $archive"
