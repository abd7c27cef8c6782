"""Build the canonical tables of one client from its raw exports.

For each declared source and each file it matches: pick the adapter, read the file (or
take it from the cache when the bytes are unchanged), check the result against the table
contract, then stack the files of each table, remove rows that overlapping exports
repeat, and add base-currency amounts. One bad file never stops the others: its error is
collected, and the data-quality report says what was read and what was not.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib import fx
from kpi_lib.config.models import ClientConfig, Source
from kpi_lib.errors import ConfigError, KpiError, KpiErrors, SourceError
from kpi_lib.ingest.cache import IngestCache, cache_key, file_sha256
from kpi_lib.ingest.files import no_match_fix, source_files
from kpi_lib.sources.base import Adapter, FileInfo, ReadResult, SourceContext, get_adapter
from kpi_lib.tables import validate_table

# Rows with the same key in two files describe the same thing: the later file (in path
# order, i.e. the newer download by Amazon's and our naming; a browser's re-download
# "x (1).txt" counts as later than "x.txt") replaces the earlier one.
OVERLAP_KEYS: dict[str, tuple[str, ...]] = {
    "orders": ("platform", "market", "store", "order_id", "sku"),
    "traffic": ("market", "store", "period_start", "period_end", "asin", "sku"),
    "inventory": ("market", "store", "snapshot_date", "sku"),
    "profit": ("market", "store", "month", "sku"),
    "account_health": ("market", "store", "metric", "period_start", "period_end"),
}


@dataclass
class FileRecord:
    """One raw file's outcome: what was read from it, or why not."""

    source_index: int
    info: FileInfo | None
    sha256: str | None
    cached: bool = False
    error: KpiError | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict:
        base = self.info.as_dict() if self.info else {}
        return {**base, "source_index": self.source_index, "sha256": self.sha256, "cached": self.cached,
                "error": None if self.error is None else str(self.error), "seconds": round(self.seconds, 3)}


@dataclass
class IngestResult:
    """Canonical tables plus everything the data-quality report needs."""

    client_id: str
    tables: dict[str, pd.DataFrame]
    files: list[FileRecord]
    errors: list[KpiError] = field(default_factory=list)
    duplicates: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def input_hashes(self) -> dict[str, str]:
        return {r.info.path: r.sha256 for r in self.files if r.info and r.sha256}


def source_context(config: ClientConfig, source: Source, adapter: Adapter) -> SourceContext:
    """What the adapter needs to know about a source: market zone, currency, store..."""
    market = config.market(source.market) if source.market else None
    platform = adapter.platform
    store = source.store
    if store is None and market is not None:
        same_platform = [s.id for s in market.stores if s.platform == platform]
        store = same_platform[0] if len(same_platform) == 1 else f"{platform or 'all'}-{market.id}"
    # Strict UTF-8 almost never decodes legacy-encoded text, so it goes first; between the
    # two legacy encodings (which can decode each other's bytes) the market decides.
    encodings = (source.encoding,) if source.encoding else (
        ("utf-8", "cp932", "gb18030") if source.market == "JP" else ("utf-8", "gb18030", "cp932"))
    return SourceContext(
        type=source.type, data_dir=config.resolved_data_dir(), market=source.market, store=store,
        platform=platform, period=source.period, timezone=(market.timezone if market else "UTC") or "UTC",
        currency=market.currency if market else config.base_currency, encodings=encodings,
        options=dict(source.options), client=config.client_id)


def read_file(adapter: Adapter, path: Path, ctx: SourceContext, cache: IngestCache | None,
              client: str, digest: str | None = None) -> tuple[ReadResult, str, bool]:
    """One file through its adapter and the table contracts (or from the cache)."""
    digest = digest or file_sha256(path)
    key = cache_key(digest, ctx)
    relative = ctx.relative(path)
    if cache is not None:
        hit = cache.load(key, relative)
        if hit is not None:
            return hit, digest, True
    result = adapter.read(path, ctx)
    # The adapter's frames are ours alone: checked in place, no second copy of a large file.
    checked = {name: validate_table(name, frame, file=relative, client=client, owned=True)
               for name, frame in result.tables.items()}
    result = ReadResult(tables=checked, info=result.info)
    if cache is not None:
        cache.store(key, result)
    return result, digest, False


@dataclass
class _PlannedFile:
    source_index: int
    adapter: Adapter
    ctx: SourceContext
    path: Path
    digest: str | None


