"""Amazon Date Range (transaction) report → table ``transactions``.

Payments > Reports Repository CSV (REPORT_FORMATS.md §3.5), US and JP, with 3–7 note
lines above the header. One row per settlement transaction:

* ``posted_at`` — ``date/time`` ("Sep 4, 2026 1:05:07 AM PDT", JP "2026/09/04 01:05:07 JST")
  in UTC.
* ``type`` — normalised to order / refund / fee / adjustment / transfer / other; the
  report's own wording stays in ``type_raw`` (JP: 注文, 返金, 注文外料金, Amazon手数料, FBA手数料,
  調整, 振込み).
* ``product_sales``; ``fees`` = selling fees + FBA fees + other transaction fees (negative
  as in the file: a charge is negative, a refunded fee positive); ``total`` = the row's net.
  Non-order charges such as storage fees are often booked under ``other``: their amount is
  in ``total`` (and the extra column ``other``), not in ``fees``.
* ``currency`` — the one the notes state ("All amounts in USD, unless specified"; JP 円),
  else the config's.

The buyer's order city, state and postal code are never read.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from kpi_lib.readers import values as rv
from kpi_lib.sources import _amazon as az
from kpi_lib.sources.base import Adapter, ReadResult, SourceContext, register

DATETIME_FORMATS = ("%b %d, %Y %I:%M:%S %p", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d %b %Y %H:%M:%S",
                    "%Y-%m-%dT%H:%M:%S")
FEE_FIELDS = ("selling_fees", "fba_fees", "other_transaction_fees")

# Exact type words (after NFKC and lower-casing); anything else falls to the keyword rules.
TYPES = {
    "order": "order", "注文": "order",
    "refund": "refund", "chargeback refund": "refund", "a-to-z guarantee claim": "refund", "返金": "refund",
    "service fee": "fee", "fba inventory fee": "fee", "fba customer return fee": "fee", "amazon fees": "fee",
    "deal fee": "fee", "lightning deal fee": "fee", "coupon fee": "fee", "fba transaction fee": "fee",
    "注文外料金": "fee", "amazon手数料": "fee", "fba手数料": "fee",
    "adjustment": "adjustment", "fee adjustment": "adjustment", "liquidations adjustments": "adjustment",
    "調整": "adjustment",
    "transfer": "transfer", "振込み": "transfer", "振込": "transfer",
}
KEYWORDS = (("refund", "refund"), ("返金", "refund"), ("adjust", "adjustment"), ("調整", "adjustment"),
            ("transfer", "transfer"), ("振込", "transfer"), ("fee", "fee"), ("手数料", "fee"), ("料金", "fee"),
            ("order", "order"))
_ISO_IN_NOTE = re.compile(r"amounts in ([A-Z]{3})\b", re.IGNORECASE)
_JPY_IN_NOTE = re.compile(r"日本円|円|JPY")


@register
class AmazonTransactions(Adapter):
    type_id = "amazon_transactions"
    title = "Amazon Date Range (transaction) report"
    platform = az.PLATFORM

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        raw, layout = self.open(path, ctx)
        found = az.found_columns(raw, layout)
        noted = currency_from_notes(raw.preamble)
        hints = [az.market_in(raw.frame[found["marketplace"]], az.SALES_CHANNELS) if "marketplace" in found else None,
                 az.CURRENCY_MARKETS.get(noted or "")]
        market = az.market_of(ctx, path, hints)
        tz = az.timezone_of(ctx, market)
        frame = self.extract(raw, layout, local_tz=tz, date_formats=DATETIME_FORMATS,
                             required=("posted_at", "type", "total"))
        az.require_values(raw, layout, frame, ["posted_at"])

        fallback = az.default_currency(ctx, market, path)
        currency = noted or fallback
        warnings = az.missing_optional(frame, layout, ["product_sales", *FEE_FIELDS])
        if currency != fallback:
            warnings.append(f"the notes say amounts are in {currency}, the source is configured for {fallback}")

        columns = {
            "posted_at": frame["posted_at"], "market": market, "store": az.store_of(ctx, market),
            "type": normalize_type(frame["type"]), "order_id": az.column(frame, "order_id", "string"),
            "sku": az.column(frame, "sku", "string"), "quantity": az.column(frame, "quantity"),
            "product_sales": az.column(frame, "product_sales"), "fees": az.sum_columns(frame, FEE_FIELDS),
            "total": frame["total"], "currency": currency, "source_file": ctx.relative(path),
        }
        extras = {"posted_date": rv.market_date(frame["posted_at"], tz), "platform": az.PLATFORM,
                  "layout": layout.name}
        extras |= {n: frame[n] for n in frame.columns if n not in columns}
        table = az.assemble("transactions", columns, extras, frame.index)
        info = az.file_info(self.type_id, path, raw, layout.name, len(table), market,
                            az.period_label(table["posted_date"], table["posted_date"]), warnings)
        return ReadResult({"transactions": table}, info)


def normalize_type(values: pd.Series) -> pd.Series:
    """order / refund / fee / adjustment / transfer / other, from EN or JP type words."""
    def one(text: object) -> str:
        if not isinstance(text, str) or not text.strip():
            return "other"
        key = unicodedata.normalize("NFKC", text).strip().lower()
        if key in TYPES:
            return TYPES[key]
        return next((kind for word, kind in KEYWORDS if word in key), "other")
    return values.map(one, na_action=None).astype("string")


def currency_from_notes(lines: list[str]) -> str | None:
    """The currency the note lines above the header state, if they state one."""
    for line in lines:
        text = unicodedata.normalize("NFKC", line)
        match = _ISO_IN_NOTE.search(text)
        if match:
            return match.group(1).upper()
        if _JPY_IN_NOTE.search(text) and ("金額" in text or "amount" in text.lower()):
            return "JPY"
    return None
