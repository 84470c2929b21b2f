"""Shared helpers: a copy of the project in tmp_path, and one real build per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def make_project(dest: Path, data: str | bytes | None = None, sources: dict[str, str] | None = None) -> Path:
    """A copy of the project's site configuration in ``dest`` with the given data file."""
    for name in ("docs", "hooks", "overrides"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "data").mkdir()
    if data is None:
        shutil.copytree(ROOT / "data", dest / "data", dirs_exist_ok=True)
    else:
        target = dest / "data" / "pilots.yaml"
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    for name, text in (sources or {}).items():
        path = dest / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest


def build(
    project: Path, site: Path | None = None, *extra: str, command: tuple[str, ...] = ("-m", "mkdocs")
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``site``; ``command`` is what Python runs
    in place of ``-m mkdocs`` (another engine, or MkDocs with something switched off)."""
    site = site or project / "site"
    return subprocess.run(
        [
            sys.executable,
            *command,
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(site),
            *extra,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=900,
    )


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project, built once per test session with ``mkdocs build --strict``."""
    project = make_project(tmp_path_factory.mktemp("project"))
    site = project / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr[-5000:]
    return site


SYNTH_PILOTS = 2000  # the issue-11 scale: browser tests on a 2,000-pilot build


def build_synth(dest: Path, pilots: int) -> tuple[Path, dict]:
    """The site of a synthetic catalogue of ``pilots`` pilots, built in ``dest``: (site, data)."""
    from pilotkb.data import synth

    project = make_project(dest, "sources: []\n")
    synth.write(pilots, project / "data")
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    data, _ = synth.generate(pilots)
    return project / "site", data


@pytest.fixture(scope="session")
def synth_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A synthetic catalogue of SYNTH_PILOTS pilots, built once per session: (site, data)."""
    return build_synth(tmp_path_factory.mktemp("synth"), SYNTH_PILOTS)


# the name of a pilot of the injection fixture (tests/fixtures/inject) that tries to end the <title>
TITLE_BREAK = "</title><script>alert(1)</script>"


@pytest.fixture(scope="session")
def inject_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from names that look like markup, links and template code."""
    traps = FIXTURES / "inject"
    project = make_project(
        tmp_path_factory.mktemp("inject"),
        (traps / "pilots.yaml").read_text(encoding="utf-8"),
        {"source.txt": (traps / "source.txt").read_text(encoding="utf-8")},
    )
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


@pytest.fixture(scope="session")
def sources_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the several-source fixture (tests/fixtures/sources): a report, a notice
    ingested from GB18030, and an article whose text is not published."""
    fixture = FIXTURES / "sources"
    texts = {
        p.relative_to(fixture).as_posix(): p.read_text(encoding="utf-8")
        for p in (fixture / "sources").glob("*.txt")
    }
    project = make_project(
        tmp_path_factory.mktemp("sources"), (fixture / "pilots.yaml").read_text(encoding="utf-8"), texts
    )
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


@pytest.fixture(scope="session")
def real_catalog():
    from pilotkb import load_catalog

    return load_catalog(ROOT / "data" / "pilots.yaml")


# --- browser -------------------------------------------------------------------------

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def serve():
    """Serve a built site on 127.0.0.1 in a thread (``pilotkb.site.serve``); returns its base URL."""
    from pilotkb.site.serve import serve as serve_site

    servers = []

    def start(site: Path) -> str:
        servers.append(serve_site(site, dynamic=False))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Missing Chromium is an error, never a skip."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} not found: run `make browser` (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def serious_axe_violations(page, context: str = "document") -> list[str]:
    """axe-core (shipped inside axe-playwright-python) on the open page: serious and critical."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text(encoding="utf-8")
    page.evaluate(script)
    result = page.evaluate(f"axe.run({context}, {{resultTypes: ['violations']}})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} @ {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
