"""Scorecard assembly (月度考核表): from the canonical tables to each person's scores and bonus.

For a month (``YYYY-MM``):

1. **Who**: everyone employed at least one day of the month (joiners and leavers
   included; their bonus is prorated by days worked, :mod:`kpi_lib.engine.proration`).
2. **Markets**: the markets of the ownership rows the person holds in the month (the
   roster's markets when they hold none — their metrics then have no actual, and the
   problem is reported). **A person with two markets** gets one set of metric rows per
   market, each with that market's role weights (JP lists differ from US), scaled by the
   market's share of the person's attributed sales (Σ GMV of their role's scope in the
   month; equal shares when they have no sales). Weights are fractions summing to 1 per
   person.
3. **Weights**: the role's list for the market (else ``default``), the tier's own list
   where the config gives one (``roles.<role>.tiers.<level>.weights``).
4. **Actuals** per person × market × metric (:mod:`kpi_lib.metrics.compute`), **targets**
   by the historical method (:mod:`kpi_lib.targets.historical`).
5. **Exemptions, scores, totals, ratings, gates and bonus** by the engine's functions
   (:mod:`~kpi_lib.engine.exemptions`, :mod:`~kpi_lib.engine.scoring`,
   :mod:`~kpi_lib.engine.bonus`).
6. **Roll-ups** per role × team, role × market and role (the client's total for that
   role's metrics): Σ numerator ÷ Σ denominator, and for the target the sum of targets
   (sum metrics) or the denominator-weighted target (ratio metrics) — never a mean of
   percentages. Roles are rolled up separately: the operator and the CS agent of a store
   both own its orders, so adding roles together would count them twice.

Every function returns new frames; nothing is mutated.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_lib.config.loader import market_templates, role_templates
from kpi_lib.config.models import ClientConfig, Scoring
from kpi_lib.engine.attribution import PROBLEM_COLUMNS, RuleSet, campaign_sku_rules, day_numbers, prepare_rules
from kpi_lib.engine.bonus import BonusResult, compute_bonus
from kpi_lib.engine.exemptions import apply_exemptions
from kpi_lib.engine.proration import days_worked, employment_window, month_bounds
from kpi_lib.engine.scoring import attainment, gate_caps, person_totals, score_rows
from kpi_lib.errors import ConfigError, KpiError
from kpi_lib.metrics.compute import (COMPONENTS, contributions, facts_needed, is_sum_metric, month_window,
                                     person_month_values, rollup, rows_in_window)
from kpi_lib.metrics.facts import FactTable, build_facts
from kpi_lib.metrics.registry import metrics
from kpi_lib.targets.historical import historical_targets

ROW_COLUMNS = ["person_id", "name", "role", "level", "team", "market", "metric_id", "metric_name", "unit",
               "direction", "band_low", "band_high", "actual", "numerator", "denominator", "target", "threshold",
               "stretch", "target_method", "target_months", "attainment", "score", "weight", "market_share",
               "effective_weight", "weighted_score", "exempted", "exemption_ids", "note"]
SUMMARY_COLUMNS = ["person_id", "name", "role", "level", "team", "market", "total_score", "rating", "bonus",
                   "currency", "days_worked", "prorate", "n_metrics", "n_scored", "n_exempted", "notes"]

_NOTES = {
    "no_ownership": {"zh": "本月无负责范围（负责范围表中无有效记录），指标无实际值",
                     "en": "no ownership this month (no active row in the ownership sheet): no actuals"},
    "no_weights": {"zh": "岗位 {role} 在市场 {market} 没有权重", "en": "role {role} has no weights for market {market}"},
}


def _note(key: str, language: str, **values) -> str:
    return _NOTES[key].get(language, _NOTES[key]["en"]).format(**values)


@dataclass
class ScorecardResult:
    """Everything the month's scorecards show and explain (see the module docstring)."""

    client_id: str
    period: str
    rows: pd.DataFrame
    summary: pd.DataFrame
    rollups: pd.DataFrame
    targets: pd.DataFrame
    contributions: pd.DataFrame
    unattributed: pd.DataFrame
    problems: pd.DataFrame
    exemptions: pd.DataFrame
    bonus: BonusResult | None
    currency: str
    language: str
    facts: Mapping[str, FactTable] = field(repr=False, default_factory=dict)
    rules: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    target_basis: str = "trailing"
    target_months: int = 3


