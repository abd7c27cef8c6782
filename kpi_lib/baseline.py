"""The frozen baseline: a hashed, append-only snapshot of each person's metric values
per role, market and month, taken before a scheme starts.

A store is one folder per client (e.g. ``outputs/<client_id>/baseline/``) holding
``baseline-v0001.parquet``, ``baseline-v0002.parquet`` … and ``index.json`` listing every
version with its ``created_at`` (UTC), ``months``, row / people / metric counts, the
``sha256`` of the parquet file, ``author`` and ``reason``. Later stages read the frozen
frame with :func:`load_baseline` — never recompute it — and a file whose bytes no longer
match its hash is an error, not a silent change of the baseline.

Rules: at least one month (a :class:`BaselineWarning` under three, and the index notes
it); one row per person × role × market × month × metric; writing is atomic (temp file,
then a hard link / rename into place) and an existing version is never overwritten.

Frame columns (``BASELINE_COLUMNS``): ``person_id, role, market, month`` (YYYY-MM),
``metric_id``, ``value`` (the metric in its registry unit, base currency for money),
``numerator`` and ``denominator`` (the parts of a ratio metric; blank for sums), as the
engine's metric helper computes them.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import re
import time
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kpi_lib.atomic import write_bytes
from kpi_lib.errors import KpiError

BASELINE_COLUMNS = ["person_id", "role", "market", "month", "metric_id", "value", "numerator", "denominator"]
KEY_COLUMNS = ["person_id", "role", "market", "month", "metric_id"]
INDEX_FILE = "index.json"
LOCK_FILE = ".lock"
FILE_PATTERN = re.compile(r"^baseline-v(\d{4,})\.parquet$")
RECOMMENDED_MONTHS = 3
LIST_COLUMNS = ["version", "created_at", "months", "rows", "people", "metrics", "sha256", "author", "reason",
                "file", "warning"]
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class BaselineWarning(UserWarning):
    """A baseline was frozen with fewer months than recommended (3)."""


def baseline_store_dir(config) -> Path:
    """The client's baseline store: ``<outputs>/<client_id>/baseline/`` (one per client,
    so one client's baseline never sits in another's folder)."""
    from kpi_lib.paths import client_outputs

    return client_outputs(config) / "baseline"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_index(store: Path) -> dict:
    path = store / INDEX_FILE
    if not path.exists():
        return {"format": 1, "baselines": []}
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise KpiError(f"the baseline index is not valid JSON ({exc})", file=path,
                       fix="restore index.json from the backup or version control; never edit it by hand") from None
    if not isinstance(index, dict) or not isinstance(index.get("baselines"), list):
        raise KpiError("the baseline index has no 'baselines' list", file=path,
                       fix="restore index.json from the backup or version control")
    return index


def _write_atomic(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``path`` atomically; without ``overwrite`` an existing version file
    is an error (baselines are append-only)."""
    try:
        write_bytes(path, data, overwrite=overwrite)
    except FileExistsError:
        raise KpiError("a baseline version with this number already exists", file=path,
                       fix="baselines are append-only: freeze a new version instead") from None


@contextlib.contextmanager
def _locked(store: Path, timeout: float = 10.0):
    """One writer at a time per store (a lock file created exclusively)."""
    lock = store / LOCK_FILE
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            if time.monotonic() > deadline:
                raise KpiError("another baseline is being frozen in this store", file=lock,
                               fix="wait for it to finish; if no one is freezing, delete the stale .lock file") from None
            time.sleep(0.05)
    try:
        os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)


def _months(months: Iterable[str]) -> list[str]:
    if isinstance(months, str):
        months = [months]
    out = sorted({str(m) for m in months})
    bad = [m for m in out if not _MONTH.match(m)]
    if bad:
        raise KpiError(f"month {bad[0]!r} is not a month", key="months", expected="months as YYYY-MM, e.g. 2026-08",
                       found=bad[0], fix="pass the baseline months as a list like ['2026-06', '2026-07', '2026-08']")
    if not out:
        raise KpiError("a baseline needs at least one month", key="months", expected="one or more months (YYYY-MM)",
                       fix="freeze at least one month of data before the scheme starts (3-6 months is better)")
    return out


