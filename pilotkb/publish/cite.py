"""How to cite a record page: GB/T 7714-2015 text, CSL-JSON, BibTeX and RIS.

Each citation names the data it refers to by the data version (the data file's content
hash) and, when known, the data date. The page URL is given only when the site address is
configured; without it there is no URL at all, never a guessed one. No wall-clock time:
GB/T 7714's 引用日期 is the reader's to fill in (see ``CITED_DATE``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

from pilotkb.data.model import DATE_RE

# GB/T 7714 asks for the date the reader consulted the page; only the reader knows it.
CITED_DATE = "引用日期"

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _date_parts(date: str | None) -> list[int] | None:
    m = DATE_RE.match(date or "")
    return [int(p) for p in m.groups() if p] if m else None


def _bibtex(text: str) -> str:
    """Text inside a BibTeX ``{...}`` value: braces and TeX specials escaped, so a title such
    as ``{{ 7*7 }}`` can neither end the field nor run a command."""
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in _one_line(text))


def _bibtex_url(url: str) -> str:
    # \url{} takes its argument verbatim except for braces, % and # (percent-encoded here)
    return re.sub(r"[{}%#\\\s]", lambda m: quote(m.group(0), safe=""), url)


def _key(key: str | None, record_title: str, kind_label: str) -> str:
    """A citation key: ``key`` (e.g. ``pilots-linzi-river-chief``) made safe, or a stable
    digest of the title when none is given."""
    if key:
        return "pilotkb-" + re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-").lower()
    return "pilotkb-" + hashlib.sha256(f"{kind_label}\n{record_title}".encode()).hexdigest()[:10]


def gbt7714(
    record_title: str,
    kind_label: str,
    page_url: str | None,
    site_name: str,
    data_date: str | None,
    data_version: str,
) -> str:
    """GB/T 7714-2015 electronic resource: 主要责任者. 题名[EB/OL]. (更新日期)[引用日期]. 网址.

    The site is the author (no person is named for a record); the data version stands as
    other title information so the citation says which data it means."""
    title = f"{_one_line(record_title)}：{kind_label}记录（数据版本 {data_version}）"
    parts = [f"{site_name}. {title}[EB/OL]. "]
    if data_date:
        parts.append(f"({data_date})")
    parts.append(f"[{CITED_DATE}]")
    if page_url:
        parts.append(f". {page_url}")
    parts.append(".")
    return "".join(parts)


def csl_json(
    record_title: str,
    kind_label: str,
    page_url: str | None,
    site_name: str,
    data_date: str | None,
    data_version: str,
    key: str | None = None,
) -> dict[str, Any]:
    """One CSL-JSON item (type ``webpage``)."""
    item: dict[str, Any] = {
        "id": _key(key, record_title, kind_label),
        "type": "webpage",
        "title": _one_line(record_title),
        "container-title": site_name,
        "author": [{"literal": site_name}],
        "publisher": site_name,
        "genre": f"{kind_label}记录",
        "version": data_version,
        "language": "zh-CN",
    }
    parts = _date_parts(data_date)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if page_url:
        item["URL"] = page_url
    return item


def bibtex(
    record_title: str,
    kind_label: str,
    page_url: str | None,
    site_name: str,
    data_date: str | None,
    data_version: str,
    key: str | None = None,
) -> str:
    fields = [
        ("author", "{" + _bibtex(site_name) + "}"),  # a corporate author: kept whole
        ("title", _bibtex(record_title)),
        ("howpublished", _bibtex(site_name)),
        ("note", _bibtex(f"{kind_label}记录；数据版本 {data_version}")),
        ("version", _bibtex(data_version)),
    ]
    parts = _date_parts(data_date)
    if parts:
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", str(parts[1])))
    if page_url:
        fields.append(("url", _bibtex_url(page_url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{_key(key, record_title, kind_label)},\n{body}\n}}\n"


def ris(
    record_title: str,
    kind_label: str,
    page_url: str | None,
    site_name: str,
    data_date: str | None,
    data_version: str,
) -> str:
    lines = [
        ("TY", "ELEC"),
        ("TI", _one_line(record_title)),
        ("AU", _one_line(site_name)),
        ("PB", _one_line(site_name)),
        ("T2", _one_line(site_name)),
        ("M3", f"{kind_label}记录"),
        ("ET", f"数据版本 {data_version}"),
    ]
    parts = _date_parts(data_date)
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    if page_url:
        lines.append(("UR", page_url))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def citation(
    record_title: str,
    kind_label: str,
    page_url: str | None,
    site_name: str,
    data_date: str | None,
    data_version: str,
    key: str | None = None,
) -> dict[str, str | bytes]:
    """Every form of one record page's citation: ``gbt7714`` (text), and the download bodies
    ``csl.json``, ``bib`` and ``ris`` (UTF-8 bytes). ``page_url`` is the absolute page
    address, or None when the site address is not configured."""
    args = (record_title, kind_label, page_url, site_name, data_date, data_version)
    item = csl_json(*args, key=key)
    return {
        "gbt7714": gbt7714(*args),
        "csl.json": (json.dumps([item], ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        "bib": bibtex(*args, key=key).encode("utf-8"),
        "ris": ris(*args).encode("utf-8"),
    }


MEDIA_TYPES = {
    "csl.json": "application/vnd.citationstyles.csl+json",
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
}


def download_links(cite: dict[str, str | bytes]) -> dict[str, str]:
    """``data:`` addresses for the downloads of one citation, so that a record page offers
    its citation files without one extra file per record in the site."""
    out = {}
    for kind, media in MEDIA_TYPES.items():
        body = cite[kind]
        assert isinstance(body, bytes)
        out[kind] = f"data:{media};charset=utf-8;base64," + base64.b64encode(body).decode("ascii")
    return out


def page_url(site_url: str | None, path: str) -> str | None:
    """The absolute address of a page, from the configured site address (MkDocs ``site_url``)
    and the page's path relative to the site root; None when the address is not set."""
    if not site_url or not re.match(r"^https?://", site_url):
        return None
    return site_url.rstrip("/") + "/" + path.lstrip("/")
