"""Benchmark targets (行业对标法) from the shipped table ``defaults/benchmarks.csv``.

Each row of the table is one published figure for a metric in a market (and a product
category, ``all`` when not category-specific), in the metric's unit (ratios as fractions:
0.28 = 28 %; hours for response times):

* ``value`` — the headline figure as published (an average, a median, or a policy limit);
* ``p25 / p50 / p75`` — the 25th / 50th / 75th percentile of sellers' values when known.
  Where a source gives only a typical range, p25 and p75 are the range's ends and p50 its
  midpoint (the row's ``note`` says so); empty when not published;
* ``basis`` — how far to trust it: ``public_survey`` (a published survey or data set),
  ``policy_threshold`` (an Amazon limit, e.g. ODR < 1 %: a line not to cross, not a typical
  value), ``practitioner_rule`` (an agency's or tool vendor's published rule of thumb) or
  ``assumption`` (no public figure found; said what was assumed);
* ``source``, ``source_url``, ``source_date`` and ``date_kind`` (``published`` = the
  source's own date, ``consulted`` = the day the figure was read from an undated page).

Percentiles are of the metric's *values*, so for a lower-is-better metric (ACoS) p25 is
the better performance; ``percentile="good"`` picks p75 for higher-is-better metrics and
p25 for lower-is-better ones.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib.errors import ConfigError, KpiError
from kpi_lib.metrics.registry import metrics

BENCHMARKS_FILE = Path(__file__).resolve().parent.parent / "defaults" / "benchmarks.csv"
TABLE_COLUMNS = ["metric_id", "market", "category", "basis", "value", "p25", "p50", "p75", "source", "source_url",
                 "source_date", "date_kind", "note"]
BASES = ("public_survey", "policy_threshold", "practitioner_rule", "assumption")
PERCENTILES = ("p25", "p50", "p75", "value", "good")
ALL_CATEGORIES = "all"
OUTPUT_COLUMNS = ["person_id", "market", "metric_id", "month", "target", "method", "percentile", "used",
                  "benchmark_value", "category", "basis", "source", "source_url", "source_date", "is_limit"]


@functools.lru_cache(maxsize=8)
def _read(path: str, stamp: tuple[int, int]) -> pd.DataFrame:
    # ``stamp`` (mtime, size) keys the cache, so an edited file is read again.
    return pd.read_csv(path, dtype={"source_date": str}, keep_default_na=True)


def load_benchmarks(path: str | Path | None = None) -> pd.DataFrame:
    """The benchmark table (:data:`TABLE_COLUMNS`), checked: known metric ids, a basis
    from :data:`BASES`, p25 ≤ p50 ≤ p75, a value or a percentile, a source and a date on
    every row. Returns a new frame each call."""
    file = Path(path) if path is not None else BENCHMARKS_FILE
    if not file.exists():
        raise ConfigError("the benchmark table does not exist", file=file,
                          fix="pass the path of a CSV with the columns of defaults/benchmarks.csv")
    info = file.stat()
    table = _read(str(file), (info.st_mtime_ns, info.st_size)).copy()
    missing = [c for c in TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise ConfigError(f"the benchmark table lacks the column(s) {', '.join(missing)}", file=file,
                          column=missing[0], expected=", ".join(TABLE_COLUMNS))
    registry = metrics()
    for i, r in table.iterrows():
        row = int(i) + 2  # the CSV line (header is line 1)
        if r["metric_id"] not in registry:
            raise ConfigError(f"unknown metric id {r['metric_id']!r}", file=file, row=row, column="metric_id")
        if r["basis"] not in BASES:
            raise ConfigError(f"unknown basis {r['basis']!r}", file=file, row=row, column="basis",
                              expected=", ".join(BASES))
        q = [r[c] for c in ("p25", "p50", "p75") if pd.notna(r[c])]
        if q != sorted(q):
            raise ConfigError("percentiles must satisfy p25 ≤ p50 ≤ p75", file=file, row=row, column="p50", found=q)
        if pd.isna(r["value"]) and not q:
            raise ConfigError("a row needs a value or a percentile", file=file, row=row, column="value")
        for c in ("source", "source_date", "market", "category"):
            if pd.isna(r[c]) or not str(r[c]).strip():
                raise ConfigError(f"every benchmark row needs its {c}", file=file, row=row, column=c,
                                  fix="never ship a number without saying where it comes from and when")
    table["category"] = table["category"].astype(str)
    return table[TABLE_COLUMNS]


def pick(table: pd.DataFrame, metric_id: str, market: str, category: str | None = None) -> pd.Series | None:
    """The row used for a metric in a market: the category's row when there is one, else
    the ``all`` row; among several rows, the best basis first (survey, policy, rule of
    thumb, assumption), then the first in the file. None when nothing fits."""
    rows = table[(table["metric_id"] == metric_id) & (table["market"] == market)]
    if category is not None and not pd.isna(category) and (rows["category"] == str(category)).any():
        rows = rows[rows["category"] == str(category)]
    else:
        rows = rows[rows["category"] == ALL_CATEGORIES]
    if rows.empty:
        return None
    rank = rows["basis"].map({b: i for i, b in enumerate(BASES)})
    return rows.loc[rank.sort_values(kind="stable").index[0]]


def benchmark_targets(plan: pd.DataFrame, *, percentile: str = "p50", months: Sequence[str] | None = None,
                      benchmarks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Targets from the benchmark table for the rows of ``plan`` (person_id, market,
    metric_id, and ``month`` or the ``months`` to fill; ``category`` optional).

    ``percentile``: p25 / p50 / p75 / value, or ``good`` (p75 for higher-is-better, p25
    for lower-is-better). When the row lacks that percentile its ``value`` is used (the
    ``used`` column says which). Rows without a benchmark are kept with an empty target
    and method ``benchmark (none)``, so the gap shows. ``is_limit`` marks policy limits
    (a target at the limit leaves no margin; consider a tighter one). Returns
    :data:`OUTPUT_COLUMNS`."""
    if percentile not in PERCENTILES:
        raise KpiError(f"unknown percentile {percentile!r}", key="percentile", expected=", ".join(PERCENTILES))
    for c in ("person_id", "market", "metric_id"):
        if c not in plan.columns:
            raise KpiError(f"benchmark_targets needs the column {c} in the plan", column=c,
                           expected="person_id, market, metric_id (+ month, category)")
    table = benchmarks if benchmarks is not None else load_benchmarks()
    rows = plan.copy()
    if "month" not in rows.columns:
        if not months:
            raise KpiError("no target months", key="months", fix="pass months=['2026-12', ...] or a month column")
        rows = rows.merge(pd.DataFrame({"month": list(months)}), how="cross")
    registry = metrics()
    out = []
    cache: dict[tuple, pd.Series | None] = {}
    for r in rows.to_dict("records"):
        key = (r["metric_id"], r["market"], r.get("category"))
        if key not in cache:
            cache[key] = pick(table, *key)
        b = cache[key]
        direction = registry[r["metric_id"]].direction if r["metric_id"] in registry else "higher"
        col = percentile
        if percentile == "good":
            col = "p25" if direction == "lower" else "p75"
        if b is None:
            out.append({**{k: r[k] for k in ("person_id", "market", "metric_id", "month")}, "target": np.nan,
                        "method": "benchmark (none)", "percentile": percentile, "used": None,
                        "benchmark_value": np.nan, "category": r.get("category"), "basis": None, "source": None,
                        "source_url": None, "source_date": None, "is_limit": False})
            continue
        used = col if col != "value" and pd.notna(b[col]) else "value"
        target = float(b[used])
        out.append({**{k: r[k] for k in ("person_id", "market", "metric_id", "month")}, "target": target,
                    "method": f"benchmark ({used})", "percentile": percentile, "used": used,
                    "benchmark_value": float(b["value"]) if pd.notna(b["value"]) else np.nan,
                    "category": b["category"], "basis": b["basis"], "source": b["source"],
                    "source_url": b["source_url"], "source_date": b["source_date"],
                    "is_limit": b["basis"] == "policy_threshold"})
    return pd.DataFrame(out, columns=OUTPUT_COLUMNS)
