"""Shaping helpers shared by the non-Amazon adapters (Shopify, TikTok, ERPs, templates).

Everything here is a pure function over the string table an adapter read
(:class:`kpi_lib.readers.text.RawTable`) and the typed columns ``Adapter.extract`` gave:
value vocabularies (markets, statuses, yes/no), months, per-market time zones, the
"first line of an order" rule, and the final step that gives a frame exactly its canonical
columns plus ``source_file``. Errors name the file, the 1-based row and the column.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from kpi_lib.errors import SourceError
from kpi_lib.readers import text as rt
from kpi_lib.readers import values as rv
from kpi_lib.sources.base import ALIAS_DIR, FileInfo, Layout, SourceContext, header_language
from kpi_lib.tables import CONTRACTS, columns_of

# Market names as exports and people write them, after :func:`value_key`.
MARKET_NAMES = {
    "us": "US", "usa": "US", "united states": "US", "美国": "US", "美国站": "US", "amazon.com": "US",
    "jp": "JP", "japan": "JP", "日本": "JP", "日本站": "JP", "amazon.co.jp": "JP",
    "ca": "CA", "canada": "CA", "加拿大": "CA", "mx": "MX", "mexico": "MX", "墨西哥": "MX",
    "uk": "UK", "gb": "UK", "united kingdom": "UK", "英国": "UK", "de": "DE", "germany": "DE", "德国": "DE",
    "fr": "FR", "france": "FR", "法国": "FR", "it": "IT", "italy": "IT", "意大利": "IT",
    "es": "ES", "spain": "ES", "西班牙": "ES", "au": "AU", "澳大利亚": "AU", "澳洲": "AU",
}

# Currencies as Chinese ERPs write them in a 币种 column.
CURRENCY_NAMES = {"美元": "USD", "日元": "JPY", "人民币": "CNY", "墨西哥比索": "MXN", "加元": "CAD",
                  "英镑": "GBP", "欧元": "EUR", "rmb": "CNY"}

# Order status vocabulary shared by the non-Amazon order adapters, in the lower-case
# words the Amazon adapter uses: pending (not paid), unshipped (paid, not shipped),
# partially shipped, shipped, delivered, cancelled, refunded, partially refunded, returned.
ORDER_STATUS = {
    "pending": "pending", "unpaid": "pending", "awaiting payment": "pending", "authorized": "pending",
    "partially_paid": "pending", "待付款": "pending", "未付款": "pending", "待支付": "pending",
    "pendingavailability": "pending", "pending availability": "pending",
    "unshipped": "unshipped", "paid": "unshipped", "to ship": "unshipped", "awaiting shipment": "unshipped",
    "awaiting collection": "unshipped", "ready to ship": "unshipped", "待发货": "unshipped",
    "未发货": "unshipped", "已付款": "unshipped", "待审核": "unshipped", "待处理": "unshipped",
    "待打单": "unshipped", "配货中": "unshipped", "por enviar": "unshipped",
    "partially shipped": "partially shipped", "partiallyshipped": "partially shipped", "部分发货": "partially shipped",
    "shipped": "shipped", "shipping": "shipped", "in transit": "shipped", "已发货": "shipped",
    "已发出": "shipped", "运输中": "shipped", "enviado": "shipped", "en tránsito": "shipped",
    "delivered": "delivered", "completed": "delivered", "已完成": "delivered", "已签收": "delivered",
    "已妥投": "delivered", "completado": "delivered", "entregado": "delivered",
    "cancelled": "cancelled", "canceled": "cancelled", "canceled by buyer": "cancelled", "已取消": "cancelled",
    "取消": "cancelled", "已作废": "cancelled", "作废": "cancelled", "cancelado": "cancelled",
    "voided": "cancelled",
    "refunded": "refunded", "已退款": "refunded", "reembolsado": "refunded",
    "partially_refunded": "partially refunded", "partially refunded": "partially refunded",
    "部分退款": "partially refunded",
    "returned": "returned", "已退货": "returned", "devuelto": "returned",
}

YES_NO = {"是": True, "否": False, "yes": True, "no": False, "y": True, "n": False, "true": True,
          "false": False, "1": True, "0": False, "需要": True, "不需要": False, "需回复": True,
          "无需回复": False, "はい": True, "いいえ": False}

_YMD_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?!\d)")
_ISO_CODE_PREFIX = re.compile(r"^([A-Z]{3})\s*[-+(]?\s*[\d.]")
_EXPLICIT_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z|\b(?:PDT|PST|JST|UTC|GMT|EDT|EST|CDT|CST|MDT|MST))$")


# -- vocabularies -------------------------------------------------------------
def value_key(value: object) -> str:
    """Lookup key of a cell value: NFKC, trimmed, single spaces, case-folded."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return re.sub(r"\s+", " ", text).casefold()