# -- the people and their rows -------------------------------------------------------------
def active_people(people: pd.DataFrame, period: str) -> pd.DataFrame:
    """The roster rows of everyone employed at least one day of the month."""
    window = employment_window(people, period)
    employed = window["employed_from"].notna().to_numpy()
    return people.loc[employed].reset_index(drop=True)


def role_spec(config: ClientConfig, role: str) -> dict:
    """The role's weights and tiers: the client's (layered on its template), else the
    package template of that id."""
    if role in config.roles:
        r = config.roles[role]
        return {"weights": r.weights or {}, "tiers": {k: {"target_factor": v.target_factor, "weights": v.weights}
                                                      for k, v in (r.tiers or {}).items()}}
    t = role_templates().get(role) or {}
    return {"weights": t.get("weights") or {}, "tiers": t.get("tiers") or {}}


def weights_for(spec: dict, market: str, level: str) -> dict[str, float]:
    """Metric weights (percent) for a market and tier: the tier's own list if given, else
    the role's; the market's list if given, else ``default``."""
    tier = (spec.get("tiers") or {}).get(level) or {}
    for source in (tier.get("weights") or {}, spec.get("weights") or {}):
        if market in source:
            return dict(source[market])
        if "default" in source:
            return dict(source["default"])
    return {}


def tier_factors(config: ClientConfig, roles) -> dict[tuple[str, str], float]:
    out = {}
    for role in roles:
        for level, tier in (role_spec(config, role).get("tiers") or {}).items():
            out[(role, level)] = float((tier or {}).get("target_factor", 1.0) or 1.0)
    return out


def person_markets(rules: pd.DataFrame, people: pd.DataFrame, period: str) -> pd.DataFrame:
    """``person_id, market, owns`` — the markets of each person's ownership rows active in
    the month (``owns`` True), or the roster's markets when they hold none."""
    first, last = (int(x) for x in day_numbers(list(month_bounds(period))))
    active = rules[(rules["start"] <= last) & (rules["end"] >= first) & ~rules["derived"].astype(bool)]
    owned = active[["person_id", "market"]].drop_duplicates()
    rows = []
    for p in people.itertuples(index=False):
        mine = owned.loc[owned["person_id"] == p.person_id, "market"].tolist()
        if mine:
            rows += [(p.person_id, m, True) for m in sorted(mine)]
        else:
            listed = [m.strip() for m in str(p.markets or "").split(",") if m.strip()]
            rows += [(p.person_id, m, False) for m in (listed[:1] or ["?"])]
    return pd.DataFrame(rows, columns=["person_id", "market", "owns"])


def market_shares(markets: pd.DataFrame, facts: Mapping[str, FactTable], rules: pd.DataFrame, people: pd.DataFrame,
                  period: str) -> pd.Series:
    """Each (person, market) row's share of the person's attributed GMV in the month
    (equal shares when they have no attributed sales)."""
    share = pd.Series(1.0, index=markets.index)
    counts = markets.groupby("person_id")["market"].transform("size")
    multi = markets[counts > 1]
    if multi.empty:
        return share
    share[counts > 1] = 1.0 / counts[counts > 1]
    if "orders" not in facts:
        return share
    first, last = month_window(period)
    role_of = people.set_index("person_id")["role"]
    for role in sorted(set(role_of.reindex(multi["person_id"]).dropna())):
        contrib, _, _ = contributions(facts["orders"], rules[rules["role"] == role], role, first, last, ["gmv_sales"])
        if contrib.empty:
            continue
        gmv = (contrib["gmv_sales"] * contrib["weight"]).groupby([contrib["person_id"], contrib["market"]]).sum()
        for pid, idx in multi[multi["person_id"].map(role_of) == role].groupby("person_id").groups.items():
            values = np.array([gmv.get((pid, m), 0.0) for m in markets.loc[idx, "market"]])
            if values.sum() > 0:
                share[idx] = values / values.sum()
    return share


