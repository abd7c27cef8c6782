"""Calibration: hit probabilities (normal approximation), expected shares, expected
score through the engine's payout curve and the expected bonus cost against the budget."""
from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from kpi_lib.config.models import Bonus, Scoring
from kpi_lib.engine.bonus import compute_bonus
from kpi_lib.errors import KpiError
from kpi_lib.targets.calibration import (DEFAULT_CV, band_probability, baseline_stats, calibrate, expected_bonus,
                                         expected_scores, hit_probability, norm_cdf)
from kpi_lib.targets.levels import add_levels

PHI1 = 0.8413447460685429   # Φ(1)
BONUS = Bonus.model_validate({
    "target_bonus": {"junior": 3000, "senior": 6000},
    "multiplier": [{"rating": "S", "multiplier": 1.3}, {"rating": "A", "multiplier": 1.0},
                   {"rating": "B", "multiplier": 0.8}, {"rating": "C", "multiplier": 0.5},
                   {"rating": "D", "multiplier": 0.0}],
    "budget_cap": 80000})


def test_normal_cdf():
    assert norm_cdf(0.0) == 0.5
    assert norm_cdf(1.0) == pytest.approx(PHI1, abs=1e-12)
    assert norm_cdf([-np.inf, np.inf]).tolist() == [0.0, 1.0]
    assert np.isnan(norm_cdf(np.nan))


def test_hit_probability_by_hand():
    # Mean 100, sd 10: P(X ≥ 110) = 1 − Φ(1); lower-is-better mean 0.30, sd 0.05: P(X ≤ 0.25) = Φ(−1).
    p = hit_probability([110.0, 0.25], ["higher", "lower"], [100.0, 0.30], [10.0, 0.05], [False, False])
    assert p.tolist() == pytest.approx([1 - PHI1, 1 - PHI1])
    # Volumes on the log scale: the median e^mu is hit half the time, e^(mu + sigma) 1 − Φ(1).
    mu, s = math.log(100.0), 0.2
    p = hit_probability([100.0, 100.0 * math.exp(0.2), -5.0], "higher", mu, s, True)
    assert p.tolist() == pytest.approx([0.5, 1 - PHI1, 1.0])
    # A seasonal factor moves the centre: a target 10 % up in a month 10 % stronger is a coin flip.
    assert hit_probability(110.0, "higher", 100.0, 10.0, False, factor=1.1) == pytest.approx(0.5)
    # sd 0: certain or impossible; on the mean counts as reached.
    p = hit_probability([100.0, 100.1, 100.0, 99.9], ["higher", "higher", "lower", "lower"], 100.0, 0.0, False)
    assert p.tolist() == [1.0, 0.0, 1.0, 0.0]
    assert np.isnan(hit_probability(np.nan, "higher", 1.0, 1.0, False))
    assert np.isnan(hit_probability(1.0, "band", 1.0, 1.0, False))


def test_band_probability():
    assert band_probability(30.0, 60.0, 45.0, 15.0, False) == pytest.approx(2 * PHI1 - 1)
    assert band_probability(np.nan, 60.0, 45.0, 15.0, False) == pytest.approx(PHI1)
    assert band_probability(30.0, 60.0, 45.0, 0.0, False) == 1.0


def test_baseline_stats_own_pooled_and_default():
    base = pd.DataFrame({
        "person_id": ["a", "a", "a", "b", "a", "b", "c"],
        "metric_id": ["gmv", "gmv", "gmv", "gmv", "ctr", "ctr", "ctr"],
        "month": ["2026-08", "2026-09", "2026-10", "2026-10", "2026-10", "2026-10", "2026-10"],
        "actual": [100.0, 120.0, 110.0, 200.0, 0.004, 0.006, np.nan]})
    st = baseline_stats(base).set_index(["person_id", "metric_id"])
    a = st.loc[("a", "gmv")]
    assert a["n_months"] == 3 and a["mean"] == pytest.approx(110) and a["sd"] == pytest.approx(10)
    assert bool(a["log"]) and a["mu"] == pytest.approx(np.mean(np.log([100, 120, 110])))
    assert a["sigma"] == pytest.approx(np.std(np.log([100, 120, 110]), ddof=1)) and a["sd_source"] == "own"
    b = st.loc[("b", "gmv")]
    assert b["sd_source"] == "pooled" and b["sigma"] == pytest.approx(a["sigma"])
    # CTR: nobody has two months → the default CV (an assumption) × the mean; c has no actual at all.
    c = st.loc[("a", "ctr")]
    assert c["sd_source"] == "default" and not c["log"] and c["sigma"] == pytest.approx(DEFAULT_CV * 0.004)
    assert ("c", "ctr") not in st.index
    with pytest.raises(KpiError, match="actual"):
        baseline_stats(base.drop(columns="actual"))


