"""Bonus: proration, KPI multiplier, gates, profit pool, budget cap, and the typed Bonus
model. Expected amounts are worked out by hand in the comments."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kpi_lib.config import load_config
from kpi_lib.config.models import Bonus, ProfitPool, Scoring
from kpi_lib.engine.bonus import (OUTPUT_COLUMNS, apply_budget_cap, compute_bonus, profit_pool,
                                  progressive_amount)
from kpi_lib.engine.proration import days_worked
from kpi_lib.engine.scoring import gate_caps, person_totals, score_rows
from kpi_lib.errors import ConfigError, KpiError, KpiErrors
from tests.conftest import write_config

PERIOD = "2026-10"  # 31 days

# Copied from kpi_lib/demo/config.py (the demo generator's `bonus:` block).
DEMO_BONUS_YAML = """
bonus:
  currency: CNY
  target_bonus: {junior: 3000, senior: 6000}
  multiplier:
    - {rating: S, multiplier: 1.3}
    - {rating: A, multiplier: 1.0}
    - {rating: B, multiplier: 0.8}
    - {rating: C, multiplier: 0.5}
    - {rating: D, multiplier: 0.0}
  budget_cap: 80000
"""
DEMO_BONUS = Bonus.model_validate(yaml.safe_load(DEMO_BONUS_YAML)["bonus"])
RATINGS = Scoring().ratings  # S 110, A 100, B 85, C 70, D 0


def _people() -> pd.DataFrame:
    return pd.DataFrame({
        "person_id": ["P1", "P2", "P3", "P4"],
        "start_date": pd.to_datetime(["2021-03-15", "2026-10-15", "2022-06-20", "2026-11-02"]),
        "end_date": pd.to_datetime([None, None, "2026-10-24", None]),
    })


def _totals(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame({
        "person_id": ["P1", "P2", "P3"],
        "name": ["王海涛", "赵磊", "张伟"],
        "role": ["operations", "operations", "advertising"],
        "level": ["senior", "junior", "senior"],
        "total_score": [112.0, 90.0, 100.0],
    })
    return frame.assign(**overrides)


# -- proration ---------------------------------------------------------------------------------
def test_days_worked_for_joiners_and_leavers():
    d = days_worked(_people(), PERIOD, language="en").set_index("person_id")
    # P1 all month: 31/31. P2 joined 15 Oct: 15..31 = 17 days. P3 left 24 Oct: 1..24 = 24 days.
    # P4 joins in November: 0.
    assert d["days_worked"].to_dict() == {"P1": 31, "P2": 17, "P3": 24, "P4": 0}
    assert d["prorate"].to_dict() == pytest.approx({"P1": 1, "P2": 17 / 31, "P3": 24 / 31, "P4": 0})
    assert d.loc["P2", "prorate_note"] == "joined 2026-10-15; bonus prorated 17/31 days"
    assert d.loc["P3", "prorate_note"] == "left 2026-10-24; bonus prorated 24/31 days"
    assert d.loc["P1", "prorate_note"] == ""
    assert (d["month_days"] == 31).all()


def test_days_worked_rejects_a_bad_period_and_a_leave_before_the_start():
    with pytest.raises(KpiError, match="not a month"):
        days_worked(_people(), "2026-13")
    bad = _people().assign(end_date=pd.to_datetime(["2021-01-01", None, None, None]))
    with pytest.raises(KpiError, match="P1 leaves before joining"):
        days_worked(bad, PERIOD)


# -- KPI multiplier bonus ----------------------------------------------------------------------
def test_kpi_bonus_by_rating_with_a_prorated_joiner():
    res = compute_bonus(_totals(), DEMO_BONUS.model_copy(update={"budget_cap": None}), ratings=RATINGS,
                        prorate=days_worked(_people(), PERIOD, language="en"), language="en")
    b = res.people.set_index("person_id")
    assert list(res.people.columns) == OUTPUT_COLUMNS
    # P1 senior, 112 → S → 6000 × 1.3 = 7800.
    # P2 junior joiner, 90 → B → 3000 × 0.8 × 17/31 = 1316.13.
    # P3 senior leaver, 100 → A → 6000 × 1.0 × 24/31 = 4645.16 (scores are not prorated; money is).
    assert b["rating"].tolist() == ["S", "B", "A"]
    assert b["kpi_bonus"].tolist() == pytest.approx([7800, 3000 * 0.8 * 17 / 31, 6000 * 24 / 31])
    assert b["bonus"].tolist() == pytest.approx(b["kpi_bonus"].tolist())
    assert (b["currency"] == "CNY").all() and (b["budget_factor"] == 1.0).all()
    assert "joined 2026-10-15" in b.loc["P2", "notes"]
    assert res.budget_factor == 1.0 and res.total_paid == pytest.approx(sum(b["bonus"]))


def test_kpi_bonus_by_score_steps():
    bonus = Bonus(target_bonus={"junior": 3000, "senior": 6000},
                  multiplier=[{"min_score": 60, "multiplier": 0.5}, {"min_score": 100, "multiplier": 1.0},
                              {"min_score": 110, "multiplier": 1.2}])
    res = compute_bonus(_totals(total_score=[115.0, 59.0, 100.0]), bonus, language="en").people
    # 115 → 1.2 → 7200; 59 is below the lowest step → 0; 100 → 1.0 → 6000.
    assert res["multiplier"].tolist() == [1.2, 0.0, 1.0]
    assert res["kpi_bonus"].tolist() == [7200, 0, 6000]
    assert "below the lowest step 60" in res["notes"].iloc[1]


def test_gate_caps_the_multiplier():
    rows = pd.DataFrame({"person_id": ["P1", "P1"], "metric_id": ["gmv", "odr"], "market": ["US", "US"],
                         "actual": [120.0, 0.013]})
    caps = gate_caps(rows, [{"metric": "odr", "op": ">=", "value": 0.01, "max_multiplier": 0.5}], language="en")
    res = compute_bonus(_totals(), DEMO_BONUS, ratings=RATINGS, gate_caps=caps, language="en").people
    p1 = res.iloc[0]
    # P1 is rated S (1.3) but ODR 1.3 % ≥ 1 %: multiplier capped at 0.5 → 6000 × 0.5 = 3000.
    assert (p1["multiplier"], p1["gate_cap"], p1["kpi_bonus"]) == (1.3, 0.5, 3000)
    assert "multiplier 1.3 capped at 0.5" in p1["notes"] and "odr = 0.013" in p1["notes"]
    assert math.isnan(res["gate_cap"].iloc[1])  # no gate for P2


def test_no_total_score_means_no_kpi_bonus():
    res = compute_bonus(_totals(total_score=[np.nan, 90.0, 100.0]), DEMO_BONUS, ratings=RATINGS, language="en")
    assert res.people["kpi_bonus"].iloc[0] == 0
    assert "no total score" in res.people["notes"].iloc[0]


def test_budget_cap_scales_every_payout_by_the_same_factor():
    bonus = DEMO_BONUS.model_copy(update={"budget_cap": 10000.0})
    res = compute_bonus(_totals(), bonus, ratings=RATINGS, language="en")
    # Before the cap: 7800 (S) + 2400 (B, junior, full month) + 6000 (A) = 16200 > 10000.
    # factor = 10000 / 16200 = 0.617284; P1 → 7800 × 0.617284 = 4814.81.
    assert res.total_before_cap == pytest.approx(16200)
    assert res.budget_factor == pytest.approx(10000 / 16200)
    assert res.people["bonus"].tolist() == pytest.approx([7800 * 10000 / 16200, 2400 * 10000 / 16200,
                                                          6000 * 10000 / 16200])
    assert res.total_paid == pytest.approx(10000)
    assert "exceed the budget 10,000.00: all scaled by 0.6173" in res.notes[0]


def test_missing_level_and_missing_ratings_are_clear_errors():
    with pytest.raises(ConfigError) as info:
        compute_bonus(_totals(level=["senior", "intern", "senior"]), DEMO_BONUS, ratings=RATINGS)
    assert info.value.key == "bonus.target_bonus.intern"
    with pytest.raises(KpiError, match="no ratings were given"):
        compute_bonus(_totals(), DEMO_BONUS)


# -- profit pool -------------------------------------------------------------------------------
POOL = ProfitPool(tiers=[{"above": 0, "rate": 0.05}, {"above": 100000, "rate": 0.08}],
                  split={"operations": 0.6, "advertising": 0.4})


def test_progressive_tiers_work_like_tax_brackets():
    # 150,000: 100,000 × 5 % + 50,000 × 8 % = 5,000 + 4,000 = 9,000 (not 150,000 × 8 %).
    assert progressive_amount(150000, POOL.tiers) == pytest.approx(9000)
    assert progressive_amount(80000, POOL.tiers) == pytest.approx(4000)
    # A first tier starting above 0: profit below it pays nothing.
    assert progressive_amount(5000, [POOL.tiers[1]]) == 0


def test_pool_is_split_by_role_then_by_score_times_days_worked():
    bonus = Bonus(profit_pool=POOL)
    res = compute_bonus(_totals(), bonus, prorate=days_worked(_people(), PERIOD), net_profit=150000, language="en")
    pool = res.people.set_index("person_id")["pool_bonus"]
    # Pool 9,000 → operations 5,400, advertising 3,600.
    # Operations: P1 112 × 1 = 112, P2 90 × 17/31 = 49.355; P1 gets 5,400 × 112 / 161.355.
    w1, w2 = 112.0, 90.0 * 17 / 31
    assert pool["P1"] == pytest.approx(5400 * w1 / (w1 + w2))
    assert pool["P2"] == pytest.approx(5400 * w2 / (w1 + w2))
    assert pool["P3"] == pytest.approx(3600)  # alone in advertising
    assert res.pool.pool == pytest.approx(9000) and res.pool.unallocated == pytest.approx(0)
    assert (res.people["kpi_bonus"] == 0).all()  # no target bonus configured: pool only


def test_loss_month_zero_and_carry_forward():
    assert profit_pool(-20000, POOL) == (0.0, 0.0, -20000.0)
    carry = POOL.model_copy(update={"loss_month": "carry_forward"})
    # A loss of 20,000 is carried; next month's 150,000 is first reduced to 130,000:
    # 100,000 × 5 % + 30,000 × 8 % = 7,400.
    assert profit_pool(-20000, carry) == (0.0, 20000.0, -20000.0)
    amount, carry_out, basis = profit_pool(150000, carry, carried_loss=20000)
    assert (amount, carry_out, basis) == (pytest.approx(7400), 0.0, 130000.0)
    # A profit smaller than the carried loss leaves the rest to carry.
    assert profit_pool(5000, carry, carried_loss=20000) == (0.0, 15000.0, -15000.0)
    res = compute_bonus(_totals(), Bonus(profit_pool=carry), net_profit=-20000, language="en")
    assert res.pool.carry_forward == 20000 and (res.people["pool_bonus"] == 0).all()
    assert any("carried forward" in n for n in res.notes)


def test_pool_role_with_nobody_is_reported_unpaid_and_net_profit_is_required():
    res = compute_bonus(_totals(role=["operations"] * 3), Bonus(profit_pool=POOL), net_profit=150000, language="en")
    assert res.pool.unallocated == pytest.approx(3600)
    assert any("role advertising has nobody" in n for n in res.pool.notes)
    with pytest.raises(KpiError, match="needs the month's net profit"):
        compute_bonus(_totals(), Bonus(profit_pool=POOL))


# -- typed model -------------------------------------------------------------------------------
def test_bonus_model_forms_and_errors():
    assert DEMO_BONUS.multiplier_form == "rating" and DEMO_BONUS.budget_cap == 80000
    with pytest.raises(ValidationError, match="exactly one of"):
        Bonus(multiplier=[{"rating": "A", "min_score": 100, "multiplier": 1.0}])
    with pytest.raises(ValidationError, match="not a mix"):
        Bonus(multiplier=[{"rating": "A", "multiplier": 1.0}, {"min_score": 100, "multiplier": 1.0}])
    with pytest.raises(ValidationError, match="must not pay a lower multiplier"):
        Bonus(multiplier=[{"min_score": 100, "multiplier": 1.0}, {"min_score": 110, "multiplier": 0.9}])
    with pytest.raises(ValidationError, match="shares sum to 0.9"):
        ProfitPool(tiers=[{"above": 0, "rate": 0.05}], split={"operations": 0.5, "advertising": 0.4})
    with pytest.raises(ValidationError, match="increasing `above`"):
        ProfitPool(tiers=[{"above": 100, "rate": 0.05}, {"above": 0, "rate": 0.08}], split={"operations": 1})
    with pytest.raises(ValidationError):
        Bonus(target_bonus={"junior": -1})


def test_config_checks_ratings_multipliers_and_pool_roles(tmp_path):
    path = write_config(tmp_path, """
