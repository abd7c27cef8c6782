"""scorecards.xlsx read back with openpyxl: sheets, headers, number formats by unit,
conditional colours, frozen panes, filters, widths, determinism and atomic writes."""
from __future__ import annotations

import hashlib
import time

import openpyxl
import pandas as pd
import pytest

from kpi_lib.reports.excel import write_scorecards_xlsx
from kpi_lib.reports.textwidth import display_width
from tests.reports_helpers import scorecard_frames


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    summary, detail = scorecard_frames()
    path = write_scorecards_xlsx(summary, detail, tmp_path_factory.mktemp("xlsx") / "scorecards.xlsx", "zh")
    return path, openpyxl.load_workbook(path)


def _headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


def _column(ws, header: str) -> int:
    return _headers(ws).index(header) + 1


def _row_of(ws, person_id: str, metric: str) -> int:
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value == person_id and ws.cell(row, _column(ws, "指标")).value == metric:
            return row
    raise AssertionError((person_id, metric))


def test_two_visible_sheets_with_chinese_headers(workbook):
    _, wb = workbook
    assert wb.sheetnames == ["汇总", "明细"]
    assert all(ws.sheet_state == "visible" for ws in wb)
    assert _headers(wb["汇总"]) == ["工号", "姓名", "岗位", "级别", "市场", "总分", "评级", "奖金", "币种", "备注"]
    assert _headers(wb["明细"])[:6] == ["工号", "姓名", "岗位", "级别", "市场", "指标"]
    assert {"权重", "目标", "实际", "达成率", "得分", "加权得分", "免考", "备注"} <= set(_headers(wb["明细"]))


def test_summary_has_one_row_per_person_with_score_rating_and_bonus(workbook):
    ws = workbook[1]["汇总"]
    assert ws.max_row == 4
    row = 2
    assert ws.cell(row, 2).value == "王海涛" and ws.cell(row, 3).value == "运营" and ws.cell(row, 4).value == "资深"
    assert ws.cell(row, _column(ws, "总分")).value == 97.3
    assert ws.cell(row, _column(ws, "总分")).number_format == "0.0"
    assert ws.cell(row, _column(ws, "评级")).value == "B"
    bonus = ws.cell(row, _column(ws, "奖金"))
    assert bonus.value == 5873 and bonus.number_format == '#,##0 "CNY"'


def test_detail_number_formats_follow_the_metric_unit(workbook):
    ws = workbook[1]["明细"]
    gmv = _row_of(ws, "P001", "销售额(GMV)")
    assert ws.cell(gmv, _column(ws, "实际")).number_format == '#,##0 "CNY"'      # currency
    assert ws.cell(gmv, _column(ws, "实际")).value == 1234567
    margin = _row_of(ws, "P001", "毛利率")
    assert ws.cell(margin, _column(ws, "目标")).number_format == "0.0%"         # ratio
    days = _row_of(ws, "P001", "库存周转天数")
    assert ws.cell(days, _column(ws, "实际")).number_format == "0.0"            # days
    hours = _row_of(ws, "P003", "评价回复时效")
    assert ws.cell(hours, _column(ws, "实际")).number_format == "0.0"           # hours
    assert ws.cell(gmv, _column(ws, "达成率")).number_format == "0.0%"
    assert ws.cell(gmv, _column(ws, "权重")).number_format == "0%" and ws.cell(gmv, _column(ws, "权重")).value == 0.35
    assert ws.cell(gmv, _column(ws, "得分")).number_format == "0.0"


def test_exemption_is_marked_with_its_note(workbook):
    ws = workbook[1]["明细"]
    row = _row_of(ws, "P002", "点击率(CTR)")
    assert ws.cell(row, _column(ws, "免考")).value == "是"
    assert "EX-7731" in ws.cell(row, _column(ws, "备注")).value


def test_attainment_colours_red_amber_green_skip_exempted_rows(workbook):
    ws = workbook[1]["明细"]
    col = openpyxl.utils.get_column_letter(_column(ws, "达成率"))
    ex = openpyxl.utils.get_column_letter(_column(ws, "免考"))
    ranges = list(ws.conditional_formatting)
    assert len(ranges) == 1 and str(ranges[0].sqref) == f"{col}2:{col}{ws.max_row}"
    rules = sorted(ranges[0].rules, key=lambda r: r.priority)
    formulas = [r.formula[0] for r in rules]
    assert formulas == [f'AND(ISNUMBER(${col}2),${ex}2="",${col}2<0.8)',
                        f'AND(ISNUMBER(${col}2),${ex}2="",${col}2<1.0)',
                        f'AND(ISNUMBER(${col}2),${ex}2="",${col}2>=1.0)']
    fills = [r.dxf.fill.fgColor.rgb for r in rules]
    assert fills == ["FFF8D7D5", "FFFDEBC8", "FFD9EFD9"]  # red, amber, green
    assert all(r.stopIfTrue for r in rules)


