"""The sales-event calendar per market (``defaults/events.yaml``): Prime Day, Prime Big
Deal Days, Black Friday / Cyber Monday and the holidays in the US; 初売り, スマイルSALE,
プライムデー, プライム感謝祭, ブラックフライデー and the 年末年始 logistics slowdown in Japan.

Definitions:

* an event's **factor** is the multiplier on the sales of each month it falls in, compared
  with the same month without the event (1.20 = +20 %; a slowdown is below 1). Every
  shipped factor is an *assumption* (see the YAML header), used only as the prior of the
  seasonality index;
* an event falls in fixed ``months``, or in the month of a date ``rule`` computed for the
  year (Black Friday = the day after the 4th Thursday of November; Cyber Monday = the
  Monday after it, which is 1 December in 2025);
* a month's **calendar factor** is the product of the factors of the events in it (1.0 for
  a month without events, and for a market without a calendar).
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import yaml

from kpi_lib.errors import ConfigError

EVENTS_FILE = Path(__file__).resolve().parent.parent / "defaults" / "events.yaml"
KINDS = ("sale", "slowdown")
RULES = ("black_friday", "cyber_monday")
CALENDAR_COLUMNS = ["market", "event_id", "name", "kind", "year", "month", "start", "end", "factor", "timing", "basis"]


# -- date rules -------------------------------------------------------------------------
def black_friday(year: int) -> dt.date:
    """The day after US Thanksgiving (the 4th Thursday of November)."""
    first = dt.date(year, 11, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(days=21 + 1)


def cyber_monday(year: int) -> dt.date:
    """The Monday after Black Friday (1 December in 2025, 30 November in 2026)."""
    return black_friday(year) + dt.timedelta(days=3)


_RULE_DATES = {"black_friday": black_friday, "cyber_monday": cyber_monday}


# -- loading ----------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _read(path: str, stamp: tuple[int, int]) -> dict:
    # ``stamp`` (mtime, size) keys the cache, so an edited file is read again.
    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}


def load_events(source: str | Path | Mapping | None = None) -> dict[str, list[dict]]:
    """The event calendar ``{market: [event, ...]}``, checked.

    ``source``: a YAML path, an already-parsed mapping (e.g. a client's own calendar), or
    None for the shipped ``defaults/events.yaml``. Every problem names the key path."""
    file = None
    if source is None or isinstance(source, (str, Path)):
        file = Path(source) if source is not None else EVENTS_FILE
        if not file.exists():
            raise ConfigError("the event calendar file does not exist", file=file,
                              fix="pass the path of an events YAML, or None for the shipped calendar")
        info = file.stat()
        data = _read(str(file), (info.st_mtime_ns, info.st_size))
    else:
        data = dict(source)
    out: dict[str, list[dict]] = {}
    for market, events in data.items():
        if not isinstance(events, list):
            raise ConfigError(f"the events of market {market} must be a list", file=file, key=str(market),
                              expected="- {id: prime_day, months: [7], factor: 1.25, ...}")
        seen = set()
        checked = []
        for i, ev in enumerate(events):
            key = f"{market}[{i}]"
            if not isinstance(ev, Mapping) or "id" not in ev or "factor" not in ev:
                raise ConfigError("each event needs at least `id` and `factor`", file=file, key=key, found=ev)
            key = f"{market}.{ev['id']}"
            if ev["id"] in seen:
                raise ConfigError("event ids must be unique within a market", file=file, key=key)
            seen.add(ev["id"])
            factor = float(ev["factor"])
            if not factor > 0:
                raise ConfigError("an event factor is a positive multiplier (1.2 = +20 %, 0.97 = -3 %)",
                                  file=file, key=f"{key}.factor", found=ev["factor"])
            months, rule = ev.get("months"), ev.get("rule")
            if (months is None) == (rule is None):
                raise ConfigError("an event needs exactly one of `months` or `rule`", file=file, key=key,
                                  expected="months: [7]  or  rule: black_friday")
            if rule is not None and rule not in RULES:
                raise ConfigError(f"unknown date rule {rule!r}", file=file, key=f"{key}.rule",
                                  expected=", ".join(RULES))
            if months is not None:
                months = [int(m) for m in months]
                if not months or any(not 1 <= m <= 12 for m in months):
                    raise ConfigError("months are 1 to 12", file=file, key=f"{key}.months", found=ev["months"])
            kind = ev.get("kind", "sale")
            if kind not in KINDS:
                raise ConfigError(f"unknown event kind {kind!r}", file=file, key=f"{key}.kind",
                                  expected=" or ".join(KINDS))
            checked.append({**ev, "factor": factor, "months": months, "rule": rule, "kind": kind})
        out[str(market)] = checked
    return out


def _name(ev: Mapping, language: str) -> str:
    names = ev.get("names") or {}
    return names.get(language) or names.get("en") or str(ev["id"])


def _dates(ev: Mapping, year: int) -> tuple[object, object]:
    announced = (ev.get("dates") or {}).get(year) or (ev.get("dates") or {}).get(str(year))
    if announced:
        first, last = announced[0], announced[-1]
        return pd.Timestamp(first).date(), pd.Timestamp(last).date()
    if ev.get("rule"):
        day = _RULE_DATES[ev["rule"]](year)
        return day, day
    return None, None


def _main_month(start: dt.date, end: dt.date) -> int:
    days = pd.date_range(start, max(start, end), freq="D")
    counts = pd.Series(days.month).value_counts(sort=False)
    return int(counts.idxmax())


# -- calendar per year ----------------------------------------------------------------------
def event_calendar(market: str, year: int, *, events: str | Path | Mapping | None = None,
                   language: str = "en") -> pd.DataFrame:
    """The market's events in ``year``: one row per event × month it falls in
    (:data:`CALENDAR_COLUMNS`). ``start`` / ``end`` are the announced or rule dates (empty
    when only the usual month is known). A market without a calendar gives no rows."""
    calendar = load_events(events)
    rows = []
    for ev in calendar.get(market, []):
        start, end = _dates(ev, year)
        # Dated events count in the month holding most of their days (ties: the first),
        # so a sale that straddles a month end is not counted twice.
        months = ev["months"] if start is None else [_main_month(start, end)]
        for month in months:
            rows.append({"market": market, "event_id": ev["id"], "name": _name(ev, language), "kind": ev["kind"],
                         "year": int(year), "month": int(month), "start": start, "end": end,
                         "factor": ev["factor"], "timing": ev.get("timing"), "basis": ev.get("basis")})
    return pd.DataFrame(rows, columns=CALENDAR_COLUMNS)


def month_factors(market: str, year: int, *, events: str | Path | Mapping | None = None,
                  language: str = "en") -> pd.DataFrame:
    """Per calendar month (1–12) of ``year``: ``factor`` = the product of the factors of
    the events in the month (1.0 without events) and ``events`` = their names."""
    cal = event_calendar(market, year, events=events, language=language)
    out = pd.DataFrame({"month": range(1, 13)})
    if cal.empty:
        return out.assign(market=market, factor=1.0, events="")[["market", "month", "factor", "events"]]
    factor = cal.groupby("month")["factor"].prod()
    names = cal.groupby("month")["name"].agg(lambda s: ", ".join(s))
    out["market"] = market
    out["factor"] = out["month"].map(factor).fillna(1.0).astype(float)
    out["events"] = out["month"].map(names).fillna("").astype(str)
    return out[["market", "month", "factor", "events"]]
