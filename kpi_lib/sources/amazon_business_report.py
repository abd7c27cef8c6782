"""Amazon Seller Central Business Reports → table ``traffic``.

Two layouts (REPORT_FORMATS.md §1):

* ``child_item`` — *Detail Page Sales and Traffic by Child Item*: one row per child ASIN
  for the period chosen in the UI. The file has no date column, so the month comes from
  the source's ``period``, else a ``YYYY-MM`` folder or file name; ``period_start`` /
  ``period_end`` are that month's first and last day.
* ``by_date`` — *Sales and Traffic by Date*: one row per day; ``period_start`` =
  ``period_end`` = the date, ``asin``/``sku`` blank. The weekly and monthly views put the
  period's first day in ``Date``; those are recognised (all rows 7 days apart, or all on
  the 1st of successive months) or set with the source option ``granularity:
  day|week|month``, and ``period_end`` is then the week's or month's last day.

Units: ``sessions``, ``page_views``, ``units_ordered`` are counts; ``ordered_sales`` is
money in the report's currency (the one its amounts print, e.g. ``$``/``US$`` → USD,
``￥`` → JPY; JP sales include consumption tax as Seller Central shows them). Rates
(``*_pct``) are fractions. B2B twins are kept as ``*_b2b`` extra columns and are a
*part* of the totals, never added to them.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_lib.errors import SourceError
from kpi_lib.sources import _amazon as az
from kpi_lib.sources.base import Adapter, ReadResult, SourceContext, period_bounds, register

# US/MX print M/D/YY, JP YYYY/MM/DD; the shapes cannot be confused with each other.
DATE_FORMATS = ("%m/%d/%y", "%m/%d/%Y", "%Y/%m/%d", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
GRANULARITIES = ("day", "week", "month")
MONEY_FIELDS = ("ordered_sales", "ordered_sales_b2b", "shipped_sales")


@register
class AmazonBusinessReport(Adapter):
    type_id = "amazon_business_report"
    title = "Amazon Business Report (Detail Page Sales and Traffic)"
    platform = az.PLATFORM

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        raw, layout = self.open(path, ctx)
        key = "child_asin" if layout.name == "child_item" else "date"
        frame = self.extract(raw, layout, date_formats=DATE_FORMATS,
                             required=(key, "sessions", "units_ordered", "ordered_sales"))
        found = az.found_columns(raw, layout)
        money = [raw.frame[found[f]] for f in MONEY_FIELDS if f in found]
        stated = az.stated_currency(money, None, path, column=found.get("ordered_sales"))
        market = az.market_of(ctx, path, [az.CURRENCY_MARKETS.get(stated or "")])
        configured = az.default_currency(ctx, market, path)
        currency = az.stated_currency(money, configured, path, column=found.get("ordered_sales"))
        warnings = az.missing_optional(frame, layout, ["page_views"])
        if currency != configured:
            warnings.append(f"amounts are in {currency}, the source is configured for {configured}")

        if layout.name == "child_item":
            az.require_values(raw, layout, frame, ["child_asin"],
                              fix="every row of a child-item report needs its (Child) ASIN; re-download the report")
            period = az.month_period(path, ctx, "A Business Report by child item")
            first, last = period_bounds(period)
            start = pd.Series(first, index=frame.index, dtype="datetime64[ns]")
            end = pd.Series(last, index=frame.index, dtype="datetime64[ns]")
            asin = frame["child_asin"]
            sku = az.column(frame, "sku", "string")
            used = {"child_asin", "sku"}
        else:
            az.require_values(raw, layout, frame, ["date"])
            start = frame["date"]
            granularity = self.granularity(start, ctx, path)
            end = period_end(start, granularity)
            asin = pd.Series(pd.NA, index=frame.index, dtype="string")
            sku = pd.Series(pd.NA, index=frame.index, dtype="string")
            used = {"date"}
            period = az.period_label(start, end)
            if granularity != "day":
                warnings.append(f"rows are {granularity}ly totals (period_end = last day of each {granularity})")

        columns = {
            "period_start": start, "period_end": end, "market": market,
            "store": az.store_of(ctx, market), "asin": asin, "sku": sku,
            "sessions": frame["sessions"], "page_views": az.column(frame, "page_views"),
            "units_ordered": frame["units_ordered"], "ordered_sales": frame["ordered_sales"],
            "currency": currency, "source_file": ctx.relative(path),
        }
        used |= set(columns)
        extras = {"platform": az.PLATFORM, "layout": layout.name}
        extras |= {name: frame[name] for name in frame.columns if name not in used}
        table = az.assemble("traffic", columns, extras, frame.index)
        info = az.file_info(self.type_id, path, raw, layout.name, len(table), market, period, warnings)
        return ReadResult({"traffic": table}, info)

    @staticmethod
    def granularity(dates: pd.Series, ctx: SourceContext, path: Path) -> str:
        """day, week or month: from the ``granularity`` option, else from the dates' spacing."""
        chosen = ctx.options.get("granularity")
        if chosen is not None:
            if chosen not in GRANULARITIES:
                raise SourceError(
                    f"unknown granularity {chosen!r}", file=path, expected=" / ".join(GRANULARITIES),
                    found=chosen, fix="set `granularity:` on the source to day, week or month, or remove it")
            return chosen
        days = pd.Series(dates.dropna().unique()).sort_values()
        if len(days) < 2:
            return "day"
        steps = days.diff().dropna()
        if (steps == pd.Timedelta(days=7)).all():
            return "week"
        months = days.dt.year * 12 + days.dt.month
        if (days.dt.day == 1).all() and (months.diff().dropna() == 1).all():
            return "month"
        return "day"


def period_end(start: pd.Series, granularity: str) -> pd.Series:
    """Last day of each row's day, week (7 days from the start) or calendar month."""
    if granularity == "week":
        return start + pd.Timedelta(days=6)
    if granularity == "month":
        return (start + pd.offsets.MonthEnd(0)).astype("datetime64[ns]")
    return start.copy()
