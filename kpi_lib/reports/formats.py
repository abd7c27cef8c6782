"""How values are shown, by metric unit: text for PDFs and charts, number formats for Excel.

Units come from the metric registry: ratio (a fraction, shown as a percentage), currency
(whole units with the currency code; ¥ would not tell CNY from JPY), count, days, hours,
multiple (ROAS-style ×).
"""
from __future__ import annotations

import math

DASH = "—"


def is_missing(value: object) -> bool:
    """None, NaN and pandas NA are missing; so is an empty string."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return False


def fmt_percent(value: object, digits: int = 1) -> str:
    """0.953 → ``95.3%``."""
    return DASH if is_missing(value) else f"{float(value) * 100:,.{digits}f}%"


def fmt_number(value: object, digits: int = 1) -> str:
    """Thousands separators, fixed decimals."""
    return DASH if is_missing(value) else f"{float(value):,.{digits}f}"


def fmt_money(value: object, currency: str | None = None) -> str:
    """1234567.4, "CNY" → ``1,234,567 CNY``."""
    if is_missing(value):
        return DASH
    text = f"{float(value):,.0f}"
    return f"{text} {currency}" if currency else text


def fmt_value(value: object, unit: str | None, currency: str | None = None) -> str:
    """A metric value as text, by the metric's unit."""
    if is_missing(value):
        return DASH
    if unit == "ratio":
        return fmt_percent(value, 1)
    if unit == "currency":
        return fmt_money(value, currency)
    if unit == "count":
        return fmt_number(value, 0)
    if unit == "multiple":
        return f"{float(value):,.2f}×"
    if unit in ("days", "hours"):
        return fmt_number(value, 1)
    return fmt_number(value, 2)


def weight_fractions(values):
    """Weights as fractions (0.35), the engine's form. A frame whose weights are percent
    points (35, as in the YAML) is recognised by any weight above 1 and divided by 100."""
    import pandas as pd

    w = pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
    return w / 100 if (w > 1).any() else w


def fmt_weight(fraction: object) -> str:
    """0.35 → ``35%``."""
    return DASH if is_missing(fraction) else f"{float(fraction) * 100:.0f}%"


def compact_amount(value: float, language: str = "zh") -> str:
    """Short labels for chart bars: 万/亿 in Chinese, K/M/B in English."""
    v = float(value)
    sign = "−" if v < 0 else ""
    a = abs(v)
    if language == "zh":
        if a >= 1e8:
            return f"{sign}{a / 1e8:.2f}亿"
        if a >= 1e4:
            return f"{sign}{a / 1e4:.1f}万"
        return f"{sign}{a:,.0f}"
    for limit, suffix, digits in ((1e9, "B", 2), (1e6, "M", 2), (1e3, "K", 1)):
        if a >= limit:
            return f"{sign}{a / limit:.{digits}f}{suffix}"
    return f"{sign}{a:,.0f}"


def excel_format(unit: str | None, currency: str | None = None) -> str:
    """The Excel number format for a metric unit."""
    if unit == "ratio":
        return "0.0%"
    if unit == "currency":
        return f'#,##0 "{currency}"' if currency else "#,##0"
    if unit == "count":
        return "#,##0"
    if unit in ("days", "hours"):
        return "0.0"
    if unit == "multiple":
        return '0.00"×"'
    return "0.00"
