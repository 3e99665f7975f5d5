# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench kb-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's declared dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

test: $(STAMP)
	$(BIN)/python -m bot kb check
	$(BIN)/python -m ruff check bot tests bench
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench.match

kb-check: $(STAMP)
	$(BIN)/python -m bot kb check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
