"""Batch benchmark: `kpi batch` over N small clients with --jobs 1 and --jobs 2, and the
per-notebook split between kernel start (and papermill overhead), computation and export,
read from each run's manifest.json.

Each client is a copy of a small client made from the repository's real-format fixtures
(a US Business Report, a US All Orders file, roster and ownership sheets), run through the
diagnosis stage. Usage: python benchmarks/bench_batch.py [--clients 20] [--out DIR]
Goal (performance issue): 2 jobs at least 1.7× faster than 1 on a 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from common import files_mb, in_child, report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
CONFIG = """client_id: "{client}"
name: 基准客户 {client}
markets: [{{id: US, stores: [{{id: US-Main, platform: amazon}}]}}]
fx_rates: {{USD: {{2026-07: 7.1, 2026-08: 7.1}}}}
data_dir: ../data/{client}
sources:
  - {{type: amazon_business_report, market: US, store: US-Main, path: "raw/*/BusinessReport-*.csv"}}
  - {{type: amazon_orders, market: US, store: US-Main, path: "raw/orders/*.txt"}}
  - {{type: people, path: "hr/花名册.xlsx"}}
  - {{type: ownership, path: "hr/负责范围.xlsx"}}
"""


def make_clients(root: Path, count: int) -> list[Path]:
    configs = []
    (root / "client_configs").mkdir(parents=True)
    for i in range(count):
        client = f"bench{i:02d}"
        data = root / "data" / client
        (data / "raw" / "2026-08").mkdir(parents=True)
        (data / "raw" / "orders").mkdir(parents=True)
        (data / "hr").mkdir(parents=True)
        shutil.copy(FIX / "amazon" / "2026-08" / "BusinessReport-03-09-26.csv", data / "raw" / "2026-08")
        shutil.copy(FIX / "amazon" / "orders_all_us.txt", data / "raw" / "orders")
        shutil.copy(FIX / "templates" / "花名册.xlsx", data / "hr")
        shutil.copy(FIX / "templates" / "负责范围.xlsx", data / "hr")
        path = root / "client_configs" / f"{client}.yaml"
        path.write_text(CONFIG.format(client=client), encoding="utf-8")
        configs.append(path)
    return configs


def step_batch(configs: list[str], jobs: int, outputs: str) -> dict:
    """`kpi batch --jobs N` over the clients (run in its own process, so the largest process
    of the batch tree — a worker or a kernel — is this process's largest child)."""
    import resource

    env = {**os.environ, "KPI_OUTPUT_DIR": outputs}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "kpi_lib.cli", "batch", "--period", "2026-08", "--stage", "diagnosis",
                           "--jobs", str(jobs), *configs], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"kpi batch --jobs {jobs} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    manifests = [json.loads(p.read_text(encoding="utf-8"))
                 for p in Path(outputs).glob("*/2026-08/diagnosis/manifest.json")]
    split = {key: statistics.median(m["timings_seconds"].get(key, 0.0) for m in manifests) if manifests else None
             for key in ("kernel_and_overhead", "computation", "export", "notebook_wall")}
    return {"jobs": jobs, "wall_seconds": wall, "published": len(manifests),
            "largest_process_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "median_split_seconds": split}


def batch_speedup(workdir: Path, clients: int = 20) -> dict:
    """The same batch with --jobs 1 and --jobs 2, each in its own output folder."""
    configs = [str(c) for c in make_clients(workdir, clients)]
    one = in_child("bench_batch", "step_batch", configs=configs, jobs=1, outputs=str(workdir / "out1"))
    two = in_child("bench_batch", "step_batch", configs=configs, jobs=2, outputs=str(workdir / "out2"))
    per_client = files_mb(p for p in (workdir / "data" / "bench00").rglob("*") if p.is_file())
    return {"clients": clients, "stage": "diagnosis", "jobs_1": one, "jobs_2": two,
            "speedup": one["wall_seconds"] / two["wall_seconds"], "input_mb_per_client": per_client,
            "cpus": os.cpu_count()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = batch_speedup(Path(tmp), args.clients)
    report(result, args.out, "batch.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
