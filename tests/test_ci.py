"""Publishing: the CI workflow files, the GitLab pages job run for real by gitlab-ci-local, and
the site it produces served under a sub-path (/kb/), as project Pages are, in Chromium.
(Where `kb check` puts its problems in CI: tests/editing/test_reports.py.)"""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from .conftest import ENV, ROOT

GITHUB = ROOT / ".github" / "workflows" / "ci.yml"
GITLAB = ROOT / ".gitlab-ci.yml"
PRECOMMIT = ROOT / ".pre-commit-config.yaml"
GCL = ROOT / ".tools" / "node_modules" / ".bin" / "gitlab-ci-local"
BIN = Path(sys.executable).parent
RAW = yaml.safe_load((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8"))
PREFIX = "/kb/"


def run(cmd: list[str], cwd: Path = ROOT, env: dict | None = None, timeout: int = 120):
    return subprocess.run(cmd, cwd=cwd, env=env or ENV, capture_output=True, text=True, timeout=timeout)


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.M))


# --- the workflow files ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "path", "break_it"),
    [
        ("vendor.github-workflows", GITHUB, lambda d: d["jobs"]["test"].pop("runs-on")),
        ("vendor.gitlab-ci", GITLAB, lambda d: d["pages"].update(when="sometimes")),
    ],
    ids=["github", "gitlab"],
)
def test_workflow_files_validate_against_their_published_schemas(schema, path, break_it, tmp_path):
    check = [str(BIN / "check-jsonschema"), "--builtin-schema", schema]
    result = run([*check, str(path)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout
    # the same file with one mistake is refused: the schema really is applied
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    break_it(data)
    broken = tmp_path / path.name
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert run([*check, str(broken)]).returncode != 0


def github_commands() -> list[str]:
    data = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    return [
        line
        for job in data["jobs"].values()
        for step in job["steps"]
        for line in step.get("run", "").splitlines()
    ]


def gitlab_commands() -> list[str]:
    data = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    lines = []
    for job in data.values():
        if isinstance(job, dict):
            for key in ("before_script", "script", "after_script"):
                lines += job.get(key, [])
    return lines


@pytest.mark.parametrize("commands", [github_commands, gitlab_commands], ids=["github", "gitlab"])
def test_workflows_run_only_make_targets(commands):
    lines = commands()
    assert lines
    targets = makefile_targets()
    for line in lines:
        words = line.split()
        # `make TARGET…` with optional VAR=value: what a developer runs, nothing else
        assert words[0] == "make", line
        named = [w for w in words[1:] if "=" not in w]
        assert named and set(named) <= targets, line
    assert "make test" in lines and any(line.startswith("make pages") for line in lines)


def test_github_workflow_uses_only_the_official_actions_and_deploys_from_the_default_branch():
    data = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    triggers = data[True] if True in data else data["on"]  # YAML 1.1 reads `on` as true
    assert "pull_request" in triggers and "push" in triggers
    allowed = {
        "actions/checkout",
        "actions/setup-python",
        "actions/setup-node",
        "actions/upload-artifact",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    }
    for job in data["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert step["uses"].split("@")[0] in allowed, step["uses"]
            if step.get("uses", "").startswith("actions/checkout"):
                assert step["with"]["fetch-depth"] == 0  # full history for the change logs
            if step.get("uses", "").startswith("actions/setup-python"):
                assert step["with"]["python-version"] == "3.11" and step["with"]["cache"] == "pip"
    test, deploy = data["jobs"]["test"], data["jobs"]["deploy"]
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in test["steps"])
    assert deploy["needs"] == "test"
    assert "default_branch" in deploy["if"] and "pull_request" in deploy["if"]
    assert deploy["permissions"]["pages"] == "write" and deploy["permissions"]["id-token"] == "write"
    assert deploy["concurrency"]["group"]
    pages_step = next(s for s in deploy["steps"] if s.get("uses", "").startswith("actions/configure-pages"))
    build = next(s for s in deploy["steps"] if s.get("run") == "make pages")
    assert build["env"]["KB_SITE_URL"].startswith("${{ steps." + pages_step["id"] + ".outputs.base_url }}")


def test_gitlab_pipeline_keeps_history_and_reports_to_the_merge_request():
    data = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert data["variables"]["GIT_DEPTH"] == "0"
    assert data["default"]["image"] == "python:3.11"
    test = data["test"]
    report = test["variables"]["KB_CODEQUALITY"]
    assert test["artifacts"]["reports"]["codequality"] == report
    assert test["artifacts"]["when"] == "always"  # the report matters most when the job fails
    assert data["pages"]["artifacts"]["paths"] == ["public"]
    assert data["pages"]["variables"]["KB_SITE_URL"] == "$CI_PAGES_URL"


def test_pre_commit_config_is_valid_and_checks_the_data():
    result = run([str(BIN / "pre-commit"), "validate-config", str(PRECOMMIT)])
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = {
        h["id"]: h
        for repo in yaml.safe_load(PRECOMMIT.read_text(encoding="utf-8"))["repos"]
        for h in repo["hooks"]
    }
    assert hooks["kb-check"]["entry"] == "scripts/kb check" and hooks["kb-check"]["files"] == "^data/"
    assert {"ruff-check", "ruff-format"} <= set(hooks)


# --- the GitLab pipeline, run by gitlab-ci-local --------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pipeline_repo(tmp_path_factory) -> Path:
    """The project's files in a git repository of their own, branch main, as a runner checks out.

    gitlab-ci-local runs jobs in its working directory, so it gets a copy, never this checkout.
    Its jobs run in the shell (there is no Docker here): the copy of .gitlab-ci.yml it reads
    differs only by having no `image:` (this machine stands in for python:3.11). The Python
    environment is the one the tests run in, linked as .venv, like a runner's cache.
    """
    assert GCL.exists(), f"{GCL} not found: run `make tools`"
    assert shutil.which("rsync"), "rsync not found: run `make tools` (apt-get install rsync)"
    repo = tmp_path_factory.mktemp("pipeline")
    files = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]).stdout
    for name in filter(None, files.split("\0")):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    venv = Path(sys.prefix)
    stamp = venv / ".installed"
    assert stamp.exists(), f"{stamp} missing: run `make setup`"
    (repo / ".venv").symlink_to(venv)
    # the environment is up to date: make must not reinstall it from the copy
    old = stamp.stat().st_mtime - 60
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        os.utime(repo / name, (old, old))
    # make must find it up to date, or it would reinstall the tests' own environment
    assert run(["make", "-q", "setup"], cwd=repo).returncode == 0, "make setup is not up to date"
    config = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    del config["default"]["image"]
    (repo / ".gitlab-ci-shell.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.org"]
    for cmd in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-qm", "pipeline test"],
        ["remote", "add", "origin", "https://gitlab.example.org/press/pilotkb.git"],
        ["update-ref", "refs/remotes/origin/main", "HEAD"],
        ["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"],
    ):
        result = run([*git, *cmd], cwd=repo)
        assert result.returncode == 0, result.stderr
    return repo


