# inbox-tui: the two commands in README's Quick start live here.
#   make demo   set up a virtualenv and open the TUI on the demo inbox
#   make test   set up everything the tests need (system packages too) and run the suite

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Debian package:command it provides (checked with `command -v`, also in /usr/sbin).
SYSTEM_PACKAGES := tmux:tmux dovecot-imapd:dovecot
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint typecheck venv test-deps system-deps bench clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python venv module missing; installing python3-venv"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/inbox-tui demo

# System packages the tests drive for real (tmux for the start-up test from a real terminal,
# Dovecot for IMAP sync). RUNLEVEL=1 keeps the packages from starting system services.
system-deps:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do pkg=$${entry%%:*}; cmd=$${entry#*:}; \
	  PATH="$$PATH:/usr/sbin:/usr/local/sbin" command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq $$missing; \
	fi

test-deps: system-deps $(VENV)/.test-installed

lint: $(VENV)/.test-installed
	$(BIN)/ruff check inbox_tui tests benchmarks
	$(BIN)/ruff format --check inbox_tui tests benchmarks

# mypy, strict on the domain model and the store (pyproject.toml [tool.mypy]).
typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

# The suite on parallel workers (pytest-xdist; a plain `pytest tests/test_x.py` runs in one
# process). Most tests wait on real servers, tmux and subprocesses more than they compute, so
# more workers than cores pays: measured in README's Development section.
TEST_WORKERS ?= 4
TEST_DIST    ?= loadfile

test: test-deps lint typecheck
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist $(TEST_DIST)

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/import.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
