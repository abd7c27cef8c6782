"""The retro's action items: one row per finding worth acting on, with an owner, the
issue, the action and a due date, in the report language.

Sources and when they produce an item:

* sales decomposition – a key below target by at least ``min_deviation_share`` (5 %) of
  its target; the action follows the largest negative effect (traffic, conversion or
  price);
* ad efficiency – ``worse`` rows (ACoS/TACoS up or above target);
* stock-outs – rows losing more than ``min_lost_sales`` of sales;
* anomalies – flagged sudden changes;
* rating gaps – flagged manager ratings out of line (owner: the person's manager when
  the roster says who that is);
* exemptions – an exemption moving a total score by at least ``min_exemption_effect``
  points (owner: the consultant, who checks the evidence).

Owners are person ids (with the name when ``people`` is given) or a role description;
``due`` is day ``due_day`` (15) of the month after ``period`` — before the next review.
"""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from kpi_lib.texts import text

ACTION_COLUMNS = ["owner", "issue", "action", "due", "source"]


def due_date(period: str, day: int = 15) -> str:
    """Day ``day`` of the month after ``period`` (YYYY-MM), ISO."""
    nxt = pd.Period(period, "M") + 1
    return dt.date(nxt.year, nxt.month, min(day, nxt.days_in_month)).isoformat()


def _fmt(value: object, spec: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return format(value, spec)


def _owner(row: dict, people: pd.DataFrame | None, language: str) -> str:
    pid = row.get("person_id")
    if pid is not None and not (isinstance(pid, float) and math.isnan(pid)):
        if people is not None and "name" in people.columns:
            names = dict(zip(people["person_id"], people["name"]))
            if pid in names:
                return f"{pid} {names[pid]}"
        return str(pid)
    if row.get("market") is not None:
        return text("retro.owner_market", language, market=row["market"])
    return text("retro.owner_team", language)


def _subject(row: dict) -> str:
    parts = [str(row[k]) for k in ("market", "store", "sku") if k in row and row[k] is not None and str(row[k]) != "nan"]
    return " ".join(parts)


def _metric_name(metric_id: object, language: str) -> str:
    from kpi_lib.metrics.registry import metrics

    m = metrics().get(str(metric_id))
    return m.name(language) if m is not None else str(metric_id)


def action_items(period: str, *, decomposition: pd.DataFrame | None = None, ads: pd.DataFrame | None = None,
                 stockouts: pd.DataFrame | None = None, anomalies: pd.DataFrame | None = None,
                 rating_gaps: pd.DataFrame | None = None, exemption_effects: pd.DataFrame | None = None,
                 people: pd.DataFrame | None = None, min_deviation_share: float = 0.05, min_lost_sales: float = 0.0,
                 min_exemption_effect: float = 5.0, due_day: int = 15, language: str = "zh") -> pd.DataFrame:
    """``ACTION_COLUMNS`` from the retro's findings (see the module docstring)."""
    due = due_date(period, due_day)
    items: list[dict] = []

    def add(row: dict, source: str, issue: str, action: str, owner: str | None = None) -> None:
        items.append({"owner": owner or _owner(row, people, language), "issue": issue, "action": action,
                      "due": due, "source": source})

    if decomposition is not None:
        for r in decomposition.to_dict("records"):
            target = r.get("target_sales") or 0.0
            if target <= 0 or r["deviation"] >= 0 or -r["deviation"] < min_deviation_share * target:
                continue
            effects = {k: r[f"{k}_effect"] for k in ("traffic", "conversion", "price")}
            kind = min(effects, key=effects.get)
            if effects[kind] >= 0:
                kind = "other"
            add(r, "sales", text("retro.issue_sales", language, subject=_subject(r), gap=-r["deviation"] / target,
                                 deviation=r["deviation"], cause=text(f"retro.cause_{kind}", language),
                                 effect=effects.get(kind, r.get("other_effect", 0.0))),
                text(f"retro.action_sales_{kind}", language))
    if ads is not None:
        for r in ads[ads["worse"]].to_dict("records"):
            add(r, "ads", text("retro.issue_ads", language, subject=_subject(r), acos=_fmt(r["acos"], ".1%"),
                               acos_prev=_fmt(r["acos_prev"], ".1%"), acos_target=_fmt(r["acos_target"], ".1%"),
                               tacos=_fmt(r["tacos"], ".1%"), tacos_prev=_fmt(r["tacos_prev"], ".1%")),
                text("retro.action_ads", language))
    if stockouts is not None:
        for r in stockouts[stockouts["lost_sales"].fillna(0) > min_lost_sales].sort_values(
                "lost_sales", ascending=False).to_dict("records"):
            add(r, "stockout", text("retro.issue_stockout", language, subject=_subject(r), days=r["stockout_days"],
                                    loss=r["lost_sales"]), text("retro.action_stockout", language))
    if anomalies is not None:
        for r in anomalies[anomalies["flagged"]].to_dict("records"):
            add(r, "anomaly", text("retro.issue_anomaly", language, metric=_metric_name(r.get("metric_id"), language),
                                   change=r["change"], z=r["robust_z"], assessment=text(
                                       f"retro.assessment_{r['assessment'] if r['assessment'] in ('better', 'worse') else 'none'}",
                                       language)), text("retro.action_anomaly", language))
    if rating_gaps is not None:
        managers = {}
        if people is not None and "manager_id" in people.columns:
            managers = {p: m for p, m in zip(people["person_id"], people["manager_id"]) if isinstance(m, str) and m}
        for r in rating_gaps[rating_gaps["flagged"]].to_dict("records"):
            manager = managers.get(r["person_id"])
            owner = (_owner({"person_id": manager}, people, language) if manager
                     else text("retro.owner_manager", language, person=r["person_id"]))
            add(r, "rating", text(f"retro.issue_rating_{r['direction']}", language, person=r["person_id"],
                                  rating=r["rating"], score=r["total_score"]),
                text("retro.action_rating", language), owner=owner)
    if exemption_effects is not None:
        for r in exemption_effects.to_dict("records"):
            if pd.notna(r["effect"]) and abs(r["effect"]) >= min_exemption_effect:
                add(r, "exemption", text("retro.issue_exemption", language, person=r["person_id"], effect=r["effect"],
                                         metrics=r.get("exempted_metrics") or "—"),
                    text("retro.action_exemption", language), owner=text("retro.owner_consultant", language))
    return pd.DataFrame(items, columns=ACTION_COLUMNS)
