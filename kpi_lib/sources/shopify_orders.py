"""Shopify admin "Export orders" CSV → ``orders`` (REPORT_FORMATS.md §5).

One row per line item. Order-level fields (Financial Status, Paid at, Subtotal,
Shipping, Taxes, Total, Discount Amount, Currency, Cancelled at, Refunded Amount...) are
only filled on an order's first row, so they are taken per ``Name`` as the first
non-blank value. Definitions:

* ``item_sales`` = Lineitem quantity × Lineitem price − Lineitem discount (when the
  export has that column), in the order's ``Currency``. Shopify prices include tax only
  when the store is set to "prices include tax"; the export does not say which.
* ``order_total``, ``order_subtotal``, ``order_shipping``, ``order_taxes``,
  ``order_discount``, ``refunded_amount``: order-level amounts, on the order's first
  line only (blank on its other lines), so summing a column never counts an order twice.
* ``status`` (the Amazon adapter's lower-case words): cancelled (Cancelled at set, or
  payment voided), refunded, partially refunded, pending (not paid yet), else by
  fulfilment: shipped, partially shipped or unshipped.
* ``ordered_at`` from ``Created at`` (which carries its offset, e.g. ``+0200``);
  ``order_date`` is that moment's day in the market's zone.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib.sources import _shaping as sh
from kpi_lib.sources.base import Adapter, ReadResult, SourceContext, register

DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S %z", None)
ORDER_AMOUNTS = ("order_subtotal", "order_shipping", "order_taxes", "order_total", "order_discount",
                 "refunded_amount")
ORDER_FIELDS = ("financial_status", "paid_at", "fulfillment_status", "fulfilled_at", "currency",
                "discount_code", "ordered_at", "cancelled_at", "shopify_order_id", "sales_channel")
EXTRAS = ("product_name", "unit_price", "line_discount", "financial_status", "fulfillment_status",
          "paid_at", "cancelled_at", "shopify_order_id", *ORDER_AMOUNTS)


@register
class ShopifyOrders(Adapter):
    type_id = "shopify_orders"
    title = "Shopify orders export"
    platform = "shopify"
    encodings = ("utf-8", "gb18030", "cp932")

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        raw, layout = self.open(path, ctx)
        formats = ctx.options.get("date_format") or DATETIME_FORMATS
        formats = [formats] if isinstance(formats, str) else list(formats)
        lines = self.extract(raw, layout, local_tz=sh.market_zone(ctx.market, ctx), date_formats=formats,
                             required=sh.must_have(self.type_id, layout))
        headers = sh.headers_of(raw, layout)
        sh.require_values(raw, lines, ["order_id"], headers, what="the order name, e.g. #1001")
        frame = shape_orders(lines, ctx)
        sh.require_values(raw, frame, ["ordered_at", "quantity", "currency"], headers,
                          what="a value on the order's first row",
                          config_fix={"currency": "set `currency` for this market in the client config"})
        out = sh.finish("orders", frame, path, ctx, extras=EXTRAS)
        info = sh.file_info(self.type_id, path, ctx, raw, layout, out, period=sh.period_label(out["order_date"]))
        return ReadResult({"orders": out}, info)


def shape_orders(lines: pd.DataFrame, ctx: SourceContext) -> pd.DataFrame:
    """Canonical order lines from the extracted export columns (a new frame)."""
    keys = lines["order_id"]
    out = lines.copy()
    for name in ORDER_FIELDS:
        if name in out.columns:
            out[name] = sh.group_first(out[name], keys)
    first = sh.first_of_group(keys)
    for name in ORDER_AMOUNTS:
        if name in out.columns:
            # Order-level amounts live on the first line only; never repeat them per line.
            out[name] = sh.group_first(out[name], keys).where(first)
    discount = out["line_discount"].fillna(0.0) if "line_discount" in out.columns else 0.0
    out["item_sales"] = out["quantity"] * out["unit_price"] - discount
    out["market"] = sh.fill_from_context(None, ctx.market, out.index)
    out["store"] = sh.fill_from_context(None, ctx.store, out.index)
    out["platform"] = "shopify"
    out["currency"] = sh.fill_from_context(out.get("currency"), ctx.currency, out.index).str.upper()
    out["status"] = status(out)
    out["order_date"] = sh.local_dates(out["ordered_at"], out["market"], ctx)
    return out


def status(frame: pd.DataFrame) -> pd.Series:
    """Canonical status from Cancelled at, Financial Status and Fulfillment Status."""
    index = frame.index
    financial = _lower(frame.get("financial_status"), index)
    fulfilment = _lower(frame.get("fulfillment_status"), index)
    cancelled = frame["cancelled_at"].notna() if "cancelled_at" in frame.columns else pd.Series(False, index=index)
    by_fulfilment = np.select([fulfilment.eq("fulfilled"), fulfilment.eq("partial")],
                              ["shipped", "partially shipped"], default="unshipped")
    result = np.select(
        [cancelled.to_numpy(dtype=bool),
         financial.eq("voided").to_numpy(dtype=bool),
         financial.eq("refunded").to_numpy(dtype=bool),
         financial.eq("partially_refunded").to_numpy(dtype=bool),
         financial.isin(["pending", "authorized", "partially_paid", "expired"]).to_numpy(dtype=bool)],
        ["cancelled", "cancelled", "refunded", "partially refunded", "pending"], default=by_fulfilment)
    return pd.Series(result, index=index, dtype="string")


def _lower(values: pd.Series | None, index: pd.Index) -> pd.Series:
    if values is None:
        return pd.Series("", index=index, dtype="string")
    return values.astype("string").str.strip().str.lower().fillna("")
