"""Metric computation: formulas as sums of components, ratio-of-sums roll-ups, status
semantics, and the fact builders, on small hand-built tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi_lib.engine.attribution import prepare_rules
from kpi_lib.metrics import facts as fx
from kpi_lib.metrics.compute import (COMPONENTS, FORMULAS, formula_for, metric_values, person_month_values, rollup,
                                     rows_in_window)
from kpi_lib.metrics.registry import metrics
from kpi_lib.metrics.stockouts import stockout_days

T = pd.Timestamp


def test_every_registered_metric_has_a_formula_and_nothing_else_does():
    assert set(FORMULAS) == set(metrics())
    for mid, f in FORMULAS.items():
        assert all(c in COMPONENTS for c in f.components), mid
        assert f.facts and all(isinstance(x, str) for x in f.facts)
    # Sum metrics are exactly the registry's currency / count / days metrics without a ratio.
    assert not formula_for("gmv").denominator and formula_for("acos").denominator == ("ad_sales",)


def test_zero_denominator_is_nan_or_infinite():
    acos = formula_for("acos")
    # spend 0 / sales 0 → nothing happened (NaN); spend 10 / sales 0 → the worst ACoS (inf).
    out = acos.evaluate([0.0, 10.0, 25.0], [0.0, 0.0, 100.0])
    assert np.isnan(out[0]) and np.isinf(out[1]) and out[2] == 0.25


ORDERS = pd.DataFrame({
    "order_id": ["1", "2", "3", "4"], "market": "US", "platform": ["amazon", "amazon", "tiktok", "shopify"],
    "store": ["US-Main", "US-Main", "TikTok-US", "Shopify-US"], "sku": ["PET-1", "PET-1", "PET-1", "PET-1"],
    "asin": None, "quantity": [2.0, 1.0, 3.0, 1.0], "item_sales": [20.0, 10.0, 30.0, 12.0], "currency": "USD",
    "order_date": [T("2026-10-02"), T("2026-10-03"), T("2026-10-03"), T("2026-10-04")],
    "status": ["shipped", "cancelled", "delivered", "pending"], "source_file": "orders.txt", "fx_rate": 7.0,
    "item_sales_base": [140.0, 70.0, 210.0, 84.0]})


def test_cancelled_lines_are_not_sales_and_delivered_counts():
    f = fx.order_facts(ORDERS, returns=None, inventory=None)
    # shipped 140 + delivered 210 + pending 84; the cancelled 70 is not a sale.
    assert f["gmv_sales"].tolist() == [140.0, 0.0, 210.0, 84.0]
    assert f["units_sold"].sum() == 2 + 3 + 1
    assert f["units_sold_returnable"].sum() == 0                  # no store reports returns


def test_return_rate_counts_units_of_the_stores_that_report_returns():
    returns = pd.DataFrame({"market": ["US"], "store": ["US-Main"], "sku": ["PET-1"], "asin": [None],
                            "return_date": [T("2026-10-20")], "quantity": [1.0], "source_file": "r.txt"})
    f = fx.order_facts(ORDERS, returns=returns, inventory=None)
    # Only US-Main's sold units (2; the cancelled line does not count) are the denominator.
    assert f["units_sold_returnable"].sum() == 2.0


def _owners():
    people = pd.DataFrame({"person_id": ["A", "B"], "name": ["A", "B"], "role": "advertising", "level": "junior",
                           "markets": "US", "start_date": pd.NaT, "end_date": pd.NaT})
    own = pd.DataFrame({"person_id": ["A", "B"], "market": "US", "store": "US-Main", "scope": "campaign",
                        "pattern": ["SP-KIT-*", "SP-PET-*"], "from_date": T("2026-01-01"), "to_date": pd.NaT,
                        "source_file": "own.xlsx"})
    return prepare_rules(own, people).rules


def _ads(rows):
    return pd.DataFrame([{"market": "US", "store": "US-Main", "campaign": c, "sku": None, "asin": None,
                          "period_start": T("2026-10-01"), "period_end": T("2026-10-31"), "spend_base": s,
                          "attributed_sales_base": v, "clicks": k, "impressions": i, "attributed_orders": o,
                          "currency": "CNY", "fx_rate": 1.0, "source_file": "ads.csv"}
                         for c, s, v, k, i, o in rows])


def test_acos_per_person_and_ratio_of_sums_rollup_differs_from_mean_of_percentages():
    ads = _ads([("SP-KIT-Auto", 10.0, 200.0, 50, 10000, 5),     # A: ACoS 10/200 = 5 %
                ("SP-PET-Auto", 30.0, 100.0, 40, 8000, 4)])     # B: ACoS 30/100 = 30 %
    facts = {"ads": fx.FactTable("ads", fx.ad_facts(ads), ("ads",))}
    month = person_month_values(facts, _owners(), "advertising", "2026-10", ["acos", "ctr"])
    v = month.values.set_index(["person_id", "metric_id"])
    assert v.loc[("A", "acos"), "actual"] == pytest.approx(0.05)
    assert v.loc[("B", "acos"), "actual"] == pytest.approx(0.30)
    team = rollup(month.values.assign(team="广告组"), ["team"]).set_index("metric_id")
    # Team ACoS = (10 + 30) / (200 + 100) = 13.33 %, not the mean of 5 % and 30 % (17.5 %).
    assert team.loc["acos", "actual"] == pytest.approx(40 / 300)
    assert team.loc["acos", "actual"] != pytest.approx((0.05 + 0.30) / 2)
    # CTR = (50 + 40) / (10000 + 8000) = 0.5 %.
    assert team.loc["ctr", "actual"] == pytest.approx(90 / 18000)


def test_lower_is_better_metric_values_are_direction_free():
    # The value is the plain ratio; direction only matters when scoring.
    values = metric_values(pd.DataFrame({"k": [1], "ad_spend": [25.0], "ad_sales": [100.0]}), ["acos", "roas"], ["k"])
    assert values.set_index("metric_id")["actual"].to_dict() == {"acos": 0.25, "roas": 4.0}


def test_profit_margins_from_components():
    profit = pd.DataFrame({"month": ["2026-10", "2026-10"], "market": "US", "store": "US-Main", "sku": ["A", "B"],
                           "asin": None, "currency": "USD", "fx_rate": 7.0, "source_file": "p.xlsx",
                           "revenue_base": [1000.0, 500.0], "cogs_base": [300.0, 100.0], "fees_base": [200.0, 100.0],
                           "freight_base": [50.0, 50.0], "ad_cost_base": [100.0, 0.0], "refunds": [10.0, 0.0]})
    f = fx.profit_facts(profit)
    # margin profit: 1000-300-200-50 = 450, 500-100-100-50 = 250 → gross margin (450+250)/1500.
    assert f["margin_profit"].tolist() == [450.0, 250.0]
    # net: 450 - 100 ads - 10 USD refunds × 7 = 280; 250.
    assert f["net_profit"].tolist() == [280.0, 250.0]
    v = metric_values(f[["revenue", "margin_profit", "net_profit"]].sum().to_frame().T.assign(k=1),
                      ["gross_margin", "net_margin", "net_profit"], ["k"]).set_index("metric_id")["actual"]
    assert v["gross_margin"] == pytest.approx(700 / 1500) and v["net_profit"] == 530.0


def test_period_rows_are_cut_to_the_month():
    f = pd.DataFrame({"start": [T("2026-09-16"), T("2026-10-05")], "end": [T("2026-10-15"), T("2026-10-05")]})
    got = rows_in_window(f, T("2026-10-01"), T("2026-10-31"))
    # 30-day row, 15 of its days in October → 0.5; a day row → 1.
    assert got["fraction"].tolist() == [0.5, 1.0] and got["start"].iloc[0] == T("2026-10-01")


def test_messages_by_local_day_and_24h_rule():
    msgs = pd.DataFrame({
        "received_at": pd.to_datetime(["2026-10-01 02:00", "2026-10-02 10:00", "2026-10-03 10:00"], utc=True),
        "responded_at": pd.to_datetime(["2026-10-01 05:00", "2026-10-03 11:00", None], utc=True),
        "market": "US", "agent": "x", "store": "US-Main", "needs_response": [True, True, True],
        "response_hours": [3.0, 25.0, np.nan], "source_file": "cs.csv"})
    f = fx.message_facts(msgs, {"US": "America/Los_Angeles"})
    # 2026-10-01 02:00 UTC is still 09-30 in Los Angeles.
    assert f["start"].iloc[0] == T("2026-09-30")
    assert f["messages_answered_24h"].tolist() == [1.0, 0.0, 0.0]
    v = metric_values(f[[c for c in f.columns if c in COMPONENTS]].sum().to_frame().T.assign(k=1),
                      ["response_rate_24h", "avg_response_hours"], ["k"]).set_index("metric_id")["actual"]
    assert v["response_rate_24h"] == pytest.approx(1 / 3) and v["avg_response_hours"] == pytest.approx(14.0)


def test_account_health_counts_or_rates():
    h = pd.DataFrame({"period_start": T("2026-09-01"), "period_end": T("2026-10-31"), "market": "US",
                      "store": ["US-Main", "US-Home"], "metric": "odr", "rate": [0.01, 0.02],
                      "count": [5.0, np.nan], "denominator": [500.0, 100.0], "source_file": "ah.json"})
    f = fx.account_health_facts(h)
    # Counts where given; rate × denominator otherwise → (5 + 2) / 600.
    assert f["odr_defects"].tolist() == [5.0, 2.0] and f["odr_orders"].sum() == 600.0


def test_inbound_appointments_count_each_shipment_once():
    s = pd.DataFrame({"shipment_id": ["S1", "S1", "S2"], "market": "JP", "store": "JP-Main",
                      "sku": ["A", "B", "C"], "asin": None, "units_shipped": [10.0, 20.0, 5.0],
                      "ship_date": T("2026-09-01"), "appointment_start": T("2026-10-02"),
                      "appointment_end": T("2026-10-04"),
                      "arrival_date": [T("2026-10-03"), T("2026-10-03"), T("2026-10-21")],
                      "currency": "CNY", "freight_cost_base": [100.0, 200.0, np.nan], "fx_rate": 1.0,
                      "source_file": "s.xlsx"})
    f = fx.appointment_facts(s)
    # S1 (two lines, ½ each) on time; S2 arrived on 10-21, after its window: 1 of 2 on time.
    assert f["inbound_shipments"].sum() == 2.0 and f["inbound_on_time"].sum() == 1.0
    g = fx.freight_facts(s)
    assert g["first_leg_freight"].sum() == 300.0 and g["inbound_units"].sum() == 30.0   # S2 has no freight figure


def test_stockout_runs_from_order_gaps():
    days = pd.date_range("2026-08-01", "2026-10-31")
    rows = []
    for d in days:
        # Sells 3 lines a day, except 2026-10-05..10-12 (8 days: out of stock).
        if not (T("2026-10-05") <= d <= T("2026-10-12")):
            rows += [d] * 3
    o = pd.DataFrame({"market": "JP", "store": "JP-Main", "sku": "KIT-1", "asin": "B0X", "order_date": rows,
                      "status": "shipped"})
    inv = pd.DataFrame({"market": ["JP"], "store": ["JP-Main"], "sku": ["KIT-1"], "snapshot_date": [T("2026-10-31")],
                        "available": [40.0]})
    out = stockout_days(o, inv)
    # λ = 3 lines/day, 8 days → 24 ≥ 9.2: all 8 days flagged, nothing else.
    assert out["date"].tolist() == list(pd.date_range("2026-10-05", "2026-10-12"))


def test_launch_cohort_closes_on_day_90():
    d0 = T("2026-01-01")
    rows = [("OLD", d0 + pd.Timedelta(days=i)) for i in range(200)]
    rows += [("NEW", T("2026-03-01") + pd.Timedelta(days=i)) for i in range(0, 120, 1)]   # 1 unit a day
    o = pd.DataFrame({"market": "US", "store": "US-Main", "sku": [r[0] for r in rows], "asin": None,
                      "order_date": [r[1] for r in rows], "quantity": 1.0, "status": "shipped", "source_file": "o"})
    f = fx.launch_facts(o)
    # OLD sold from the data's first day (not a launch); NEW's 90 days end 2026-05-29 with 90 units ≥ 60.
    assert f["sku"].tolist() == ["NEW"] and f["start"].iloc[0] == T("2026-05-29")
    assert f["launch_successes"].tolist() == [1.0]
