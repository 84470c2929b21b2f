"""The 数据下载 page: every download with its size, record count, licence and version."""

from __future__ import annotations

import re

from pilotkb.publish.opendata import Release
from pilotkb.site.render import environment
from pilotkb.site.views.downloads import downloads_context

from .conftest import COLLS, DATA_DATE, LICENCE, records


def test_downloads_page_lists_every_file_with_size_count_licence_and_version(real):
    release = Release(LICENCE, DATA_DATE, real["version"])
    sizes = {path: len(content) for path, content in real["files"].items()}
    ctx = downloads_context(real["catalog"], sizes, release)
    html_text = (
        environment().get_template("about_downloads.md.j2").render(href=lambda to, anchor="": "../", **ctx)
    )
    rows = re.findall(
        r"<li class=\"kb-card\" data-kb-file=\"[^\"]+\"><p class=\"kb-card__title\"><a href=\"\.\./downloads/([^\"]+)\" download>.*?</li>",
        html_text,
    )
    on_disk = {p.relative_to(real["dir"]).as_posix() for p in real["dir"].rglob("*") if p.is_file()}
    assert set(rows) == on_disk
    for coll in COLLS:
        n = len(records(real["raw"], coll))
        row = re.search(rf'href="\.\./downloads/{coll}\.csv".*?</li>', html_text).group(0)
        assert f"<span data-kb-records>{n}</span>" in row, (coll, row)
    total = sum(len(records(real["raw"], c)) for c in COLLS)
    for name in ("pilots.json", "pilots.xlsx", "pilots.db"):
        row = re.search(rf'href="\.\./downloads/{re.escape(name)}".*?</li>', html_text).group(0)
        assert f"<span data-kb-records>{total}</span>" in row, row
        size = (real["dir"] / name).stat().st_size
        shown = re.findall(r"<span data-kb-size>([\d.]+) (B|KB|MB)</span>", row)[0]
        factor = {"B": 1, "KB": 1024, "MB": 1024 * 1024}[shown[1]]
        assert abs(float(shown[0]) * factor - size) <= 0.05 * factor + 1, (name, shown, size)
    assert "署名 4.0 国际" in html_text and DATA_DATE in html_text and real["version"] in html_text
