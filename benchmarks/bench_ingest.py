"""Ingest benchmark: a 1,000,000-line JP All Orders flat file (cp932) read by the suite's
adapter vs a plain ``pandas.read_csv(engine="pyarrow")`` of the same file, in the same run.

Each measurement runs in its own subprocess so peak memory (max RSS) is per step.
Usage: python benchmarks/bench_ingest.py [--lines N] [--out DIR]
Goal (ingestion issue): time within 2x of the pyarrow read, memory within 2x.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEADER = ("amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\t"
          "fulfillment-channel\tsales-channel\torder-channel\turl\tship-service-level\tproduct-name\tsku\t"
          "asin\titem-status\tquantity\tcurrency\titem-price\titem-tax\tshipping-price\tshipping-tax\t"
          "gift-wrap-price\tgift-wrap-tax\titem-promotion-discount\tship-promotion-discount\tship-city\t"
          "ship-state\tship-postal-code\tship-country\tpromotion-ids\tis-business-order\t"
          "purchase-order-number\tprice-designation")
NAMES = ["ステンレス包丁セット", "折りたたみアウトドアチェア", "ペット用自動給水器", "収納ボックス 3個組", "LEDランタン"]


def make_file(path: Path, lines: int, seed: int = 7) -> None:
    """A JP All Orders TSV in cp932 with ``lines`` order items (deterministic)."""
    rng = np.random.default_rng(seed)
    base = np.datetime64("2026-10-01T00:00:00")
    seconds = np.sort(rng.integers(0, 31 * 86400, size=lines))
    with open(path, "w", encoding="cp932", newline="\n") as fh:
        fh.write(HEADER + "\n")
        chunk = 100_000
        for start in range(0, lines, chunk):
            n = min(chunk, lines - start)
            idx = np.arange(start, start + n)
            stamps = (base + seconds[start:start + n].astype("timedelta64[s]")).astype(str)
            skus = rng.integers(0, 5000, size=n)
            qty = rng.integers(1, 4, size=n)
            price = rng.integers(800, 9800, size=n) * qty
            names = np.array(NAMES)[skus % len(NAMES)]
            rows = [
                f"503-{i:07d}-{i % 9973:07d}\t\t{t}+00:00\t{t}+00:00\tShipped\tAmazon\tAmazon.co.jp\t\t\t"
                f"Standard\t{nm}\tJP-SKU-{s:04d}\tB0{s:08d}\tShipped\t{q}\tJPY\t{p}\t0\t0\t0\t0\t0\t0\t0\t"
                f"東京都\t\t100-0001\tJP\t\tfalse\t\t\n"
                for i, t, s, q, p, nm in zip(idx, stamps, skus, qty, price, names)
            ]
            fh.write("".join(rows))


def _child(step: str, path: str) -> dict:
    import resource

    started = time.perf_counter()
    if step == "pyarrow":
        import pandas as pd

        frame = pd.read_csv(path, sep="\t", encoding="cp932", engine="pyarrow")
        rows = len(frame)
    else:
        import pandas as pd  # noqa: F401

        from kpi_lib.sources.base import SourceContext, get_adapter

        adapter = get_adapter("amazon_orders")
        ctx = SourceContext(type="amazon_orders", data_dir=Path(path).parent, market="JP", store="JP-Main",
                            platform="amazon", timezone="Asia/Tokyo", currency="JPY",
                            encodings=("cp932", "utf-8", "gb18030"))
        rows = len(adapter.read(Path(path), ctx).tables["orders"])
    seconds = time.perf_counter() - started
    return {"step": step, "rows": rows, "seconds": seconds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(step: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", step, str(path)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline_rss() -> float:
    out = subprocess.run([sys.executable, "-c", "import resource, pandas, pyarrow; "
                          "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def run(lines: int, workdir: Path) -> dict:
    path = workdir / "All-Orders-JP.txt"
    started = time.perf_counter()
    make_file(path, lines)
    generated = time.perf_counter() - started
    size_mb = path.stat().st_size / 2**20
    reference = measure("pyarrow", path)
    suite = measure("adapter", path)
    idle = baseline_rss()
    result = {
        "lines": lines, "file_mb": round(size_mb, 1), "generate_seconds": round(generated, 2),
        "pyarrow": reference, "adapter": suite, "interpreter_rss_mb": idle,
        "time_ratio": suite["seconds"] / reference["seconds"],
        # Memory above an idle interpreter with pandas loaded, so the ratio is about the data.
        "memory_ratio": (suite["peak_rss_mb"] - idle) / max(reference["peak_rss_mb"] - idle, 1.0),
    }
    result["goals"] = {"time_within_2x": result["time_ratio"] <= 2.0, "memory_within_2x": result["memory_ratio"] <= 2.0}
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2], sys.argv[3])))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args.lines, Path(tmp))
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "ingest.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
