"""Monthly retro analytics, each against hand-computed values; the sales decomposition
adds up exactly (property test)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_lib.errors import KpiError
from kpi_lib.retro import (action_items, ad_efficiency, decompose_sales_deviation, due_date, exemption_effect,
                           exemption_effect_by, exemption_effect_by_metric, implied_target_components,
                           metric_anomalies, metric_trend, rating_mismatches, robust_z, stockout_loss,
                           suggest_next_targets, summarise_effects, summarise_loss)


# -- sales decomposition ----------------------------------------------------------------------
def one(**values) -> pd.DataFrame:
    return pd.DataFrame([values])


def test_sequential_decomposition_by_hand():
    # Target 1000 sessions × 10 % × 20 = 2000; actual 1100 × 9 % × 21 = 2079.
    row = decompose_sales_deviation(one(sessions=1100, units=99, sales=2079.0, target_sessions=1000,
                                        target_units=100, target_sales=2000.0), method="sequential").iloc[0]
    assert row["deviation"] == pytest.approx(79.0)
    assert row["traffic_effect"] == pytest.approx(100 * 0.10 * 20)           # 200
    assert row["conversion_effect"] == pytest.approx(1100 * (0.09 - 0.10) * 20)   # −220
    assert row["price_effect"] == pytest.approx(1100 * 0.09 * (21 - 20))     # 99
    assert row["method"] == "sequential"


def test_lmdi_decomposition_by_hand():
    # Only traffic moves (+10 %): everything is traffic. Then only price moves.
    row = decompose_sales_deviation(one(sessions=1100, units=110, sales=2200.0, target_sessions=1000,
                                        target_units=100, target_sales=2000.0)).iloc[0]
    assert row["method"] == "lmdi" and row["traffic_effect"] == pytest.approx(200.0)
    assert row["conversion_effect"] == pytest.approx(0.0, abs=1e-9) and row["price_effect"] == pytest.approx(0.0, abs=1e-9)
    # Mixed: L(2079, 2000) = 79 / ln(2079/2000); traffic = L × ln(1.1).
    row = decompose_sales_deviation(one(sessions=1100, units=99, sales=2079.0, target_sessions=1000,
                                        target_units=100, target_sales=2000.0)).iloc[0]
    weight = 79 / math.log(2079 / 2000)
    assert row["traffic_effect"] == pytest.approx(weight * math.log(1.1))
    assert row["conversion_effect"] == pytest.approx(weight * math.log(0.9))
    assert row["price_effect"] == pytest.approx(weight * math.log(21 / 20))


def test_zero_and_undecomposable_rows():
    frame = pd.DataFrame({"sessions": [0, 500, 0], "units": [0, 0, 3], "sales": [0.0, 0.0, 60.0],
                          "target_sessions": [100, 500, 100], "target_units": [10, 50, 10],
                          "target_sales": [200.0, 1000.0, 200.0]})
    out = decompose_sales_deviation(frame)
    assert list(out["method"]) == ["sequential", "sequential", "none"]
    assert out["traffic_effect"].iat[0] == pytest.approx(-200.0)        # no traffic at all
    assert out["conversion_effect"].iat[1] == pytest.approx(-1000.0)    # traffic but no sales
    assert out["other_effect"].iat[2] == pytest.approx(-140.0)          # sales without sessions
    with pytest.raises(KpiError, match="target_units"):
        decompose_sales_deviation(frame.drop(columns=["target_units"]))


positive = st.floats(min_value=1.0, max_value=1e6, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=0, max_value=100_000)


@settings(max_examples=200, deadline=None)
@given(s0=counts, u0=counts, r0=positive, s1=counts, u1=counts, r1=positive,
       method=st.sampled_from(["lmdi", "sequential"]))
def test_effects_add_up_exactly_to_the_deviation(s0, u0, r0, s1, u1, r1, method):
    u0, u1 = min(u0, s0 * 3), min(u1, s1 * 3)         # unit session % may exceed 100 %, within reason
    r0, r1 = (r0 if u0 else 0.0), (r1 if u1 else 0.0)  # no units, no sales
    row = decompose_sales_deviation(one(sessions=s1, units=u1, sales=r1, target_sessions=s0, target_units=u0,
                                        target_sales=r0), method=method).iloc[0]
    total = row["traffic_effect"] + row["conversion_effect"] + row["price_effect"] + row["other_effect"]
    assert total == pytest.approx(r1 - r0, rel=1e-9, abs=1e-6)


def test_summaries_and_implied_target_components_keep_the_totals():
    frame = pd.DataFrame({"market": ["US", "US", "JP"], "person_id": ["P1", "P2", "P5"],
                          "sessions": [1000, 800, 500], "units": [100, 60, 40], "sales": [2000.0, 1300.0, 900.0],
                          "target_sessions": [900, 900, 450], "target_units": [90, 80, 45],
                          "target_sales": [1800.0, 1700.0, 1000.0]})
    out = summarise_effects(decompose_sales_deviation(frame), by=["market"]).set_index("market")
    parts = out[["traffic_effect", "conversion_effect", "price_effect", "other_effect"]].sum(axis=1)
    assert parts.to_numpy() == pytest.approx(out["deviation"].to_numpy())
    assert out.loc["US", "deviation"] == pytest.approx(-200.0)
    implied = implied_target_components(pd.Series([3000.0, 500.0]), pd.Series([1000.0, 0.0]),
                                        pd.Series([100.0, 0.0]), pd.Series([2000.0, 0.0]))
    assert implied["target_sessions"].iat[0] == pytest.approx(1500.0) and implied["target_units"].iat[0] == 150
    assert np.isnan(implied["target_sessions"].iat[1])


# -- ad efficiency ----------------------------------------------------------------------------------
def test_acos_and_tacos_month_over_month_and_against_target():
    frame = pd.DataFrame({
        "market": ["US", "US", "US", "JP", "JP"],
        "month": ["2026-09", "2026-10", "2026-10", "2026-09", "2026-10"],
        "ad_spend": [200.0, 150.0, 150.0, 100.0, 100.0],
        "ad_sales": [1000.0, 500.0, 500.0, 400.0, 500.0],
        "total_sales": [4000.0, 2000.0, 2000.0, 2000.0, 2000.0],
    })
    targets = pd.DataFrame({"market": ["US", "JP"], "acos_target": [0.25, 0.25]})
    out = ad_efficiency(frame, "2026-10", targets=targets).set_index("market")
    # US: 300 / 1000 = 30 % (a ratio of sums), last month 20 % → +10 pp, 5 pp over target.
    assert out.loc["US", "acos"] == pytest.approx(0.30) and out.loc["US", "acos_change"] == pytest.approx(0.10)
    assert out.loc["US", "tacos"] == pytest.approx(0.075) and out.loc["US", "tacos_prev"] == pytest.approx(0.05)
    assert out.loc["US", "acos_vs_target"] == pytest.approx(0.05) and out.loc["US", "worse"]
    # JP: 20 % from 25 %: better, and under target.
    assert out.loc["JP", "acos_change"] == pytest.approx(-0.05) and not out.loc["JP", "worse"]


# -- stock-out loss -----------------------------------------------------------------------------------
def test_stockout_loss_by_hand():
    frame = pd.DataFrame({"market": ["JP", "JP", "US"], "sku": ["A", "B", "C"], "stockout_days": [10, 0, 31],
                          "units_sold": [42, 90, 0], "days": [31, 30, 31], "sales": [84_000.0, 9_000.0, 0.0]})
    out = stockout_loss(frame)
    # A: 42 units in 21 in-stock days = 2/day; 10 days out → 20 units × 2,000 = 40,000.
    assert out["run_rate_units"].iat[0] == pytest.approx(2.0) and out["lost_sales"].iat[0] == pytest.approx(40_000)
    assert out["lost_sales"].iat[1] == 0.0
    assert np.isnan(out["lost_sales"].iat[2])            # out all month with no rate: unknown, not 0
    given = stockout_loss(pd.DataFrame({"stockout_days": [5], "run_rate_units": [3.0], "price": [10.0]}))
    assert given["lost_sales"].iat[0] == pytest.approx(150.0)
    total = summarise_loss(out, by=["market"]).set_index("market")
    assert total.loc["JP", "lost_sales"] == pytest.approx(40_000)
    with pytest.raises(KpiError):
        stockout_loss(pd.DataFrame({"stockout_days": [1]}))


# -- exemption effect ---------------------------------------------------------------------------------
def scored() -> pd.DataFrame:
    return pd.DataFrame({
        "person_id": ["P5", "P5", "P5", "P6", "P6"],
        "market": ["JP"] * 5,
        "metric_id": ["gmv", "stockout_days", "return_rate", "gmv", "return_rate"],
        "weight": [0.5, 0.2, 0.3, 0.6, 0.4],
        "score": [60.0, 0.0, 100.0, 100.0, 80.0],
        "exempted": [True, True, False, False, False],
    })


def test_exemption_effect_with_and_without():
    out = exemption_effect(scored(), ratings={"A": 100, "B": 85, "C": 70, "D": 0}).set_index("person_id")
    # With: only return_rate counts → 100. Without: 0.5×60 + 0.2×0 + 0.3×100 = 60.
    assert out.loc["P5", "total_with_exemptions"] == pytest.approx(100.0)
    assert out.loc["P5", "total_without_exemptions"] == pytest.approx(60.0)
    assert out.loc["P5", "effect"] == pytest.approx(40.0) and "gmv" in out.loc["P5", "exempted_metrics"]
    assert out.loc["P5", "rating_with"] == "A" and out.loc["P5", "rating_without"] == "D"
    assert "P6" not in out.index                          # no exemption, no row
    by_metric = exemption_effect_by_metric(scored()).set_index("metric_id")
    assert by_metric.loc["gmv", "people_exempted"] == 1 and by_metric.loc["gmv", "mean_score_exempted"] == 60
    by_market = exemption_effect_by(exemption_effect(scored())).set_index("market")
    assert by_market.loc["JP", "mean_effect"] == pytest.approx(40.0)


# -- anomalies ----------------------------------------------------------------------------------------
def test_robust_z_by_hand():
    # History changes 3, −2, 5, −2, 6: median 3, MAD 3 → scale 4.4478; change −20 → z = −23 / 4.4478.
    z, median, scale = robust_z(-20.0, np.array([3.0, -2.0, 5.0, -2.0, 6.0]))
    assert median == 3.0 and scale == pytest.approx(1.4826 * 3)
    assert z == pytest.approx(-23 / (1.4826 * 3))
    # MAD 0: the mean absolute deviation takes over; both 0: any other change is infinite.
    z, _, scale = robust_z(5.0, np.array([1.0, 1.0, 1.0, 4.0]))
    assert scale == pytest.approx(1.2533 * 0.75)
    assert robust_z(2.0, np.array([1.0, 1.0, 1.0]))[0] == math.inf


def test_sudden_drop_is_flagged_against_the_persons_own_history():
    months = pd.period_range("2026-04", "2026-10", freq="M").strftime("%Y-%m")
    values = {"P002": [100, 103, 101, 106, 104, 110, 90], "P001": [100, 101, 102, 103, 104, 105, 106]}
    panel = pd.DataFrame([(p, "gmv", m, v) for p, vs in values.items() for m, v in zip(months, vs)],
                         columns=["person_id", "metric_id", "month", "value"])
    out = metric_anomalies(panel, "2026-10").set_index("person_id")
    assert out.loc["P002", "change"] == -20 and out.loc["P002", "robust_z"] == pytest.approx(-23 / (1.4826 * 3))
    assert out.loc["P002", "flagged"] and out.loc["P002", "assessment"] == "worse"
    assert out.loc["P002", "previous_value"] == 110
    assert not out.loc["P001", "flagged"] and out.loc["P001", "robust_z"] == 0
    # Too little history: no row.
    assert metric_anomalies(panel[panel["month"] >= "2026-08"], "2026-10").empty


def test_ratings_out_of_line_with_scores():
    ratings = pd.DataFrame({"person_id": list("ABCD"), "month": ["2026-10"] * 4, "rating": ["S", "A", "B", "C"]})
    scores = pd.DataFrame({"person_id": list("ABCD"), "month": ["2026-10"] * 4,
                           "total_score": [60.0, 80.0, 100.0, 120.0]})
    out = rating_mismatches(ratings, scores).set_index("person_id")
    # Positions: ratings 1, 2/3, 1/3, 0; scores 0, 1/3, 2/3, 1 → gaps 1, 1/3, −1/3, −1.
    assert out.loc["A", "gap"] == pytest.approx(1.0) and out.loc["B", "gap"] == pytest.approx(1 / 3)
    assert list(out["flagged"]) == [True, False, False, True]
    assert out.loc["A", "direction"] == "rating_higher" and out.loc["D", "direction"] == "rating_lower"
    assert rating_mismatches(ratings.iloc[:3], scores).empty      # three people are too few to rank


# -- trend and next-cycle targets ---------------------------------------------------------------------------
def test_trend_slope_and_direction():
    panel = pd.DataFrame({"person_id": ["P1"] * 4 + ["P2"] * 4 + ["P3"] * 4,
                          "metric_id": ["gmv"] * 4 + ["return_rate"] * 4 + ["gmv"] * 4,
                          "month": ["2026-07", "2026-08", "2026-09", "2026-10"] * 3,
                          "value": [100, 110, 120, 130, 0.05, 0.06, 0.07, 0.08, 100, 100.5, 99.5, 100]})
    out = metric_trend(panel, "2026-10").set_index("person_id")
    assert out.loc["P1", "slope"] == pytest.approx(10.0) and out.loc["P1", "trend"] == "improving"
    assert out.loc["P1", "pct_change"] == pytest.approx(0.3)
    assert out.loc["P2", "trend"] == "worsening"                 # return rate rising
    assert out.loc["P3", "trend"] == "flat"


def test_next_targets_blend_and_clamp_by_hand():
    actuals = pd.DataFrame({"person_id": ["P1"] * 4 + ["P2"] * 3 + ["P3"] * 3,
                            "metric_id": ["gmv"] * 4 + ["acos"] * 3 + ["days_of_supply"] * 3,
                            "month": ["2026-07", "2026-08", "2026-09", "2026-10"] + ["2026-08", "2026-09", "2026-10"] * 2,
                            "value": [500, 80, 90, 100, 0.30, 0.30, 0.30, 40, 50, 60]})
    targets = pd.DataFrame({"person_id": ["P1", "P2", "P3", "P4"], "metric_id": ["gmv", "acos", "days_of_supply", "gmv"],
                            "target": [100.0, 0.20, 45.0, 50.0]})
    out = suggest_next_targets(actuals, targets, "2026-10", growth=0.1).set_index("person_id")
    # P1: mean(80, 90, 100) = 90 (July is outside the 3 months) × 1.1 = 99; 0.5 × 99 + 0.5 × 100 = 99.5.
    assert out.loc["P1", "trailing_actual"] == pytest.approx(90) and out.loc["P1", "suggested_target"] == pytest.approx(99.5)
    assert not out.loc["P1", "clamped"] and out.loc["P1", "months_used"] == 3
    # P2 (lower is better): 0.30 × 0.9 = 0.27; blend 0.235; within 0.20 × 1.2 = 0.24.
    assert out.loc["P2", "blended"] == pytest.approx(0.235) and out.loc["P2", "suggested_target"] == pytest.approx(0.235)
    # P3 band metric: unchanged. P4: no actuals: unchanged.
    assert out.loc["P3", "suggested_target"] == 45.0 and out.loc["P4", "suggested_target"] == 50.0
    clamped = suggest_next_targets(actuals, targets, "2026-10", growth=0.1, blend=1.0).set_index("person_id")
    assert clamped.loc["P2", "suggested_target"] == pytest.approx(0.24) and clamped.loc["P2", "clamped"]
    assert "±20%" in clamped.loc["P2", "rationale"]
    assert "0.5" not in out.loc["P1", "rationale"] and "99.5" in out.loc["P1", "rationale"]


# -- action items ----------------------------------------------------------------------------------------------
def test_action_items_from_findings():
    decomposition = decompose_sales_deviation(pd.DataFrame({
        "person_id": ["P002", "P001"], "market": ["US", "US"],
        "sessions": [1000, 1000], "units": [50, 100], "sales": [1000.0, 2000.0],
        "target_sessions": [1000, 1000], "target_units": [100, 100], "target_sales": [2000.0, 2000.0]}))
    ads = pd.DataFrame({"market": ["US"], "acos": [0.3], "acos_prev": [0.2], "acos_target": [np.nan],
                        "tacos": [0.075], "tacos_prev": [0.05], "worse": [True]})
    stockouts = pd.DataFrame({"market": ["JP"], "sku": ["A"], "stockout_days": [10], "lost_sales": [40_000.0]})
    anomalies = pd.DataFrame({"person_id": ["P002"], "metric_id": ["gmv"], "change": [-20.0], "robust_z": [-5.2],
                              "flagged": [True], "assessment": ["worse"]})
    gaps = pd.DataFrame({"person_id": ["P004"], "rating": ["S"], "total_score": [62.0], "direction": ["rating_higher"],
                         "flagged": [True]})
    effects = pd.DataFrame({"person_id": ["P005"], "effect": [12.0], "exempted_metrics": ["gmv"]})
    people = pd.DataFrame({"person_id": ["P002", "P004", "P001"], "name": ["李静", "刘洋", "王海涛"],
                           "manager_id": [None, "P001", None]})
    out = action_items("2026-10", decomposition=decomposition, ads=ads, stockouts=stockouts, anomalies=anomalies,
                       rating_gaps=gaps, exemption_effects=effects, people=people)
    assert list(out.columns) == ["owner", "issue", "action", "due", "source"]
    assert list(out["source"]) == ["sales", "ads", "stockout", "anomaly", "rating", "exemption"]
    assert set(out["due"]) == {"2026-11-15"}
    sales = out.iloc[0]
    assert sales["owner"] == "P002 李静" and "转化率偏低" in sales["issue"] and "50.0%" in sales["issue"]
    assert out.iloc[1]["owner"] == "US 运营负责人" and "30.0%" in out.iloc[1]["issue"]
    assert out.iloc[4]["owner"] == "P001 王海涛"            # the rated person's manager
    en = action_items("2026-10", stockouts=stockouts, language="en")
    assert "40,000" in en["issue"].iat[0] and "reorder" in en["action"].iat[0]
    assert due_date("2026-12") == "2027-01-15"
    assert action_items("2026-10").empty
