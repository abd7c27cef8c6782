"""Bonus (奖金): KPI-multiplier bonus, profit-pool commission and the budget cap.

All money is in the bonus currency (``bonus.currency``, else the client's base currency).

* **KPI bonus** = target bonus for the person's level × multiplier × prorate, where the
  multiplier comes from the person's rating (``{rating: A, multiplier: 1.0}`` rows) or
  total score (``{min_score: 100, multiplier: 1.0}`` rows: the row with the highest
  ``min_score`` reached), is capped by any guardrail gate the person trips, and prorate is
  the days-worked fraction (:mod:`kpi_lib.engine.proration`). No total score (everything
  exempted) → multiplier 0, with a note.
* **Profit pool** = progressive tiers on the month's net profit, like tax brackets: each
  tier's ``rate`` applies only to the profit between its ``above`` and the next tier's
  (tiers ``[{above: 0, rate: 0.05}, {above: 100000, rate: 0.08}]`` on 150,000 pay
  100,000 × 5 % + 50,000 × 8 % = 9,000). The pool is split by role ``split`` shares, then
  within a role by total score × prorate (a person's points × the fraction of the month
  they worked, over the role's sum). A loss month (profit ≤ 0) pays no pool; with
  ``loss_month: carry_forward`` the loss is also deducted from later months' profit before
  the tiers apply (pass last month's ``carry_forward`` back in as ``carried_loss``).
  Gates cap the KPI multiplier only, not the pool.
* **Budget cap**: when the month's payouts (KPI + pool) exceed ``budget_cap``, every
  payout is scaled by the same factor ``budget_cap ÷ Σ payouts`` (reported).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_lib.config.models import Bonus, ProfitPool
from kpi_lib.engine.scoring import EPS, rating as rating_of
from kpi_lib.errors import ConfigError, KpiError

OUTPUT_COLUMNS = ["person_id", "name", "role", "level", "total_score", "rating", "target_bonus", "multiplier",
                  "gate_cap", "prorate", "kpi_bonus", "pool_bonus", "bonus_before_cap", "budget_factor", "bonus",
                  "currency", "notes"]

_NOTES = {
    "no_total": {"zh": "无总分，不发KPI奖金", "en": "no total score: no KPI bonus"},
    "no_rating": {"zh": "总分 {total:g} 低于所有评级，系数为 0", "en": "total {total:g} is below every rating: multiplier 0"},
    "no_multiplier": {"zh": "评级 {rating} 未设奖金系数，按 0 计", "en": "rating {rating} has no multiplier: 0 used"},
    "below_steps": {"zh": "总分 {total:g} 低于最低档 {min:g}，系数为 0",
                    "en": "total {total:g} is below the lowest step {min:g}: multiplier 0"},
    "gate_applied": {"zh": "奖金系数 {mult:g} 受红线限制为 {cap:g}", "en": "multiplier {mult:g} capped at {cap:g} by a gate"},
    "not_in_roster": {"zh": "不在花名册中，未按在职天数折算", "en": "not in the roster: bonus not prorated"},
    "no_pool_share": {"zh": "无总分，不参与利润池分配", "en": "no total score: no profit-pool share"},
    "budget": {"zh": "奖金总额 {total:,.2f} 超出预算 {cap:,.2f}，全部按 {factor:.4f} 缩减",
               "en": "payouts {total:,.2f} exceed the budget {cap:,.2f}: all scaled by {factor:.4f}"},
    "pool_loss": {"zh": "本月利润 {profit:,.2f} 不为正，利润池为 0", "en": "net profit {profit:,.2f} is not positive: no pool"},
    "pool_carry": {"zh": "结转亏损 {loss:,.2f} 已先行抵扣", "en": "carried-forward loss {loss:,.2f} deducted first"},
    "pool_carry_out": {"zh": "亏损 {loss:,.2f} 结转下月", "en": "loss {loss:,.2f} carried forward to next month"},
    "pool_unallocated": {"zh": "岗位 {role} 无可分配人员，份额 {amount:,.2f} 未发放",
                         "en": "role {role} has nobody to share in it: {amount:,.2f} not paid"},
}


def _note(key: str, language: str, **values: object) -> str:
    return _NOTES[key].get(language, _NOTES[key]["en"]).format(**values)


def _join(parts, language: str) -> str:
    return ("；" if language == "zh" else "; ").join(p for p in parts if p)


@dataclass(frozen=True)
class PoolResult:
    """The month's profit pool: ``basis`` = net profit − carried-in loss (currency);
    ``pool`` = tiers applied to the basis; ``carry_forward`` = loss to deduct next month;
    ``by_role`` = role, share, amount, people, paid."""

    net_profit: float
    carried_in: float
    basis: float
    pool: float
    carry_forward: float
    unallocated: float
    by_role: pd.DataFrame
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BonusResult:
    """Per-person bonus table (``people``, :data:`OUTPUT_COLUMNS`) and the month's summary."""

    people: pd.DataFrame
    currency: str
    total_before_cap: float
    total_paid: float
    budget_cap: float | None
    budget_factor: float
    pool: PoolResult | None = None
    notes: tuple[str, ...] = field(default=())


