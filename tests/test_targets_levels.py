"""Threshold / target / stretch from the payout curve (direction-aware), tiers in the
good direction, and the new-hire ramp on volume targets."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi_lib.config.loader import role_templates
from kpi_lib.config.models import Role, Scoring
from kpi_lib.engine.scoring import score_rows
from kpi_lib.errors import ConfigError, KpiError
from kpi_lib.targets.levels import (add_levels, apply_ramp, apply_tiers, curve_levels, good_direction, grow,
                                    months_employed, ramp_factors, tier_factors)


def test_curve_levels_by_hand():
    curve = Scoring()   # threshold 0.8, target 1.0, cap 1.2
    thr, top = curve_levels([100.0, 0.25, -1000.0, 0.0], ["higher", "lower", "higher", "higher"], curve)
    assert thr[0] == pytest.approx(80) and top[0] == pytest.approx(120)
    # Lower is better: the threshold is above the target, the stretch below it.
    assert thr[1] == pytest.approx(0.3125) and top[1] == pytest.approx(0.25 / 1.2)
    # A planned loss of 1,000: threshold a 1,200 loss, stretch an 800 loss.
    assert thr[2] == pytest.approx(-1200) and top[2] == pytest.approx(-800)
    assert np.isnan(thr[3]) and np.isnan(top[3])


def test_add_levels_uses_per_metric_curves_and_round_trips_through_the_engine():
    scoring = Scoring.model_validate({"per_metric": {"acos": {"threshold": 0.9, "cap": 1.1}}})
    t = pd.DataFrame({"person_id": ["a", "a", "a"], "metric_id": ["gmv", "acos", "days_of_supply"],
                      "target": [1000.0, 0.3, np.nan], "weight": [0.4, 0.4, 0.2]})
    out = add_levels(t, scoring)
    assert out["direction"].tolist() == ["higher", "lower", "band"]
    assert out["threshold"].iloc[:2].tolist() == pytest.approx([800.0, 0.3 / 0.9])
    assert out["stretch"].iloc[:2].tolist() == pytest.approx([1200.0, 0.3 / 1.1])
    assert out["threshold"].isna().iat[2]
    # An actual exactly at each row's threshold scores the threshold score, at the stretch the cap score.
    rows = pd.concat([out.assign(actual=out["threshold"]), out.assign(actual=out["stretch"])]).iloc[[0, 1, 3, 4]]
    scored = score_rows(rows.assign(person_id=["a", "a", "b", "b"]), scoring)
    assert scored["score"].tolist() == pytest.approx([60, 60, 120, 120])


def test_good_direction_and_grow():
    out = good_direction([100.0, 0.3, -100.0, 45.0], 1.1, ["higher", "lower", "higher", "band"])
    assert out.tolist() == pytest.approx([110.0, 0.3 / 1.1, -90.0, 45.0])
    assert grow(0.2, 0.25, "lower") == pytest.approx(0.16)


def test_tiers_in_the_good_direction():
    people = pd.DataFrame({"person_id": ["j", "s"], "role": ["advertising", "advertising"], "level": ["junior", "senior"]})
    t = pd.DataFrame({"person_id": ["j", "j", "s", "s"], "metric_id": ["gmv", "acos", "gmv", "acos"],
                      "target": [1000.0, 0.30, 1000.0, 0.30]})
    out = apply_tiers(t, people, role_templates())     # advertising: junior 0.9, senior 1.05
    assert out["tier_factor"].tolist() == [0.9, 0.9, 1.05, 1.05]
    assert out["target"].tolist() == pytest.approx([900.0, 0.30 / 0.9, 1050.0, 0.30 / 1.05])
    assert out["target_before_tier"].tolist() == [1000.0, 0.30, 1000.0, 0.30]
    # Budget rows keep their split; an unknown tier is 1.
    t2 = t.assign(method=["budget", "historical", "budget", "historical"])
    out2 = apply_tiers(t2, people.assign(level=["junior", "lead"]), role_templates())
    assert out2["tier_factor"].tolist() == [1.0, 0.9, 1.0, 1.0]


def test_tier_factors_from_config_roles():
    roles = {"ops": Role.model_validate({"tiers": {"junior": {"target_factor": 0.8}}})}
    assert tier_factors(roles).to_dict("records") == [{"role": "ops", "level": "junior", "target_factor": 0.8}]


def test_new_hire_ramp():
    assert months_employed(["2026-10-25", "2026-12-01", None], ["2026-10", "2026-11", "2026-11"])[:2].tolist() == [0, -1]
    assert ramp_factors([0, 1, 2, 3, -1, np.nan]).tolist() == [0.5, 0.75, 1.0, 1.0, 1.0, 1.0]
    people = pd.DataFrame({"person_id": ["new", "old"], "start_date": pd.to_datetime(["2026-10-20", "2024-01-01"])})
    t = pd.DataFrame({"person_id": ["new"] * 5 + ["old"], "metric_id": ["gmv", "gmv", "gmv", "acos", "net_profit", "gmv"],
                      "month": ["2026-10", "2026-11", "2027-01", "2026-10", "2026-10", "2026-10"],
                      "target": [1000.0, 1000.0, 1000.0, 0.3, -1000.0, 1000.0]})
    out = apply_ramp(t, people)
    # GMV 50 % in the start month, 75 % the next, full from the third; ACoS never ramped;
    # a planned loss is eased (−1,000 at 50 % allows −1,500); long-serving staff untouched.
    assert out["target"].tolist() == pytest.approx([500.0, 750.0, 1000.0, 0.3, -1500.0, 1000.0])
    assert out["ramp_factor"].tolist() == [0.5, 0.75, 1.0, 1.0, 0.5, 1.0]
    custom = apply_ramp(t.iloc[:2], people, ramp=(0.3,))
    assert custom["target"].tolist() == pytest.approx([300.0, 1000.0])
    with pytest.raises(KpiError):
        ramp_factors([0], ramp=(0.5, 0))


def test_errors_and_purity():
    t = pd.DataFrame({"person_id": ["a"], "metric_id": ["gmvv"], "target": [1.0]})
    with pytest.raises(ConfigError, match="did you mean 'gmv'"):
        add_levels(t)
    with pytest.raises(KpiError, match="role, level"):
        apply_tiers(pd.DataFrame({"person_id": ["a"], "metric_id": ["gmv"], "target": [1.0]}), None, {})
    t = pd.DataFrame({"person_id": ["a"], "metric_id": ["gmv"], "target": [1.0], "month": ["2026-12"]})
    before = t.copy()
    add_levels(t)
    apply_ramp(t, pd.DataFrame({"person_id": ["a"], "start_date": ["2026-12-01"]}))
    pd.testing.assert_frame_equal(t, before)
