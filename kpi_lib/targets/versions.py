"""Target versions: an append-only store of a client's target sets.

A store is a folder (one per client, e.g. ``clients/<client_id>/targets/``)::

    index.json        {"format": 1, "versions": [entry, ...]}   (oldest first)
    v0001.parquet     the targets of version 1
    v0002.parquet     ...

Each index entry records: ``version`` (1, 2, …), ``file``, ``sha256`` (of the parquet
file, checked on load), ``author``, ``created_at`` (UTC, ISO 8601), ``reason`` (required),
``parent`` (the version it replaces, None for the first), ``effective_from`` (ISO date),
``rows``, ``diff`` (counts of added / removed / changed targets and people affected, vs
the parent) and ``settings`` (free JSON, e.g. the tuning panel's sliders).

Rules: a version is never overwritten or deleted (a new file is linked into place only
if its name is free); every write goes to a temporary file first and is renamed into
place, so a crash leaves the store as it was; a ``.lock`` file keeps two saves apart;
a save without a reason or an author is refused.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib.atomic import write_bytes
from kpi_lib.errors import KpiError

INDEX = "index.json"
LOCK = ".lock"
FORMAT = 1
KEY_CANDIDATES = ("person_id", "market", "metric_id", "month")
COMPARED = ("target", "weight", "threshold", "stretch")
DIFF_COLUMNS = ["person_id", "market", "metric_id", "month", "change", "old_target", "new_target", "old_weight",
                "new_weight", "old_threshold", "new_threshold", "old_stretch", "new_stretch"]


@dataclass(frozen=True)
class TargetVersion:
    """One saved version: its index entry, and the targets when loaded."""

    version: int
    author: str
    created_at: str
    reason: str
    parent: int | None
    effective_from: str
    file: str
    sha256: str
    rows: int
    diff: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    targets: pd.DataFrame | None = None

    @classmethod
    def from_entry(cls, entry: Mapping, targets: pd.DataFrame | None = None) -> "TargetVersion":
        return cls(version=int(entry["version"]), author=entry["author"], created_at=entry["created_at"],
                   reason=entry["reason"], parent=entry.get("parent"), effective_from=entry["effective_from"],
                   file=entry["file"], sha256=entry["sha256"], rows=int(entry["rows"]),
                   diff=dict(entry.get("diff") or {}), settings=dict(entry.get("settings") or {}), targets=targets)


def client_store(root: str | Path, client_id: str) -> Path:
    """The conventional store folder of a client: ``<root>/<client_id>/targets``."""
    return Path(root) / client_id / "targets"


# -- index --------------------------------------------------------------------------------
def _read_index(store: Path) -> list[dict]:
    path = store / INDEX
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise KpiError(f"the version index is damaged: {exc}", file=path,
                       fix="restore index.json from a backup; the version files themselves are intact") from None
    return list(data.get("versions", []))


def _atomic_write(path: Path, data: bytes) -> None:
    write_bytes(path, data)


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` only if nothing is there (never overwrite)."""
    try:
        write_bytes(path, data, overwrite=False)
    except FileExistsError:
        raise KpiError(f"{path.name} already exists: versions are never overwritten", file=path,
                       fix="the index and the files disagree; check the store before saving again") from None


class _Lock:
    def __init__(self, store: Path) -> None:
        self.path = store / LOCK

    def __enter__(self) -> "_Lock":
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            raise KpiError("another save to this target store is in progress", file=self.path,
                           fix="wait and try again; if nobody is saving, delete the stale .lock file") from None
        os.write(fd, f"{os.getpid()}\n".encode())
        os.close(fd)
        return self

    def __exit__(self, *exc) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


# -- targets ------------------------------------------------------------------------------
def key_columns(*frames: pd.DataFrame) -> list[str]:
    """The key of a target row present in every frame: person_id, [market,] metric_id, [month]."""
    return [c for c in KEY_CANDIDATES if all(c in f.columns for f in frames)]


