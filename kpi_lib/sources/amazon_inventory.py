"""FBA inventory reports → table ``inventory`` (one row per SKU at a snapshot date).

* ``planning`` — FBA Inventory / planning report (GET_FBA_INVENTORY_PLANNING_DATA, §3.4):
  ``snapshot_date`` from its ``snapshot-date`` column; ``available``; ``inbound`` =
  ``inbound-quantity``; ``days_of_supply`` = ``days-of-supply`` (days); ``aged_90_plus`` =
  units older than 90 days = inv-age 91–180 + 181–270 + 271–365 + 366–455 + 456+ (the
  newer 181–330 / 331–365 buckets overlap those and are used only when the classic
  181–270 / 271–365 buckets are absent).
* ``myi`` — Manage FBA Inventory (GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA, §3.3):
  ``available`` = ``afn-fulfillable-quantity``; ``inbound`` = working + shipped +
  receiving; no days of supply or age (blank). The file has no date: ``snapshot_date`` is
  the source option ``snapshot_date``, else the last day of the source's ``period`` (or
  of the ``YYYY-MM`` folder the file sits in).

All quantities in units. A blank quantity stays blank (unknown), it is not read as 0.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_lib.errors import ConfigError, SourceError
from kpi_lib.sources import _amazon as az
from kpi_lib.sources.base import Adapter, ReadResult, SourceContext, period_bounds, period_from_path, register

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S")
AGED_CLASSIC = ("inv_age_91_180", "inv_age_181_270", "inv_age_271_365", "inv_age_366_455", "inv_age_456_plus")
AGED_NEWER = ("inv_age_91_180", "inv_age_181_330", "inv_age_331_365", "inv_age_366_455", "inv_age_456_plus")
MYI_INBOUND = ("inbound_working", "inbound_shipped", "inbound_receiving")


@register
class AmazonInventory(Adapter):
    type_id = "amazon_inventory"
    title = "Amazon FBA inventory (Manage FBA Inventory / FBA Inventory planning)"
    platform = az.PLATFORM
    unquoted_tsv = True  # SP-API flat file: a '"' in a title or comment is just a character

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        raw, layout = self.open(path, ctx)
        found = az.found_columns(raw, layout)
        hints = [az.market_in(raw.frame[found["marketplace"]], {m: m for m in az.DEFAULT_CURRENCY})
                 if "marketplace" in found else None]
        market = az.market_of(ctx, path, hints)
        required = ("snapshot_date", "sku", "available") if layout.name == "planning" else layout.required
        frame = self.extract(raw, layout, date_formats=DATE_FORMATS, required=required)
        az.require_values(raw, layout, frame, ["sku"])
        warnings: list[str] = []

        if layout.name == "planning":
            az.require_values(raw, layout, frame, ["snapshot_date"])
            snapshot = frame["snapshot_date"]
            available = frame["available"]
            inbound = az.column(frame, "inbound")
            days_of_supply = az.column(frame, "days_of_supply")
            aged_90_plus = aged_over_90(frame)
            used = {"snapshot_date", "available", "inbound", "days_of_supply"}
            warnings += az.missing_optional(frame, layout, ["inbound", "days_of_supply", "inv_age_91_180"])
        else:
            day = snapshot_day(path, ctx)
            snapshot = pd.Series(day, index=frame.index, dtype="datetime64[ns]")
            available = frame["afn_fulfillable"]
            inbound = az.sum_columns(frame, MYI_INBOUND)
            days_of_supply = pd.Series(float("nan"), index=frame.index)
            aged_90_plus = pd.Series(float("nan"), index=frame.index)
            used = {"afn_fulfillable"}
            warnings += az.missing_optional(frame, layout, list(MYI_INBOUND))

        columns = {
            "snapshot_date": snapshot, "market": market, "store": az.store_of(ctx, market),
            "sku": frame["sku"], "asin": az.column(frame, "asin", "string"), "available": available,
            "inbound": inbound, "days_of_supply": days_of_supply, "aged_90_plus": aged_90_plus,
            "source_file": ctx.relative(path),
        }
        extras = {"platform": az.PLATFORM, "layout": layout.name}
        extras |= {n: frame[n] for n in frame.columns if n not in columns and n not in used}
        table = az.assemble("inventory", columns, extras, frame.index)
        info = az.file_info(self.type_id, path, raw, layout.name, len(table), market,
                            az.period_label(table["snapshot_date"], table["snapshot_date"]), warnings)
        return ReadResult({"inventory": table}, info)


def aged_over_90(frame: pd.DataFrame) -> pd.Series:
    """Units older than 90 days, from whichever non-overlapping bucket set the file has."""
    classic = all(n in frame for n in ("inv_age_181_270", "inv_age_271_365"))
    newer = all(n in frame for n in ("inv_age_181_330", "inv_age_331_365"))
    return az.sum_columns(frame, AGED_NEWER if newer and not classic else AGED_CLASSIC)


def snapshot_day(path: Path, ctx: SourceContext) -> pd.Timestamp:
    """The day a Manage FBA Inventory file describes: option ``snapshot_date``, else the
    last day of the period (config, then folder name)."""
    option = ctx.options.get("snapshot_date")
    if option is not None:
        try:
            return pd.Timestamp(str(option)).normalize()
        except ValueError:
            raise ConfigError(
                "snapshot_date is not a date", client=ctx.client, file=path, key="sources[].options.snapshot_date",
                expected="a date like 2026-07-31", found=option,
                fix="write the day the inventory file was downloaded as YYYY-MM-DD") from None
    period = ctx.period or period_from_path(path)
    if period:
        return period_bounds(period)[1]
    raise SourceError(
        "a Manage FBA Inventory file has no date, so the day it describes is unknown", file=path,
        expected="`options: {snapshot_date: YYYY-MM-DD}` or `period: YYYY-MM` on the source, or the file in a YYYY-MM folder",
        fix="set `snapshot_date:` under the source's options to the day the file was downloaded "
            "(or put the file in a folder named after the month whose end it describes)")
