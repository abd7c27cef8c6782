"""ERP buyer-message log → ``cs_messages`` (one row per buyer message).

Header (Chinese as the ERP writes it, English accepted): 消息ID | 店铺 | 站点 | 买家消息时间 |
回复时间 | 客服 | 是否需回复. Definitions:

* ``received_at`` / ``responded_at``: UTC; the log's times are Beijing time
  (Asia/Shanghai) unless the source option ``timezone`` says otherwise. A blank 回复时间
  means not answered (``responded_at`` blank).
* ``market`` from 站点 (美国/日本, US/JP), else the source's market.
* ``store`` from 店铺, else the source's store.
* ``needs_response`` (bool): 是/否 (Yes/No); blank = True, as Amazon counts a message
  unless it is marked "No response needed".
* ``response_hours`` = responded_at − received_at in hours (blank when not answered).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_lib.sources import _shaping as sh
from kpi_lib.sources.base import Adapter, ReadResult, SourceContext, register

DEFAULT_TIMEZONE = "Asia/Shanghai"
DATETIME_FORMATS = (None, "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M")
EXTRAS = ("message_id", "store", "needs_response", "response_hours")


@register
class CsMessages(Adapter):
    type_id = "cs_messages"
    title = "customer-service message log"
    # 站点 says the market per row; the source's market is only the fallback.
    needs_market = False
    # A Chinese ERP's CSV is GB18030 when not UTF-8; try it before cp932.
    encodings = ("utf-8", "gb18030", "cp932")

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        raw, layout = self.open(path, ctx)
        headers = sh.headers_of(raw, layout)
        formats = ctx.options.get("date_format") or DATETIME_FORMATS
        formats = [formats] if isinstance(formats, str) else list(formats)
        zone = ctx.options.get("timezone") or DEFAULT_TIMEZONE
        lines = self.extract(raw, layout, local_tz=zone, date_formats=formats,
                             required=sh.must_have(self.type_id, layout))
        out = lines.copy()
        market = (sh.market_ids(raw, lines["marketplace"], headers["marketplace"])
                  if "marketplace" in lines.columns else None)
        out["market"] = sh.fill_from_context(market, ctx.market, out.index)
        out["store"] = sh.fill_from_context(lines.get("store"), ctx.store, out.index)
        out["needs_response"] = needs_response(raw, lines, headers)
        out["response_hours"] = (out["responded_at"] - out["received_at"]).dt.total_seconds() / 3600.0
        sh.require_values(raw, out, ["received_at", "market"], headers, what="the time the buyer's message arrived",
                          config_fix={"market": "add a 站点 column or set `market:` on this source"})
        early = int((out["response_hours"] < 0).sum())
        warnings = [f"{early} message(s) answered before they arrived (check the time zone option)"] if early else []
        result = sh.finish("cs_messages", out, path, ctx, extras=EXTRAS)
        days = result["received_at"].dt.tz_convert(zone).dt.tz_localize(None)
        info = sh.file_info(self.type_id, path, ctx, raw, layout, result, period=sh.period_label(days),
                            warnings=warnings)
        return ReadResult({"cs_messages": result}, info)


def needs_response(raw, lines: pd.DataFrame, headers: dict[str, str]) -> pd.Series:
    """是/否 as booleans; a blank cell (or no column) means the message needs a response."""
    if "needs_response" not in lines.columns:
        return pd.Series(True, index=lines.index, dtype="bool")
    words = sh.vocabulary(sh.alias_extras("cs_messages")["needs_response"])
    mapped = sh.map_values(raw, lines["needs_response"], headers["needs_response"], words,
                           expected="是 or 否 (Yes or No)", fix="write 是 or 否 in this column")
    return mapped.map({"yes": True, "no": False}, na_action="ignore").fillna(True).astype("bool")