@functools.cache
def _alias_file(type_id: str) -> dict:
    return yaml.safe_load((ALIAS_DIR / f"{type_id}.yaml").read_text(encoding="utf-8")) or {}


def alias_extras(type_id: str) -> dict:
    """The non-layout sections of ``aliases/<type_id>.yaml`` (value vocabularies, fee groups)."""
    return {k: v for k, v in _alias_file(type_id).items() if k != "layouts"}


def must_have(type_id: str, layout: Layout) -> tuple[str, ...]:
    """Columns a file of ``layout`` must have: its signature (``required``) plus the
    layout's ``must_have`` list. Keeping the signature short lets a file that lacks one
    of the others be recognised, so the error names the missing column itself."""
    spec = (_alias_file(type_id).get("layouts") or {}).get(layout.name) or {}
    return tuple(dict.fromkeys([*layout.required, *(spec.get("must_have") or [])]))


def vocabulary(entries: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """``{canonical: [spellings]}`` from YAML as a lookup ``{value_key(spelling): canonical}``."""
    out: dict[str, str] = {}
    for canonical, spellings in entries.items():
        out[value_key(canonical)] = canonical
        for s in spellings or ():
            out[value_key(s)] = canonical
    return out


def map_values(raw: rt.RawTable, cells: pd.Series, header: str, mapping: Mapping[str, object], *,
               expected: str, fix: str, passthrough: re.Pattern | None = None) -> pd.Series:
    """Translate cell values through ``mapping`` (keys from :func:`value_key`); blanks stay <NA>.

    A value outside the vocabulary (and not matching ``passthrough``, whose match is
    kept upper-cased) raises a :class:`SourceError` naming its row and column.
    """
    text = rv.clean_text(cells)
    text = text.mask(text.isin(rv.MISSING_MARKERS))
    keys = text.map(value_key, na_action="ignore")
    mapped = keys.map(lambda k: mapping.get(k), na_action="ignore")
    if passthrough is not None:
        fits = text.str.fullmatch(passthrough).fillna(False).astype(bool) & mapped.isna()
        mapped = mapped.where(~fits, text.str.upper())
    bad = text.notna() & mapped.isna()
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise SourceError(
            f"{int(bad.sum())} value(s) in this column are not recognised", file=raw.path,
            row=raw.file_row(position), column=header, expected=expected, found=cells.iloc[position], fix=fix)
    return mapped


def market_ids(raw: rt.RawTable, cells: pd.Series, header: str) -> pd.Series:
    """Market ids (US, JP...) from 美国 / 日本 / US / Japan / Amazon.co.jp; blanks stay <NA>."""
    out = map_values(raw, cells, header, MARKET_NAMES, passthrough=re.compile(r"[A-Za-z]{2}"),
                     expected="a market such as US, JP, 美国 or 日本",
                     fix="write the market as its two-letter id (US, JP) or its Chinese name (美国, 日本)")
    return out.astype("string")


def market_from_store(stores: pd.Series) -> pd.Series:
    """The market in a store name's suffix after the last ``-`` (``tangliuquan-US`` → US), else <NA>."""
    text = rv.clean_text(stores)
    suffix = text.str.extract(r"[-_]([^-_]+)$", expand=False).map(value_key, na_action="ignore")
    return suffix.map(lambda k: MARKET_NAMES.get(k), na_action="ignore").astype("string")


def currency_codes(raw: rt.RawTable, cells: pd.Series, header: str) -> pd.Series:
    """ISO currency codes from a 币种/Currency column (USD, 美元, ￥...); blanks stay <NA>."""
    text = rv.clean_text(cells)
    text = text.mask(text.isin(rv.MISSING_MARKERS))
    upper = text.str.upper()
    named = text.map(lambda v: CURRENCY_NAMES.get(value_key(v)), na_action="ignore")
    symbol = rv.currency_in(text)
    # Names first: "RMB" looks like an ISO code but is not one (CNY is).
    out = named.astype("string").fillna(upper.where(upper.str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool)))
    out = out.fillna(symbol)
    bad = text.notna() & out.isna()
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise SourceError("currency not recognised", file=raw.path, row=raw.file_row(position), column=header,
                          expected="an ISO code such as USD, JPY, CNY (or 美元, 日元, 人民币)",
                          found=cells.iloc[position], fix="write the currency as its three-letter code")
    return out.astype("string")


