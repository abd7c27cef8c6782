"""领星 LingXing ERP exports → ``profit``, ``orders``, ``inventory`` and ``ads``
(REPORT_FORMATS.md §7.1). XLSX with Chinese headers; one adapter, one layout per report.

The files say their market (国家 美国/日本, or the store-name suffix after the last ``-``:
``tangliuquan-US``) and store (店铺), so the source needs no ``market``.

* 利润报表-MSKU → ``profit`` per MSKU × month. ``month`` from a 月份/结算时间 column, else
  the source's ``period``, else a YYYY-MM in the path. revenue = 销售额, cogs = 采购成本,
  freight = 头程成本, ad_cost = 广告费, fees = 平台费 + FBA发货费 + the other fee columns
  present (see ``fee_groups`` in the alias table: a total column is used instead of its
  parts, never with them), gross_profit = 毛利润 as LingXing states it. LingXing shows
  costs as negative amounts; they are stored as positive costs (``refunds`` too), so
  gross_profit = revenue − refunds − fees − ad_cost − cogs − freight (− other costs).
  ``owner`` = 负责人, ``developer`` = 产品开发负责人.
* 订单导出 → ``orders`` (platform amazon): ``ordered_at`` from 订购日期 read as the
  marketplace's local time (source option ``timezone`` overrides).
* Listing…_YYYYMMDD → ``inventory`` at the date in the file name: available = FBA可售,
  inbound = FBA计划入库 + FBA标发在途 + FBA入库中, days_of_supply = FBA可售 ÷ (30日销量 ÷ 30)
  in days (blank without 30-day sales).
* 广告活动报告 / 推广商品报告 / 用户搜索报告 (and the other ad reports) → ``ads``; money in
  the ``-本币`` (local currency) columns; ``--``, ``有花费无销售额``, ``有花费无订单`` are blanks.
  The period comes from a 日期 / 开始日期+结束日期 column, a ``YYYYMMDD-YYYYMMDD`` range in
  the file name, the source's ``period`` or a YYYY-MM in the path.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kpi_lib.errors import SourceError
from kpi_lib.readers import text as rt
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources.base import (Adapter, Layout, ReadResult, SourceContext, period_bounds,
                                  period_from_path, register)

_RANGE_IN_NAME = re.compile(r"(20\d{2})-?(\d{2})-?(\d{2})\s*(?:-|_|~|至|到)\s*(20\d{2})-?(\d{2})-?(\d{2})")

ORDER_EXTRAS = ("status_raw", "local_sku", "fulfillment")
ADS_EXTRAS = ("ad_type", "portfolio", "keyword", "match_type", "targeting", "search_term", "placement",
              "ad_status", "budget", "direct_sales", "indirect_sales", "direct_orders", "indirect_orders",
              "attributed_units")
LISTING_EXTRAS = ("local_sku", "fnsku", "parent_asin", "listing_status", "reserved", "inbound_planned",
                  "inbound_shipped", "inbound_receiving", "unfulfillable", "fbm_stock", "units_7d", "units_30d")
PROFIT_EXTRAS = ("owner", "developer", "units", "refunds", "other_cost", "gross_margin", "local_sku",
                 "parent_asin", "product_name")


@register
class Lingxing(Adapter):
    type_id = "lingxing"
    title = "LingXing (领星) export"
    platform = "amazon"
    needs_market = False
    encodings = ("utf-8", "gb18030", "cp932")

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        raw, layout = self.open(path, ctx)
        reader = {"orders": self._orders, "ads": self._ads, "inventory": self._listing,
                  "profit": self._profit}[layout.table]
        frame, period, warnings = reader(path, raw, layout, ctx)
        out = sh.finish(layout.table, frame, path, ctx, extras=_EXTRAS[layout.table])
        info = sh.file_info(self.type_id, path, ctx, raw, layout, out, period=period, warnings=warnings)
        return ReadResult({layout.table: out}, info)

    # -- 订单导出 ---------------------------------------------------------------------
    def _orders(self, path: Path, raw: rt.RawTable, layout: Layout, ctx: SourceContext):
        headers = sh.headers_of(raw, layout)
        formats = _formats(ctx)
        # Parsed as UTC wall-clock first, then re-read in each row's own market zone.
        lines = self.extract(raw, layout, local_tz="UTC", date_formats=formats,
                             required=sh.must_have(self.type_id, layout))
        out = lines.copy()
        out["market"] = _markets(raw, lines, headers, ctx)
        out["ordered_at"] = sh.relocalize(lines["ordered_at"], raw.frame[headers["ordered_at"]], out["market"],
                                          ctx, zone=ctx.options.get("timezone"))
        out["order_date"] = sh.local_dates(out["ordered_at"], out["market"], ctx)
        out["status_raw"] = lines["status"]
        out["status"], unknown = sh.order_status(lines["status"])
        out["platform"] = ctx.options.get("platform") or "amazon"
        out["currency"] = _currency(raw, lines, headers, out["market"], ctx)
        sh.require_values(raw, out, ["order_id", "store", "quantity", "ordered_at", "currency"], headers)
        warnings = [f"order status(es) not in the vocabulary, kept as written: {', '.join(unknown)}"] if unknown else []
        return out, sh.period_label(out["order_date"]), warnings

    # -- ads reports ----------------------------------------------------------------
    def _ads(self, path: Path, raw: rt.RawTable, layout: Layout, ctx: SourceContext):
        headers = sh.headers_of(raw, layout)
        lines = self.extract(raw, layout, date_formats=_formats(ctx))
        out = lines.copy()
        out["market"] = _markets(raw, lines, headers, ctx)
        out["currency"] = _currency(raw, lines, headers, out["market"], ctx)
        start, end = _ads_period(path, raw, lines, ctx)
        out["period_start"], out["period_end"] = start, end
        sh.require_values(raw, out, ["store", "period_start", "period_end", "currency"], headers,
                          config_fix={"period_start": "set `period: YYYY-MM` on this source (the file has no dates)"})
        return out, sh.period_label(out["period_start"]), []

    # -- Listing ----------------------------------------------------------------------
    def _listing(self, path: Path, raw: rt.RawTable, layout: Layout, ctx: SourceContext):
        headers = sh.headers_of(raw, layout)
        lines = self.extract(raw, layout)
        snapshot = sh.date_in_name(path)
        if snapshot is None and ctx.options.get("snapshot_date"):
            snapshot = pd.Timestamp(str(ctx.options["snapshot_date"]))
        if snapshot is None:
            raise SourceError(
                "the listing export's file name has no snapshot date", file=path,
                expected="a file name ending in _YYYYMMDD, as LingXing names it (Listing_20261031.xlsx)",
                fix="keep LingXing's file name, or set `options: {snapshot_date: 2026-10-31}` on this source")
        out = lines.copy()
        out["market"] = _markets(raw, lines, headers, ctx)
        out["snapshot_date"] = pd.Series(snapshot, index=out.index, dtype="datetime64[ns]")
        out["inbound"] = sh.sum_present(lines, ["inbound_planned", "inbound_shipped", "inbound_receiving"])
        out["days_of_supply"] = days_of_supply(lines["available"], lines.get("units_30d"))
        sh.require_values(raw, out, ["store", "sku"], headers)
        return out, snapshot.strftime("%Y-%m"), []

    # -- 利润报表 -----------------------------------------------------------------------
    def _profit(self, path: Path, raw: rt.RawTable, layout: Layout, ctx: SourceContext):
        headers = sh.headers_of(raw, layout)
        lines = self.extract(raw, layout, percent_bare="fraction", required=sh.must_have(self.type_id, layout))
        out = lines.copy()
        out["market"] = _markets(raw, lines, headers, ctx)
        out["currency"] = _currency(raw, lines, headers, out["market"], ctx)
        fallback = ctx.period or period_from_path(path)
        month = sh.months(raw, lines["month"], headers["month"]) if "month" in lines.columns else None
        out["month"] = sh.fill_from_context(month, fallback, out.index)
        extras = sh.alias_extras(self.type_id)
        costs, sign_warning = positive_costs(lines, extras["cost_columns"], ctx.options.get("costs_negative"))
        out[costs.columns] = costs
        out["fees"] = fees(costs, extras["fee_groups"])
        sh.require_values(raw, out, ["store", "month", "currency"], headers,
                          config_fix={"month": "set `period: YYYY-MM` on this source, or put the month in the folder or file name"})
        warnings = [sign_warning] if sign_warning else []
        return out, sh.month_label(out["month"]), warnings


_EXTRAS = {"orders": ORDER_EXTRAS, "ads": ADS_EXTRAS, "inventory": LISTING_EXTRAS, "profit": PROFIT_EXTRAS}


def _formats(ctx: SourceContext) -> list | None:
    formats = ctx.options.get("date_format")
    return [formats] if isinstance(formats, str) else (list(formats) if formats else None)


def _markets(raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], ctx: SourceContext) -> pd.Series:
    """Market per row: 国家/站点, else the store-name suffix, else the source's market."""
    market = sh.market_ids(raw, lines["market"], headers["market"]) if "market" in lines.columns else None
    from_store = sh.market_from_store(lines["store"]) if "store" in lines.columns else None
    out = sh.fill_from_context(market, None, lines.index)
    if from_store is not None:
        out = out.fillna(from_store)
    out = out.fillna(ctx.market) if ctx.market else out
    sh.require_values(raw, pd.DataFrame({"market": out}), ["market"], {},
                      config_fix={"market": "add a 国家 column, keep the site suffix in the store name "
                                            "(tangliuquan-US), or set `market:` on this source"})
    return out


