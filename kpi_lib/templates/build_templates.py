"""Build the blank template workbooks shipped in ``kpi_lib/templates/``.

Each workbook has the data sheet (its name and Chinese header row from the template's
alias table, e.g. ``花名册``) and a ``说明`` sheet explaining every column in Chinese and
English, with an example. The output is byte-for-byte deterministic: the workbook's
created/modified properties are fixed and the zip entries get one fixed timestamp, so a
rebuild only shows up in version control when the content changed.

Run ``python -m kpi_lib.templates.build_templates [OUT_DIR]``.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

from kpi_lib.xlsxfile import workbook_bytes

TEMPLATE_TYPES = ("people", "ownership", "costs", "budget", "survey", "reviews", "listing_changes", "shipments",
                  "manager_ratings")
TEMPLATE_DIR = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
INSTRUCTIONS_SHEET = "说明"
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_spec(type_id: str) -> dict:
    """Sheet, file name and columns (zh header, en header, help, example) of a template."""
    from kpi_lib.sources._shaping import alias_extras
    from kpi_lib.sources.base import load_layouts

    (layout,) = load_layouts(type_id).values()
    meta = alias_extras(type_id)["template"]
    columns = []
    for name, column in layout.columns.items():
        info = meta["columns"][name]
        columns.append({"field": name, "zh": column.aliases[0], "en": column.aliases[1],
                        "required": bool(info.get("required")), "help_zh": info["zh"], "help_en": info["en"],
                        "example": "" if info.get("example") is None else str(info["example"])})
    return {"type": type_id, "file": meta["file"], "sheet": meta["sheet"], "columns": columns}


def build_workbook(spec: dict) -> openpyxl.Workbook:
    """A blank template: the header row on the data sheet, and the instructions sheet."""
    wb = openpyxl.Workbook()
    data = wb.active
    data.title = spec["sheet"]
    for col, column in enumerate(spec["columns"], start=1):
        cell = data.cell(row=1, column=col, value=column["zh"])
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        data.column_dimensions[cell.column_letter].width = max(12, 2 * len(column["zh"]) + 4)
    data.freeze_panes = "A2"

    notes = wb.create_sheet(INSTRUCTIONS_SHEET)
    notes.append([f"{spec['sheet']}：请在“{spec['sheet']}”工作表第1行表头下逐行填写；表头可用中文或英文。",
                  None, None, None, None, None])
    notes.append([f"Fill in the '{spec['sheet']}' sheet below its header row, one row per line; "
                  "headers may be Chinese or English.", None, None, None, None, None])
    notes.append([])
    header = ["列名", "Column (English)", "必填 / Required", "说明", "Description", "示例 / Example"]
    notes.append(header)
    for col in range(1, len(header) + 1):
        notes.cell(row=4, column=col).font = Font(bold=True)
        notes.cell(row=4, column=col).fill = _HEADER_FILL
    for column in spec["columns"]:
        notes.append([column["zh"], column["en"], "是 / Yes" if column["required"] else "否 / No",
                      column["help_zh"], column["help_en"], column["example"]])
    for letter, width in zip("ABCDEF", (14, 18, 14, 44, 56, 16)):
        notes.column_dimensions[letter].width = width
        for cell in notes[letter]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    wb.properties.creator = "kpi_lib"
    wb.properties.lastModifiedBy = "kpi_lib"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def save_deterministic(wb: openpyxl.Workbook, path: Path) -> None:
    """Save ``wb`` so the same content always gives the same bytes (fixed zip metadata)."""
    Path(path).write_bytes(workbook_bytes(wb, FIXED_TIME))


def build_all(out_dir: Path = TEMPLATE_DIR) -> list[Path]:
    """Write every template workbook into ``out_dir``; returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for type_id in TEMPLATE_TYPES:
        spec = template_spec(type_id)
        path = out_dir / spec["file"]
        save_deterministic(build_workbook(spec), path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for path in build_all(Path(args[0]) if args else TEMPLATE_DIR):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
