# One entry point for people and CI. Every target sets up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run test lint bench bench-quick demo package i18n clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/intake-desktop $(ARGS)

# One pytest worker per core (pytest-xdist): about 4 minutes for 2,037 tests on
# two cores (docs/testing.md). ARGS="-n 0" runs it in one process.
test: setup
	$(BIN)/python -m pytest -n auto $(ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy intake_desktop

bench: setup
	$(BIN)/python benchmarks/run.py --json benchmarks/results.json

bench-quick: setup
	$(BIN)/python benchmarks/run.py --quick

demo: setup
	$(BIN)/intake-desktop --vault demo-vault demo --cases 200

package: setup
	PYTHON=$(BIN)/python packaging/build.sh

# Message catalogs: extract into resources/locale/intake_desktop.pot, update
# the .po files, compile the .mo files (docs/translating.md). The tests check
# that all of them are up to date (python packaging/i18n.py --check).
i18n: setup
	$(BIN)/python packaging/i18n.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
