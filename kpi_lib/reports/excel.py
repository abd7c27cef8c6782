"""``scorecards.xlsx``: the management workbook of a period's scores (openpyxl).

Two sheets: a summary (one row per person: total score, rating, bonus) and the detail
(person × metric: weight, target, actual, attainment, score, weighted score, exemption,
note). Values stay numbers with Excel formats by unit (ratio 0.0%, currency #,##0 "CNY",
days/hours 0.0), so managers can sort, filter and sum. Attainment is coloured with
conditional formats (red below the threshold, amber below target, green at or above it;
exempted rows stay uncoloured). Headers are frozen, auto filters set, column widths fit the
content (CJK characters count double). Headers and metric names are in the report language
(metric names in Japanese when ``metric_name_language`` is ja).

Deterministic: fixed workbook properties (creator ``kpi_lib``, fixed timestamps, no user
name) and fixed zip entry dates, so the same scores give the same bytes. Written
atomically: a temp file beside the target, then a rename.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from kpi_lib.reports.formats import excel_format, is_missing, weight_fractions
from kpi_lib.reports.labels import (column_label, level_label, metric_label, metric_unit, report_language, role_label,
                                    rtext)
from kpi_lib.reports.pdf import write_atomically
from kpi_lib.reports.textwidth import display_width
from kpi_lib.xlsxfile import workbook_bytes as reproducible_bytes

FIXED_TIME = dt.datetime(2000, 1, 1)
HEADER_FILL = "FF1F4E79"
RED, AMBER, GREEN = "FFF8D7D5", "FFFDEBC8", "FFD9EFD9"
RED_FONT, AMBER_FONT, GREEN_FONT = "FF9C1C16", "FF8A5A00", "FF1E6B25"
MIN_WIDTH, MAX_WIDTH = 6, 60
SUMMARY = ("person_id", "name", "role", "level", "market", "total_score", "rating", "bonus", "currency", "notes")
DETAIL = ("person_id", "name", "role", "level", "market", "metric", "weight", "target", "actual", "attainment",
          "score", "weighted_score", "exempted", "note")


def _cell_value(value: object) -> object:
    """Plain Python values for openpyxl (NaN/NA → empty cell, numpy scalars unwrapped)."""
    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def summary_rows(summary: pd.DataFrame, language: str) -> list[dict]:
    """The summary sheet's rows with display labels for role and level."""
    rows = []
    for r in summary.to_dict("records"):
        rows.append({**{k: r.get(k) for k in SUMMARY}, "role": role_label(r.get("role"), language),
                     "level": level_label(r.get("level"), language)})
    return rows


def detail_rows(detail: pd.DataFrame, summary: pd.DataFrame, language: str,
                metric_name_language: str | None = None) -> list[dict]:
    """The detail sheet's rows, each with the number format of its metric's unit."""
    currency_of = {}
    if "currency" in summary.columns:
        currency_of = dict(zip(summary["person_id"].astype(str), summary["currency"]))
    weights = weight_fractions(detail["weight"]).set_axis(detail.index)
    yes = rtext("excel", "exempt_mark", language)
    rows = []
    for (i, r) in zip(detail.index, detail.to_dict("records")):
        unit = r.get("unit") if not is_missing(r.get("unit")) else metric_unit(r["metric_id"])
        currency = r.get("currency") if not is_missing(r.get("currency")) else currency_of.get(str(r["person_id"]))
        exempted = not is_missing(r.get("exempted")) and bool(r.get("exempted"))
        rows.append({
            "person_id": r["person_id"], "name": r.get("name"), "role": role_label(r.get("role"), language),
            "level": level_label(r.get("level"), language), "market": r.get("market"),
            "metric": metric_label(r["metric_id"], language, metric_name_language),
            "weight": weights.get(i), "target": r.get("target"), "actual": r.get("actual"),
            "attainment": r.get("attainment"), "score": r.get("score"), "weighted_score": r.get("weighted_score"),
            "exempted": yes if exempted else "", "note": r.get("note"),
            "_value_format": excel_format(unit, None if is_missing(currency) else str(currency)),
        })
    return rows


def _formats(column: str, row: dict) -> str | None:
    if column in ("target", "actual"):
        return row["_value_format"]
    if column in ("attainment", "weight"):
        return "0.0%" if column == "attainment" else "0%"
    if column in ("score", "weighted_score", "total_score"):
        return "0.0"
    if column == "bonus":
        currency = row.get("currency")
        return f'#,##0 "{currency}"' if not is_missing(currency) else "#,##0"
    return None


