"""Recommended metric set per role and market, with reasons, and a readiness verdict.

The recommendation starts from the role templates (``defaults/roles.yaml``: each role's
metrics and weights per market, Japan lists where the template has one) and keeps a
metric only when the client has the canonical tables its formula reads (metric registry
``tables``) for that market; a metric needing a missing table is listed as not
recommended, with the missing tables as the reason. The weights of the kept metrics are
renormalised to 100 (whole percent, largest-remainder rounding so they add up exactly).

Readiness compares the months of data each needed table has (per market, up to the
latest month of the needed tables) with the months a baseline needs — the config's
``governance.baseline_months`` (default 3, at least 1):

* **ready** – every needed table has at least the needed months up to the latest month,
  and every template metric can be measured;
* **ready with caveats** (``caveats``) – some table has fewer months than needed or stops
  before the latest month, or some template metrics were left out for missing tables;
* **not ready** (``not_ready``) – a role has no measurable metric in a market, or less
  than half of its template weight (``MIN_MEASURABLE_WEIGHT``) can be measured, or a
  market has no sales (``orders``) data at all.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from kpi_lib.config.loader import role_templates
from kpi_lib.diagnosis.scheme import knowledge, role_names
from kpi_lib.ingest.quality import DATE_COLUMNS, months_of
from kpi_lib.texts import text

# Month-dated tables beyond those the data-quality report covers.
# Shipments count in the month their delivery window closes (when on-time is judged).
TABLE_DATE_COLUMNS = {**DATE_COLUMNS, "reviews": "review_date", "listing_changes": "change_date",
                      "shipments": "appointment_end"}
# Tables without months: present or not (a roster, a cost sheet, ownership rules).
STATIC_TABLES = ("people", "ownership", "costs")
DEFAULT_BASELINE_MONTHS = 3
COVERAGE_COLUMNS = ["table", "market", "first_month", "last_month", "months"]
RECOMMEND_COLUMNS = ["role", "role_name", "market", "metric_id", "metric_name", "template_weight", "recommended",
                     "recommended_weight", "tables", "missing_tables", "months_available", "reason"]
READINESS_COLUMNS = ["item", "market", "months_available", "months_needed", "status", "reason"]
ANY_MARKET = "*"
# Below this share of a role's template weight measurable, the role's scheme would be
# mostly guesswork: not ready.
MIN_MEASURABLE_WEIGHT = 0.5


def table_coverage(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Months with data per canonical table and market: ``COVERAGE_COLUMNS`` (``months``
    = count of distinct months with rows). Static tables (roster, ownership, costs) get
    one row with market ``*`` and no months when they have rows."""
    rows = []
    for table, frame in tables.items():
        if frame is None or len(frame) == 0:
            continue
        column = TABLE_DATE_COLUMNS.get(table)
        if table in STATIC_TABLES or column is None or column not in frame.columns:
            rows.append({"table": table, "market": ANY_MARKET, "first_month": None, "last_month": None,
                         "months": math.nan})
            continue
        months = months_of(frame, column)
        markets = frame["market"].astype("string").fillna(ANY_MARKET) if "market" in frame.columns else \
            pd.Series(ANY_MARKET, index=frame.index)
        for market, ms in months.groupby(markets):
            present = sorted(set(ms.dropna()))
            if present:
                rows.append({"table": table, "market": str(market), "first_month": present[0],
                             "last_month": present[-1], "months": float(len(present))})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def _has(coverage: pd.DataFrame, table: str, market: str) -> bool:
    sel = coverage[(coverage["table"] == table) & coverage["market"].isin([market, ANY_MARKET])]
    return len(sel) > 0


def _months(coverage: pd.DataFrame, table: str, market: str) -> float:
    sel = coverage[(coverage["table"] == table) & coverage["market"].isin([market, ANY_MARKET])]
    return float(sel["months"].max()) if len(sel) and sel["months"].notna().any() else math.nan


def _join(items: Iterable[object], language: str) -> str:
    return ("、" if language == "zh" else ", ").join(str(i) for i in items)