def plan_rows(config: ClientConfig, people: pd.DataFrame, markets: pd.DataFrame, shares: pd.Series,
              language: str) -> tuple[pd.DataFrame, list[dict]]:
    """One row per person × market × weighted metric, weight = percent ÷ 100 × market share."""
    registry = metrics()
    by_id = people.set_index("person_id")
    rows, problems = [], []
    for (i, m), share in zip(markets.iterrows(), shares):
        p = by_id.loc[m["person_id"]]
        weights = weights_for(role_spec(config, p["role"]), m["market"], p["level"])
        if not weights:
            problems.append({"problem": "no_weights", "role": p["role"], "person_id": m["person_id"],
                             "market": m["market"], "message": _note("no_weights", language, role=p["role"],
                                                                     market=m["market"])})
            continue
        for mid, pct in weights.items():
            metric = registry[mid]
            rows.append({"person_id": m["person_id"], "name": p["name"], "role": p["role"], "level": p["level"],
                         "team": p.get("team"), "market": m["market"], "metric_id": mid,
                         "metric_name": metric.name(config.metric_name_language or language),
                         "unit": metric.unit, "direction": metric.direction,
                         "band_low": metric.band[0] if metric.band else np.nan,
                         "band_high": metric.band[1] if metric.band else np.nan,
                         "weight": float(pct) / 100.0 * float(share), "market_share": float(share),
                         "owns": bool(m["owns"])})
    return pd.DataFrame(rows), problems


# -- the month ------------------------------------------------------------------------------
def _timezones(config: ClientConfig) -> dict[str, str]:
    templates = market_templates()
    return {m.id: m.timezone or (templates.get(m.id) or {}).get("timezone") or "UTC" for m in config.markets}


def _require(tables: Mapping[str, pd.DataFrame], name: str, config: ClientConfig) -> pd.DataFrame:
    frame = tables.get(name)
    if frame is None or frame.empty:
        raise ConfigError(f"the scorecard needs the {name} table, and no source gave it rows",
                          client=config.client_id, file=config.config_path, key="sources",
                          fix=f"add a `type: {'people' if name == 'people' else 'ownership'}` source "
                              f"({'花名册' if name == 'people' else '负责范围'} template) to the config")
    return frame


