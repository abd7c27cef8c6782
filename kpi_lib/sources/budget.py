"""The suite's budget template (预算) → ``budget``.

月份 | 市场 | 店铺 | 指标 | 金额 | 币种 (English headers accepted). ``month`` YYYY-MM (an
Excel date becomes its month); ``measure`` gmv / net_profit / ad_spend (销售额 / 净利润 /
广告费); ``amount`` in ``currency``; a blank 店铺 means the whole market.
"""
from __future__ import annotations

import pandas as pd

from kpi_lib.readers import text as rt
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources._template import TemplateAdapter
from kpi_lib.sources.base import SourceContext, register


@register
class Budget(TemplateAdapter):
    type_id = "budget"
    title = "budget template (预算)"

    def shape(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], ctx: SourceContext):
        out = lines.copy()
        sh.require_values(raw, out, ["month", "market", "measure", "amount"], headers)
        out["month"] = sh.months(raw, lines["month"], headers["month"])
        out["market"] = sh.market_ids(raw, lines["market"], headers["market"])
        out["measure"] = self.translate(raw, lines, headers, "measure", "measure",
                                        "销售额, 净利润 or 广告费 (GMV, Net profit, Ad spend)")
        stated = sh.currency_codes(raw, lines["currency"], headers["currency"]) if "currency" in lines.columns else None
        out["currency"] = sh.fill_from_context(stated, None, out.index)
        # Without a currency, a budget line is in the market's own currency (USD for US, JPY for JP).
        blank = out["currency"].isna()
        out["currency"] = out["currency"].fillna(out["market"].map(lambda m: sh.market_currency(m, ctx)).astype("string"))
        sh.require_values(raw, out, ["currency"], headers, what="a currency such as USD",
                          config_fix={"currency": "fill in the 币种 (Currency) column"})
        warnings = [f"{int(blank.sum())} line(s) without 币种 (Currency) taken in their market's currency"] if blank.any() else []
        return out, warnings

    def period_of(self, out: pd.DataFrame) -> str | None:
        return sh.month_label(out["month"])