def gcl(repo: Path, *args: str, timeout: int = 120):
    return run([str(GCL), "--file", ".gitlab-ci-shell.yml", *args], cwd=repo, timeout=timeout)


def jobs_listed(repo: Path, *args: str) -> dict[str, str]:
    result = gcl(repo, "--list-json", *args)
    assert result.returncode == 0, result.stderr
    return {job["name"]: job["when"] for job in json.loads(result.stdout)}


def test_pages_job_only_on_the_default_branch(pipeline_repo):
    assert jobs_listed(pipeline_repo) == {"test": "on_success", "pages": "on_success"}
    run(["git", "checkout", "-q", "-b", "editor/new-update"], cwd=pipeline_repo)
    try:
        mr = jobs_listed(pipeline_repo, "--variable", "CI_PIPELINE_SOURCE=merge_request_event")
        assert mr == {"test": "on_success", "pages": "never"}
    finally:
        run(["git", "checkout", "-q", "main"], cwd=pipeline_repo)


@pytest.fixture(scope="module")
def pages_site(pipeline_repo) -> tuple[Path, int]:
    """`gitlab-ci-local pages` with the Pages address http://127.0.0.1:PORT/kb: (public/, PORT)."""
    port = free_port()
    result = gcl(
        pipeline_repo, "--variable", f"CI_PAGES_URL=http://127.0.0.1:{port}/kb", "pages", timeout=900
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    assert "PASS" in result.stdout and "pages" in result.stdout
    return pipeline_repo / "public", port


def test_gitlab_pages_job_produces_the_site(pages_site, pipeline_repo):
    public, port = pages_site
    url = f"http://127.0.0.1:{port}/kb/"
    assert (public / "index.html").is_file() and (public / "404.html").is_file()
    # gitlab-ci-local kept public/ as the job's artifact, as GitLab hands it to Pages
    assert (pipeline_repo / ".gitlab-ci-local" / "artifacts" / "pages" / "public" / "index.html").is_file()
    index = (public / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{url}">' in index
    pilot = RAW["pilots"][0]["id"]
    case = (public / "pilots" / pilot / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{url}pilots/{pilot}/">' in case
    locs = re.findall(r"<loc>([^<]*)</loc>", (public / "sitemap.xml").read_text(encoding="utf-8"))
    assert f"{url}pilots/{pilot}/" in locs and all(loc.startswith(url) for loc in locs)


# --- the site under a sub-path, in Chromium -------------------------------------------


@pytest.fixture(scope="module")
def subpath_base(pages_site) -> str:
    """Serve public/ under /kb/ only, with 404.html for anything missing (as Pages hosts do)."""
    public, port = pages_site

    class SubPath(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_head(self):
            parts = urlsplit(self.path)
            if not parts.path.startswith(PREFIX):
                self.send_error(404)
                return None
            self.path = parts.path[len(PREFIX) - 1 :] + (f"?{parts.query}" if parts.query else "")
            target = Path(self.translate_path(self.path))
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                body = (public / "404.html").read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)
            return super().send_head()

    class Server(http.server.ThreadingHTTPServer):
        allow_reuse_address = True

        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a page left mid-download
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", port), functools.partial(SubPath, directory=str(public)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def open_under_prefix(page, origin: str, path: str, status: int = 200) -> list[tuple[str, int]]:
    """Open a page; assert it and every file it loads is under /kb/ and found.

    Returns the (url, status) of every response, kept up to date as the page goes on loading."""
    responses: list[tuple[str, int]] = []
    errors: list[str] = []
    page.on("response", lambda r: responses.append((r.url, r.status)))
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(origin + PREFIX + path)
    page.wait_for_load_state("networkidle")
    assert response.status == status
    assert errors == []
    for url, code in responses:
        assert url.startswith(origin + PREFIX), url
        assert code < 400 or url == origin + PREFIX + path, (url, code)
    # styles: every stylesheet came from under the prefix and was applied
    sheets = page.evaluate("[...document.styleSheets].map(s => [s.href, s.cssRules.length])")
    hrefs = [h for h, _ in sheets if h]
    assert any("assets/stylesheets/main" in h for h in hrefs) and any(
        h.endswith("assets/kb.css") for h in hrefs
    )
    assert all(h.startswith(origin + PREFIX) and n > 0 for h, n in sheets if h), sheets
    scripts = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert scripts and all(s.startswith(origin + PREFIX) for s in scripts), scripts
    # links: every link within the site stays under the prefix and leads to a page
    links = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href.split('#')[0])")
    inside = sorted({u for u in links if u.startswith(origin)})
    assert inside and all(u.startswith(origin + PREFIX) for u in inside), inside
    broken = [u for u in inside if status_of(u) != 200]
    assert broken == []
    return responses


@pytest.mark.browser
def test_home_and_case_page_under_a_sub_path(browser_page, subpath_base):
    open_under_prefix(browser_page, subpath_base, "")
    assert browser_page.title().endswith("试点经验库")
    pilot = RAW["pilots"][0]
    open_under_prefix(browser_page, subpath_base, f"pilots/{pilot['id']}/")
    assert pilot["name"] in browser_page.inner_text("h1")


@pytest.mark.browser
def test_list_filter_script_under_a_sub_path(browser_page, subpath_base):
    page = browser_page
    requests = open_under_prefix(page, subpath_base, "browse/all/")
    page.select_option("#kb-filter-level", "national")
    page.wait_for_selector(".kb-results:not([hidden]) li.kb-card")
    national = {p["id"] for p in RAW["pilots"] if p.get("level") == "国家级"}
    shown = page.eval_on_selector_all(
        ".kb-results:not([hidden]) li.kb-card", "els => els.map(e => e.dataset.id)"
    )
    assert shown and set(shown) <= national and len(shown) == min(50, len(national))
    assert (subpath_base + PREFIX + "browse/pilots.json", 200) in requests
    first = page.locator(".kb-results:not([hidden]) li.kb-card a").first
    assert first.evaluate("a => a.href").startswith(subpath_base + PREFIX + "pilots/")


@pytest.mark.browser
def test_search_under_a_sub_path(browser_page, subpath_base):
    page = browser_page
    requests = open_under_prefix(page, subpath_base, "")
    page.evaluate(
        """() => { const i = document.querySelector('.kb-search .md-search__input');
                   i.focus(); i.value = '河长制'; i.dispatchEvent(new Event('input')); }"""
    )
    page.wait_for_selector(".kb-search .kb-search-result", timeout=10_000)
    hrefs = page.eval_on_selector_all(".kb-search .kb-search-result a", "els => els.map(a => a.href)")
    assert hrefs and all(h.startswith(subpath_base + PREFIX) for h in hrefs), hrefs
    assert status_of(hrefs[0]) == 200
    assert all(u.startswith(subpath_base + PREFIX) and code < 400 for u, code in requests), requests


@pytest.mark.browser
def test_404_page_under_a_sub_path(browser_page, subpath_base):
    page = browser_page
    open_under_prefix(page, subpath_base, "no-such-page/", status=404)
    assert "404" in page.inner_text("article")
    # the logo leads home, under the prefix (Material's 404 links are absolute, from site_url)
    home = page.eval_on_selector("a.md-header__button.md-logo", "a => a.href")
    assert page.goto(home).status == 200
    assert page.url == subpath_base + PREFIX and page.title().endswith("试点经验库")


def test_pre_commit_hooks_refuse_broken_data(pipeline_repo, tmp_path):
    env = {**ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}
    hooks = [str(BIN / "pre-commit"), "run", "--files", "data/pilots.yaml"]
    data = pipeline_repo / "data" / "pilots.yaml"
    original = data.read_bytes()
    lines = original.decode("utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("    level: "))
    lines[index] = "    level: 国家\n"
    try:
        data.write_text("".join(lines), encoding="utf-8")
        result = run(hooks, cwd=pipeline_repo, env=env)
        assert result.returncode != 0
        assert f"data/pilots.yaml:{index + 1}: " in result.stdout and "level: 取值“国家”无效" in result.stdout
    finally:
        data.write_bytes(original)
    result = run(hooks, cwd=pipeline_repo, env=env)
    assert result.returncode == 0, result.stdout
    assert re.search(r"数据校验.*Passed", result.stdout)
