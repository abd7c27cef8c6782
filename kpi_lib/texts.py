"""Report texts in the client's language (zh default, en available), kept as data.

Notebooks show narrative through :func:`md` so one notebook serves both languages.
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

DEFAULTS = Path(__file__).resolve().parent / "defaults"


@functools.cache
def _catalogue() -> dict:
    """All ``defaults/texts*.yaml`` files merged (one file per area keeps edits apart);
    a key defined twice is an error, not a silent override."""
    merged: dict = {}
    for path in sorted(DEFAULTS.glob("texts*.yaml")):
        for section, entries in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            target = merged.setdefault(section, {})
            clash = set(target) & set(entries)
            if clash:
                raise ValueError(f"{path.name}: text keys defined twice: {section}.{sorted(clash)[0]}")
            target.update(entries)
    return merged


def text(key: str, language: str = "zh", **values: object) -> str:
    """The text ``stage.key`` in ``language`` (falls back to zh), formatted with ``values``."""
    node = _catalogue()
    for part in key.split("."):
        node = node[part]
    template = node.get(language) or node["zh"]
    return template.format(**values) if values else template


def md(key: str, language: str = "zh", **values: object) -> None:
    """Display the text as Markdown in a notebook. Returns nothing, so a cell ending with
    ``md(...)`` does not print the text a second time as its value (use :func:`text` to
    get the string)."""
    from IPython.display import Markdown, display

    display(Markdown(text(key, language, **values)))


def label(name: str, language: str = "zh") -> str:
    """The display label of a report column (the name itself when none is declared)."""
    catalogue = _catalogue()
    # Column labels live in `columns` and in area sections named `<area>_columns`.
    for section in ["columns", *sorted(k for k in catalogue if k.endswith("_columns"))]:
        spec = catalogue[section].get(name) if section in catalogue else None
        if spec:
            return spec.get(language) or spec["zh"]
    return name


def localized(frame, language: str = "zh"):
    """A copy of ``frame`` with column (and column-level) names as report labels, blanks as —."""
    out = frame.rename(columns=lambda c: label(c, language) if isinstance(c, str) else c)
    out.columns.names = [label(n, language) if isinstance(n, str) else n for n in out.columns.names]
    out.index.names = [label(n, language) if isinstance(n, str) else n for n in out.index.names]
    return out.astype(object).where(out.notna(), "—") if len(out) else out
