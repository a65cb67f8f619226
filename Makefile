# claim-risk: `make serve` runs the service on the committed model; `make test` runs every check and test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: help serve test lint typecheck validate train train-quick data-card external published bench audit docker-test lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.serve-installed: $(BIN)/python requirements/serve.lock pyproject.toml
	$(BIN)/pip install -q -r requirements/serve.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.serve-installed requirements/dev.lock
	$(BIN)/pip install -q -r requirements/dev.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

serve: $(VENV)/.serve-installed ## create .venv if needed and serve the committed model on port 8000
	$(BIN)/python -m app.serve --host 0.0.0.0 --port $(PORT) --no-access-log

lint: $(VENV)/.dev-installed ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed ## mypy, strict
	$(BIN)/mypy

validate: $(VENV)/.dev-installed ## validate data/ and check the committed model is fresh
	$(BIN)/python -m training validate
	$(BIN)/python -m training fresh

test: $(VENV)/.dev-installed ## every check and test: lint, types, data validation, pytest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m training validate
	$(BIN)/python -m training fresh
	$(BIN)/pytest

train: $(VENV)/.dev-installed ## model selection, fit, evaluation report, model/ and its card
	$(BIN)/python -m training card
	$(BIN)/python -m training train

train-quick: $(VENV)/.dev-installed ## retrain with the committed hyper-parameters (no search)
	$(BIN)/python -m training train --reuse-params

external: $(VENV)/.dev-installed ## evaluate the committed model on ../shared/ seeds and corpora
	$(BIN)/python -m training external

audit: $(VENV)/.dev-installed ## pip-audit the locked dependencies (needs a reachable vulnerability service)
	$(BIN)/python .ci/audit.py

published: $(VENV)/.dev-installed ## reproduce the published PubMed tables with our pipeline code
	$(BIN)/python -m training published

bench: $(VENV)/.dev-installed ## throughput and latency figures (see docs/benchmarks.md)
	$(BIN)/python -m benchmarks.run

lock: ## re-resolve requirements/*.lock from pyproject.toml
	rm -rf /tmp/claim-risk-lock && $(PYTHON) -m venv /tmp/claim-risk-lock
	/tmp/claim-risk-lock/bin/pip install -q . && /tmp/claim-risk-lock/bin/pip freeze --exclude claim-risk > requirements/serve.lock
	/tmp/claim-risk-lock/bin/pip install -q '.[dev]' && /tmp/claim-risk-lock/bin/pip freeze --exclude claim-risk > requirements/dev.lock

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
