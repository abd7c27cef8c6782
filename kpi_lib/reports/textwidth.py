"""Display width of mixed CJK/Latin text, and wrapping by that width.

A CJK character is about twice as wide as a Latin letter in every font the reports use, so
column widths (Excel), table layout (PDF) and chart label wrapping count it double.
``textwrap`` cannot help: Chinese has no spaces to break at.
"""
from __future__ import annotations

import unicodedata


def char_width(ch: str) -> int:
    """2 for wide/full-width characters (CJK ideographs, kana, full-width punctuation), else 1."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: object) -> int:
    """Width of ``text`` in half-width units (the longest line when it has several)."""
    lines = str(text).splitlines() or [""]
    return max(sum(char_width(ch) for ch in line) for line in lines)


def wrap_display(text: object, width: int, *, max_lines: int = 3, balanced: bool = True) -> str:
    """Break ``text`` into lines of at most ``width`` half-width units.

    Latin words are kept whole where possible (break at spaces); CJK text breaks between
    any two characters. ``balanced`` evens out the lines (单位会话 / 转化率 rather than
    单位会话转化 / 率). Beyond ``max_lines`` the last line ends with an ellipsis.
    """
    text = str(text)
    total = display_width(text)
    if total <= width:
        return text
    if balanced:
        lines_needed = min(max_lines, -(-total // width))
        width = min(width, -(-total // lines_needed) + 1)
    lines: list[str] = []
    line, used = "", 0
    for token in _tokens(text):
        w = display_width(token)
        if used + w > width and line.strip():
            lines.append(line.rstrip())
            line, used = "", 0
            token = token.lstrip()
            w = display_width(token)
        while w > width:  # a single word longer than the line: cut it
            cut, cw = "", 0
            for ch in token:
                if cw + char_width(ch) > width:
                    break
                cut, cw = cut + ch, cw + char_width(ch)
            lines.append(cut)
            token = token[len(cut):]
            w = display_width(token)
        line, used = line + token, used + w
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return "\n".join(lines)


def _tokens(text: str) -> list[str]:
    """Latin words (with their leading space) and single CJK characters."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if char_width(ch) == 2:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            if word:
                tokens.append(word)
            word = " "
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens
