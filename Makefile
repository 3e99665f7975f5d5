# Two commands on a fresh machine: `make run` and `make test`.
# The interpreter .venv is made with (`make PYTHON=python3.12 ...` chooses another).
# The distribution's own /usr/bin/python3 comes first when it is 3.11 or newer and
# can make a venv: Debian and Ubuntu link the interpreter into that executable and
# build it with profile-guided optimisation, where pyenv's default build calls a
# shared libpython built without. Matching takes about a tenth less time on it.
SYSTEM_PYTHON := /usr/bin/python3
PYTHON ?= $(if $(shell $(SYSTEM_PYTHON) -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo yes),$(SYSTEM_PYTHON),python3)
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
