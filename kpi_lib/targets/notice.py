"""Change notices (目标变更通知): for each affected person, what changed (metric, old → new
target, weight), from when (the version's ``effective_from``) and why (its reason), as
Markdown in zh or en, plus a team summary.

Good practice from the field (KPI变更提前通知团队): a change is announced before it
applies. The notice warns when ``effective_from`` is fewer than the client's
``governance.change_notice_days`` after the notice date, and when it lies in the past.

Definitions: a *change* is a row of :func:`kpi_lib.targets.versions.diff_targets`
(added, removed, or a different target / weight / threshold / stretch); *change %* =
(new − old) ÷ |old| of the target. Rows of one metric and market that change the same
way in several months are listed once with their months.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_lib.metrics.registry import metrics
from kpi_lib.targets.versions import TargetVersion, diff_targets, load_version
from kpi_lib.texts import text


@dataclass(frozen=True)
class Notice:
    """``per_person``: person_id → Markdown; ``summary``: the team summary (Markdown);
    ``warnings``: notice-period problems (also in the summary); ``diff``: the changes."""

    per_person: dict[str, str]
    summary: str
    warnings: tuple[str, ...]
    diff: pd.DataFrame
    days_notice: int = 0
    notes: tuple[str, ...] = field(default=())


def format_value(value: float, metric_id: str, *, currency: str | None = None) -> str:
    """A target in its metric's unit: ratios as percentages (28.0%), money and counts with
    thousands separators, days and hours with one decimal. Empty → —."""
    if value is None or pd.isna(value):
        return "—"
    m = metrics().get(metric_id)
    unit = m.unit if m is not None else None
    if unit == "ratio":
        return f"{value:.1%}" if abs(value) >= 0.001 else f"{value:.2%}"
    if unit == "currency":
        return f"{value:,.0f}" + (f" {currency}" if currency else "")
    if unit == "count":
        return f"{value:,.0f}"
    if unit in ("days", "hours"):
        return f"{value:,.1f}"
    if unit == "multiple":
        return f"{value:.2f}"
    return f"{value:,.4g}"


def _weight_text(value: float, percent: bool) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{value:g}%" if percent else f"{value * 100:g}%"


def _months_text(months: list[str]) -> str:
    months = sorted(m for m in months if isinstance(m, str) and m)
    if not months:
        return "—"
    periods = [pd.Period(m, freq="M") for m in months]
    if len(periods) > 2 and all((b - a).n == 1 for a, b in zip(periods, periods[1:])):
        return f"{months[0]} – {months[-1]}"
    return ", ".join(months)


def _as_version(v) -> tuple[pd.DataFrame | None, TargetVersion | None]:
    if v is None:
        return None, None
    if isinstance(v, TargetVersion):
        return v.targets, v
    return v, None


def change_notice(old, new: TargetVersion, *, people: pd.DataFrame | None = None, language: str = "zh",
                  change_notice_days: int | None = None, today: dt.date | None = None) -> Notice:
    """The notices for moving from ``old`` (a loaded :class:`TargetVersion`, a targets
    frame, or None for a first version) to ``new`` (a loaded version).

    ``people``: person_id → name (names in the notices; the id otherwise);
    ``change_notice_days``: the client's ``governance.change_notice_days``; ``today``: the
    notice date (default: today)."""
    old_frame, old_version = _as_version(old)
    if new.targets is None:
        raise ValueError("load the new version with load_version() first")
    diff = diff_targets(old_frame, new.targets)
    today = today or dt.date.today()
    effective = dt.date.fromisoformat(new.effective_from)
    days = (effective - today).days

    warnings = []
    if days < 0:
        warnings.append(text("target_notice.warn_retroactive", language, effective_from=new.effective_from))
    elif change_notice_days is not None and days < change_notice_days:
        warnings.append(text("target_notice.warn_short_notice", language, days=days, required=change_notice_days))
    notes = [] if change_notice_days is not None else [text("target_notice.note_no_policy", language)]

    names = {}
    if people is not None and "name" in people.columns:
        names = dict(zip(people["person_id"], people["name"]))
    registry = metrics()
    new_t = new.targets
    currency: dict[tuple, str] = {}
    if "currency" in new_t.columns:
        markets = new_t["market"].fillna("") if "market" in new_t.columns else [""] * len(new_t)
        currency = dict(zip(zip(new_t["person_id"], markets, new_t["metric_id"]), new_t["currency"]))
    weights = pd.concat([diff.get("old_weight", pd.Series(dtype=float)), diff.get("new_weight", pd.Series(dtype=float))])
    percent = bool((weights.dropna() > 1.0).any())

    old_no = old_version.version if old_version is not None else new.parent
    per_person: dict[str, str] = {}
    for person, rows in diff.groupby("person_id", sort=True):
        name = names.get(person) or str(person)
        lines = [text("target_notice.person_title", language, name=name), ""]
        if old_frame is None or old_no is None:
            lines.append(text("target_notice.person_intro_first", language, effective_from=new.effective_from,
                              new=new.version, reason=new.reason))
        else:
            lines.append(text("target_notice.person_intro", language, effective_from=new.effective_from,
                              new=new.version, old=old_no, reason=new.reason))
        lines += ["", text("target_notice.table_header", language)]
        group_cols = [c for c in ("metric_id", "market", "change", "old_target", "new_target", "old_weight",
                                  "new_weight") if c in rows.columns]
        for _, g in rows.groupby(group_cols, sort=False, dropna=False):
            r = g.iloc[0]
            metric_id = r["metric_id"]
            market = r["market"] if "market" in rows.columns and pd.notna(r["market"]) else ""
            cur = currency.get((person, market, metric_id))
            m = registry.get(metric_id)
            label = m.name(language) if m is not None else metric_id
            old_v, new_v = r.get("old_target"), r.get("new_target")
            if r["change"] == "added":
                delta = text("target_notice.added", language)
            elif r["change"] == "removed":
                delta = text("target_notice.removed", language)
            elif pd.notna(old_v) and pd.notna(new_v) and old_v != 0:
                delta = f"{(new_v - old_v) / abs(old_v):+.1%}"
            else:
                delta = "—"
            months = g["month"].tolist() if "month" in g.columns else []
            lines.append(f"| {label} | {market or '—'} | {_months_text(months)} | "
                         f"{format_value(old_v, metric_id, currency=cur)} | {format_value(new_v, metric_id, currency=cur)} | "
                         f"{delta} | {_weight_text(r.get('old_weight'), percent)} | "
                         f"{_weight_text(r.get('new_weight'), percent)} |")
        lines += ["", text("target_notice.closing", language)]
        per_person[str(person)] = "\n".join(lines)

    summary = _summary(diff, new, days, warnings, notes, language)
    return Notice(per_person=per_person, summary=summary, warnings=tuple(warnings), diff=diff, days_notice=days,
                  notes=tuple(notes))


def _summary(diff: pd.DataFrame, new: TargetVersion, days: int, warnings: list[str], notes: list[str],
             language: str) -> str:
    counts = diff["change"].value_counts() if len(diff) else pd.Series(dtype=int)
    lines = [text("target_notice.summary_title", language, new=new.version), ""]
    lines += [f"> {w}" for w in warnings]
    if warnings:
        lines.append("")
    lines.append(text("target_notice.summary_body", language, effective_from=new.effective_from, days=days,
                      author=new.author, reason=new.reason, people=int(diff["person_id"].nunique()) if len(diff) else 0,
                      changed=int(counts.get("changed", 0)), added=int(counts.get("added", 0)),
                      removed=int(counts.get("removed", 0))))
    if diff.empty:
        lines += ["", text("target_notice.no_changes", language)]
    else:
        registry = metrics()
        lines += ["", text("target_notice.summary_metric_header", language)]
        for metric_id, g in diff.groupby("metric_id", sort=True):
            changed = g[g["change"] == "changed"]
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = ((changed["new_target"] - changed["old_target"]) / changed["old_target"].abs()).replace(
                    [np.inf, -np.inf], np.nan)
            mean = f"{rel.mean():+.1%}" if rel.notna().any() else "—"
            m = registry.get(metric_id)
            lines.append(f"| {m.name(language) if m else metric_id} | {g['person_id'].nunique()} | {len(g)} | {mean} |")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


def notice_for_version(store, version: int | None = None, *, people: pd.DataFrame | None = None,
                       language: str = "zh", change_notice_days: int | None = None,
                       today: dt.date | None = None) -> Notice:
    """:func:`change_notice` for a stored version (default: the latest) against its parent."""
    new = load_version(store, version)
    old = load_version(store, new.parent) if new.parent is not None else None
    return change_notice(old, new, people=people, language=language, change_notice_days=change_notice_days,
                         today=today)


def notice_settings(governance: Mapping | object | None) -> int | None:
    """``change_notice_days`` from a :class:`~kpi_lib.config.models.Governance` (or a dict)."""
    if governance is None:
        return None
    if isinstance(governance, Mapping):
        return governance.get("change_notice_days")
    return getattr(governance, "change_notice_days", None)