def build_scorecard(config: ClientConfig, tables: Mapping[str, pd.DataFrame], period: str, *,
                    basis: str = "trailing", months: int = 3, growth: float | Mapping[str, float] = 0.0,
                    language: str | None = None, saved_targets: pd.DataFrame | None = None,
                    target_version: int | None = None) -> ScorecardResult:
    """The month's scorecards: see the module docstring. ``basis``/``months``/``growth``
    set the historical targets; ``saved_targets`` (a saved target version: person_id,
    market, metric_id, target, threshold, stretch[, month]) replaces them where it has a
    row, so the scheme is scored against the targets announced to the team."""
    language = language or config.report_language
    first, last = month_bounds(period)
    people_all = _require(tables, "people", config)
    ownership = _require(tables, "ownership", config)
    ruleset: RuleSet = prepare_rules(ownership, people_all)
    derived = campaign_sku_rules(ruleset.rules, tables.get("ads"))
    rules = pd.concat([ruleset.rules, derived], ignore_index=True) if len(derived) else ruleset.rules
    people = active_people(people_all, period)
    if people.empty:
        raise KpiError(f"nobody in the roster was employed in {period}", client=config.client_id, key="period",
                       fix="check the month, or the 入职日期/离职日期 in 花名册")

    markets = person_markets(rules, people, period)
    all_ids = {mid for p in people.itertuples(index=False) for m in markets.loc[markets["person_id"] == p.person_id,
                                                                                  "market"]
               for mid in weights_for(role_spec(config, p.role), m, p.level)}
    facts = build_facts(tables, facts_needed(all_ids) | {"orders"}, timezones=_timezones(config))
    shares = market_shares(markets, facts, rules, people, period)
    plan, plan_problems = plan_rows(config, people, markets, shares, language)
    if plan.empty:
        raise KpiError(f"no scorecard rows for {period}: no role of the active people has weights",
                       client=config.client_id, key="roles", fix="give each role `weights:` or a `template:`")

    values, contrib, overlaps, missing = [], [], [], []
    rules_by_role = {}
    for role, rows in plan.groupby("role", sort=True):
        role_rules = rules[rules["role"] == role]
        rules_by_role[role] = role_rules
        month = person_month_values(facts, role_rules, role, period, list(dict.fromkeys(rows["metric_id"])),
                                    index=rows[["person_id", "market"]])
        values.append(month.values.assign(role=role))
        if len(month.contrib):
            contrib.append(month.contrib.assign(role=role))
        if len(month.overlaps):
            overlaps.append(month.overlaps)
        if len(month.unattributed):
            missing.append(month.unattributed)
    values = pd.concat(values, ignore_index=True)
    scoring = config.scoring or Scoring()
    targets = historical_targets(plan, facts, rules_by_role, period, scoring=scoring,
                                 tier_factors=tier_factors(config, plan["role"].unique()), basis=basis, months=months,
                                 growth=growth)

    if saved_targets is not None and len(saved_targets):
        targets = apply_saved_targets(targets, saved_targets, period, target_version)

    rows = plan.merge(values[["person_id", "market", "metric_id", "numerator", "denominator", "actual"]],
                      on=["person_id", "market", "metric_id"], how="left")
    rows = rows.merge(targets[["person_id", "market", "metric_id", "threshold", "target", "stretch", "method",
                               "basis_months"]].rename(columns={"method": "target_method",
                                                                "basis_months": "target_months"}),
                      on=["person_id", "market", "metric_id"], how="left")
    no_owner = ~rows["owns"].to_numpy(dtype=bool)
    rows.loc[no_owner, ["actual", "numerator", "denominator"]] = np.nan
    rows = rows.drop(columns=["owns"])

    rows, audit = apply_exemptions(rows, config.exemptions, period, people_all, language=language)
    scored = score_rows(rows, scoring, language=language)
    sep = "；" if language == "zh" else "; "
    owner_note = _note("no_ownership", language)
    notes = []
    for ex_note, sc_note, owns in zip(scored["exemption_note"], scored["score_note"], ~no_owner):
        parts = [x for x in (ex_note, sc_note) if isinstance(x, str) and x]
        if not owns:
            parts.insert(0, owner_note)
        notes.append(sep.join(parts))
    scored = scored.assign(note=notes)
    totals = person_totals(scored, ratings=scoring.ratings, language=language)
    caps = gate_caps(scored, scoring.gates, language=language)
    worked = days_worked(people, period, language=language)

    bonus = None
    currency = config.base_currency
    if config.bonus is not None:
        net_profit = None
        if config.bonus.profit_pool is not None and "profit" in facts:
            net_profit = float((rows_in_window(facts["profit"].frame, first, last)
                                .eval("net_profit * fraction")).sum())
        bonus = compute_bonus(totals, config.bonus, ratings=scoring.ratings, prorate=worked, gate_caps=caps,
                              net_profit=net_profit, currency=config.base_currency, language=language)
        currency = bonus.currency

    summary = _summary(totals, worked, bonus, people, currency, language)
    out_rows = scored.reindex(columns=ROW_COLUMNS)
    problems = _problems(ruleset.problems, overlaps, plan_problems, scored, no_owner, people, language)
    contrib_all = pd.concat(contrib, ignore_index=True) if contrib else pd.DataFrame()
    return ScorecardResult(
        client_id=config.client_id, period=period, rows=out_rows, summary=summary,
        rollups=rollups(out_rows), targets=targets, contributions=contrib_all,
        unattributed=pd.concat(missing, ignore_index=True) if missing else pd.DataFrame(),
        problems=problems, exemptions=audit, bonus=bonus, currency=currency, language=language, facts=facts,
        rules=rules, target_basis=basis, target_months=months)


def apply_saved_targets(targets: pd.DataFrame, saved: pd.DataFrame, period: str,
                        version: int | None = None) -> pd.DataFrame:
    """``targets`` with threshold / target / stretch taken from a saved target version where
    it has the same person × market × metric (rows for other months are ignored); the
    ``method`` column then names the version."""
    keys = ["person_id", "market", "metric_id"]
    chosen = saved[saved["month"].astype(str) == period] if "month" in saved.columns else saved
    chosen = chosen.drop_duplicates(subset=keys, keep="last")
    levels = [c for c in ("threshold", "target", "stretch") if c in chosen.columns]
    merged = targets.merge(chosen[keys + levels].rename(columns={c: f"_saved_{c}" for c in levels}),
                           on=keys, how="left")
    hit = merged["_saved_target"].notna() if "_saved_target" in merged else pd.Series(False, index=merged.index)
    for c in levels:
        merged[c] = merged[f"_saved_{c}"].where(hit, merged[c])
    label = f"version {version}" if version is not None else "saved version"
    merged["method"] = merged["method"].astype(object).where(~hit, label)
    return merged.drop(columns=[f"_saved_{c}" for c in levels])


