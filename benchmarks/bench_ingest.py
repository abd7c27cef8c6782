"""Ingest benchmarks.

1. One large JP All Orders flat file (cp932; default 1,000,000 lines) through what
   ``kpi ingest`` does per file — content hash, adapter read, table contract — vs a plain
   ``pandas.read_csv(engine="pyarrow")`` of the same file. Goal: within 2× of pyarrow.
2. A whole synthetic client ingested with an empty cache, then again with the cache the
   first run filled (a consultant re-running a stage). Goal: the re-ingest ≥ 5× faster.

Each measurement runs in its own process after the imports, so start-up (~1 s of pandas,
pandera and the adapters, paid once per process) is reported apart from the per-file work.
Usage: python benchmarks/bench_ingest.py [--lines N] [--out DIR]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from common import PeakMemory, files_mb, in_child, report  # noqa: E402


# -- steps (each runs in its own process via common.in_child) --------------------------------
def step_pyarrow(path: str) -> dict:
    import pandas as pd
    import pyarrow  # noqa: F401

    with PeakMemory() as mem:
        rows = len(pd.read_csv(path, sep="\t", encoding="cp932", engine="pyarrow"))
    return {"seconds": mem.seconds, "peak_extra_mb": mem.extra_mb, "rows": rows}


def step_ingest_file(path: str) -> dict:
    started = time.perf_counter()
    from kpi_lib.ingest.pipeline import read_file
    from kpi_lib.sources.base import SourceContext, get_adapter
    from kpi_lib.tables import columns_of

    adapter = get_adapter("amazon_orders")
    columns_of("orders")  # the contracts are built once per process
    startup = time.perf_counter() - started
    ctx = SourceContext(type="amazon_orders", data_dir=Path(path).parent, market="JP", store="JP-Main",
                        platform="amazon", timezone="Asia/Tokyo", currency="JPY",
                        encodings=("cp932", "utf-8", "gb18030"))
    with PeakMemory() as mem:
        result, _, _ = read_file(adapter, Path(path), ctx, None, "bench")
    return {"seconds": mem.seconds, "peak_extra_mb": mem.extra_mb, "rows": len(result.tables["orders"]),
            "startup_seconds": startup}


def step_ingest_client(config: str, cache_dir: str) -> dict:
    from kpi_lib.config import load_config
    from kpi_lib.ingest.pipeline import ingest
    from kpi_lib.tables import columns_of

    cfg = load_config(Path(config))
    for table in ("orders", "people", "ownership"):
        columns_of(table)
    with PeakMemory() as mem:
        result = ingest(cfg, cache_dir=Path(cache_dir))
    if result.errors:
        raise RuntimeError("; ".join(map(str, result.errors[:3])))
    return {"seconds": mem.seconds, "peak_extra_mb": mem.extra_mb, "rows": sum(map(len, result.tables.values())),
            "files_from_cache": sum(1 for f in result.files if f.cached), "files": len(result.files)}


# -- figures -----------------------------------------------------------------------------------
def ingest_vs_pyarrow(workdir: Path, lines: int = 1_000_000) -> dict:
    from synthetic_client import write_amazon_orders

    path = write_amazon_orders(workdir / "All-Orders-JP.txt", lines)
    reference = in_child("bench_ingest", "step_pyarrow", path=str(path))
    suite = in_child("bench_ingest", "step_ingest_file", path=str(path))
    size = files_mb([path])
    return {"lines": lines, "input_mb": round(size, 1), "suite": suite, "reference": reference,
            "time_ratio": suite["seconds"] / reference["seconds"],
            "memory_ratio_to_input": suite["peak_extra_mb"] / size,
            "memory_ratio_to_pyarrow": suite["peak_extra_mb"] / max(reference["peak_extra_mb"], 1.0)}


def cached_reingest(client, workdir: Path) -> dict:
    cache = workdir / "ingest-cache"
    shutil.rmtree(cache, ignore_errors=True)
    first = in_child("bench_ingest", "step_ingest_client", config=str(client.config_path), cache_dir=str(cache))
    again = in_child("bench_ingest", "step_ingest_client", config=str(client.config_path), cache_dir=str(cache))
    if again["files_from_cache"] != again["files"]:
        raise RuntimeError(f"the re-ingest read {again['files'] - again['files_from_cache']} file(s) again")
    return {"order_lines": client.order_lines, "files": first["files"], "input_mb": round(client.input_mb, 1),
            "first": first, "cached": again, "speedup": first["seconds"] / again["seconds"],
            "memory_ratio_to_input": first["peak_extra_mb"] / client.input_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = ingest_vs_pyarrow(Path(tmp), args.lines)
    report(result, args.out, "ingest.json")


if __name__ == "__main__":
    main()
