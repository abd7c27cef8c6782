"""Stage input helpers: panels of months and the retro's deviation inputs."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi_lib.engine.history import months_between, trailing_months
from kpi_lib.retro.decomposition import decompose_sales_deviation
from kpi_lib.retro.inputs import gmv_plan_factor, sales_deviation_inputs, traffic_by_market, waterfall_effects


def test_month_windows():
    assert trailing_months("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert months_between("2026-09", "2026-10") == ["2026-09", "2026-10"]


def _traffic():
    rows = []
    # market US: Sept and Oct; JP: Oct only. Sales already in base currency.
    for month, sessions, units, sales in [("2026-08", 1000, 100, 5000.0), ("2026-09", 1000, 100, 5000.0),
                                          ("2026-10", 1200, 110, 5720.0)]:
        rows.append({"period_start": pd.Timestamp(f"{month}-01"), "market": "US", "asin": "B1", "sessions": sessions,
                     "units_ordered": units, "ordered_sales": sales, "ordered_sales_base": sales})
    rows.append({"period_start": pd.Timestamp("2026-10-01"), "market": "US", "asin": None, "sessions": 9999,
                 "units_ordered": 999, "ordered_sales": 9999.0, "ordered_sales_base": 9999.0})  # by-date row: ignored
    return pd.DataFrame(rows)


def test_traffic_by_market_uses_child_rows_only():
    got = traffic_by_market(_traffic(), ["2026-10"]).iloc[0]
    assert (got["sessions"], got["units"], got["sales"]) == (1200, 110, 5720.0)


def test_deviation_inputs_and_decomposition_add_up():
    # Reference (Aug+Sep) monthly mean: 1000 sessions, 100 units, 5000 sales; plan factor 1.1
    # → target sales 5500 at reference conversion 10% and price 50 → 1100 sessions, 110 units.
    inputs = sales_deviation_inputs(_traffic(), "2026-10", ["2026-08", "2026-09"], pd.Series({"US": 1.1}))
    row = inputs.iloc[0]
    assert row["target_sales"] == pytest.approx(5500.0)
    assert row["target_sessions"] == pytest.approx(1100.0) and row["target_units"] == pytest.approx(110.0)
    effects = decompose_sales_deviation(inputs)
    parts = effects[["traffic_effect", "conversion_effect", "price_effect", "other_effect"]].sum(axis=1)
    assert parts.iloc[0] == pytest.approx(5720.0 - 5500.0)
    steps = waterfall_effects(effects, "en")
    assert steps["value"].iloc[0] == pytest.approx(5500.0) and steps["value"].iloc[-1] == pytest.approx(5720.0)


def test_gmv_plan_factor_is_target_over_history_mean():
    rows = pd.DataFrame({"metric_id": ["gmv", "gmv"], "role": ["operations"] * 2, "market": ["US", "US"],
                         "target": [600.0, 500.0]})
    history = pd.DataFrame({"metric_id": ["gmv"] * 4, "role": ["operations"] * 4, "market": ["US"] * 4,
                            "month": ["2026-08", "2026-08", "2026-09", "2026-09"], "value": [400.0, 600.0, 500.0, 500.0]})
    # targets 1100 ÷ mean monthly actual 1000 = 1.1
    assert gmv_plan_factor(rows, history)["US"] == pytest.approx(1.1)


def test_stockout_inputs_count_days_and_month_sales():
    from kpi_lib.retro import stockout_loss
    from kpi_lib.retro.inputs import stockout_inputs

    orders = pd.DataFrame({"market": ["JP"] * 3, "sku": ["A", "A", "A"], "quantity": [2.0, 3.0, 9.0],
                           "item_sales": [200.0, 300.0, 900.0], "item_sales_base": [10.0, 15.0, 45.0],
                           "status": ["shipped", "shipped", "cancelled"],
                           "order_date": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03"])})
    out_days = pd.DataFrame({"market": ["JP"] * 4, "sku": ["A"] * 4,
                             "date": pd.to_datetime(["2026-10-10", "2026-10-11", "2026-10-12", "2026-09-30"])})
    got = stockout_inputs(orders, out_days, "2026-10").iloc[0]
    # 3 October days out of stock; 2 + 3 units sold for 10 + 15 (the cancelled line is not a sale)
    assert (got["stockout_days"], got["units_sold"], got["sales"], got["days"]) == (3, 5.0, 25.0, 31)
    loss = stockout_loss(stockout_inputs(orders, out_days, "2026-10")).iloc[0]
    # run rate 5 units / (31 − 3) days; price 25 / 5 = 5; lost = 3 × 5/28 × 5
    assert loss["lost_sales"] == pytest.approx(3 * 5 / 28 * 5)