def _currency(raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], markets: pd.Series,
              ctx: SourceContext) -> pd.Series:
    """币种 where the file has it, else the currency of each row's market."""
    stated = sh.currency_codes(raw, lines["currency"], headers["currency"]) if "currency" in lines.columns else None
    by_market = markets.map(lambda m: sh.market_currency(m, ctx), na_action="ignore").astype("string")
    return sh.fill_from_context(stated, None, lines.index).fillna(by_market)


def _ads_period(path: Path, raw: rt.RawTable, lines: pd.DataFrame, ctx: SourceContext) -> tuple[pd.Series, pd.Series]:
    """(period_start, period_end) per row, from the file's dates, its name, or the config."""
    index = lines.index
    start = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    end = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if "date" in lines.columns:
        start, end = start.fillna(lines["date"]), end.fillna(lines["date"])
    if "start_date" in lines.columns:
        start = start.fillna(lines["start_date"])
    if "end_date" in lines.columns:
        end = end.fillna(lines["end_date"])
    m = _RANGE_IN_NAME.search(Path(path).name)
    if m:
        start = start.fillna(pd.Timestamp(int(m[1]), int(m[2]), int(m[3])))
        end = end.fillna(pd.Timestamp(int(m[4]), int(m[5]), int(m[6])))
    period = ctx.period or period_from_path(path)
    if period:
        first, last = period_bounds(period)
        start, end = start.fillna(first), end.fillna(last)
    return start.astype("datetime64[ns]"), end.astype("datetime64[ns]")