def ingest(config: ClientConfig, *, cache_dir: Path | None = None, types: set[str] | None = None) -> IngestResult:
    """Read every source of ``config`` into canonical tables. Never raises for bad files.

    With a cache, each file's adapter output is kept by content hash; and when every file
    and the config are exactly as in an earlier error-free run, that run's finished tables
    are taken as they are (a re-run of a stage costs little more than hashing the files).
    """
    cache = IngestCache(cache_dir) if cache_dir else None
    client = config.client_id
    errors: list[KpiError] = []
    planned = _plan(config, types, errors)
    complete = not errors and all(p.digest for p in planned)
    whole_key = _whole_set_key(config, types, planned) if cache is not None and complete else None
    if whole_key is not None:
        done = _load_whole_set(cache, whole_key, client)
        if done is not None:
            return done
    parts: dict[str, list[pd.DataFrame]] = {}
    records: list[FileRecord] = []
    for item in planned:
        path, ctx = item.path, item.ctx
        started = time.perf_counter()
        try:
            result, digest, cached = read_file(item.adapter, path, ctx, cache, client, item.digest)
        except KpiError as exc:
            # Name the file as the consultant knows it: relative to the client's data_dir.
            for err in [exc, *getattr(exc, "errors", [])]:
                err.file = ctx.relative(path)
                err.with_context(client=client)
            errors.append(exc)
            records.append(FileRecord(item.source_index, None, None, error=exc,
                                      seconds=time.perf_counter() - started))
            continue
        except Exception as exc:  # an adapter bug must not stop the other files
            err = SourceError(f"unexpected failure while reading ({type(exc).__name__}: {exc})",
                              client=client, file=ctx.relative(path),
                              fix="report this file to the suite's maintainers; other files were still read")
            errors.append(err)
            records.append(FileRecord(item.source_index, None, None, error=err,
                                      seconds=time.perf_counter() - started))
            continue
        result.info.path = ctx.relative(path)
        if result.info.rows == 0 and not any("no data rows" in w for w in result.info.warnings):
            result.info.warnings.append(
                "the file has no data rows (only a header): fine if there was no activity, "
                "otherwise the download was cut or the wrong period was chosen")
        result = ReadResult(tables={n: store_ids(f, config) for n, f in result.tables.items()}, info=result.info)
        records.append(FileRecord(item.source_index, result.info, digest, cached,
                                  seconds=time.perf_counter() - started))
        for name, frame in result.tables.items():
            parts.setdefault(name, []).append(frame)
    tables: dict[str, pd.DataFrame] = {}
    duplicates: dict[str, dict[str, int]] = {}
    for name in list(parts):
        # Each step's input is let go as soon as the next exists: on a client with millions
        # of order lines every copy of the table is hundreds of MB.
        frames = parts.pop(name)
        frames = [f for f in frames if not f.empty] or frames[:1]
        stacked = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
        del frames
        deduped, counts = remove_overlaps(stacked, name)
        del stacked
        if any(counts.values()):
            duplicates[name] = counts
        converted, fx_errors = fx.to_base(deduped, name, config)
        del deduped
        errors.extend(fx_errors)
        tables[name] = converted
    result = IngestResult(client_id=client, tables=tables, files=records, errors=errors, duplicates=duplicates)
    if whole_key is not None and not errors:
        _store_whole_set(cache, whole_key, result)
    return result


def _plan(config: ClientConfig, types: set[str] | None, errors: list[KpiError]) -> list[_PlannedFile]:
    """Every (source, file) to read, with the file's content hash; config problems go to ``errors``."""
    client = config.client_id
    planned: list[_PlannedFile] = []
    for index, source in enumerate(config.sources):
        if types is not None and source.type not in types:
            continue
        try:
            adapter = get_adapter(source.type)
            if adapter.needs_market and source.market is None:
                raise ConfigError(f"a {source.type} source needs `market`", key=f"sources[{index}].market",
                                  fix="add `market: US` (or JP) to this source")
            ctx = source_context(config, source, adapter)
            files = source_files(config, source)
        except KpiError as exc:
            errors.append(exc.with_context(client=client, file=config.config_path, key=f"sources[{index}]"))
            continue
        if not files:
            errors.append(ConfigError("no file matches this path", client=client, file=config.config_path,
                                      key=f"sources[{index}].path", found=source.path,
                                      fix=no_match_fix(config, source)))
        planned.extend(_PlannedFile(index, adapter, ctx, path, _content_hash(path)) for path in files)
    return planned


