# The front door. `make report` builds the reports, `make test` runs the tests;
# each sets up what it needs first (.venv, Python packages, the Jupyter kernel,
# and on Debian/Ubuntu as root Chromium and the Arabic fonts).
SHELL := bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
KERNEL := drawdown
PYTEST_ARGS ?=
BUILD_ARGS ?=

.PHONY: help setup system report validate test test-fast test-integration lint format format-check lab bench clean vendor-plotly

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMPS)/python: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m analysis.kernel
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/system: scripts/system-deps.sh
	bash scripts/system-deps.sh
	@mkdir -p $(STAMPS) && touch $@

setup: $(STAMPS)/python $(STAMPS)/system ## create .venv, install packages, kernel, Chromium and fonts

system: $(STAMPS)/system ## install Chromium, Arabic fonts and poppler (Debian/Ubuntu as root)

validate: $(STAMPS)/python ## check the dataset in data/
	$(BIN)/drawdown validate

report: setup ## build the HTML and PDF reports for today into reports/
	$(BIN)/drawdown build $(BUILD_ARGS)

test: setup ## run every test (unit and integration) and report coverage of src/analysis
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

test-fast: $(STAMPS)/python ## the unit tests: no kernel, no browser (under a minute)
	$(BIN)/python -m pytest -m 'not slow' $(PYTEST_ARGS)

test-integration: setup ## the integration tests only: real kernels, Chromium, processes
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

lint: $(STAMPS)/python ## ruff over src/, tests/ and benchmarks/ (style, complexity, docstrings, format)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMPS)/python ## rewrite src/, tests/ and benchmarks/ in ruff's format
	$(BIN)/ruff format src tests benchmarks

format-check: $(STAMPS)/python ## fail if a file is not in ruff's format (part of make lint)
	$(BIN)/ruff format --check src tests benchmarks

lab: setup ## open JupyterLab on notebooks/ (prints its URL; saving strips outputs of tracked notebooks)
	$(BIN)/jupyter lab --notebook-dir=notebooks --config=notebooks/jupyter_server_config.py $(if $(filter 0,$(shell id -u)),--allow-root)

bench: setup ## run the benchmarks under benchmarks/ (medians and ratios)
	$(BIN)/python benchmarks/run_all.py $(BENCH)

clean: ## remove generated reports and caches (keeps .venv)
	rm -rf reports/*/ reports/index.html .pytest_cache .ruff_cache

PLOTLY_JS_VERSION = $(shell $(BIN)/python -c 'from plotly.offline import get_plotlyjs_version as v; print(v())')
vendor-plotly: $(STAMPS)/python ## refresh src/analysis/vendor/plotly-basic.min.js from npm (same version as plotly.py's)
	cd $$(mktemp -d) && npm pack -q plotly.js-basic-dist-min@$(PLOTLY_JS_VERSION) && tar xzf *.tgz \
	  && cp package/plotly-basic.min.js $(CURDIR)/src/analysis/vendor/ \
	  && cp package/LICENSE $(CURDIR)/src/analysis/vendor/plotly-basic.LICENSE