def whole_percent(weights: Mapping[str, float]) -> dict[str, int]:
    """Weights renormalised to whole percent adding up to exactly 100 (largest remainder)."""
    total = sum(weights.values())
    if total <= 0:
        return {k: 0 for k in weights}
    raw = {k: 100.0 * w / total for k, w in weights.items()}
    floors = {k: math.floor(v) for k, v in raw.items()}
    short = 100 - sum(floors.values())
    for k in sorted(raw, key=lambda k: raw[k] - floors[k], reverse=True)[:short]:
        floors[k] += 1
    return floors


def recommend_metrics(markets: Iterable[str], tables: Mapping[str, pd.DataFrame] | pd.DataFrame, *,
                      roles: Iterable[str] | None = None, language: str = "zh") -> pd.DataFrame:
    """Per role × market × template metric: whether to measure it and why.

    ``tables``: the canonical tables (name → frame) or their :func:`table_coverage`;
    ``roles``: role ids (default every role template; pass the roster's roles to keep
    the list to the client's team). Weights in percent; ``months_available`` is the
    fewest months among the metric's tables in that market."""
    from kpi_lib.metrics.registry import metrics

    coverage = tables if isinstance(tables, pd.DataFrame) else table_coverage(tables)
    registry, templates = metrics(), role_templates()
    jp_metrics = set(knowledge().get("japan_metrics") or [])
    chosen = list(dict.fromkeys(roles)) if roles is not None else list(templates)
    records = []
    for role in chosen:
        spec = templates.get(role)
        if not spec:
            continue
        for market in markets:
            weights = (spec.get("weights") or {}).get(market) or (spec.get("weights") or {}).get("default") or {}
            kept = {}
            rows = []
            for mid, weight in weights.items():
                metric = registry[mid]
                missing = [t for t in metric.tables if not _has(coverage, t, market)]
                months = [_months(coverage, t, market) for t in metric.tables]
                months = [m for m in months if not math.isnan(m)]
                available = min(months) if months else math.nan
                if missing:
                    reason = text("recommend.reason_missing", language, tables=_join(missing, language))
                else:
                    kept[mid] = float(weight)
                    key = "recommend.reason_jp" if market == "JP" and mid in jp_metrics else "recommend.reason_ok"
                    reason = text(key, language, weight=f"{float(weight):g}", tables=_join(metric.tables, language),
                                  months="—" if math.isnan(available) else f"{available:.0f}")
                rows.append({"role": role, "role_name": role_names(role, language), "market": market,
                             "metric_id": mid, "metric_name": metric.name(language), "template_weight": float(weight),
                             "recommended": not missing, "tables": ", ".join(metric.tables),
                             "missing_tables": ", ".join(missing), "months_available": available, "reason": reason})
            renormalised = whole_percent(kept)
            for row in rows:
                row["recommended_weight"] = float(renormalised[row["metric_id"]]) if row["recommended"] else 0.0
                if row["recommended"] and len(kept) < len(weights):
                    row["reason"] += text("recommend.reason_renormalised", language)
            records += rows
    out = pd.DataFrame(records, columns=RECOMMEND_COLUMNS)
    out["recommended"] = out["recommended"].astype(bool)
    return out


@dataclass(frozen=True, eq=False)
class Readiness:
    """The verdict (``ready`` / ``caveats`` / ``not_ready``), its label in the report
    language, the months needed, and one reason row per table × market checked and per
    problem found (``READINESS_COLUMNS``)."""

    verdict: str
    label: str
    months_needed: int
    reasons: pd.DataFrame

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "label": self.label, "months_needed": self.months_needed,
                "reasons": self.reasons.to_dict("records")}


def months_needed(baseline_months: int | None) -> int:
    """Months of baseline data a scheme needs: the config's ``governance.baseline_months``
    (default 3), at least 1."""
    return max(1, DEFAULT_BASELINE_MONTHS if baseline_months is None else int(baseline_months))


