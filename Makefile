# omnistock — every target creates .venv and installs on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench unit clean system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

# A one-minute tour; the folder stays so every CLI command can inspect it afterwards.
DEMO_DIR ?= demo-run-$(shell date +%Y%m%d-%H%M%S)
demo: $(STAMP)
	$(BIN)/omnistock demo --seconds 60 --dir $(DEMO_DIR)

# Python sources only: ruff >= 0.17 would also reformat code blocks inside docs/*.md.
PY_SOURCES := src tests benchmarks

lint: $(STAMP)
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/mypy --strict src

# Debian packages the tests use: headless Chromium (dashboard browser tests) and a TrueType font
# with Polish glyphs (invoice PDFs). Installed once when missing; the browser tests skip, with the
# reason, where Chromium cannot be installed.
FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
system-deps:
	@test -x /usr/bin/chromium -a -f $(FONT) || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; } \
	  || echo "warning: could not install chromium/fonts-dejavu-core (need root and apt)"

# Two pytest workers (pytest-xdist): the machines here have 2 cores and most tests wait on I/O;
# every test has its own database (SQLite file or PostgreSQL schema) and free loopback ports.
# `make test PYTEST_WORKERS=0` runs them in one process.
PYTEST_WORKERS ?= 2
test: lint system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) --durations=25; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
