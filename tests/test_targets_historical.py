"""Historical targets: trailing mean / same month last year of the scope owned in the target
month, growth and tier factor in the good direction, threshold and stretch from the curve."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi_lib.config.models import Scoring
from kpi_lib.engine.attribution import prepare_rules
from kpi_lib.metrics import facts as fx
from kpi_lib.targets.historical import basis_months, historical_targets
from kpi_lib.targets.levels import curve_levels, good_direction

T = pd.Timestamp


def _orders(rows):
    """(sku, day, sales in base currency)"""
    return pd.DataFrame([{"market": "US", "store": "US-Main", "sku": s, "asin": None, "quantity": 1.0,
                          "order_date": T(d), "status": "shipped", "item_sales_base": v, "currency": "CNY",
                          "fx_rate": 1.0, "source_file": "orders.txt"} for s, d, v in rows])


HISTORY = _orders([("PET-1", "2026-07-10", 300.0), ("PET-1", "2026-08-10", 600.0), ("PET-1", "2026-09-10", 900.0),
                   ("KIT-1", "2026-07-10", 100.0), ("KIT-1", "2026-08-10", 100.0), ("KIT-1", "2026-09-10", 100.0),
                   ("TOY-1", "2026-07-10", 310.0), ("TOY-1", "2026-08-10", 310.0), ("TOY-1", "2026-09-10", 310.0),
                   ("PET-1", "2025-10-10", 1000.0)])
PEOPLE = pd.DataFrame({"person_id": ["A", "B", "C"], "name": ["A", "B", "C"], "role": "operations",
                       "level": ["senior", "junior", "junior"], "markets": "US",
                       "start_date": [pd.NaT, pd.NaT, T("2026-10-20")], "end_date": pd.NaT})
OWN = pd.DataFrame([{"person_id": p, "market": "US", "store": "US-Main", "scope": "sku", "pattern": pat,
                     "from_date": T(f), "to_date": T(t) if t else pd.NaT, "source_file": "own.xlsx"}
                    for p, pat, f, t in [("A", "PET-*", "2025-01-01", "2026-10-15"), ("B", "PET-*", "2026-10-16", None),
                                         ("B", "KIT-*", "2025-01-01", None), ("C", "TOY-*", "2026-10-25", None)]])
RULES = {"operations": prepare_rules(OWN, PEOPLE).rules}
FACTS = {"orders": fx.FactTable("orders", fx.order_facts(HISTORY, None, None), ("orders",))}
PLAN = pd.DataFrame({"person_id": ["A", "B", "C"], "role": "operations", "level": ["senior", "junior", "junior"],
                     "market": "US", "metric_id": "gmv"})
TIERS = {("operations", "senior"): 1.05, ("operations", "junior"): 0.9}


def test_basis_months():
    assert basis_months("2026-01", "trailing", 3) == ["2025-12", "2025-11", "2025-10"]
    assert basis_months("2026-10", "last_year") == ["2025-10"]


def test_trailing_mean_of_the_scope_owned_this_month_with_tier_and_growth():
    t = historical_targets(PLAN, FACTS, RULES, "2026-10", tier_factors=TIERS, growth=0.1).set_index("person_id")
    # PET-1's monthly mean (300 + 600 + 900) / 3 = 600 is split as October is: A 15/31, B 16/31.
    a_hist = 600 * 15 / 31                              # 290.32
    b_hist = 600 * 16 / 31 + 100                        # 309.68 + KIT-1's 100 = 409.68
    c_hist = 310 * 7 / 31                               # the joiner owns TOY-* from 10-25: 7 days → 70
    assert t.loc["A", "history_value"] == pytest.approx(a_hist)
    assert t.loc["B", "history_value"] == pytest.approx(b_hist)
    assert t.loc["C", "history_value"] == pytest.approx(c_hist)
    # Target = history × (1 + 10 %) × tier (senior 1.05, junior 0.9).
    assert t.loc["A", "target"] == pytest.approx(a_hist * 1.1 * 1.05)
    assert t.loc["B", "target"] == pytest.approx(b_hist * 1.1 * 0.9)
    # Threshold and stretch from the default curve: 80 % and 120 % of the target.
    assert t.loc["A", "threshold"] == pytest.approx(0.8 * t.loc["A", "target"])
    assert t.loc["A", "stretch"] == pytest.approx(1.2 * t.loc["A", "target"])
    assert t.loc["A", "basis_months"] == "2026-07,2026-08,2026-09" and t.loc["A", "n_months"] == 3
    assert t.loc["A", "method"] == "historical: trailing 3-month mean"


def test_same_month_last_year():
    t = historical_targets(PLAN, FACTS, RULES, "2026-10", basis="last_year").set_index("person_id")
    # 2025-10: PET-1 sold 1000 → A 15/31 of it; KIT and TOY had no sales that month.
    assert t.loc["A", "history_value"] == pytest.approx(1000 * 15 / 31)
    assert t.loc["B", "history_value"] == pytest.approx(1000 * 16 / 31)
    assert t.loc["C", "history_value"] == 0.0 and t.loc["A", "basis_months"] == "2025-10"


def test_lower_is_better_target_moves_down_and_ratio_history_is_pooled():
    ads = pd.DataFrame([{"market": "US", "store": "US-Main", "campaign": "SP-PET", "sku": None, "asin": None,
                         "period_start": T(f"2026-{m:02d}-01"), "period_end": T(f"2026-{m:02d}-01") + pd.offsets.MonthEnd(0),
                         "spend_base": s, "attributed_sales_base": v, "clicks": 1.0, "impressions": 1.0,
                         "attributed_orders": 1.0, "currency": "CNY", "fx_rate": 1.0, "source_file": "ads.csv"}
                        for m, s, v in [(7, 10.0, 100.0), (8, 20.0, 100.0), (9, 60.0, 200.0)]])
    people = pd.DataFrame({"person_id": ["D"], "name": ["D"], "role": "advertising", "level": "senior",
                           "markets": "US", "start_date": pd.NaT, "end_date": pd.NaT})
    own = pd.DataFrame({"person_id": ["D"], "market": "US", "store": "US-Main", "scope": "campaign",
                        "pattern": "SP-*", "from_date": T("2026-01-01"), "to_date": pd.NaT, "source_file": "o"})
    plan = pd.DataFrame({"person_id": ["D"], "role": "advertising", "level": "senior", "market": "US",
                         "metric_id": "acos"})
    facts = {"ads": fx.FactTable("ads", fx.ad_facts(ads), ("ads",))}
    t = historical_targets(plan, facts, {"advertising": prepare_rules(own, people).rules}, "2026-10",
                           tier_factors={("advertising", "senior"): 1.05}).iloc[0]
    # Pooled: (10 + 20 + 60) / (100 + 100 + 200) = 22.5 %, not the mean of 10 %, 20 %, 30 % (20 %).
    assert t["history_value"] == pytest.approx(0.225)
    # A senior's factor 1.05 makes a lower-is-better target stricter: 0.225 / 1.05.
    assert t["target"] == pytest.approx(0.225 / 1.05)
    # Threshold: the ACoS whose attainment (target ÷ actual) is 0.8; stretch: 1.2.
    assert t["threshold"] == pytest.approx(t["target"] / 0.8)
    assert t["stretch"] == pytest.approx(t["target"] / 1.2)


def test_band_metric_has_no_target_and_missing_history_is_nan():
    plan = pd.DataFrame({"person_id": ["A", "A"], "role": "operations", "level": "senior", "market": "US",
                         "metric_id": ["days_of_supply", "sessions"]})
    t = historical_targets(plan, FACTS, RULES, "2026-10").set_index("metric_id")
    assert np.isnan(t.loc["days_of_supply", "target"]) and t.loc["days_of_supply", "method"].startswith("band 30")
    # No traffic table at all: no history, no target (the scorecard notes it).
    assert np.isnan(t.loc["sessions", "target"]) and t.loc["sessions", "n_months"] == 0


def test_good_direction_and_curve_bounds_helpers():
    assert good_direction([100.0, 0.2, -100.0], [1.1, 1.1, 1.1], ["higher", "lower", "higher"]).tolist() == \
        pytest.approx([110.0, 0.2 / 1.1, -90.0])                 # a planned loss shrinks by 10 %
    curve = Scoring(threshold=0.9, cap=1.1).curve_for("gmv")
    thr, top = curve_levels([200.0, -100.0], ["higher", "higher"], curve)
    assert thr.tolist() == pytest.approx([180.0, -110.0]) and top.tolist() == pytest.approx([220.0, -90.0])
