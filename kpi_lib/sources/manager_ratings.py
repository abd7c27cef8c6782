"""The suite's manager-rating template (主管评级) → ``manager_ratings``.

工号 | 月份 | 主管评级 | 评价人 | 评语 (English headers accepted: Employee ID | Month |
Manager rating | Rater | Comment). One row per employee and month:

* ``month``: YYYY-MM (``2026-10``, ``2026/10``, ``2026年10月`` or an Excel date in the month);
* ``rating``: the manager's letter, S / A / B / C / D (``a`` and ``A级`` are read as A);
  any other value is an error naming its row;
* ``rater`` / ``comment``: free text, optional.

The monthly retro compares these ratings with the metric scores
(:func:`kpi_lib.retro.anomalies.rating_mismatches`).
"""
from __future__ import annotations

import pandas as pd

from kpi_lib.readers import text as rt
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources._template import TemplateAdapter, no_duplicates
from kpi_lib.sources.base import SourceContext, register


@register
class ManagerRatings(TemplateAdapter):
    type_id = "manager_ratings"
    title = "manager rating template (主管评级)"

    def shape(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], ctx: SourceContext):
        out = lines.copy()
        sh.require_values(raw, out, ["person_id", "month", "rating"], headers)
        out["month"] = sh.months(raw, lines["month"], headers["month"])
        out["rating"] = self.translate(raw, lines, headers, "rating", "rating", "S, A, B, C or D")
        no_duplicates(raw, out["person_id"].astype("string") + " " + out["month"], headers["person_id"],
                      "employee and month")
        return out, []

    def period_of(self, out: pd.DataFrame) -> str | None:
        return sh.month_label(out["month"])
