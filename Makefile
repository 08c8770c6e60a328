# Skylocker: `make run` serves the app (web + worker); `make test` runs the test suite.
# Both set everything up on a fresh machine with Python >= 3.11. The other targets are what
# .ci/run adds: the suite on PostgreSQL and MariaDB, the browser tests, the AWS infrastructure
# checks and the security gates.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist); the browser tests stay serial.
PYTEST_WORKERS ?= auto

.PHONY: install run test test-s3 test-postgres test-mariadb e2e dav-test gates soak bench-memory lint lock messages infra-synth infra-test clean

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

# The suite on SQLite, local disk and S3 (a moto server the tests start). The browser tests
# are `make e2e`; PostgreSQL and MariaDB runs set DATABASE_URL (see .ci/run).
test: install
	bin/pytest-run -n $(PYTEST_WORKERS) -m "not e2e" $(PYTEST_ARGS)
	@echo "Browser tests are not part of make test: run make e2e (it installs Chromium)."

# Only the tests that run against the moto S3 server.
test-s3: install
	bin/pytest-run -n $(PYTEST_WORKERS) -m "s3 and not e2e" $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/skylocker \
	  bin/pytest-run -n $(PYTEST_WORKERS) -m "not e2e" $(PYTEST_ARGS)

test-mariadb: install
	DATABASE_URL=mysql://root@127.0.0.1:3306/skylocker \
	  bin/pytest-run -n $(PYTEST_WORKERS) -m "not e2e" $(PYTEST_ARGS)

# Playwright for Python driving Debian's Chromium against the live web server and worker; axe-core
# comes from the npm registry. Each of Chromium and npm is installed from Debian only when it is
# missing (as root): a machine's own Node.js may bring an npm that Debian's npm conflicts with.
e2e: install
	@test -x /usr/bin/chromium || (apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)
	@command -v npm >/dev/null || (apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm)
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	SKYLOCKER_E2E_REQUIRED=1 bin/pytest-run -m e2e tests/e2e $(PYTEST_ARGS)

# The WebDAV door judged by outside suites (bin/dav-test): litmus and rclone against the app
# served as `make run` serves it, on local disk and on S3 (moto). Debian's litmus and rclone are
# installed when missing (as root). DAV_TEST_ARGS=--test-info adds `rclone test info`.
DAV_TEST_ARGS ?=
dav-test: install
	@command -v litmus >/dev/null && command -v rclone >/dev/null || (apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q litmus rclone)
	$(BIN)/python bin/dav-test $(DAV_TEST_ARGS)

# Deploy check with production settings, ruff, mypy, bandit (see bin/gates).
gates: install
	bin/gates

# 50 API clients for 60 s against bin/serve; prints a table (see bench/soak.py).
soak: install
	$(BIN)/python bench/soak.py

# A web worker's peak memory while 1 to 400 MiB files stream in and out; prints a table.
bench-memory: install
	$(BIN)/python bench/memory.py

# The AWS infrastructure (infra/ has its own virtualenvs): templates into infra/cdk.out, or
# synthesis plus its tests, cfn-lint and checkov.
infra-synth:
	$(MAKE) -C infra synth

infra-test:
	$(MAKE) -C infra test

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Regenerate the locks after changing dependencies in pyproject.toml: requirements.lock (the app
# and its tests, for development and CI) and requirements-app.lock (the app alone, with the same
# pins: what the AWS instances install, see infra/). Neither names this machine's package
# mirrors: pip's own configuration says where packages come from.
lock: install
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra test \
	  -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  -c requirements.lock -o requirements-app.lock pyproject.toml

# The German catalogue (skylocker/locale/de): gather every marked string into django.po, then
# compile it into django.mo; both are committed (CONTRIBUTING.md, "Translations"). Needs
# Debian's gettext (xgettext, msgfmt), installed here when missing.
MESSAGES_IGNORE := --ignore=.venv --ignore=infra --ignore=tests --ignore=bench --ignore=lambda \
  --ignore=docs --ignore=skylocker_cli --ignore=node_modules --ignore=build
messages: install
	@command -v msgfmt >/dev/null || (apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q gettext)
	$(BIN)/python manage.py makemessages --locale=de --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages --locale=de $(MESSAGES_IGNORE)
	@grep -c '^#, fuzzy' skylocker/locale/de/LC_MESSAGES/django.po | sed 's/^/fuzzy entries to check: /' || true

clean:
	rm -rf $(VENV) build *.egg-info
