# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
HOST ?= 127.0.0.1
PORT ?= 5000
# flask run serves on these, and the app derives the VNeID sandbox's issuer from the same
# values, so every command (seed, run) agrees on it.
export FLASK_RUN_HOST := $(HOST)
export FLASK_RUN_PORT := $(PORT)

.PHONY: run test lint fmt babel babel-extract babel-update babel-compile worker e2e bench migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

babel-compile: | $(BIN)/python
	$(BIN)/pybabel compile --statistics -d translations -D messages

migrate: $(VENV)/.installed babel-compile
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask places load
	$(BIN)/flask holidays load
	$(BIN)/flask demo seed

## make run: install, migrate, load demo data and serve http://127.0.0.1:5000 (SQLite, VNeID sandbox);
## background jobs (notifications, deadlines) run inside the server's process in development
run: seed
	$(BIN)/flask run

## make test: the whole test suite (SQLite; TEST_DATABASE_URL=postgresql+psycopg://… for PostgreSQL)
test: $(VENV)/.installed-dev babel-compile
	$(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: $(VENV)/.installed-dev babel-compile
	$(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

## make worker: the job consumer on its own, as production runs it (make run needs none)
worker: migrate
	$(BIN)/flask jobs worker

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

fmt: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format app tests

babel-extract: | $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --omit-header .

babel-update: babel-extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages --no-fuzzy-matching --ignore-obsolete

## make babel: extract, update both catalogs and compile
babel: babel-update babel-compile

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance/app.db
