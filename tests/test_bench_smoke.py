"""The scorecard benchmark runs at a tiny scale, and the suite's attribution and sums agree
with DuckDB's SQL on its synthetic client (the full-size run is `make bench`)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scorecard.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_scorecard", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scorecard"] = module
    spec.loader.exec_module(module)
    return module


def test_tiny_scale_agrees_with_duckdb(bench):
    pytest.importorskip("duckdb")
    result = bench.run(lines=20_000, skus=500, in_process=True)
    assert result["results_agree"], result["max_abs_difference"]
    assert result["suite"]["rows"] == result["duckdb"]["rows"] > 0
    assert result["suite"]["total"] == pytest.approx(result["duckdb"]["total"])
    assert {"time_ratio", "memory_ratio", "goals"} <= set(result)


def test_synthetic_client_shape(bench):
    tables = bench.make_client(lines=5_000, skus=200)
    assert len(tables["orders"]) == 5_000 and tables["orders"]["sku"].nunique() <= 200
    assert len(tables["people"]) == 60
    assert set(tables["people"]["role"]) == {"operations", "advertising", "customer_service"}
    # Handovers on 2026-06-16 are part of the ownership.
    assert (tables["ownership"]["from_date"] == bench.HANDOVER).any()


def test_the_whole_harness_runs_at_tiny_scale(tmp_path):
    """`make bench` at a few thousand lines: every step runs, every figure has its numbers,
    and results.json, results.md and the printed table agree."""
    import json
    import subprocess

    pytest.importorskip("duckdb")
    out = tmp_path / "bench"
    proc = subprocess.run([sys.executable, str(BENCH.parent / "run.py"), "--scale", "tiny", "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    figures = {f["step"]: f for f in results["figures"]}
    assert list(figures) == ["ingest", "scorecard", "reingest", "notebook", "batch", "panel"]
    table = (out / "results.md").read_text(encoding="utf-8")
    for step, f in figures.items():
        assert f["error"] is None, (step, f["details"].get("traceback"))
        assert f["met"] in (True, False) and f["result"] and f["peak_mb"] > 0, (step, f)
        assert f["title"] in table and f["title"] in proc.stdout
    details = {s: figures[s]["details"] for s in figures}
    assert details["ingest"]["suite"]["rows"] == details["ingest"]["reference"]["rows"] == 5_000
    assert details["reingest"]["cached"]["files_from_cache"] == details["reingest"]["files"] > 0
    assert details["batch"]["jobs_1"]["published"] == details["batch"]["jobs_2"]["published"] == 2
    assert details["notebook"]["direct_seconds"] > 0 and details["notebook"]["notebook_wall_seconds"] > 0
    assert "Goals missed:" in table