# -- profit pool ---------------------------------------------------------------------
def progressive_amount(profit: float, tiers) -> float:
    """Σ over tiers of rate × the part of ``profit`` between the tier's ``above`` and the
    next tier's (the last tier is open-ended). Profit below the first ``above`` pays 0."""
    tiers = sorted(tiers, key=lambda t: t.above)
    total = 0.0
    for k, tier in enumerate(tiers):
        upper = tiers[k + 1].above if k + 1 < len(tiers) else np.inf
        total += tier.rate * max(0.0, min(profit, upper) - tier.above)
    return total


def profit_pool(net_profit: float, pool: ProfitPool, *, carried_loss: float = 0.0) -> tuple[float, float, float]:
    """``(pool amount, loss to carry forward, basis)`` for a month's net profit.

    ``zero``: basis = net profit; a loss month pays 0 and carries nothing.
    ``carry_forward``: basis = net profit − ``carried_loss`` (last month's carry-forward,
    ≥ 0); if the basis is ≤ 0 it pays 0 and carries ``−basis`` into next month."""
    if carried_loss < 0:
        raise KpiError("a carried-forward loss must be given as a positive amount", key="carried_loss",
                       found=carried_loss, fix="pass last month's `carry_forward` figure unchanged")
    basis = float(net_profit) - (carried_loss if pool.loss_month == "carry_forward" else 0.0)
    if basis <= 0:
        return 0.0, (-basis if pool.loss_month == "carry_forward" else 0.0), basis
    return progressive_amount(basis, pool.tiers), 0.0, basis


def split_pool(amount: float, pool: ProfitPool, totals: pd.DataFrame, prorate: pd.Series
               ) -> tuple[pd.Series, pd.DataFrame]:
    """Each person's pool share (currency, aligned to ``totals``) and the per-role table.

    A role gets ``amount × share``; within it a person gets their weight over the role's
    sum, weight = max(total_score, 0) × prorate (no total score → no share). A role with
    nobody to share in it leaves its part unpaid (``paid`` = 0)."""
    score = totals["total_score"].astype(float).clip(lower=0).fillna(0.0).to_numpy()
    weight = score * prorate.to_numpy(dtype=float)
    shares = np.zeros(len(totals))
    rows = []
    for role, share in pool.split.items():
        members = (totals["role"] == role).fillna(False).to_numpy(dtype=bool)
        part = amount * share
        w_sum = weight[members].sum()
        if w_sum > 0:
            shares[members] = part * weight[members] / w_sum
        rows.append({"role": role, "share": share, "amount": part, "people": int(members.sum()),
                     "paid": part if w_sum > 0 else 0.0})
    return pd.Series(shares, index=totals.index, name="pool_bonus"), pd.DataFrame(rows)


