"""Exemptions: which rows an event exempts, how weights renormalise, what the audit says."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kpi_lib.config import load_config
from kpi_lib.config.models import Exemption
from kpi_lib.engine.exemptions import AUDIT_COLUMNS, apply_exemptions, overlap_days
from kpi_lib.engine.scoring import person_totals, score_rows
from kpi_lib.errors import ConfigError, KpiErrors
from tests.conftest import write_config

PERIOD = "2026-10"
JP_DELAY = Exemption(id="jp-delay", kind="logistics_delay", market="JP", start=dt.date(2026, 10, 5),
                     end=dt.date(2026, 10, 20), metrics=["stockout_days"], evidence="货代延误通知",
                     approved_by="陈建国（总经理）")


def _rows() -> pd.DataFrame:
    """P1 (JP) and P2 (US) with the same three metrics, weights 0.5 / 0.3 / 0.2."""
    return pd.DataFrame({
        "person_id": ["P1"] * 3 + ["P2"] * 3,
        "market": ["JP"] * 3 + ["US"] * 3,
        "metric_id": ["gmv", "stockout_days", "gross_margin"] * 2,
        "direction": ["higher", "lower", "higher"] * 2,
        "actual": [90.0, 6.0, 0.30] * 2,
        "target": [100.0, 2.0, 0.30] * 2,
        "weight": [0.5, 0.3, 0.2] * 2,
    })


def _people(**starts) -> pd.DataFrame:
    ids = ["P1", "P2", "P3"]
    return pd.DataFrame({
        "person_id": ids,
        "markets": ["JP", "US", "US,JP"],
        "start_date": [pd.Timestamp(starts.get(i, "2020-01-01")) for i in ids],
        "end_date": [pd.NaT] * 3,
    })


def test_exempted_metric_renormalises_the_other_weights_and_names_the_exemption():
    rows = _rows()
    before = rows.copy()
    out, audit = apply_exemptions(rows, [JP_DELAY], PERIOD, _people())
    pd.testing.assert_frame_equal(rows, before)  # the input is not changed
    p1 = out[out["person_id"] == "P1"]
    assert p1["exempted"].tolist() == [False, True, False]
    # 0.5 and 0.2 over 0.7 → 0.714 / 0.286; the exempted 0.3 weighs nothing.
    assert p1["effective_weight"].tolist() == pytest.approx([0.5 / 0.7, 0.0, 0.2 / 0.7])
    assert p1["effective_weight"].round(3).tolist() == [0.714, 0.0, 0.286]
    note = p1["exemption_note"].iloc[1]
    for part in ("jp-delay", "物流延误", "2026-10-05", "2026-10-20", "16", "陈建国（总经理）"):
        assert part in note
    # P2 works in the US: the JP delay does not touch them.
    p2 = out[out["person_id"] == "P2"]
    assert not p2["exempted"].any() and p2["effective_weight"].tolist() == [0.5, 0.3, 0.2]
    # Audit: one row per (exemption, person, metric), 5–20 October = 16 days.
    assert list(audit.columns) == AUDIT_COLUMNS
    assert audit[["exemption_id", "person_id", "metric_id", "days_overlapped", "approved_by"]].values.tolist() == [
        ["jp-delay", "P1", "stockout_days", 16, "陈建国（总经理）"]]
    assert audit["evidence"].iloc[0] == "货代延误通知"


def test_exempted_total_by_hand():
    out, _ = apply_exemptions(_rows(), [JP_DELAY], PERIOD, _people())
    totals = person_totals(score_rows(out)).set_index("person_id")["total_score"]
    # P1: gmv 0.9 → 80, stock-out exempted, margin on target → 100: 0.714 × 80 + 0.286 × 100 = 85.71.
    assert totals["P1"] == pytest.approx((0.5 * 80 + 0.2 * 100) / 0.7, abs=1e-6)
    # P2: stock-out 2/6 = 0.33 → 0 points counts: 0.5 × 80 + 0.3 × 0 + 0.2 × 100 = 60.
    assert totals["P2"] == pytest.approx(60)


def test_listed_people_only_and_rows_without_market_use_the_roster():
    ex = JP_DELAY.model_copy(update={"people": ["P3"], "metrics": ["gmv"]})
    rows = pd.DataFrame({"person_id": ["P1", "P3", "P3"], "market": ["JP", None, "US"], "metric_id": ["gmv"] * 3,
                         "weight": [1.0, 0.5, 0.5]})
    out, audit = apply_exemptions(rows, [ex], PERIOD, _people())
    # P1 is not listed; P3's market-less row counts as JP (the roster says US,JP); P3's US row does not.
    assert out["exempted"].tolist() == [False, True, False]
    assert out["effective_weight"].tolist() == [1.0, 0.0, 1.0]
    assert audit["person_id"].tolist() == ["P3"]


def test_event_outside_the_month_or_the_employment_exempts_nothing():
    september = JP_DELAY.model_copy(update={"start": dt.date(2026, 9, 1), "end": dt.date(2026, 9, 30)})
    out, audit = apply_exemptions(_rows(), [september], PERIOD, _people())
    assert not out["exempted"].any() and audit.empty
    # P1 joined on 21 October, after the delay (5–20 October) ended: not affected.
    out, audit = apply_exemptions(_rows(), [JP_DELAY], PERIOD, _people(P1="2026-10-21"))
    assert not out["exempted"].any()
    # Joined on 15 October: affected for 15–20 October = 6 days.
    out, audit = apply_exemptions(_rows(), [JP_DELAY], PERIOD, _people(P1="2026-10-15"))
    assert audit["days_overlapped"].tolist() == [6]


def test_min_overlap_days_leaves_short_overlaps_in_with_a_note():
    strict = JP_DELAY.model_copy(update={"min_overlap_days": 20})
    out, audit = apply_exemptions(_rows(), [strict], PERIOD, _people(), language="en")
    assert not out["exempted"].any() and audit.empty
    assert "covers only 16 day(s) this month (fewer than 20): not applied" in out["exemption_note"].iloc[1]
    # An event spilling over the month end counts only its days in the month: 25 Oct – 10 Nov → 7.
    assert overlap_days(dt.date(2026, 10, 25), dt.date(2026, 11, 10), PERIOD) == 7


def test_two_exemptions_on_one_row_are_both_recorded():
    outage = Exemption(id="outage", kind="platform_outage", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 2),
                       metrics=["stockout_days", "gmv"], evidence="Seller Central 故障公告", approved_by="王总")
    out, audit = apply_exemptions(_rows(), [JP_DELAY, outage], PERIOD, _people())
    assert out.loc[1, "exemption_ids"] == "jp-delay, outage"
    # outage has no market and people: all → everyone's gmv and stock-out days.
    assert out["exempted"].tolist() == [True, True, False, True, True, False]
    assert len(audit) == 5
    assert out.loc[0, "effective_weight"] == 0 and out.loc[2, "effective_weight"] == 1.0


def test_unknown_person_in_an_exemption_is_a_config_error():
    ex = JP_DELAY.model_copy(update={"people": ["P01"]})
    with pytest.raises(ConfigError) as info:
        apply_exemptions(_rows(), [ex], PERIOD, _people())
    assert info.value.key == "exemptions[0].people" and "did you mean 'P1'" in info.value.fix


def test_exemption_model_and_demo_block():
    # Copied from kpi_lib/demo/config.py (the demo generator's `exemptions:` block).
    block = yaml.safe_load("""
