# One Center — the two commands of the README, and the developer's others.
# Needs only Python 3.11+ (with venv) and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test check bench lint install clean

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

# --dist worksteal: each worker starts on one contiguous half of the suite (a module's fixtures are
# built once, not on both workers as --dist load's interleaved chunks do) and an idle worker takes
# the tail of the other's queue, so the two finish together.
## test: set up and run the whole test suite (two workers: about 20 min on a quiet 2-core machine, over the 15 min target)
test: $(STAMP)
	sh scripts/ensure_chromium.sh
	sh scripts/ensure_virtuoso.sh
	$(BIN)/python -m pytest -n 2 --dist worksteal

## check: the fast loop for developers: unit tests and doctests, no browser, server, fuzz or kill test (under a minute)
check: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" -n 2 --dist worksteal

# The anchors' own environment: Morph-KGC pins pandas 2 and pyoxigraph 0.3.
ANCHORS := .venv-anchors/.installed
$(ANCHORS):
	$(PYTHON) -m venv .venv-anchors
	.venv-anchors/bin/python -m pip install --quiet morph-kgc==2.10.0
	touch $(ANCHORS)

## bench: province-scale figures next to their anchors (not part of the tests; about an hour)
RESULTS := var/bench/results.jsonl
bench: $(STAMP) $(ANCHORS)
	mkdir -p var/bench && rm -f $(RESULTS)
	$(BIN)/python scripts/bench_mapping.py --observations 1000000 --json $(RESULTS)
	$(BIN)/python scripts/bench_load.py --observations 1000000 --repeat 1 --json $(RESULTS)
	$(BIN)/python scripts/bench_agency_loads.py --observations 500000 --json $(RESULTS)
	$(BIN)/python scripts/bench_validation.py --observations 1000000 --sample 0 --skip-store-run --json $(RESULTS)
	$(BIN)/python scripts/bench_rules.py --observations 100000
	$(BIN)/python scripts/bench_questions.py --observations 1000000 --keep var/bench --json $(RESULTS)
	$(BIN)/python scripts/bench_view.py --observations 1000000 --keep var/bench --json $(RESULTS)
	$(BIN)/python scripts/bench_rdflib.py --store var/bench/demo --json $(RESULTS)
	$(BIN)/python scripts/bench_endpoint.py --store var/bench/demo --json $(RESULTS)
	$(BIN)/python scripts/bench_answers.py --observations 1000000 --keep var/bench --json $(RESULTS)
	$(BIN)/python scripts/bench_linking.py
	$(BIN)/python scripts/bench_summary.py $(RESULTS)

lint: $(STAMP)
	$(BIN)/ruff check graph api tests scripts
	$(BIN)/mypy

clean:
	rm -rf var .pytest_cache .venv-anchors
