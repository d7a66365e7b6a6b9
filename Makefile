# CiviPortal. `make demo` and `make test` are the two commands a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

TEST_DATABASE_URL := postgres://postgres@127.0.0.1:5432/civiportal
TEST_BROKER_URL := redis://127.0.0.1:6379/0
# Test processes: two per core, at most 8 (much of the suite waits on workers, browsers and
# sweeps); each module's tests stay in one process, so a module shares one browser.
TEST_PROCESSES ?= $(shell $(PYTHON) -c 'import os; print(min(8, 2 * (os.cpu_count() or 1)))')

.PHONY: demo test lint bench worker beat run messages clean install

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CiviPortal needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

# Embedded by default (SQLite, tasks run in process). With CELERY_BROKER_URL set, a
# worker runs beside the server so submissions are delivered.
demo: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_demo
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
	  $(BIN)/celery -A civiportal worker --beat --loglevel INFO & \
	  trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	else \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	fi

test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export CELERY_BROKER_URL ?= $(TEST_BROKER_URL)
test: export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = 1
test: $(INSTALLED)
	$(BIN)/python scripts/check_services.py
	sh scripts/install_browser_deps.sh
	$(MAKE) --no-print-directory $(NODE_INSTALLED)
	$(MAKE) --no-print-directory lint
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 1
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

# axe-core for the browser tests (tests/browser), pinned in package-lock.json. Only the
# tests need Node; `make demo` does not.
$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_INSTALLED)

# The dependency contracts first: a forbidden import is reported as such, not as whatever
# else the same line upsets.
lint: $(INSTALLED)
	$(BIN)/python scripts/check_imports.py
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: export DATABASE_URL ?= $(TEST_DATABASE_URL)
bench: export CELERY_BROKER_URL ?= $(TEST_BROKER_URL)
bench: $(INSTALLED)
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_routing.py
	$(BIN)/python bench/bench_journey.py
	$(BIN)/python bench/bench_exports.py
	$(BIN)/python bench/load_test.py

worker: $(INSTALLED)
	$(BIN)/celery -A civiportal worker --loglevel INFO

beat: $(INSTALLED)
	$(BIN)/celery -A civiportal beat --loglevel INFO

run: $(INSTALLED)
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn civiportal.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3}

# For translators: extract and compile messages. The compiled .mo files are committed
# so that running the portal needs no gettext tools.
messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages --locale es --ignore '.venv/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages --locale es --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 node_modules
