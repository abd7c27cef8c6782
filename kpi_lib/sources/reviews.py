"""The suite's review-log template (评价记录) → ``reviews``.

评价ID | 市场 | 店铺 | ASIN | SKU | 星级 | 评价时间 | 回复时间 (English headers accepted), as
an ERP's review module (领星 评价管理) exports them or as the CS team keeps them.
Definitions:

* ``rating``: stars, 1–5 (``4.0``, ``4星`` and ``★★★★`` are read as 4);
* ``reviewed_at`` / ``responded_at``: UTC; times without an offset are the marketplace's
  local time (US: Los Angeles, JP: Tokyo) unless the source option ``timezone`` names the
  zone the sheet is in (an ERP in China prints Beijing time: ``timezone: Asia/Shanghai``);
  a blank 回复时间 means not answered;
* ``review_date``: the market-local day of ``reviewed_at``;
* ``response_hours`` = responded_at − reviewed_at, in hours.

Reviewer names and review text are not read (personal data, and not needed by any KPI).
"""
from __future__ import annotations

import re

import pandas as pd

from kpi_lib.errors import SourceError
from kpi_lib.readers import text as rt
from kpi_lib.readers import values as rv
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources._template import TemplateAdapter
from kpi_lib.sources.base import SourceContext, register

EXTRAS = ()
_STARS = re.compile(r"^\s*([1-5])(?:\.0+)?\s*(?:星|stars?|つ星)?\s*$", re.I)


@register
class Reviews(TemplateAdapter):
    type_id = "reviews"
    title = "review log template (评价记录)"

    def shape(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], ctx: SourceContext):
        out = lines.copy()
        sh.require_values(raw, out, ["market", "rating", "reviewed_at"], headers)
        out["market"] = sh.market_ids(raw, lines["market"], headers["market"])
        out["rating"] = stars(raw, lines["rating"], headers["rating"])
        zone = ctx.options.get("timezone")
        for field in ("reviewed_at", "responded_at"):
            if field in lines.columns:
                out[field] = sh.relocalize(lines[field], raw.frame[headers[field]], out["market"], ctx, zone=zone)
        local = sh.local_dates(out["reviewed_at"], out["market"], ctx)
        out["review_date"] = local
        if "responded_at" in out.columns:
            out["response_hours"] = (out["responded_at"] - out["reviewed_at"]).dt.total_seconds() / 3600.0
        early = int((out.get("response_hours", pd.Series(dtype=float)) < 0).sum())
        warnings = [f"{early} review(s) answered before they were posted (check the time zone option)"] if early else []
        return out, warnings

    def period_of(self, out: pd.DataFrame) -> str | None:
        return sh.period_label(out["review_date"])


def stars(raw: rt.RawTable, cells: pd.Series, header: str) -> pd.Series:
    """Star ratings 1–5 from ``4``, ``4.0``, ``4星``, ``4 stars`` or ``★★★★``."""
    text = rv.clean_text(cells)
    text = text.mask(text.isin(rv.MISSING_MARKERS))
    counted = text.str.count("★").where(text.str.contains("★", regex=False).fillna(False).astype(bool))
    number = text.str.extract(_STARS, expand=False).astype("Float64")
    out = counted.astype("Float64").fillna(number)
    bad = text.notna() & out.isna()
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise SourceError("star rating not recognised", file=raw.path, row=raw.file_row(position), column=header,
                          expected="a whole number of stars from 1 to 5 (4, 4星, ★★★★)", found=cells.iloc[position],
                          fix="write the rating as a number from 1 to 5")
    return out.astype("float64")
