"""The one static HTTP server: a built site on 127.0.0.1, as a static host serves it.

Used by the browser tests, Lighthouse and the search benchmark. It serves ``x.gz`` for ``x``
when the client accepts gzip (GitLab Pages, nginx ``gzip_static``) and, with ``dynamic``,
compresses other text files on the fly as ordinary servers do; under a ``prefix`` (a project
site under /kb/) it answers only below it, and with ``not_found`` it sends that page with a
404 as Pages hosts do. A browser that leaves a page mid-download closes its connection: that
is not an error, so it is never printed as a traceback.
"""

from __future__ import annotations

import gzip
import http.server
import io
import threading
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from pilotkb.site.pageload import SUFFIXES


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """One request. The server's settings are class attributes of a subclass per server."""

    dynamic = True
    prefix = "/"
    not_found: Path | None = None

    def log_message(self, *args: object) -> None:
        pass

    def accepts_gzip(self) -> bool:
        return any(
            part.split(";")[0].strip() == "gzip"
            for part in self.headers.get("Accept-Encoding", "").split(",")
        )

    def send_head(self):  # type: ignore[override]
        parts = urlsplit(self.path)
        if not parts.path.startswith(self.prefix):
            return self._missing()
        self.path = parts.path[len(self.prefix) - 1 :] + (f"?{parts.query}" if parts.query else "")
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not parts.path.endswith("/"):  # a folder's URL ends with a slash
                self.send_response(301)
                self.send_header("Location", parts.path + "/" + (f"?{parts.query}" if parts.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = path / "index.html"
        if not path.is_file():
            return self._missing()
        if not path.name.endswith(SUFFIXES) or not self.accepts_gzip():
            return super().send_head()
        packed = path.with_name(path.name + ".gz")
        if packed.is_file():
            body = packed.read_bytes()
        elif self.dynamic:
            body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        else:
            return super().send_head()
        return self._body(200, self.guess_type(str(path)), body, gzipped=True)

    def _missing(self) -> io.BytesIO | None:
        if self.not_found is None:
            self.send_error(404)
            return None
        return self._body(404, "text/html; charset=utf-8", self.not_found.read_bytes())

    def _body(self, status: int, kind: str, body: bytes, gzipped: bool = False) -> io.BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return io.BytesIO(body)


class _Quiet(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipe, reset: a page left
            super().handle_error(request, client_address)


class Server:
    """A site served in a daemon thread until ``close()`` (or the ``with`` block ends)."""

    def __init__(self, httpd: http.server.ThreadingHTTPServer, prefix: str):
        self.httpd = httpd
        self.origin = f"http://127.0.0.1:{httpd.server_address[1]}"
        self.url = self.origin + prefix.rstrip("/")  # the site's root, without the final slash
        threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


def serve(
    site: Path,
    *,
    dynamic: bool = True,
    prefix: str = "/",
    not_found: Path | None = None,
    port: int = 0,
    handler: type[StaticHandler] = StaticHandler,
) -> Server:
    """Serve ``site`` on 127.0.0.1 (``port``, else a free one) below ``prefix``."""
    settings = {"dynamic": dynamic, "prefix": prefix if prefix.endswith("/") else prefix + "/"}
    Handler = type("Handler", (handler,), {**settings, "not_found": not_found})  # noqa: N806

    def make(*args: Any, **kwargs: Any) -> StaticHandler:
        return Handler(*args, directory=str(site), **kwargs)

    return Server(_Quiet(("127.0.0.1", port), make), settings["prefix"])