exemptions:
  - id: jp-inbound-delay-2026-10
    kind: logistics_delay
    market: JP
    start: 2026-10-05
    end: 2026-10-20
    metrics: [stockout_days, gmv]
    evidence: "日本海运柜因东京港拥堵延误"
    approved_by: 陈建国（总经理）
""")["exemptions"]
    (ex,) = [Exemption.model_validate(e) for e in block]
    assert ex.people == "all" and ex.min_overlap_days == 1
    with pytest.raises(ValidationError):
        Exemption.model_validate({**block[0], "metrics": []})
    with pytest.raises(ValidationError):
        Exemption.model_validate({**block[0], "min_overlap_days": 0})


def test_exemption_in_an_unknown_market_is_a_config_problem(tmp_path):
    path = write_config(tmp_path, """
client_id: t
markets: [{id: US}, {id: JP}]
data_dir: data
exemptions:
  - {id: x, kind: other, market: JPN, start: 2026-10-01, end: 2026-10-02, metrics: [gmv], evidence: e, approved_by: a}
""")
    with pytest.raises(KpiErrors) as info:
        load_config(path)
    (err,) = info.value.errors
    assert err.key == "exemptions[0].market" and "did you mean 'JP'" in err.fix


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["P1", "P2", "P3"]),
                          st.sampled_from(["gmv", "stockout_days", "ctr", "acos"]),
                          st.floats(0.01, 1)), min_size=1, max_size=10),
       st.lists(st.sampled_from(["gmv", "stockout_days", "ctr", "acos"]), min_size=1, max_size=3, unique=True))
def test_weights_renormalise_to_one_over_the_rows_left(spec, metrics):
    rows = pd.DataFrame(spec, columns=["person_id", "metric_id", "weight"]).assign(market="US")
    ex = Exemption(id="e", kind="other", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), metrics=metrics,
                   evidence="e", approved_by="a")
    out, audit = apply_exemptions(rows, [ex], PERIOD)
    assert out["exempted"].tolist() == rows["metric_id"].isin(metrics).tolist()
    assert len(audit) == int(out["exempted"].sum())
    for _, g in out.groupby("person_id"):
        left = g[~g["exempted"]]
        assert np.isclose(g["effective_weight"].sum(), 1.0 if len(left) else 0.0)
        assert (g.loc[g["exempted"], "effective_weight"] == 0).all()
