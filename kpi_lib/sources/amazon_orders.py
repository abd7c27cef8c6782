"""Amazon "All Orders" flat file → table ``orders``.

GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL (REPORT_FORMATS.md §3.1): TSV, one
row per order item; US files UTF-8, JP files cp932 with English keys (feed language set
to English) or Japanese headers.

* ``item_sales`` = ``item-price``: the line total (unit price × quantity) in the row's
  ``currency``, excluding tax in the US. On amazon.co.jp prices are tax-inclusive; the
  flat file's ``item-tax`` is kept as the extra column ``item_tax`` so a KPI can take it
  out. Pending orders often have no price yet (blank, not zero).
* ``ordered_at`` = ``purchase-date`` (ISO-8601 with offset) in UTC; ``order_date`` = the
  marketplace-local calendar day (US: Los Angeles, JP: Tokyo).
* ``status`` = ``order-status`` in lower-case words (``shipped``, ``pending``,
  ``cancelled``, ``unshipped``, ``shipping``, ``partially shipped``...); the full text with
  any sub-status ("Shipped - Delivered to Buyer") is kept as ``status_detail``.

Buyer names, e-mails, phones and the ship-to city/state/postal code are never read.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd

from kpi_lib.readers import values as rv
from kpi_lib.sources import _amazon as az
from kpi_lib.sources.base import Adapter, ReadResult, SourceContext, register

# Japanese status words Seller Central JP shows (inferred; English files use the English words).
JA_STATUS = {
    "出荷済み": "shipped", "発送済み": "shipped", "出荷中": "shipping", "保留中": "pending", "保留": "pending",
    "未出荷": "unshipped", "未発送": "unshipped", "一部出荷済み": "partially shipped",
    "キャンセル": "cancelled", "キャンセル済み": "cancelled",
}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
REQUIRED = ("order_id", "purchase_date", "quantity")


@register
class AmazonOrders(Adapter):
    type_id = "amazon_orders"
    title = "Amazon All Orders report (flat file)"
    platform = az.PLATFORM
    unquoted_tsv = True  # SP-API flat file: a '"' in a title or comment is just a character
    layout_columns_only = True

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        raw, layout = self.open(path, ctx)
        found = az.found_columns(raw, layout)
        hints = [az.market_in(raw.frame[found[c]], m) for c, m in
                 (("sales_channel", az.SALES_CHANNELS), ("currency", az.CURRENCY_MARKETS)) if c in found]
        market = az.market_of(ctx, path, hints)
        tz = az.timezone_of(ctx, market)
        # purchase-date carries its UTC offset; local_tz only matters for a value without one.
        frame = self.extract(raw, layout, local_tz=tz, required=REQUIRED)
        az.require_values(raw, layout, frame, ["order_id", "purchase_date", "quantity"])
        # The cells are parsed: let the raw strings go before the table is built (on a
        # million-line file they are a few hundred MB).
        raw = dataclasses.replace(raw, frame=raw.frame.iloc[:0])

        fallback = az.default_currency(ctx, market, path)
        currency = az.column(frame, "currency", "string").str.upper().fillna(fallback)
        status = az.column(frame, "status", "string")
        warnings = az.missing_optional(frame, layout, ["item_price", "status", "sku", "asin"])
        warnings += channel_warnings(az.column(frame, "sales_channel", "string"), market)

        columns = {
            "order_id": frame["order_id"], "market": market, "platform": az.PLATFORM,
            "store": az.store_of(ctx, market), "sku": az.column(frame, "sku", "string"),
            "asin": az.column(frame, "asin", "string"), "quantity": frame["quantity"],
            "item_sales": az.column(frame, "item_price"), "currency": currency,
            "ordered_at": frame["purchase_date"], "order_date": rv.market_date(frame["purchase_date"], tz),
            "status": normalize_status(status), "source_file": ctx.relative(path),
        }
        extras = {"status_detail": status.str.lower(), "layout": layout.name}
        extras |= {n: frame[n] for n in frame.columns
                   if n not in columns and n not in {"purchase_date", "item_price", "status"}}
        table = az.assemble("orders", columns, extras, frame.index)
        info = az.file_info(self.type_id, path, raw, layout.name, len(table), market,
                            az.period_label(table["order_date"], table["order_date"]), warnings)
        return ReadResult({"orders": table}, info)


def normalize_status(status: pd.Series) -> pd.Series:
    """Order status as lower-case words: "Shipped - Delivered to Buyer" → "shipped",
    "PartiallyShipped" → "partially shipped", "Canceled" → "cancelled", 出荷済み → "shipped";
    blank → "unknown"."""
    return rv.by_unique(status, _normalize_distinct_statuses)


def _normalize_distinct_statuses(status: pd.Series) -> pd.Series:
    text = rv.clean_text(status)
    main = text.str.split(r"\s+-\s+", n=1, regex=True).str[0].astype("string")
    main = main.map(lambda v: JA_STATUS.get(v, v), na_action="ignore").astype("string")
    main = main.str.replace(_CAMEL, " ", regex=True).str.replace(r"[\s_]+", " ", regex=True).str.strip().str.lower()
    main = main.replace({"canceled": "cancelled"})
    return main.fillna("unknown").mask(main == "", "unknown")


def channel_warnings(channels: pd.Series, market: str) -> list[str]:
    """A warning when the file's sales channels belong to another marketplace than the config's."""
    distinct = channels.dropna().unique()  # a handful of channel names over a million lines
    mapped = pd.Series(distinct, dtype="string").str.lower().map(az.SALES_CHANNELS, na_action="ignore").dropna()
    others = sorted(set(mapped) - {market})
    if not others:
        return []
    return [f"sales-channel names marketplace(s) {', '.join(others)} but the source is configured as {market}"]
