"""Budget decomposition: largest-remainder splits to the minor unit, annual → months →
markets → stores → people, always adding up to the budget exactly."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_lib.errors import KpiError
from kpi_lib.targets.budget import (annual_to_months, budget_targets, from_minor, largest_remainder, minor_unit,
                                    monthly_lines, shares_from_history, split_amount, split_markets, split_people,
                                    split_stores, to_minor)


def flat_index(markets=("US", "JP")) -> pd.DataFrame:
    return pd.DataFrame([{"market": m, "month": k, "index": 1.0} for m in markets for k in range(1, 13)])


# -- the splitting kernel -----------------------------------------------------------------
def test_minor_units():
    assert minor_unit("JPY") == 0 and minor_unit("USD") == 2 and minor_unit("CNY") == 2 and minor_unit("xyz") == 2
    assert to_minor(1234.5, "JPY") == 1235          # half up, JPY has no minor unit
    assert to_minor(0.285, "USD") == 29              # decimal, not binary rounding
    assert to_minor(100, "CNY") == 10000
    assert from_minor([1235], "JPY").tolist() == [1235.0]


def test_largest_remainder_by_hand():
    # 100 into thirds: quotas 33.33 each → 33, 33, 33 and one unit left for the first tie.
    assert largest_remainder(100, [1, 1, 1]).tolist() == [34, 33, 33]
    # 10 by 0.55 / 0.45: quotas 5.5 / 4.5 → 5 / 4, one left → the first (tie on .5).
    assert largest_remainder(10, [0.55, 0.45]).tolist() == [6, 4]
    # 7 by 1 / 2 / 4 quotas 1, 2, 4 exactly.
    assert largest_remainder(7, [1, 2, 4]).tolist() == [1, 2, 4]
    # 5 by 0.1 / 0.2 / 0.7: quotas 0.5 / 1.0 / 3.5 → 0 / 1 / 3, two left → 0.5 and 3.5.
    assert largest_remainder(5, [0.1, 0.2, 0.7]).tolist() == [1, 1, 3]
    # A planned loss splits like its absolute value.
    assert largest_remainder(-100, [1, 1, 1]).tolist() == [-34, -33, -33]
    assert largest_remainder(0, [1, 2]).tolist() == [0, 0]


def test_largest_remainder_rejects_bad_weights():
    for bad in ([], [0, 0], [1, -1], [1, np.nan]):
        with pytest.raises(KpiError):
            largest_remainder(10, bad)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(min_value=-10**13, max_value=10**13),
       weights=st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=40)
       .filter(lambda w: sum(w) > 0))
def test_largest_remainder_always_adds_up(total, weights):
    parts = largest_remainder(total, weights)
    assert int(parts.sum()) == total
    w = np.asarray(weights) / sum(weights)
    quotas = abs(total) * w
    # Each part is its quota rounded down or up: never more than one unit away.
    assert np.all(np.abs(np.abs(parts) - quotas) <= 1.001)
    assert np.all(parts[w == 0] == 0)


@settings(max_examples=200, deadline=None)
@given(amount=st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
       currency=st.sampled_from(["USD", "CNY", "JPY"]),
       weights=st.lists(st.floats(min_value=0.001, max_value=10), min_size=1, max_size=12))
def test_split_amount_adds_up_in_minor_units(amount, currency, weights):
    parts = split_amount(float(amount), weights, currency)
    units = np.round(parts * 10 ** minor_unit(currency)).astype(np.int64)
    assert int(units.sum()) == to_minor(float(amount), currency)
    if currency == "JPY":
        assert np.all(parts == np.round(parts))


# -- months ------------------------------------------------------------------------------------
def test_annual_to_months_by_index():
    index = flat_index(["US"]).assign(index=[2.0] + [10 / 11] * 11)   # January twice the other months
    annual = pd.DataFrame({"year": [2027], "market": ["US"], "measure": ["gmv"], "amount": [1200.00],
                           "currency": ["USD"]})
    lines = annual_to_months(annual, index)
    assert lines["month"].tolist() == [f"2027-{m:02d}" for m in range(1, 13)]
    assert lines["amount_minor"].sum() == 120000
    # January's quota is 120000 × 2 / 12 = 20000 cents; the others 120000 × (10/11) / 12 = 9090.9…
    assert lines["amount_minor"].iat[0] == 20000
    assert set(lines["amount_minor"].iloc[1:]) <= {9090, 9091}
    assert not lines["rounded"].any()


def test_annual_needs_an_index_per_market():
    annual = pd.DataFrame({"year": [2027], "market": ["DE"], "measure": ["gmv"], "amount": [1.0], "currency": ["EUR"]})
    with pytest.raises(KpiError, match="no seasonality index for market DE"):
        annual_to_months(annual, flat_index())


def test_monthly_budget_table_is_kept_as_phased():
    budget = pd.DataFrame({"month": ["2026-11", "2026-12"], "market": ["JP", "JP"], "store": [None, ""],
                           "measure": ["gmv", "gmv"], "amount": [1_000_000.4, 2_000_000], "currency": ["JPY", "JPY"]})
    lines = monthly_lines(budget)
    assert lines["amount_minor"].tolist() == [1_000_000, 2_000_000]
    assert lines["rounded"].tolist() == [True, False]
    assert lines["store"].isna().all()


# -- markets, stores, people --------------------------------------------------------------------
def test_shares_from_history():
    h = pd.DataFrame({"market": ["US", "US", "JP"], "store": ["A", "B", "J"], "amount": [300.0, 100.0, 100.0]})
    markets = shares_from_history(h, by=["market"])
    assert dict(zip(markets["market"], markets["share"])) == {"JP": 0.2, "US": 0.8}
    stores = shares_from_history(h, by=["market", "store"], within=["market"])
    assert dict(zip(stores["store"], stores["share"])) == {"A": 0.75, "B": 0.25, "J": 1.0}


def test_company_budget_split_to_markets_then_stores():
    lines = monthly_lines(pd.DataFrame({"month": ["2026-12"], "market": ["ALL"], "measure": ["gmv"],
                                        "amount": [1000.01], "currency": ["CNY"]}))
    by_market = split_markets(lines, pd.DataFrame({"market": ["US", "JP"], "share": [2 / 3, 1 / 3]}))
    assert by_market["amount_minor"].sum() == 100001
    assert dict(zip(by_market["market"], by_market["amount_minor"])) == {"US": 66667, "JP": 33334}
    by_store = split_stores(by_market, pd.DataFrame({"market": ["US", "US"], "store": ["A", "B"], "share": [0.5, 0.5]}))
    assert by_store["amount_minor"].sum() == 100001
    assert sorted(by_store["store"].fillna("-")) == ["-", "A", "B"]   # JP has no store split


def test_people_split_with_unassigned_rest_and_store_fallback():
    lines = monthly_lines(pd.DataFrame({"month": ["2026-12", "2026-12"], "market": ["US", "US"], "store": ["A", "B"],
                                        "measure": ["gmv", "gmv"], "amount": [100.0, 50.0], "currency": ["USD", "USD"]}))
    shares = pd.DataFrame({"person_id": ["p1", "p2", "p3"], "market": ["US", "US", "US"], "store": ["A", "A", None],
                           "share": [0.6, 0.3, 1.0]})
    out = split_people(lines, shares)
    a = out[out["store"] == "A"]
    # Store A: p1 60, p2 30 and 10 unassigned (shares sum to 0.9); store B falls back to p3's market-wide share.
    assert dict(zip(a["person_id"].fillna("(none)"), a["amount"])) == {"p1": 60.0, "p2": 30.0, "(none)": 10.0}
    b = out[out["store"] == "B"]
    assert b["person_id"].tolist() == ["p3"] and b["amount"].tolist() == [50.0]


def test_shares_above_one_are_refused():
    lines = monthly_lines(pd.DataFrame({"month": ["2026-12"], "market": ["US"], "measure": ["gmv"], "amount": [1.0],
                                        "currency": ["USD"]}))
    shares = pd.DataFrame({"person_id": ["a", "b"], "market": ["US", "US"], "share": [0.7, 0.6]})
    with pytest.raises(KpiError, match="add up to 1.3"):
        split_people(lines, shares)
    with pytest.raises(KpiError, match="outside 0–1"):
        split_people(lines, pd.DataFrame({"person_id": ["a"], "market": ["US"], "share": [60]}))


# -- the method --------------------------------------------------------------------------------------
def test_budget_targets_add_up_exactly_per_market():
    index = flat_index().assign(index=lambda f: np.where(f["month"] == 11, 1.55, 0.95))   # mean (1.55 + 11×0.95)/12 = 1
    annual = pd.DataFrame({"year": [2027, 2027], "market": ["US", "JP"], "measure": ["gmv", "gmv"],
                           "amount": [1_000_000.01, 123_456_789], "currency": ["USD", "JPY"]})
    shares = pd.DataFrame({"person_id": ["a", "b", "c", "d"], "market": ["US", "US", "JP", "JP"],
                           "share": [0.5, 0.3, 1 / 3, 2 / 3]})
    t = budget_targets(annual, shares, index=index)
    assert set(t.columns) >= {"person_id", "metric_id", "month", "target", "method", "share", "season_index"}
    totals = t.groupby("market")["target_minor"].sum()
    assert totals["US"] == 100_000_001 and totals["JP"] == 123_456_789
    # 20 % of the US budget is owned by nobody: kept, with an empty person_id.
    un = t[t["person_id"].isna()]
    assert set(un["market"]) == {"US"} and (un["method"] == "budget (unassigned)").all()
    # JPY targets are whole yen; November is the big month.
    jp = t[(t["market"] == "JP")]
    assert (jp["target"] == jp["target"].round()).all()
    nov = t[(t["person_id"] == "a") & (t["month"] == "2027-11")]["target"].iat[0]
    jan = t[(t["person_id"] == "a") & (t["month"] == "2027-01")]["target"].iat[0]
    assert nov / jan == pytest.approx(1.55 / 0.95, rel=1e-6)
    assert (t["metric_id"] == "gmv").all()


@settings(max_examples=60, deadline=None)
@given(amount=st.integers(min_value=1, max_value=10**11),
       shares=st.lists(st.floats(min_value=0.01, max_value=1.0), min_size=1, max_size=8),
       season=st.lists(st.floats(min_value=0.2, max_value=3.0), min_size=12, max_size=12),
       currency=st.sampled_from(["USD", "JPY", "CNY"]))
def test_people_targets_always_add_up_to_the_budget(amount, shares, season, currency):
    shares = np.asarray(shares) / sum(shares)
    index = pd.DataFrame({"market": "US", "month": range(1, 13), "index": np.asarray(season) / np.mean(season)})
    annual = pd.DataFrame({"year": [2027], "market": ["US"], "measure": ["net_profit"],
                           "amount": [amount / 10 ** minor_unit(currency)], "currency": [currency]})
    people = pd.DataFrame({"person_id": [f"p{i}" for i in range(len(shares))], "market": "US",
                           "share": shares * 0.999999})   # a sliver left unassigned
    t = budget_targets(annual, people, index=index)
    assert int(t["target_minor"].sum()) == amount
    months = annual_to_months(annual, index).set_index("month")["amount_minor"]
    assert int(months.sum()) == amount
    by_month = t.groupby("month")["target_minor"].sum()
    assert by_month.to_dict() == months.to_dict()


def test_budget_errors_are_actionable():
    annual = pd.DataFrame({"year": [2027], "market": ["US"], "measure": ["gmv"], "amount": [1.0], "currency": ["USD"]})
    shares = pd.DataFrame({"person_id": ["a"], "market": ["US"], "share": [1.0]})
    with pytest.raises(KpiError, match="seasonality index"):
        budget_targets(annual, shares)
    with pytest.raises(KpiError, match="has no metric"):
        budget_targets(annual.assign(measure="units"), shares, index=flat_index())
    company = pd.DataFrame({"month": ["2026-12"], "market": ["ALL"], "measure": ["gmv"], "amount": [1.0],
                            "currency": ["USD"]})
    with pytest.raises(KpiError, match="no market"):
        budget_targets(company, shares)


def test_budget_inputs_are_not_changed():
    budget = pd.DataFrame({"month": ["2026-12"], "market": ["US"], "store": ["A"], "measure": ["gmv"],
                           "amount": [10.0], "currency": ["USD"]})
    shares = pd.DataFrame({"person_id": ["a"], "market": ["US"], "store": ["A"], "share": [1.0]})
    b0, s0 = budget.copy(), shares.copy()
    out = budget_targets(budget, shares, level="store")
    pd.testing.assert_frame_equal(budget, b0)
    pd.testing.assert_frame_equal(shares, s0)
    assert out["stores"].tolist() == ["A"] and out["target"].tolist() == [10.0]
