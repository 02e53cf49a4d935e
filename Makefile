# The two commands a learner needs: `make lab` and `make test`. Both create .venv on first use and
# reinstall only when pyproject.toml changes, so the second run is quick.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LAB_ARGS ?=
# JupyterLab refuses to run as root without this flag (containers, cloud notebooks).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Use the kernel of this venv, never one registered elsewhere on the machine.
export JUPYTER_PREFER_ENV_PATH := 1

.PHONY: lab test test-unit test-notebooks test-browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,compare,dask]'
	touch $@ $(VENV)/.installed-lab

## make lab: open JupyterLab on the first lesson (LAB_ARGS="--no-browser --ip=0.0.0.0" on a remote machine)
lab: $(VENV)/.installed-lab
	@echo "Starting JupyterLab: open the http://127.0.0.1:<port>/lab?token=<token> URL it prints below (Ctrl-C twice stops it)."
	$(BIN)/jupyter lab lessons/00_start_here.ipynb $(ROOT_FLAG) $(LAB_ARGS)

## make test: unit tests, every notebook on a fresh kernel, and JupyterLab in headless Chromium
test: test-unit test-notebooks test-browser

test-unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -rs -n 2 tests/unit

test-notebooks: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -rs -n 2 --dist loadfile tests/notebooks --nbval-lax --nbval-current-env --nbval-cell-timeout=120 lessons

test-browser: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -rs tests/browser

## make bench: the benchmark scripts, each printing its table
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/runner_overhead.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