def _content_hash(path: Path) -> str | None:
    """The file's hash, or None when it cannot be read now (reading it again reports why)."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def _whole_set_key(config: ClientConfig, types: set[str] | None, planned: list[_PlannedFile]) -> str:
    """Names the finished tables of exactly these files read under exactly this config."""
    spec = {"config": config.model_dump(mode="json"), "types": sorted(types) if types else None,
            "files": [(p.source_index, p.ctx.relative(p.path), cache_key(p.digest, p.ctx)) for p in planned]}
    text = json.dumps(spec, sort_keys=True, default=str, ensure_ascii=False)
    return "client-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _load_whole_set(cache: IngestCache, key: str, client: str) -> IngestResult | None:
    hit = cache.load_set(key)
    if hit is None:
        return None
    tables, meta = hit
    records = [FileRecord(r["source_index"], FileInfo(**r["info"]), r["sha256"], cached=True)
               for r in meta["files"]]
    return IngestResult(client_id=client, tables=tables, files=records, duplicates=meta["duplicates"])


def _store_whole_set(cache: IngestCache, key: str, result: IngestResult) -> None:
    files = [{"source_index": r.source_index, "sha256": r.sha256,
              "info": r.info.__dict__ | {"warnings": list(r.info.warnings)}} for r in result.files]
    cache.store_set(key, result.tables, {"files": files, "duplicates": result.duplicates})


def store_ids(frame: pd.DataFrame, config: ClientConfig) -> pd.DataFrame:
    """Store names as ERPs print them (``DemoHome-JP``) replaced by the config's store ids.

    Ownership rules name stores by id; a store whose ``name`` in the config matches what
    a file prints is the same store.
    """
    if "store" not in frame.columns or frame.empty:
        return frame
    names = {s.name: s.id for m in config.markets for s in m.stores if s.name and s.name != s.id}
    if not names or not frame["store"].isin(list(names)).any():
        return frame
    return frame.assign(store=frame["store"].replace(names))


_REDOWNLOAD = re.compile(r" \((\d+)\)(?=\.[^./]*$|$)")


def download_order(path: str) -> tuple[str, int]:
    """Sort key putting a browser's re-download after the original: ``x.txt`` <
    ``x (1).txt`` < ``x (2).txt`` (plain path order would put ``x (1).txt`` first)."""
    m = _REDOWNLOAD.search(str(path))
    if m is None:
        return str(path), 0
    return str(path)[:m.start()] + str(path)[m.end():], int(m.group(1))


def _repeated_content(frame: pd.DataFrame) -> np.ndarray:
    """Mask of rows that may repeat another row: their hash over the number and date
    columns (cheap to hash, and two identical rows agree there too) is shared. Tables
    without such columns hash everything; unhashable cells make every row a candidate."""
    numeric = [c for c in frame.columns
               if pd.api.types.is_numeric_dtype(frame[c].dtype) or pd.api.types.is_datetime64_any_dtype(frame[c].dtype)]
    try:
        hashes = pd.util.hash_pandas_object(frame[numeric or list(frame.columns)], index=False)
    except TypeError:  # a cell pandas cannot hash (a list...): compare every row exactly
        return np.ones(len(frame), dtype=bool)
    return hashes.duplicated(keep=False).to_numpy()


def remove_overlaps(frame: pd.DataFrame, table: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """Drop rows that another file already holds.

    ``identical``: the same row in two files is kept once (a row repeated inside one file
    is kept as often as that file has it). ``replaced``: rows whose key (``OVERLAP_KEYS``)
    appears in a later file are replaced by the later file's version.
    """
    if frame.empty or "source_file" not in frame.columns:
        return frame, {"identical": 0, "replaced": 0}
    content = [c for c in frame.columns if c != "source_file"]
    dup = np.zeros(len(frame), dtype=bool)
    # Only rows whose content hash occurs more than once can be repeats: the exact (and
    # much slower) comparison below runs on those alone, usually a small part of the table.
    candidates = _repeated_content(frame[content])
    if candidates.any():
        sub = frame.loc[candidates]
        occurrence = sub.groupby(content + ["source_file"], dropna=False, sort=False).cumcount()
        marked = sub.assign(_occurrence=occurrence.to_numpy())
        dup[np.flatnonzero(candidates)] = marked.duplicated(subset=content + ["_occurrence"], keep="first").to_numpy()
    identical = int(dup.sum())
    kept = frame.loc[~dup] if identical else frame
    replaced = 0
    keys = [k for k in OVERLAP_KEYS.get(table, ()) if k in kept.columns]
    if keys and kept["source_file"].nunique() > 1:
        # Keys and files as integer codes: the same logic on millions of rows without
        # turning their strings into Python objects.
        codes = pd.DataFrame({k: pd.factorize(kept[k], use_na_sentinel=False)[0] for k in keys})
        file_code, files = pd.factorize(kept["source_file"], use_na_sentinel=False)
        codes["_file"] = file_code
        key_files = codes.drop_duplicates()
        multi = key_files.duplicated(subset=keys, keep=False)
        if multi.any():
            # Rank of each file in download order (a re-download "x (1).txt" after "x.txt").
            rank = np.empty(len(files), dtype=np.int64)
            rank[sorted(range(len(files)), key=lambda i: download_order(files[i]))] = np.arange(len(files))
            candidates = key_files[multi.to_numpy()]
            latest = (candidates.assign(_rank=rank[candidates["_file"].to_numpy()])
                      .sort_values("_rank", kind="stable").drop_duplicates(subset=keys, keep="last")
                      [keys + ["_file"]].rename(columns={"_file": "_latest"}))
            merged = codes.merge(latest, on=keys, how="left")
            stale = (merged["_latest"].notna() & (merged["_latest"] != merged["_file"])).to_numpy()
            replaced = int(stale.sum())
            if replaced:
                kept = kept.loc[~stale]
    return kept.reset_index(drop=True), {"identical": identical, "replaced": replaced}