def canonical_frame(frame: pd.DataFrame, months: Iterable[str]) -> pd.DataFrame:
    """The frame as it is frozen: ``BASELINE_COLUMNS`` only, typed, sorted by the key.

    Errors (naming the column and what to fix) for a missing column, a month outside
    ``months``, a listed month without rows, a blank key, a duplicate key or a value
    that is not a number."""
    months = _months(months)
    missing = [c for c in BASELINE_COLUMNS if c not in frame.columns]
    if missing:
        raise KpiError(f"the baseline frame lacks the column(s) {', '.join(missing)}", column=missing[0],
                       expected=", ".join(BASELINE_COLUMNS),
                       fix="pass the per person × metric × month frame the engine's metric helper computes")
    out = frame[BASELINE_COLUMNS].copy()
    for c in KEY_COLUMNS:
        blank = out[c].isna()
        if blank.any():
            raise KpiError(f"the baseline frame has a blank {c}", column=c, row=int(blank.to_numpy().nonzero()[0][0]),
                           fix=f"every row needs a {c}")
        out[c] = out[c].astype(str)
    out["month"] = out["month"].str.slice(0, 7)
    outside = sorted(set(out["month"]) - set(months))
    if outside:
        raise KpiError(f"the frame has rows for {outside[0]}, which is not one of the baseline months", column="month",
                       expected=", ".join(months), found=outside[0],
                       fix="filter the frame to the baseline months or list the month in `months`")
    empty = [m for m in months if m not in set(out["month"])]
    if empty:
        raise KpiError(f"baseline month {empty[0]} has no rows", column="month", found=empty[0],
                       fix="compute the metrics for every baseline month, or leave the month out of `months`")
    for c in ("value", "numerator", "denominator"):
        converted = pd.to_numeric(out[c], errors="coerce").astype(float)
        bad = converted.isna() & out[c].notna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise KpiError(f"{c} is not a number", column=c, row=i, found=out[c].iat[i],
                           fix="metric values must be numbers (ratios as fractions, money in base currency)")
        out[c] = converted
    dup = out.duplicated(KEY_COLUMNS, keep=False)
    if dup.any():
        first = out[dup].iloc[0]
        raise KpiError("the baseline frame has two rows for one person × role × market × month × metric",
                       column="metric_id", found=", ".join(str(first[c]) for c in KEY_COLUMNS),
                       fix="aggregate the rows first (one value per person, role, market, month and metric)")
    return out.sort_values(KEY_COLUMNS, kind="stable").reset_index(drop=True)


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def _next_version(store: Path, index: dict) -> int:
    versions = [int(e["version"]) for e in index["baselines"]]
    # A file without an index entry (a crash between the two writes) keeps its number.
    versions += [int(m.group(1)) for p in store.iterdir() if (m := FILE_PATTERN.match(p.name))]
    return max(versions, default=0) + 1


