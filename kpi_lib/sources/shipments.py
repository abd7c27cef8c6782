"""The suite's FBA inbound-shipment template (FBA入仓货件) → ``shipments``.

货件编号 | 市场 | 店铺 | SKU | 发货数量 | 发货日期 | 预约开始 | 预约结束 | 到仓日期 | 头程运费 | 币种
(English headers accepted): one row per shipment × SKU. Dates are the marketplace's local
days. The delivery appointment window (预约开始 … 预约结束; JP FCs enforce 納品予約
strictly) decides on-time: a shipment is on time when it arrived within the window. A
blank 到仓日期 means not delivered yet. 头程运费 is the line's first-leg freight in 币种
(blank 币种: the client's base currency).
"""
from __future__ import annotations

import pandas as pd

from kpi_lib.errors import SourceError
from kpi_lib.readers import text as rt
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources._template import TemplateAdapter, ordered_dates
from kpi_lib.sources.base import SourceContext, register


@register
class Shipments(TemplateAdapter):
    type_id = "shipments"
    title = "FBA inbound-shipment template (FBA入仓货件)"

    def shape(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], ctx: SourceContext):
        out = lines.copy()
        sh.require_values(raw, out, ["shipment_id", "market", "ship_date", "appointment_end"], headers)
        out["market"] = sh.market_ids(raw, lines["market"], headers["market"])
        if "appointment_start" in lines.columns:
            ordered_dates(raw, lines["appointment_start"], lines["appointment_end"], headers["appointment_end"])
        ordered_dates(raw, lines["ship_date"], lines["appointment_end"], headers["appointment_end"])
        warnings = []
        stated = sh.currency_codes(raw, lines["currency"], headers["currency"]) if "currency" in lines.columns else None
        out["currency"] = sh.fill_from_context(stated, ctx.currency, out.index)
        if stated is None or stated.isna().any():
            warnings.append(f"freight without 币种 (Currency) taken as {ctx.currency} (the client's base currency)")
        if "units_shipped" in lines.columns and (lines["units_shipped"] < 0).any():
            position = int((lines["units_shipped"] < 0).to_numpy().nonzero()[0][0])
            raise SourceError("a shipped quantity is negative", file=raw.path, row=raw.file_row(position),
                              column=headers["units_shipped"], expected="0 or more units",
                              found=raw.frame[headers["units_shipped"]].iloc[position], fix="correct the quantity")
        return out, warnings

    def period_of(self, out: pd.DataFrame) -> str | None:
        return sh.period_label(out["appointment_end"])
