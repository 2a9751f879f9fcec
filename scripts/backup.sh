#!/usr/bin/env bash
# `make backup`: database (pg_dump --format=custom, or SQLite's online backup) + MEDIA_ROOT + manifest into
# $BACKUP_DIR/<UTC timestamp>/ (default var/backups). Encrypted for $BACKUP_GPG_RECIPIENT when set.
# Never includes secrets: FIELD_ENCRYPTION_KEYS and .env are backed up separately. Extra arguments go to
# `manage.py backup` (see --help). Never prompts.
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python
[ -x "$python" ] || python=$(command -v python3)
# Without any production configuration (no SECRET_KEY in the environment or .env) this is the embedded
# development set-up of `make run`, which needs DEBUG=true to start.
if [ -z "${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY=' .env; then
  export DEBUG="${DEBUG:-true}"
fi
umask 077
exec "$python" manage.py backup "$@"