def test_frozen_header_and_auto_filters(workbook):
    _, wb = workbook
    for ws in wb:
        assert ws.freeze_panes == "C2"  # header row and id + name columns
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"


def test_column_widths_fit_content_counting_cjk_double(workbook):
    ws = workbook[1]["明细"]
    for col in range(1, ws.max_column + 1):
        letter = openpyxl.utils.get_column_letter(col)
        width = ws.column_dimensions[letter].width
        texts = [str(ws.cell(r, col).value) for r in range(1, ws.max_row + 1)
                 if isinstance(ws.cell(r, col).value, str)]
        longest = max((display_width(t) for t in texts), default=0)
        assert width >= min(longest, 58), (letter, width, longest)
    note = ws.column_dimensions[openpyxl.utils.get_column_letter(_column(ws, "备注"))].width
    assert note >= display_width("物流延误，经批准免考（审批单 EX-7731）")


def test_properties_are_deterministic_and_name_nobody(workbook, tmp_path):
    path, wb = workbook
    assert wb.properties.creator == "kpi_lib" and not wb.properties.lastModifiedBy
    assert wb.properties.created == wb.properties.modified
    summary, detail = scorecard_frames()
    time.sleep(1.1)  # a clock-stamped zip or property would now differ
    again = write_scorecards_xlsx(summary, detail, tmp_path / "again.xlsx", "zh")
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(path.read_bytes()).digest()


def test_english_headers_and_japanese_metric_names(tmp_path):
    summary, detail = scorecard_frames()
    wb = openpyxl.load_workbook(write_scorecards_xlsx(summary, detail, tmp_path / "s.xlsx", "en",
                                                      metric_name_language="ja"))
    assert wb.sheetnames == ["Summary", "Detail"]
    ws = wb["Detail"]
    assert _headers(ws)[:6] == ["Employee ID", "Name", "Role", "Level", "Market", "Metric"]
    metrics = {ws.cell(r, 6).value for r in range(2, ws.max_row + 1)}
    assert {"売上高", "粗利率", "返品率"} <= metrics
    assert wb["Summary"].cell(2, 3).value == "Operations" and wb["Summary"].cell(2, 4).value == "Senior"
    assert ws.cell(2, _column(ws, "Exempted")).value is None


def test_weights_in_percent_points_are_shown_as_percent(tmp_path):
    summary, detail = scorecard_frames()
    detail = detail.assign(weight=detail["weight"] * 100)
    ws = openpyxl.load_workbook(write_scorecards_xlsx(summary, detail, tmp_path / "s.xlsx", "zh"))["明细"]
    assert ws.cell(2, _column(ws, "权重")).value == pytest.approx(0.35)


def test_written_atomically_a_failure_leaves_the_old_file(tmp_path):
    summary, detail = scorecard_frames()
    path = write_scorecards_xlsx(summary, detail, tmp_path / "scorecards.xlsx", "zh")
    before = path.read_bytes()
    with pytest.raises(KeyError):
        write_scorecards_xlsx(summary, detail.drop(columns=["metric_id"]), path, "zh")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["scorecards.xlsx"]


def test_missing_values_are_empty_cells_not_nan(tmp_path):
    summary, detail = scorecard_frames()
    detail.loc[0, ["actual", "attainment"]] = float("nan")
    summary.loc[0, "bonus"] = None
    wb = openpyxl.load_workbook(write_scorecards_xlsx(summary, detail, tmp_path / "s.xlsx", "zh"))
    ws = wb["明细"]
    assert ws.cell(2, _column(ws, "实际")).value is None and ws.cell(2, _column(ws, "达成率")).value is None
    assert wb["汇总"].cell(2, _column(wb["汇总"], "奖金")).value is None
    assert isinstance(pd.DataFrame(ws.values).iloc[1:, 0].tolist()[0], str)
