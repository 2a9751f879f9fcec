# Veilig Buitengebied portal. Two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
BENCH_SCALE ?= 10
BENCH_PG_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_PG_DB ?= vbg_bench_$(BENCH_SCALE)
HOST ?= 127.0.0.1
PORT ?= 8000

WORKERS ?= 2
SERVE_HOST ?= 127.0.0.1
SERVE_PORT ?= 8001
# The production server: the ASGI app (HTTP and websockets) under uvicorn with WORKERS processes. Settings come
# from the environment or .env (see .env.example); deploy/ holds the nginx site and systemd units around it.
UVICORN := $(BIN)/uvicorn vbg_platform.asgi:application --ws websockets-sansio --lifespan off --no-access-log

.PHONY: run test bench lint install install-dev translations setup-db worker clean-bench serve release

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install
	DEBUG=true $(MANAGE) compile_translations

# Safe to repeat: migrations, reference data and demo data are idempotent and keep what exists.
setup-db: translations
	mkdir -p var
	DEBUG=true $(MANAGE) migrate --no-input -v0
	DEBUG=true $(MANAGE) createcachetable
	DEBUG=true $(MANAGE) seed_reference_data
	DEBUG=true $(MANAGE) load_demo_data --scale 1

run: setup-db
	@DEBUG=true $(MANAGE) demo_logins
	@echo "Portal: http://$(HOST):$(PORT)/   (Ctrl+C stops the server and the worker)"
	@DEBUG=true $(MANAGE) run_huey --quiet & worker=$$!; \
	  trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  DEBUG=true $(MANAGE) runserver $(HOST):$(PORT)

worker: install
	DEBUG=true $(MANAGE) run_huey

# The release steps of the README, safe to repeat.
release: translations
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --no-input -v0
	$(MANAGE) seed_reference_data >/dev/null

# Production serving on this machine (behind the proxy of deploy/nginx): web workers plus one background worker.
serve: release
	@echo "Serving on http://$(SERVE_HOST):$(SERVE_PORT)/ with $(WORKERS) workers (Ctrl+C stops)"
	@$(MANAGE) run_huey --quiet & worker=$$!; \
	  trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(UVICORN) --host $(SERVE_HOST) --port $(SERVE_PORT) --workers $(WORKERS)

# Load test (README, "Load test"): the server of `serve` (WORKERS workers) on a free loopback port, wrk per page
# and a locust journey of 50 users; one JSON line per scenario. Needs PostgreSQL at 127.0.0.1:5432 (its own
# database vbg_loadtest, built once with the bench's demo data) and Redis at 127.0.0.1:6379 (db 4).
.PHONY: loadtest
loadtest: install-dev translations
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=sudo; \
	  else echo "wrk is not installed; install it with: sudo apt-get install -y wrk" >&2; exit 2; fi; \
	  $$sudo apt-get install -y -q wrk || { $$sudo apt-get update -q && $$sudo apt-get install -y -q wrk; }; }
	@WORKERS=$(WORKERS) $(BIN)/python scripts/loadtest/run.py $(LOADTEST_ARGS)

# The whole suite in two runs: the independent tests on TEST_WORKERS processes (pytest-xdist; each worker has its
# own test database, Redis db, channel-layer prefix and media directory, see vbg_platform/settings_test.py), then
# the browser and fault tests in one serial run (they start servers and throwaway services, mount file systems and
# share one browser). Both runs always run; the target fails when either fails. PYTEST_ARGS go to both runs;
# TEST_JUNIT=var/ci/sqlite writes var/ci/sqlite-parallel.xml and var/ci/sqlite-serial.xml.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n > 4 ? 4 : n )))
SERIAL_TESTS := tests/browser tests/faults
test: install-dev translations
	status=0; \
	  $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(addprefix --ignore=,$(SERIAL_TESTS)) \
	    $(if $(TEST_JUNIT),--junitxml=$(TEST_JUNIT)-parallel.xml) $(PYTEST_ARGS) || status=$$?; \
	  $(BIN)/pytest $(SERIAL_TESTS) $(if $(TEST_JUNIT),--junitxml=$(TEST_JUNIT)-serial.xml) $(PYTEST_ARGS) || status=$$?; \
	  exit $$status

