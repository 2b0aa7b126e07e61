# Sourced by the backup scripts: the backup volume, its metrics folder,
# the round lock and the metrics writer.
backups="${BACKUP_DIR:-/backup}"
metrics="$backups/${METRICS_DIR:-metrics}"

# round_lock <script>: one round at a time. pg-backup-all takes it for its
# steps (ROUND_LOCK_HELD); a step run alone takes it itself.
round_lock() {
  [ -z "${ROUND_LOCK_HELD:-}" ] || return 0
  exec 9>"$backups/.round.lock"
  flock -n 9 || {
    echo "$1: a backup round is running; try again when it ends" >&2
    exit 1
  }
  export ROUND_LOCK_HELD=1
}

# publish <name>: standard input becomes metrics/<name>.prom for the node
# exporter's textfile collector, whole (written aside, then renamed) and
# readable by its nobody user (it holds no secret).
publish() {
  mkdir -p "$metrics" && chmod 755 "$metrics" &&
    cat >"$metrics/.$1.prom.partial" && chmod 644 "$metrics/.$1.prom.partial" &&
    mv "$metrics/.$1.prom.partial" "$metrics/$1.prom"
}

# last_success <name> <metric>: the metric's value in metrics/<name>.prom
# (empty before the first success).
last_success() {
  sed -n "s/^$2 //p" "$metrics/$1.prom" 2>/dev/null
}

# restic_ is restic bounded by RESTIC_TIMEOUT (4h): a hung connection must
# not hold every later round.
restic_() { timeout "${RESTIC_TIMEOUT:-4h}" restic "$@"; }
