# Opstap: `make demo` serves the portal with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
# mypy checks all application code; pyproject.toml's [tool.mypy] leaves out migrations and tests.
TYPED_PACKAGES := core pilots candidates employers reports start config
BIN := $(VENV)/bin
PORT ?= 8000

# The newest Python 3.12+ on PATH or under pyenv; PYTHON=... overrides.
PYTHON ?= $(shell for v in python3.14 python3.13 python3.12; do \
	  p=$$(command -v $$v 2>/dev/null) && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; exit; }; \
	done; \
	for p in $$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r); do \
	  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; exit; }; \
	done; \
	p=$$(command -v python3 2>/dev/null) && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo "$$p")

# Debian packages: WeasyPrint's Pango, the report fonts, gettext, and chromium for browser tests.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 gettext chromium

.PHONY: help setup system-packages demo serve test test-pg test-fast lint worker beat bench load messages clean mutate

help:
	@echo "make demo    virtualenv, install, migrate, demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test    the whole test suite"
	@echo "make test-pg the tests marked services, against the local PostgreSQL (or DATABASE_URL)"
	@echo "make lint    ruff check, ruff format --check, mypy, the layers of the apps (import-linter)"
	@echo "make worker  a Celery worker against REDIS_URL (the default queue and the reports queue)"
	@echo "make beat    the Celery beat scheduler against REDIS_URL"
	@echo "make bench   every page of every role at 1,000 and 50,000 candidates against a trivial page (docs/performance.md)"
	@echo "make load    50 users at once through gunicorn, PostgreSQL, Redis and a worker (docs/performance.md)"
	@echo "make setup   only the virtualenv and the install"
	@echo "make mutate  the mutation run over the figures and the disclosure code (about an hour; docs/mutation.md)"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found on PATH or under pyenv. Install one, or run: make PYTHON=/path/to/python3.12 ..."; \
	  exit 1; \
	fi
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null; then echo "Please install:$$missing"; exit 1; fi; \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# axe-core for the accessibility checks of the browser tests, pinned in package-lock.json: from the npm registry,
# never a CDN. npm ci installs it afresh when node_modules is missing or older than the lock file.
node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { \
	  echo "npm is missing: install Node.js 18 or newer with npm (Debian: apt-get install nodejs npm), then run make setup again."; \
	  exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: system-packages $(VENV)/.installed node_modules/.installed

messages: setup
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

demo: setup messages
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup messages
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The tests that need PostgreSQL (marker `services`), against a local server unless DATABASE_URL names another.
# Without REDIS_URL the ones that also need Redis or a worker skip (under CI=true they fail instead).
test-pg: setup messages
	DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/opstap_test_pg}" \
	  $(BIN)/python -m pytest -m services -p no:randomly $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPED_PACKAGES)
	$(BIN)/lint-imports

worker: setup
	@[ -n "$$REDIS_URL" ] || { echo "Set REDIS_URL, for example REDIS_URL=redis://127.0.0.1:6379/0"; exit 1; }
	DJANGO_SETTINGS_MODULE="$${DJANGO_SETTINGS_MODULE:-config.settings.local}" $(BIN)/celery -A config worker -Q celery,reports --loglevel=INFO

beat: setup
	@[ -n "$$REDIS_URL" ] || { echo "Set REDIS_URL, for example REDIS_URL=redis://127.0.0.1:6379/0"; exit 1; }
	DJANGO_SETTINGS_MODULE="$${DJANGO_SETTINGS_MODULE:-config.settings.local}" $(BIN)/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule

# make bench (docs/performance.md): the region built at each of BENCH_SCALES candidates in a fresh PostgreSQL
# database on BENCH_DATABASE_URL's server (one database per scale, named after it with _<scale>), every main page of
# every role through gunicorn with the production settings against a trivial page, the report job through Redis
# (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14) and a real worker; then the query-count benchmarks of
# benchmarks/test_*.py. BENCH_REQUESTS=9 requests a page; BENCH_REUSE=1 keeps the databases an earlier run built.
# Prints a table and PASS/FAIL per target; the JSON is in var/bench/latest.json.
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/opstap_bench)
BENCH_SCALES ?= 1000 50000
# make load: LOAD_USERS (50) users for LOAD_TIME (2m) against the region at LOAD_SCALE candidates.
LOAD_SCALE ?= 1000

bench: setup
	@command -v pg_isready >/dev/null && pg_isready -q -d "$(BENCH_DATABASE_URL)" || { \
	  echo "make bench measures PostgreSQL: none answers at $(BENCH_DATABASE_URL) (set BENCH_DATABASE_URL)."; exit 1; }
	BENCH_DATABASE_URL="$(BENCH_DATABASE_URL)" BENCH_SCALES="$(BENCH_SCALES)" $(BIN)/python -m benchmarks.bench
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python -m pytest benchmarks -p no:xdist -p no:randomly $(PYTEST_ARGS)

load: setup
	@command -v pg_isready >/dev/null && pg_isready -q -d "$(BENCH_DATABASE_URL)" || { \
	  echo "make load needs PostgreSQL: none answers at $(BENCH_DATABASE_URL) (set BENCH_DATABASE_URL)."; exit 1; }
	BENCH_DATABASE_URL="$(BENCH_DATABASE_URL)" LOAD_SCALE="$(LOAD_SCALE)" $(BIN)/python -m benchmarks.load

# The mutation run over the disclosure code and the suppression part of figures.py ([tool.mutmut] in pyproject.toml,
# docs/mutation.md): about an hour on one core, so it is not part of `make test` or CI. mutmut mutates the whole of
# both files but tests only the mutants of MUTATE_FUNCTIONS: figures.py's counting queries would take hours more.
# Each run starts afresh, since mutmut keeps a verdict until its function changes: a mutant that survived would
# stay "survived" after a new test. One worker, as the machine is shared; CI=true loads the conftest's "ci"
# profile, so hypothesis draws the same examples for every mutant. MUTANTS="reports.disclosure.x_protect*" checks
# only the mutants whose names match.
MUTATE_CHILDREN ?= 1
MUTATE_FUNCTIONS := cells _count_fields _relation _key_figure_relations _key_figure_paths relations suppress known_zeros \
	hidden_cells _cost _hide public_figures rate target_status _key_figures
MUTANTS ?= reports.disclosure.* $(foreach f,$(MUTATE_FUNCTIONS),reports.figures.x_$(f)__mutmut_*)

mutate: setup messages
	rm -rf mutants
	CI=true $(BIN)/mutmut run --max-children $(MUTATE_CHILDREN) $(foreach m,$(MUTANTS),'$(m)')
	@echo "Mutants not killed (mutmut show NAME shows one):"
	@$(BIN)/mutmut results | grep -v ': not checked$$' || true
	@echo "The mutants checked, by verdict:"
	@$(BIN)/mutmut results --all true | grep -v ': not checked$$' | sed 's/.*: //' | sort | uniq -c

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# The guide's pictures (docs/guide/img/): a fresh demo database, the portal on a free port, Debian's chromium.
# SCREENSHOTS_ARGS="--chapter gastwerkgever" makes one chapter's; docs/guide/screenshots.py --help lists the rest.
.PHONY: screenshots
screenshots: setup messages
	$(BIN)/python docs/guide/screenshots.py $(SCREENSHOTS_ARGS)
