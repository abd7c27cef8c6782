"""Names shown in the report outputs, in the report language.

Texts live in ``defaults/texts_reports.yaml`` (zh and en); metric names come from the metric
registry (zh / en / ja: a client may want Japanese metric names in a Chinese report), role
names from the role templates, level names from the shared column labels.
"""
from __future__ import annotations

from kpi_lib import texts

REPORT_LANGUAGES = ("zh", "en")


def report_language(language: str | None) -> str:
    """zh or en (anything else falls back to zh, the suite's default)."""
    return language if language in REPORT_LANGUAGES else "zh"


def rtext(area: str, key: str, language: str, **values: object) -> str:
    """The text ``reports_<area>.<key>`` in the report language."""
    return texts.text(f"reports_{area}.{key}", report_language(language), **values)


def column_label(name: str, language: str) -> str:
    """Header of a scorecard column (``total_score`` → 总分 / Total score)."""
    try:
        return texts.text(f"reports_columns.{name}", report_language(language))
    except KeyError:
        return texts.label(name, report_language(language))


def metric_label(metric_id: object, language: str, metric_name_language: str | None = None) -> str:
    """The registry's name of a metric in ``metric_name_language`` (zh/en/ja), else in the
    report language; an id the registry does not know is shown as it is."""
    from kpi_lib.metrics.registry import metrics

    metric = metrics().get(str(metric_id))
    if metric is None:
        return str(metric_id)
    return metric.name(metric_name_language or report_language(language))


def metric_unit(metric_id: object) -> str | None:
    """The registry's unit of a metric (None for an unknown id)."""
    from kpi_lib.metrics.registry import metrics

    metric = metrics().get(str(metric_id))
    return metric.unit if metric else None


def role_label(role: object, language: str) -> str:
    """运营 / Operations for ``operations``; a role the templates do not know stays as it is."""
    from kpi_lib.config.loader import role_templates

    if role is None or str(role) in ("", "nan", "None"):
        return "—"
    names = ((role_templates().get(str(role)) or {}).get("names")) or {}
    return names.get(report_language(language)) or names.get("en") or str(role)


def level_label(level: object, language: str) -> str:
    """初级 / Junior for ``junior``."""
    if level is None or str(level) in ("", "nan", "None"):
        return "—"
    return texts.label(str(level), report_language(language))


def html_lang(language: str) -> str:
    """The BCP 47 tag for ``<html lang>``: it picks CJK glyph forms and line breaking."""
    return {"zh": "zh-CN", "ja": "ja", "en": "en"}.get(language, "zh-CN")
