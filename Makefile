# 试点经验库 task runner: make setup | check | test | serve | build | bench | pages | tools
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true
# KB_SITE_URL: the site's public address (canonical links, sitemap, 404 page), read by
# mkdocs.yml; CI sets it to the Pages address. Empty counts as unset (mkdocs.yml's own value).
ifneq ($(KB_SITE_URL),)
export KB_SITE_URL
else
unexport KB_SITE_URL
endif
# The sitemap's dates come from the last commit, not the clock, so builds stay reproducible.
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null)
endif
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif
# Where `make pages` writes the site (GitLab Pages publishes public/).
PAGES_DIR ?= public
# A file name here makes `make check` also write the data problems as a GitLab Code Quality report.
KB_CODEQUALITY ?=
# Tools the CI tests run, installed from .tools/package-lock.json: gitlab-ci-local (npm).
TOOLS_STAMP := .tools/node_modules/.installed

.PHONY: setup browser tools check test serve build pages bench clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used),
# with the Chinese fonts a reader's phone has, so that layout is measured on real glyphs.
# Only what is missing is installed: GitHub's Ubuntu runners already have /usr/bin/chromium.
browser:
	@pkgs="$$(command -v chromium >/dev/null || echo chromium) $$(fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || echo fonts-noto-cjk)"; \
	  [ -z "$${pkgs// }" ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$pkgs >/dev/null; }

# gitlab-ci-local (tests/test_ci.py runs the GitLab pages job with it) needs Node.js, npm and rsync.
tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): .tools/package.json .tools/package-lock.json
	@pkgs="$$(command -v rsync >/dev/null || echo rsync) $$(command -v npm >/dev/null || echo nodejs npm)"; \
	  [ -z "$${pkgs// }" ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$pkgs >/dev/null; }
	npm ci --prefix .tools --no-audit --no-fund --loglevel=error
	touch $@

check: setup
	$(PY) -m ruff check pilotkb hooks tests scripts/kb scripts/bench scripts/bench-search scripts/bench-history scripts/bench_load.py scripts/lighthouse
	$(PY) -m ruff format --check pilotkb hooks tests scripts/kb scripts/bench scripts/bench-search scripts/bench-history scripts/bench_load.py scripts/lighthouse
	$(PY) scripts/kb check $(if $(KB_CODEQUALITY),--codequality $(KB_CODEQUALITY))

test: setup browser tools check
	$(PY) -m pytest -n auto

build: setup
	$(VENV)/bin/mkdocs build --strict

# The site for Pages, built with --strict into $(PAGES_DIR) at the address $(KB_SITE_URL).
pages: setup
	$(VENV)/bin/mkdocs build --strict -d "$(PAGES_DIR)"

serve: setup
	$(VENV)/bin/mkdocs serve --strict --dirty -a 127.0.0.1:8000

bench: setup
	$(PY) scripts/bench

clean:
	rm -rf site public .pytest_cache .gitlab-ci-local gl-code-quality-report.json
