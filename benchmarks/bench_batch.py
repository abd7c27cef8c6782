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


def run_batch(configs: list[Path], jobs: int, outputs: Path) -> dict:
    env = {**os.environ, "KPI_OUTPUT_DIR": str(outputs)}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "kpi_lib.cli", "batch", "--period", "2026-08", "--stage", "diagnosis",
                           "--jobs", str(jobs), *map(str, configs)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    manifests = [json.loads(p.read_text(encoding="utf-8")) for p in outputs.glob("*/2026-08/diagnosis/manifest.json")]
    split = {key: statistics.median(m["timings_seconds"].get(key, 0.0) for m in manifests) if manifests else None
             for key in ("kernel_and_overhead", "computation", "export", "notebook_wall")}
    return {"jobs": jobs, "wall_seconds": round(wall, 2), "exit_code": proc.returncode, "published": len(manifests),
            "median_split_seconds": {k: (round(v, 2) if v is not None else None) for k, v in split.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        configs = make_clients(root, args.clients)
        one = run_batch(configs, 1, root / "out1")
        two = run_batch(configs, 2, root / "out2")
    result = {"clients": args.clients, "stage": "diagnosis", "jobs_1": one, "jobs_2": two,
              "speedup_2_vs_1": round(one["wall_seconds"] / two["wall_seconds"], 2) if two["wall_seconds"] else None}
    result["goal_speedup_1_7"] = bool(result["speedup_2_vs_1"] and result["speedup_2_vs_1"] >= 1.7)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "batch.json").write_text(text, encoding="utf-8")
    return 0 if one["exit_code"] == 0 and two["exit_code"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
