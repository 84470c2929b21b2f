"""Publishing: the CI workflow files, the GitLab pages job run for real by gitlab-ci-local, and
the site it produces served under a sub-path (/kb/), as project Pages are, in Chromium.
(Where `kb check` puts its problems in CI: tests/editing/test_reports.py.)"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from pilotkb.site.serve import serve

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
    assert "make verify" in lines and "make review" in lines  # the fast path of a data change


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
    subject = hooks["kb-commit-subject"]
    assert subject["entry"] == "scripts/kb diff --commit-msg" and subject["stages"] == ["commit-msg"]
    config = yaml.safe_load(PRECOMMIT.read_text(encoding="utf-8"))
    assert "commit-msg" in config["default_install_hook_types"] and config["default_stages"] == ["pre-commit"]


# --- the fast path of a data change ----------------------------------------------------


def github_steps() -> list[dict]:
    return yaml.safe_load(GITHUB.read_text(encoding="utf-8"))["jobs"]["test"]["steps"]


def test_github_runs_one_required_job_that_chooses_its_checks_itself():
    """One job, whatever the change, so the required check always reports under its name:
    `make scope` decides, then `make verify` (data and text) or `make test` (anything else)."""
    data = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    triggers = data[True] if True in data else data["on"]
    assert triggers["pull_request"] is None and "paths" not in str(triggers)  # no filter skips the check
    assert data["jobs"]["test"]["name"] == "校验、测试、构建" and "if" not in data["jobs"]["test"]
    steps = github_steps()
    by_run = {s["run"]: s for s in steps if "run" in s}
    scope = by_run["make scope"]
    assert (
        scope["id"] == "scope" and scope["env"]["KB_DIFF_BASE"] == "${{ github.event.pull_request.base.sha }}"
    )
    assert by_run["make verify"]["if"] == "steps.scope.outputs.suite == 'data'"
    assert by_run["make test"]["if"] == by_run["make pages"]["if"] == "steps.scope.outputs.suite != 'data'"
    order = [s.get("run") for s in steps]
    assert order.index("make scope") < order.index("make test") < order.index("make pages")
    # the data change in readers' words goes to the job summary of every pull request
    review = by_run["make review"]
    assert "pull_request" in review["if"] and "!cancelled()" in review["if"]
    assert review["env"]["KB_DIFF_BASE"] == "${{ github.event.pull_request.base.sha }}"


REPO_ENV = {
    "KB_REPO_URL": "${{ github.server_url }}/${{ github.repository }}",
    "KB_REPO_BRANCH": "${{ github.event.repository.default_branch }}",
    "KB_REPO_KIND": "github",
}


def test_ci_gives_the_repository_address_to_the_builds_only():
    """KB_REPO_URL (edit links) from the forge's own variables, for the builds that are
    published or previewed, never for the test suite (which builds sites of its own)."""
    data = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    builds = [
        s for j in data["jobs"].values() for s in j["steps"] if s.get("run") in ("make pages", "make verify")
    ]
    assert len(builds) == 3 and all(REPO_ENV.items() <= s["env"].items() for s in builds)
    assert "env" not in data["jobs"]["test"] and "env" not in by_name(github_steps(), "make test")
    gitlab = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    for job in ("verify", "pages"):
        v = gitlab[job]["variables"]
        assert (v["KB_REPO_URL"], v["KB_REPO_BRANCH"], v["KB_REPO_KIND"]) == (
            "$CI_PROJECT_URL",
            "$CI_DEFAULT_BRANCH",
            "gitlab",
        )
    assert "KB_REPO_URL" not in gitlab["test"]["variables"]
    (preview,) = [line for line in gitlab["test"]["script"] if line.startswith("make pages")]
    assert "KB_REPO_URL=$CI_PROJECT_URL" in preview and "KB_REPO_BRANCH=$CI_DEFAULT_BRANCH" in preview


def by_name(steps: list[dict], run_line: str) -> dict:
    return next(s for s in steps if s.get("run") == run_line)


def test_gitlab_runs_the_whole_suite_on_code_changes_and_the_fast_path_otherwise():
    data = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    code = data[".code-changes"]
    test_rules = data["test"]["rules"]
    assert test_rules[0] == {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}  # always before deploying
    assert test_rules[1] == {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"', "changes": code}
    assert data["verify"]["script"] == ["make verify"]
    assert data["verify"]["rules"] == [
        {"if": '$CI_PIPELINE_SOURCE != "merge_request_event"', "when": "never"},
        {"changes": code, "when": "never"},
        {"when": "on_success"},
    ]
    assert (
        data["verify"]["artifacts"]["reports"]["codequality"] == data["verify"]["variables"]["KB_CODEQUALITY"]
    )
    review = data["review"]
    assert review["variables"]["KB_DIFF_BASE"] == "$CI_MERGE_REQUEST_DIFF_BASE_SHA"
    assert review["artifacts"]["paths"] == ["kb-diff.md"] and review["artifacts"]["expose_as"]
    assert review["rules"] == [
        {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"', "changes": ["data/**/*"]}
    ]


def gitlab_glob(pattern: str) -> re.Pattern[str]:
    """A rules:changes pattern as GitLab reads it (File.fnmatch with FNM_PATHNAME | FNM_DOTMATCH
    | FNM_EXTGLOB): ``*`` within one folder, ``**/`` any folders, ``{a,b}`` either."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "{":
            end = pattern.index("}", i)
            out, i = out + "(?:" + "|".join(map(re.escape, pattern[i + 1 : end].split(","))) + ")", end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def test_make_scope_and_the_gitlab_rules_split_every_file_alike():
    """Every file of the repository (and a few that may come) is code for both CI files or
    data for both; a new top-level folder must be added to .code-changes."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    data_only = re.compile(re.search(r"^DATA_ONLY := (.*)$", makefile, re.M).group(1).replace("$$", "$"))
    code = [gitlab_glob(p) for p in yaml.safe_load(GITLAB.read_text(encoding="utf-8"))[".code-changes"]]
    files = run(["git", "ls-files"]).stdout.splitlines()
    files += ["data/sources/新来源.txt", "docs/guide/new.md", "docs/assets/new.js", "pilotkb/new.py", "NEWS"]
    split = {name: (bool(data_only.search(name)), any(p.fullmatch(name) for p in code)) for name in files}
    assert [name for name, (data, is_code) in split.items() if data == is_code] == []
    assert split["data/pilots.yaml"] == (True, False) and split["docs/guide/editing.md"] == (True, False)
    assert split["docs/assets/kb.css"] == (False, True) and split[".gitlab-ci.yml"] == (False, True)


def scratch_repo(root: Path) -> Path:
    """The Makefile in a repository of its own with a data file, a page and some code."""
    for name in ("Makefile", "data/pilots.yaml", "docs/guide/editing.md", "pilotkb/settings.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.org"]
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "base"]):
        assert run([*git, *cmd], cwd=root).returncode == 0
    return root


@pytest.mark.parametrize(
    ("changed", "suite"),
    [
        (["data/pilots.yaml"], "data"),
        (["data/pilots.yaml", "docs/guide/editing.md", "data/sources/新来源.txt"], "data"),
        (["data/pilots.yaml", "pilotkb/settings.py"], "full"),
        (["Makefile"], "full"),
        ([], "full"),
    ],
    ids=["data", "data-and-text", "data-and-code", "makefile", "nothing"],
)
def test_make_scope_chooses_the_suite_by_what_changed(tmp_path, changed, suite):
    repo = scratch_repo(tmp_path / "repo")
    base = run(["git", "rev-parse", "HEAD"], cwd=repo).stdout.strip()
    for name in changed:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        with (repo / name).open("a", encoding="utf-8") as f:
            f.write("\n# 改动\n")
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.org"]
    run([*git, "add", "-A"], cwd=repo)
    run([*git, "commit", "-qm", "change", "--allow-empty"], cwd=repo)
    output = tmp_path / "github-output"
    env = {**ENV, "GITHUB_OUTPUT": str(output), "KB_DIFF_BASE": base}
    result = run(["make", "-s", "scope"], cwd=repo, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"suite={suite}\n" and output.read_text() == f"suite={suite}\n"


@pytest.mark.parametrize("base", ["", "no-such-commit"], ids=["push", "unknown-base"])
def test_make_scope_runs_the_whole_suite_without_a_usable_base(tmp_path, base):
    repo = scratch_repo(tmp_path / "repo")
    result = run(["make", "-s", "scope", f"KB_DIFF_BASE={base}"], cwd=repo, env={**ENV, "GITHUB_OUTPUT": ""})
    assert result.stdout.splitlines()[-1] == "suite=full"


def test_make_verify_installs_only_what_validating_and_building_need(tmp_path):
    """In a fresh clone (no environment), `make verify` installs requirements.txt and the
    package, nothing of the tests: no dev requirements, browser, fonts or npm tools."""
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    # dry run: recursive make lines are run, with -n passed on, so nothing is installed here either
    result = run(["make", "-n", "verify"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    plan = result.stdout
    assert "pip install --quiet --no-compile -r requirements.txt" in plan and "--no-deps -e ." in plan
    assert "requirements-dev" not in plan and not re.search(r"apt-get|npm|playwright|chromium", plan)
    assert (
        plan.index("-r requirements.txt")
        < plan.index("scripts/kb check")
        < plan.index("mkdocs build --strict")
    )
    runtime = set((ROOT / "requirements.txt").read_text(encoding="utf-8").split())
    assert not {"pytest==9.2.0", "playwright==1.65.2"} & runtime


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


MR = ("--variable", "CI_PIPELINE_SOURCE=merge_request_event")


def test_pages_job_only_on_the_default_branch(pipeline_repo):
    on_main = {"test": "on_success", "verify": "never", "review": "never", "pages": "on_success"}
    assert jobs_listed(pipeline_repo) == on_main
    run(["git", "checkout", "-q", "-b", "editor/new-update"], cwd=pipeline_repo)
    try:
        mr = jobs_listed(pipeline_repo, *MR)
        assert mr["pages"] == "never"
    finally:
        run(["git", "checkout", "-q", "main"], cwd=pipeline_repo)


@contextlib.contextmanager
def branch_changing(repo: Path, *files: str):
    """A branch of ``repo`` with one commit that appends a line to each of ``files``."""
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.org"]
    assert run([*git, "checkout", "-q", "-b", "editor/change"], cwd=repo).returncode == 0
    try:
        for name in files:
            with (repo / name).open("a", encoding="utf-8") as f:
                f.write("\n# 改动\n")
        assert run([*git, "commit", "-qam", "改动"], cwd=repo).returncode == 0
        yield run(["git", "rev-parse", "main"], cwd=repo).stdout.strip()
    finally:
        run(["git", "checkout", "-q", "-f", "main"], cwd=repo)
        run(["git", "branch", "-q", "-D", "editor/change"], cwd=repo)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["data/pilots.yaml"], {"verify": "on_success", "review": "on_success", "test": "never"}),
        (["docs/guide/editing.md"], {"verify": "on_success", "review": "never", "test": "never"}),
        (
            ["data/pilots.yaml", "pilotkb/settings.py"],
            {"verify": "never", "review": "on_success", "test": "on_success"},
        ),
        (["docs/assets/kb.css"], {"verify": "never", "review": "never", "test": "on_success"}),
        (["Makefile"], {"verify": "never", "review": "never", "test": "on_success"}),
    ],
    ids=["data", "docs-text", "data-and-code", "stylesheet", "makefile"],
)
def test_merge_requests_get_the_fast_path_only_for_data_and_text(pipeline_repo, files, expected):
    with branch_changing(pipeline_repo, *files):
        listed = jobs_listed(pipeline_repo, *MR)
    assert {job: listed[job] for job in expected} == expected and listed["pages"] == "never"


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
    # the published pages link to the repository GitLab names (CI_PROJECT_URL, CI_DEFAULT_BRANCH)
    assert 'href="https://gitlab.example.org/press/pilotkb/-/edit/main/data/pilots.yaml"' in case


# --- the site under a sub-path, in Chromium -------------------------------------------


@pytest.fixture(scope="module")
def subpath_base(pages_site) -> str:
    """Serve public/ under /kb/ only, with 404.html for anything missing (as Pages hosts do)."""
    public, port = pages_site

    with serve(public, prefix=PREFIX, not_found=public / "404.html", port=port, dynamic=False) as server:
        yield server.origin


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


@contextlib.contextmanager
def status_changed(repo: Path):
    """A branch whose one commit sets the first pilot in progress to 已完成销号: (base, pilot)."""
    pilot = next(p for p in RAW["pilots"] if p.get("status") == "推进中")
    data = repo / "data" / "pilots.yaml"
    text = data.read_text(encoding="utf-8")
    block = re.search(rf"  - id: {pilot['id']}\n(?:    .*\n|\n)*?    status: 推进中\n", text).group(0)
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.org"]
    base = run(["git", "rev-parse", "HEAD"], cwd=repo).stdout.strip()
    assert run([*git, "checkout", "-q", "-b", "editor/status"], cwd=repo).returncode == 0
    try:
        data.write_text(text.replace(block, block.replace("推进中", "已完成销号")), encoding="utf-8")
        assert run([*git, "commit", "-qam", "试点销号"], cwd=repo).returncode == 0
        yield base, pilot
    finally:
        run(["git", "checkout", "-q", "-f", "main"], cwd=repo)
        run(["git", "branch", "-q", "-D", "editor/status"], cwd=repo)


def test_pre_commit_warns_about_a_data_commit_without_chinese(pipeline_repo, tmp_path):
    env = {**ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}
    message = tmp_path / "COMMIT_EDITMSG"
    hook = [
        str(BIN / "pre-commit"),
        "run",
        "--hook-stage",
        "commit-msg",
        "--commit-msg-filename",
        str(message),
    ]
    data = pipeline_repo / "data" / "pilots.yaml"
    original = data.read_bytes()
    try:
        data.write_bytes(original.replace("status: 推进中".encode(), "status: 已完成销号".encode(), 1))
        run(["git", "add", "data/pilots.yaml"], cwd=pipeline_repo)
        message.write_text("update data\n", encoding="utf-8")
        result = run(hook, cwd=pipeline_repo, env=env)
        assert result.returncode == 0  # it warns; the commit goes ahead
        assert "提交说明“update data”里没有中文" in result.stdout and "建议：试点：修改“" in result.stdout
        message.write_text("试点：某试点已完成销号\n", encoding="utf-8")
        assert "没有中文" not in run(hook, cwd=pipeline_repo, env=env).stdout
    finally:
        run(["git", "reset", "-q"], cwd=pipeline_repo)
        data.write_bytes(original)


# --- the fast path's jobs, run by gitlab-ci-local (last: they rebuild public/) -----------


def test_gitlab_review_job_and_github_summary_show_the_change_in_readers_words(pipeline_repo, tmp_path):
    with status_changed(pipeline_repo) as (base, pilot):
        result = gcl(pipeline_repo, *MR, "--variable", f"CI_MERGE_REQUEST_DIFF_BASE_SHA={base}", "review")
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        report = pipeline_repo / ".gitlab-ci-local" / "artifacts" / "review" / "kb-diff.md"
        text = report.read_text(encoding="utf-8")
        assert f"**{pilot['name']}**" in text or f"[{pilot['name']}]" in text
        assert "状态：<del>推进中</del> → <ins>已完成销号</ins>" in text and text.count("- **修改**") == 1
        # GitHub: the same text appended to the job summary
        summary = tmp_path / "summary.md"
        summary.write_text("earlier step\n", encoding="utf-8")
        env = {**ENV, "GITHUB_STEP_SUMMARY": str(summary), "KB_DIFF_BASE": base}
        made = run(["make", "-s", "review"], cwd=pipeline_repo, env=env)
        assert made.returncode == 0, made.stderr
        written = (pipeline_repo / "kb-diff.md").read_text(encoding="utf-8")
        assert "状态：<del>推进中</del> → <ins>已完成销号</ins>" in written
        assert summary.read_text(encoding="utf-8") == "earlier step\n" + written
    assert run(["make", "-s", "review"], cwd=pipeline_repo).returncode != 0  # no base: refused


def test_gitlab_verify_job_checks_and_builds_a_data_change(pipeline_repo):
    """The fast path end to end: `make verify` with the runtime only, the data check's Code
    Quality report and the preview with the record pages' edit links (CI_PROJECT_URL)."""
    report = pipeline_repo / "gl-code-quality-report.json"  # the job's report (GitLab collects it)
    report.unlink(missing_ok=True)
    result = gcl(pipeline_repo, *MR, "--variable", "CI_PAGES_URL=http://127.0.0.1/kb", "verify", timeout=900)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    assert "PASS" in result.stdout and "verify" in result.stdout
    assert json.loads(report.read_text(encoding="utf-8")) == []  # no problem: an empty report
    kept = pipeline_repo / ".gitlab-ci-local" / "artifacts" / "verify"
    pilot = RAW["pilots"][0]["id"]
    page = (kept / "public" / "pilots" / pilot / "index.html").read_text(encoding="utf-8")
    repo = "https://gitlab.example.org/press/pilotkb"
    line = next(
        i
        for i, ln in enumerate((ROOT / "data" / "pilots.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if ln == f"  - id: {pilot}"
    )
    assert f'href="{repo}/-/blob/main/data/pilots.yaml#L{line}"' in page
    assert f'href="{repo}/-/edit/main/data/pilots.yaml"' in page
