"""The one static server (pilotkb.site.serve): gzip as static hosts send it, a project site
under a sub-path with its 404 page, and a reader leaving mid-download printing nothing."""

from __future__ import annotations

import gzip
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pilotkb.site.serve import serve


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<p>甲</p>" * 400, encoding="utf-8")
    (tmp_path / "404.html").write_text("<p>找不到</p>", encoding="utf-8")
    (tmp_path / "big.bin").write_bytes(b"\0" * (8 << 20))
    return tmp_path


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_under_a_sub_path_with_its_404_page_and_folder_redirects(site: Path) -> None:
    with serve(site, prefix="/kb/", not_found=site / "404.html", dynamic=False) as server:
        assert server.url == server.origin + "/kb"
        status, _, body = fetch(server.url + "/a/")
        assert status == 200 and body.decode().startswith("<p>甲</p>")
        status, _, body = fetch(server.url + "/a")  # redirected to the folder, prefix kept
        assert status == 200 and body.decode().startswith("<p>甲</p>")
        for missing in (server.url + "/nowhere/", server.origin + "/a/"):
            status, _, body = fetch(missing)
            assert status == 404 and body.decode() == "<p>找不到</p>"


def test_gzip_on_the_fly_only_when_dynamic_and_asked_for(site: Path) -> None:
    with serve(site, dynamic=True) as server:
        status, headers, body = fetch(server.url + "/a/", **{"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body).startswith("<p>甲".encode())
    with serve(site, dynamic=False) as server:
        status, headers, body = fetch(server.url + "/a/", **{"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in headers and body.startswith("<p>甲".encode())


def test_a_reader_leaving_mid_download_prints_no_traceback(
    site: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with serve(site) as server:
        port = int(server.origin.rsplit(":", 1)[1])
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", port)) as s:
                s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
                s.recv(1024)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        time.sleep(0.5)
        assert fetch(server.url + "/a/")[0] == 200  # still serving
    out, err = capfd.readouterr()
    assert "Traceback" not in err and "Error" not in err, err