def money_currency(cells: Sequence[pd.Series], fallback: str | None) -> pd.Series:
    """Per-row currency of money strings: a leading ISO code (``MXN 790.00``) wins, then
    ``fallback`` (the market's currency; a bare ``$`` is ambiguous between USD and MXN),
    then a symbol (``$`` → USD, ``￥`` → JPY)."""
    index = cells[0].index
    code = pd.Series(pd.NA, index=index, dtype="string")
    symbol = pd.Series(pd.NA, index=index, dtype="string")
    for c in cells:
        text = rv.clean_text(c)
        code = code.fillna(text.str.extract(_ISO_CODE_PREFIX, expand=False).astype("string"))
        symbol = symbol.fillna(rv.currency_in(text))
    if fallback:
        code = code.fillna(fallback)
    return code.fillna(symbol).astype("string")


def order_status(raw_status: pd.Series) -> tuple[pd.Series, list[str]]:
    """Canonical order status from a platform/ERP status text, and the values not known.

    Unknown values are kept (lower-cased) rather than refused: ERPs let users rename
    statuses, and a wrong guess would be worse than the raw word. Blank → "unknown".
    """
    text = rv.clean_text(raw_status)
    text = text.mask(text.isin(rv.MISSING_MARKERS))
    keys = text.map(value_key, na_action="ignore").astype("string")
    mapped = keys.map(lambda k: ORDER_STATUS.get(k), na_action="ignore").astype("string")
    unknown = sorted(set(text[mapped.isna() & text.notna()].dropna().tolist()))
    out = mapped.fillna(keys).fillna("unknown").astype("string")
    return out, unknown


# -- times and periods --------------------------------------------------------
def market_zone(market: str | None, ctx: SourceContext) -> str:
    """The market's time zone: the source's own zone for the source market, else the
    package market template's, else the source zone."""
    from kpi_lib.config.loader import market_templates

    if market and market == ctx.market and ctx.timezone:
        return ctx.timezone
    template = market_templates().get(market or "", {}) or {}
    return template.get("timezone") or ctx.timezone or "UTC"


def market_currency(market: str | None, ctx: SourceContext) -> str | None:
    """The market's currency: the source's for the source market, else the template's."""
    from kpi_lib.config.loader import market_templates

    if market and market == ctx.market and ctx.currency:
        return ctx.currency
    template = market_templates().get(market or "", {}) or {}
    return template.get("currency") or (ctx.currency if not market else None)


def local_dates(utc: pd.Series, markets: pd.Series, ctx: SourceContext) -> pd.Series:
    """Market-local calendar day of each UTC timestamp, each row in its own market's zone."""
    out = pd.Series(pd.NaT, index=utc.index, dtype="datetime64[ns]")
    for market, idx in markets.groupby(markets.fillna(""), sort=False).groups.items():
        out.loc[idx] = rv.market_date(utc.loc[idx], market_zone(market or None, ctx))
    return out


def relocalize(parsed_as_utc: pd.Series, raw_cells: pd.Series, markets: pd.Series,
               ctx: SourceContext, zone: str | None = None) -> pd.Series:
    """Timestamps that were parsed as UTC wall-clock times, re-read as local times of each
    row's market (or of ``zone`` when the source states one). Cells that printed their own
    offset are exact already and are left alone."""
    text = rv.clean_text(raw_cells)
    explicit = text.str.contains(_EXPLICIT_OFFSET, regex=True).fillna(False).astype(bool)
    out = parsed_as_utc.copy()
    wall = parsed_as_utc.dt.tz_localize(None)
    for market, idx in markets.groupby(markets.fillna(""), sort=False).groups.items():
        tz = zone or market_zone(market or None, ctx)
        rows = pd.Index(idx)[~explicit.loc[idx].to_numpy()]
        if len(rows) and tz != "UTC":
            # The repeated hour of a fall-back night is read as its first occurrence.
            first = np.ones(len(rows), dtype=bool)
            out.loc[rows] = (wall.loc[rows].dt.tz_localize(tz, ambiguous=first, nonexistent="shift_forward")
                             .dt.tz_convert("UTC"))
    return out


