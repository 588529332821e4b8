# netsim — the two commands:
#   make demo   set up a virtual environment, install, run the default failure scenario
#               (static vs link-state vs distance-vector), print the table, write plots/demo.png
#   make test   set up and run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test setup plots bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/netsim compare scenarios/demo.yaml --plot plots/demo.png

test: $(STAMP)
	CI=$${CI:-1} $(BIN)/python -m pytest -p no:cacheprovider tests

plots: $(STAMP)
	$(BIN)/netsim compare scenarios/demo.yaml --plot plots/demo.png > /dev/null

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

lint: $(STAMP)
	$(BIN)/ruff check netsim tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
