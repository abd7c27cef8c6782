"""Pilot evaluation: DiD recovers a planted effect, survey outputs stay anonymous,
fairness gaps are flagged, proposals and the go/adjust/stop rule follow their definitions."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi_lib.errors import KpiError
from kpi_lib.pilot import (comment_themes, difference_in_differences, fairness_flags, likert_summary,
                           panel_with_team, pilot_decision, pilot_months, propose_changes, redact,
                           score_distribution, survey_acceptance)

MONTHS = pd.period_range("2026-03", "2026-10", freq="M").strftime("%Y-%m").tolist()


def synthetic_panel(effect: float, *, seed: int = 7, n_pilot: int = 12, n_control: int = 30,
                    noise: float = 0.05) -> pd.DataFrame:
    """GMV per person-month: a person level × a common month shock × noise; the pilot
    team's GMV is multiplied by 1 + ``effect`` from 2026-09 on. Plus a ratio metric with a
    planted +2 pp level effect."""
    rng = np.random.default_rng(seed)
    shock = dict(zip(MONTHS, np.exp(rng.normal(0, 0.1, len(MONTHS)))))
    rows = []
    for i in range(n_pilot + n_control):
        team = "日本运营组" if i < n_pilot else ("美国运营组" if i % 2 else "广告组")
        level = rng.lognormal(11, 0.6)
        margin = rng.uniform(0.2, 0.3)
        for m in MONTHS:
            gmv = level * shock[m] * np.exp(rng.normal(0, noise))
            gm = margin + rng.normal(0, 0.005)
            if team == "日本运营组" and m >= "2026-09":
                gmv *= 1 + effect
                gm += 0.02
            rows += [(f"P{i:03d}", team, m, "gmv", gmv), (f"P{i:03d}", team, m, "gross_margin", gm)]
    return pd.DataFrame(rows, columns=["person_id", "team", "month", "metric_id", "value"])


def test_pilot_months():
    assert pilot_months("2026-09", 2) == ["2026-09", "2026-10"]
    assert pilot_months("2026-12", 2) == ["2026-12", "2027-01"]


def test_did_recovers_a_planted_eight_percent_gmv_lift():
    panel = synthetic_panel(0.08)
    before = panel.copy()
    did = difference_in_differences(panel, pilot_team="日本运营组", start="2026-09", cycles=2)
    pd.testing.assert_frame_equal(panel, before)
    gmv = did.set_index("metric_id").loc["gmv"]
    assert gmv["scale"] == "log" and gmv["n_pilot"] == 12 and gmv["n_control"] == 30
    assert gmv["effect"] == pytest.approx(0.08, abs=0.02)
    assert 0 < gmv["effect_ci_low"] < gmv["effect"] < gmv["effect_ci_high"]
    assert gmv["significant"] and gmv["assessment"] == "better"
    # The ratio metric is on the level scale: +2 percentage points.
    gm = did.set_index("metric_id").loc["gross_margin"]
    assert gm["scale"] == "level" and gm["effect"] == pytest.approx(0.02, abs=0.004) and gm["assessment"] == "better"


def test_a_null_effect_interval_covers_zero():
    did = difference_in_differences(synthetic_panel(0.0, seed=3).query("metric_id == 'gmv'"),
                                    pilot_team="日本运营组", start="2026-09", cycles=2)
    row = did.iloc[0]
    assert row["effect_ci_low"] < 0 < row["effect_ci_high"]
    assert not row["significant"] and row["assessment"] == "unclear"


def test_did_is_reproducible_and_per_metric_seeded():
    panel = synthetic_panel(0.08)
    a = difference_in_differences(panel, pilot_team="日本运营组", start="2026-09", cycles=2, seed=1)
    b = difference_in_differences(panel, pilot_team="日本运营组", start="2026-09", cycles=2, seed=1,
                                  metrics=["gmv"])
    assert a.iloc[0]["ci_low"] == b.iloc[0]["ci_low"]


def test_did_by_hand_on_the_level_scale():
    # Pilot: A 10→14, B 20→22 (changes 4, 2 → mean 3); control: C 5→6, D 7→8 (mean 1). DiD = 2.
    rows = []
    for pid, team, pre, post in [("A", "pilot", 10, 14), ("B", "pilot", 20, 22), ("C", "x", 5, 6), ("D", "x", 7, 8)]:
        rows += [(pid, team, "2026-07", "m", pre), (pid, team, "2026-08", "m", pre), (pid, team, "2026-09", "m", post)]
    panel = pd.DataFrame(rows, columns=["person_id", "team", "month", "metric_id", "value"])
    row = difference_in_differences(panel, pilot_team="pilot", start="2026-09", scale="level").iloc[0]
    assert row["did"] == pytest.approx(2.0) and row["pilot_pre"] == 15 and row["control_post"] == 7
    assert row["n_pilot"] == 2 and "仅供参考" in row["note"]
    # Bootstrap over people: the interval spans the resampled pilot means (2..4) minus control (1).
    assert row["ci_low"] >= 1.0 - 1e-9 and row["ci_high"] <= 3.0 + 1e-9


def test_people_without_pre_or_post_are_dropped_and_counted():
    panel = synthetic_panel(0.08).query("metric_id == 'gmv'")
    panel = panel[~((panel["person_id"] == "P000") & (panel["month"] >= "2026-09"))]
    row = difference_in_differences(panel, pilot_team="日本运营组", start="2026-09", cycles=2).iloc[0]
    assert row["n_pilot"] == 11 and row["n_dropped"] == 1


def test_did_errors_name_the_fix():
    panel = synthetic_panel(0.0)
    with pytest.raises(KpiError, match="pilot team"):
        difference_in_differences(panel, pilot_team="日本组", start="2026-09")
    with pytest.raises(KpiError, match="no months before"):
        difference_in_differences(panel, pilot_team="日本运营组", start="2026-01")
    with pytest.raises(KpiError, match="bootstrap"):
        difference_in_differences(panel, pilot_team="日本运营组", start="2026-09", n_boot=100)


def test_panel_with_team_from_the_roster():
    baseline = pd.DataFrame({"person_id": ["P1", "P2"], "month": ["2026-08"] * 2, "metric_id": ["gmv"] * 2,
                             "value": [1.0, 2.0]})
    people = pd.DataFrame({"person_id": ["P1", "P2"], "team": ["日本运营组", "美国运营组"]})
    assert panel_with_team(baseline, people)["team"].tolist() == ["日本运营组", "美国运营组"]


# -- survey ----------------------------------------------------------------------------------
def survey() -> pd.DataFrame:
    rows = []
    scores = {"日本运营组": [5, 4, 4], "美国运营组": [2, 3, 4, 2], "仓储组": [5, 1]}
    code = 0
    for team, team_scores in scores.items():
        for s in team_scores:
            code += 1
            rows.append({"respondent": f"R{code:02d}", "name": f"员工{code}", "person_id": f"P{code:03d}",
                         "team": team, "question": "目标清晰", "score": s, "comment": None})
            rows.append({"respondent": f"R{code:02d}", "name": f"员工{code}", "person_id": f"P{code:03d}",
                         "team": team, "question": "公平", "score": max(1, s - 1), "comment": None})
    rows[0]["comment"] = "王海涛说ERP的数据口径和后台不一致"
    rows[2]["comment"] = "物流延误期间断货能豁免很好"
    rows[8]["comment"] = "指标有点多，月底核对数据花很多时间，请联系 P001 或 wang@example.com"
    rows[14]["comment"] = "仓储组只有两个人"
    return pd.DataFrame(rows)


def _text_of(frame: pd.DataFrame) -> str:
    return frame.astype(str).to_csv()


def test_likert_summary_means_agreement_and_suppression():
    out = likert_summary(survey())
    clear = out[out["question"] == "目标清晰"].set_index("group")
    assert clear.loc["日本运营组", "mean"] == pytest.approx(13 / 3)
    assert clear.loc["日本运营组", "share_agree"] == pytest.approx(1.0)
    assert clear.loc["美国运营组", "share_agree"] == pytest.approx(0.25)
    assert clear.loc["美国运营组", "n_respondents"] == 4
    # Two respondents in 仓储组: suppressed, no numbers at all.
    assert clear.loc["仓储组", "suppressed"] and np.isnan(clear.loc["仓储组", "mean"])
    assert np.isnan(clear.loc["仓储组", "n_respondents"])
    assert clear.loc["全部", "n_respondents"] == 9 and clear.loc["全部", "mean"] == pytest.approx(30 / 9)
    assert list(out.columns) == ["group", "question", "n_respondents", "mean", "share_agree", "suppressed"]


def test_survey_acceptance():
    assert survey_acceptance(survey(), team="日本运营组")["acceptance"] == pytest.approx(4 / 6)
    assert survey_acceptance(survey())["n_respondents"] == 9
    small = survey_acceptance(survey(), team="仓储组")
    assert small["suppressed"] and np.isnan(small["acceptance"])


def test_comments_are_grouped_by_theme_and_redacted():
    people = pd.DataFrame({"person_id": ["P001", "P005"], "name": ["王海涛", "陈晓"]})
    themes = comment_themes(survey(), names=people["name"], ids=people["person_id"])
    by_theme = themes.set_index("theme")
    assert by_theme.loc["data", "n_comments"] == 2
    assert "uncontrollable" in by_theme.index and "positive" in by_theme.index and "workload" in by_theme.index
    assert by_theme.loc["data", "theme_name"] == "数据口径与准确性"
    text = _text_of(themes)
    for secret in ["王海涛", "P001", "wang@example.com", "R01", "员工1"]:
        assert secret not in text, secret
    assert "＊＊" in text


def test_no_survey_output_carries_names_or_ids_even_if_the_input_does():
    data = survey()
    outputs = [likert_summary(data), comment_themes(data), pd.DataFrame([survey_acceptance(data)])]
    for out in outputs:
        text = _text_of(out)
        for column in ("respondent", "name", "person_id"):
            assert column not in out.columns
        for value in set(data["respondent"]) | set(data["name"]) | set(data["person_id"]):
            assert value not in text, value


def test_too_few_commenters_show_no_comments():
    data = survey()
    data["comment"] = None
    data.loc[0, "comment"] = "数据不准"
    assert comment_themes(data).empty


def test_redact():
    assert redact("请找佐藤美咲或佐藤", names=["佐藤美咲", "佐藤"]) == "请找＊＊或＊＊"
    assert redact("call +81 90-1234-5678, R12 said") == "call ＊＊, ＊＊ said"
    assert redact(None) is None


# -- fairness ----------------------------------------------------------------------------------
def scores() -> pd.DataFrame:
    return pd.DataFrame({
        "person_id": list("ABCDEFGH"),
        "level": ["junior"] * 4 + ["senior"] * 4,
        "market": ["US", "US", "JP", "US,JP", "US", "JP", "JP", "US"],
        "total_score": [60.0, 70.0, 80.0, 100.0, 100.0, 110.0, 105.0, 95.0],
    })


def test_score_distribution_by_level_and_market():
    dist = score_distribution(scores())
    level = dist[dist["dimension"] == "level"].set_index("group")
    assert level.loc["junior", "mean"] == pytest.approx(77.5) and level.loc["junior", "share_reaching"] == 0.25
    assert level.loc["senior", "share_reaching"] == 0.75 and level.loc["senior", "median"] == pytest.approx(102.5)
    market = dist[dist["dimension"] == "market"].set_index("group")
    assert market.loc["JP", "n"] == 4 and market.loc["US", "n"] == 5       # D counts in both markets
    assert "person_id" not in dist.columns


def test_fairness_gap_beyond_tolerance_is_flagged():
    flags = fairness_flags(score_distribution(scores())).set_index("dimension")
    assert flags.loc["level", "flagged"] and flags.loc["level", "share_gap"] == pytest.approx(0.5)
    assert flags.loc["level", "worst_group"] == "junior" and "junior" in flags.loc["level", "note"]
    relaxed = fairness_flags(score_distribution(scores()), tolerance=0.6, mean_tolerance=30).set_index("dimension")
    assert not relaxed["flagged"].any()
    # One person is not a group: nothing to compare.
    lone = fairness_flags(score_distribution(scores().iloc[:5]), min_group=2).set_index("dimension")
    assert not lone.loc["level", "flagged"] and np.isnan(lone.loc["level", "share_gap"])


# -- proposals ---------------------------------------------------------------------------------
def scored_rows() -> pd.DataFrame:
    rows = []
    for i, pid in enumerate("ABCDE"):
        # GMV: nobody reaches 0.8 (attainment 0.5..0.7, median 0.6)
        rows.append({"person_id": pid, "role": "operations", "market": "US", "metric_id": "gmv", "weight": 0.5,
                     "target": 100.0, "attainment": 0.5 + 0.05 * i, "score": 0.0})
        # ACoS (lower is better): everybody at the cap 1.2
        rows.append({"person_id": pid, "role": "operations", "market": "US", "metric_id": "acos", "weight": 0.3,
                     "target": 0.25, "attainment": 1.2, "score": 120.0})
        # Return rate: scores 99..101, no spread
        rows.append({"person_id": pid, "role": "operations", "market": "US", "metric_id": "return_rate",
                     "weight": 0.2, "target": 0.05, "attainment": 1.0, "score": 99.0 + 0.5 * i})
    return pd.DataFrame(rows)


def test_proposals_for_unreachable_maxed_and_flat_metrics():
    out = propose_changes(scored_rows()).set_index("metric_id")
    assert out.loc["gmv", "issue"] == "nobody_reaches"
    assert out.loc["gmv", "target_factor"] == pytest.approx(0.6)           # median attainment
    assert out.loc["gmv", "proposed_target"] == pytest.approx(60.0)
    assert out.loc["acos", "issue"] == "everybody_maxes"
    assert out.loc["acos", "target_factor"] == pytest.approx(1 / 1.2)      # lower is better: target ÷ attainment
    assert out.loc["acos", "proposed_target"] == pytest.approx(0.25 / 1.2)
    assert out.loc["return_rate", "issue"] == "low_variance"
    # Return rate's weight is halved (0.2 → 0.1); the freed 0.1 goes 5:3 to GMV and ACoS.
    assert out.loc["return_rate", "proposed_weight"] == pytest.approx(0.1)
    assert out.loc["gmv", "proposed_weight"] == pytest.approx(0.5 + 0.1 * 0.5 / 0.8)
    assert out.loc["acos", "proposed_weight"] == pytest.approx(0.3 + 0.1 * 0.3 / 0.8)
    assert out["proposed_weight"].sum() == pytest.approx(1.0)
    assert "目标乘以 0.60" in out.loc["gmv", "rationale"]
    en = propose_changes(scored_rows(), language="en").set_index("metric_id")
    assert "does not tell people apart" in en.loc["return_rate", "rationale"] or "do not tell" in en.loc[
        "return_rate", "rationale"]


def test_healthy_metrics_are_left_alone():
    rows = scored_rows()
    rows.loc[rows["metric_id"] == "gmv", "attainment"] = [0.7, 0.9, 1.0, 1.1, 1.3]
    rows.loc[rows["metric_id"] == "gmv", "score"] = [0.0, 80.0, 100.0, 110.0, 120.0]
    out = propose_changes(rows[rows["metric_id"] == "gmv"]).iloc[0]
    assert out["issue"] == "ok" and out["proposed_weight"] == out["current_weight"] and np.isnan(out["target_factor"])


# -- the decision rule ----------------------------------------------------------------------------
def did_row(assessment: str, effect: float = 0.08) -> pd.DataFrame:
    low, high = {"better": (0.03, 0.13), "worse": (-0.13, -0.03), "unclear": (-0.02, 0.12)}[assessment]
    return pd.DataFrame([{"metric_id": "gmv", "metric_name": "GMV", "scale": "log", "effect": effect,
                          "effect_ci_low": low, "effect_ci_high": high, "assessment": assessment}])


NO_FLAGS = pd.DataFrame({"dimension": ["level"], "flagged": [False]})
FLAGGED = pd.DataFrame({"dimension": ["level"], "flagged": [True]})


@pytest.mark.parametrize("assessment, fairness, acceptance, expected", [
    ("better", NO_FLAGS, 0.7, "go"),
    ("better", NO_FLAGS, 0.6, "go"),
    ("better", FLAGGED, 0.7, "adjust"),
    ("better", None, 0.7, "adjust"),
    ("better", NO_FLAGS, 0.5, "adjust"),
    ("better", NO_FLAGS, float("nan"), "adjust"),
    ("unclear", NO_FLAGS, 0.9, "adjust"),
    ("worse", NO_FLAGS, 0.9, "stop"),
    ("better", NO_FLAGS, 0.39, "stop"),
])
def test_go_adjust_stop_rule(assessment, fairness, acceptance, expected):
    decision = pilot_decision(did_row(assessment), "gmv", fairness=fairness, acceptance=acceptance)
    assert decision.decision == expected
    assert len(decision.reasons) == 4 and decision.as_dict()["decision"] == expected


def test_decision_reasons_in_english_and_unknown_key_metric():
    d = pilot_decision(did_row("better"), "gmv", fairness=NO_FLAGS, acceptance=0.75, language="en")
    assert d.label == "go" and "+8.0%" in d.reasons[0] and "75%" in d.reasons[2]
    with pytest.raises(KpiError, match="key metric"):
        pilot_decision(did_row("better"), "acos")


def test_exempted_person_months_are_left_out():
    # A logistics delay halves the pilot team's GMV in 2026-10: read naively, the pilot hurt.
    panel = synthetic_panel(0.08)
    hit = (panel["team"] == "日本运营组") & (panel["month"] == "2026-10") & (panel["metric_id"] == "gmv")
    panel.loc[hit, "value"] *= 0.5
    naive = difference_in_differences(panel, pilot_team="日本运营组", start="2026-09", cycles=2, metrics=["gmv"])
    assert naive.iloc[0]["assessment"] == "worse"
    exempted = panel.loc[hit, ["person_id", "month", "metric_id"]]
    fair = difference_in_differences(panel, pilot_team="日本运营组", start="2026-09", cycles=2, metrics=["gmv"],
                                     exclude=exempted).iloc[0]
    assert fair["effect"] == pytest.approx(0.08, abs=0.025) and fair["assessment"] == "better"
