"""Notebook benchmark: one stage notebook run the way `kpi run` runs it (papermill, a fresh
kernel, then HTML/PDF export) vs the same notebook's code executed directly in a Python
process — the computation without kernel start, papermill and rich output.

Default: the demo client's monthly retro. Both runs read the same warm ingest cache (an
ingest runs first), so neither pays for reading raw files the other did not.
Overhead = notebook wall time − direct time. Goal (performance issue): ≤ 4 s per notebook.
Usage: python benchmarks/bench_notebook.py [--stage retro] [--period 2026-10] [--out DIR]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from common import PeakMemory, files_mb, in_child, report  # noqa: E402


# -- steps (each in its own process) ----------------------------------------------------------
def step_warm_cache(config: str) -> dict:
    from kpi_lib.config import load_config
    from kpi_lib.ingest.pipeline import ingest
    from kpi_lib.paths import ingest_cache_dir

    cfg = load_config(Path(config))
    result = ingest(cfg, cache_dir=ingest_cache_dir(cfg))
    paths = [cfg.resolved_data_dir() / r.info.path for r in result.files if r.info]
    tables_mb = sum(t.memory_usage(deep=True).sum() for t in result.tables.values()) / 2**20
    return {"errors": len(result.errors), "input_mb": files_mb(paths), "tables_mb": tables_mb}


def step_notebook(config: str, stage: str, period: str) -> dict:
    """`kpi run CONFIG --stage STAGE --period PERIOD --force`, timings from its manifest."""
    from kpi_lib.runner.run import run_stage

    outcome = run_stage(Path(config), stage, period, force=True)
    if outcome.status != "ok":
        raise RuntimeError(f"the {stage} notebook failed: {outcome.error}")
    manifest = json.loads((outcome.folder / "manifest.json").read_text(encoding="utf-8"))
    return {"seconds": outcome.seconds, "timings": manifest["timings_seconds"]}


def step_direct(config: str, stage: str, period: str, output_dir: str) -> dict:
    """The notebook's code cells executed in this process, parameters as papermill injects them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nbformat
    from IPython.display import display

    from kpi_lib.config import load_config
    from kpi_lib.runner.run import typed_parameters
    from kpi_lib.runner.stages import notebook_for

    notebook = notebook_for(stage)
    cfg = load_config(Path(config))
    params = typed_parameters(notebook, {"client_config": str(Path(config).resolve()), "period": period,
                                         "output_dir": output_dir, "language": cfg.report_language})
    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    os.chdir(notebook.parent)
    namespace: dict = {"__name__": "__main__", "display": display}
    with PeakMemory() as mem, contextlib.redirect_stdout(io.StringIO()):
        for cell in cells:
            exec(compile(cell.source, f"{notebook.name}:cell", "exec"), namespace)  # noqa: S102
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(params)
            plt.close("all")
    return {"seconds": mem.seconds, "peak_extra_mb": mem.extra_mb, "cells": len(cells)}


# -- the figure ----------------------------------------------------------------------------------
def notebook_vs_direct(config: Path, stage: str, period: str, workdir: Path) -> dict:
    os.environ.setdefault("KPI_OUTPUT_DIR", str(workdir / "outputs"))
    # Ingest problems are the notebook's to report (the tiny client has one): not a failure here.
    warm = in_child("bench_notebook", "step_warm_cache", config=str(config))
    run = in_child("bench_notebook", "step_notebook", config=str(config), stage=stage, period=period)
    direct_out = workdir / "direct"
    direct_out.mkdir(parents=True, exist_ok=True)
    direct = in_child("bench_notebook", "step_direct", config=str(config), stage=stage, period=period,
                      output_dir=str(direct_out))
    t = run["timings"]
    wall = t["notebook_wall"]
    return {"stage": stage, "period": period, "input_mb": round(warm["input_mb"], 2), "ingest_errors": warm["errors"],
            "tables_mb": warm["tables_mb"],
            "notebook_wall_seconds": wall, "kernel_and_papermill_seconds": t["kernel_and_overhead"],
            "cells_seconds": t["computation"], "export_seconds": t.get("export"),
            "direct_seconds": direct["seconds"], "overhead_seconds": wall - direct["seconds"],
            "direct_peak_extra_mb": direct["peak_extra_mb"],
            "memory_ratio_to_tables": direct["peak_extra_mb"] / max(warm["tables_mb"], 1e-6)}


def demo_client(workdir: Path) -> Path:
    from kpi_lib.demo import generate_demo

    return generate_demo(workdir).config_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", default="retro")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = notebook_vs_direct(demo_client(Path(tmp)), args.stage, args.period, Path(tmp))
    report(result, args.out, "notebook.json")


if __name__ == "__main__":
    main()
