"""Build the canonical tables of one client from its raw exports.

For each declared source and each file it matches: pick the adapter, read the file (or
take it from the cache when the bytes are unchanged), check the result against the table
contract, then stack the files of each table, remove rows that overlapping exports
repeat, and add base-currency amounts. One bad file never stops the others: its error is
collected, and the data-quality report says what was read and what was not.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

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
              client: str) -> tuple[ReadResult, str, bool]:
    """One file through its adapter and the table contracts (or from the cache)."""
    digest = file_sha256(path)
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


def ingest(config: ClientConfig, *, cache_dir: Path | None = None, types: set[str] | None = None) -> IngestResult:
    """Read every source of ``config`` into canonical tables. Never raises for bad files."""
    cache = IngestCache(cache_dir) if cache_dir else None
    client = config.client_id
    parts: dict[str, list[pd.DataFrame]] = {}
    records: list[FileRecord] = []
    errors: list[KpiError] = []
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
        for path in files:
            started = time.perf_counter()
            try:
                result, digest, cached = read_file(adapter, path, ctx, cache, client)
            except KpiError as exc:
                # Name the file as the consultant knows it: relative to the client's data_dir.
                for err in [exc, *getattr(exc, "errors", [])]:
                    err.file = ctx.relative(path)
                    err.with_context(client=client)
                errors.append(exc)
                records.append(FileRecord(index, None, None, error=exc, seconds=time.perf_counter() - started))
                continue
            except Exception as exc:  # an adapter bug must not stop the other files
                err = SourceError(f"unexpected failure while reading ({type(exc).__name__}: {exc})",
                                  client=client, file=ctx.relative(path),
                                  fix="report this file to the suite's maintainers; other files were still read")
                errors.append(err)
                records.append(FileRecord(index, None, None, error=err, seconds=time.perf_counter() - started))
                continue
            result.info.path = ctx.relative(path)
            if result.info.rows == 0 and not any("no data rows" in w for w in result.info.warnings):
                result.info.warnings.append(
                    "the file has no data rows (only a header): fine if there was no activity, "
                    "otherwise the download was cut or the wrong period was chosen")
            result = ReadResult(tables={n: store_ids(f, config) for n, f in result.tables.items()}, info=result.info)
            records.append(FileRecord(index, result.info, digest, cached, seconds=time.perf_counter() - started))
            for name, frame in result.tables.items():
                parts.setdefault(name, []).append(frame)
    tables: dict[str, pd.DataFrame] = {}
    duplicates: dict[str, dict[str, int]] = {}
    for name, frames in parts.items():
        frames = [f for f in frames if not f.empty] or frames[:1]
        stacked = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
        deduped, counts = remove_overlaps(stacked, name)
        if any(counts.values()):
            duplicates[name] = counts
        converted, fx_errors = fx.to_base(deduped, name, config)
        errors.extend(fx_errors)
        tables[name] = converted
    return IngestResult(client_id=client, tables=tables, files=records, errors=errors, duplicates=duplicates)


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


def remove_overlaps(frame: pd.DataFrame, table: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """Drop rows that another file already holds.

    ``identical``: the same row in two files is kept once (a row repeated inside one file
    is kept as often as that file has it). ``replaced``: rows whose key (``OVERLAP_KEYS``)
    appears in a later file are replaced by the later file's version.
    """
    if frame.empty or "source_file" not in frame.columns:
        return frame, {"identical": 0, "replaced": 0}
    content = [c for c in frame.columns if c != "source_file"]
    occurrence = frame.groupby(content + ["source_file"], dropna=False, sort=False).cumcount()
    marked = frame.assign(_occurrence=occurrence.to_numpy())
    dup = marked.duplicated(subset=content + ["_occurrence"], keep="first")
    kept = frame.loc[~dup.to_numpy()]
    identical = int(dup.sum())
    replaced = 0
    keys = [k for k in OVERLAP_KEYS.get(table, ()) if k in kept.columns]
    if keys and kept["source_file"].nunique() > 1:
        key_files = kept[keys + ["source_file"]].drop_duplicates()
        multi = key_files.duplicated(subset=keys, keep=False)
        if multi.any():
            order = key_files["source_file"].map(download_order)
            latest = (key_files[multi].assign(_order=order[multi]).sort_values("_order")
                      .drop_duplicates(subset=keys, keep="last").drop(columns="_order"))
            merged = kept.merge(latest.rename(columns={"source_file": "_latest"}), on=keys, how="left")
            stale = merged["_latest"].notna() & (merged["_latest"] != merged["source_file"])
            replaced = int(stale.sum())
            kept = kept.loc[~stale.to_numpy()]
    return kept.reset_index(drop=True), {"identical": identical, "replaced": replaced}
