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

.PHONY: install run db seed test lint fmt bench translations extract-messages browser clean

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
	  $(FLASK) run --host $(HOST) --port $(PORT)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "could not install chromium: browser tests will be skipped"; }

lint: install
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

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