def _shown_text(value: object, number_format: str | None) -> str:
    """Roughly what Excel will display, to size the column."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and number_format:
        if "%" in number_format:
            return f"{value * 100:,.1f}%"
        suffix = number_format.split('"')[1] if '"' in number_format else ""
        return f"{value:,.1f} {suffix}".strip()
    return str(value)


def _write_sheet(ws, columns: tuple[str, ...], rows: list[dict], language: str, *, freeze: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True, color="FFFFFFFF")
    header_fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    widths = {}
    for j, column in enumerate(columns, start=1):
        label = column_label(column, language)
        cell = ws.cell(row=1, column=j, value=label)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths[j] = display_width(label) + 4  # room for the filter button
    for i, row in enumerate(rows, start=2):
        for j, column in enumerate(columns, start=1):
            value = _cell_value(row.get(column))
            cell = ws.cell(row=i, column=j, value=value)
            number_format = _formats(column, row)
            if number_format and isinstance(value, (int, float)):
                cell.number_format = number_format
            if column in ("note", "notes"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[j] = max(widths[j], display_width(_shown_text(value, number_format)) + 2)
    for j, w in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = max(MIN_WIDTH, min(MAX_WIDTH, w))
    ws.freeze_panes = freeze
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def _attainment_colours(ws, columns: tuple[str, ...], n_rows: int, threshold: float, target: float) -> None:
    """Red < threshold ≤ amber < target ≤ green, only on numbers, never on exempted rows."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    if not n_rows:
        return
    col = get_column_letter(columns.index("attainment") + 1)
    ex = get_column_letter(columns.index("exempted") + 1)
    cells = f"{col}2:{col}{n_rows + 1}"
    base = f'ISNUMBER(${col}2),${ex}2=""'
    for condition, fill, font in ((f"${col}2<{threshold}", RED, RED_FONT),
                                  (f"${col}2<{target}", AMBER, AMBER_FONT),
                                  (f"${col}2>={target}", GREEN, GREEN_FONT)):
        ws.conditional_formatting.add(cells, FormulaRule(
            formula=[f"AND({base},{condition})"], stopIfTrue=True,
            fill=PatternFill("solid", start_color=fill, end_color=fill), font=Font(color=font)))


def build_workbook(summary: pd.DataFrame, detail: pd.DataFrame, language: str = "zh", *,
                   metric_name_language: str | None = None, threshold: float = 0.8, target: float = 1.0):
    """The workbook (not yet saved)."""
    from openpyxl import Workbook

    lang = report_language(language)
    wb = Workbook()
    ws = wb.active
    ws.title = rtext("excel", "sheet_summary", lang)
    _write_sheet(ws, SUMMARY, summary_rows(summary, lang), lang, freeze="C2")
    wd = wb.create_sheet(rtext("excel", "sheet_detail", lang))
    rows = detail_rows(detail, summary, lang, metric_name_language)
    _write_sheet(wd, DETAIL, rows, lang, freeze="C2")
    _attainment_colours(wd, DETAIL, len(rows), threshold, target)
    props = wb.properties
    props.creator, props.lastModifiedBy = "kpi_lib", None
    props.title = rtext("excel", "title", lang)
    props.created = props.modified = FIXED_TIME
    return wb


def workbook_bytes(wb) -> bytes:
    """The .xlsx bytes with fixed timestamps (see :mod:`kpi_lib.xlsxfile`)."""
    return reproducible_bytes(wb, FIXED_TIME)


def write_scorecards_xlsx(summary: pd.DataFrame, detail: pd.DataFrame, path: Path, language: str = "zh", *,
                          metric_name_language: str | None = None, threshold: float = 0.8,
                          target: float = 1.0) -> Path:
    """Write ``scorecards.xlsx`` (summary + detail sheets) atomically and return its path.

    ``threshold``/``target`` are the scoring curve's (attainment colours);
    ``metric_name_language`` (zh/en/ja) overrides the language of metric names."""
    data = workbook_bytes(build_workbook(summary, detail, language, metric_name_language=metric_name_language,
                                         threshold=threshold, target=target))
    return write_atomically(Path(path), lambda temp: temp.write_bytes(data))
