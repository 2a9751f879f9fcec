#!/usr/bin/env bash
# `make restore BACKUP=var/backups/<timestamp>`: verify the checksums, then restore into the EMPTY database of
# DATABASE_URL (refused when it has tables, unless --force) and MEDIA_ROOT, then check counts, migrations and
# that the referral fields decrypt with the configured FIELD_ENCRYPTION_KEYS.
# Usage: scripts/restore.sh BACKUP_DIR [--yes] [--force] [--media-root DIR]; asks once for confirmation,
# never with --yes or CI=true.
set -euo pipefail
if [ $# -lt 1 ] || [ -z "$1" ] || [ "${1#-}" != "$1" ]; then
  echo "usage: $0 var/backups/<timestamp> [--yes] [--force]" >&2
  exit 2
fi
backup=$(realpath -m -- "$1")  # relative to the caller's directory
shift
cd "$(dirname "$0")/.."
python=.venv/bin/python
[ -x "$python" ] || python=$(command -v python3)
if [ -z "${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY=' .env; then
  export DEBUG="${DEBUG:-true}"
fi
args=("$backup" "$@")
if [ "${CI:-}" = "true" ]; then
  args+=(--yes)
fi
umask 077
exec "$python" manage.py restore "${args[@]}"
