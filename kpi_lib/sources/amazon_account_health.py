"""Account health JSON (SP-API GET_V2_SELLER_PERFORMANCE_REPORT) → table ``account_health``.

One row per marketplace × metric (REPORT_FORMATS.md §4):

* ``odr_afn`` / ``odr_mfn`` — the order defect rate Amazon states for FBA / merchant-fulfilled
  orders; ``count`` = orders with defects, ``denominator`` = orders.
* ``odr`` — both combined: Σ orders with defects / Σ orders over afn and mfn (blank when
  there were no orders).
* ``late_shipment_rate``, ``cancel_rate`` (pre-fulfilment cancellations),
  ``valid_tracking_rate``, ``on_time_delivery_rate`` — as stated, with their counts
  (the JSON-key mapping is in ``aliases/amazon_account_health.yaml``).

``rate`` is a fraction (0.009 = 0.9%); where Amazon omits it, it is count / denominator.
``period_start``/``period_end`` are the UTC calendar days of the metric's
``reportingDateRange`` (the window Amazon evaluates, e.g. the last 60 days for ODR).
The market comes from ``marketplaceId`` (ATVPDKIKX0DER → US, A1VC38T7YXB528 → JP...),
else from the source config. Extra columns: ``status``, ``target_value``,
``target_condition``, ``marketplace_id``, ``store``.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import yaml

from kpi_lib.errors import SourceError
from kpi_lib.readers import values as rv
from kpi_lib.sources import _amazon as az
from kpi_lib.sources.base import ALIAS_DIR, Adapter, Detection, ReadResult, SourceContext, register
from kpi_lib.tables import columns_of

WHAT = "an Amazon account health report (GET_V2_SELLER_PERFORMANCE_REPORT JSON)"


@register
class AmazonAccountHealth(Adapter):
    type_id = "amazon_account_health"
    title = "Amazon account health report (SP-API JSON)"
    platform = az.PLATFORM
    needs_market = False  # each block names its marketplaceId

    @functools.cached_property
    def metric_map(self) -> dict[str, dict[str, str]]:
        data = yaml.safe_load((ALIAS_DIR / f"{self.type_id}.yaml").read_text(encoding="utf-8"))
        return data["metrics"]

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        blocks = self.performance_blocks(path)
        rows: list[dict] = []
        for number, block in enumerate(blocks, 1):
            market, marketplace_id = self.market_of(block, ctx, path, number)
            base = {"market": market, "marketplace_id": marketplace_id}
            rows += [base | row for row in self.block_rows(block, path, number)]
        table = self.frame(rows, ctx, path)
        markets = sorted(table["market"].unique())
        info = az.file_info(self.type_id, path, None, "performance_metrics", len(table),
                            ",".join(markets) or ctx.market,
                            az.period_label(table["period_start"], table["period_end"]),
                            encoding="utf-8", language="en")
        return ReadResult({"account_health": table}, info)

    # -- parsing -------------------------------------------------------------------
    @staticmethod
    def performance_blocks(path: Path) -> list[dict]:
        data = az.load_json(path, WHAT)
        blocks = data.get("performanceMetrics") if isinstance(data, dict) else None
        if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
            raise SourceError(
                "the JSON has no performanceMetrics list", file=path, expected=WHAT,
                found=", ".join(list(data)[:8]) if isinstance(data, dict) else type(data).__name__,
                fix="download the report with reportType GET_V2_SELLER_PERFORMANCE_REPORT and do not edit it")
        return blocks

    @staticmethod
    def market_of(block: dict, ctx: SourceContext, path: Path, number: int) -> tuple[str, str | None]:
        marketplace_id = block.get("marketplaceId")
        if marketplace_id in az.MARKETPLACE_IDS:
            return az.MARKETPLACE_IDS[marketplace_id], marketplace_id
        if ctx.market:
            return ctx.market, marketplace_id
        raise SourceError(
            "the marketplace of a performanceMetrics block is unknown", file=path, row=number,
            column="marketplaceId", expected="a known marketplace id (ATVPDKIKX0DER = US, A1VC38T7YXB528 = JP)",
            found=marketplace_id, fix="set `market:` on the source so the rows can be filed under it")

    def block_rows(self, block: dict, path: Path, number: int) -> list[dict]:
        """Rows of one marketplace's block (row ``number`` = its place in performanceMetrics)."""
        rows = []
        odr = block.get("orderDefectRate") or {}
        parts = {kind: odr[kind] for kind in ("afn", "mfn") if isinstance(odr.get(kind), dict)}
        for kind, obj in parts.items():
            rows.append(metric_row(f"odr_{kind}", obj, _nested_count(obj, "orderWithDefects"), obj.get("orderCount"),
                                   path, number))
        if parts:
            rows.append(combined_odr(parts, path, number))
        for metric, spec in self.metric_map.items():
            obj = block.get(spec["object"])
            if isinstance(obj, dict):
                rows.append(metric_row(metric, obj, obj.get(spec["count"]), obj.get(spec["denominator"]), path, number))
        return rows

    def frame(self, rows: list[dict], ctx: SourceContext, path: Path) -> pd.DataFrame:
        columns = ["period_start", "period_end", "market", "metric", "rate", "count", "denominator",
                   "status", "target_value", "target_condition", "marketplace_id"]
        table = pd.DataFrame(rows, columns=columns)
        for name in ("rate", "count", "denominator", "target_value"):
            table[name] = pd.to_numeric(table[name], errors="coerce").astype("float64")
        for name in ("period_start", "period_end"):
            table[name] = pd.to_datetime(table[name]).astype("datetime64[ns]")
        table["source_file"] = ctx.relative(path)
        declared = {c: table[c] for c in columns_of("account_health")}
        extras = {c: table[c] for c in table.columns if c not in declared}
        extras |= {"store": ctx.store or ("amazon-" + table["market"]), "platform": az.PLATFORM}
        return az.assemble("account_health", declared, extras, table.index)

    # -- detection (JSON is not sniffed by the base class) -------------------------
    def detect(self, path: Path) -> list[Detection]:
        path = Path(path)
        if path.suffix.lower() not in (".json", ".gz"):
            return []
        try:
            self.performance_blocks(path)
        except SourceError:
            return []
        return [Detection(self.type_id, "performance_metrics", "utf-8", 0)]


