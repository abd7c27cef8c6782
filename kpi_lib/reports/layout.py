"""Print layout of a report body: heading anchors and the table of contents, and tables that
fit the page.

Tables: a table's width is estimated from its text (display width, CJK counted double,
long text assumed to wrap); it is printed at the normal size, smaller ("compact"), or on a
landscape page when even the small size would run off a portrait page. A table too wide
even for that is split into column groups, each repeating the row labels (the leading
header cells, or the first column), one under the other. Numeric cells are right-aligned
and never broken. The heading and short lead-in text right before a
landscape table move onto its page, so a heading is never left alone at the bottom of the
portrait page before it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kpi_lib.reports.textwidth import display_width

# Geometry of the report CSS: portrait text box 182 mm (516 pt), landscape 269 mm (762 pt).
# One width unit ≈ 0.6 em (DejaVu Sans digits and letters; a CJK character = 2 units, a
# little more than its 1 em); cell padding ≈ 2 units.
PORTRAIT_PT, LANDSCAPE_PT = 516.0, 762.0
UNIT_EM = 0.6
PAD_UNITS = 2
NORMAL_PT, COMPACT_PT, LANDSCAPE_NORMAL_PT, LANDSCAPE_COMPACT_PT = 8.5, 7.0, 7.5, 6.5
TEXT_WRAP_UNITS = 28      # a text cell longer than this wraps onto more lines
HEADER_WRAP_UNITS = 12    # header cells wrap too
_NUMBER = re.compile(r"^[-−+]?[¥$€£]?\s?\d[\d,]*(\.\d+)?\s?(%|万|亿|×|[A-Z]{3})?$|^[—–-]$")


@dataclass(frozen=True)
class TocEntry:
    level: int
    text: str
    id: str


def capacity(font_pt: float, page_pt: float) -> float:
    """How many width units fit across the page at this font size."""
    return page_pt / (UNIT_EM * font_pt)


def column_widths(table) -> list[int]:
    """Estimated width of each column of a (BeautifulSoup) table in units, without padding."""
    widths: dict[int, int] = {}
    for tr in table.find_all("tr"):
        col = 0
        for cell in tr.find_all(["th", "td"], recursive=False):
            span = int(cell.get("colspan", 1) or 1)
            text = cell.get_text(" ", strip=True)
            w = display_width(text)
            if not _NUMBER.match(text):
                w = min(w, HEADER_WRAP_UNITS if cell.name == "th" and cell.find_parent("thead") else TEXT_WRAP_UNITS)
            if span == 1:
                widths[col] = max(widths.get(col, 0), w)
            col += span
    return [widths.get(i, 0) for i in range(max(widths, default=-1) + 1)]


def table_width_units(table) -> int:
    """Estimated width of a table in units, padding included."""
    widths = column_widths(table)
    return sum(widths) + PAD_UNITS * len(widths)


def _simple_grid(table) -> bool:
    """True when no cell spans rows or columns (then columns can be cut out safely)."""
    return not any(int(c.get("colspan", 1) or 1) > 1 or int(c.get("rowspan", 1) or 1) > 1
                   for c in table.find_all(["th", "td"]))


def column_groups(widths: list[int], keys: int, limit: float) -> list[list[int]]:
    """Split the non-key columns into consecutive groups that fit ``limit`` units together
    with the ``keys`` leading columns (a column wider than that gets a group of its own)."""
    key_units = sum(widths[:keys]) + PAD_UNITS * keys
    groups: list[list[int]] = []
    current: list[int] = []
    used = key_units
    for i in range(keys, len(widths)):
        w = widths[i] + PAD_UNITS
        if current and used + w > limit:
            groups.append(current)
            current, used = [], key_units
        current.append(i)
        used += w
    if current:
        groups.append(current)
    return groups


def split_wide_table(table) -> list:
    """The table as column groups that each fit a landscape page (the table itself when it
    fits, or when spanning cells make cutting columns unsafe)."""
    import copy

    widths = column_widths(table)
    if sum(widths) + PAD_UNITS * len(widths) <= capacity(LANDSCAPE_COMPACT_PT, LANDSCAPE_PT) or not _simple_grid(table):
        return [table]
    limit = capacity(LANDSCAPE_NORMAL_PT, LANDSCAPE_PT)  # once split, parts can use the larger type
    body_row = table.find("tbody").find("tr") if table.find("tbody") else table.find("tr")
    cells = body_row.find_all(["th", "td"], recursive=False) if body_row else []
    keys = next((i for i, c in enumerate(cells) if c.name != "th"), len(cells)) or 1
    keys = min(keys, len(widths) - 1)
    parts = []
    for group in column_groups(widths, keys, limit):
        keep = set(range(keys)) | set(group)
        part = copy.copy(table)
        for tr in part.find_all("tr"):
            for i, cell in enumerate(tr.find_all(["th", "td"], recursive=False)):
                if i not in keep:
                    cell.decompose()
        parts.append(part)
    return parts


def table_layout(units: int) -> tuple[str, ...]:
    """The CSS classes for a table this wide: () normal, ("compact",), ("landscape",) or
    ("landscape", "compact")."""
    if units <= capacity(NORMAL_PT, PORTRAIT_PT):
        return ()
    if units <= capacity(COMPACT_PT, PORTRAIT_PT):
        return ("compact",)
    if units <= capacity(LANDSCAPE_NORMAL_PT, LANDSCAPE_PT):
        return ("landscape",)
    return ("landscape", "compact")


def _is_blank(node) -> bool:
    from bs4 import NavigableString

    return isinstance(node, NavigableString) and not node.strip()


def _pull_lead_in(wrapper) -> None:
    """Move the heading (and up to two short paragraphs after it) that introduce a
    landscape table into its wrapper, so they print on the same page."""
    lead: list = []
    for node in wrapper.previous_siblings:
        if _is_blank(node) or getattr(node, "name", None) == "style":
            continue
        name = getattr(node, "name", None)
        if name in ("h1", "h2", "h3", "h4"):
            lead.append(node)
            break
        if name == "p" and len(lead) < 2 and display_width(node.get_text()) < 400:
            lead.append(node)
            continue
        return
    else:
        return
    for node in lead:  # nearest first: inserting each at 0 restores document order
        wrapper.insert(0, node.extract())


def _mark_numbers(table) -> None:
    for cell in table.find_all("td"):
        if _NUMBER.match(cell.get_text(" ", strip=True)):
            cell["class"] = [*cell.get("class", []), "num"]


_EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


def strip_external(soup) -> None:
    """Keep the document self-contained (e-mail, offline PDF): no scripts, frames or linked
    stylesheets, and no images or media fetched from elsewhere (their alt text stays)."""
    for tag in soup.find_all(["script", "link", "iframe", "object", "embed", "base"]):
        tag.decompose()
    for tag in soup.find_all(src=_EXTERNAL):
        tag.replace_with(tag.get("alt", ""))
    for tag in soup.find_all(href=_EXTERNAL):
        del tag["href"]  # the link text stays; an e-mail must not call out


def prepare_body(body: str, *, toc_levels: int = 2) -> tuple[str, list[TocEntry]]:
    """Give headings stable anchors (``sec-1``…) and collect h1…h``toc_levels`` for the
    contents; wrap every table for print; drop anything external. Returns the new HTML and
    the contents."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    strip_external(soup)
    for anchor in soup.select("a.anchor-link"):
        anchor.decompose()
    toc: list[TocEntry] = []
    for i, heading in enumerate(soup.find_all(["h1", "h2", "h3", "h4"]), start=1):
        heading["id"] = f"sec-{i}"
        level = int(heading.name[1])
        text = heading.get_text(" ", strip=True)
        if level <= toc_levels and text:
            toc.append(TocEntry(level, text, heading["id"]))
    for table in soup.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        _mark_numbers(table)
        parts = split_wide_table(table)
        if len(parts) > 1:
            for part in reversed(parts):
                table.insert_after(part)
            table.decompose()
        widest = table_layout(max(table_width_units(part) for part in parts))
        for i, part in enumerate(parts):
            classes = widest
            if i:
                classes = (*classes, "continued")
            wrapper = soup.new_tag("div", attrs={"class": " ".join(["kpi-table", *classes])})
            part.wrap(wrapper)
            if "landscape" in classes and not i:
                _pull_lead_in(wrapper)
    return str(soup), toc
