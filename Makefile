# Stride: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := stride.settings

.PHONY: demo test test-postgres test-browser lint format install install-test assets messages reset-demo worker system-packages

$(VENV)/.installed: pyproject.toml
	python3.11 -m venv $(VENV) 2>/dev/null || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed assets messages

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

# From Debian: gettext compiles the Spanish catalogue; WeasyPrint (the printables) needs
# Pango and a font with Spanish accents (DejaVu Sans).
PANGO_LIBS := libpango-1.0.so.0 libpangoft2-1.0.so.0
DEJAVU := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
system-packages:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	@( for lib in $(PANGO_LIBS); do /sbin/ldconfig -p | grep -qF "$$lib" || exit 1; done; \
	  test -f $(DEJAVU) ) || (apt-get update -qq && \
	  apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)

messages: system-packages $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

# The benefits worker loads PolicyEngine once (about a minute) and serves the cliff
# calculator and the cliff watch; the task worker serves the default queue (reminders go
# out, uploads are checked). Both run beside the web server and stop with it; the texts
# reminders send show in the demo outbox (/reminders/demo/outbox/).
demo: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py watch_cliffs
	@echo ""
	@echo "Stride is at http://127.0.0.1:$(PORT)/  (stop with Ctrl-C)"
	@$(PY) manage.py benefits_worker & worker=$$!; \
	  $(PY) manage.py task_worker --queue-name default & tasks=$$!; \
	  trap "kill $$worker $$tasks 2>/dev/null" EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

reset-demo: install
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	$(MAKE) demo

worker: install
	$(PY) manage.py benefits_worker

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The whole suite on SQLite: unit, view, API and persona tests, then the browser tests.
test: install lint
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest -n 2 --dist loadgroup -m "not browser" -q
	$(MAKE) test-browser

# The same suite on a throwaway PostgreSQL cluster under build/ (started and stopped here).
test-postgres: install
	bash scripts/with-postgres $(VENV)/bin/pytest -n 2 --dist loadgroup -m "not browser" -q

# Headless Debian Chromium driven by Playwright, with axe-core checks.
test-browser: install
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(VENV)/bin/pytest -m browser -q -p no:xdist
