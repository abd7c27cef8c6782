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
