# The two commands: `make run` brings the portal up, `make test` runs every test.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

# The test suite runs against real PostgreSQL and Redis (override either URL to point elsewhere).
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/iqm_portal
REDIS_URL ?= redis://127.0.0.1:6379/15
TEST_ENV := DEBUG=false SECRET_KEY=test-only-secret-key-not-for-production-0123456789 \
	SECURE_SSL_REDIRECT=false SECURE_COOKIES=false ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) CELERY_BROKER_URL=$(REDIS_URL) \
	DJANGO_ALLOW_ASYNC_UNSAFE=true L2_RATE_LIMIT=100000/minute
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: run test bench lint format clean chromium nginx

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required: set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

run: $(INSTALLED)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runportal

# Browser tests drive Debian's chromium; install it when it is missing (needs root, as on CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null \
			|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }; \
		else echo "chromium is missing: install Debian's package (sudo apt-get install chromium)"; exit 1; fi; }

# The proxy tests run Debian's nginx on deploy/nginx's template, rendered by envsubst as the nginx image does.
nginx:
	@{ command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx; } && command -v envsubst >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx gettext-base >/dev/null \
			|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx gettext-base; }; \
		else echo "nginx or envsubst is missing: install Debian's packages (sudo apt-get install nginx gettext-base)"; exit 1; fi; }

test: $(INSTALLED) chromium nginx
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

bench: $(INSTALLED)
	$(TEST_ENV) $(BIN)/python -m bench $(BENCH_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var test-results .pytest_cache
