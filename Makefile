# Symbiosis — every entry point a newcomer or CI needs.
#   make run    serve the demo on http://127.0.0.1:5000 (SQLite under instance/)
#   make test   lint + the whole suite, on SQLite and on PostgreSQL when reachable

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
# PostgreSQL run of the suite: CI exports it; locally it is tried and skipped if absent.
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
export TEST_DATABASE_URL

.PHONY: install run db seed test lint fmt bench bench-dashboard bench-load translations extract-messages \
        browser clean serve-prod worker security faults

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,prod]'
	touch $@

install: $(BIN)/.installed translations

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

translations: $(BIN)/.installed
	$(BIN)/pybabel compile --use-fuzzy --statistics -d symbiosis/translations

extract-messages: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o symbiosis/translations/messages.pot .
	$(BIN)/pybabel update -i symbiosis/translations/messages.pot -d symbiosis/translations --no-fuzzy-matching

db: install instance/secret_key
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed reference
	$(FLASK) seed demo

# Plain http on the loopback: cookies cannot carry the Secure flag there.
run: seed
	SYMBIOSIS_SESSION_COOKIE_SECURE=false SYMBIOSIS_REMEMBER_COOKIE_SECURE=false \
	SYMBIOSIS_BASE_URL=$${SYMBIOSIS_BASE_URL:-http://$(HOST):$(PORT)} \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# Production: gunicorn on HOST:PORT with WORKERS processes (default 2 x cores + 1),
# against DATABASE_URL / REDIS_URL / SYMBIOSIS_* from the environment. Migrates
# first (MIGRATE=0 on the other machines of a multi-machine deployment); rate-limit
# counters go to REDIS_URL unless SYMBIOSIS_RATELIMIT_STORAGE_URI says otherwise.
# A worker is replaced after 20000 +- 2000 requests (a guard against leaks): a new
# one starts cold, so not every minute at full load, and not all at once.
WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) + 1 )))
MIGRATE ?= 1

serve-prod: install
	@if [ "$(MIGRATE)" = 1 ]; then $(FLASK) db upgrade; fi
	SYMBIOSIS_RATELIMIT_STORAGE_URI="$${SYMBIOSIS_RATELIMIT_STORAGE_URI:-$${REDIS_URL:-memory://}}" \
	  $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) \
	  --timeout 60 --graceful-timeout 30 --max-requests 20000 --max-requests-jitter 2000 \
	  wsgi:app

# An RQ worker on the app's queue (symbiosis.jobs.QUEUE); the scheduler runs the
# delayed retries of failed jobs; --config wsgi loads the app once. AppWorker
# runs matching jobs in its own process, on its matcher index, and the other
# jobs in a process forked for each (symbiosis/worker.py says why). Run it
# under a service manager that restarts it: a job it was running when it died
# is taken up again about two minutes later.
worker: install
	@test -n "$$REDIS_URL" || { echo "REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)"; exit 2; }
	$(BIN)/rq worker --url "$$REDIS_URL" --with-scheduler --config wsgi \
	  --worker-class symbiosis.worker.AppWorker symbiosis

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "could not install chromium: browser tests will be skipped"; }

# bandit on the code; pip-audit on every pin, which says plainly when its
# advisory database is out of reach (see README, Security checks).
security: install
	bash tools/security.sh

lint: install security
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install browser lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

bench: install
	$(BIN)/python -m tests.bench.quality
	$(BIN)/python -m tests.bench.speed
	$(BIN)/python -m tests.bench.planner

# Fault tests alone: a private PostgreSQL, Redis, gunicorn and rq worker,
# broken on purpose (they also run in make test).
faults: install
	$(BIN)/python -m pytest -m faults

# Load at scale: gunicorn (serve-prod flags) + Redis/RQ under a locust mix, on a
# PostgreSQL database symbiosis_load and on SQLite (WAL), 100k listings each;
# BENCH_ARGS="--reuse --db postgres --users 100 --duration 60".
bench-load: install
	$(BIN)/python -m tests.bench.load $(BENCH_ARGS)

# Dashboard speed at scale: a PostgreSQL database symbiosis_bench with 1M listings,
# 200k agreements and 1M deliveries (about 10 minutes to build; --reuse keeps it).
bench-dashboard: install
	$(BIN)/python -m tests.bench.dashboard $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
