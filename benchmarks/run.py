"""`make bench`: measure the suite against its references and goals in one run.

Every figure is a ratio to a reference measured in the same run on the same machine:

| figure                         | reference                               | goal        |
|--------------------------------|-----------------------------------------|-------------|
| ingest of a 1M-line JP file    | pandas.read_csv(engine="pyarrow")       | ≤ 2×        |
| monthly scorecard              | DuckDB SQL, same aggregations           | ≤ 2×        |
| re-ingest from cache           | the first ingest of the same client     | ≥ 5× faster |
| stage notebook (retro)         | the same code called directly           | ≤ 4 s extra |
| batch of 20 clients, --jobs 2  | the same batch with --jobs 1            | ≥ 1.7×      |
| tuning-panel control change    | (milliseconds)                          | < 200 ms    |
| peak memory of each step       | the size of its input data              | ≤ 3×        |

Writes ``results.json`` and ``results.md`` to --out (default outputs/bench/) and prints the
table. ``--scale tiny`` runs everything on a few thousand lines (the smoke test in
``make test``); the default scale is the issue's: 2M order lines a year, 5,000 SKUs, 60
staff, Amazon US + JP + Shopify. Exits 1 only when a step could not run; a missed goal is
reported in the table, not as a failure.

Usage: python benchmarks/run.py [--scale default|tiny] [--out DIR] [--only STEP ...]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import bench_batch  # noqa: E402
import bench_ingest  # noqa: E402
import bench_notebook  # noqa: E402
import synthetic_client  # noqa: E402
from common import in_child  # noqa: E402

MEMORY_GOAL = 3.0
# Below this input size the interpreter's and libraries' fixed memory dominates any ratio.
MEMORY_MIN_INPUT_MB = 10.0
SCALES = {
    "default": {"jp_lines": 1_000_000, "client": synthetic_client.Scale(), "scorecard_lines": 2_000_000,
                "scorecard_skus": 5_000, "batch_clients": 20, "panel_people": 60, "panel_repeat": 15,
                "notebook": "demo"},
    "tiny": {"jp_lines": 5_000, "client": synthetic_client.Scale.tiny(), "scorecard_lines": 20_000,
             "scorecard_skus": 500, "batch_clients": 2, "panel_people": 60, "panel_repeat": 3,
             "notebook": "tiny"},
}
STEPS = ("ingest", "scorecard", "reingest", "notebook", "batch", "panel")


@dataclass
class Figure:
    """One row of the results table."""

    step: str
    title: str
    suite: str = ""
    reference: str = ""
    result: str = ""
    goal: str = ""
    met: bool | None = None
    peak_mb: float | None = None
    input_mb: float | None = None
    memory_ratio: float | None = None
    memory_note: str = ""
    error: str | None = None
    details: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.memory_ratio is not None and (self.input_mb or 0.0) < MEMORY_MIN_INPUT_MB:
            self.memory_ratio = None
            self.memory_note = f"input under {MEMORY_MIN_INPUT_MB:.0f} MB: fixed costs dominate"

    @property
    def memory_met(self) -> bool | None:
        return None if self.memory_ratio is None else self.memory_ratio <= MEMORY_GOAL


# -- the steps ---------------------------------------------------------------------------------
def fig_ingest(scale: dict, work: Path) -> Figure:
    r = bench_ingest.ingest_vs_pyarrow(work, scale["jp_lines"])
    return Figure("ingest", f"Ingest {r['lines']:,}-line JP All Orders (cp932, {r['input_mb']:.0f} MB)",
                  suite=f"{r['suite']['seconds']:.2f} s", reference=f"pyarrow read {r['reference']['seconds']:.2f} s",
                  result=f"{r['time_ratio']:.2f}×", goal="≤ 2×", met=r["time_ratio"] <= 2.0,
                  peak_mb=r["suite"]["peak_extra_mb"], input_mb=r["input_mb"],
                  memory_ratio=r["memory_ratio_to_input"], memory_note="vs file size", details=r)


def fig_scorecard(scale: dict, work: Path) -> Figure:
    import bench_scorecard

    r = bench_scorecard.run(scale["scorecard_lines"], scale["scorecard_skus"])
    if not r["results_agree"]:
        raise RuntimeError(f"the suite and DuckDB disagree (max difference {r['max_abs_difference']})")
    for side in ("suite", "duckdb"):
        r[side].pop("result", None)
    return Figure("scorecard", f"Monthly scorecard sums, {r['lines']:,} lines, {r['staff']} staff",
                  suite=f"{r['suite']['seconds']:.2f} s", reference=f"DuckDB {r['duckdb']['seconds']:.2f} s",
                  result=f"{r['time_ratio']:.2f}×", goal="≤ 2×", met=r["time_ratio"] <= 2.0,
                  peak_mb=r["suite"]["peak_extra_mb"], input_mb=r["input_mb"],
                  memory_ratio=r["memory_ratio_to_input"], memory_note="vs tables in memory", details=r)


def fig_reingest(scale: dict, work: Path) -> Figure:
    client = synthetic_client.generate(work / "client", scale["client"])
    r = bench_ingest.cached_reingest(client, work / "client")
    return Figure("reingest", f"Re-ingest from cache, {r['order_lines']:,} order lines in {r['files']} files",
                  suite=f"cached {r['cached']['seconds']:.2f} s", reference=f"first {r['first']['seconds']:.2f} s",
                  result=f"{r['speedup']:.1f}× faster", goal="≥ 5× faster", met=r["speedup"] >= 5.0,
                  peak_mb=r["first"]["peak_extra_mb"], input_mb=r["input_mb"],
                  memory_ratio=r["memory_ratio_to_input"], memory_note="first ingest vs file size", details=r)


def fig_notebook(scale: dict, work: Path) -> Figure:
    if scale["notebook"] == "demo":
        config, stage, period = bench_notebook.demo_client(work), "retro", "2026-10"
    else:
        config, stage, period = bench_batch.make_clients(work, 1)[0], "diagnosis", "2026-08"
    r = bench_notebook.notebook_vs_direct(config, stage, period, work)
    return Figure("notebook", f"{stage} notebook run vs its code called directly",
                  suite=(f"{r['notebook_wall_seconds']:.1f} s (kernel+papermill {r['kernel_and_papermill_seconds']:.1f}, "
                         f"cells {r['cells_seconds']:.1f}; export {r['export_seconds'] or 0:.1f} s more)"),
                  reference=f"direct {r['direct_seconds']:.1f} s", result=f"+{r['overhead_seconds']:.1f} s",
                  goal="≤ 4 s", met=r["overhead_seconds"] <= 4.0, peak_mb=r["direct_peak_extra_mb"],
                  input_mb=r["tables_mb"], memory_ratio=r["memory_ratio_to_tables"],
                  memory_note="computation vs ingested tables in memory", details=r)


def fig_batch(scale: dict, work: Path) -> Figure:
    r = bench_batch.batch_speedup(work, scale["batch_clients"])
    return Figure("batch", f"Batch of {r['clients']} clients ({r['stage']}), {r['cpus']} CPUs",
                  suite=f"--jobs 2: {r['jobs_2']['wall_seconds']:.1f} s",
                  reference=f"--jobs 1: {r['jobs_1']['wall_seconds']:.1f} s", result=f"{r['speedup']:.2f}×",
                  goal="≥ 1.7×", met=r["speedup"] >= 1.7,
                  peak_mb=max(r["jobs_1"]["largest_process_mb"], r["jobs_2"]["largest_process_mb"]),
                  input_mb=r["input_mb_per_client"],
                  memory_note="largest process; input is KB, the interpreter dominates", details=r)


def fig_panel(scale: dict, work: Path) -> Figure:
    r = in_child("bench_panel", "panel_update", people=scale["panel_people"], repeat=scale["panel_repeat"])
    return Figure("panel", f"Tuning-panel control change, {r['people']} staff",
                  suite=f"median {r['median_of_medians_ms']:.0f} ms (worst control {r['worst_median_ms']:.0f} ms)",
                  reference="—", result=f"{r['worst_median_ms']:.0f} ms", goal="< 200 ms",
                  met=r["worst_median_ms"] < 200.0, peak_mb=r["peak_extra_mb"], input_mb=r["input_mb"],
                  memory_note="input is KB; widgets dominate", details=r)


FIGURES = {"ingest": fig_ingest, "scorecard": fig_scorecard, "reingest": fig_reingest,
           "notebook": fig_notebook, "batch": fig_batch, "panel": fig_panel}


# -- the report ----------------------------------------------------------------------------------
def _yes_no(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "**no**")


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [f"# Benchmarks ({results['scale']} scale, {results['finished']})", "",
             f"{m['cpus']} CPUs, Python {m['python']}, pandas {m['pandas']}, pyarrow {m['pyarrow']}, "
             f"DuckDB {m['duckdb']}; {results['seconds']:.0f} s in all.", "",
             "| Figure | Suite | Reference | Result | Goal | Met | Peak memory | Input | Memory ÷ input (≤ 3×) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for f in results["figures"]:
        if f["error"]:
            lines.append(f"| {f['title']} | failed: {f['error'].splitlines()[0][:120]} | | | | **no** | | | |")
            continue
        ratio = (f"{f['memory_ratio']:.1f}× {_yes_no(f['memory_ratio'] <= MEMORY_GOAL)}"
                 if f["memory_ratio"] is not None else "n/a")
        note = f" ({f['memory_note']})" if f["memory_note"] else ""
        lines.append(f"| {f['title']} | {f['suite']} | {f['reference']} | {f['result']} | {f['goal']} | "
                     f"{_yes_no(f['met'])} | {f['peak_mb']:.0f} MB | {_input(f['input_mb'])} | {ratio}{note} |")
    missed = [f["step"] for f in results["figures"] if f["met"] is False or f["error"]]
    missed += [f"{f['step']} memory" for f in results["figures"]
               if f["memory_ratio"] is not None and f["memory_ratio"] > MEMORY_GOAL]
    lines += ["", "Goals missed: " + (", ".join(missed) if missed else "none"), ""]
    return "\n".join(lines)


def _input(mb: float | None) -> str:
    if mb is None:
        return "—"
    return f"{mb * 1024:.0f} KB" if mb < 1 else f"{mb:.0f} MB"


def machine() -> dict:
    import duckdb
    import pandas
    import pyarrow

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "pandas": pandas.__version__,
            "pyarrow": pyarrow.__version__, "duckdb": duckdb.__version__, "platform": platform.platform()}


def run(scale_name: str, out: Path, only: list[str] | None = None) -> dict:
    scale = SCALES[scale_name]
    started = time.perf_counter()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        for step in only or STEPS:
            work = Path(tmp) / step
            work.mkdir()
            print(f"== {step}", flush=True)
            try:
                figure = FIGURES[step](scale, work)
            except Exception as exc:  # one step's failure is reported; the others still run
                figure = Figure(step, step, error=f"{type(exc).__name__}: {exc}",
                                details={"traceback": traceback.format_exc()})
            figures.append(figure)
            shutil.rmtree(work, ignore_errors=True)
    results = {"scale": scale_name, "finished": dt.datetime.now().isoformat(timespec="seconds"),
               "seconds": time.perf_counter() - started, "machine": machine(),
               "memory_goal_ratio": MEMORY_GOAL,
               "figures": [asdict(f) | {"memory_met": f.memory_met} for f in figures]}
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str),
                                      encoding="utf-8")
    (out / "results.md").write_text(markdown(results), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="default")
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "bench")
    parser.add_argument("--only", nargs="+", choices=STEPS, default=None, help="run only these steps")
    args = parser.parse_args(argv)
    results = run(args.scale, args.out, args.only)
    print(markdown(results))
    print(f"written: {args.out / 'results.json'}, {args.out / 'results.md'}")
    return 1 if any(f["error"] for f in results["figures"]) else 0


if __name__ == "__main__":
    sys.exit(main())
