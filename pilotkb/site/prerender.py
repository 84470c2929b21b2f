"""Generated pages straight to HTML, without Python-Markdown.

A generated page is raw HTML blocks (Jinja output) and ``## heading {#id}`` lines. Python-
Markdown over such a page only passes the blocks through and turns the headings into
``<hN id>`` with a permalink, yet it parses every tag of every block on the way (most of
a plain build's time). ``to_html`` does the same conversion directly and returns ``None``
for anything outside that shape (a paragraph of Markdown text, inline Markdown in a
heading, a block that does not start with a block-level tag or does not close on its own
line, ``<style>``/``<pre>``, a script holding ``<``), so the caller falls back to Markdown for that page.
``tests/site/test_prerender.py`` checks both give the same HTML on every generated page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# Python-Markdown's block-level elements (markdown.Markdown().block_level_elements, 3.x).
BLOCK_LEVEL = frozenset(
    "address article aside blockquote details div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul canvas colgroup "
    "dd body dt group html iframe li legend math map noscript output object option progress "
    "script style summary tbody td textarea tfoot th thead tr video center".split()
)
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Elements whose content is not HTML, or whose whitespace matters: left to Markdown.
UNSAFE = frozenset(("style", "pre", "textarea"))

HEADING = re.compile(r"^(#{1,6}) +([^\n]*?) +\{#([A-Za-z][\w-]*)\}$")
# Heading text with nothing Markdown would change (no emphasis, code, links, escapes, HTML).
PLAIN_TEXT = re.compile(r"[^*_`\[\]<>&\\!{}#~=^|\n]*")
# A tag: its attributes run to the first ">" outside quotes, a "/" just before it closes the
# tag on its own. Runs of plain characters are taken whole and never given back (``*+``):
# the same matches as one character at a time with a lazy loop, in about 60 % of the time.
TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>\"'/]+|\"[^\"]*\"|'[^']*'|/(?!>))*+)(/?)>|<!--.*?-->", re.S
)
BLOCK_START = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)[\s/>]")
ID_ATTR = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)')""")


@dataclass
class Rendered:
    """A page's HTML, its headings (level, id, text) and every id on it."""

    content: str
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)


def _blocks(segment: str) -> list[str] | None:
    """The top-level HTML elements of a run of lines, or None if it is not only such elements."""
    out: list[str] = []
    pos = prev_end = 0
    n = len(segment)
    while True:
        while pos < n and segment[pos] in " \t\n":
            if segment[pos] != "\n" and (pos == 0 or segment[pos - 1] == "\n"):
                return None  # indented: Markdown might read a code block
            pos += 1
        if pos >= n:
            return out
        if pos and segment[pos - 1] != "\n":
            return None
        m = BLOCK_START.match(segment, pos)
        if m is None or m.group(1).lower() not in BLOCK_LEVEL:
            return None
        depth = 0
        end = -1
        skip_to = -1
        for t in TAG.finditer(segment, pos):
            if t.start() < skip_to:
                continue
            name = (t.group(2) or "").lower()
            if not name:
                continue  # a comment
            if name in UNSAFE:
                return None
            if name == "script" and not t.group(1):
                close = segment.find("</script>", t.end())
                if close < 0 or "<" in segment[t.end() : close]:
                    return None  # script text Markdown's parser might read as tags
                skip_to = close
            if name in VOID or t.group(4):
                if depth == 0:
                    end = t.end()
                    break
                continue
            if t.group(1):
                depth -= 1
            else:
                depth += 1
            if depth == 0:
                end = t.end()
                break
            if depth < 0:
                return None
        if end < 0:
            return None
        nl = segment.find("\n", end)
        line_end = n if nl < 0 else nl
        if segment[end:line_end].strip():
            return None  # text after the closing tag on its line: Markdown would wrap it
        if out and "\n\n" not in segment[prev_end:pos]:
            out[-1] += segment[prev_end:line_end]  # no blank line between: one raw block
        else:
            out.append(segment[pos:line_end])
        pos = prev_end = line_end


def to_html(markdown: str, permalink: str = "¶", permalink_title: str = "") -> Rendered | None:
    """The HTML Python-Markdown (attr_list, md_in_html, toc with a permalink) would make of a
    generated page body, or None when the body is not only HTML blocks and headings."""
    if "\r" in markdown or "\t" in markdown or "```" in markdown or "~~~" in markdown:
        return None
    parts: list[str] = []
    headings: list[tuple[int, str, str]] = []
    segment: list[str] = []

    def flush() -> bool:
        text = "\n".join(segment)
        segment.clear()
        blocks = _blocks(text)
        if blocks is None:
            return False
        parts.extend(b + "\n" for b in blocks)
        return True

    for line in markdown.split("\n"):
        m = HEADING.match(line) if line.startswith("#") else None
        if m is None:
            segment.append(line)
            continue
        if not flush():
            return None
        level, text, hid = len(m.group(1)), m.group(2), m.group(3)
        if not PLAIN_TEXT.fullmatch(text) or text != text.strip():
            return None
        link = f'<a class="headerlink" href="#{hid}" title="{html.escape(permalink_title)}">{permalink}</a>'
        parts.append(f'<h{level} id="{hid}">{text}{link}</h{level}>')
        headings.append((level, hid, text))
    if not flush():
        return None
    content = "\n".join(parts).rstrip("\n")
    anchors = {a or b for a, b in ID_ATTR.findall(content)}
    return Rendered(content, headings, {html.unescape(a) for a in anchors})
