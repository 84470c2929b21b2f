"""Phone load: tables wrapped at build time, precompressed text files, a static server.

Material's bundle is loaded on the reader's first interaction (overrides/main.html), so the
one thing it did to every page on load, wrapping each plain table in a sideways-scrolling
box, is done here when the page is built: the same markup, without a script or a shift.

Static hosts differ: GitLab Pages never compresses on the fly but serves ``page.html.gz``
in place of ``page.html`` when the browser accepts gzip; nginx does the same with
``gzip_static on``. Writing the ``.gz`` files in the build makes such a host send about a
quarter of the bytes. The files are byte-reproducible (no name, no time in the header).
"""

from __future__ import annotations

import gzip
import http.server
import io
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

# Text formats worth compressing; images other than SVG and existing archives are not.
SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".txt", ".geojson", ".map")
# Below this a compressed copy saves less than one network packet: not worth a file.
MIN_SIZE = 1024


# Material's selector is table:not([class]); tables with a class are the site's own.
PLAIN_TABLE = re.compile(r"<table(?![^>]*\bclass=)(?:\s[^>]*)?>.*?</table>", re.S)
WRAP = ('<div class="md-typeset__scrollwrap"><div class="md-typeset__table">', "</div></div>")


def wrap_tables(html: str) -> str:
    """Each plain table in Material's scroll wrapper, as its bundle would do after load."""
    return PLAIN_TABLE.sub(lambda m: WRAP[0] + m.group(0) + WRAP[1], html)


def candidates(site: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(SUFFIXES):
                path = Path(dirpath) / name
                if path.stat().st_size >= MIN_SIZE:
                    yield path


def precompress(site: Path) -> tuple[int, int, int]:
    """Write ``name.gz`` beside each compressible file that shrinks: (files, bytes in, bytes out)."""
    count = before = after = 0
    for path in candidates(site):
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        target = path.with_name(path.name + ".gz")
        if len(packed) >= len(data) * 0.9:
            target.unlink(missing_ok=True)
            continue
        target.write_bytes(packed)
        count += 1
        before += len(data)
        after += len(packed)
    return count, before, after


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``x.gz`` for ``x`` when the client accepts gzip (nginx ``gzip_static``); with
    ``dynamic``, compresses other text files on the fly as ordinary web servers do."""

    dynamic = True

    def log_message(self, *args: object) -> None:
        pass

    def accepts_gzip(self) -> bool:
        return any(
            part.split(";")[0].strip() == "gzip"
            for part in self.headers.get("Accept-Encoding", "").split(",")
        )

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()
            path = path / "index.html"
        if not path.is_file() or not path.name.endswith(SUFFIXES) or not self.accepts_gzip():
            return super().send_head()
        packed = path.with_name(path.name + ".gz")
        if packed.is_file():
            body = packed.read_bytes()
        elif self.dynamic:
            body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        else:
            return super().send_head()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return io.BytesIO(body)


def serve(
    site: Path, dynamic: bool = True, handler: type[StaticHandler] = StaticHandler
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``site`` on 127.0.0.1 (a free port) in a daemon thread: (server, base URL)."""

    class Handler(handler):  # type: ignore[valid-type,misc]
        pass

    Handler.dynamic = dynamic

    def make(*args, **kwargs):
        return Handler(*args, directory=str(site), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
