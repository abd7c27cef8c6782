"""Amazon Ads (Sponsored Products) reports → table ``ads``.

Reads (REPORT_FORMATS.md §2):

* ``console_2025`` — the 2025-26 Amazon Ads console CSV: ``Date range`` text cell
  ("Jul 06, 2026 - Jul 29, 2026") → ``period_start``/``period_end``; ids wrapped as
  ``="…"``; ``Total cost`` / ``Sales`` / ``Purchases`` / ``Units sold``.
* ``legacy`` — the older console's search term, advertised product, targeting and
  campaign reports in the English, Chinese or Japanese UI, CSV or XLSX, with
  ``Start Date``/``End Date`` or one ``Date`` per row ("Dec 01, 2019", or Excel dates).
* ``api_v3`` — Ads API v3 reporting rows (a JSON list of objects, plain or gzipped).

One output row per input row (the report's own grain: search term, product, target or
campaign × day or period). ``spend``, ``attributed_sales`` are money in ``currency`` (the
row's Currency column, else the currency the amounts print, else the config's);
``attributed_orders`` / ``attributed_units`` are counts over the report's attribution
window (7 days for Sponsored Products). The extra column ``report`` says the grain
(search_term / advertised_product / targeting / campaign), because loading two grains of
the same campaigns would count their spend twice.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_lib.errors import SourceError
from kpi_lib.readers import values as rv
from kpi_lib.sources import _amazon as az
from kpi_lib.sources.base import (Adapter, ColumnSpec, Detection, ReadResult, SourceContext, period_bounds,
                                  register)

DATE_FORMATS = ("%b %d, %Y", "%b %d %Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%m/%d/%Y",
                "%m/%d/%y", "%Y%m%d", "%Y年%m月%d日")
MONEY_FIELDS = ("spend", "attributed_sales")
JSON_SUFFIXES = (".json", ".gz")


@register
class AmazonAds(Adapter):
    type_id = "amazon_ads"
    title = "Amazon Ads Sponsored Products report"
    platform = az.PLATFORM

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        if is_json(path):
            raw, layout = self.open_json(path), self.layouts["api_v3"]
        else:
            raw, layout = self.open(path, ctx, layouts=["console_2025", "legacy"])
        required = ["impressions", "clicks", "spend", "attributed_sales"]
        if layout.name == "console_2025":
            required.append("date_range")
        frame = self.extract(raw, layout, date_formats=DATE_FORMATS, required=required)
        warnings = az.missing_optional(frame, layout, ["attributed_orders", "campaign"])

        start, end, period_warning = self.periods(raw, layout, frame, path, ctx)
        warnings += period_warning
        found = az.found_columns(raw, layout)
        money = [raw.frame[found[f]] for f in MONEY_FIELDS if f in found]
        named = az.column(frame, "currency", "string").str.upper()
        stated = az.stated_currency(money, None, path, column=found.get("spend"))
        market = az.market_of(ctx, path, [az.CURRENCY_MARKETS.get(c) for c in [*named.dropna().unique(), stated]])
        fallback = az.stated_currency(money, az.default_currency(ctx, market, path), path, column=found.get("spend"))
        currency = named.fillna(fallback)

        columns = {
            "period_start": start, "period_end": end, "market": market, "store": az.store_of(ctx, market),
            "campaign": az.column(frame, "campaign", "string"), "ad_group": az.column(frame, "ad_group", "string"),
            "sku": az.column(frame, "sku", "string"), "asin": az.column(frame, "asin", "string"),
            "impressions": frame["impressions"], "clicks": frame["clicks"], "spend": frame["spend"],
            "attributed_sales": frame["attributed_sales"],
            "attributed_orders": az.column(frame, "attributed_orders"),
            "currency": currency, "source_file": ctx.relative(path),
        }
        extras = {"platform": az.PLATFORM, "layout": layout.name, "report": report_grain(frame)}
        extras |= {n: frame[n] for n in frame.columns
                   if n not in columns and n not in {"date", "start_date", "end_date", "date_range"}}
        table = az.assemble("ads", columns, extras, frame.index)
        info = az.file_info(self.type_id, path, raw, layout.name, len(table), market,
                            az.period_label(table["period_start"], table["period_end"]), warnings)
        return ReadResult({"ads": table}, info)

    # -- reading -----------------------------------------------------------------
    def open_json(self, path: Path):
        data = az.load_json(path, "an Amazon Ads API v3 report (a JSON list of rows)")
        if isinstance(data, dict):
            # Some download tools wrap the rows; accept one obvious wrapper, nothing cleverer.
            data = next((data[k] for k in ("rows", "data", "records", "report") if isinstance(data.get(k), list)), data)
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise SourceError(
                "the JSON is not a list of report rows", file=path,
                expected='a list of objects like [{"campaignName": ..., "impressions": ..., "cost": ...}]',
                found=type(data).__name__,
                fix="download the report with format GZIP_JSON from the Ads API (reporting v3) and do not edit it")
        layout = self.layouts["api_v3"]
        return az.records_table(path, data, [spec.aliases[0] for spec in layout.columns.values()])

    def periods(self, raw, layout, frame: pd.DataFrame, path: Path, ctx: SourceContext):
        """(period_start, period_end, warnings) from Date range, Start/End Date or Date,
        else the month of the folder or the ``period`` option."""
        if "date_range" in frame:
            return (*self.date_range(raw, layout, frame), [])
        if "start_date" in frame or "end_date" in frame:
            start = frame["start_date"] if "start_date" in frame else frame["end_date"]
            end = frame["end_date"] if "end_date" in frame else frame["start_date"]
            az.require_values(raw, layout, frame.assign(start_date=start, end_date=end), ["start_date", "end_date"])
            return start, end, []
        if "date" in frame:
            az.require_values(raw, layout, frame, ["date"])
            return frame["date"], frame["date"].copy(), []
        period = az.month_period(path, ctx, "This ads report")
        first, last = period_bounds(period)
        start = pd.Series(first, index=frame.index, dtype="datetime64[ns]")
        end = pd.Series(last, index=frame.index, dtype="datetime64[ns]")
        return start, end, [f"no date columns: rows dated to the whole month {period}"]

    def date_range(self, raw, layout, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        """Split "Jul 06, 2026 - Jul 29, 2026" into its two dates (one date = a one-day range)."""
        column = az.found_columns(raw, layout)["date_range"]
        text = rv.clean_text(raw.frame[column])
        parts = text.str.extract(r"^(.*?)(?:\s+-\s+(.*))?$")
        first_text = parts[0].astype("string")
        second_text = parts[1].astype("string").fillna(first_text)
        spec = ColumnSpec("date_range", "date", ())
        start = self.parse_column(raw, first_text, spec, column, local_tz=None, date_formats=DATE_FORMATS,
                                  percent_bare="percent")
        end = self.parse_column(raw, second_text, spec, column, local_tz=None, date_formats=DATE_FORMATS,
                                percent_bare="percent")
        az.require_values(raw, layout, frame.assign(date_range=start), ["date_range"])
        return start, end

    # -- detection (JSON is not sniffed by the base class) --------------------------
    def detect(self, path: Path) -> list[Detection]:
        path = Path(path)
        if not is_json(path):
            # api_v3 keys (impressions, clicks, cost) also match console headers once case-folded,
            # and a new-console header also satisfies the legacy signature: report the best fit.
            hits = [d for d in super().detect(path) if d.layout != "api_v3"]
            if any(d.layout == "console_2025" for d in hits):
                hits = [d for d in hits if d.layout != "legacy"]
            return hits
        try:
            raw = self.open_json(path)
        except SourceError:
            return []
        lay = self.layouts["api_v3"]
        return [Detection(self.type_id, lay.name, "utf-8", 0)] if lay.signature.matches(raw.frame.columns) else []


def is_json(path: Path) -> bool:
    return path.suffix.lower() in JSON_SUFFIXES


def report_grain(frame: pd.DataFrame) -> str:
    """Which report the rows are: the finest dimension the file carries."""
    if "search_term" in frame:
        return "search_term"
    if "sku" in frame or "asin" in frame:
        return "advertised_product"
    if "targeting" in frame:
        return "targeting"
    if "ad_group" in frame:
        return "ad_group"
    return "campaign"