def test_expected_score_uses_the_payout_curve():
    rows = pd.DataFrame({"metric_id": ["gmv", "gmv", "acos"], "direction": ["higher", "higher", "lower"],
                         "target": [100.0, 100.0, 0.3], "mu": [90.0, 100.0, 0.3], "sigma": [0.0, 1.0, 0.0],
                         "log": [False, False, False]})
    mean, sd = expected_scores(rows, Scoring())
    # Certain 90 against 100: attainment 0.9 → 80 points (60 at 0.8, 100 at 1.0).
    assert mean[0] == pytest.approx(80.0) and sd[0] == pytest.approx(0.0)
    # N(100, 1) around the kink at target: slopes 200 below and 100 above per unit of
    # attainment, so E = 100 − 100 × 0.01 × E[max(Z, 0)] = 100 − 0.39894.
    assert mean[1] == pytest.approx(100 - 0.3989423, abs=0.02)
    assert mean[2] == pytest.approx(100.0)


def test_expected_bonus_matches_the_engine_when_certain():
    people = pd.DataFrame({"person_id": ["a", "b"], "level": ["junior", "senior"], "exp_total": [100.0, 84.0],
                           "sd_total": [0.0, 0.0]})
    out = expected_bonus(people, BONUS, Scoring().ratings)
    paid = compute_bonus(people.rename(columns={"exp_total": "total_score"}), BONUS.model_copy(update={"budget_cap": None}),
                         ratings=Scoring().ratings).people
    assert out["expected_bonus"].tolist() == pytest.approx(paid["bonus"].tolist())   # 3000 × 1.0, 6000 × 0.5
    assert out["expected_bonus"].tolist() == pytest.approx([3000.0, 3000.0])
    assert out["sd_bonus"].tolist() == [0.0, 0.0]


def test_expected_bonus_band_probabilities_by_hand():
    people = pd.DataFrame({"person_id": ["a"], "level": ["junior"], "exp_total": [100.0], "sd_total": [10.0]})
    out = expected_bonus(people, BONUS, Scoring().ratings)
    z = lambda e: norm_cdf((e - 100.0) / 10.0)
    p_s, p_a, p_b, p_c = 1 - z(110), z(110) - z(100), z(100) - z(85), z(85) - z(70)
    expected = 1.3 * p_s + 1.0 * p_a + 0.8 * p_b + 0.5 * p_c
    assert out["expected_multiplier"].iat[0] == pytest.approx(expected)
    assert out["expected_bonus"].iat[0] == pytest.approx(3000 * expected)
    # No multiplier table → no bonus.
    assert expected_bonus(people, Bonus(), Scoring().ratings)["expected_bonus"].tolist() == [0.0]


def small_case():
    base = pd.DataFrame({
        "person_id": ["a"] * 6 + ["b"] * 6,
        "market": ["US"] * 12,
        "metric_id": ["gmv", "gmv", "gmv", "acos", "acos", "acos"] * 2,
        "month": ["2026-08", "2026-09", "2026-10"] * 4,
        "actual": [100, 120, 110, 0.30, 0.28, 0.32, 200, 220, 210, 0.25, 0.25, 0.25]})
    targets = pd.DataFrame({"person_id": ["a", "a", "b", "b"], "market": ["US"] * 4,
                            "metric_id": ["gmv", "acos", "gmv", "acos"], "month": ["2026-12"] * 4,
                            "target": [110.0, 0.30, 231.0, 0.25], "weight": [60, 40, 60, 40],
                            "level": ["junior", "junior", "senior", "senior"], "name": ["甲", "甲", "乙", "乙"]})
    return base, targets


