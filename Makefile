# Mosty: `make run` serves the platform with demo data; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
MANAGE := $(PY) manage.py

.PHONY: run test setup install assets check-services migrate messages static seed serve lint format bench clean

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required for front-end assets: apt-get install -y npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

check-services: install
	@$(MANAGE) preflight

migrate: check-services
	@$(MANAGE) migrate --noinput -v 0

messages: install
	@command -v msgfmt >/dev/null || { echo "gettext is required to compile translations: apt-get install -y gettext"; exit 1; }
	@$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

static: install assets
	@$(MANAGE) collectstatic --noinput -v 0

setup: install assets check-services migrate messages static

seed: setup
	@$(MANAGE) seed_demo

serve:
	@echo ""
	@echo "Mosty is running on http://127.0.0.1:$(PORT)  (Ctrl-C stops web, worker and beat)"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=2 & \
	$(VENV)/bin/celery -A config beat --loglevel=INFO & \
	$(MANAGE) runserver 127.0.0.1:$(PORT) & \
	wait

run: seed serve

test: setup
	@command -v chromium >/dev/null || { echo "Browser tests need Debian's Chromium: apt-get install -y chromium (or run: bash .ci/run)"; exit 1; }
	$(VENV)/bin/pytest

# The scale benchmark (README, "Performance"): its own databases (mosty_bench_seed,
# mosty_bench), Redis database 13, port 8765. Not part of `make test` or CI.
$(VENV)/.bench-installed: pyproject.toml | $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $@

bench: install assets messages $(VENV)/.bench-installed
	@command -v wrk >/dev/null || { \
		echo "Installing wrk (Debian package) for the load runs"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y wrk || { $$SUDO apt-get update && $$SUDO apt-get install -y wrk; }; }
	$(PY) -m bench.run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/staticfiles var/celerybeat-schedule*
