# spm-warehouse: the two commands of the README (`make demo`, `make test`) and a few more.
# Needs only python3, make and git: uv is installed from PyPI into .tools/, then the
# environment is created from uv.lock into .venv/.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced-$(shell cat uv.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
export SEND_ANONYMOUS_USAGE_STATS := no
export DO_NOT_TRACK := 1
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export UV_PYTHON := $(PYTHON)

.PHONY: help setup browser postgres demo test test-fast test-spark test-spark-all dev lint format bench evidence clean

help:
	@echo "make demo   generate the demo company, run the whole pipeline, print where to look"
	@echo "make test   set up and run the whole test suite"
	@echo "make test-fast  the fast lane: no pipeline run, no shared company build"
	@echo "make test-spark  the small company run on a local Spark, compared with DuckDB (CI runs it)"
	@echo "make test-spark-all  every Spark test (also the next day and a HubSpot company)"
	@echo "make dev    Dagster UI on http://127.0.0.1:3000 and the daemon (schedules, sensor)"
	@echo "make lint   ruff + sqlfluff;  make bench  the benchmark;  make evidence  build with Evidence"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet --compile-bytecode
	rm -f $(VENV)/.synced-*
	touch $(STAMP)

setup: $(STAMP) $(DAGSTER_HOME)/dagster.yaml dbt_project/target/manifest.json

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $@

dbt_project/target/manifest.json: $(STAMP) $(shell find dbt_project -name '*.sql' -o -name '*.yml' -o -name '*.csv' 2>/dev/null | grep -v '/target/')
	$(BIN)/spm dbt-parse

demo: setup
	$(BIN)/spm demo

# Two workers (the machine has two cores); tests that share the small company's pipeline run
# stay on one worker (xdist_group), so that run happens once.
PYTEST_ARGS ?= -n 2 --dist loadgroup --no-loadscope-reorder --durations=25

test: setup browser postgres
	$(BIN)/pytest $(PYTEST_ARGS) -m "not spark"

# The small company built on Spark and compared with DuckDB, mart by mart, and dbt's unit
# tests on Spark (about six minutes on 2 cores; CI runs it after `make test`).
test-spark: setup
	$(BIN)/pytest $(PYTEST_ARGS) -m "spark and not spark_extended"

# Every Spark test: also the next day's run on Spark and a HubSpot company on both engines
# (about sixteen minutes).
test-spark-all: setup
	$(BIN)/pytest $(PYTEST_ARGS) -m spark

# The lane to run while working: unit, contract, rule, page and loader tests; no whole
# pipeline run (slow) and no company built once per worker through dbt (company).
test-fast: setup
	$(BIN)/pytest $(PYTEST_ARGS) -m "not slow and not company"

# Headless Chromium for the screenshot tests, from Debian's packages when we may install them.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the screenshot tests ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: the screenshot tests will be skipped"; \
	  else echo "chromium not found (needs root + apt-get): the screenshot tests will be skipped"; fi; }

# PostgreSQL's server binaries for the publication tests (each test run starts a throwaway
# cluster of its own; the Debian default cluster stays down), when we may install them.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's postgresql for the publication tests ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
	      || echo "postgresql could not be installed: the PostgreSQL publication tests will be skipped"; \
	  else echo "postgresql not found (needs root + apt-get): the PostgreSQL publication tests will be skipped"; fi; }

# `dagster dev` runs the webserver and the daemon (schedules and sensors fire once turned on).
dev: setup
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p warehouse
	cd dbt_project && ../$(BIN)/sqlfluff lint models

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

evidence: setup
	$(BIN)/spm evidence

clean:
	rm -rf $(VENV) $(TOOLS) warehouse data/landing reports/build reports/build-restricted dbt_project/target
