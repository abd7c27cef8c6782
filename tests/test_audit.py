"""KPI-design audit: every pitfall rule fires on a scheme that violates it and stays quiet
on one that does not; the scheme template reads back in Chinese and English."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from kpi_lib.diagnosis.audit import FINDING_COLUMNS, RULES, AuditOptions, audit_config, audit_scheme, rules_table
from kpi_lib.diagnosis.scheme import (DATA_SHEET, GOVERNANCE_ITEMS, GOVERNANCE_SHEET, TEMPLATE_COLUMNS,
                                      read_scheme_workbook, scheme_from_rows)
from kpi_lib.errors import KpiErrors
from kpi_lib.ingest.quality import Conflict
from kpi_lib.templates.build_scheme_template import build
from kpi_lib.texts import text

GOOD_GOVERNANCE = {"change_notice_days": 7, "review_cadence": "monthly", "baseline_months": 3,
                   "launch_month": "2026-09", "logistics_exemption": True}


def _rows(role: str, market: str, weights: dict, level: str = "all", **extra) -> list[dict]:
    return [{"role": role, "market": market, "level": level, "metric_id": m, "metric_label": m, "weight": w, **extra}
            for m, w in weights.items()]


def good_rows() -> list[dict]:
    return (_rows("operations", "US", {"gmv": 35, "gross_margin": 25, "unit_session_pct": 15, "days_of_supply": 15,
                                       "return_rate": 10})
            + _rows("operations", "JP", {"gmv": 30, "gross_margin": 20, "return_rate": 15,
                                         "negative_review_rate": 20, "days_of_supply": 15})
            + _rows("customer_service", "JP", {"response_rate_24h": 30, "review_response_hours": 25,
                                               "negative_review_rate": 25, "odr": 20}))


def scheme(rows=None, governance=None, **kw):
    gov = dict(GOOD_GOVERNANCE)
    gov.update(governance or {})
    return scheme_from_rows(good_rows() if rows is None else rows, governance=gov, markets=("US", "JP"), **kw)


def fired(findings: pd.DataFrame, rule_id: str) -> pd.DataFrame:
    return findings[findings["rule_id"] == rule_id]


# Every rule in the registry has a violating and a passing test below; a new rule must be
# added here (and tested).
COVERED = {"domestic_template", "too_many_kpis", "same_targets_by_level", "no_japan_metrics", "sales_only",
           "manual_vs_system", "no_logistics_exemption", "no_change_notice", "no_review_cadence", "no_baseline",
           "jp_deduction_limit"}


def check(rule_id: str, bad, good, **kw) -> pd.DataFrame:
    """``rule_id`` fires on ``bad`` and not on ``good``; returns the bad findings."""
    bad_findings = audit_scheme(bad, **kw)
    assert len(fired(bad_findings, rule_id)) > 0, bad_findings
    assert fired(audit_scheme(good, **kw), rule_id).empty
    return fired(bad_findings, rule_id)


def test_a_good_scheme_has_no_findings():
    findings = audit_scheme(scheme())
    assert list(findings.columns) == FINDING_COLUMNS
    assert findings.empty


def test_domestic_metric_is_found_by_name():
    rows = good_rows() + [{"role": "operations", "market": "US", "metric_label": "直通车ROI", "weight": 5}]
    found = check("domestic_template", scheme(rows), scheme())
    assert "直通车ROI" in found["evidence"].iat[0]
    assert found["severity"].iat[0] == "高"


def test_role_copying_a_domestic_template_is_found():
    copied = [{"role": "operations", "metric_label": label, "weight": 20}
              for label in ["销售额", "转化率", "客单价", "直通车ROI", "DSR评分"]]
    found = check("domestic_template", scheme(copied + good_rows()[5:]), scheme())
    assert found["evidence"].str.contains("淘宝/天猫运营模板").any()


def test_scheme_without_any_platform_metric_is_found():
    rows = [{"role": "operations", "metric_label": label, "weight": w}
            for label, w in [("销售额", 50), ("客单价", 30), ("好评率", 20)]]
    found = audit_scheme(scheme(rows), language="en")
    assert fired(found, "domestic_template")["evidence"].str.contains("no marketplace-specific metric").any()


def test_too_many_kpis():
    rows = good_rows() + _rows("operations", "US", {"sessions": 5, "listing_updates": 5})
    found = check("too_many_kpis", scheme(rows), scheme())
    assert "7" in found["evidence"].iat[0] and "运营" in found["evidence"].iat[0]
    # The limit is an option.
    assert fired(audit_scheme(scheme(rows), options=AuditOptions(max_kpis=7)), "too_many_kpis").empty


def test_same_target_for_junior_and_senior():
    same = [{**r, "target": 100.0} for lv in ("junior", "senior") for r in _rows("operations", "US", {"gmv": 100},
                                                                                   level=lv)]
    differ = [{**same[0], "target": 90.0}, same[1]]
    found = check("same_targets_by_level", scheme(same), scheme(differ))
    assert "100" in found["evidence"].iat[0]


def test_one_target_for_every_level_counts_only_when_the_role_has_both_levels():
    rows = [{**r, "target": 100.0} for r in _rows("operations", "US", {"gmv": 100})]
    mixed = pd.DataFrame({"person_id": ["P1", "P2"], "role": ["operations"] * 2, "level": ["junior", "senior"]})
    seniors = mixed.assign(level="senior")
    assert not fired(audit_scheme(scheme(rows), people=mixed), "same_targets_by_level").empty
    assert fired(audit_scheme(scheme(rows), people=seniors), "same_targets_by_level").empty


def test_config_tiers_with_equal_factors_are_found():
    equal = [{"role": "operations", "level": "junior", "target_factor": 1.0, "own_weights": False},
             {"role": "operations", "level": "senior", "target_factor": 1.0, "own_weights": False}]
    differ = [dict(equal[0], target_factor=0.9), equal[1]]
    rows = _rows("operations", "US", {"gmv": 40, "gross_margin": 30, "return_rate": 30})
    found = check("same_targets_by_level", scheme(rows, tiers=equal, kind="config"),
                  scheme(rows, tiers=differ, kind="config"))
    assert "1" in found["evidence"].iat[0]
    no_tiers = audit_scheme(scheme(rows, kind="config"))
    assert fired(no_tiers, "same_targets_by_level")["evidence"].str.contains("没有按初级/资深区分").any()


def test_japan_team_without_japan_metrics():
    rows = good_rows()[:5] + _rows("operations", "JP", {"gmv": 40, "gross_margin": 30, "days_of_supply": 30})
    found = check("no_japan_metrics", scheme(rows), scheme())
    assert "JP" in found["evidence"].iat[0] and "差评率" in found["evidence"].iat[0]


def test_japan_metrics_are_not_asked_of_roles_nobody_covers_in_japan():
    rows = good_rows()[:5] + _rows("operations", "JP", {"gmv": 40, "gross_margin": 30, "days_of_supply": 30})
    us_only = pd.DataFrame({"person_id": ["P1"], "role": ["operations"], "level": ["senior"], "markets": ["US"]})
    assert fired(audit_scheme(scheme(rows), people=us_only), "no_japan_metrics").empty


def test_sales_only_role():
    rows = good_rows() + _rows("operations", "US", {"sessions": 1})
    rows = [r for r in rows if not (r["role"] == "operations" and r["market"] == "US")] + \
        _rows("operations", "US", {"gmv": 70, "unit_session_pct": 30})
    found = check("sales_only", scheme(rows), scheme())
    assert found["evidence"].str.contains("只有销售类指标").any()


def test_scheme_never_measuring_returns():
    rows = [r for r in good_rows() if r["metric_id"] != "return_rate"]
    found = check("sales_only", scheme(rows), scheme())
    assert found["evidence"].str.contains("退货率").any()


def test_manual_figures_disagreeing_with_the_system():
    base = _rows("operations", "US", {"gmv": 35}, data_source="manual", figure_month="2026-09",
                 system_value=1_180_000.0)
    rest = good_rows()[1:]
    bad = scheme([{**base[0], "manual_value": 1_250_000.0}] + rest)
    good = scheme([{**base[0], "manual_value": 1_190_000.0}] + rest)
    found = check("manual_vs_system", bad, good)
    assert "+5.9%" in found["evidence"].iat[0] and "2026-09" in found["evidence"].iat[0]


def test_system_conflicts_from_the_quality_report():
    conflict = Conflict("profit_vs_business_report_sales", "JP", "2026-09", 930.0, 1000.0, -0.07)
    findings = audit_scheme(scheme(), quality=[conflict], language="en")
    row = fired(findings, "manual_vs_system")
    assert len(row) == 1 and "JP 2026-09" in row["evidence"].iat[0] and "-7.0%" in row["evidence"].iat[0]
    small = Conflict("profit_vs_business_report_sales", "JP", "2026-09", 990.0, 1000.0, -0.01)
    assert fired(audit_scheme(scheme(), quality=[small]), "manual_vs_system").empty


def test_no_logistics_exemption():
    bad = scheme(governance={"logistics_exemption": None})
    per_metric = scheme([{**r, "exemption": "物流延误" if r["metric_id"] == "gmv" else None} for r in good_rows()],
                        governance={"logistics_exemption": None})
    found = check("no_logistics_exemption", bad, per_metric)
    assert "销售额(GMV)" in found["evidence"].iat[0]
    assert fired(audit_scheme(scheme(governance={"logistics_exemption": False})), "no_logistics_exemption").shape[0]


def test_no_change_notice():
    check("no_change_notice", scheme(governance={"change_notice_days": None}), scheme())
    short = fired(audit_scheme(scheme(governance={"change_notice_days": 3})), "no_change_notice")
    assert "3" in short["evidence"].iat[0]


def test_no_review_cadence():
    check("no_review_cadence", scheme(governance={"review_cadence": None}),
          scheme(governance={"review_cadence": "quarterly"}))
    assert not fired(audit_scheme(scheme(governance={"review_cadence": "none"})), "no_review_cadence").empty


def test_no_baseline():
    check("no_baseline", scheme(governance={"baseline_months": None}), scheme())
    after = pd.DataFrame({"version": [1], "months": [["2026-09", "2026-10"]]})
    before = pd.DataFrame({"version": [1, 2], "months": [["2026-06", "2026-07", "2026-08"], ["2026-09"]]})
    assert not fired(audit_scheme(scheme(), baselines=after), "no_baseline").empty
    assert not fired(audit_scheme(scheme(), baselines=after.iloc[:0]), "no_baseline").empty
    assert fired(audit_scheme(scheme(), baselines=before), "no_baseline").empty


JP_STAFF = pd.DataFrame({"person_id": ["P006", "P001"], "name": ["佐藤美咲", "王海涛"],
                         "role": ["operations", "operations"], "level": ["junior", "senior"],
                         "markets": ["JP", "US"], "employed_in": ["JP", "CN"],
                         "monthly_salary": [300_000.0, 19_000.0], "salary_currency": ["JPY", "CNY"]})


def test_single_deduction_above_half_a_days_wage():
    # 300,000 JPY a month → average daily wage 300,000 × 3 ÷ 92 = 9,782.6; half is 4,891.
    bad = scheme(deductions=[{"role": "operations", "metric_id": "gmv", "amount": 5_000.0, "currency": "JPY"}])
    good = scheme(deductions=[{"role": "operations", "metric_id": "gmv", "amount": 4_800.0, "currency": "JPY"}])
    found = check("jp_deduction_limit", bad, good, people=JP_STAFF)
    assert len(found) == 1
    evidence = found["evidence"].iat[0]
    assert "P006" in evidence and "5,000" in evidence and "4,891" in evidence
    assert "佐藤" not in evidence and "P001" not in evidence      # the CN-employed operator is not checked


def test_a_months_deductions_above_ten_percent_of_salary():
    # 4,000 JPY up to 8 times a month = 32,000 > 10 % of 300,000.
    bad = scheme(deductions=[{"role": "operations", "amount": 4_000.0, "currency": "JPY", "max_per_month": 8}])
    good = scheme(deductions=[{"role": "operations", "amount": 4_000.0, "currency": "JPY", "max_per_month": 7}])
    found = check("jp_deduction_limit", bad, good, people=JP_STAFF)
    assert "32,000" in found["evidence"].iat[0] and "30,000" in found["evidence"].iat[0]


def test_deductions_in_another_currency_and_as_a_share_of_salary():
    cny = scheme(deductions=[{"role": "operations", "market": "JP", "amount": 300.0, "currency": "CNY"}])
    fx = {"CNY": 1.0, "JPY": 0.047}        # 300 CNY = 6,383 JPY > 4,891
    found = fired(audit_scheme(cny, people=JP_STAFF, fx_rates=fx), "jp_deduction_limit")
    assert "6,383" in found["evidence"].iat[0]
    no_rate = fired(audit_scheme(cny, people=JP_STAFF), "jp_deduction_limit")
    assert "没有汇率" in no_rate["evidence"].iat[0]
    share = scheme(deductions=[{"role": "operations", "share": 0.15}])
    assert fired(audit_scheme(share, people=JP_STAFF), "jp_deduction_limit")["evidence"].str.contains(
        "45,000").any()
    other_market = scheme(deductions=[{"role": "operations", "market": "US", "amount": 50_000.0}])
    assert fired(audit_scheme(other_market, people=JP_STAFF), "jp_deduction_limit").empty


def test_deductions_without_a_roster_cannot_be_checked():
    ded = scheme(deductions=[{"role": "operations", "amount": 100.0}])
    assert fired(audit_scheme(ded), "jp_deduction_limit")["evidence"].str.contains("花名册").any()


def test_every_rule_is_tested_and_has_texts_in_both_languages():
    assert COVERED == set(RULES), set(RULES) ^ COVERED
    for language in ("zh", "en"):
        table = rules_table(language)
        assert table["title"].str.len().min() > 0 and table["recommendation"].str.len().min() > 0
    assert text("audit.domestic_template.title", "en") != text("audit.domestic_template.title", "zh")


def test_findings_are_sorted_by_severity_and_rendered_in_english():
    bad = scheme(rows=good_rows() + _rows("operations", "US", {"sessions": 5, "listing_updates": 5}),
                 governance={"change_notice_days": None, "baseline_months": None})
    findings = audit_scheme(bad, language="en")
    assert list(findings["rule_id"]) == ["no_baseline", "too_many_kpis", "no_change_notice"]
    assert list(findings["severity"]) == ["high", "medium", "medium"]
    assert findings["recommendation"].str.contains("[a-z]").all()
    assert not findings["evidence"].str.contains("[\u4e00-\u9fff]").any()


def test_audit_does_not_change_its_inputs():
    s = scheme(deductions=[{"role": "operations", "amount": 5_000.0, "currency": "JPY"}])
    rows_before, people_before = s.rows.copy(), JP_STAFF.copy()
    audit_scheme(s, people=JP_STAFF)
    pd.testing.assert_frame_equal(s.rows, rows_before)
    pd.testing.assert_frame_equal(JP_STAFF, people_before)


CONFIG = """
client_id: acme
markets: [{id: US}, {id: JP}]
data_dir: data
roles:
  operations:
    template: operations
    weights:
      JP: {gmv: 30, gross_margin: 20, return_rate: 10, negative_review_rate: 10, stockout_days: 10,
           days_of_supply: 10, unit_session_pct: 10}
  advertising:
    weights:
      default: {gmv: 70, ctr: 30}
    tiers:
      junior: {target_factor: 1.0}
      senior: {target_factor: 1.0}
