"""Chart labels wrapped by character width, without measuring a font (the same bytes on every
machine): a wide (CJK) character counts 1 em, any other 0.6 em, a generous estimate."""

from __future__ import annotations

import re
import unicodedata


def char_width(ch: str) -> float:
    """Width in em: wide (CJK) characters 1, others 0.6."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6


def text_width(text: str, size: float) -> float:
    """Generous estimate of rendered width: wide (CJK) characters 1 em, others 0.6 em."""
    return sum(char_width(c) for c in text) * size


_TOKEN = re.compile(r"[A-Za-z0-9.%+_/-]+[）)，。、；：”’]*|\S[）)，。、；：”’]*|\s+")


def wrap_label(label: str, width: float, size: float, max_lines: int) -> list[str]:
    """Greedy wrap into at most ``max_lines`` lines, keeping Latin words and numbers whole and
    closing punctuation with what it closes; the last line is cut with "…" if needed."""
    limit = width / size
    lines: list[str] = [""]
    for token in _TOKEN.findall(" ".join(label.split())):
        w = sum(char_width(c) for c in token)
        cur_w = sum(char_width(c) for c in lines[-1])
        if token.isspace():
            if lines[-1] and cur_w + w <= limit:
                lines[-1] += " "
            continue
        if cur_w + w > limit and lines[-1]:
            if w <= limit:
                lines.append("")
            else:  # a word longer than the line: fill this line, then go on
                while token and sum(char_width(c) for c in lines[-1] + token[0]) <= limit:
                    lines[-1], token = lines[-1] + token[0], token[1:]
                lines.append("")
        while sum(char_width(c) for c in token) > limit:  # still too long for a line of its own
            cut = len(token)
            while sum(char_width(c) for c in token[:cut]) > limit:
                cut -= 1
            lines[-1], token = token[:cut], token[cut:]
            lines.append("")
        lines[-1] += token
    lines = [line.rstrip() for line in lines if line.strip()] or [""]
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and sum(char_width(c) for c in last) + 1.0 > limit:
            last = last[:-1]
        if re.search(r"[A-Za-z0-9]$", last) and lines[max_lines - 1][len(last) :][:1].isalnum():
            last = re.sub(r"[A-Za-z0-9.]+$", "", last) or last  # no half numbers: "比…", not "比201…"
        lines = lines[: max_lines - 1] + [last.rstrip() + "…"]
    return lines
