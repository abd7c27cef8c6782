"""Per-employee scorecards: one PDF per person, which only that person may see.

Confidentiality by construction: each scorecard is rendered from that person's summary row
and their own detail rows only, as a separate document (so not even the embedded font
subsets hold another person's characters). Nothing about colleagues is shown: no ranking,
no team average (which in a team of two reveals the other's score). The file name is the
person id, never the name; the PDF title names the client and period, not the person.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from kpi_lib.reports.fonts import css_font_stack
from kpi_lib.reports.formats import (DASH, fmt_money, fmt_number, fmt_percent, fmt_value, fmt_weight, is_missing,
                                     weight_fractions)
from kpi_lib.reports.labels import (column_label, html_lang, level_label, metric_label, metric_unit, report_language,
                                    role_label, rtext)
from kpi_lib.reports.pdf import many_documents, write_pdf
from kpi_lib.reports.templating import css_string, render

SUMMARY_COLUMNS = ("person_id", "name", "role", "level", "market", "total_score", "rating", "bonus", "currency")
DETAIL_COLUMNS = ("person_id", "metric_id", "actual", "target", "attainment", "score", "weight", "weighted_score",
                  "exempted", "note")
DEFAULT_THRESHOLD = 0.8
DEFAULT_TARGET = 1.0


def attainment_band(attainment: object, *, threshold: float = DEFAULT_THRESHOLD, target: float = DEFAULT_TARGET,
                    exempted: bool = False) -> str | None:
    """red below the threshold, amber up to the target, green at or above it; None for an
    exempted metric or a missing attainment (no colour claims what was not judged)."""
    if exempted or is_missing(attainment):
        return None
    a = float(attainment)
    return "red" if a < threshold else ("amber" if a < target else "green")


def scorecard_filename(person_id: object) -> str:
    """``scorecard_<person id>.pdf`` with only safe characters (an id with other characters
    gets a short hash so two ids never share a file)."""
    raw = str(person_id)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", raw).lstrip(".") or "person"
    if safe != raw:
        safe += "_" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:6]
    return f"scorecard_{safe}.pdf"


def _text(value: object) -> str:
    return DASH if is_missing(value) else str(value)


def _exempted(value: object) -> bool:
    return False if is_missing(value) else bool(value)


def scorecard_context(person: dict, rows: pd.DataFrame, *, language: str = "zh",
                      metric_name_language: str | None = None, client_name: str = "", period: str = "",
                      threshold: float = DEFAULT_THRESHOLD, target: float = DEFAULT_TARGET) -> dict:
    """Everything one scorecard shows, as display strings, from one person's data only."""
    lang = report_language(language)
    if len(rows) and set(rows["person_id"].astype(str)) != {str(person["person_id"])}:
        raise ValueError("a scorecard must be built from its own person's rows only")
    currency = person.get("currency") if not is_missing(person.get("currency")) else None
    shown = []
    weights = weight_fractions(rows["weight"]).tolist() if len(rows) else []
    for row, weight in zip(rows.to_dict("records"), weights):
        unit = row.get("unit") if not is_missing(row.get("unit")) else metric_unit(row["metric_id"])
        row_currency = row.get("currency") if not is_missing(row.get("currency")) else currency
        exempted = _exempted(row.get("exempted"))
        names_in = metric_name_language or lang
        shown.append({
            "metric": metric_label(row["metric_id"], lang, metric_name_language),
            "metric_lang": "ja" if names_in == "ja" else None,
            "weight": fmt_weight(weight),
            "target": fmt_value(row.get("target"), unit, row_currency),
            "actual": fmt_value(row.get("actual"), unit, row_currency),
            "attainment": fmt_percent(row.get("attainment")),
            "band": attainment_band(row.get("attainment"), threshold=threshold, target=target, exempted=exempted),
            "score": fmt_number(row.get("score"), 1),
            "weighted_score": DASH if exempted else fmt_number(row.get("weighted_score"), 1),
            "exempted": exempted,
            "note": "" if is_missing(row.get("note")) else str(row["note"]),
        })
    notes = [str(person[k]) for k in ("notes", "note") if not is_missing(person.get(k))]
    return {
        "lang": html_lang(lang),
        "client_name": client_name, "period": period,
        "doc_title": " · ".join(p for p in (rtext("scorecard", "title", lang), client_name, period) if p),
        "person": {"person_id": _text(person.get("person_id")), "name": _text(person.get("name")),
                   "role": role_label(person.get("role"), lang), "level": level_label(person.get("level"), lang),
                   "market": _text(person.get("market")), "total_score": fmt_number(person.get("total_score"), 1),
                   "rating": _text(person.get("rating")), "bonus": fmt_money(person.get("bonus"), currency)},
        "rows": shown,
        "notes": notes,
        "legend": rtext("scorecard", "legend", lang, threshold=f"{threshold:.0%}", target=f"{target:.0%}"),
        "t": {k: rtext("scorecard", k, lang) for k in ("title", "metrics_heading", "notes_heading", "exempt",
                                                       "no_metrics")},
        "c": {k: column_label(k, lang) for k in (*SUMMARY_COLUMNS, "metric", "weight", "target", "actual",
                                                 "attainment", "score", "weighted_score", "note")},
    }


def scorecard_html(context: dict, language: str = "zh") -> str:
    """The scorecard document (HTML with its print stylesheet)."""
    lang = report_language(language)
    css = render("scorecard.css.j2", fonts=css_font_stack(lang), fonts_ja=css_font_stack("ja"),
                 footer=css_string(rtext("scorecard", "confidential", lang)))
    return render("scorecard.html.j2", css=css, **context)


def _check_columns(frame: pd.DataFrame, needed: tuple[str, ...], what: str) -> None:
    from kpi_lib.errors import KpiError

    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise KpiError(f"the {what} frame lacks columns {missing}", expected=", ".join(needed),
                       found=list(frame.columns), fix="pass the engine's scorecard frames")


def write_employee_scorecards(summary: pd.DataFrame, detail: pd.DataFrame, folder: Path, language: str,
                              client_name: str, period: str, *, metric_name_language: str | None = None,
                              threshold: float = DEFAULT_THRESHOLD, target: float = DEFAULT_TARGET) -> list[Path]:
    """One PDF per person in ``summary`` (``scorecard_<person_id>.pdf`` in ``folder``), each
    written atomically. ``threshold``/``target`` colour the attainment (the scoring curve's
    threshold and target); ``metric_name_language`` may ask for Japanese metric names."""
    _check_columns(summary, SUMMARY_COLUMNS, "summary")
    _check_columns(detail, DETAIL_COLUMNS, "detail")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    by_person = {str(pid): g for pid, g in detail.groupby(detail["person_id"].astype(str), sort=False)}
    written = []
    with many_documents():
        for person in summary.to_dict("records"):
            rows = by_person.get(str(person["person_id"]), detail.iloc[0:0])
            context = scorecard_context(person, rows, language=language, metric_name_language=metric_name_language,
                                        client_name=client_name, period=period, threshold=threshold, target=target)
            target_path = folder / scorecard_filename(person["person_id"])
            written.append(write_pdf(scorecard_html(context, language), target_path))
    return written
