"""TikTok Shop "All order" CSV → ``orders`` (REPORT_FORMATS.md §6).

The export has a description row directly under the header (dropped, as are header rows
repeated inside the file), cells ending in a tab, and one row per SKU line. Definitions:

* ``item_sales`` = ``SKU Subtotal After Discount`` of the line (after seller and platform
  discounts, before shipping and tax), in the shop's currency.
* ``order_amount``, ``order_refund_amount``, ``shipping_fee``, ``taxes``: order-level
  values that TikTok repeats on every line; kept on the order's first line only, so a
  column sum counts each order once.
* ``ordered_at`` from ``Created Time`` (``MM/DD/YYYY hh:mm:ss AM/PM``, shop local time,
  i.e. the source's time zone); ``order_date`` is the market-local day.
* ``status`` from ``Order Status`` (``Canceled``/``Cancelled`` → cancelled, ``Delivered``/
  ``Completed`` → delivered, ``Shipped``/``In transit`` → shipped, ``To ship``/``Awaiting
  shipment`` → unshipped, ``Unpaid`` → pending; Mexican Spanish too); ``status_raw`` keeps
  the export's word.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_lib.readers import values as rv
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources.base import Adapter, ReadResult, SourceContext, register

DATETIME_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", None)
ORDER_AMOUNTS = ("order_amount", "order_refund_amount", "shipping_fee", "taxes")
EXTRAS = ("status_raw", "order_substatus", "cancel_return_type", "sku_id", "bundle_sku", "product_name",
          "variation", "unit_price", "returned_quantity", "paid_at", "shipped_at", "delivered_at",
          "cancelled_at", "fulfillment_type", *ORDER_AMOUNTS)


@register
class TiktokOrders(Adapter):
    type_id = "tiktok_orders"
    title = "TikTok Shop All order export"
    platform = "tiktok"
    encodings = ("utf-8", "gb18030", "cp932")

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        raw, layout = self.open(path, ctx)
        headers = sh.headers_of(raw, layout)
        raw = sh.keep_rows(raw, ~(description_row(raw, headers) | sh.repeated_header_rows(raw)))
        formats = ctx.options.get("date_format") or DATETIME_FORMATS
        formats = [formats] if isinstance(formats, str) else list(formats)
        zone = ctx.options.get("timezone") or sh.market_zone(ctx.market, ctx)
        lines = self.extract(raw, layout, local_tz=zone, date_formats=formats,
                             required=sh.must_have(self.type_id, layout))
        sh.require_values(raw, lines, ["order_id", "ordered_at", "quantity"], headers)
        money = [raw.frame[headers[n]] for n in ("item_sales", "order_amount") if n in headers]
        frame, unknown = shape_orders(lines, ctx, sh.money_currency(money, sh.market_currency(ctx.market, ctx)))
        sh.require_values(raw, frame, ["currency"], headers,
                          config_fix={"currency": "set `currency` for this market in the client config"})
        out = sh.finish("orders", frame, path, ctx, extras=EXTRAS)
        warnings = [f"order status(es) not in the vocabulary, kept as written: {', '.join(unknown)}"] if unknown else []
        info = sh.file_info(self.type_id, path, ctx, raw, layout, out,
                            period=sh.period_label(out["order_date"]), warnings=warnings)
        return ReadResult({"orders": out}, info)


def description_row(raw, headers: dict[str, str]) -> pd.Series:
    """True on the description row TikTok puts directly under the header.

    It is recognised by content, not position (some exports lack it): an order-id cell
    that is not an id made of digits, and a quantity cell that is not a number.
    """
    mask = pd.Series(False, index=raw.frame.index)
    if raw.frame.empty:
        return mask
    order_id = rv.clean_text(raw.frame[headers["order_id"]].iloc[:1])
    quantity = rv.parse_number(raw.frame[headers["quantity"]].iloc[:1])
    not_id = not bool(order_id.str.fullmatch(r"\d+").fillna(False).iloc[0])
    if not_id and quantity.isna().iloc[0] and order_id.notna().iloc[0]:
        mask.iloc[0] = True
    return mask


def shape_orders(lines: pd.DataFrame, ctx: SourceContext, currency: pd.Series) -> tuple[pd.DataFrame, list[str]]:
    """Canonical order lines from the extracted export columns (a new frame)."""
    out = lines.copy()
    first = sh.first_of_group(out["order_id"])
    for name in ORDER_AMOUNTS:
        if name in out.columns:
            # Repeated on every line of the order: keep one copy, on the first line.
            out[name] = sh.group_first(out[name], out["order_id"]).where(first)
    out["status_raw"] = out["order_status"]
    out["status"], unknown = sh.order_status(out["order_status"])
    out["market"] = sh.fill_from_context(None, ctx.market, out.index)
    out["store"] = sh.fill_from_context(None, ctx.store, out.index)
    out["platform"] = "tiktok"
    out["currency"] = currency
    out["order_date"] = sh.local_dates(out["ordered_at"], out["market"], ctx)
    return out, unknown
