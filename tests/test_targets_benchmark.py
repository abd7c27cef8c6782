"""The shipped benchmark table (sources, dates, bases, percentiles as shipped) and
benchmark targets (percentile choice, category fallback, policy limits, gaps)."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi_lib.errors import ConfigError, KpiError
from kpi_lib.metrics.registry import metrics
from kpi_lib.targets.benchmark import BASES, TABLE_COLUMNS, benchmark_targets, load_benchmarks, pick


def test_every_row_is_sourced_dated_and_honest():
    table = load_benchmarks()
    assert list(table.columns) == TABLE_COLUMNS
    assert set(table["basis"]) <= set(BASES)
    assert table["metric_id"].isin(list(metrics())).all()
    for c in ("source", "source_url", "source_date", "date_kind", "note"):
        assert table[c].notna().all() and (table[c].astype(str).str.strip() != "").all(), c
    assert set(table["date_kind"]) <= {"published", "consulted"}
    assert set(table["market"]) == {"US", "JP"}
    # Rows without a public figure say so.
    assumed = table[table["basis"] == "assumption"]
    assert len(assumed) and assumed["note"].str.contains("assumption").all()


def test_percentiles_as_shipped():
    t = load_benchmarks()
    acos = pick(t, "acos", "US")
    assert (acos["p25"], acos["p50"], acos["p75"], acos["value"]) == (0.22, 0.28, 0.40, 0.32)
    tacos = pick(t, "tacos", "US")
    assert (tacos["p25"], tacos["p50"], tacos["p75"]) == (0.07, 0.11, 0.15)
    assert pick(t, "unit_session_pct", "US")["p50"] == 0.125
    assert pick(t, "return_rate", "US", "apparel")["p50"] == 0.25


def test_amazon_policy_thresholds_per_market():
    t = load_benchmarks()
    for market in ("US", "JP"):
        assert pick(t, "odr", market)["value"] == 0.01
        assert pick(t, "late_shipment_rate", market)["value"] == 0.04
        assert pick(t, "cancel_rate", market)["value"] == 0.025
    assert pick(t, "odr", "US")["basis"] == "policy_threshold"
    assert pick(t, "avg_response_hours", "US")["value"] == 24
    assert "sellercentral" in pick(t, "response_rate_24h", "US")["source_url"]


def test_benchmark_targets_pick_the_percentile():
    plan = pd.DataFrame({"person_id": ["a", "a", "b", "b"], "market": ["US", "US", "JP", "US"],
                         "metric_id": ["acos", "ctr", "odr", "gmv"], "category": [None, None, None, None]})
    t = benchmark_targets(plan, months=["2026-12", "2027-01"])
    assert len(t) == 8
    got = t[t["month"] == "2026-12"].set_index(["person_id", "metric_id"])
    assert got.loc[("a", "acos"), "target"] == 0.28 and got.loc[("a", "acos"), "used"] == "p50"
    assert got.loc[("a", "ctr"), "target"] == 0.005
    # A policy limit has no percentile: its value is used and flagged.
    assert got.loc[("b", "odr"), "target"] == 0.01 and got.loc[("b", "odr"), "used"] == "value"
    assert bool(got.loc[("b", "odr"), "is_limit"])
    # No GMV benchmark: the row stays, without a target.
    assert pd.isna(got.loc[("b", "gmv"), "target"]) and got.loc[("b", "gmv"), "method"] == "benchmark (none)"


def test_good_percentile_is_direction_aware_and_categories_fall_back():
    plan = pd.DataFrame({"person_id": ["a", "a", "a"], "market": ["US"] * 3, "metric_id": ["acos", "ctr", "return_rate"],
                         "category": ["toys", "toys", "apparel"], "month": ["2026-12"] * 3})
    t = benchmark_targets(plan, percentile="good").set_index("metric_id")
    assert t.loc["acos", "target"] == 0.22          # lower is better → p25
    assert t.loc["ctr", "target"] == 0.007          # higher is better → p75
    assert t.loc["return_rate", "target"] == 0.20 and t.loc["return_rate", "category"] == "apparel"
    assert t.loc["acos", "category"] == "all"       # no "toys" row: the all-category row


def test_bad_inputs():
    with pytest.raises(KpiError, match="unknown percentile"):
        benchmark_targets(pd.DataFrame({"person_id": ["a"], "market": ["US"], "metric_id": ["acos"]}),
                          percentile="p90", months=["2026-12"])
    with pytest.raises(KpiError, match="no target months"):
        benchmark_targets(pd.DataFrame({"person_id": ["a"], "market": ["US"], "metric_id": ["acos"]}))


def test_a_bad_table_is_refused(tmp_path):
    good = load_benchmarks()
    bad = good.copy()
    bad.loc[0, "source"] = None
    path = tmp_path / "b.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ConfigError, match="needs its source"):
        load_benchmarks(path)
    bad = good.copy()
    bad.loc[0, "p25"] = 0.9
    bad.to_csv(path, index=False)
    with pytest.raises(ConfigError, match="p25 ≤ p50 ≤ p75"):
        load_benchmarks(path)
