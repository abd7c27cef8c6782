"""The metric registry: each metric declared once, as data (``defaults/metrics.yaml``)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kpi_lib.errors import ConfigError, did_you_mean

REGISTRY_FILE = Path(__file__).resolve().parent.parent / "defaults" / "metrics.yaml"
UNITS = {"currency", "ratio", "multiple", "count", "days", "hours"}
DIRECTIONS = {"higher", "lower", "band"}


@dataclass(frozen=True)
class Metric:
    """One KPI: how it is named, measured and judged."""

    id: str
    names: dict[str, str]
    unit: str
    direction: str
    tables: tuple[str, ...]
    roles: tuple[str, ...]
    formula: str
    notes: str = ""
    band: tuple[float, float] | None = None
    extra: dict = field(default_factory=dict)

    def name(self, language: str = "zh") -> str:
        """Display name in zh / en / ja (falls back to English)."""
        return self.names.get(language) or self.names["en"]


@functools.cache
def metrics() -> dict[str, Metric]:
    """All registered metrics by id (read once; the registry file ships in the package)."""
    data = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    out = {}
    for mid, spec in data.items():
        if spec["unit"] not in UNITS or spec["direction"] not in DIRECTIONS:
            raise ValueError(f"{REGISTRY_FILE}: metric {mid}: bad unit or direction")
        if not {"zh", "en", "ja"} <= set(spec["names"]):
            raise ValueError(f"{REGISTRY_FILE}: metric {mid}: names need zh, en and ja")
        band = spec.get("band")
        if spec["direction"] == "band" and not band:
            raise ValueError(f"{REGISTRY_FILE}: band metric {mid} has no band")
        out[mid] = Metric(
            id=mid, names=dict(spec["names"]), unit=spec["unit"], direction=spec["direction"],
            tables=tuple(spec.get("tables", [])), roles=tuple(spec.get("roles", [])),
            formula=spec["formula"], notes=spec.get("notes", ""),
            band=(float(band["low"]), float(band["high"])) if band else None)
    return out


def get_metric(metric_id: str) -> Metric:
    """The metric with this id; a ConfigError with the closest valid id otherwise."""
    registry = metrics()
    if metric_id not in registry:
        guess = did_you_mean(metric_id, registry)
        raise ConfigError(f"unknown metric id {metric_id!r}",
                          fix=f"did you mean {guess!r}?" if guess else "see docs/metrics.md for the valid ids")
    return registry[metric_id]
