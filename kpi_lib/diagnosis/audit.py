"""KPI-design audit: the client's current scheme against the field's known pitfalls.

Each rule is a small pure function declared in the registry :data:`RULES` with an id, a
severity (high / medium / low) and a check. A check takes the :class:`AuditContext` and
returns :class:`Hit` s — the offending roles, metrics and values; the audit renders each
hit as one finding with the rule's title, the evidence and the rule's recommendation in
the report language (texts ``audit.<rule_id>.*`` in ``defaults/texts_analytics.yaml``).

Rules (field notes 常见坑 and DESIGN.md "Pitfalls from the field"):

======================== ======== ===========================================================
id                       severity fires when
======================== ======== ===========================================================
domestic_template        high     a metric of a domestic platform (直通车, 好评返现 …), a role's
                                  list matching a known domestic template, or no
                                  platform-specific metric in the whole scheme
too_many_kpis            medium   more than ``max_kpis`` (6) metrics for one role/level/market
same_targets_by_level    medium   junior and senior staff share one target (or one tier factor)
no_japan_metrics         high     a role working on JP has none of review response, negative
                                  reviews, returns, FBA inbound appointments
sales_only               high     a role measures sales but neither profit, returns nor
                                  inventory health; or the scheme never measures one of them
manual_vs_system         high     a manual figure differs from the system figure by more than
                                  ``manual_tolerance`` (3 %), or the data-quality report found an
                                  ERP vs Business Report sales conflict
no_logistics_exemption   medium   logistics-sensitive metrics without an exemption rule
no_change_notice         medium   no change-notice practice (or fewer than ``min_notice_days``)
no_review_cadence        medium   no regular KPI review
no_baseline              high     no baseline planned, or none frozen before the launch month
jp_deduction_limit       high     a deduction for staff employed in Japan exceeds the Labour
                                  Standards Act art. 91 limits
======================== ======== ===========================================================

Art. 91 (労働基準法第91条): one deduction may not exceed half a day's average wage, and the
deductions of one pay period may not exceed 10 % of that period's wages. The average
daily wage (平均賃金, art. 12) is the wages of the last three months divided by their
calendar days; with a fixed monthly salary the audit uses ``monthly_salary × 3 ÷ 92`` —
the longest three-month span, i.e. the lowest daily wage and the strictest limit.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from kpi_lib.config.models import ClientConfig
from kpi_lib.diagnosis.scheme import ALL, CurrentScheme, _key, knowledge, metric_id_for, role_names, scheme_from_config
from kpi_lib.texts import text

FINDING_COLUMNS = ["rule_id", "severity", "title", "evidence", "recommendation"]
SEVERITIES = ("high", "medium", "low")
JP_DAYS_FOR_AVERAGE_WAGE = 92       # calendar days of the longest three-month span
JP_SINGLE_DEDUCTION_SHARE = 0.5     # of a day's average wage (art. 91)
JP_PERIOD_DEDUCTION_SHARE = 0.10    # of the pay period's wages (art. 91)
_LOGISTICS_WORDS = ("物流", "延误", "船期", "港口", "清关", "入仓", "logistic", "delay", "shipping", "port",
                    "配送遅延", "遅延")


@dataclass(frozen=True)
class AuditOptions:
    """Tunable limits of the audit. ``max_kpis``: most metrics one person should carry;
    ``manual_tolerance``: relative gap (fraction) between a manual and a system figure
    that counts as a disagreement; ``domestic_match``: share of a role's metrics found in
    one domestic template that counts as a copy; ``min_notice_days``: shortest change
    notice that counts as a practice."""

    max_kpis: int = 6
    manual_tolerance: float = 0.03
    domestic_match: float = 0.8
    min_notice_days: int = 7


@dataclass(frozen=True)
class Hit:
    """One offending item: which evidence text (``audit.<rule>.<evidence>``) and its values."""

    evidence: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class AuditContext:
    """Everything a rule may look at. ``people``: canonical people table (with
    ``employed_in``, ``monthly_salary``, ``salary_currency`` when known); ``conflicts``:
    system-vs-system disagreements (market, month, left, right, difference);
    ``baselines``: :func:`kpi_lib.baseline.list_baselines` (None = store not consulted);
    ``fx_rates``: base-currency units per unit of each currency."""

    scheme: CurrentScheme
    people: pd.DataFrame | None = None
    conflicts: pd.DataFrame | None = None
    baselines: pd.DataFrame | None = None
    fx_rates: Mapping[str, float] = field(default_factory=dict)
    options: AuditOptions = field(default_factory=AuditOptions)
    language: str = "zh"


@dataclass(frozen=True)
class Rule:
    """A pitfall rule: id, severity and check; title and recommendation are texts."""

    id: str
    severity: str
    check: Callable[[AuditContext], list[Hit]]

    def title(self, language: str = "zh") -> str:
        return text(f"audit.{self.id}.title", language)

    def recommendation(self, language: str = "zh") -> str:
        return text(f"audit.{self.id}.recommendation", language)


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str) -> Callable:
    """Register a check function as a rule (in declaration order)."""
    if severity not in SEVERITIES:
        raise ValueError(f"rule {rule_id}: severity must be one of {SEVERITIES}")

    def register(check: Callable[[AuditContext], list[Hit]]) -> Callable:
        RULES[rule_id] = Rule(rule_id, severity, check)
        return check
    return register


# -- naming helpers -----------------------------------------------------------------
def _join(items: Iterable[object], language: str) -> str:
    return ("、" if language == "zh" else ", ").join(str(i) for i in items)


def _metric_name(metric_id: object, label: object, language: str) -> str:
    from kpi_lib.metrics.registry import metrics

    if isinstance(metric_id, str) and metric_id in metrics():
        return metrics()[metric_id].name(language)
    return str(label)


def _market_name(market: str, language: str) -> str:
    return text("audit.all_markets", language) if market == ALL else market


def _level_name(level: str, language: str) -> str:
    return text(f"audit.level_{level}", language)


def _metric_key(row_metric_id: object, label: object) -> str:
    """How two metrics are told apart: the registry id, else the normalised label."""
    return row_metric_id if isinstance(row_metric_id, str) and row_metric_id else _key(label)


def kpi_lists(scheme: CurrentScheme) -> dict[tuple[str, str, str], pd.DataFrame]:
    """The metrics one person of (role, level, market) carries: the rows for their level
    or all levels and their market or all markets. Roles without level-specific rows give
    level ``all``; roles without market-specific rows give market ``all``."""
    rows = scheme.rows
    out: dict[tuple[str, str, str], pd.DataFrame] = {}
    for role, g in rows.groupby("role", sort=False):
        levels = [lv for lv in ("junior", "senior") if (g["level"] == lv).any()] or [ALL]
        specific = [m for m in dict.fromkeys(g["market"]) if m != ALL]
        markets = list(dict.fromkeys([*specific, *scheme.markets])) if specific else [ALL]
        for level in levels:
            for market in markets:
                sel = g[g["level"].isin([level, ALL]) & g["market"].isin([market, ALL])]
                if len(sel):
                    out[(str(role), level, market)] = sel
    return out


def _names(sel: pd.DataFrame, language: str) -> str:
    return _join([_metric_name(m, lbl, language) for m, lbl in zip(sel["metric_id"], sel["metric_label"])], language)


def _roles_with_levels(people: pd.DataFrame | None) -> dict[str, set[str]]:
    if people is None or "role" not in people.columns or "level" not in people.columns:
        return {}
    return {str(r): set(g["level"].dropna().astype(str)) for r, g in people.groupby("role")}


def _covers_market(people: pd.DataFrame | None, role: str, market: str) -> bool:
    """Someone in the role works on ``market`` (True when the roster is not known)."""
    if people is None or "markets" not in people.columns:
        return True
    staff = people[people["role"] == role]
    if market == ALL:
        return len(staff) > 0
    return bool(staff["markets"].fillna("").astype(str).str.split(",").map(
        lambda ms: market in [m.strip() for m in ms]).any())


# -- the rules ----------------------------------------------------------------------
@rule("domestic_template", "high")
def domestic_template(ctx: AuditContext) -> list[Hit]:
    """Metrics of domestic platforms, roles copying a known domestic template, or no
    platform-specific metric anywhere in the scheme."""
    lang, rows, kb = ctx.language, ctx.scheme.rows, knowledge()
    hits: list[Hit] = []
    for row in rows.itertuples(index=False):
        label = "" if row.metric_label is None else str(row.metric_label)
        for spec in kb.get("domestic_metrics") or []:
            if _key(spec["pattern"]) in _key(label):
                hits.append(Hit("evidence_domestic_metric", {
                    "role": role_names(row.role, lang), "metric": label, "what": spec.get(lang) or spec["en"]}))
                break
    seen = set()
    for (role, _level, market), sel in kpi_lists(ctx.scheme).items():
        keys = {_metric_key(m, lbl) for m, lbl in zip(sel["metric_id"], sel["metric_label"])}
        for tid, template in (kb.get("domestic_templates") or {}).items():
            tkeys = {_metric_key(metric_id_for(lbl), lbl) for lbl in template["metrics"]}
            common = keys & tkeys
            if len(common) >= 3 and len(common) / len(keys) >= ctx.options.domestic_match and (role, tid) not in seen:
                seen.add((role, tid))
                hits.append(Hit("evidence_domestic_template", {
                    "role": role_names(role, lang), "market": _market_name(market, lang),
                    "template": template["names"].get(lang) or template["names"]["en"],
                    "share": len(common) / len(keys), "metrics": _names(sel, lang)}))
    platform = set(kb.get("platform_metrics") or [])
    if len(rows) and not (set(rows["metric_id"].dropna()) & platform):
        from kpi_lib.metrics.registry import metrics
        examples = [metrics()[m].name(lang) for m in ("acos", "unit_session_pct", "odr", "days_of_supply")]
        hits.append(Hit("evidence_no_platform_metric", {"examples": _join(examples, lang)}))
    return hits


@rule("too_many_kpis", "medium")
def too_many_kpis(ctx: AuditContext) -> list[Hit]:
    """A person carrying more than ``max_kpis`` metrics chases points, not results."""
    lang = ctx.language
    return [Hit("evidence", {"role": role_names(role, lang), "level": _level_name(level, lang),
                             "market": _market_name(market, lang), "n": len(sel), "max": ctx.options.max_kpis,
                             "metrics": _names(sel, lang)})
            for (role, level, market), sel in kpi_lists(ctx.scheme).items() if len(sel) > ctx.options.max_kpis]


@rule("same_targets_by_level", "medium")
def same_targets_by_level(ctx: AuditContext) -> list[Hit]:
    """Junior and senior staff on one target: from level rows with targets (workbook) or
    from the role tiers' target factors (config). Roles whose staff are all of one level
    (when the roster is known) are not flagged."""
    lang, rows, tiers = ctx.language, ctx.scheme.rows, ctx.scheme.tiers
    staffed = _roles_with_levels(ctx.people)
    hits: list[Hit] = []

    def mixed(role: str) -> bool:
        return not staffed or {"junior", "senior"} <= staffed.get(role, set())

    for role, g in rows.groupby("role", sort=False):
        if not mixed(str(role)):
            continue
        with_target = g[g["target"].notna()]
        if len(with_target):
            for (market, key), m in with_target.groupby(
                    [with_target["market"], [_metric_key(a, b) for a, b in zip(with_target["metric_id"],
                                                                               with_target["metric_label"])]],
                    sort=False):
                by_level = dict(zip(m["level"], m["target"]))
                name = _metric_name(m["metric_id"].iat[0], m["metric_label"].iat[0], lang)
                if "junior" in by_level and "senior" in by_level:
                    if math.isclose(by_level["junior"], by_level["senior"], rel_tol=1e-9, abs_tol=1e-12):
                        hits.append(Hit("evidence_equal_targets", {
                            "role": role_names(role, lang), "market": _market_name(market, lang),
                            "metric": name, "target": f"{by_level['junior']:g}"}))
                elif set(by_level) == {ALL}:
                    hits.append(Hit("evidence_one_target", {
                        "role": role_names(role, lang), "market": _market_name(market, lang),
                        "metric": name, "target": f"{by_level[ALL]:g}"}))
            continue
        if ctx.scheme.kind != "config":
            continue        # a workbook row without targets says nothing about levels
        t = tiers[tiers["role"] == role]
        factors = dict(zip(t["level"], t["target_factor"]))
        own = bool(t["own_weights"].any()) if len(t) else False
        if {"junior", "senior"} - set(factors):
            hits.append(Hit("evidence_no_tiers", {"role": role_names(role, lang)}))
        elif not own and math.isclose(float(factors["junior"]), float(factors["senior"])):
            hits.append(Hit("evidence_equal_factors", {"role": role_names(role, lang),
                                                       "factor": f"{float(factors['junior']):g}"}))
    return hits


@rule("no_japan_metrics", "high")
def no_japan_metrics(ctx: AuditContext) -> list[Hit]:
    """A role working on Japan without any of the metrics Japanese buyers and Amazon JP
    judge a seller by. Only roles a Japan metric is meant for (the registry's ``roles``
    of those metrics) are checked."""
    from kpi_lib.metrics.registry import metrics

    lang, scheme = ctx.language, ctx.scheme
    jp_metrics = [m for m in knowledge().get("japan_metrics") or [] if m in metrics()]
    meant_for = {r for m in jp_metrics for r in metrics()[m].roles}
    if "JP" not in scheme.markets and not (scheme.rows["market"] == "JP").any():
        return []
    found: dict[tuple[str, str], list] = {}
    for (role, level, market), sel in kpi_lists(scheme).items():
        if role not in meant_for or market not in ("JP", ALL) or not _covers_market(ctx.people, role, "JP"):
            continue
        if set(sel["metric_id"].dropna()) & set(jp_metrics):
            continue
        found.setdefault((role, market), []).append((level, sel))
    hits = []
    for (role, market), items in found.items():
        suggest = [metrics()[m].name(lang) for m in jp_metrics if role in metrics()[m].roles]
        hits.append(Hit("evidence", {"role": role_names(role, lang), "market": _market_name(market, lang),
                                     "metrics": _names(items[0][1], lang), "suggest": _join(suggest, lang)}))
    return hits


@rule("sales_only", "high")
def sales_only(ctx: AuditContext) -> list[Hit]:
    """Sales without profit, returns or inventory health: per role (all three missing)
    and for the scheme as a whole (a group no role measures)."""
    lang, groups = ctx.language, knowledge()["metric_groups"]
    volume, guards = set(groups["volume"]), {g: set(groups[g]) for g in ("profit", "returns", "inventory")}
    hits = []
    seen = set()
    for (role, _level, market), sel in kpi_lists(ctx.scheme).items():
        ids = set(sel["metric_id"].dropna())
        if ids & volume and not any(ids & g for g in guards.values()) and (role, market) not in seen:
            seen.add((role, market))
            hits.append(Hit("evidence_role", {"role": role_names(role, lang), "market": _market_name(market, lang),
                                              "metrics": _names(sel, lang)}))
    all_ids = set(ctx.scheme.rows["metric_id"].dropna())
    if all_ids & volume:
        missing = [text(f"audit.group_{g}", lang) for g, members in guards.items() if not all_ids & members]
        if missing:
            hits.append(Hit("evidence_scheme", {"groups": _join(missing, lang)}))
    return hits


def conflicts_frame(quality: object) -> pd.DataFrame:
    """Sales conflicts as a frame (kind, market, month, left, right, difference) from a
    :class:`~kpi_lib.ingest.quality.QualityReport`, a list of its conflicts, or a frame."""
    columns = ["kind", "market", "month", "left", "right", "difference"]
    if quality is None:
        return pd.DataFrame(columns=columns)
    if isinstance(quality, pd.DataFrame):
        return quality.reindex(columns=columns)
    items = getattr(quality, "conflicts", quality)
    return pd.DataFrame([c.as_dict() if hasattr(c, "as_dict") else dict(c) for c in items], columns=columns)


@rule("manual_vs_system", "high")
def manual_vs_system(ctx: AuditContext) -> list[Hit]:
    """Manual figures that differ from the system's by more than ``manual_tolerance``, and
    system-vs-system conflicts the data-quality report found (ERP/LingXing vs Business
    Report sales)."""
    lang, rows, tol = ctx.language, ctx.scheme.rows, ctx.options.manual_tolerance
    hits = []
    both = rows[rows["manual_value"].notna() & rows["system_value"].notna()]
    for row in both.itertuples(index=False):
        system, manual = float(row.system_value), float(row.manual_value)
        diff = (manual - system) / abs(system) if system != 0 else (math.inf if manual != 0 else 0.0)
        if abs(diff) > tol:
            hits.append(Hit("evidence_manual", {
                "role": role_names(row.role, lang), "metric": _metric_name(row.metric_id, row.metric_label, lang),
                "month": row.figure_month or "—", "manual": f"{manual:,.4g}" if abs(manual) < 10 else f"{manual:,.0f}",
                "system": f"{system:,.4g}" if abs(system) < 10 else f"{system:,.0f}", "diff": diff}))
    conflicts = ctx.conflicts if ctx.conflicts is not None else conflicts_frame(None)
    for c in conflicts.itertuples(index=False):
        if pd.notna(c.difference) and abs(float(c.difference)) > tol:
            hits.append(Hit("evidence_conflict", {"market": c.market, "month": c.month, "left": float(c.left),
                                                  "right": float(c.right), "diff": float(c.difference)}))
    return hits


@rule("no_logistics_exemption", "medium")
def no_logistics_exemption(ctx: AuditContext) -> list[Hit]:
    """Metrics a logistics delay moves, with no exemption rule for such delays (neither a
    scheme-level policy nor a per-metric exemption naming logistics)."""
    lang, rows = ctx.language, ctx.scheme.rows
    if ctx.scheme.governance.get("logistics_exemption") is True:
        return []
    named = rows["exemption"].dropna().astype(str).map(lambda t: any(w in t.casefold() for w in _LOGISTICS_WORDS))
    if named.any():
        return []
    sensitive = rows[rows["metric_id"].isin(knowledge().get("logistics_metrics") or [])]
    if sensitive.empty:
        return []
    names = list(dict.fromkeys(_metric_name(m, lbl, lang) for m, lbl in zip(sensitive["metric_id"],
                                                                            sensitive["metric_label"])))
    return [Hit("evidence", {"metrics": _join(names, lang)})]


@rule("no_change_notice", "medium")
def no_change_notice(ctx: AuditContext) -> list[Hit]:
    """KPI changes without notice: no stated notice period, or one shorter than
    ``min_notice_days``."""
    days = ctx.scheme.governance.get("change_notice_days")
    if days is None:
        return [Hit("evidence_not_stated")]
    if days < ctx.options.min_notice_days:
        return [Hit("evidence_short", {"days": days, "min": ctx.options.min_notice_days})]
    return []


@rule("no_review_cadence", "medium")
def no_review_cadence(ctx: AuditContext) -> list[Hit]:
    """No regular KPI review: cadence not stated or ``none``."""
    cadence = ctx.scheme.governance.get("review_cadence")
    if cadence is None:
        return [Hit("evidence_not_stated")]
    if cadence == "none":
        return [Hit("evidence_none")]
    return []


@rule("no_baseline", "high")
def no_baseline(ctx: AuditContext) -> list[Hit]:
    """No baseline: none planned (``baseline_months`` unset or 0) and none frozen; or, when
    the baseline store was consulted and the launch month is known, no frozen baseline
    whose months all precede the launch."""
    gov = ctx.scheme.governance
    planned = gov.get("baseline_months")
    frozen = ctx.baselines
    if not planned and (frozen is None or frozen.empty):
        return [Hit("evidence_not_planned")]
    launch = gov.get("launch_month")
    if frozen is not None and launch:
        before = [v for v, months in zip(frozen["version"], frozen["months"])
                  if len(months) and max(months) < launch]
        if not before:
            return [Hit("evidence_not_frozen", {"launch": launch, "versions": len(frozen)})]
    return []


def _applies(value: object, wanted: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value == ALL or value == wanted


@rule("jp_deduction_limit", "high")
def jp_deduction_limit(ctx: AuditContext) -> list[Hit]:
    """Pay deductions for staff employed in Japan beyond art. 91: one deduction above half
    a day's average wage, or a month's deductions (Σ amount × max per month) above 10 %
    of the monthly salary. Amounts in another currency are converted with ``fx_rates``."""
    deductions, people = ctx.scheme.deductions, ctx.people
    if deductions is None or deductions.empty:
        return []
    if people is None or "employed_in" not in people.columns:
        return [Hit("evidence_no_roster")]
    hits = []
    jp_staff = people[people["employed_in"].astype("string") == "JP"]
    for person in jp_staff.to_dict("records"):
        markets = [m.strip() for m in str(person.get("markets") or "").split(",") if m.strip()]
        applicable = deductions[[
            _applies(d["role"], person.get("role")) and _applies(d["level"], person.get("level"))
            and (_applies(d["market"], None) or d["market"] in markets)
            for d in deductions.to_dict("records")]]
        if applicable.empty:
            continue
        salary = person.get("monthly_salary")
        if salary is None or pd.isna(salary) or float(salary) <= 0:
            hits.append(Hit("evidence_no_salary", {"person": person["person_id"]}))
            continue
        salary = float(salary)
        salary_currency = person.get("salary_currency") or "JPY"
        if salary_currency is pd.NA or (isinstance(salary_currency, float) and pd.isna(salary_currency)):
            salary_currency = "JPY"
        daily = salary * 3 / JP_DAYS_FOR_AVERAGE_WAGE
        single_limit = JP_SINGLE_DEDUCTION_SHARE * daily
        period_limit = JP_PERIOD_DEDUCTION_SHARE * salary
        total = 0.0
        for d in applicable.to_dict("records"):
            if pd.notna(d["share"]):
                amount = float(d["share"]) * salary
            else:
                amount = _convert(float(d["amount"]), d["currency"], salary_currency, ctx.fx_rates)
                if amount is None:
                    hits.append(Hit("evidence_no_rate", {"person": person["person_id"], "currency": d["currency"],
                                                         "salary_currency": salary_currency}))
                    continue
            times = float(d["max_per_month"]) if pd.notna(d["max_per_month"]) else 1.0
            total += amount * times
            metric = _metric_name(d["metric_id"], d["metric_label"] or "—", ctx.language)
            if amount > single_limit + 1e-9:
                hits.append(Hit("evidence_single", {"person": person["person_id"], "metric": metric,
                                                    "amount": f"{amount:,.0f}", "limit": f"{single_limit:,.0f}",
                                                    "currency": salary_currency, "salary": f"{salary:,.0f}"}))
        if total > period_limit + 1e-9:
            hits.append(Hit("evidence_total", {"person": person["person_id"], "total": f"{total:,.0f}",
                                               "limit": f"{period_limit:,.0f}", "currency": salary_currency,
                                               "salary": f"{salary:,.0f}"}))
    return hits


def _convert(amount: float, currency: object, to: str, fx: Mapping[str, float]) -> float | None:
    """``amount`` of ``currency`` in ``to`` via base-currency rates; None without a rate."""
    if currency is None or (isinstance(currency, float) and pd.isna(currency)) or currency == to:
        return amount
    if currency not in fx or to not in fx or not fx[to]:
        return None
    return amount * fx[currency] / fx[to]


# -- running the audit ----------------------------------------------------------------
def fx_rates_from_config(config: ClientConfig, month: str | None = None) -> dict[str, float]:
    """Base-currency units per unit of each currency, in ``month`` (default: the latest
    month with a rate); the base currency is 1."""
    rates = {config.base_currency: 1.0}
    for currency, by_month in config.fx_rates.items():
        if by_month:
            key = month if month in by_month else max(by_month)
            rates[currency] = float(by_month[key])
    return rates


def audit_scheme(scheme: CurrentScheme, *, people: pd.DataFrame | None = None, quality: object = None,
                 baselines: pd.DataFrame | None = None, fx_rates: Mapping[str, float] | None = None,
                 options: AuditOptions | None = None, language: str = "zh",
                 rules: Iterable[str] | None = None) -> pd.DataFrame:
    """Findings of every rule (or the ids in ``rules``) on ``scheme``: one row per hit with
    ``FINDING_COLUMNS`` in ``language`` (severity as 高/中/低 or high/medium/low), the most
    severe first, then in registry order. No finding → an empty frame with the columns.

    ``quality``: a data-quality report (or its conflicts) for the system-vs-system check;
    ``baselines``: the baseline store's index (:func:`kpi_lib.baseline.list_baselines`)."""
    ctx = AuditContext(scheme=scheme, people=people, conflicts=conflicts_frame(quality), baselines=baselines,
                       fx_rates=dict(fx_rates or {}), options=options or AuditOptions(), language=language)
    chosen = list(RULES) if rules is None else list(rules)
    unknown = [r for r in chosen if r not in RULES]
    if unknown:
        from kpi_lib.errors import KpiError, did_you_mean
        guess = did_you_mean(unknown[0], RULES)
        raise KpiError(f"unknown audit rule {unknown[0]!r}", expected=", ".join(RULES),
                       fix=f"did you mean {guess!r}?" if guess else "use a rule id from kpi_lib.diagnosis.audit.RULES")
    records = []
    for order, rule_id in enumerate(chosen):
        r = RULES[rule_id]
        for hit in r.check(ctx):
            records.append({"_rank": (SEVERITIES.index(r.severity), order), "rule_id": r.id,
                            "severity": text(f"audit.severity_{r.severity}", language), "title": r.title(language),
                            "evidence": text(f"audit.{r.id}.{hit.evidence}", language, **hit.values),
                            "recommendation": r.recommendation(language)})
    if not records:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in FINDING_COLUMNS})
    records.sort(key=lambda rec: rec["_rank"])
    return pd.DataFrame(records)[FINDING_COLUMNS]


