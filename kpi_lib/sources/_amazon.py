"""Helpers shared by the Amazon adapters (not an adapter itself: the leading underscore
keeps :mod:`kpi_lib.sources` from importing it as one).

What lives here is what every Amazon report needs the same way: which market, store,
time zone and currency a file's rows belong to, the month of a report that carries no
date, blank-value checks that name the row, and assembling a canonical frame with the
declared columns first.
"""
from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from kpi_lib.errors import SourceError
from kpi_lib.readers import text as rt
from kpi_lib.readers import values as rv
from kpi_lib.sources.base import FileInfo, Layout, SourceContext, check_not_empty, header_language, period_from_path
from kpi_lib.tables import columns_of

PLATFORM = "amazon"

# Used only when the source config leaves currency/timezone unset (the orchestrator
# normally fills them from the market template in kpi_lib/defaults/markets.yaml).
DEFAULT_CURRENCY = {"US": "USD", "JP": "JPY", "CA": "CAD", "MX": "MXN", "UK": "GBP", "DE": "EUR",
                    "FR": "EUR", "IT": "EUR", "ES": "EUR", "AU": "AUD", "SG": "SGD", "BR": "BRL"}
DEFAULT_TIMEZONE = {"US": "America/Los_Angeles", "JP": "Asia/Tokyo"}

# SP-API marketplace ids (developer-docs.amazon.com/sp-api/docs/marketplace-ids).
MARKETPLACE_IDS = {
    "ATVPDKIKX0DER": "US", "A2EUQ1WTGCTBG2": "CA", "A1AM78C64UM0Y8": "MX", "A2Q3Y263D00KWC": "BR",
    "A1F83G8C2ARO7P": "UK", "A1PA6795UKMFR9": "DE", "A13V1IB3VIYZZH": "FR", "APJ6JRA9NG5V4": "IT",
    "A1RKKUPIHCS9HS": "ES", "A1VC38T7YXB528": "JP", "A39IBJ37TRP1C6": "AU", "A19VAU5U5O7RUS": "SG",
}
# `sales-channel` / `marketplace` values in flat files and the Date Range report.
SALES_CHANNELS = {
    "amazon.com": "US", "amazon.ca": "CA", "amazon.com.mx": "MX", "amazon.com.br": "BR",
    "amazon.co.uk": "UK", "amazon.de": "DE", "amazon.fr": "FR", "amazon.it": "IT", "amazon.es": "ES",
    "amazon.co.jp": "JP", "amazon.com.au": "AU", "amazon.sg": "SG",
}

# A bare "$" or "¥" does not say which dollar or yen: trust the config for those.
_BARE_SYMBOL_FAMILIES = {"USD": {"USD", "CAD", "MXN", "AUD", "SGD", "NZD", "HKD"}, "JPY": {"JPY", "CNY"}}
_EXPLICIT_CURRENCY = re.compile(r"[A-Z]{2}\$|[A-Z]{3}|JP¥|CN¥|円|元")
# The market a file's currency points to when the config names none (``kpi inspect``).
CURRENCY_MARKETS = {"USD": "US", "JPY": "JP"}


def market_of(ctx: SourceContext, path: Path, hints: Iterable[str | None] = ()) -> str:
    """The marketplace id (US, JP...) the config gives this source.

    Without one (``kpi inspect`` reads a file with no config), the first market the file
    itself suggests (``hints``: its sales channel, marketplace column or currency) is used.
    """
    if ctx.market:
        return ctx.market
    hint = next((h for h in hints if h), None)
    if hint:
        return hint
    raise SourceError(
        "the source does not say which marketplace this file belongs to", file=path,
        expected="`market:` (e.g. US or JP) on the source in the client config",
        fix="add `market: US` (or JP...) to this source in the client config")


