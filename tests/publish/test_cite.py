"""Citations of a record page: GB/T 7714, CSL-JSON, BibTeX and RIS, with and without a site
address, with text that tries to break out of its field."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import jsonschema

from pilotkb.publish import cite
from pilotkb.site.render import environment

from .conftest import DATA_DATE, records

# The parts of the CSL-JSON schema (citation-style-language/schema, csl-data.json) used here.
CSL_ITEM = {
    "type": "object",
    "required": ["id", "type"],
    "properties": {
        "id": {"type": ["string", "number"]},
        "type": {"enum": ["webpage", "dataset"]},
        "title": {"type": "string"},
        "container-title": {"type": "string"},
        "publisher": {"type": "string"},
        "genre": {"type": "string"},
        "version": {"type": "string"},
        "language": {"type": "string"},
        "URL": {"type": "string", "pattern": "^https?://"},
        "author": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"literal": {"type": "string"}, "family": {"type": "string"}},
                "additionalProperties": False,
            },
        },
        "issued": {
            "type": "object",
            "properties": {
                "date-parts": {
                    "type": "array",
                    "items": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3},
                    "minItems": 1,
                    "maxItems": 2,
                }
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}


def _pilot_citation(catalog: Any, pid: str, url: str | None, version: str) -> dict[str, str | bytes]:
    return cite.citation(
        catalog.pilots[pid].name, "试点", url, "试点经验库", DATA_DATE, version, key=f"pilots-{pid}"
    )


def test_citation_of_a_case_page_parses_as_csl_json_with_url_and_version(real):
    raw_pilot = records(real["raw"], "pilots")[0]
    url = cite.page_url("https://kb.example.org/", f"pilots/{raw_pilot['id']}/")
    c = _pilot_citation(real["catalog"], raw_pilot["id"], url, real["version"])
    items = json.loads(c["csl.json"])
    jsonschema.validate(items, {"type": "array", "items": CSL_ITEM, "minItems": 1})
    (item,) = items
    assert item["title"] == raw_pilot["name"]
    assert item["URL"] == f"https://kb.example.org/pilots/{raw_pilot['id']}/"
    assert item["version"] == real["version"]
    assert item["issued"] == {"date-parts": [[2017, 12]]}
    text = c["gbt7714"]
    assert isinstance(text, str)
    assert text == (
        f"试点经验库. {raw_pilot['name']}：试点记录（数据版本 {real['version']}）[EB/OL]. "
        f"({DATA_DATE})[引用日期]. https://kb.example.org/pilots/{raw_pilot['id']}/."
    )
    assert f"url = {{{url}}}" in c["bib"].decode()
    assert f"UR  - {url}\r\n" in c["ris"].decode()


def test_citation_without_a_site_address_has_no_url_at_all(real):
    pid = records(real["raw"], "pilots")[0]["id"]
    assert cite.page_url(None, f"pilots/{pid}/") is None
    assert cite.page_url("", f"pilots/{pid}/") is None
    c = _pilot_citation(real["catalog"], pid, cite.page_url(None, f"pilots/{pid}/"), real["version"])
    (item,) = json.loads(c["csl.json"])
    jsonschema.validate(item, CSL_ITEM)
    assert "URL" not in item
    for form, body in c.items():
        text = body.decode() if isinstance(body, bytes) else body
        assert "http" not in text and pid not in text.replace(f"pilotkb-pilots-{pid}", ""), form


def test_citation_of_injected_text_stays_text(inject):
    title = inject["catalog"].pilots["template"].name  # "{{ 7*7 }}"
    c = cite.citation(
        title + "}\n%", "试点", None, "试点经验库", None, inject["version"], key="pilots-template"
    )
    bib = c["bib"].decode()
    # braces balanced inside every field: the title cannot close its field early
    for line in bib.splitlines()[1:-1]:
        value = line.split(" = ", 1)[1].rstrip(",")
        depth = 0
        for i, ch in enumerate(value):
            if ch in "{}" and (i == 0 or value[i - 1] != "\\"):
                depth += 1 if ch == "{" else -1
                assert depth > 0 or i == len(value) - 1, line
        assert depth == 0, line
    assert "\n%" not in bib
    ris_lines = c["ris"].decode().split("\r\n")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in ris_lines if line), ris_lines
    (item,) = json.loads(c["csl.json"])
    assert item["title"] == "{{ 7*7 }}} %"
    files = cite.download_links(c)
    assert set(files) == {"csl.json", "bib", "ris"}
    assert all(v.startswith("data:") and "<" not in v and '"' not in v for v in files.values())


def test_citation_block_escapes_the_title_and_its_links_download_the_citation(inject):
    title = inject["catalog"].pilots["title-break"].name  # </title><script>alert(1)</script>
    c = cite.citation(title, "试点", "https://kb.example.org/pilots/title-break/", "试点经验库", None, "v1")
    files = cite.download_links(c)
    macro = environment().from_string('{% import "_cite.j2" as k %}{{ k.citation(c, files, stem) }}')
    out = macro.render(c=c, files=files, stem="pilotkb-pilots-title-break")
    assert "<script>" not in out and "&lt;/title&gt;&lt;script&gt;" in out
    links = dict(re.findall(r'href="(data:[^"]+)" download="[^"]+\.(json|bib|ris)"', out))
    assert len(links) == 3
    by_ext = {ext: base64.b64decode(href.split(",", 1)[1]) for href, ext in links.items()}
    (item,) = json.loads(by_ext["json"])
    jsonschema.validate(item, CSL_ITEM)
    assert item["title"] == title and item["URL"] == "https://kb.example.org/pilots/title-break/"
    assert by_ext["bib"].startswith(b"@misc{") and by_ext["ris"].startswith(b"TY  - ELEC")


# --- each form on its own, with text that tries to break out ------------------------------

TRICKY = "河长制 {试点} 50% & $5 #1 a_b ^ ~ \\end\r\n第二行"
TRICKY_URL = "https://kb.example.org/a b/{x}%#"


def test_bibtex_escapes_every_tex_special_and_keeps_one_line_per_field():
    bib = cite.bibtex(
        TRICKY, "试点", TRICKY_URL, "试点经验库", "2017-04", "abc123", key="pilots-Linzi_River!"
    )
    assert bib == (
        "@misc{pilotkb-pilots-linzi-river,\n"
        "  author = {{试点经验库}},\n"
        "  title = {河长制 \\{试点\\} 50\\% \\& \\$5 \\#1 a\\_b \\^{} \\~{} \\textbackslash{}end 第二行},\n"
        "  howpublished = {试点经验库},\n"
        "  note = {试点记录；数据版本 abc123},\n"
        "  version = {abc123},\n"
        "  year = {2017},\n"
        "  month = {4},\n"
        "  url = {https://kb.example.org/a%20b/%7Bx%7D%25%23}\n"
        "}\n"
    )


def test_ris_has_one_line_per_tag_with_crlf_and_the_date_as_ris_writes_it():
    ris = cite.ris(TRICKY, "经验", TRICKY_URL, "试点经验库", "2017-04-05", "abc123")
    assert ris == (
        "TY  - ELEC\r\n"
        "TI  - 河长制 {试点} 50% & $5 #1 a_b ^ ~ \\end 第二行\r\n"
        "AU  - 试点经验库\r\n"
        "PB  - 试点经验库\r\n"
        "T2  - 试点经验库\r\n"
        "M3  - 经验记录\r\n"
        "ET  - 数据版本 abc123\r\n"
        "PY  - 2017\r\n"
        "DA  - 2017/04/05\r\n"
        f"UR  - {TRICKY_URL}\r\n"
        "ER  - \r\n"
    )


def test_without_date_or_address_no_form_invents_one():
    args = ("河长制\n试点", "试点", None, "试点经验库", None, "abc123")
    assert cite.gbt7714(*args) == "试点经验库. 河长制 试点：试点记录（数据版本 abc123）[EB/OL]. [引用日期]."
    assert "year" not in cite.bibtex(*args) and "url" not in cite.bibtex(*args)
    assert "PY  -" not in cite.ris(*args) and "UR  -" not in cite.ris(*args)
    item = cite.csl_json(*args)
    assert "issued" not in item and "URL" not in item
    assert item["title"] == "河长制 试点"


def test_gbt7714_states_update_date_cited_date_and_address():
    text = cite.gbt7714("河长制", "试点", "https://kb.example.org/p/", "试点经验库", "2017", "abc123")
    assert (
        text
        == "试点经验库. 河长制：试点记录（数据版本 abc123）[EB/OL]. (2017)[引用日期]. https://kb.example.org/p/."
    )


def test_csl_issued_date_has_the_parts_the_data_date_has():
    def issued(date: str | None) -> Any:
        return cite.csl_json("河长制", "试点", None, "试点经验库", date, "v").get("issued")

    assert issued("2017") == {"date-parts": [[2017]]}
    assert issued("2017-04-05") == {"date-parts": [[2017, 4, 5]]}
    assert issued("2017年") is None


def test_key_without_a_record_key_is_stable_and_tells_titles_apart():
    first = cite.citation("河长制", "试点", None, "试点经验库", None, "v")
    again = cite.citation("河长制", "试点", None, "试点经验库", None, "v")
    other = cite.citation("林长制", "试点", None, "试点经验库", None, "v")
    key = json.loads(first["csl.json"])[0]["id"]
    assert re.fullmatch(r"pilotkb-[0-9a-f]{10}", key)
    assert first["bib"].startswith(f"@misc{{{key},\n".encode())
    assert first == again and json.loads(other["csl.json"])[0]["id"] != key


def test_download_links_carry_the_citation_files_exactly():
    c = cite.citation(TRICKY, "试点", TRICKY_URL, "试点经验库", "2017-04", "v", key="pilots-x")
    links = cite.download_links(c)
    for kind, media in (
        ("csl.json", "application/vnd.citationstyles.csl+json"),
        ("bib", "application/x-bibtex"),
        ("ris", "application/x-research-info-systems"),
    ):
        head, body = links[kind].split(",", 1)
        assert head == f"data:{media};charset=utf-8;base64"
        assert base64.b64decode(body) == c[kind]


def test_page_url_only_from_an_http_site_address():
    assert cite.page_url("https://kb.example.org/kb", "/pilots/a/") == "https://kb.example.org/kb/pilots/a/"
    assert cite.page_url("http://kb.example.org/", "pilots/a/") == "http://kb.example.org/pilots/a/"
    assert cite.page_url("javascript:alert(1)//", "pilots/a/") is None
    assert cite.page_url("kb.example.org", "pilots/a/") is None
