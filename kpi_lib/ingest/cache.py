"""Parquet cache of adapter outputs, keyed by the raw file's content hash.

The key also covers what the config says about the source (market, store, period, options)
and a fingerprint of the reading code and alias tables, so a code or alias change never
serves stale tables. Entries are written to a temporary folder and renamed into place, so
an interrupted run leaves no half-written entry.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from kpi_lib.sources.base import FileInfo, ReadResult, SourceContext

_PACKAGE = Path(__file__).resolve().parent.parent
CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """Content hash of a file (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """Hash of everything that decides how a raw file is read."""
    digest = hashlib.sha256()
    paths = sorted([*(_PACKAGE / "sources").rglob("*.py"), *(_PACKAGE / "sources").rglob("*.yaml"),
                    *(_PACKAGE / "readers").rglob("*.py"), _PACKAGE / "tables.py"])
    for p in paths:
        digest.update(p.relative_to(_PACKAGE).as_posix().encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(content_hash: str, ctx: SourceContext) -> str:
    spec = {"type": ctx.type, "market": ctx.market, "store": ctx.store, "platform": ctx.platform,
            "period": ctx.period, "timezone": ctx.timezone, "currency": ctx.currency,
            "encodings": list(ctx.encodings), "options": ctx.options, "code": code_fingerprint()}
    text = json.dumps(spec, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256((content_hash + text).encode()).hexdigest()[:32]


class IngestCache:
    """A folder of cached results, one sub-folder per key: each raw file's adapter output,
    and each whole client's assembled tables (see :meth:`load_set`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def load(self, key: str, source_file: str) -> ReadResult | None:
        hit = self.load_set(key)
        if hit is None:
            return None
        tables, meta = hit
        info = FileInfo(**meta["info"])
        # The same bytes may sit at another path (a copy): record where they are now.
        tables = {n: t.assign(source_file=source_file) if "source_file" in t else t for n, t in tables.items()}
        return ReadResult(tables=tables, info=info)

    def store(self, key: str, result: ReadResult) -> None:
        info = result.info.__dict__ | {"warnings": list(result.info.warnings)}
        self.store_set(key, result.tables, {"info": info})

    def load_set(self, key: str) -> tuple[dict[str, pd.DataFrame], dict] | None:
        """Tables and metadata stored under ``key``, or None (absent or damaged)."""
        entry = self.root / key
        meta_path = entry / "info.json"
        if not meta_path.exists():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            tables = {name: pd.read_parquet(entry / f"{name}.parquet") for name in meta["tables"]}
        except (OSError, ValueError, KeyError):
            return None  # a damaged entry is simply rebuilt
        return tables, meta

    def store_set(self, key: str, tables: dict[str, pd.DataFrame], meta: dict) -> None:
        """Store tables and JSON metadata under ``key``, all or nothing."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=self.root))
        try:
            for name, frame in tables.items():
                frame.to_parquet(tmp / f"{name}.parquet", index=False)
            (tmp / "info.json").write_text(json.dumps({"tables": list(tables), **meta}, ensure_ascii=False,
                                                      default=str), encoding="utf-8")
            target = self.root / key
            if target.exists():
                shutil.rmtree(tmp)
                return
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