def market_in(values: pd.Series, mapping: Mapping[str, str]) -> str | None:
    """The most common market a column's values name (``Amazon.co.jp`` → JP), if any."""
    counts = values.value_counts()  # distinct values with their row counts: cheap on large files
    names = rv.clean_text(pd.Series(counts.index, dtype="string")).str.lower()
    markets = names.map({k.lower(): v for k, v in mapping.items()}, na_action="ignore")
    per_market = pd.Series(counts.to_numpy(), index=markets.to_numpy()).groupby(level=0, dropna=True).sum()
    if per_market.empty:
        return None
    # The most common market; ties go to the alphabetically first, as Series.mode did.
    return str(per_market[per_market == per_market.max()].sort_index().index[0])


def store_of(ctx: SourceContext, market: str) -> str:
    """The store name rows are filed under (the orchestrator always sets ``ctx.store``)."""
    return ctx.store or f"amazon-{market}"


def timezone_of(ctx: SourceContext, market: str) -> str:
    """The marketplace's local time zone.

    ``SourceContext.timezone`` defaults to UTC; for an Amazon US/JP source that default
    would shift late-evening orders into the next day, so the marketplace zone wins then.
    """
    if ctx.timezone and ctx.timezone != "UTC":
        return ctx.timezone
    return DEFAULT_TIMEZONE.get(market, ctx.timezone or "UTC")


def default_currency(ctx: SourceContext, market: str, path: Path) -> str:
    """The config's currency for the source, else the marketplace's own currency."""
    if ctx.currency:
        return ctx.currency
    if market in DEFAULT_CURRENCY:
        return DEFAULT_CURRENCY[market]
    raise SourceError(
        f"no currency known for market {market!r}", file=path,
        expected="`currency:` on the market or the source in the client config",
        fix="add `currency: USD` (or the marketplace's currency) to the market in the client config")


def stated_currency(cells: Iterable[pd.Series], fallback: str | None, path: Path,
                    column: str | None = None) -> str | None:
    """The one currency a file's money cells state (``$1.00``, ``"￥4,907"``, ``US$5.00``),
    else ``fallback``.

    A bare ``$``/``¥`` keeps the configured currency when that is another dollar/yen
    (a CA file shows ``$`` too). Two different stated currencies raise a SourceError.
    """
    series = [s for s in cells if s is not None and len(s)]
    if not series:
        return fallback
    text = rv.clean_text(pd.concat(series, ignore_index=True))
    codes = rv.currency_in(text)
    found = sorted(codes.dropna().unique())
    if not found:
        return fallback
    if len(found) > 1:
        raise SourceError(
            "the money amounts in this file name more than one currency", file=path, column=column,
            expected="one currency per file", found=", ".join(found),
            fix="export one marketplace per file (Seller Central: pick a single marketplace before downloading)")
    code = found[0]
    explicit = bool(text[codes.notna()].str.contains(_EXPLICIT_CURRENCY).fillna(False).any())
    if not explicit and fallback in _BARE_SYMBOL_FAMILIES.get(code, set()):
        return fallback
    return code


def month_period(path: Path, ctx: SourceContext, what: str) -> str:
    """The YYYY-MM of a report without a date column: config ``period``, else the folder
    or file name, else a SourceError saying how to supply it."""
    period = ctx.period or period_from_path(path)
    if period:
        return period
    raise SourceError(
        f"{what} has no date column, so the month it covers cannot be known from the file", file=path,
        expected="the file inside a folder named YYYY-MM (e.g. raw/us/2026-07/) or `period: YYYY-MM` on the source",
        fix="move the file into a folder named after the month it covers, or set `period:` on the source")


def period_label(start: pd.Series, end: pd.Series) -> str | None:
    """``YYYY-MM`` when every row falls in one calendar month, else ``first..last`` day."""
    start, end = start.dropna(), end.dropna()
    if start.empty or end.empty:
        return None
    first, last = start.min(), end.max()
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%Y-%m}"
    return f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"


def found_columns(raw: rt.RawTable, layout: Layout) -> dict[str, str]:
    """Canonical field → the file's own column name (for error messages)."""
    return rt.resolve_columns(list(raw.frame.columns), layout.aliases)


