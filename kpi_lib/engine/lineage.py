"""Lineage (数据溯源): how one person's metric for a month was computed, back to the files.

:func:`explain` answers ``kpi explain CONFIG --period 2026-10 --person P004 --metric gmv``:
the registry's formula and its implementation (Σ components), the numerator and
denominator with their values (money in base currency, with the FX rates and the local
amounts where converted), the source files and row counts behind them, the target and
how it was set (method, months used, history, growth, tier factor), the score, and any
exemption applied. The sums shown reproduce the actual exactly: they are the same
attributed rows (:func:`kpi_lib.metrics.compute.contributions`) the scorecard summed.

Only that person's numbers are shown (an employee's scorecard shows only that employee).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_lib.errors import KpiError, did_you_mean
from kpi_lib.metrics.compute import COMPONENTS, contributions, formula_for, month_window
from kpi_lib.metrics.facts import build_facts
from kpi_lib.metrics.registry import metrics

_LABELS = {
    "zh": {"person": "人员", "metric": "指标", "formula": "公式（指标库）", "impl": "计算", "market": "市场",
           "actual": "实际值", "numerator": "分子", "denominator": "分母", "sources": "来源文件", "rows": "行",
           "fx": "汇率", "target": "目标", "method": "目标方法", "months": "参考月份", "history": "历史值",
           "growth": "增长", "tier": "职级系数", "threshold": "门槛", "stretch": "挑战", "score": "得分",
           "attainment": "达成率", "weight": "权重", "effective": "有效权重", "exempted": "豁免",
           "none": "无", "not_in_scheme": "（不在该岗位考核指标中，仅供参考）", "check": "核对",
           "share": "加权行数"},
    "en": {"person": "Person", "metric": "Metric", "formula": "Formula (registry)", "impl": "Computed as",
           "market": "Market", "actual": "Actual", "numerator": "Numerator", "denominator": "Denominator",
           "sources": "Source files", "rows": "rows", "fx": "FX", "target": "Target", "method": "Method",
           "months": "Months used", "history": "History", "growth": "Growth", "tier": "Tier factor",
           "threshold": "Threshold", "stretch": "Stretch", "score": "Score", "attainment": "Attainment",
           "weight": "Weight", "effective": "effective weight", "exempted": "Exemption", "none": "none",
           "not_in_scheme": "(not in the role's scheme; shown for reference)", "check": "Check",
           "share": "weighted rows"},
}


@dataclass
class Explanation:
    """The explanation as printable ``lines`` and the numbers behind it (``data``: per
    market the numerator, denominator, actual and the per-file inputs)."""

    person_id: str
    metric_id: str
    period: str
    lines: list[str]
    data: dict = field(default_factory=dict)

    def text(self) -> str:
        return "\n".join(self.lines)


def _fmt(value, unit: str | None = None) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    v = float(value)
    if np.isinf(v):
        return "∞"
    if unit == "ratio":
        return f"{v:.2%}"
    if abs(v) >= 1000:
        return f"{v:,.2f}"
    return f"{v:.4g}" if abs(v) < 1 else f"{v:,.2f}"


def check_person(result, person_id: str) -> pd.Series:
    """The person's summary row; a KpiError with the closest id (or name) otherwise."""
    summary = result.summary
    hit = summary[summary["person_id"] == person_id]
    if hit.empty:
        by_name = summary[summary["name"] == person_id]
        if len(by_name) == 1:
            return by_name.iloc[0]
        ids = summary["person_id"].astype(str).tolist()
        guess = did_you_mean(person_id, ids + summary["name"].astype(str).tolist())
        raise KpiError(f"no scorecard for person {person_id!r} in {result.period}", client=result.client_id,
                       key="--person", expected="one of " + ", ".join(ids),
                       fix=f"did you mean {guess!r}?" if guess else "use an employee ID (工号) from the roster who "
                                                                     "was employed that month")
    return hit.iloc[0]


