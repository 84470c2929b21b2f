# 试点经验库 task runner: make setup | check | test | serve | build | bench | pages | tools
#                       | verify | review | scope (CI's fast path for data changes)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# what validating and building need (requirements.txt), for `make verify`
RUNTIME_STAMP := $(VENV)/.runtime
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
# KB_REPO_URL, KB_REPO_BRANCH, KB_REPO_KIND: the repository (record pages link to their line of
# the data file and to the forge's editor), read by mkdocs.yml; CI sets them. Empty: no links.
ifneq ($(KB_REPO_URL),)
export KB_REPO_URL KB_REPO_BRANCH KB_REPO_KIND
else
unexport KB_REPO_URL KB_REPO_BRANCH KB_REPO_KIND
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

.PHONY: setup runtime browser tools check verify review scope test serve build pages bench clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-intake.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# What validating and building need, and nothing more (requirements.txt: no test tools, browser,
# fonts or npm), for `make verify`. A full environment (`make setup`) has it already and is left
# as it is; `make test` later adds the rest.
runtime:
	@$(MAKE) --no-print-directory -q setup || $(MAKE) --no-print-directory $(RUNTIME_STAMP)

# --no-compile: byte-compiling every installed module took longer than the install itself
# (about a minute on two cores); the few modules a build imports are compiled as they load.
$(RUNTIME_STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-compile -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used),
# with the Chinese fonts a reader's phone has, so that layout is measured on real glyphs;
# fonts-wqy-zenhei is the TrueType CJK font tests/reportfiles.py writes its PDF reports with.
# Only what is missing is installed: GitHub's Ubuntu runners already have /usr/bin/chromium.
browser:
	@pkgs="$$(command -v chromium >/dev/null || echo chromium) $$(fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || echo fonts-noto-cjk) $$([ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || echo fonts-wqy-zenhei)"; \
	  [ -z "$${pkgs// }" ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$pkgs >/dev/null; }

# gitlab-ci-local (tests/test_ci.py runs the GitLab pages job with it) needs Node.js, npm and rsync.
tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): .tools/package.json .tools/package-lock.json
	@pkgs="$$(command -v rsync >/dev/null || echo rsync) $$(command -v npm >/dev/null || echo nodejs npm)"; \
	  [ -z "$${pkgs// }" ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$pkgs >/dev/null; }
	npm ci --prefix .tools --no-audit --no-fund --loglevel=error
	touch $@

check: setup
	$(PY) -m ruff check pilotkb hooks tests scripts/kb scripts/bench scripts/bench-search scripts/bench-history scripts/bench-memory scripts/bench_load.py scripts/lighthouse
	$(PY) -m ruff format --check pilotkb hooks tests scripts/kb scripts/bench scripts/bench-search scripts/bench-history scripts/bench-memory scripts/bench_load.py scripts/lighthouse
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache  # the layer rule of ARCHITECTURE.md
	$(PY) scripts/kb check $(if $(KB_CODEQUALITY),--codequality $(KB_CODEQUALITY))

test: setup browser tools check
	$(PY) -m pytest -n auto

# The fast path of a change to the data (data/) or the pages' text (docs/*.md): the data checked
# (problems as CI annotations, or the Code Quality report KB_CODEQUALITY) and the site built with
# --strict into $(PAGES_DIR) (the preview), with only the runtime installed: about a minute.
verify: runtime
	$(PY) scripts/kb check $(if $(KB_CODEQUALITY),--codequality $(KB_CODEQUALITY))
	$(VENV)/bin/mkdocs build --strict -d "$(PAGES_DIR)"

# The data change of a merge request in readers' words (scripts/kb diff KB_DIFF_BASE HEAD) in
# kb-diff.md and, on GitHub, in the job summary. KB_DIFF_BASE: the commit the change is made on.
# A version that cannot be read fails the target, after its problems reach the summary too.
KB_DIFF_BASE ?=
review: runtime
	$(if $(KB_DIFF_BASE),,$(error KB_DIFF_BASE is not set: the commit to compare HEAD with))
	rm -f kb-diff.md; status=0; $(PY) scripts/kb diff "$(KB_DIFF_BASE)" HEAD --output kb-diff.md || status=$$?; \
	if [ -n "$$GITHUB_STEP_SUMMARY" ] && [ -f kb-diff.md ]; then cat kb-diff.md >> "$$GITHUB_STEP_SUMMARY"; fi; \
	exit $$status

# Which checks a change since KB_DIFF_BASE needs (GitHub; .gitlab-ci.yml says the same with
# rules:changes, tests/test_ci.py checks that they agree): only data/ and Markdown under docs/
# → suite=data (make verify); anything else, no base (a push to the default branch) or a base
# git cannot find → suite=full (make test). Printed, and written to $GITHUB_OUTPUT in Actions.
DATA_ONLY := ^(data/|docs/.*\.md$$)
scope:
	@suite=full; \
	if [ -n "$(KB_DIFF_BASE)" ] && files="$$(git -c core.quotepath=off diff --name-only "$(KB_DIFF_BASE)" HEAD)" \
	  && [ -n "$$files" ] && ! grep -Eqv '$(DATA_ONLY)' <<<"$$files"; then suite=data; fi; \
	echo "suite=$$suite"; \
	if [ -n "$$GITHUB_OUTPUT" ]; then echo "suite=$$suite" >> "$$GITHUB_OUTPUT"; fi

build: runtime
	$(VENV)/bin/mkdocs build --strict

# The site for Pages, built with --strict into $(PAGES_DIR) at the address $(KB_SITE_URL).
pages: runtime
	$(VENV)/bin/mkdocs build --strict -d "$(PAGES_DIR)"

serve: runtime
	$(VENV)/bin/mkdocs serve --strict --dirty -a 127.0.0.1:8000

bench: setup
	$(PY) scripts/bench

clean:
	rm -rf site public .pytest_cache .gitlab-ci-local gl-code-quality-report.json kb-diff.md