def require_values(raw: rt.RawTable, layout: Layout, frame: pd.DataFrame, names: Sequence[str],
                   *, fix: str = "fill in the cell or re-download the export") -> None:
    """Raise a SourceError naming the first row where a field the table needs is blank."""
    found = found_columns(raw, layout)
    for name in names:
        if name not in frame:
            continue
        blank = frame[name].isna().to_numpy()
        if blank.any():
            position = int(blank.nonzero()[0][0])
            column = found.get(name, name)
            raise SourceError(
                f"{int(blank.sum())} row(s) have no {name.replace('_', ' ')}", file=raw.path,
                row=raw.file_row(position), column=column,
                expected=f"a value in every row ({layout.columns[name].kind})",
                found=raw.frame[column].iloc[position] if column in raw.frame else None, fix=fix)


def missing_optional(frame: pd.DataFrame, layout: Layout, names: Sequence[str]) -> list[str]:
    """Warnings for canonical fields whose column the file does not have (left blank)."""
    return [f"no column for {n} (one of: {' / '.join(layout.columns[n].aliases[:3])}); left blank"
            for n in names if n not in frame]


def column(frame: pd.DataFrame, name: str, dtype: str = "float64") -> pd.Series:
    """A field of the extracted frame, or an all-blank column when the file lacks it."""
    if name in frame:
        return frame[name]
    return pd.Series(pd.NA if dtype == "string" else float("nan"), index=frame.index, dtype=dtype)


def sum_columns(frame: pd.DataFrame, names: Sequence[str]) -> pd.Series:
    """Row sum of the fields present; blank only where every one of them is blank."""
    present = [frame[n] for n in names if n in frame]
    if not present:
        return pd.Series(float("nan"), index=frame.index, dtype="float64")
    return pd.concat(present, axis=1).sum(axis=1, min_count=1)


def assemble(table: str, columns: Mapping[str, object], extras: Mapping[str, object],
             index: pd.Index) -> pd.DataFrame:
    """The canonical frame: the table's declared columns in order, then extras."""
    declared = columns_of(table)
    missing = [c for c in declared if c not in columns]
    if missing:  # a programming error in an adapter, not a bad file
        raise KeyError(f"{table}: adapter did not build {missing}")
    data = {c: columns[c] for c in declared}
    data.update({k: v for k, v in extras.items() if k not in data})
    return pd.DataFrame(data, index=index).reset_index(drop=True)


def file_info(type_id: str, path: Path, raw: rt.RawTable | None, layout: str | None, rows: int,
              market: str | None, period: str | None, warnings: Sequence[str] = (),
              *, encoding: str | None = None, language: str | None = None) -> FileInfo:
    """What ``kpi inspect`` prints about one read file."""
    return FileInfo(
        type=type_id, path=str(path),
        encoding=encoding if raw is None else raw.encoding,
        language=language if raw is None else header_language(list(raw.frame.columns)),
        # JSON reports read through records_table have no header line (header_row 0).
        header_row=raw.header_row if raw is not None and raw.header_row else None, rows=rows, market=market,
        period=period, layout=layout, sheet=None if raw is None else raw.sheet,
        warnings=list(warnings))


def load_json(path: Path, what: str) -> object:
    """A JSON report, plain or gzipped (the Ads API delivers GZIP_JSON)."""
    path = Path(path)
    check_not_empty(path)
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise SourceError(f"the gzip file is damaged ({exc})", file=path, expected=what,
                              fix="download the report again") from None
    if not data.strip():
        raise SourceError("the file is empty", file=path, expected=what, fix="download the report again")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"not valid JSON ({exc})", file=path, expected=what,
                          fix="download the report again; do not edit it by hand") from None


def records_table(path: Path, records: list[dict], empty_columns: Sequence[str] = ()) -> rt.RawTable:
    """JSON row objects as a string table, so the alias/parse machinery (and its row
    numbers: row N = the N-th record) works on them as on a CSV. An empty list gets
    ``empty_columns``, so a report without rows reads as an empty table, not an error."""
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=list(empty_columns))
    frame = frame.map(lambda v: pd.NA if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    return rt.RawTable(path=path, frame=frame.astype("string"), encoding="utf-8", header_row=0)