def check_metric(metric_id: str) -> None:
    registry = metrics()
    if metric_id not in registry:
        guess = did_you_mean(metric_id, registry)
        raise KpiError(f"unknown metric {metric_id!r}", key="--metric",
                       fix=f"did you mean {guess!r}?" if guess else "see docs/metrics.md for the metric ids")


def person_contributions(result, person_id: str, role: str, metric_id: str,
                         tables: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The attributed row pieces behind one person's metric (all markets)."""
    f = formula_for(metric_id)
    c = result.contributions
    if len(c):
        mine = c[(c["person_id"] == person_id) & (c["role"] == role) & c["fact"].isin(f.facts)]
        if set(mine["fact"]) >= {x for x in f.facts if x in result.facts} and len(mine):
            return mine
    facts = dict(result.facts)
    missing = [x for x in f.facts if x not in facts]
    if missing and tables is not None:
        tz = {}
        facts.update(build_facts(tables, missing, timezones=tz))
    first, last = month_window(result.period)
    rules = result.rules[result.rules["role"] == role]
    parts = []
    for name in f.facts:
        if name in facts:
            contrib, _, _ = contributions(facts[name], rules, role, first, last)
            parts.append(contrib[contrib["person_id"] == person_id].assign(role=role))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def explain(result, person_id: str, metric_id: str, *, market: str | None = None,
            tables: Mapping[str, pd.DataFrame] | None = None, language: str | None = None) -> Explanation:
    """Explain one person × metric of a scorecard (``result``: a ScorecardResult)."""
    language = language or result.language
    L = _LABELS.get(language, _LABELS["en"])
    check_metric(metric_id)
    person = check_person(result, person_id)
    person_id = person["person_id"]
    metric = metrics()[metric_id]
    f = formula_for(metric_id)
    rows = result.rows[(result.rows["person_id"] == person_id) & (result.rows["metric_id"] == metric_id)]
    in_scheme = not rows.empty
    contrib = person_contributions(result, person_id, person["role"], metric_id, tables)
    markets = sorted(set(rows["market"])) if in_scheme else sorted(set(contrib["market"])) if len(contrib) else []
    if market is not None:
        markets = [m for m in markets if m == market]
    lines = [
        f"{L['person']}: {person_id} {person['name']} · {person['role']} · {person['level']} · {result.period}",
        f"{L['metric']}: {metric_id} · {metric.name(language if language in ('zh', 'en', 'ja') else 'en')} "
        f"({metric.unit}, {metric.direction}{'' if not metric.band else f' {metric.band[0]:g}–{metric.band[1]:g}'})"
        + ("" if in_scheme else f" {L['not_in_scheme']}"),
        f"{L['formula']}: {metric.formula}",
        f"{L['impl']}: {f.text()}",
    ]
    data: dict = {"markets": {}}
    for m in markets or [None]:
        c = contrib[contrib["market"] == m] if len(contrib) else contrib
        num, den, files = _inputs(c, f)
        actual = float(f.evaluate([num], [den] if f.denominator else None)[0]) if len(c) or not f.denominator else np.nan
        row = rows[rows["market"] == m].iloc[0] if in_scheme and (rows["market"] == m).any() else None
        lines.append("")
        lines.append(f"[{L['market']} {m}] {L['actual']} = {_fmt(actual, metric.unit)}"
                     + (f"  ({L['check']}: {_fmt(row['actual'], metric.unit)})" if row is not None else ""))
        lines.append(f"  {L['numerator']} Σ {f.numerator} = {_fmt(num)}"
                     + (f" {result.currency}" if COMPONENTS[f.numerator].money else ""))
        if f.denominator:
            lines.append(f"  {L['denominator']} {' + '.join('Σ ' + d for d in f.denominator)} = {_fmt(den)}"
                         + (f" {result.currency}" if COMPONENTS[f.denominator[0]].money else ""))
        lines.append(f"  {L['sources']}:")
        for rec in files.to_dict("records"):
            money = []
            for comp in f.components:
                if comp in rec and COMPONENTS[comp].money and rec["currency"] and rec["currency"] != result.currency \
                        and rec["fx_rate"] and not np.isnan(rec["fx_rate"]):
                    money.append(f"{comp} {_fmt(rec[comp] / rec['fx_rate'])} {rec['currency']} × {L['fx']} "
                                 f"{rec['fx_rate']:g} = {_fmt(rec[comp])} {result.currency}")
            parts = [f"{comp} {_fmt(rec[comp])}" for comp in dict.fromkeys(f.components) if comp in rec]
            lines.append(f"    - {rec['source_file']} ({rec['fact']}): {int(rec['rows'])} {L['rows']}, "
                         f"{L['share']} {_fmt(rec['weight'])}; " + ", ".join(money or parts))
        data["markets"][m] = {"numerator": num, "denominator": den, "actual": actual,
                              "files": files.to_dict("records")}
        if row is not None:
            t = result.targets
            t = t[(t["person_id"] == person_id) & (t["metric_id"] == metric_id) & (t["market"] == m)]
            if len(t):
                t = t.iloc[0]
                lines.append(f"  {L['target']} {_fmt(t['target'], metric.unit)} ({L['threshold']} "
                             f"{_fmt(t['threshold'], metric.unit)}, {L['stretch']} {_fmt(t['stretch'], metric.unit)})")
                lines.append(f"  {L['method']}: {t['method']}; {L['months']}: {t['basis_months'] or L['none']}; "
                             f"{L['history']} {_fmt(t['history_value'], metric.unit)}; {L['growth']} {t['growth']:+.0%}; "
                             f"{L['tier']} {t['tier_factor']:g}")
                data["markets"][m]["target"] = t.to_dict()
            lines.append(f"  {L['attainment']} {_fmt(row['attainment'])}, {L['score']} {_fmt(row['score'])}, "
                         f"{L['weight']} {row['weight']:.3f} ({L['effective']} {_fmt(row['effective_weight'])})")
            exempted = bool(row["exempted"]) if pd.notna(row["exempted"]) else False
            audit = result.exemptions
            if exempted and len(audit):
                a = audit[(audit["person_id"] == person_id) & (audit["metric_id"] == metric_id)]
                for rec in a.to_dict("records"):
                    lines.append(f"  {L['exempted']}: {rec['exemption_id']} ({rec['kind']}, {rec['start']} – {rec['end']}, "
                                 f"{rec['days_overlapped']} d; {rec['approved_by']}): {rec['evidence']}")
            else:
                lines.append(f"  {L['exempted']}: {L['none']}")
            if isinstance(row["note"], str) and row["note"]:
                lines.append(f"  {row['note']}")
    return Explanation(person_id, metric_id, result.period, lines, data)


def _inputs(contrib: pd.DataFrame, formula) -> tuple[float, float, pd.DataFrame]:
    """Σ numerator, Σ denominator and per (fact, file, currency, rate) the row counts and
    weighted component sums."""
    comps = [c for c in dict.fromkeys(formula.components)]
    if contrib is None or contrib.empty:
        return (0.0 if not formula.denominator else 0.0), 0.0, pd.DataFrame(
            columns=["fact", "source_file", "currency", "fx_rate", "rows", "weight", *comps])
    w = contrib["weight"].to_numpy(dtype=float)
    frame = pd.DataFrame({"fact": contrib["fact"].to_numpy(), "source_file": contrib["source_file"].astype(str).to_numpy(),
                          "currency": contrib["currency"].astype("string").fillna("").to_numpy(),
                          "fx_rate": pd.to_numeric(contrib["fx_rate"], errors="coerce").fillna(np.nan).to_numpy(),
                          "rows": 1.0, "weight": w})
    for comp in comps:
        frame[comp] = (pd.to_numeric(contrib[comp], errors="coerce").fillna(0.0).to_numpy() * w
                       if comp in contrib.columns else 0.0)
    files = frame.groupby(["fact", "source_file", "currency", "fx_rate"], dropna=False, sort=True)[
        ["rows", "weight", *comps]].sum().reset_index()
    num = float(frame[formula.numerator].sum())
    den = float(sum(frame[d].sum() for d in formula.denominator)) if formula.denominator else np.nan
    return num, den, files
