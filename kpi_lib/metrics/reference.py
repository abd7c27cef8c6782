"""The generated metric reference (docs/metrics.md), from the registry alone."""
from __future__ import annotations

from pathlib import Path

from kpi_lib.metrics.registry import metrics

DIRECTION_TEXT = {"higher": "higher is better", "lower": "lower is better", "band": "inside {low:g}–{high:g}"}


def markdown() -> str:
    """A markdown table of every metric: id, names zh/en/ja, unit, direction, tables, roles, formula."""
    lines = ["# Metric reference", "",
             "Generated from `kpi_lib/defaults/metrics.yaml` by `python -m kpi_lib.metrics.reference`; do not edit by hand.",
             "", "| id | 中文 | English | 日本語 | unit | direction | tables | roles | definition | US vs JP |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for m in metrics().values():
        direction = DIRECTION_TEXT[m.direction]
        if m.band:
            direction = direction.format(low=m.band[0], high=m.band[1])
        cells = [f"`{m.id}`", m.names["zh"], m.names["en"], m.names["ja"], m.unit, direction,
                 ", ".join(m.tables), ", ".join(m.roles), m.formula, m.notes]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def write(path: Path) -> None:
    Path(path).write_text(markdown(), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    write(Path(__file__).resolve().parents[2] / "docs" / "metrics.md")
