"""The suite's listing change-log template (Listing修改记录) → ``listing_changes``.

日期 | 市场 | 店铺 | ASIN | SKU | 修改类型 | 操作人 (English headers accepted): one row per
change shipped to a live listing — main or secondary images, title, bullet points, A+
content, video, keywords. ``changed_by`` is the employee ID (工号) of who made it.
"""
from __future__ import annotations

import pandas as pd

from kpi_lib.readers import text as rt
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources._template import TemplateAdapter
from kpi_lib.sources.base import SourceContext, register


@register
class ListingChanges(TemplateAdapter):
    type_id = "listing_changes"
    title = "listing change-log template (Listing修改记录)"

    def shape(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], ctx: SourceContext):
        out = lines.copy()
        sh.require_values(raw, out, ["change_date", "market"], headers)
        out["market"] = sh.market_ids(raw, lines["market"], headers["market"])
        if "change_type" in lines.columns:
            out["change_type"] = self.translate(raw, lines, headers, "change_type", "change_type",
                                                "主图, 附图, 标题, 五点描述, A+, 视频, 关键词 or 其他")
        return out, []

    def period_of(self, out: pd.DataFrame) -> str | None:
        return sh.period_label(out["change_date"])