governance:
  change_notice_days: 7
  review_cadence: monthly
  baseline_months: 3
  deductions:
    currency: JPY
    rules:
      - {role: operations, metric: gmv, amount: 6000, market: JP}
"""


def test_audit_of_a_client_config(tmp_path):
    from kpi_lib.config.loader import load_config
    from tests.conftest import write_config

    config = load_config(write_config(tmp_path, CONFIG), check_sources=False)
    ads = pd.DataFrame({"person_id": ["P008", "P009"], "role": ["advertising"] * 2, "level": ["senior", "junior"],
                        "markets": ["US,JP", "US"], "employed_in": ["CN", "CN"]})
    staff = pd.concat([JP_STAFF.assign(markets=["JP", "US"]), ads], ignore_index=True)
    findings = audit_config(config, people=staff)
    assert set(findings["rule_id"]) == {"too_many_kpis", "same_targets_by_level", "sales_only",
                                        "no_logistics_exemption", "jp_deduction_limit"}
    assert findings.iloc[0]["severity"] == "高"           # the most severe first
    evidence = " ".join(findings["evidence"])
    assert "广告" in evidence and "7 个指标" in evidence and "6,000" in evidence


# -- the Excel template -------------------------------------------------------------------
def _fill(path, headers: list[str], rows: list[list], governance: dict[str, object] | None = None,
          governance_english: bool = False):
    book = openpyxl.load_workbook(path)
    sheet = book[DATA_SHEET]
    for col, h in enumerate(headers, start=1):
        sheet.cell(row=1, column=col, value=h)
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=v)
    gov = book[GOVERNANCE_SHEET]
    for r, (field, zh, en, *_rest) in enumerate(GOVERNANCE_ITEMS, start=2):
        if governance_english:
            gov.cell(row=r, column=1, value=en)
        if governance and field in governance:
            gov.cell(row=r, column=2, value=governance[field])
    book.save(path)
    return path


def test_shipped_template_is_deterministic_and_reads_as_an_empty_scheme(tmp_path):
    from kpi_lib.templates.build_templates import TEMPLATE_DIR

    first, second = build(tmp_path / "a"), build(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    assert (TEMPLATE_DIR / first.name).read_bytes() == first.read_bytes(), "rebuild the shipped template"
    book = openpyxl.load_workbook(first)
    assert book.sheetnames == [DATA_SHEET, GOVERNANCE_SHEET, "说明"]
    assert [c.value for c in book[DATA_SHEET][1]] == [c.zh for c in TEMPLATE_COLUMNS]
    s = read_scheme_workbook(first)
    assert s.rows.empty and all(v is None for v in s.governance.values())
    # Nothing is stated, so the governance rules all fire.
    assert {"no_change_notice", "no_review_cadence", "no_baseline"} <= set(audit_scheme(s)["rule_id"])


def test_filled_template_in_chinese(tmp_path):
    path = _fill(build(tmp_path), [c.zh for c in TEMPLATE_COLUMNS], [
        ["运营", "初级", "美国", "GMV完成率", "40%", "1,000,000", "手工", "1,250,000", "1,180,000", "2026-09",
         "未达80%扣500元", "500", "CNY", None, None, None],
        ["运营", "资深", "美国", "GMV完成率", 40, 1_000_000, "系统", None, None, None, None, None, None, None, None, None],
        ["运营", "全部", "US", "直通车ROI", 30, None, None, None, None, None, None, None, None, None, None, None],
        ["运营", None, "US", "毛利率", 30, "25%", None, None, None, None, None, "5%", None, 2, "物流延误", None],
        ["客服", None, "日本", "客服响应率", 100, "95%", None, None, None, None, None, None, None, None, None, None],
    ], governance={"change_notice_days": 0, "review_cadence": "每季度", "baseline_months": 0,
                   "launch_month": "2026-09", "logistics_exemption": "无"})
    s = read_scheme_workbook(path)
    rows = s.rows
    assert list(rows["role"]) == ["operations"] * 4 + ["customer_service"]
    assert list(rows["level"]) == ["junior", "senior", "all", "all", "all"]
    assert list(rows["market"]) == ["US", "US", "US", "US", "JP"]
    assert list(rows["metric_id"].fillna("?")) == ["gmv", "gmv", "?", "gross_margin", "response_rate_24h"]
    assert rows["weight"].tolist() == [40.0, 40.0, 30.0, 30.0, 100.0]
    assert rows["target"].iloc[3] == pytest.approx(0.25) and rows["target"].iloc[4] == pytest.approx(0.95)
    assert rows["data_source"].iloc[0] == "manual" and rows["manual_value"].iloc[0] == 1_250_000
    assert s.governance == {"change_notice_days": 0, "review_cadence": "quarterly", "baseline_months": 0,
                            "launch_month": "2026-09", "logistics_exemption": False}
    assert s.markets == ("US", "JP")
    ded = s.deductions
    assert ded["amount"].iloc[0] == 500 and ded["currency"].iloc[0] == "CNY" and ded["max_per_month"].iloc[0] == 1
    assert ded["share"].iloc[1] == pytest.approx(0.05) and ded["max_per_month"].iloc[1] == 2
    findings = audit_scheme(s)
    assert {"domestic_template", "manual_vs_system", "no_change_notice", "no_baseline", "no_japan_metrics",
            "jp_deduction_limit"} <= set(findings["rule_id"])
    # An exemption naming logistics on one row is a logistics rule even though the sheet says 无.
    assert "no_logistics_exemption" not in set(findings["rule_id"])
    # 40 % for junior and senior alike on GMV: same target.
    assert "same_targets_by_level" in set(findings["rule_id"])


def test_filled_template_with_english_headers(tmp_path):
    path = _fill(build(tmp_path), [c.en for c in TEMPLATE_COLUMNS], [
        ["Operations", "Junior", "JP", "GMV", 0.5, None, "System", None, None, None, None, None, None, None, None, None],
        ["Operations", "Senior", "JP", "Return rate", 0.5, None, "Manual", None, None, None, None, None, None, None,
         None, None],
    ], governance={"review_cadence": "monthly", "change_notice_days": 14, "baseline_months": 3,
                   "logistics_exemption": "yes"}, governance_english=True)
    s = read_scheme_workbook(path)
    assert list(s.rows["metric_id"]) == ["gmv", "return_rate"]
    assert list(s.rows["weight"]) == [50.0, 50.0]          # fractions read as percent
    assert s.governance["review_cadence"] == "monthly" and s.governance["logistics_exemption"] is True


def test_bad_cells_are_all_reported_with_row_and_column(tmp_path):
    path = _fill(build(tmp_path), [c.zh for c in TEMPLATE_COLUMNS], [
        ["运营", "中级", "US", "GMV", "abc", None, "邮件", None, None, None, None, None, None, None, None, None],
        ["运营", None, "US", None, 10, None, None, None, None, None, None, None, None, None, None, None],
    ], governance={"review_cadence": "每年"})
    with pytest.raises(KpiErrors) as info:
        read_scheme_workbook(path)
    errors = info.value.errors
    where = {(e.row, e.column) for e in errors}
    assert (2, "级别") in where and (2, "权重") in where and (2, "数据来源") in where and (3, "指标") in where
    assert any(e.column == GOVERNANCE_SHEET for e in errors)
    assert all(e.fix for e in errors)


def test_a_workbook_without_the_scheme_sheet_is_a_clear_error(tmp_path):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["foo", "bar"])
    book.save(path)
    with pytest.raises(Exception) as info:
        read_scheme_workbook(path)
    assert "岗位" in str(info.value) and "current_scheme_template.xlsx" in str(info.value)


# -- recommended metric set and readiness ----------------------------------------------------
from kpi_lib.diagnosis.recommend import readiness, recommend_metrics, table_coverage, whole_percent  # noqa: E402


def _table(column: str, months: list[str], markets: list[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.to_datetime([f"{m}-05" for m in months]), "market": markets})


def _tables(months=("2026-08", "2026-09", "2026-10"), with_ads=True) -> dict[str, pd.DataFrame]:
    ms = list(months)
    tables = {"orders": _table("order_date", ms * 2, ["US"] * len(ms) + ["JP"] * len(ms)),
              "people": pd.DataFrame({"person_id": ["P1"]})}
    if with_ads:
        tables["ads"] = _table("period_start", ms, ["US"] * len(ms))
    return tables


def test_whole_percent_adds_up_to_exactly_100():
    assert whole_percent({"a": 35, "b": 10}) == {"a": 78, "b": 22}
    assert sum(whole_percent({"a": 1, "b": 1, "c": 1}).values()) == 100


def test_table_coverage_counts_months_per_market_and_static_tables():
    cov = table_coverage(_tables())
    orders = cov[cov["table"] == "orders"].set_index("market")
    assert orders.loc["US", "months"] == 3 and orders.loc["JP", "first_month"] == "2026-08"
    assert cov[cov["table"] == "people"]["market"].tolist() == ["*"]


def test_metrics_needing_a_missing_table_are_not_recommended_with_the_reason():
    rec = recommend_metrics(["US", "JP"], _tables(), roles=["advertising"])
    us = rec[rec["market"] == "US"].set_index("metric_id")
    jp = rec[rec["market"] == "JP"].set_index("metric_id")
    assert us["recommended"].all() and us["recommended_weight"].sum() == 100
    assert list(us["recommended_weight"]) == [35, 25, 15, 15, 10]       # the template's weights
    # JP has no ads data: only GMV (orders) can be measured, and it takes the whole weight.
    assert not jp.loc["acos", "recommended"] and "ads" in jp.loc["acos", "reason"]
    assert jp.loc["gmv", "recommended"] and jp.loc["gmv", "recommended_weight"] == 100
    assert "权重已按比例重算" in jp.loc["gmv", "reason"]
    en = recommend_metrics(["JP"], _tables(), roles=["advertising"], language="en").set_index("metric_id")
    assert "missing" in en.loc["acos", "reason"]


def test_japan_priorities_are_explained():
    tables = _tables()
    tables["reviews"] = _table("review_date", ["2026-10"], ["JP"])
    rec = recommend_metrics(["JP"], tables, roles=["customer_service"]).set_index("metric_id")
    assert rec.loc["review_response_hours", "recommended"]
    assert "日本站重点" in rec.loc["review_response_hours", "reason"]
    assert rec.loc["review_response_hours", "months_available"] == 1


def test_readiness_ready_caveats_and_not_ready():
    full = _tables()
    rec = recommend_metrics(["US"], full, roles=["advertising"])
    assert readiness(rec, full).verdict == "ready"
    # Two months where three are needed: caveats, with the table named.
    short = _tables(months=("2026-09", "2026-10"))
    verdict = readiness(recommend_metrics(["US"], short, roles=["advertising"]), short)
    assert verdict.verdict == "caveats" and "short" in set(verdict.reasons["status"])
    # ...but enough when the config asks for one month (and 0 still means at least 1).
    assert readiness(recommend_metrics(["US"], short, roles=["advertising"]), short, baseline_months=0).verdict == "ready"
    # JP advertising can measure only GMV (10 % of the template weight): not ready.
    both = recommend_metrics(["US", "JP"], full, roles=["advertising"])
    result = readiness(both, full, language="en")
    assert result.verdict == "not_ready" and result.label == "not ready"
    assert "mostly_unmeasurable" in set(result.reasons["status"])
    # No sales data for a market at all.
    no_jp = {"orders": _table("order_date", ["2026-10"], ["US"]), "ads": _table("period_start", ["2026-10"], ["US"])}
    assert readiness(recommend_metrics(["JP"], no_jp, roles=["advertising"]), no_jp).verdict == "not_ready"


def test_a_table_that_stops_early_is_a_caveat():
    tables = _tables()
    tables["ads"] = _table("period_start", ["2026-06", "2026-07", "2026-08"], ["US"] * 3)
    result = readiness(recommend_metrics(["US"], tables, roles=["advertising"]), tables)
    assert result.verdict == "caveats"
    stale = result.reasons[result.reasons["status"] == "stale"]
    assert stale["item"].tolist() == ["ads"] and "2026-08" in stale["reason"].iat[0]


def test_a_budget_running_ahead_does_not_make_data_look_stale():
    tables = _tables()
    tables["budget"] = _table("month", ["2026-11", "2026-12"], ["US", "US"]).assign(
        month=["2026-11", "2026-12"])
    assert readiness(recommend_metrics(["US"], tables, roles=["advertising"]), tables).verdict == "ready"


# -- texts ---------------------------------------------------------------------------------------------
def test_every_analytics_text_has_chinese_and_english():
    import re
    from pathlib import Path

    import yaml

    import kpi_lib
    from kpi_lib.texts import _catalogue

    root = Path(kpi_lib.__file__).parent
    data = yaml.safe_load((root / "defaults" / "texts_analytics.yaml").read_text(encoding="utf-8"))

    def leaves(node, path=""):
        if isinstance(node, dict) and {"zh", "en"} & set(node):
            yield path, node
        elif isinstance(node, dict):
            for k, v in node.items():
                yield from leaves(v, f"{path}.{k}" if path else k)
    found = list(leaves(data))
    assert len(found) > 150
    for path, node in found:
        assert set(node) == {"zh", "en"} and node["zh"] and node["en"], path
        # Both languages take the same placeholders.
        names = [set(re.findall(r"{(\w+)", node[lang])) for lang in ("zh", "en")]
        assert names[0] == names[1], path
    _catalogue()          # merges with the other texts files without a clash
    # Every literal key the analytics code asks for exists.
    catalogue = _catalogue()
    for module in ["diagnosis/audit.py", "diagnosis/recommend.py", "pilot/did.py", "pilot/survey.py",
                   "pilot/fairness.py", "pilot/proposals.py", "pilot/decision.py", "retro/targets.py",
                   "retro/actions.py"]:
        for key in re.findall(r'text\("([a-z_]+\.[a-z_.]+)"', (root / module).read_text(encoding="utf-8")):
            node = catalogue
            for part in key.split("."):
                node = node[part]
            assert "zh" in node, key
