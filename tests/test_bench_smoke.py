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
