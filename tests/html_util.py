"""A small reader of built HTML pages, on the standard library's parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""


@dataclass
class Page:
    elements: list[Element] = field(default_factory=list)
    title: str = ""
    ids: set[str] = field(default_factory=set)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        out = []
        for el in self.elements:
            if el.tag != tag:
                continue
            if all(
                (el.attrs.get(k.rstrip("_")) or "").split().__contains__(v)
                if k == "class_"
                else el.attrs.get(k) == v
                for k, v in attrs.items()
            ):
                out.append(el)
        return out

    def by_id(self, ident: str) -> Element:
        for el in self.elements:
            if el.attrs.get("id") == ident:
                return el
        raise KeyError(ident)


class _Parser(HTMLParser):
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[Element] = []
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        el = Element(tag, dict(attrs))
        self.page.elements.append(el)
        if el.attrs.get("id"):
            self.page.ids.add(el.attrs["id"])  # type: ignore[arg-type]
        if tag == "title":
            self.in_title = True
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.in_title:
            self.page.title += data
        for el in self.stack:
            el.text += data


def parse_html(html: str) -> Page:
    """The elements of an HTML text."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


def parse(path: Path | str) -> Page:
    """The elements of a built page."""
    return parse_html(Path(path).read_text(encoding="utf-8"))


def page_file(site: Path, url_path: str) -> Path:
    """The file a relative URL path (already resolved against the site root) serves."""
    target = site / url_path
    if url_path.endswith("/") or url_path == "" or target.is_dir():
        target = target / "index.html"
    return target
