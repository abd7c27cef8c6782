"""Report texts in the client's language (zh default, en available), kept as data.

Notebooks show narrative through :func:`md` so one notebook serves both languages.
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

TEXTS_FILE = Path(__file__).resolve().parent / "defaults" / "texts.yaml"


@functools.cache
def _catalogue() -> dict:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def text(key: str, language: str = "zh", **values: object) -> str:
    """The text ``stage.key`` in ``language`` (falls back to zh), formatted with ``values``."""
    node = _catalogue()
    for part in key.split("."):
        node = node[part]
    template = node.get(language) or node["zh"]
    return template.format(**values) if values else template


def md(key: str, language: str = "zh", **values: object):
    """Display the text as Markdown in a notebook (and return it for tests)."""
    from IPython.display import Markdown, display

    content = text(key, language, **values)
    display(Markdown(content))
    return content


def label(name: str, language: str = "zh") -> str:
    """The display label of a report column (the name itself when none is declared)."""
    spec = _catalogue().get("columns", {}).get(name)
    return (spec.get(language) or spec["zh"]) if spec else name


def localized(frame, language: str = "zh"):
    """A copy of ``frame`` with column (and column-level) names as report labels, blanks as —."""
    out = frame.rename(columns=lambda c: label(c, language) if isinstance(c, str) else c)
    out.columns.names = [label(n, language) if isinstance(n, str) else n for n in out.columns.names]
    out.index.names = [label(n, language) if isinstance(n, str) else n for n in out.index.names]
    return out.astype(object).where(out.notna(), "—") if len(out) else out
