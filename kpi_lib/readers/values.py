"""Parse the value formats real exports use, column at a time (vectorised).

Seen in real files (see shared/formats/REPORT_FORMATS.md): ``$1,234.56``, ``$ 0.35``,
``US$5,000.00``, ``MX$5,310.54``, ``"￥4,907,860"`` (full-width yen), ``MXN 790.00``,
``12.5%``, ``0.0935%``, ``(12.34)`` negatives, ``="254927681919372"`` Excel-formula ids,
ids with a trailing tab, ``'75008`` zip codes, and LingXing's not-computable markers
``--`` / ``有花费无销售额`` / ``有花费无订单``.

Every parser returns a new Series and never mutates its input. Values that are present
but cannot be parsed come back as NaN and are reported by :func:`unparseable`, so the
adapter can name the row and column in its error.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

# Markers meaning "no value" (empty or not computable), after NFKC and strip.
MISSING_MARKERS = frozenset({"", "-", "--", "—", "N/A", "n/a", "NA", "nan", "NaN", "None", "null",
                             "有花费无销售额", "有花费无订单", "无", "なし"})

_CURRENCY_TOKENS = r"(?:US\$|MX\$|CA\$|AU\$|JP¥|CN¥|RMB|USD|JPY|CNY|MXN|CAD|EUR|GBP|\$|¥|€|£|円|元)"
# Patterns stay strings: pandas hands string patterns to pyarrow (vectorised), while
# compiled patterns force a Python call per cell.
_CURRENCY_RE = _CURRENCY_TOKENS
_EXCEL_FORMULA_RE = r'^="(.*)"$'
# A cell clean_text would change: anything but printable ASCII, or a space, quote or "="
# at its start or a space or quote at its end.
_NEEDS_CLEANING = r"[^\x20-\x7e]|^[ '\"=]|[ '\"]$"
_NUMBER_RE = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
# ASCII digits only: what a float cast accepts as is (Python's \d also matches full-width ones).
_PLAIN_NUMBER_RE = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"


def by_unique(values: pd.Series, transform) -> pd.Series:
    """Apply a Series→Series ``transform`` to the distinct values only and spread the result
    back. Exports repeat the same status, currency or SKU text thousands of times, so
    per-value Python work (NFKC, lookups) is paid once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)  # blanks are a value too
    if len(uniques) == len(values):
        return transform(values)
    mapped = transform(pd.Series(uniques, dtype=values.dtype))
    return pd.Series(mapped.to_numpy().take(codes), index=values.index, dtype=mapped.dtype)


def clean_text(values: pd.Series) -> pd.Series:
    """Text cells as people meant them: NFKC, no ``="..."`` wrapper, no stray tabs/quotes.

    NFKC turns full-width ``￥４，９０７`` into ``¥4,907`` and full-width brackets into
    ASCII ones, which is what every later rule expects.
    """
    s = values.astype("string")
    # Most cells of a large export are printable ASCII with nothing around them; one
    # vectorised test finds the few that need cleaning, and only those are touched.
    needs = s.str.contains(_NEEDS_CLEANING, regex=True).fillna(False).to_numpy(dtype=bool)
    if not needs.any():
        return s
    out = s.copy()
    out[needs] = _clean_cells(s[needs])
    return out


def _clean_cells(s: pd.Series) -> pd.Series:
    # NFKC is a Python-level loop: only non-ASCII cells need it.
    wide = s.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).astype(bool)
    if wide.any():
        s = s.copy()
        s[wide] = by_unique(s[wide], lambda u: u.map(lambda v: unicodedata.normalize("NFKC", v)))
    s = s.str.strip()
    # The ="..." unwrap runs per cell in Python (a back-reference), so only where it applies.
    formula = s.str.startswith('="').fillna(False).astype(bool)
    if formula.any():
        s = s.copy()
        s[formula] = s[formula].str.replace(_EXCEL_FORMULA_RE, r"\1", regex=True)
    return s.str.strip("\t '\"").astype("string")


def clean_id(values: pd.Series) -> pd.Series:
    """Identifiers (order ids, SKUs, ASINs, campaign ids) as strings, blanks as <NA>."""
    s = clean_text(values)
    return s.mask(s.isin(MISSING_MARKERS))