client_id: t
markets: [{id: US}]
data_dir: data
roles: {operations: {}, advertising: {}}
scoring:
  ratings: {S: 110, A: 100, B: 85, D: 0}
bonus:
  target_bonus: {junior: 3000, senior: 6000}
  multiplier:
    - {rating: S, multiplier: 0.9}
    - {rating: A, multiplier: 1.0}
    - {rating: BB, multiplier: 0.8}
  profit_pool:
    tiers: [{above: 0, rate: 0.05}]
    split: {operations: 0.5, advertsing: 0.5}
""")
    with pytest.raises(KpiErrors) as info:
        load_config(path)
    text = "\n".join(str(e) for e in info.value.errors)
    assert "rating 'BB' is not one of scoring.ratings" in text and "did you mean 'B'" in text
    assert "rating 'D' has no bonus multiplier" in text
    assert "rating 'S' pays a smaller multiplier (0.9) than the lower rating 'A'" in text
    assert "unknown role 'advertsing'" in text and "did you mean 'advertising'" in text


def test_demo_bonus_and_scoring_blocks_load_together(tmp_path):
    demo_scoring = "scoring:\n  curve: linear\n  threshold: 0.8\n  target: 1.0\n  cap: 1.2\n" \
                   "  ratings: {S: 110, A: 100, B: 85, C: 70, D: 0}\n"
    path = write_config(tmp_path, "client_id: t\nmarkets: [{id: US}, {id: JP}]\ndata_dir: data\n"
                        + demo_scoring + DEMO_BONUS_YAML)
    config = load_config(path)
    assert config.bonus == DEMO_BONUS


def test_the_demo_generator_text_still_validates():
    demo_config = pytest.importorskip("kpi_lib.demo.config")
    data = yaml.safe_load(demo_config.config_text())
    assert Bonus.model_validate(data["bonus"]) == DEMO_BONUS
    assert Scoring.model_validate(data["scoring"]).ratings == RATINGS


# -- end to end and properties ----------------------------------------------------------------
def test_month_end_to_end_on_a_small_team():
    rows = pd.DataFrame({
        "person_id": ["P1", "P1", "P2", "P2"], "name": ["甲", "甲", "乙", "乙"], "role": ["operations"] * 4,
        "level": ["senior", "senior", "junior", "junior"], "market": ["US"] * 4,
        "metric_id": ["gmv", "return_rate"] * 2, "direction": ["higher", "lower"] * 2,
        "actual": [110.0, 0.04, 95.0, 0.0], "target": [100.0, 0.05, 100.0, 0.05], "weight": [0.6, 0.4] * 2,
    })
    scored = score_rows(rows)
    totals = person_totals(scored, ratings=RATINGS)
    # P1: gmv 1.1 → 110; returns 0.05/0.04 = 1.25 → capped 1.2 → 120: 0.6 × 110 + 0.4 × 120 = 114 → S.
    # P2: gmv 0.95 → 90; returns 0 → cap → 120: 0.6 × 90 + 0.4 × 120 = 102 → A.
    assert totals["total_score"].tolist() == pytest.approx([114, 102])
    res = compute_bonus(totals, DEMO_BONUS, prorate=days_worked(_people(), PERIOD))
    # P1 senior S: 6000 × 1.3 = 7800; P2 junior A, joined 15 Oct: 3000 × 1.0 × 17/31 = 1645.16.
    assert res.people["bonus"].tolist() == pytest.approx([7800, 3000 * 17 / 31])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1e5), min_size=1, max_size=20), st.floats(1, 1e5))
def test_budget_cap_always_holds_and_keeps_proportions(payouts, cap):
    s = pd.Series(payouts)
    scaled, factor = apply_budget_cap(s, cap)
    assert scaled.sum() <= cap * (1 + 1e-9) or factor == 1.0
    assert 0 < factor <= 1
    assert np.allclose(scaled, s * factor)


@settings(max_examples=100, deadline=None)
@given(st.floats(-1e6, 1e7), st.floats(-1e6, 1e7))
def test_pool_is_non_decreasing_in_profit_and_never_negative(p1, p2):
    lo, hi = sorted((p1, p2))
    a, b = profit_pool(lo, POOL)[0], profit_pool(hi, POOL)[0]
    assert 0 <= a <= b + 1e-9
