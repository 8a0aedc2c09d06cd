# One Center — the two commands of the README, and the developer's others.
# Needs only Python 3.11+ (with venv) and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## demo: set up, build the demo graph from data/ into var/store, serve it at http://127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/onecenter build
	$(BIN)/onecenter serve

## test: set up and run the whole test suite
test: $(STAMP)
	sh scripts/ensure_chromium.sh
	$(BIN)/python -m pytest

## bench: province-scale figures (not part of the tests)
bench: $(STAMP)
	$(BIN)/python scripts/bench_linking.py
	$(BIN)/python scripts/bench_load.py --observations 1000000
	$(BIN)/python scripts/bench_validation.py --observations 1000000 --sample 1000

lint: $(STAMP)
	$(BIN)/ruff check graph api tests scripts
	$(BIN)/mypy

clean:
	rm -rf var .pytest_cache
