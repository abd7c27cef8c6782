"""The suite's staff survey template (调研) → ``survey``.

编号 | 团队 | 问题 | 评分 | 意见 (English headers accepted). ``respondent`` is an anonymous
code (R01...); ``score`` a Likert answer 1–5. A name column (姓名/Name) or an employee ID a
client adds is never read, so answers stay anonymous; the file info says it was dropped.
"""
from __future__ import annotations

import pandas as pd

from kpi_lib.errors import SourceError
from kpi_lib.readers import text as rt
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources._template import TemplateAdapter
from kpi_lib.sources.base import SourceContext, register


@register
class Survey(TemplateAdapter):
    type_id = "survey"
    title = "staff survey template (调研)"

    def shape(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], ctx: SourceContext):
        out = lines.copy()
        sh.require_values(raw, out, ["respondent", "question"], headers)
        score = out["score"]
        bad = score.notna() & ~(score.between(1, 5) & (score == score.round()))
        if bad.any():
            position = int(bad.to_numpy().nonzero()[0][0])
            raise SourceError("a score is outside the 1–5 scale", file=raw.path, row=raw.file_row(position),
                              column=headers["score"], expected="a whole number from 1 to 5",
                              found=raw.frame[headers["score"]].iloc[position], fix="correct the score")
        identifying = {rt.normalize_header(h) for h in sh.alias_extras(self.type_id)["identifying_headers"]}
        dropped = [str(c) for c in raw.frame.columns if rt.normalize_header(c) in identifying]
        warnings = [f"column(s) {', '.join(dropped)} identify respondents and were not read"] if dropped else []
        return out, warnings
