# Skylocker: `make run` serves the app (web + worker); `make test` runs the test suite.
# Both set everything up on a fresh machine with Python >= 3.11.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: install run worker test test-postgres test-mariadb e2e gates lint lock infra-synth infra-test clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate_with_lock
	$(BIN)/python manage.py ensure_superuser
	bin/serve

# The suite on SQLite; PostgreSQL and MariaDB runs set DATABASE_URL (see .ci/run).
test: install
	bin/pytest-run $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/skylocker bin/pytest-run -m "not e2e" $(PYTEST_ARGS)

test-mariadb: install
	DATABASE_URL=mysql://root@127.0.0.1:3306/skylocker bin/pytest-run -m "not e2e" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Regenerate requirements.lock after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --extra test -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) build *.egg-info