def days_of_supply(available: pd.Series, units_30d: pd.Series | None) -> pd.Series:
    """Days the sellable stock lasts at the last 30 days' pace: available ÷ (units_30d ÷ 30)."""
    if units_30d is None:
        return pd.Series(float("nan"), index=available.index, dtype="float64")
    daily = units_30d / 30.0
    return (available / daily.where(daily > 0)).astype("float64")


def positive_costs(lines: pd.DataFrame, columns: list[str], forced: bool | None) -> tuple[pd.DataFrame, str | None]:
    """The cost columns present, as positive costs, and a warning when the sign was a guess.

    LingXing exports costs as negative amounts (平台费 -15.00). The file's convention is
    the majority sign of its non-zero cost cells, unless the source option
    ``costs_negative`` says it; a cost refund then shows as a negative cost.
    """
    present = [c for c in columns if c in lines.columns]
    costs = lines[present].astype("float64")
    values = costs.to_numpy().ravel()
    negative, positive = int((values < 0).sum()), int((values > 0).sum())
    flip = negative > positive if forced is None else bool(forced)
    warning = None
    if forced is None and min(negative, positive) > 0.2 * max(negative, positive):
        warning = (f"cost columns mix signs ({negative} negative, {positive} positive cells); read as "
                   f"{'negative' if flip else 'positive'} = cost. Set options.costs_negative to say which")
    # + 0.0 turns the -0.0 of a negated zero into 0.0.
    return ((-costs + 0.0) if flip else costs), warning


def fees(costs: pd.DataFrame, groups: list[dict]) -> pd.Series:
    """Sum of the fee groups: each group's total column if present, else its parts' sum."""
    parts = []
    for group in groups:
        total = group.get("total")
        if total and total in costs.columns:
            parts.append(costs[total])
        else:
            parts.append(sh.sum_present(costs, group.get("parts", [])))
    return pd.concat(parts, axis=1).sum(axis=1, min_count=1).astype("float64")
