"""FBA customer returns → table ``returns``.

GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA (REPORT_FORMATS.md §3.2): TSV, one row per
returned unit batch. ``returned_at`` = ``return-date`` in UTC; ``return_date`` = the
marketplace-local day; ``quantity`` in units; ``reason`` = Amazon's reason code
(``NOT_COMPATIBLE``, ``DEFECTIVE``...); ``detailed-disposition`` (``SELLABLE``,
``CUSTOMER_DAMAGED``...) is kept as the extra column ``disposition``.

``customer-comments`` is never read: buyers' free text can hold personal data.
"""
from __future__ import annotations

from pathlib import Path

from kpi_lib.readers import values as rv
from kpi_lib.sources import _amazon as az
from kpi_lib.sources.base import Adapter, ReadResult, SourceContext, register


@register
class AmazonReturns(Adapter):
    type_id = "amazon_returns"
    title = "Amazon FBA customer returns report"
    platform = az.PLATFORM
    unquoted_tsv = True  # SP-API flat file: a '"' in a title or comment is just a character

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        raw, layout = self.open(path, ctx)
        market = az.market_of(ctx, path)
        tz = az.timezone_of(ctx, market)
        frame = self.extract(raw, layout, local_tz=tz, required=("return_date", "order_id", "quantity"))
        az.require_values(raw, layout, frame, ["return_date", "quantity"])

        columns = {
            "returned_at": frame["return_date"], "return_date": rv.market_date(frame["return_date"], tz),
            "market": market, "store": az.store_of(ctx, market), "order_id": frame["order_id"],
            "sku": az.column(frame, "sku", "string"), "asin": az.column(frame, "asin", "string"),
            "quantity": frame["quantity"], "reason": az.column(frame, "reason", "string"),
            "source_file": ctx.relative(path),
        }
        extras = {"platform": az.PLATFORM, "layout": layout.name}
        extras |= {n: frame[n] for n in frame.columns if n not in columns}
        table = az.assemble("returns", columns, extras, frame.index)
        info = az.file_info(self.type_id, path, raw, layout.name, len(table), market,
                            az.period_label(table["return_date"], table["return_date"]),
                            az.missing_optional(frame, layout, ["sku", "reason"]))
        return ReadResult({"returns": table}, info)