# -- KPI multiplier -------------------------------------------------------------------
def multipliers(totals: pd.DataFrame, bonus: Bonus, ratings: Mapping[str, float] | None = None,
                *, language: str = "zh") -> tuple[pd.Series, pd.Series, list[str]]:
    """``(rating, multiplier, notes)`` per person from the multiplier table.

    Rating form: the person's ``rating`` column, or :func:`rating` of ``total_score`` with
    ``ratings``. Score form: the multiplier of the highest ``min_score`` ≤ total score."""
    total = totals["total_score"].astype(float)
    mult = np.zeros(len(totals))
    notes = [""] * len(totals)
    form = bonus.multiplier_form
    if "rating" in totals.columns:
        rating = totals["rating"]
    elif ratings is not None:
        rating = rating_of(total, ratings)
    elif form == "rating":
        raise KpiError("the bonus multiplier is by rating, but no ratings were given", key="scoring.ratings",
                       fix="pass ratings=config.scoring.ratings (or add a rating column to the totals)")
    else:
        rating = pd.Series(np.nan, index=totals.index, dtype="str")
    rating = pd.Series(rating.to_numpy(dtype=object), index=totals.index, name="rating")
    if form == "rating":
        table = {m.rating: m.multiplier for m in bonus.multiplier}
        for i, (t, r) in enumerate(zip(total, rating)):
            if np.isnan(t):
                notes[i] = _note("no_total", language)
            elif r is None or pd.isna(r):
                notes[i] = _note("no_rating", language, total=t)
            elif r not in table:
                notes[i] = _note("no_multiplier", language, rating=r)
            else:
                mult[i] = table[r]
    elif form == "min_score":
        steps = sorted(bonus.multiplier, key=lambda m: m.min_score)
        for i, t in enumerate(total):
            if np.isnan(t):
                notes[i] = _note("no_total", language)
                continue
            reached = [m.multiplier for m in steps if t >= m.min_score - EPS]
            if reached:
                mult[i] = reached[-1]
            else:
                notes[i] = _note("below_steps", language, total=t, min=steps[0].min_score)
    return rating, pd.Series(mult, index=totals.index, name="multiplier"), notes


def apply_budget_cap(payouts: pd.Series, budget_cap: float | None) -> tuple[pd.Series, float]:
    """Payouts scaled so their sum is at most ``budget_cap``, and the factor used (1.0 when
    under the cap or uncapped)."""
    total = float(payouts.sum())
    if budget_cap is None or total <= budget_cap or total <= 0:
        return payouts.copy(), 1.0
    factor = budget_cap / total
    return payouts * factor, factor