def test_calibrate_end_to_end():
    base, targets = small_case()
    before = targets.copy()
    cal = calibrate(targets, baseline_stats(base), bonus=BONUS, bonus_budget=5000)
    pd.testing.assert_frame_equal(targets, before)
    r = cal.rows.set_index(["person_id", "metric_id"])
    # b's ACoS never moved (sd 0) and the target is its mean: certain; the threshold too.
    assert r.loc[("b", "acos"), "p_target"] == 1.0 and r.loc[("b", "acos"), "exp_score"] == pytest.approx(100)
    # a's ACoS target is its mean: a coin flip on the linear scale.
    assert r.loc[("a", "acos"), "p_target"] == pytest.approx(0.5)
    assert r.loc[("a", "gmv"), "p_threshold"] > r.loc[("a", "gmv"), "p_target"] > r.loc[("a", "gmv"), "p_stretch"]
    people = cal.people.set_index("person_id")
    assert people.loc["a", "exp_total"] == pytest.approx(
        0.6 * r.loc[("a", "gmv"), "exp_score"] + 0.4 * r.loc[("a", "acos"), "exp_score"])
    assert people.loc["a", "name"] == "甲"
    shares = cal.by_metric.set_index("metric_id")
    assert shares.loc["acos", "share_target"] == pytest.approx((0.5 + 1.0) / 2)
    assert shares.loc["all", "n"] == 4
    s = cal.summary.iloc[0]
    assert s["month"] == "2026-12" and s["expected_cost"] == pytest.approx(people["expected_bonus"].sum())
    assert s["budget"] == 5000 and s["cost_to_budget"] == pytest.approx(s["expected_cost"] / 5000)
    assert 0 <= s["p_over_budget"] <= 1 and s["expected_paid"] <= min(s["expected_cost"], 5000) + 1e-9


def test_correlation_widens_the_total():
    base, targets = small_case()
    st = baseline_stats(base)
    sd0 = calibrate(targets, st, bonus=BONUS).people["sd_total"]
    sd1 = calibrate(targets, st, bonus=BONUS, rho=1.0).people["sd_total"]
    assert (sd1 >= sd0 - 1e-12).all() and (sd1 > sd0).any()
    with pytest.raises(KpiError, match="rho"):
        calibrate(targets, st, rho=2)


def test_calibrate_needs_levels_for_the_bonus_and_a_baseline():
    base, targets = small_case()
    with pytest.raises(KpiError, match="level"):
        calibrate(targets.drop(columns="level"), base, bonus=BONUS)
    with pytest.raises(KpiError, match="baseline"):
        calibrate(targets, None)


def test_sixty_people_six_metrics_is_fast():
    rng = np.random.default_rng(3)
    ids = ["gmv", "acos", "tacos", "ctr", "ad_cvr", "return_rate"]
    base = pd.DataFrame([{"person_id": f"p{i}", "metric_id": m, "month": mo,
                          "actual": (1000 if m == "gmv" else 0.2) * rng.uniform(0.8, 1.2)}
                         for i in range(60) for m in ids for mo in ("2026-08", "2026-09", "2026-10")])
    st = baseline_stats(base)
    targets = add_levels(st[["person_id", "metric_id", "mean"]].rename(columns={"mean": "target"})
                         .assign(weight=1.0, level="junior"), Scoring())
    merged = targets.merge(st, on=["person_id", "metric_id"])
    calibrate(merged, None, bonus=BONUS)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        cal = calibrate(merged, None, bonus=BONUS)
        times.append(time.perf_counter() - start)
    assert len(cal.rows) == 360 and cal.summary["n_people"].iat[0] == 60
    assert min(times) < 0.25   # typically ~15 ms; generous for a loaded CI machine
