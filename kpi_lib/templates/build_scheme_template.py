"""Build ``current_scheme_template.xlsx``: the sheet a consultant fills in with the
client's *current* KPI scheme for the diagnosis audit (:mod:`kpi_lib.diagnosis.audit`).

Sheets: ``现行考核方案`` (one row per KPI of a role; header row only), ``管理机制`` (one
governance item per row, value column blank) and ``说明`` (every column and item in
Chinese and English, with an example). The columns and items are declared once in
:mod:`kpi_lib.diagnosis.scheme`, which also reads the filled-in workbook. The output is
byte-for-byte deterministic (fixed document times and zip timestamps).

Run ``python -m kpi_lib.templates.build_scheme_template [OUT_DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

from kpi_lib.diagnosis.scheme import (DATA_SHEET, GOVERNANCE_ITEMS, GOVERNANCE_SHEET, INSTRUCTIONS_SHEET,
                                      TEMPLATE_COLUMNS, TEMPLATE_FILE)
from kpi_lib.templates.build_templates import FIXED_TIME, TEMPLATE_DIR, save_deterministic

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(sheet, row: int, values: list[str]) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=col, value=value)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL


def build_workbook() -> openpyxl.Workbook:
    """The blank current-scheme template."""
    wb = openpyxl.Workbook()
    data = wb.active
    data.title = DATA_SHEET
    _header(data, 1, [c.zh for c in TEMPLATE_COLUMNS])
    for col, column in enumerate(TEMPLATE_COLUMNS, start=1):
        data.column_dimensions[data.cell(row=1, column=col).column_letter].width = max(12, 2 * len(column.zh) + 4)
    data.freeze_panes = "A2"

    gov = wb.create_sheet(GOVERNANCE_SHEET)
    _header(gov, 1, ["项目", "值", "说明", "Item (English)", "Description"])
    for row, (_field, zh, en, help_zh, help_en, _example) in enumerate(GOVERNANCE_ITEMS, start=2):
        gov.cell(row=row, column=1, value=zh)
        gov.cell(row=row, column=3, value=help_zh)
        gov.cell(row=row, column=4, value=en)
        gov.cell(row=row, column=5, value=help_en)
    for letter, width in zip("ABCDE", (20, 12, 44, 26, 56)):
        gov.column_dimensions[letter].width = width

    notes = wb.create_sheet(INSTRUCTIONS_SHEET)
    notes.append([f"{DATA_SHEET}：客户现行KPI方案，每个岗位的每个指标一行；表头可用中文或英文。"
                  f"“{GOVERNANCE_SHEET}”工作表填写变更通知、复盘、基线等管理做法。", None, None, None, None, None])
    notes.append([f"'{DATA_SHEET}' (Current scheme): the client's current KPIs, one row per metric of a role; "
                  f"headers may be Chinese or English. The '{GOVERNANCE_SHEET}' (Governance) sheet records change "
                  "notice, review cadence, baseline and launch month.", None, None, None, None, None])
    notes.append([])
    header = ["列名", "Column (English)", "必填 / Required", "说明", "Description", "示例 / Example"]
    notes.append(header)
    for col in range(1, len(header) + 1):
        notes.cell(row=4, column=col).font = Font(bold=True)
        notes.cell(row=4, column=col).fill = _HEADER_FILL
    for c in TEMPLATE_COLUMNS:
        notes.append([c.zh, c.en, "是 / Yes" if c.required else "否 / No", c.help_zh, c.help_en, c.example])
    notes.append([])
    notes.append([f"{GOVERNANCE_SHEET}（Governance）", None, None, None, None, None])
    for _field, zh, en, help_zh, help_en, example in GOVERNANCE_ITEMS:
        notes.append([zh, en, "否 / No", help_zh, help_en, example])
    for letter, width in zip("ABCDEF", (18, 24, 14, 44, 56, 16)):
        notes.column_dimensions[letter].width = width
        for cell in notes[letter]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    wb.properties.creator = "kpi_lib"
    wb.properties.lastModifiedBy = "kpi_lib"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def build(out_dir: Path = TEMPLATE_DIR) -> Path:
    """Write the template into ``out_dir``; returns its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / TEMPLATE_FILE
    save_deterministic(build_workbook(), path)
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(build(Path(args[0]) if args else TEMPLATE_DIR))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