# -- the month's bonus ------------------------------------------------------------------
def compute_bonus(totals: pd.DataFrame, bonus: Bonus, *, ratings: Mapping[str, float] | None = None,
                  prorate: pd.DataFrame | None = None, gate_caps: pd.DataFrame | None = None,
                  net_profit: float | None = None, carried_loss: float = 0.0,
                  currency: str = "CNY", language: str = "zh") -> BonusResult:
    """Per-person bonus for a month (:data:`OUTPUT_COLUMNS`) and the month's summary.

    ``totals``: :func:`~kpi_lib.engine.scoring.person_totals` output (person_id, name, role,
    level, total_score, optionally rating). ``ratings``: ``config.scoring.ratings`` (needed
    for a rating-form multiplier table when ``totals`` has no rating column). ``prorate``:
    :func:`~kpi_lib.engine.proration.days_worked` output (absent → 1.0). ``gate_caps``:
    :func:`~kpi_lib.engine.scoring.gate_caps` output. ``net_profit``: the month's net profit
    in the bonus currency, required when the config has a profit pool. ``currency``: the
    client's base currency, used when ``bonus.currency`` is not set."""
    for column in ("person_id", "level", "total_score"):
        if column not in totals.columns:
            raise KpiError(f"compute_bonus needs the column {column} in the totals", column=column,
                           fix="pass the output of kpi_lib.engine.scoring.person_totals")
    people = totals.reset_index(drop=True)
    n = len(people)
    notes: list[list[str]] = [[] for _ in range(n)]

    rating, mult, mult_notes = multipliers(people, bonus, ratings, language=language)
    for i, text in enumerate(mult_notes):
        notes[i].append(text)

    target = np.zeros(n)
    if bonus.target_bonus:
        if not bonus.multiplier:
            raise ConfigError("bonus.target_bonus is set but bonus.multiplier is empty", key="bonus.multiplier",
                              fix="add the multiplier table, e.g. `- {rating: A, multiplier: 1.0}` per rating")
        for i, level in enumerate(people["level"]):
            if level not in bonus.target_bonus:
                raise ConfigError(f"no target bonus for level {level!r} (person {people['person_id'].iat[i]})",
                                  key=f"bonus.target_bonus.{level}", expected=", ".join(bonus.target_bonus),
                                  fix=f"add `{level}: <amount>` under bonus.target_bonus")
            target[i] = bonus.target_bonus[level]

    cap = np.full(n, np.nan)
    if gate_caps is not None and len(gate_caps):
        by_person = gate_caps.drop_duplicates("person_id").set_index("person_id")
        cap = people["person_id"].map(by_person["gate_cap"]).to_numpy(dtype=float)
        if "gate_note" in by_person.columns:
            for i, text in enumerate(people["person_id"].map(by_person["gate_note"])):
                if isinstance(text, str):
                    notes[i].append(text)
    applied = np.where(np.isnan(cap), mult.to_numpy(), np.minimum(mult.to_numpy(), cap))
    for i in np.flatnonzero(applied < mult.to_numpy()):
        notes[i].append(_note("gate_applied", language, mult=mult.iat[i], cap=cap[i]))

    pro = np.ones(n)
    if prorate is not None:
        by_person = prorate.drop_duplicates("person_id").set_index("person_id")
        mapped = people["person_id"].map(by_person["prorate"]).to_numpy(dtype=float)
        for i in np.flatnonzero(np.isnan(mapped)):
            notes[i].append(_note("not_in_roster", language))
        pro = np.where(np.isnan(mapped), 1.0, mapped)
        if "prorate_note" in by_person.columns:
            for i, text in enumerate(people["person_id"].map(by_person["prorate_note"])):
                if isinstance(text, str):
                    notes[i].append(text)

    kpi = target * applied * pro

    pool_result = None
    pool_bonus = np.zeros(n)
    month_notes: list[str] = []
    if bonus.profit_pool is not None:
        if net_profit is None or pd.isna(net_profit):
            raise KpiError("the profit pool needs the month's net profit", key="bonus.profit_pool",
                           fix="pass net_profit (in the bonus currency) from the profit table")
        amount, carry_out, basis = profit_pool(net_profit, bonus.profit_pool, carried_loss=carried_loss)
        shares, by_role = split_pool(amount, bonus.profit_pool, people, pd.Series(pro, index=people.index))
        pool_bonus = shares.to_numpy()
        pool_notes = []
        if bonus.profit_pool.loss_month == "carry_forward" and carried_loss > 0:
            pool_notes.append(_note("pool_carry", language, loss=carried_loss))
        if basis <= 0:
            pool_notes.append(_note("pool_loss", language, profit=basis))
        if carry_out > 0:
            pool_notes.append(_note("pool_carry_out", language, loss=carry_out))
        for r in by_role.itertuples():
            if r.amount > 0 and r.paid == 0:
                pool_notes.append(_note("pool_unallocated", language, role=r.role, amount=r.amount))
        in_pool = people["role"].isin(list(bonus.profit_pool.split)).fillna(False).to_numpy(dtype=bool)
        for i in np.flatnonzero(in_pool & np.isnan(people["total_score"].to_numpy(dtype=float)) & (amount > 0)):
            notes[i].append(_note("no_pool_share", language))
        pool_result = PoolResult(net_profit=float(net_profit), carried_in=float(carried_loss), basis=basis,
                                 pool=amount, carry_forward=carry_out,
                                 unallocated=float(amount - by_role["paid"].sum()) if len(by_role) else amount,
                                 by_role=by_role, notes=tuple(pool_notes))
        month_notes += pool_notes

    before = pd.Series(kpi + pool_bonus)
    paid, factor = apply_budget_cap(before, bonus.budget_cap)
    if factor < 1.0:
        text = _note("budget", language, total=float(before.sum()), cap=bonus.budget_cap, factor=factor)
        month_notes.append(text)
        for parts in notes:
            parts.append(text)

    money = bonus.currency or currency
    out = pd.DataFrame({
        "person_id": people["person_id"],
        "name": people["name"] if "name" in people.columns else None,
        "role": people["role"] if "role" in people.columns else None,
        "level": people["level"],
        "total_score": people["total_score"].astype(float),
        "rating": rating.to_numpy(),
        "target_bonus": target,
        "multiplier": mult.to_numpy(),
        "gate_cap": cap,
        "prorate": pro,
        "kpi_bonus": kpi,
        "pool_bonus": pool_bonus,
        "bonus_before_cap": before.to_numpy(),
        "budget_factor": factor,
        "bonus": paid.to_numpy(),
        "currency": money,
        "notes": [_join(list(dict.fromkeys(p)), language) for p in notes],
    }, columns=OUTPUT_COLUMNS)
    return BonusResult(people=out, currency=money, total_before_cap=float(before.sum()),
                       total_paid=float(paid.sum()), budget_cap=bonus.budget_cap, budget_factor=factor,
                       pool=pool_result, notes=tuple(month_notes))
