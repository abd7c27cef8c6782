"""Key figures a notebook records for the runner (``results.json`` in its output folder).

A JSON sidecar instead of scrapbook (unmaintained) or papermill's removed ``record``: easy to
test and diff, and it works outside Jupyter too.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

RESULTS_FILE = "results.json"


def _plain(value: object) -> object:
    """Numbers, strings, lists and dicts JSON can hold (numpy/pandas scalars unwrapped)."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def save_results(output_dir: str | Path | None, **figures: object) -> Path | None:
    """Merge ``figures`` into ``<output_dir>/results.json`` (nothing when output_dir is empty)."""
    if not output_dir:
        return None
    path = Path(output_dir) / RESULTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    current.update(_plain(figures))
    path.write_text(json.dumps(current, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    return path


def load_results(folder: str | Path) -> dict:
    path = Path(folder) / RESULTS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
