"""The tuning panel driven like a user would, without a browser: set slider values,
click Save, and check the panel's state, its HTML widgets and the saved version."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi_lib.config.models import Bonus, Scoring
from kpi_lib.targets.budget import budget_targets
from kpi_lib.targets.panel import TargetPanel
from kpi_lib.targets.versions import list_versions, load_version

ROLES = {
    "operations": {"weights": {"default": {"gmv": 60, "return_rate": 40}, "JP": {"gmv": 50, "return_rate": 50}},
                   "tiers": {"junior": {"target_factor": 0.9}, "senior": {"target_factor": 1.1}}},
    "advertising": {"weights": {"default": {"acos": 50, "ctr": 30, "gmv": 20}},
                    "tiers": {"junior": {"target_factor": 0.95}, "senior": {"target_factor": 1.0}}},
}
BONUS = Bonus.model_validate({"target_bonus": {"junior": 3000, "senior": 6000},
                              "multiplier": [{"rating": "S", "multiplier": 1.3}, {"rating": "A", "multiplier": 1.0},
                                             {"rating": "B", "multiplier": 0.8}, {"rating": "C", "multiplier": 0.5},
                                             {"rating": "D", "multiplier": 0.0}],
                              "budget_cap": 30000})
MONTHS = ["2026-08", "2026-09", "2026-10"]


def inputs():
    people = pd.DataFrame({
        "person_id": ["o1", "o2", "o3", "a1", "a2", "a3"], "name": ["甲", "乙", "丙", "丁", "戊", "己"],
        "role": ["operations"] * 3 + ["advertising"] * 3, "level": ["junior", "senior", "junior"] * 2,
        "markets": ["US", "US", "JP", "US", "US", "JP"],
        "start_date": pd.to_datetime(["2024-01-01", "2023-05-01", "2026-11-03", "2024-01-01", "2022-01-01",
                                      "2025-02-01"])})
    rng = np.random.default_rng(11)
    mean = {"gmv": 100000.0, "return_rate": 0.08, "acos": 0.30, "ctr": 0.005}
    rows = []
    for p in people.itertuples():
        for metric in ROLES[p.role]["weights"].get(p.markets, ROLES[p.role]["weights"]["default"]):
            level = mean[metric] * rng.uniform(0.8, 1.2)
            for m in MONTHS:
                rows.append({"person_id": p.person_id, "market": p.markets, "metric_id": metric, "month": m,
                             "actual": level * (1 + 0.08 * rng.standard_normal())})
    return people, pd.DataFrame(rows)


@pytest.fixture
def panel(tmp_path):
    people, baseline = inputs()
    return TargetPanel(baseline, people, ROLES, Scoring(), BONUS, store=tmp_path / "targets", author="王顾问")


def row(p, person, metric, month="2026-11"):
    t = p.targets
    return t[(t["person_id"] == person) & (t["metric_id"] == metric) & (t["month"] == month)].iloc[0]


def test_initial_state(panel):
    assert panel.months == ["2026-11"]                        # the month after the baseline
    assert len(panel.targets) == 3 * 2 + 3 * 3                # operations: 2 metrics each, advertising: 3
    assert "<table" in panel.table_html.value and "甲" in panel.table_html.value
    assert "data-cost=" in panel.cost_html.value and "30,000" in panel.cost_html.value
    assert panel.status.value == ""
    assert panel.weights_sum.value.startswith("权重合计 100")
    # Historical with 0 % growth: the baseline mean × the tier factor; o3 started this month (ramp 50 %).
    base = panel.stats.set_index(["person_id", "metric_id"])["mean"]
    assert row(panel, "o1", "gmv")["target"] == pytest.approx(base[("o1", "gmv")] * 0.9)
    assert row(panel, "o2", "return_rate")["target"] == pytest.approx(base[("o2", "return_rate")] / 1.1)
    assert row(panel, "o3", "gmv")["target"] == pytest.approx(base[("o3", "gmv")] * 0.9 * 0.5)
    assert panel.last_ms < 1000


def test_growth_slider_moves_targets_and_probabilities(panel):
    before = row(panel, "a2", "gmv")
    p_before = panel.calibration.rows.set_index(["person_id", "metric_id"]).loc[("a2", "gmv"), "p_target"]
    cost_before = panel.calibration.summary["expected_cost"].iat[0]
    panel.w_growth.value = 10.0
    after = row(panel, "a2", "gmv")
    assert after["target"] == pytest.approx(before["target"] * 1.1)
    assert row(panel, "a2", "acos")["target"] == pytest.approx(row(panel, "a2", "acos")["base_value"] / 1.1)
    p_after = panel.calibration.rows.set_index(["person_id", "metric_id"]).loc[("a2", "gmv"), "p_target"]
    assert p_after < p_before
    assert panel.calibration.summary["expected_cost"].iat[0] < cost_before


def test_curve_sliders_set_threshold_and_stretch(panel):
    panel.w_threshold.value = 0.7
    panel.w_cap.value = 1.3
    r = row(panel, "o1", "gmv")
    assert r["threshold"] == pytest.approx(0.7 * r["target"]) and r["stretch"] == pytest.approx(1.3 * r["target"])
    r = row(panel, "a1", "acos")
    assert r["threshold"] == pytest.approx(r["target"] / 0.7) and r["stretch"] == pytest.approx(r["target"] / 1.3)


def test_tier_slider_changes_the_selected_role(panel):
    assert panel.w_role_market.value == ("operations", "default")
    panel.tier_sliders["senior"].value = 1.2
    assert panel.tiers["operations"]["senior"] == 1.2
    r = row(panel, "o2", "gmv")
    assert r["tier_factor"] == 1.2 and r["target"] == pytest.approx(r["base_value"] * 1.2)
    assert row(panel, "a2", "gmv")["tier_factor"] == 1.0     # advertising seniors untouched


def test_weights_by_role_and_market(panel):
    panel.w_role_market.value = ("operations", "JP")
    assert set(panel.weight_sliders) == {"gmv", "return_rate"}
    assert panel.weight_sliders["gmv"].value == 50
    panel.weight_sliders["gmv"].value = 60
    assert panel.weights["operations"]["JP"]["gmv"] == 60
    assert "110" in panel.weights_sum.value and "⚠" in panel.weights_sum.value
    assert row(panel, "o3", "gmv")["weight"] == 60
    panel.w_reason.value = "日本站提高GMV权重"
    panel.btn_save.click()
    assert "未保存" in panel.status.value and "110" in panel.status.value
    assert list_versions(panel.store).empty
    panel.weight_sliders["return_rate"].value = 40
    panel.btn_save.click()
    assert "已保存目标版本 v1" in panel.status.value


def test_save_refuses_an_empty_reason_then_saves(panel):
    panel.w_growth.value = 5.0
    panel.btn_save.click()
    assert "请填写调整原因" in panel.status.value
    assert list_versions(panel.store).empty
    panel.w_reason.value = "  "
    panel.btn_save.click()
    assert "请填写调整原因" in panel.status.value
    panel.w_reason.value = "首版目标：历史均值 +5%"
    panel.btn_save.click()
    assert "已保存目标版本 v1" in panel.status.value and panel.last_saved.version == 1
    saved = load_version(panel.store)
    assert saved.reason == "首版目标：历史均值 +5%" and saved.author == "王顾问"
    assert saved.effective_from == "2026-11-01"
    assert saved.settings["growth_pct"] == 5.0 and saved.settings["method"] == "historical"
    got = saved.targets.set_index(["person_id", "metric_id", "month"])["target"]
    want = panel.targets.set_index(["person_id", "metric_id", "month"])["target"]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    # A second save records the change against v1.
    panel.w_growth.value = 8.0
    panel.w_reason.value = "增长率调到8%"
    panel.btn_save.click()
    v2 = load_version(panel.store)
    assert v2.version == 2 and v2.parent == 1 and v2.diff["changed"] > 0


def test_benchmark_method_and_percentile(panel):
    panel.w_method.value = "benchmark"
    r = row(panel, "a1", "acos")
    assert r["method"] == "benchmark (p50)" and r["target"] == pytest.approx(0.28 / 0.95)   # junior factor 0.95
    assert row(panel, "a2", "ctr")["target"] == pytest.approx(0.005)
    assert row(panel, "a1", "gmv")["method"] == "historical"        # no GMV benchmark
    panel.w_percentile.value = "good"
    assert row(panel, "a2", "acos")["target"] == pytest.approx(0.22)
    assert "benchmark (p25)" in panel.table_html.value


def test_budget_method(tmp_path):
    people, baseline = inputs()
    budget = pd.DataFrame({"month": ["2026-11", "2026-11"], "market": ["US", "JP"], "measure": ["gmv", "gmv"],
                           "amount": [500000.0, 150000.0], "currency": ["CNY", "CNY"]})
    shares = pd.DataFrame({"person_id": ["o1", "o2", "a1", "a2", "o3", "a3"], "market": ["US"] * 4 + ["JP"] * 2,
                           "share": [0.3, 0.4, 0.1, 0.2, 0.7, 0.3]})
    p = TargetPanel(baseline, people, ROLES, Scoring(), BONUS, budget=budget, shares=shares, method="budget",
                    store=tmp_path, author="a")
    want = budget_targets(budget, shares).set_index(["person_id", "metric_id"])["target"]
    r = row(p, "o2", "gmv")
    assert r["method"] == "budget" and r["target"] == pytest.approx(want[("o2", "gmv")]) and r["tier_factor"] == 1.0
    assert row(p, "o2", "return_rate")["method"] == "historical"
    # The new hire's budget share is ramped (50 % in the start month).
    assert row(p, "o3", "gmv")["target"] == pytest.approx(want[("o3", "gmv")] * 0.5)
    us = p.targets[(p.targets["metric_id"] == "gmv") & (p.targets["market"] == "US")]["target"].sum()
    assert us == pytest.approx(500000.0)
    assert [v for _, v in p.w_method.options] == ["historical", "budget", "benchmark"]
    assert p.w_method.options[1][0] == "预算分解法"


def test_month_selector_language_and_missing_store():
    people, baseline = inputs()
    p = TargetPanel(baseline, people, ROLES, Scoring(), BONUS, months=["2026-11", "2026-12"], language="en")
    assert "Target tuning panel" in p.widget.children[0].value
    assert set(p.targets["month"]) == {"2026-11", "2026-12"}
    p.w_month.value = "2026-12"
    assert p.calibration.summary["month"].iat[0] == "2026-12" and "2026-12" in p.cost_html.value
    # The new hire is in month 1 of the ramp in December.
    assert row(p, "o3", "gmv", "2026-12")["ramp_factor"] == 0.75
    p.w_reason.value = "why"
    p.btn_save.click()
    assert "No target store" in p.status.value
    assert "Budget" in p.cost_html.value


def test_the_panel_displays_in_a_notebook(panel):
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_tiers_never_loosen_an_amazon_limit():
    roles = {"customer_service": {"weights": {"default": {"odr": 50, "response_rate_24h": 50}},
                                  "tiers": {"junior": {"target_factor": 0.8}}}}
    people = pd.DataFrame({"person_id": ["c1"], "name": ["客服"], "role": ["customer_service"], "level": ["junior"],
                           "markets": ["JP"]})
    baseline = pd.DataFrame({"person_id": "c1", "market": "JP", "metric_id": ["odr"] * 3 + ["response_rate_24h"] * 3,
                             "month": MONTHS * 2, "actual": [0.004, 0.006, 0.005, 0.93, 0.95, 0.97]})
    p = TargetPanel(baseline, people, roles, Scoring(), BONUS, method="benchmark")
    odr = row(p, "c1", "odr")
    assert odr["target"] == 0.01 and odr["method"] == "benchmark (policy limit)" and odr["tier_factor"] == 1.0
    # The JP 24-hour row is an assumption, not a limit: the junior factor applies.
    assert row(p, "c1", "response_rate_24h")["target"] == pytest.approx(0.90 * 0.8)


def test_a_given_history_replaces_the_baseline_mean():
    people, baseline = inputs()
    history = pd.DataFrame({"person_id": ["a2"], "market": ["US"], "metric_id": ["gmv"], "history_value": [123456.0]})
    p = TargetPanel(baseline, people, ROLES, Scoring(), BONUS, history=history, growth=0.10)
    assert p.w_growth.value == 10.0
    assert row(p, "a2", "gmv")["target"] == pytest.approx(123456.0 * 1.1)     # senior advertising factor 1.0
    assert row(p, "a1", "gmv")["base_value"] == pytest.approx(p.stats.set_index(["person_id", "metric_id"])
                                                              .loc[("a1", "gmv"), "mean"])