def _check_targets(targets: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(targets, pd.DataFrame) or targets.empty:
        raise KpiError("there are no targets to save", fix="compute the targets first")
    for c in ("person_id", "metric_id", "target"):
        if c not in targets.columns:
            raise KpiError(f"the targets need the column {c}", column=c,
                           expected="person_id, [market,] metric_id, [month,] target (+ threshold, stretch, weight)")
    keys = key_columns(targets)
    dup = targets.duplicated(keys)
    if dup.any():
        first = targets[dup].iloc[0]
        raise KpiError("two target rows share the same key", column=", ".join(keys),
                       found={k: first[k] for k in keys}, fix="keep one row per " + " × ".join(keys))
    return targets.reset_index(drop=True)


def _parse_date(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            pass
    raise KpiError("effective_from must be a date", key="effective_from", found=value,
                   expected="YYYY-MM-DD, or YYYY-MM for the first day of the month")


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both_nan = np.isnan(a) & np.isnan(b)
    with np.errstate(invalid="ignore"):
        close = np.abs(a - b) <= 1e-9 * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    return both_nan | close


def diff_targets(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Row-by-row differences between two target sets (:data:`DIFF_COLUMNS`, the key
    columns they share): ``added`` (only in new), ``removed`` (only in old), ``changed``
    (target, weight, threshold or stretch differ). Unchanged rows are left out."""
    if old is None or old.empty:
        keys = key_columns(new)
        out = new[keys].copy()
        out["change"] = "added"
        for c in COMPARED:
            out[f"old_{c}"] = np.nan
            out[f"new_{c}"] = pd.to_numeric(new[c], errors="coerce") if c in new.columns else np.nan
        return out.reindex(columns=[c for c in DIFF_COLUMNS if c in out.columns])
    keys = key_columns(old, new)
    left = old[[*keys, *[c for c in COMPARED if c in old.columns]]].rename(columns={c: f"old_{c}" for c in COMPARED})
    right = new[[*keys, *[c for c in COMPARED if c in new.columns]]].rename(columns={c: f"new_{c}" for c in COMPARED})
    both = left.merge(right, on=keys, how="outer", indicator=True)
    for c in COMPARED:
        for side in ("old", "new"):
            col = f"{side}_{c}"
            both[col] = pd.to_numeric(both[col], errors="coerce") if col in both.columns else np.nan
    changed = np.zeros(len(both), dtype=bool)
    for c in COMPARED:
        changed |= ~_same(both[f"old_{c}"], both[f"new_{c}"])
    state = both["_merge"].astype(str).to_numpy()
    change = np.where(state == "left_only", "removed", np.where(state == "right_only", "added",
                                                                 np.where(changed, "changed", "")))
    out = both.drop(columns="_merge").assign(change=change)
    out = out[out["change"] != ""].reset_index(drop=True)
    return out.reindex(columns=[c for c in DIFF_COLUMNS if c in out.columns])


def _summary(diff: pd.DataFrame) -> dict:
    counts = diff["change"].value_counts()
    return {"added": int(counts.get("added", 0)), "removed": int(counts.get("removed", 0)),
            "changed": int(counts.get("changed", 0)), "people_affected": int(diff["person_id"].nunique())}


# -- the store ------------------------------------------------------------------------------
def save_version(store: str | Path, targets: pd.DataFrame, author: str, reason: str, effective_from,
                 *, settings: Mapping | None = None, now: dt.datetime | None = None) -> TargetVersion:
    """Append ``targets`` as the next version of the store (created when missing) and
    return its entry. ``reason`` (why the targets change) and ``author`` are required;
    ``effective_from`` is the first day the targets apply (date or YYYY-MM[-DD])."""
    if not str(reason or "").strip():
        raise KpiError("a new target version needs a reason", key="reason",
                       fix="say why the targets change (e.g. '11月预算调整：日本站GMV目标下调5%')")
    if not str(author or "").strip():
        raise KpiError("a new target version needs an author", key="author", fix="give the consultant's name")
    frame = _check_targets(targets)
    effective = _parse_date(effective_from)
    try:
        json.dumps(dict(settings or {}))
    except TypeError as exc:
        raise KpiError(f"the version settings must be plain JSON values: {exc}", key="settings") from None
    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    with _Lock(store):
        entries = _read_index(store)
        number = (max(int(e["version"]) for e in entries) + 1) if entries else 1
        parent = int(entries[-1]["version"]) if entries else None
        previous = load_version(store, parent).targets if parent is not None else None
        diff = diff_targets(previous, frame)
        name = f"v{number:04d}.parquet"
        with tempfile.TemporaryDirectory(dir=store, prefix=".build-") as tmp:
            tmp_file = Path(tmp) / name
            frame.to_parquet(tmp_file, index=False)
            data = tmp_file.read_bytes()
        _write_new(store / name, data)
        created = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        entry = {"version": number, "file": name, "sha256": hashlib.sha256(data).hexdigest(),
                 "author": str(author).strip(), "created_at": created.isoformat(timespec="seconds"),
                 "reason": str(reason).strip(), "parent": parent, "effective_from": effective,
                 "rows": int(len(frame)), "diff": _summary(diff), "settings": dict(settings or {})}
        body = json.dumps({"format": FORMAT, "versions": [*entries, entry]}, ensure_ascii=False, indent=1)
        _atomic_write(store / INDEX, body.encode("utf-8"))
    return TargetVersion.from_entry(entry)


def list_versions(store: str | Path) -> pd.DataFrame:
    """One row per version, oldest first: version, created_at, author, reason, parent,
    effective_from, rows, added, removed, changed, people_affected."""
    entries = _read_index(Path(store))
    rows = [{"version": e["version"], "created_at": e["created_at"], "author": e["author"], "reason": e["reason"],
             "parent": e.get("parent"), "effective_from": e["effective_from"], "rows": e["rows"],
             **{k: (e.get("diff") or {}).get(k, 0) for k in ("added", "removed", "changed", "people_affected")}}
            for e in entries]
    return pd.DataFrame(rows, columns=["version", "created_at", "author", "reason", "parent", "effective_from", "rows",
                                       "added", "removed", "changed", "people_affected"])


def load_version(store: str | Path, version: int | None = None) -> TargetVersion:
    """A version with its targets (the latest by default); the file's checksum is
    verified against the index."""
    store = Path(store)
    entries = _read_index(store)
    if not entries:
        raise KpiError("the target store has no versions yet", file=store, fix="save a first version")
    if version is None:
        entry = entries[-1]
    else:
        found = [e for e in entries if int(e["version"]) == int(version)]
        if not found:
            raise KpiError(f"there is no version {version}", file=store,
                           expected=", ".join(str(e["version"]) for e in entries))
        entry = found[0]
    path = store / entry["file"]
    if not path.exists():
        raise KpiError(f"the file of version {entry['version']} is missing", file=path,
                       fix="restore it from a backup; versions are never deleted by the suite")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise KpiError(f"version {entry['version']} was changed after it was saved (checksum mismatch)", file=path,
                       fix="restore the original file; to change targets, save a new version")
    return TargetVersion.from_entry(entry, pd.read_parquet(path))


def diff_versions(store: str | Path, old: int | None = None, new: int | None = None) -> pd.DataFrame:
    """:func:`diff_targets` between two versions: ``new`` (default the latest) against
    ``old`` (default its parent; all rows are ``added`` for a first version)."""
    b = load_version(store, new)
    base = old if old is not None else b.parent
    a = load_version(store, base) if base is not None else None
    return diff_targets(a.targets if a is not None else None, b.targets)