def _number_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strip currency, thousands separators and parentheses. Returns (text, negative mask)."""
    s = clean_text(values)
    s = s.mask(s.isin(MISSING_MARKERS))
    s = s.str.replace("\u2212", "-", regex=False)  # unicode minus
    negative_paren = s.str.match(r"^\(.*\)$").fillna(False).astype(bool)
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    s = s.str.replace(_CURRENCY_RE, "", regex=True)
    s = s.str.replace(",", "", regex=False).str.replace(" ", "", regex=False)
    # "-$1.00" becomes "-1.00" once the symbol is gone; "$-1.00" too.
    return s, negative_paren


def parse_number(values: pd.Series) -> pd.Series:
    """Money or counts to float64: ``"$1,234.56"`` → 1234.56, ``"(12.34)"`` → -12.34.

    Missing markers become NaN. Unit: whatever the column holds (the currency is a
    separate column); no FX is applied here.
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")  # already numbers (JSON reports, typed Excel cells)
    if values.dtype == object and values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all():
        return pd.to_numeric(values, errors="coerce").astype("float64")
    values = values.astype("string")
    # Most cells of a large export are already plain numbers ("1234.5"): those convert in
    # one vectorised cast; only the rest ($, ￥, commas, brackets, markers) are cleaned.
    plain = values.str.match(_PLAIN_NUMBER_RE).fillna(False).to_numpy(dtype=bool)
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    if plain.any():
        out[plain] = values[plain].astype("float64[pyarrow]").to_numpy(dtype="float64", na_value=np.nan)
    rest = ~plain & values.notna().to_numpy()
    if rest.any():
        text, negative = _number_text(values[rest])
        parsed = pd.to_numeric(text.where(text.str.match(_NUMBER_RE).fillna(False).astype(bool)), errors="coerce")
        parsed = parsed.astype("float64").to_numpy()
        out[rest] = np.where(negative.to_numpy(), -parsed, parsed)
    return out


def parse_percent(values: pd.Series, *, bare: str = "percent") -> pd.Series:
    """Rates to fractions: ``"12.5%"`` → 0.125.

    ``bare`` says what a number *without* ``%`` means: ``"percent"`` (0–100 scale, as in
    SP-API JSON) or ``"fraction"`` (0–1, as in XLSX downloads and the Ads API).
    """
    if bare not in {"percent", "fraction"}:
        raise ValueError(f"bare must be 'percent' or 'fraction', not {bare!r}")
    text = clean_text(values)
    has_pct = text.str.contains("%", regex=False).fillna(False).astype(bool)
    number = parse_number(text.str.replace("%", "", regex=False))
    divisor = np.where(has_pct | (bare == "percent"), 100.0, 1.0)
    return number / divisor


def unparseable(raw: pd.Series, parsed: pd.Series) -> pd.Series:
    """Mask of cells that hold a value but did not parse (not blanks or markers)."""
    suspect = (parsed.isna() & raw.notna()).to_numpy(dtype=bool)
    out = pd.Series(False, index=raw.index)
    if suspect.any():  # only cells that are present but gave no value need a closer look
        text = clean_text(raw[suspect])
        out[suspect] = (text.notna() & ~text.isin(MISSING_MARKERS)).to_numpy(dtype=bool)
    return out


def currency_in(values: pd.Series) -> pd.Series:
    """The currency a money string names, as an ISO code where recognisable, else <NA>."""
    text = clean_text(values)
    mapping = [("US$", "USD"), ("MX$", "MXN"), ("CA$", "CAD"), ("AU$", "AUD"), ("JP¥", "JPY"),
               ("CN¥", "CNY"), ("RMB", "CNY"), ("USD", "USD"), ("JPY", "JPY"), ("CNY", "CNY"),
               ("MXN", "MXN"), ("EUR", "EUR"), ("GBP", "GBP"), ("€", "EUR"), ("£", "GBP"),
               ("円", "JPY"), ("元", "CNY"), ("¥", "JPY"), ("$", "USD")]
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    for token, code in mapping:
        hit = text.str.contains(token, regex=False).fillna(False).astype(bool) & out.isna()
        out[hit] = code
    return out


# Time-zone abbreviations Amazon prints after local times ("Sep 4, 2026 1:05:07 AM PDT").
TZ_ABBREVIATIONS = {"PDT": "-07:00", "PST": "-08:00", "JST": "+09:00", "UTC": "+00:00", "GMT": "+00:00",
                    "EDT": "-04:00", "EST": "-05:00", "CDT": "-05:00", "CST": "-06:00", "MDT": "-06:00",
                    "MST": "-07:00"}
_TZ_ABBR_RE = r"\s+(" + "|".join(TZ_ABBREVIATIONS) + r")$"
# The same test without \s or a group, so pyarrow (RE2) runs it instead of Python's re.
_EXPLICIT_OFFSET = r"(?:[+-]\d{2}:?\d{2}|Z)$"
_TZ_ABBR_PRESENT = r"[ \t]+(?:" + "|".join(TZ_ABBREVIATIONS) + r")$"


