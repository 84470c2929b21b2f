"""Phone load: tables wrapped at build time, precompressed text files (served by ``site.serve``).

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
import os
import re
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
