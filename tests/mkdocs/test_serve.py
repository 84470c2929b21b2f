"""`mkdocs serve` with bad data: the reader's browser shows the messages, then the fixed site.

A real ``mkdocs serve`` runs on a free port in a copy of the project; the data file is broken
and fixed while it runs, and the served page is polled as a browser's reload would fetch it.
``mkdocs build`` of the same broken data still fails with the same message.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ..conftest import ENV, FIXTURES, build, make_project

GOOD = (FIXTURES / "golden" / "pilots.yaml").read_text(encoding="utf-8")
# a status no one allows, written like markup: it must reach the page as text
BAD = GOOD.replace("    status: 推进中\n", "    status: <b>推进了</b>\n", 1)
BAD_LINE = next(n for n, line in enumerate(BAD.splitlines(), 1) if "<b>推进了</b>" in line)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def poll(url: str, ok, seconds: float = 120) -> str:
    end = time.monotonic() + seconds
    body = ""
    while time.monotonic() < end:
        body = fetch(url)
        if ok(body):
            return body
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed what was expected; last body:\n{body[-2000:]}")


def stop(proc: subprocess.Popen[str]) -> str:
    """End `mkdocs serve` and return what it wrote to stderr."""
    proc.terminate()
    try:
        return proc.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    source = (FIXTURES / "golden" / "source.txt").read_text(encoding="utf-8")
    return make_project(tmp_path / "p", GOOD, {"source.txt": source})


def is_normal(body: str) -> bool:
    return '<h1 class="kb-title">河长制</h1>' in body and "kb-data-error" not in body


@pytest.mark.parametrize("flags", [[], ["--dirty"]], ids=["serve", "serve-dirty"])
def test_bad_data_while_serving_shows_the_messages_then_the_fixed_page(project: Path, flags: list[str]):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--strict", *flags, "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    data = project / "data" / "pilots.yaml"
    page = f"http://127.0.0.1:{port}/pilots/river-chief/"
    try:
        poll(page, is_normal)
        data.write_text(BAD, encoding="utf-8")
        body = poll(page, lambda b: "kb-data-error" in b)
        message = re.search(r"<li><code>(data/pilots\.yaml:\d+: [^<]*)</code></li>", body)
        assert message, body[-3000:]
        assert message.group(1).startswith(f"data/pilots.yaml:{BAD_LINE}: river-chief: status: ")
        assert "&lt;b&gt;推进了&lt;/b&gt;" in message.group(1)  # escaped, not markup
        assert "<b>推进了</b>" not in body
        assert "livereload" in body  # MkDocs' reload script: the page reloads when the data is fixed
        # every page of the site shows it, the home page and the generated lists too
        for other in ("", "browse/all/", "changes/"):
            assert "kb-data-error" in fetch(f"http://127.0.0.1:{port}/{other}"), other
        data.write_text(GOOD, encoding="utf-8")
        poll(page, is_normal)
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err[-3000:]
    assert "An error happened during the rebuild" not in err


def test_build_still_fails_on_the_same_bad_data(project: Path):
    (project / "data" / "pilots.yaml").write_text(BAD, encoding="utf-8")
    result = build(project)
    assert result.returncode != 0
    assert f"data/pilots.yaml:{BAD_LINE}: river-chief: status: " in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "site" / "pilots").exists()


REAL = Path(__file__).resolve().parent.parent / "data" / "pilots.yaml"
CHANGED = ("old-industrial-city-transformation-zone", "老工业城市产业转型升级示范区")
UNRELATED = "pilots/linzi-campus-football.md"


def write_after(path: Path, text: str, moment: float) -> None:
    """Write ``text`` to ``path`` with a modification time after ``moment`` (a coarse
    file-system clock can stamp a write made just after it with the same time)."""
    deadline = time.monotonic() + 10
    path.write_text(text, encoding="utf-8")
    while path.stat().st_mtime <= moment:
        assert time.monotonic() < deadline, f"{path} kept a modification time at or before {moment}"
        time.sleep(0.05)
        path.write_text(text, encoding="utf-8")


def page_only(body: str) -> str:
    """The served page without MkDocs' reload script (which carries the build's epoch)."""
    return body.split("livereload(")[0]


def test_preview_remakes_only_the_pages_an_edit_changes(tmp_path: Path):
    """`make serve` (serve --dirty): one record renamed, its page and the list show the new
    name, and a page that does not show the record is not made again."""
    project = make_project(tmp_path / "p")
    data = project / "data" / "pilots.yaml"
    rid, name = CHANGED
    text = data.read_text(encoding="utf-8")
    assert f"  - id: {rid}\n    name: {name}\n" in text
    assert (project / "docs").exists() and UNRELATED.removesuffix(".md").split("/")[1] in text
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--strict", "--dirty", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"
    new = name + "（改名）"
    try:
        poll(base + f"pilots/{rid}/", lambda b: f'<h1 class="kb-title">{name}</h1>' in b)
        unrelated_before = page_only(fetch(base + UNRELATED.removesuffix(".md") + "/"))
        built = time.time()  # the first build's files are older than this
        write_after(data, text.replace(f"    name: {name}\n", f"    name: {new}\n", 1), built)
        poll(base + f"pilots/{rid}/", lambda b: f'<h1 class="kb-title">{new}</h1>' in b)
        poll(base + "browse/all/", lambda b: new in b)
        assert page_only(fetch(base + UNRELATED.removesuffix(".md") + "/")) == unrelated_before
    finally:
        err = stop(proc)
    assert "An error happened during the rebuild" not in err, err[-3000:]
    remade = re.search(r"pilotkb: preview: remade (\d+) of (\d+) generated pages", err)
    assert remade, err[-3000:]
    assert int(remade.group(1)) < int(remade.group(2)) / 4
    pages = re.search(r"pilotkb: preview pages remade: (.*)", err).group(1).split()
    assert f"pilots/{rid}.md" in pages and "browse/all.md" in pages
    assert UNRELATED not in pages