def parse_datetime(values: pd.Series, *, formats: Sequence[str] | None = None,
                   local_tz: str | None = None) -> pd.Series:
    """Timestamps to UTC (tz-aware).

    Values carrying an offset (``2026-10-03T08:04:21+00:00``, ``... +0200``) or an
    abbreviation (``PDT``, ``JST``) are exact. Values without one are taken as local time
    in ``local_tz`` (the marketplace's or store's zone). ``formats`` are tried in order;
    None lets pandas infer ISO-8601.
    """
    text = clean_text(values)
    text = text.mask(text.isin(MISSING_MARKERS))
    explicit = text.str.contains(_EXPLICIT_OFFSET, regex=True).fillna(False).to_numpy(dtype=bool)
    # Extracting the abbreviation runs per cell in Python, so only where there is one (never
    # on a value that ends in a numeric offset).
    offset = pd.Series(pd.NA, index=values.index, dtype="object")
    has_abbr = np.zeros(len(text), dtype=bool)
    if not explicit.all():
        others = ~explicit
        has_abbr[others] = text[others].str.contains(_TZ_ABBR_PRESENT, regex=True).fillna(False).to_numpy(dtype=bool)
    if has_abbr.any():
        offset[has_abbr] = text[has_abbr].str.extract(_TZ_ABBR_RE, expand=False).map(TZ_ABBREVIATIONS.get)
        text = text.copy()
        text[has_abbr] = text[has_abbr].str.replace(_TZ_ABBR_RE, "", regex=True)
    # UTC instants as naive datetime64[ns], filled by position (label-based assignment is
    # slow on a million rows); NaT where nothing parsed yet.
    result = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    remaining = text.notna().to_numpy(dtype=bool)
    for fmt in (list(formats) if formats else [None]):
        if not remaining.any():
            break
        fmt_arg = fmt or "ISO8601"
        aware = remaining & explicit
        if aware.any():
            parsed = pd.to_datetime(text[aware], errors="coerce", format=fmt_arg, utc=True)
            _fill(result, aware, parsed)
        naive = remaining & ~explicit
        if naive.any():
            parsed = pd.to_datetime(text[naive], errors="coerce", format=fmt_arg)
            if isinstance(parsed.dtype, pd.DatetimeTZDtype):
                parsed = parsed.dt.tz_convert("UTC")
            else:
                parsed = _localize(parsed, offset[naive], local_tz)
            _fill(result, naive, parsed)
        remaining = remaining & np.isnat(result)
    return pd.Series(result, index=values.index).dt.tz_localize("UTC")


def _fill(result: np.ndarray, where: np.ndarray, parsed: pd.Series) -> None:
    """Write the parsed UTC instants into ``result`` at the positions ``where`` selects."""
    utc = parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[ns]")
    positions = np.flatnonzero(where)
    ok = ~np.isnat(utc)
    result[positions[ok]] = utc[ok]


def _localize(parsed: pd.Series, offset: pd.Series, local_tz: str | None) -> pd.Series:
    """Naive local times to UTC, using a printed zone abbreviation where there was one."""
    out = pd.Series(pd.NaT, index=parsed.index, dtype="datetime64[ns, UTC]")
    has_offset = offset.notna() & parsed.notna()
    for off, idx in offset[has_offset].groupby(offset[has_offset]).groups.items():
        sign = -1 if off.startswith("-") else 1
        delta = sign * pd.Timedelta(hours=int(off[1:3]), minutes=int(off[4:6]))
        out.loc[idx] = (parsed.loc[idx] - delta).dt.tz_localize("UTC")
    naive = ~has_offset & parsed.notna()
    if naive.any():
        zone = local_tz or "UTC"
        # A wall time in the repeated hour when clocks go back (01:30 on a US/JP-style
        # fall-back night) is a real time, not an unreadable one: take its first occurrence.
        first = np.ones(int(naive.sum()), dtype=bool)
        out.loc[naive] = (parsed[naive].dt.tz_localize(zone, ambiguous=first, nonexistent="shift_forward")
                          .dt.tz_convert("UTC"))
    return out


def parse_date(values: pd.Series, *, formats: Sequence[str] | None = None) -> pd.Series:
    """Calendar dates (no time of day) as ``datetime64[ns]`` at midnight, naive."""
    text = clean_text(values)
    text = text.mask(text.isin(MISSING_MARKERS))
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    remaining = text.notna()
    for fmt in (list(formats) if formats else [None]):
        if not remaining.any():
            break
        chunk = text[remaining]
        parsed = pd.to_datetime(chunk, errors="coerce", format=fmt if fmt else "mixed")
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_localize(None)
        parsed = parsed.dt.normalize().astype("datetime64[ns]")
        ok = parsed.notna()
        result.loc[ok[ok].index] = parsed[ok]
        remaining = remaining & result.isna()
    return result


def market_date(utc: pd.Series, tz: str) -> pd.Series:
    """The marketplace-local calendar day of UTC timestamps (US: Los Angeles, JP: Tokyo)."""
    return utc.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
