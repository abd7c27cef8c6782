"""Targets by the historical method (历史均值法): per person × market × metric × month.

Definitions:

* **Basis** — ``trailing``: the last ``months`` months before the target month (default
  3); ``last_year``: the same month one year earlier.
* **Targets follow the scope, not the person.** The history is what the person's scope
  *in the target month* did: every history row is attributed through the target month's
  ownership, each key split by the share of the target month's days each owner holds it.
  A joiner who takes over OUT-* on the 25th of a 31-day month gets 7/31 of OUT-*'s history
  as the base of a sum metric; after a handover the history moves with the SKUs. A sum
  metric (GMV, sessions, stock-out days…) therefore already carries the part of the month
  owned; a ratio metric is not affected by it.
* **History value** — sum metrics: the mean of the months used; ratio metrics: the
  pooled ratio over the months used (Σ numerator ÷ Σ denominator of all of them — a
  three-month ratio, never a mean of monthly percentages). Months used are the basis
  months in which the metric's source tables have rows (a month before the data starts
  is left out, not counted as zero).
* **Target** = history × (1 + growth) × tier ``target_factor``, applied in the metric's
  good direction: multiplied for higher-is-better, divided for lower-is-better (a
  senior's 1.05 asks for 5 % more GMV and 1/1.05 of the ACoS; a junior's 0.9 the
  opposite). A negative history (a loss) moves by |history| × (factor − 1) instead.
* **Threshold and stretch** come from the payout curve (``scoring``, per metric): the
  actuals whose attainment equals the curve's threshold (default 0.8) and cap (1.2) —
  0.8 × target and 1.2 × target for higher-is-better; target ÷ 0.8 and target ÷ 1.2 for
  lower-is-better. Band metrics have no target: the registry band is the goal.

Output columns: :data:`COLUMNS`. Budget decomposition and benchmarks come later.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kpi_lib.config.models import PayoutCurve, Scoring
from kpi_lib.engine.attribution import key_shares
from kpi_lib.errors import KpiError
from kpi_lib.metrics.compute import (COMPONENTS, complete_sums, facts_needed, formula_for, is_sum_metric,
                                     month_window, rows_in_window, sum_contributions)
from kpi_lib.metrics.facts import FactTable
from kpi_lib.metrics.registry import metrics
from kpi_lib.targets.levels import curve_levels, good_direction

COLUMNS = ["person_id", "market", "metric_id", "month", "threshold", "target", "stretch", "method",
           "basis_months", "n_months", "history_value", "history_numerator", "history_denominator",
           "growth", "tier_factor"]
BASES = ("trailing", "last_year")


def basis_months(period: str, basis: str = "trailing", months: int = 3) -> list[str]:
    """The history months of ``period`` (newest first for ``trailing``)."""
    if basis not in BASES:
        raise KpiError(f"unknown target basis {basis!r}", key="basis", expected=" or ".join(BASES),
                       fix="use basis='trailing' (last N months) or 'last_year' (same month last year)")
    p = pd.Period(period, freq="M")
    if basis == "last_year":
        return [str(p - 12)]
    if months < 1:
        raise KpiError("the trailing window needs at least one month", key="months", found=months)
    return [str(p - k) for k in range(1, months + 1)]


def history_values(facts: Mapping[str, FactTable], rules: pd.DataFrame, role: str, period: str,
                   metric_ids: Sequence[str], months: Sequence[str], index: pd.DataFrame | None = None
                   ) -> pd.DataFrame:
    """Per person × market × history month × component: the history of the scope each
    person owns in ``period`` (rows read through ``period``'s ownership). ``_covered``
    lists the fact tables that had rows that month."""
    first, last = month_window(period)
    needed = sorted(n for n in facts_needed(metric_ids) if n in facts)
    sums_by_month: dict[str, list[pd.DataFrame]] = {m: [] for m in months}
    covered: dict[str, set[str]] = {m: set() for m in months}
    for name in needed:
        # All history months of one table at once: the keys' shares of this month are
        # computed once, whatever the number of months.
        pieces = []
        for month in months:
            h_first, h_last = month_window(month)
            got = rows_in_window(facts[name].frame, h_first, h_last)
            if len(got):
                covered[month].add(name)
                pieces.append(got.assign(_month=month))
        if not pieces:
            continue
        pieces = pd.concat(pieces, ignore_index=True)
        links = key_shares(pieces, rules, first, last, role=role).links
        rows = links["row"].to_numpy(np.int64)
        comps = [c for c, spec in COMPONENTS.items() if spec.fact == name and c in pieces.columns]
        contrib = pieces.iloc[rows][["market", "_month", *comps]].reset_index(drop=True)
        contrib["person_id"] = links["person_id"].astype(str).to_numpy()
        contrib["weight"] = pieces["fraction"].to_numpy()[rows] * links["share"].to_numpy()
        for month, part in contrib.groupby("_month", sort=False):
            sums_by_month[month].append(sum_contributions(part.drop(columns="_month")))
    parts = []
    for month in months:
        kept = [p for p in sums_by_month[month] if len(p)]
        sums = kept[0] if len(kept) == 1 else (
            pd.concat(kept, ignore_index=True).groupby(["person_id", "market"], sort=True).sum(min_count=1)
            .reset_index() if kept else pd.DataFrame(columns=["person_id", "market"]))
        if index is not None and covered[month]:
            sums = complete_sums(sums, index[["person_id", "market"]], covered[month])
        if len(sums):
            sums = sums.assign(month=month, _covered=",".join(sorted(covered[month])))
            parts.append(sums)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["person_id", "market", "month"])


def historical_targets(plan: pd.DataFrame, facts: Mapping[str, FactTable], rules_by_role: Mapping[str, pd.DataFrame],
                       period: str, *, scoring: Scoring | None = None, tier_factors: Mapping[tuple, float] | None = None,
                       basis: str = "trailing", months: int = 3, growth: float | Mapping[str, float] = 0.0
                       ) -> pd.DataFrame:
    """Targets for the rows of ``plan`` (person_id, role, level, market, metric_id).

    ``rules_by_role``: each role's ownership rules; ``tier_factors``: ``{(role, level):
    target_factor}`` (missing → 1.0); ``growth``: one fraction for every metric or
    ``{metric_id: fraction}``. Returns :data:`COLUMNS`."""
    scoring = scoring or Scoring()
    registry = metrics()
    used_months = basis_months(period, basis, months)
    out = []
    for role, rows in plan.groupby("role", sort=True):
        ids = list(dict.fromkeys(rows["metric_id"]))
        rules = rules_by_role.get(role)
        if rules is None or rules.empty:
            continue
        hist = history_values(facts, rules, role, period, ids, used_months, index=rows[["person_id", "market"]])
        for r in rows.drop_duplicates(["person_id", "market", "metric_id"]).itertuples(index=False):
            metric = registry[r.metric_id]
            f = formula_for(r.metric_id)
            h = hist[(hist["person_id"] == r.person_id) & (hist["market"] == r.market)] if len(hist) else hist
            ok = h["_covered"].map(lambda c: all(x in c.split(",") for x in f.facts)) if len(h) else pd.Series(dtype=bool)
            h = h[ok.to_numpy(dtype=bool)] if len(h) else h
            used = sorted(h["month"].tolist()) if len(h) else []
            num = float(h[f.numerator].sum()) if used and f.numerator in h.columns else np.nan
            den = float(sum(h[d].sum() for d in f.denominator if d in h.columns)) if used and f.denominator else np.nan
            if not used:
                value = np.nan
            elif is_sum_metric(r.metric_id):
                value = num / len(used)
            else:
                value = float(f.evaluate([num], [den])[0])
            g = growth.get(r.metric_id, 0.0) if isinstance(growth, Mapping) else float(growth)
            tier = (tier_factors or {}).get((role, r.level), 1.0)
            if metric.direction == "band":
                target = thr = top = np.nan
                method = f"band {metric.band[0]:g}–{metric.band[1]:g} (registry)"
            else:
                target = float(good_direction([value], [(1.0 + g) * tier], [metric.direction])[0])
                if not np.isfinite(target):
                    target = np.nan
                thr, top = (float(x[0]) for x in curve_levels([target], [metric.direction],
                                                                scoring.curve_for(r.metric_id)))
                method = "historical: " + ("same month last year" if basis == "last_year"
                                           else f"trailing {months}-month mean")
            out.append({"person_id": r.person_id, "market": r.market, "metric_id": r.metric_id, "month": period,
                        "threshold": thr, "target": target, "stretch": top, "method": method,
                        "basis_months": ",".join(used), "n_months": len(used), "history_value": value,
                        "history_numerator": num, "history_denominator": den, "growth": g, "tier_factor": tier})
    return pd.DataFrame(out, columns=COLUMNS)
