# Every target sets itself up from a fresh clone: python3 (3.11+), pip and make are all it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The dev venv follows pyproject.toml and the dev lock: a change to either reinstalls it.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/dev.txt | cksum | cut -d' ' -f1)
export DAGSTER_HOME ?= $(CURDIR)/dagster_home
# Defaults for the embedded setup; a variable already in the environment wins.
export CSV_ASSETS_DATABASE_URL ?= sqlite:///data/warehouse.db
export CSV_ASSETS_DATA_DIR ?= data
PORT ?= 3000
# Test processes at once: the suite's servers (dagster dev, Celery, the browser) fit two cores.
TEST_WORKERS ?= 2

.PHONY: dev test install lock lint format bench screenshots clean-venv

$(STAMP): pyproject.toml requirements/dev.txt
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/dev.txt -e '.[dev]'
	touch $@

## install: a production venv in .venv: the exact versions (and hashes) of
## requirements/production.txt, every production extra, no dev tools
install:
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/production.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@echo "installed: $(BIN)/dagster-webserver, dagster-daemon, dagster-celery, csv-assets"

# The project itself (its extras name it) is not locked; nor is where this machine's index is.
LOCK_FLAGS := --quiet --upgrade --strip-extras --no-emit-index-url --no-emit-find-links \
	--unsafe-package csv-assets

## lock: resolve requirements/production.txt and requirements/dev.txt again from
## pyproject.toml's ranges (pip-tools, in a venv of its own); run after changing a dependency
lock:
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet 'pip-tools>=7.4,<8'
	.lock-venv/bin/pip-compile $(LOCK_FLAGS) --generate-hashes --extra production \
		-o requirements/production.txt pyproject.toml
	.lock-venv/bin/pip-compile $(LOCK_FLAGS) --extra dev -o requirements/dev.txt pyproject.toml

## dev: the webserver and daemon on http://127.0.0.1:3000 (make dev PORT=3001 for another
## port), sensors on, loading data/inbox/
dev: $(STAMP)
	@echo "Lineage, every group open: http://127.0.0.1:$(PORT)/asset-groups?expanded=global@global:csv_sources,global@global:reporting"
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p $(PORT)

## test: ruff and mypy, then every test, $(TEST_WORKERS) at a time, each test module on one worker
## (PostgreSQL cases skip unless CSV_ASSETS_TEST_POSTGRES_URL is set)
test: lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope --durations=25

## screenshots: the browser suite (needs Chromium: apt-get install -y chromium), saving the
## README's pictures to docs/screenshots/ from the same run as its assertions
screenshots: $(STAMP)
	CSV_ASSETS_SCREENSHOTS=$(CURDIR)/docs/screenshots CSV_ASSETS_REQUIRE_BROWSER=1 \
		$(BIN)/pytest csv_assets_tests/ui -p no:cacheprovider

## lint: ruff, then mypy (strict, configured in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: the benchmarks under benchmarks/, figures as ratios to baselines timed in the same run
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/sniff_accuracy.py --rows 84
	$(BIN)/python benchmarks/sniff_accuracy.py --random 1000
	$(BIN)/python benchmarks/calibration.py
	$(BIN)/python benchmarks/sniff_speed.py --rows 1000000
	$(BIN)/python benchmarks/validation_cost.py --rows 1000000
	$(BIN)/python benchmarks/widening_cost.py --rows 1000000
	$(BIN)/python benchmarks/load_speed.py --rows 1000000
	$(BIN)/python benchmarks/warehouse_speed.py --rows 1000000
	$(BIN)/python benchmarks/cli_startup.py

clean-venv:
	rm -rf $(VENV)