def freeze_baseline(store_dir: str | Path, frame: pd.DataFrame, months: Iterable[str], author: str, reason: str, *,
                    now: dt.datetime | None = None) -> dict:
    """Freeze ``frame`` (``BASELINE_COLUMNS``) for ``months`` as the next version in the
    store; returns its index entry (version, created_at, months, rows, people, metrics,
    sha256, author, reason, file, warning). The input frame is not changed.

    Fewer than three months: a :class:`BaselineWarning` (the entry's ``warning`` says so).
    ``now`` (UTC) is for reproducible tests; by default the current time."""
    if not str(author or "").strip() or not str(reason or "").strip():
        raise KpiError("a baseline needs an author and a reason", key="author" if not str(author or "").strip() else "reason",
                       fix="say who froze it and why, e.g. author='周明远', reason='pre-launch baseline, 3 months'")
    months = _months(months)
    data = canonical_frame(frame, months)
    warning = None
    if len(months) < RECOMMENDED_MONTHS:
        warning = (f"only {len(months)} month(s) of baseline; {RECOMMENDED_MONTHS}-6 months make improvements "
                   "measurable against normal month-to-month swings")
        warnings.warn(warning, BaselineWarning, stacklevel=2)
    payload = _parquet_bytes(data)
    store = Path(store_dir)
    store.mkdir(parents=True, exist_ok=True)
    with _locked(store):
        index = _read_index(store)
        version = _next_version(store, index)
        name = f"baseline-v{version:04d}.parquet"
        _write_atomic(store / name, payload, overwrite=False)
        created = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        entry = {"version": version, "created_at": created.isoformat(timespec="seconds"), "months": months,
                 "rows": int(len(data)), "people": int(data["person_id"].nunique()),
                 "metrics": int(data["metric_id"].nunique()), "sha256": _sha256(payload),
                 "author": str(author).strip(), "reason": str(reason).strip(), "file": name, "warning": warning}
        index["baselines"].append(entry)
        _write_atomic(store / INDEX_FILE, json.dumps(index, ensure_ascii=False, indent=2).encode("utf-8"),
                      overwrite=True)
    return dict(entry)


def list_baselines(store_dir: str | Path) -> pd.DataFrame:
    """Every frozen version, oldest first (``LIST_COLUMNS``); empty when the store is
    empty or does not exist yet."""
    store = Path(store_dir)
    if not store.exists():
        return pd.DataFrame(columns=LIST_COLUMNS)
    entries = _read_index(store)["baselines"]
    out = pd.DataFrame([{c: e.get(c) for c in LIST_COLUMNS} for e in entries], columns=LIST_COLUMNS)
    return out.sort_values("version").reset_index(drop=True) if len(out) else out


def baseline_entry(store_dir: str | Path, version: int | None = None) -> dict:
    """The index entry of ``version`` (default: the latest)."""
    store = Path(store_dir)
    entries = _read_index(store)["baselines"] if store.exists() else []
    if not entries:
        raise KpiError("no baseline has been frozen in this store", file=store,
                       fix="freeze one in the baseline notebook (freeze_baseline) before later stages read it")
    if version is None:
        return dict(max(entries, key=lambda e: int(e["version"])))
    for e in entries:
        if int(e["version"]) == int(version):
            return dict(e)
    raise KpiError(f"baseline version {version} does not exist", file=store,
                   expected=", ".join(str(e["version"]) for e in entries), fix="use one of the listed versions")


def load_baseline(store_dir: str | Path, version: int | None = None) -> pd.DataFrame:
    """The frozen frame of ``version`` (default: the latest), after checking that the
    file's sha256 is the one recorded when it was frozen (a changed file is an error)."""
    store = Path(store_dir)
    entry = baseline_entry(store, version)
    path = store / entry["file"]
    if not path.exists():
        raise KpiError(f"the file of baseline version {entry['version']} is missing", file=path,
                       fix="restore it from the backup; a baseline cannot be recomputed once the scheme has started")
    payload = path.read_bytes()
    if _sha256(payload) != entry["sha256"]:
        raise KpiError(f"baseline version {entry['version']} has been changed since it was frozen "
                       f"(sha256 {_sha256(payload)[:12]}… ≠ {entry['sha256'][:12]}…)", file=path,
                       fix="restore the original file from the backup; to change a baseline, freeze a new version "
                           "with a reason")
    frame = pd.read_parquet(io.BytesIO(payload), engine="pyarrow")
    if len(frame) != int(entry["rows"]):
        raise KpiError(f"baseline version {entry['version']} has {len(frame)} rows, the index says {entry['rows']}",
                       file=path, fix="restore the original file and index from the backup")
    return frame
