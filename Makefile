# rekg: `make run` sets up and builds the graph on the embedded store;
# `make test` sets up and runs the whole test suite (with a real Neo4j once the Neo4j store lands).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: run test test-fast browser neo4j-start neo4j-stop lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

## run: set up, build the graph from data/ on the embedded store, write report.md and print
##      its headline findings, then serve the HTTP API on http://127.0.0.1:8000 (Ctrl-C stops it)
run: $(STAMP)
	$(BIN)/rekg build
	$(BIN)/rekg report -o report.md
	$(BIN)/rekg serve --host 127.0.0.1 --port $(PORT)

## test: set up and run the whole suite, with a throw-away Neo4j server (jars fetched from Maven Central once)
##       and Debian's headless Chromium for the browser tests (installed with apt-get when missing, as root)
test: $(STAMP) browser
	neo4j/with-server $(BIN)/python -m pytest

## browser: Debian's chromium and chromium-driver for tests/web (no browser download of its own)
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; \
	    else echo "make browser: chromium and chromium-driver are missing; run as root: apt-get install chromium chromium-driver (the browser tests skip, and fail under CI=true)" >&2; fi; \
	fi

## test-fast: the suite without Neo4j (its tests skip, saying how to run them)
test-fast: $(STAMP)
	$(BIN)/python -m pytest

## neo4j-start / neo4j-stop: a local server under REKG_HOME for development
neo4j-start: $(STAMP)
	$(BIN)/rekg neo4j start

neo4j-stop: $(STAMP)
	$(BIN)/rekg neo4j stop

## lint: ruff, the layer contracts (import-linter) and mypy on kg, loaders and api
lint: $(STAMP)
	$(BIN)/ruff check kg loaders api tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
