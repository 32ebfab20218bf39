# One task runner. `make lab` sets everything up and opens JupyterLab; `make test` runs the suite.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup lab test bench fmt lint system

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Graphviz's `dot` is a system program; install it when it is missing and we may (root, apt).
system:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq graphviz; \
	  else echo "Graphviz is missing: sudo apt-get install graphviz | brew install graphviz | conda install graphviz"; exit 1; fi; }

setup: system $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@# Node packages that check generated Prisma/TypeORM code (tests skip with a reason without npm)
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/js --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the Prisma/TypeORM export checks will skip"; fi

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks

test:
	$(BIN)/python -m pytest

bench:
	$(BIN)/python bench/run.py

fmt:
	$(BIN)/ruff format dbmodel_kit widgets tests bench
	$(BIN)/ruff check --fix dbmodel_kit widgets tests bench

lint:
	$(BIN)/ruff check dbmodel_kit widgets tests
	$(BIN)/mypy