def months(raw: rt.RawTable, cells: pd.Series, header: str) -> pd.Series:
    """``YYYY-MM`` from ``2026-10``, ``2026/10``, ``2026年10月``, a date or an Excel date cell."""
    text = rv.clean_text(cells)
    text = text.mask(text.isin(rv.MISSING_MARKERS))
    parts = text.str.extract(_MONTH_TEXT)
    month_num = pd.to_numeric(parts[1], errors="coerce")
    ok = parts[0].notna() & month_num.between(1, 12)
    out = (parts[0] + "-" + month_num.astype("Int64").astype("string").str.zfill(2)).where(ok)
    rest = text.notna() & ~ok
    if rest.any():
        parsed = rv.parse_date(text[rest])
        out.loc[rest] = parsed.dt.strftime("%Y-%m")
    bad = text.notna() & out.isna()
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise SourceError("month not recognised", file=raw.path, row=raw.file_row(position), column=header,
                          expected="a month like 2026-10 (or a date in that month)", found=cells.iloc[position],
                          fix="write the month as YYYY-MM")
    return out.astype("string")


def date_in_name(path: Path) -> pd.Timestamp | None:
    """A ``YYYYMMDD`` date in the file name (``Listing_20261031.xlsx``), else None."""
    m = _YMD_IN_NAME.findall(Path(path).name)
    if not m:
        return None
    y, mo, d = m[-1]
    return pd.Timestamp(int(y), int(mo), int(d))


def period_label(days: pd.Series) -> str | None:
    """``2026-10`` when every day falls in one month, ``2026-09..2026-10`` otherwise."""
    d = pd.to_datetime(days).dropna()
    if d.empty:
        return None
    first, last = d.min().strftime("%Y-%m"), d.max().strftime("%Y-%m")
    return first if first == last else f"{first}..{last}"


def month_label(months_: pd.Series) -> str | None:
    """``2026-10`` for one YYYY-MM month, ``2026-09..2026-10`` for several."""
    seen = sorted(set(months_.dropna()))
    if not seen:
        return None
    return seen[0] if len(seen) == 1 else f"{seen[0]}..{seen[-1]}"


# -- rows ----------------------------------------------------------------------
def keep_rows(raw: rt.RawTable, keep: pd.Series) -> rt.RawTable:
    """The raw table without some rows, still knowing each kept row's line in the file."""
    mask = keep.to_numpy(dtype=bool)
    numbers = [raw.file_row(i) for i in range(len(raw.frame)) if mask[i]]
    frame = raw.frame.loc[mask].reset_index(drop=True)
    return dataclasses.replace(raw, frame=frame, row_numbers=numbers)