# The date-sensitive tests on a clock that starts 30 s before midnight in Amsterdam on New Year's Eve and ticks, so
# the run crosses a day, a month and a year the way a late CI run does (VBG_TEST_CLOCK, tests/conftest.py). Browser
# and fault tests run real servers in other threads and processes, which a clock in this process cannot move.
TEST_CLOCK ?= 2026-12-31T22:59:30Z
MIDNIGHT_TESTS ?= tests/surveys tests/knowledgebase/test_feedback.py tests/knowledgebase/test_joint_actions.py \
  tests/meetings/test_calendar.py tests/meetings/test_actions_and_attendance.py tests/referrals tests/monitoring \
  tests/notifications/test_delivery.py tests/stakeholders/test_personal_data.py tests/stakeholders/test_merge.py \
  tests/stakeholders/test_scope.py tests/stakeholders/test_followups.py tests/search/test_access.py \
  tests/test_no_import_time_dates.py
.PHONY: test-midnight
test-midnight: install-dev translations
	VBG_TEST_CLOCK=$(TEST_CLOCK) $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(MIDNIGHT_TESTS) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Dependency audit (README, "Security"): known vulnerabilities in the pinned runtime requirements and what they
# pull in (AUDIT_REQUIREMENTS=requirements-dev.txt for the tools too). Needs the network for the vulnerability
# database; --strict fails when a package could not be checked, so "no answer" never passes as "no findings".
AUDIT_REQUIREMENTS ?= requirements.txt
.PHONY: audit
audit: install-dev
	$(BIN)/pip-audit --strict --progress-spinner off -r $(AUDIT_REQUIREMENTS)

# Backups (README, "Backups"): database + MEDIA_ROOT + manifest into $(BACKUP_DIR)/<UTC timestamp>/ (default
# var/backups), never the secrets. `make restore BACKUP=var/backups/<timestamp> [RESTORE_ARGS="--yes --force"]`
# restores into the EMPTY database of DATABASE_URL; it asks once unless --yes or CI=true.
.PHONY: backup restore
backup: install
	@scripts/backup.sh

restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<timestamp> [RESTORE_ARGS=--yes]" >&2; exit 2; }
	@scripts/restore.sh "$(BACKUP)" $(RESTORE_ARGS)

# The bench database is built once at BENCH_SCALE and reused (brought up to date: migrations and the demo of
# apps added since are idempotent); `make clean-bench` rebuilds it from scratch.
bench: translations
	@mkdir -p var/static
	@export DEBUG=true DATABASE_URL=sqlite:///var/bench-$(BENCH_SCALE).sqlite3; \
	  $(MANAGE) migrate --no-input -v0 && $(MANAGE) createcachetable && \
	  $(MANAGE) seed_reference_data >/dev/null && $(MANAGE) load_demo_data --scale $(BENCH_SCALE) >/dev/null
	@DATABASE_URL=sqlite:///var/bench-$(BENCH_SCALE).sqlite3 DEBUG=false VBG_TESTING=true $(MANAGE) run_bench
	@# Search on PostgreSQL, when a server answers at BENCH_PG (this machine runs one on 127.0.0.1:5432).
	@if pg_isready -q -d "$(BENCH_PG_SERVER)" 2>/dev/null; then \
	  psql "$(BENCH_PG_SERVER)" -tAc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_PG_DB)'" | grep -q 1 \
	    || psql "$(BENCH_PG_SERVER)" -qc "CREATE DATABASE $(BENCH_PG_DB)"; \
	  ( export DEBUG=true DATABASE_URL=$(BENCH_PG_SERVER)/$(BENCH_PG_DB); \
	    $(MANAGE) migrate --no-input -v0 && $(MANAGE) createcachetable && \
	    $(MANAGE) seed_reference_data >/dev/null && $(MANAGE) load_demo_data --scale $(BENCH_SCALE) >/dev/null \
	    && psql "$(BENCH_PG_SERVER)/$(BENCH_PG_DB)" -qc "ANALYZE" ) || exit 1; \
	  DATABASE_URL=$(BENCH_PG_SERVER)/$(BENCH_PG_DB) DEBUG=false VBG_TESTING=true $(MANAGE) run_bench search_pg search_relevance_pg search_relevance_heldout_pg; \
	else \
	  echo '{"name": "search_pg", "skipped": "no PostgreSQL at $(BENCH_PG_SERVER)"}'; \
	  echo '{"name": "search_relevance_pg", "skipped": "no PostgreSQL at $(BENCH_PG_SERVER)"}'; \
	  echo '{"name": "search_relevance_heldout_pg", "skipped": "no PostgreSQL at $(BENCH_PG_SERVER)"}'; \
	fi

clean-bench:
	rm -f var/bench-*.sqlite3*
	-psql "$(BENCH_PG_SERVER)" -qc "DROP DATABASE IF EXISTS $(BENCH_PG_DB)" 2>/dev/null
