# netsim — the two commands:
#   make demo   set up a virtual environment, install, run the default failure scenario
#               (static vs link-state vs distance-vector), print the table, write plots/demo.png
#   make test   set up and run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-frr validate setup plots bench scale lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/netsim compare scenarios/demo.yaml --plot plots/demo.png

test: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check netsim tests benchmarks
	CI=$${CI:-1} $(BIN)/python -m pytest -p no:cacheprovider tests

# The real-router subset (root, FRRouting; .ci/install-frr installs it): a ring on FRR's ospfd
# against netsim, carrier loss and silent failure.  Fails, rather than skips, without FRR.
test-frr: $(STAMP)
	NETSIM_REQUIRE_FRR=1 CI=$${CI:-1} $(BIN)/python -m pytest -p no:cacheprovider -m frr tests/validate

# The whole validation table on real FRR routers (long: about an hour); one JSON per scenario.
VALIDATE_RUNS  ?= 3
VALIDATE_SEEDS ?= 5
validate: $(STAMP)
	mkdir -p validate-results
	for s in scenarios/validate/*.yaml; do \
	  $(BIN)/netsim validate $$s --frr --runs $(VALIDATE_RUNS) --seeds $(VALIDATE_SEEDS) \
	    --json validate-results/$$(basename $$s .yaml).json || exit 1; done

# Every figure the README shows, regenerated from the shipped scenarios (plot readme also writes
# plots/figures.json, the figures' plotted data, which a test compares with what the code draws now).
plots: $(STAMP)
	$(BIN)/netsim plot readme -o plots
	$(BIN)/netsim topo draw topozoo/Abilene -o plots/abilene.png
	$(BIN)/netsim scale --plot plots/scaling.png
	$(BIN)/python benchmarks/study_bgp_mrai.py --plot plots/bgp-mrai.png

# Speed, measured as ratios side by side (ns-3's RIP too when its development files are installed).
bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

scale: $(STAMP)
	$(BIN)/netsim scale --plot plots/scaling.png

lint: $(STAMP)
	$(BIN)/ruff check netsim tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis validate-results