def audit_config(config: ClientConfig, *, people: pd.DataFrame | None = None, quality: object = None,
                 baselines: pd.DataFrame | None = None, options: AuditOptions | None = None,
                 language: str | None = None) -> pd.DataFrame:
    """:func:`audit_scheme` of the scheme the client YAML describes, FX from the config."""
    return audit_scheme(scheme_from_config(config), people=people, quality=quality, baselines=baselines,
                        fx_rates=fx_rates_from_config(config), options=options,
                        language=language or config.report_language)


def rules_table(language: str = "zh") -> pd.DataFrame:
    """The registry as a table: rule_id, severity, title, recommendation."""
    return pd.DataFrame([{"rule_id": r.id, "severity": text(f"audit.severity_{r.severity}", language),
                          "title": r.title(language), "recommendation": r.recommendation(language)}
                         for r in RULES.values()], columns=["rule_id", "severity", "title", "recommendation"])


def severity_counts(findings: pd.DataFrame) -> dict[str, int]:
    """Findings per (localized) severity, for a one-line summary."""
    return {str(k): int(v) for k, v in findings["severity"].value_counts(sort=False).items()} if len(findings) else {}


__all__ = ["AuditContext", "AuditOptions", "FINDING_COLUMNS", "Hit", "RULES", "Rule", "audit_config",
           "audit_scheme", "conflicts_frame", "fx_rates_from_config", "kpi_lists", "rules_table", "severity_counts"]
