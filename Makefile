# 试点经验库 task runner: make setup | check | test | serve | build | bench
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: setup browser check test serve build bench clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used),
# with the Chinese fonts a reader's phone has, so that layout is measured on real glyphs.
browser:
	@{ command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; } || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

check: setup
	$(PY) -m ruff check pilotkb hooks tests scripts/kb scripts/bench scripts/bench-search
	$(PY) -m ruff format --check pilotkb hooks tests scripts/kb scripts/bench scripts/bench-search
	$(PY) scripts/kb check

test: setup browser check
	$(PY) -m pytest

build: setup
	$(VENV)/bin/mkdocs build --strict

serve: setup
	$(VENV)/bin/mkdocs serve --strict -a 127.0.0.1:8000

bench: setup
	$(PY) scripts/bench

clean:
	rm -rf site .pytest_cache
