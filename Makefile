# One task runner. `make lab` sets everything up and opens JupyterLab; `make test` runs the suite.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup lab serve test bench fmt lint system notebooks

$(BIN)/python:
	$(PY) -m venv $(VENV)

# System programs. Graphviz's `dot` is required; Chromium (the real-browser tests) and HypoPG (the
# advisor's PostgreSQL path) only decide whether some tests run. As root with apt they are all
# installed, so a newcomer's `make test` runs what CI runs; otherwise one line says what will skip.
# Python's venv module is required too (Debian and Ubuntu ship it apart, as python3-venv).
PG_MAJOR := $(shell ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
HYPOPG := postgresql-$(or $(PG_MAJOR),15)-hypopg
MISSING = need=""; command -v dot >/dev/null 2>&1 || need="graphviz"; \
	command -v chromium >/dev/null 2>&1 || need="$$need chromium chromium-driver"; \
	{ [ -z "$(PG_MAJOR)" ] || dpkg -s $(HYPOPG) >/dev/null 2>&1; } || need="$$need $(HYPOPG)"
SKIPS = if [ -n "$$need" ]; then echo "make test will skip the tests that need:$$need (install: sudo apt-get install -y$$need)"; fi

system:
	@$(MISSING); \
	if [ -n "$$need" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq $$need || exit 1; \
	else \
	  command -v dot >/dev/null 2>&1 || { echo "Graphviz is missing: sudo apt-get install graphviz | brew install graphviz | conda install graphviz"; exit 1; }; \
	  $(SKIPS); \
	fi
	@[ -x $(BIN)/python ] || $(PY) -c 'import ensurepip, venv' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq python3-venv; \
	  else echo "Python's venv module is missing: sudo apt-get install python3-venv"; exit 1; fi; }

setup: system $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@# Node packages that check generated Prisma/TypeORM code (tests skip with a reason without npm)
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/js --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the Prisma/TypeORM export checks will skip"; fi

# JupyterLab on notebooks/. Jupyter refuses to run as root without --allow-root (containers and
# fresh cloud machines run as root), and opens no browser where there is no display (a text-mode
# browser would take over the terminal); it prints the URL with its token either way. Extra
# options: make lab LAB_ARGS="--port=9999 --ip=0.0.0.0".
LAB_ARGS ?=
lab: setup
	@$(MAKE) --no-print-directory serve

# JupyterLab alone, on an environment already set up (what `make lab` runs after setup).
serve:
	@args="--ServerApp.root_dir=notebooks"; \
	if [ "$$(id -u)" = 0 ]; then args="$$args --allow-root"; fi; \
	if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] && [ "$$(uname)" = Linux ]; then args="$$args --no-browser"; fi; \
	echo "Starting JupyterLab on notebooks/: open the http://... URL printed below (Ctrl+C stops it)."; \
	exec $(BIN)/jupyter lab $$args $(LAB_ARGS)

# Run notebooks top to bottom and save them with their outputs and, for each widget, its static
# snapshot as the saved widget state (so a saved notebook reads without a kernel, trusted or not).
# One notebook: make notebooks NB=notebooks/02_design_session.ipynb
NB ?= notebooks/*.ipynb
notebooks:
	$(BIN)/python -m dbmodel_kit.widgets.notebook_state --execute $(NB)

# Both cores (pytest-xdist). --dist loadfile keeps a file's tests in one worker: a notebook's
# cells run in order in one kernel, and module fixtures are built once. --no-loadscope-reorder
# hands the files out in collection order, where tests/conftest.py puts the long files first.
# The package is byte-compiled first: where PYTHONDONTWRITEBYTECODE is set (CI images, this project's
# machines), every kernel, CLI and worker process the tests start would otherwise compile the kit's
# modules from source again (~0.3 s of CPU each).
test:
	@$(MISSING); $(SKIPS)
	@$(BIN)/python -m compileall -q dbmodel_kit widgets
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder

bench:
	$(BIN)/python bench/run.py

fmt:
	$(BIN)/ruff format dbmodel_kit widgets tests bench
	$(BIN)/ruff check --fix dbmodel_kit widgets tests bench

lint:
	$(BIN)/ruff check dbmodel_kit widgets tests
	$(BIN)/mypy
