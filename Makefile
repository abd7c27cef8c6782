# One command sets up and runs the demo, one sets up and runs the tests.
#   make demo   – create .venv, install the suite, generate and run the demo client
#   make test   – create .venv, install the suite with test extras, run the tests
#   make lab    – open JupyterLab on notebooks/ with the demo client ready
#   make bench  – benchmarks (never part of make test)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test lab bench setup setup-test system-deps clean

setup: system-deps $(STAMP)

# The tests also need a browser (the tuning panel's end-to-end test).
setup-test: $(STAMP)
	@bash scripts/system_deps.sh --with-browser

system-deps:
	@bash scripts/system_deps.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (kpi)" >/dev/null
	@touch $(STAMP)

demo: setup
	$(BIN)/kpi demo

test: setup-test
	$(BIN)/python -m pytest -q

lab: setup
	$(BIN)/kpi demo --no-run
	$(BIN)/jupyter lab notebooks/

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache client_data outputs/*/
