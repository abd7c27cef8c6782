"""The suite's ownership template (负责范围) → ``ownership``.

工号 | 市场 | 店铺 | 范围类型 | 范围 | 生效日期 | 失效日期 (English headers accepted).
``scope`` is store / sku / asin / campaign (店铺/SKU/ASIN/广告活动); ``pattern`` an exact
value or a shell wildcard (``KIT-*``); a blank 失效日期 means open-ended.
"""
from __future__ import annotations

import pandas as pd

from kpi_lib.readers import text as rt
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources._template import TemplateAdapter, ordered_dates
from kpi_lib.sources.base import SourceContext, register


@register
class Ownership(TemplateAdapter):
    type_id = "ownership"
    title = "ownership template (负责范围)"

    def shape(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], ctx: SourceContext):
        out = lines.copy()
        sh.require_values(raw, out, ["person_id", "market", "scope", "pattern", "from_date"], headers)
        out["market"] = sh.market_ids(raw, lines["market"], headers["market"])
        out["scope"] = self.translate(raw, lines, headers, "scope", "scope", "店铺, SKU, ASIN or 广告活动 (store, sku, asin, campaign)")
        if "to_date" in lines.columns:
            ordered_dates(raw, lines["from_date"], lines["to_date"], headers["to_date"])
        return out, []