def _nested_count(obj: dict, key: str) -> object:
    inner = obj.get(key)
    return inner.get("count") if isinstance(inner, dict) else inner


def _number(value: object, what: str, path: Path, number: int) -> float:
    """A JSON number (or blank); anything else is a SourceError naming the field."""
    if value is None:
        return float("nan")
    if isinstance(value, dict) and "value" in value:  # some tools wrap targets as {"value": 0.04}
        value = value["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SourceError(f"{what} is not a number", file=path, row=number, column=what, expected="a number",
                          found=value, fix="download the report again; do not edit it by hand")
    if isinstance(value, (int, float)):
        return float(value)  # JSON numbers need no parsing (the usual case)
    parsed = rv.parse_number(pd.Series([str(value)])).iloc[0]
    if pd.isna(parsed):
        raise SourceError(f"{what} is not a number", file=path, row=number, column=what, expected="a number",
                          found=value, fix="download the report again; do not edit it by hand")
    return float(parsed)


def _date_range(obj: dict, what: str, path: Path, number: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    rng = obj.get("reportingDateRange") or {}
    raw = pd.Series([rng.get("reportingDateFrom"), rng.get("reportingDateTo")], dtype="object")
    parsed = rv.parse_datetime(raw.astype("string"))
    if parsed.isna().any():
        bad = "reportingDateFrom" if pd.isna(parsed.iloc[0]) else "reportingDateTo"
        raise SourceError(
            "a reporting date is missing or unreadable", file=path, row=number, column=f"{what}.reportingDateRange.{bad}",
            expected="a UTC time like 2026-07-30T23:59Z", found=rng.get(bad),
            fix="download the report again; do not edit it by hand")
    # The window is defined in UTC; its calendar days are what Amazon shows as the range.
    start, end = (t.tz_convert("UTC").tz_localize(None).normalize() for t in parsed)
    return start, end


def metric_row(metric: str, obj: dict, count: object, denominator: object, path: Path, number: int) -> dict:
    start, end = _date_range(obj, metric, path, number)
    count_v = _number(count, f"{metric}.count", path, number)
    denom_v = _number(denominator, f"{metric}.denominator", path, number)
    rate = _number(obj.get("rate"), f"{metric}.rate", path, number)
    if pd.isna(rate) and denom_v > 0:
        rate = count_v / denom_v
    return {"period_start": start, "period_end": end, "metric": metric, "rate": rate, "count": count_v,
            "denominator": denom_v, "status": obj.get("status"),
            "target_value": _number(obj.get("targetValue"), f"{metric}.targetValue", path, number),
            "target_condition": obj.get("targetCondition")}


def combined_odr(parts: dict[str, dict], path: Path, number: int) -> dict:
    """ODR over all orders: Σ defects / Σ orders of the afn and mfn parts."""
    defects = sum(_number(_nested_count(o, "orderWithDefects"), "odr.count", path, number) for o in parts.values())
    orders = sum(_number(o.get("orderCount"), "odr.denominator", path, number) for o in parts.values())
    ranges = [_date_range(o, "odr", path, number) for o in parts.values()]
    targets = {o.get("targetValue") for o in parts.values() if not isinstance(o.get("targetValue"), dict)}
    return {"period_start": min(r[0] for r in ranges), "period_end": max(r[1] for r in ranges), "metric": "odr",
            "rate": defects / orders if orders > 0 else float("nan"), "count": defects, "denominator": orders,
            "status": None, "target_value": targets.pop() if len(targets) == 1 else float("nan"),
            "target_condition": None}
