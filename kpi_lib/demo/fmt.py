"""Text formats of numbers and times exactly as the real exports print them
(REPORT_FORMATS.md §0.4): ``"12,131"``, ``$12,905.25``, ``US$5,000.00``, ``￥4,907,860``
(full-width yen U+FFE5, no decimals), ``12.02%``, ISO timestamps with ``+00:00``."""
from __future__ import annotations

import math

import pandas as pd

FULLWIDTH_YEN = "\uffe5"


def count(n: float) -> str:
    """Whole number with thousands commas: 12131 → ``12,131``."""
    return f"{int(round(n)):,}"


def usd(x: float) -> str:
    """US Seller Central money: ``$12,905.25``."""
    return f"${x:,.2f}"


def usd_cn(x: float) -> str:
    """Chinese-UI Seller Central money: ``US$5,000.00``."""
    return f"US${x:,.2f}"


def yen_fullwidth(x: float) -> str:
    """JP Seller Central money: ``￥4,907,860`` (U+FFE5, no decimals)."""
    return f"{FULLWIDTH_YEN}{int(round(x)):,}"


def pct(x: float, digits: int = 2) -> str:
    """A 0–100 percentage as text: 12.0234 → ``12.02%``."""
    return f"{x:.{digits}f}%"


def dec2(x: float) -> str:
    """Plain money with two decimals, no symbol: ``53.91``."""
    return f"{x:.2f}"


def num(x: float) -> str:
    """Plain number: integers without decimals (JPY, counts), else two decimals."""
    if float(x) == math.floor(float(x)):
        return str(int(x))
    return f"{x:.2f}"


def iso_utc(ts: pd.Timestamp) -> str:
    """``2026-10-03T14:22:05+00:00`` (SP-API flat files)."""
    return ts.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S+00:00")


def excel_id(value: str) -> str:
    """An id wrapped as an Excel formula so Excel keeps it as text: ``="254927681919372"``."""
    return f'="{value}"'