def readiness(recommendations: pd.DataFrame, tables: Mapping[str, pd.DataFrame] | pd.DataFrame, *,
              baseline_months: int | None = None, as_of: str | None = None, language: str = "zh") -> Readiness:
    """Can the scheme be baselined and launched on this data? See the module docstring
    for the rule. ``recommendations``: :func:`recommend_metrics`; ``as_of``: the month the
    data should reach (default the latest month of the tables the metrics need)."""
    coverage = tables if isinstance(tables, pd.DataFrame) else table_coverage(tables)
    needed = months_needed(baseline_months)
    rows, worst = [], 0          # 0 ready, 1 caveats, 2 not ready
    rec = recommendations[recommendations["recommended"]]
    pairs = sorted({(t.strip(), m) for tabs, m in zip(rec["tables"], rec["market"]) for t in tabs.split(",")})
    # The latest month of the tables the metrics need (a budget running to December is a
    # plan, not data, and must not make every table look stale).
    needed_cov = coverage.merge(pd.DataFrame(pairs, columns=["table", "market"]), on=["table", "market"])
    latest = as_of or (needed_cov["last_month"].dropna().max() if needed_cov["last_month"].notna().any() else None)
    for table, market in pairs:
        sel = coverage[(coverage["table"] == table) & coverage["market"].isin([market, ANY_MARKET])]
        if sel["months"].isna().all():
            rows.append({"item": table, "market": market, "months_available": math.nan, "months_needed": needed,
                         "status": "ok", "reason": text("readiness.static", language, table=table)})
            continue
        months = float(sel["months"].max())
        last = sel["last_month"].max()
        if months < needed:
            status, key, worst = "short", "readiness.short", max(worst, 1)
        elif latest and last < latest:
            status, key, worst = "stale", "readiness.stale", max(worst, 1)
        else:
            status, key = "ok", "readiness.ok"
        rows.append({"item": table, "market": market, "months_available": months, "months_needed": needed,
                     "status": status, "reason": text(key, language, table=table, market=market, months=f"{months:.0f}",
                                                       needed=needed, last=last, latest=latest)})
    dropped = recommendations[~recommendations["recommended"]]
    for (role, market), g in dropped.groupby(["role", "market"], sort=False):
        worst = max(worst, 1)
        rows.append({"item": role, "market": market, "months_available": math.nan, "months_needed": needed,
                     "status": "dropped", "reason": text("readiness.dropped", language, role=g["role_name"].iat[0],
                                                         market=market, metrics=_join(g["metric_name"], language),
                                                         tables=_join(sorted({t for ts in g["missing_tables"]
                                                                              for t in ts.split(", ") if t}), language))})
    for (role, market), g in recommendations.groupby(["role", "market"], sort=False):
        measurable = g.loc[g["recommended"], "template_weight"].sum() / g["template_weight"].sum()
        if not g["recommended"].any():
            worst = 2
            rows.append({"item": role, "market": market, "months_available": math.nan, "months_needed": needed,
                         "status": "no_metrics", "reason": text("readiness.no_metrics", language,
                                                                role=g["role_name"].iat[0], market=market)})
        elif measurable < MIN_MEASURABLE_WEIGHT:
            worst = 2
            rows.append({"item": role, "market": market, "months_available": math.nan, "months_needed": needed,
                         "status": "mostly_unmeasurable",
                         "reason": text("readiness.mostly_unmeasurable", language, role=g["role_name"].iat[0],
                                        market=market, share=measurable)})
    for market in dict.fromkeys(recommendations["market"]):
        if not _has(coverage, "orders", market):
            worst = 2
            rows.append({"item": "orders", "market": market, "months_available": 0.0, "months_needed": needed,
                         "status": "missing", "reason": text("readiness.no_sales", language, market=market)})
    verdict = ("ready", "caveats", "not_ready")[worst]
    return Readiness(verdict=verdict, label=text(f"readiness.verdict_{verdict}", language), months_needed=needed,
                     reasons=pd.DataFrame(rows, columns=READINESS_COLUMNS))
