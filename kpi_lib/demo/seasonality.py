"""Demand seasonality of the demo markets: weekday pattern, growth trend, monthly season
and sales events (US Prime Day, Prime Big Deal Days, BFCM, holidays; JP 初売り,
スマイルSALE, プライムデー, プライム感謝祭, ブラックフライデー, 年末年始).

:func:`demand_multiplier` returns a dimensionless factor per day; 1.0 is an ordinary
weekday in the first simulated month. 2026 event dates are fictional but placed where
Amazon usually runs them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

D = dt.date


@dataclass(frozen=True)
class Event:
    market: str
    name: str
    start: dt.date
    end: dt.date
    factor: float            # demand multiplier on each day of the event
    deal: bool = True        # listings run deal prices (lower price, more units)


EVENTS: tuple[Event, ...] = (
    # US
    Event("US", "Prime Day 2025 lead-in lull", D(2025, 7, 1), D(2025, 7, 7), 0.88, False),
    Event("US", "Prime Day 2025", D(2025, 7, 8), D(2025, 7, 11), 2.8),
    Event("US", "Prime Big Deal Days 2025", D(2025, 10, 7), D(2025, 10, 8), 2.2),
    Event("US", "Black Friday week 2025", D(2025, 11, 20), D(2025, 11, 27), 1.5),
    Event("US", "Black Friday 2025", D(2025, 11, 28), D(2025, 11, 28), 2.6),
    Event("US", "BFCM weekend 2025", D(2025, 11, 29), D(2025, 11, 30), 2.0),
    Event("US", "Cyber Monday 2025", D(2025, 12, 1), D(2025, 12, 1), 2.3),
    Event("US", "Holiday shopping 2025", D(2025, 12, 2), D(2025, 12, 19), 1.12, False),
    Event("US", "After shipping cut-off 2025", D(2025, 12, 20), D(2025, 12, 24), 0.85, False),
    Event("US", "Christmas Day 2025", D(2025, 12, 25), D(2025, 12, 25), 0.6, False),
    Event("US", "Prime Day 2026 lead-in lull", D(2026, 7, 6), D(2026, 7, 13), 0.88, False),
    Event("US", "Prime Day 2026", D(2026, 7, 14), D(2026, 7, 17), 2.8),
    Event("US", "Prime Big Deal Days 2026", D(2026, 10, 6), D(2026, 10, 7), 2.2),
    # JP
    Event("JP", "プライムデー 2025", D(2025, 7, 11), D(2025, 7, 14), 2.6),
    Event("JP", "スマイルSALE 2025-09", D(2025, 8, 29), D(2025, 9, 2), 1.45),
    Event("JP", "プライム感謝祭 2025", D(2025, 10, 4), D(2025, 10, 7), 2.0),
    Event("JP", "ブラックフライデー 2025", D(2025, 11, 21), D(2025, 12, 1), 1.5),
    Event("JP", "年末 2025", D(2025, 12, 27), D(2025, 12, 31), 0.9, False),
    Event("JP", "初売り 2026", D(2026, 1, 3), D(2026, 1, 7), 1.9),
    Event("JP", "新生活スマイルSALE 2026", D(2026, 2, 27), D(2026, 3, 3), 1.5),
    Event("JP", "GWスマイルSALE 2026", D(2026, 4, 18), D(2026, 4, 21), 1.45),
    Event("JP", "プライムデー 2026", D(2026, 7, 14), D(2026, 7, 17), 2.6),
    Event("JP", "スマイルSALE 2026-09", D(2026, 8, 28), D(2026, 9, 1), 1.45),
    Event("JP", "プライム感謝祭 2026", D(2026, 10, 10), D(2026, 10, 13), 2.0),
)

# Day-of-week factors, Monday first. US shoppers buy more Sunday/Monday; JP at weekends.
WEEKDAY = {"US": (1.05, 1.0, 0.98, 0.97, 0.93, 0.98, 1.08),
           "JP": (0.96, 0.95, 0.95, 0.96, 0.98, 1.08, 1.12)}
# Monthly season, January first (US Q4 holiday; JP 新生活 in March, 年末 in December).
SEASON = {"US": (0.85, 0.85, 0.92, 0.95, 0.98, 0.97, 1.0, 0.95, 0.93, 1.0, 1.15, 1.08),
          "JP": (1.0, 0.88, 1.04, 0.95, 0.95, 0.93, 1.0, 0.95, 0.93, 0.98, 1.0, 1.12)}
# Organic growth per month (log scale): about +13 %/year in the US, +18 %/year in JP.
GROWTH = {"US": 0.010, "JP": 0.014}
ORIGIN = pd.Timestamp("2025-07-01")

# JP FBA inbound is closed over 年末年始: arrivals in this window are received after it.
JP_NEW_YEAR_CLOSURE = (D(2025, 12, 27), D(2026, 1, 5))


def base_multiplier(market: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """Weekday × month season × growth trend (no events), one factor per date."""
    weekday = np.asarray(WEEKDAY[market])[dates.day_of_week]
    season = np.asarray(SEASON[market])[dates.month - 1]
    months_since = (dates.year - ORIGIN.year) * 12 + (dates.month - ORIGIN.month) + (dates.day - 1) / 30.0
    return weekday * season * np.exp(GROWTH[market] * np.asarray(months_since, dtype=float))


def event_factor(market: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """Product of the factors of the events running on each date (1.0 on ordinary days)."""
    out = np.ones(len(dates))
    values = dates.date
    for ev in EVENTS:
        if ev.market == market:
            out[(values >= ev.start) & (values <= ev.end)] *= ev.factor
    return out


def deal_days(market: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """True on days of a deal event (listings in the deal sell at a lower price)."""
    out = np.zeros(len(dates), dtype=bool)
    values = dates.date
    for ev in EVENTS:
        if ev.market == market and ev.deal:
            out[(values >= ev.start) & (values <= ev.end)] = True
    return out


def demand_multiplier(market: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """Expected demand relative to an ordinary July-2025 day: base × events."""
    return base_multiplier(market, dates) * event_factor(market, dates)
