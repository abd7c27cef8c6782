"""`make bench`: run every benchmark and write outputs/bench/. Never part of `make test`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "outputs" / "bench"


def main() -> int:
    code = 0
    for script in ["bench_ingest.py", "bench_scorecard.py", "bench_panel.py", "bench_batch.py"]:
        print(f"== {script}", flush=True)
        code |= subprocess.call([sys.executable, str(HERE / script), "--out", str(OUT)])
    return code


if __name__ == "__main__":
    sys.exit(main())