def repeated_header_rows(raw: rt.RawTable) -> pd.Series:
    """Rows that repeat the header (exports glued together, or paged exports)."""
    out = pd.Series(False, index=raw.frame.index)
    if raw.frame.empty:
        return out
    keys = [rt.normalize_header(c) for c in raw.frame.columns]
    # Cheap first pass on the first column; only candidate rows are compared in full.
    first = raw.frame.iloc[:, 0].map(rt.normalize_header, na_action="ignore")
    candidates = raw.frame.loc[(first == keys[0]).fillna(False).to_numpy(dtype=bool)]
    if candidates.empty:
        return out
    cells = candidates.apply(lambda col: col.map(rt.normalize_header, na_action="ignore"))
    same = pd.DataFrame({c: cells[c] == k for c, k in zip(raw.frame.columns, keys)}).fillna(False)
    # Half the columns equal to their own header name is a header row, not data.
    out.loc[same.index] = same.sum(axis=1) >= max(2, len(keys) // 2)
    return out


def first_of_group(keys: pd.Series) -> pd.Series:
    """True on the first row of each key (in file order): where order-level values are kept."""
    return ~keys.duplicated(keep="first") & keys.notna()


def group_first(values: pd.Series, keys: pd.Series) -> pd.Series:
    """The first non-blank value of each key, on every row of the key."""
    return values.groupby(keys, sort=False, dropna=False).transform("first")


def sum_present(frame: pd.DataFrame, names: Iterable[str]) -> pd.Series:
    """Row sum of the named columns that exist; <NA> where all are blank."""
    cols = [n for n in names if n in frame.columns]
    if not cols:
        return pd.Series(float("nan"), index=frame.index, dtype="float64")
    return frame[cols].sum(axis=1, min_count=1).astype("float64")


# -- errors and results ----------------------------------------------------------
def headers_of(raw: rt.RawTable, layout: Layout) -> dict[str, str]:
    """Canonical field → the header it was read from in this file."""
    return rt.resolve_columns(list(raw.frame.columns), layout.aliases)


def fill_from_context(values: pd.Series | None, default: object, index: pd.Index) -> pd.Series:
    """A file column where it has values, ``default`` (from the config) elsewhere."""
    base = pd.Series(default if default is not None else pd.NA, index=index, dtype="string")
    if values is None:
        return base
    return values.astype("string").fillna(base)


def require_values(raw: rt.RawTable, frame: pd.DataFrame, fields: Iterable[str],
                   headers: Mapping[str, str], *, what: str = "a value",
                   config_fix: Mapping[str, str] | None = None) -> None:
    """Raise for the first blank cell of a field that every row must have.

    Where the field came from a column, the error names its row and header; where it
    comes from the config (market, currency...), it says which config key to set.
    """
    for name in fields:
        if name not in frame.columns:
            continue
        blank = frame[name].isna()
        if not blank.any():
            continue
        position = int(blank.to_numpy().nonzero()[0][0])
        if name in headers:
            raise SourceError(f"{int(blank.sum())} row(s) have no {name}", file=raw.path,
                              row=raw.file_row(position), column=headers[name], expected=what,
                              found=raw.frame[headers[name]].iloc[position],
                              fix="fill in the cell(s), or delete rows that are not data")
        fix = (config_fix or {}).get(name) or f"add a `{name}` column to the file or set it in the source config"
        raise SourceError(f"no {name} for {int(blank.sum())} row(s): the file does not say and the config does not either",
                          file=raw.path, row=raw.file_row(position), expected=f"a {name} for every row", fix=fix)


def finish(table: str, frame: pd.DataFrame, path: Path, ctx: SourceContext,
           extras: Sequence[str] = ()) -> pd.DataFrame:
    """The table's declared columns (blank where unknown), then ``extras``, with ``source_file``.

    Only declared columns and the listed extras leave the adapter, so a column the
    adapter did not choose (a buyer's name, an address) can never slip through.
    """
    declared = columns_of(table)
    out = pd.DataFrame(index=frame.index)
    for name in declared:
        if name == "source_file":
            out[name] = pd.Series(ctx.relative(path), index=frame.index, dtype="string")
        elif name in frame.columns:
            out[name] = frame[name]
        else:
            out[name] = _blank_like(table, name, frame.index)
    for name in extras:
        if name in frame.columns and name not in out.columns:
            out[name] = frame[name]
    return out.reset_index(drop=True)


def _blank_like(table: str, name: str, index: pd.Index) -> pd.Series:
    dtype = CONTRACTS[table].to_schema().columns[name].dtype
    text = str(dtype)
    if "UTC" in text:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]")
    if "datetime" in text:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if "float" in text or "int" in text:
        return pd.Series(float("nan"), index=index, dtype="float64")
    return pd.Series(pd.NA, index=index, dtype="string")


def file_info(type_id: str, path: Path, ctx: SourceContext, raw: rt.RawTable, layout: Layout | str,
              frame: pd.DataFrame, *, period: str | None = None, warnings: Sequence[str] = ()) -> FileInfo:
    """What ``kpi inspect`` shows about one read file."""
    markets = sorted(set(frame["market"].dropna().astype(str))) if "market" in frame.columns else []
    return FileInfo(
        type=type_id, path=ctx.relative(path), encoding=raw.encoding,
        language=header_language(list(raw.frame.columns)), header_row=raw.header_row, rows=len(frame),
        market=",".join(markets) or ctx.market, period=period,
        layout=layout if isinstance(layout, str) else layout.name, sheet=raw.sheet, warnings=list(warnings))