def _summary(totals: pd.DataFrame, worked: pd.DataFrame, bonus: BonusResult | None, people: pd.DataFrame,
             currency: str, language: str) -> pd.DataFrame:
    out = totals.merge(worked[["person_id", "days_worked", "prorate", "prorate_note"]], on="person_id", how="left")
    out = out.merge(people[["person_id", "team"]], on="person_id", how="left")
    sep = "；" if language == "zh" else "; "
    if bonus is not None:
        b = bonus.people[["person_id", "bonus", "notes"]].rename(columns={"notes": "bonus_notes"})
        out = out.merge(b, on="person_id", how="left")
        out["notes"] = [sep.join(dict.fromkeys(x for x in (n, bn) if isinstance(x, str) and x))
                        for n, bn in zip(out["notes"], out["bonus_notes"])]
    else:
        out["bonus"] = np.nan
        out["notes"] = [sep.join(x for x in (n, pn) if isinstance(x, str) and x)
                        for n, pn in zip(out["notes"], out["prorate_note"])]
    out["currency"] = currency
    return out.reindex(columns=SUMMARY_COLUMNS)


def _problems(rule_problems, overlaps, plan_problems, scored, no_owner, people, language) -> pd.DataFrame:
    parts = [rule_problems] + [o for o in overlaps if len(o)]
    extra = list(plan_problems)
    for pid in dict.fromkeys(scored.loc[no_owner, "person_id"]):
        extra.append({"problem": "no_ownership", "person_id": pid,
                      "role": people.set_index("person_id").at[pid, "role"],
                      "message": f"{pid}: " + _note("no_ownership", language)})
    if extra:
        parts.append(pd.DataFrame(extra))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=PROBLEM_COLUMNS)
    return out.reindex(columns=PROBLEM_COLUMNS).drop_duplicates(subset=["problem", "person_id", "other_person_id",
                                                                         "pattern", "key", "message"])


# -- roll-ups -------------------------------------------------------------------------------
def rollups(rows: pd.DataFrame) -> pd.DataFrame:
    """Role × team, role × market and role totals per metric as ratios of sums: actual =
    Σ numerator ÷ Σ denominator; target = Σ target (sum metrics) or the target weighted by
    each person's denominator (ratio metrics); attainment from those two."""
    levels = {"team": ["role", "team"], "market": ["role", "market"], "client": ["role"]}
    data = rows[rows["numerator"].notna()]
    parts = []
    for level, by in levels.items():
        r = rollup(data, by)
        t = data.assign(_w=np.where(data["metric_id"].map(is_sum_metric), 1.0, data["denominator"]))
        t = t.assign(_tw=t["target"] * t["_w"], _wt=t["_w"].where(t["target"].notna()))
        g = t.groupby([*by, "metric_id"], dropna=False).agg(
            _tw=("_tw", lambda s: s.sum(min_count=1)), _wt=("_wt", lambda s: s.sum(min_count=1)),
            n_people=("person_id", "nunique"), n_exempted=("exempted", "sum")).reset_index()
        r = r.merge(g, on=[*by, "metric_id"], how="left")
        sums = r["metric_id"].map(is_sum_metric).to_numpy(dtype=bool)
        r["target"] = np.where(sums, r["_tw"], r["_tw"] / r["_wt"])
        r = r.drop(columns=["_tw", "_wt"])
        registry = metrics()
        direction = r["metric_id"].map(lambda m: registry[m].direction)
        band = r["metric_id"].map(lambda m: registry[m].band or (np.nan, np.nan))
        r["attainment"] = attainment(r["actual"], r["target"], direction,
                                     band.map(lambda b: b[0]), band.map(lambda b: b[1]), cap=np.inf)
        r.insert(0, "level", level)
        for col in ("team", "market"):
            if col not in r.columns:
                r[col] = None
        parts.append(r)
    cols = ["level", "role", "team", "market", "metric_id", "numerator", "denominator", "actual", "target",
            "attainment", "n_people", "n_exempted"]
    return pd.concat(parts, ignore_index=True).reindex(columns=cols)
