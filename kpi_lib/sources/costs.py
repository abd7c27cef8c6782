"""The suite's unit-cost template (成本) → ``costs``.

SKU | 市场 | 采购成本 | 头程成本 | 币种 (English headers accepted). ``unit_cogs`` is the
purchase cost per unit and ``unit_first_leg`` the first-leg freight per unit, both in
``currency``; a blank 市场 means the cost applies to every market.
"""
from __future__ import annotations

import pandas as pd

from kpi_lib.errors import SourceError
from kpi_lib.readers import text as rt
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources._template import TemplateAdapter
from kpi_lib.sources.base import SourceContext, register


@register
class Costs(TemplateAdapter):
    type_id = "costs"
    title = "unit-cost template (成本)"

    def shape(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], ctx: SourceContext):
        out = lines.copy()
        warnings = []
        sh.require_values(raw, out, ["sku"], headers)
        if "market" in lines.columns:
            out["market"] = sh.market_ids(raw, lines["market"], headers["market"])
        if "currency" in lines.columns:
            out["currency"] = sh.currency_codes(raw, lines["currency"], headers["currency"])
            sh.require_values(raw, out, ["currency"], headers, what="a currency such as CNY")
        else:
            out["currency"] = sh.fill_from_context(None, ctx.currency, out.index)
            sh.require_values(raw, out, ["currency"], headers,
                              config_fix={"currency": "add a 币种 (Currency) column to the cost sheet"})
            warnings.append(f"no 币种 (Currency) column: costs taken as {ctx.currency} (the client's base currency)")
        for name in ("unit_cogs", "unit_first_leg"):
            negative = out[name] < 0
            if negative.any():
                position = int(negative.to_numpy().nonzero()[0][0])
                raise SourceError("a unit cost is negative", file=raw.path, row=raw.file_row(position),
                                  column=headers[name], expected="a cost of 0 or more",
                                  found=raw.frame[headers[name]].iloc[position], fix="correct the cost")
        return out, warnings
