# Tabadul — the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install migrate demo run worker test e2e screenshots lint check-deploy messages clean

# Debian's Pango and Noto fonts for the PDF downloads (scripts/pdf_libs.sh: quick when present).
install: $(VENV)/.installed
	bash scripts/pdf_libs.sh

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo --base-url http://$(HOST):$(PORT)

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# A task worker (django-tasks-db's db_worker) for a `make run` started with
# TASKS_BACKEND=django_tasks_db.DatabaseBackend: the production way of running background work.
worker: migrate
	TASKS_BACKEND=$${TASKS_BACKEND:-django_tasks_db.DatabaseBackend} $(PY) manage.py db_worker

test: install
	bash scripts/test.sh

# The browser journeys alone (Debian's Chromium and axe-core are installed when missing).
e2e: install
	bash scripts/browser_tools.sh >/dev/null
	TABADUL_EXPECT_CHROMIUM=1 $(PY) -m pytest -m browser -p no:cacheprovider -q

# The same journeys, saving their screenshots to docs/screenshots/ for the README.
screenshots: install
	bash scripts/browser_tools.sh >/dev/null
	TABADUL_SCREENSHOTS=docs/screenshots TABADUL_EXPECT_CHROMIUM=1 $(PY) -m pytest -m browser -p no:cacheprovider -q

lint: install
	$(VENV)/bin/ruff check .

check-deploy: install
	bash scripts/check_deploy.sh

messages: install
	$(PY) manage.py makemessages -l ar --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
