"""Tuning-panel benchmark: one control change for N staff (default 60, 5–6 metrics each)
recomputes targets, levels, hit probabilities, expected bonus cost and redraws the HTML
widgets. Goal (target-setting issue): under 200 ms per change.

Synthetic, deterministic inputs (no demo client needed). Prints one JSON object with
per-control timings in milliseconds (min / median / max over the repeats).
Usage: python benchmarks/bench_panel.py [--people 60] [--months 1] [--repeat 15] [--out DIR]
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from common import PeakMemory, report  # noqa: E402

from kpi_lib.config.loader import role_templates  # noqa: E402
from kpi_lib.config.models import Bonus, Scoring  # noqa: E402
from kpi_lib.targets.panel import TargetPanel  # noqa: E402

GOAL_MS = 200.0
# Typical monthly level and coefficient of variation per metric (synthetic).
LEVELS = {"gmv": (100_000, 0.15), "gross_margin": (0.30, 0.05), "unit_session_pct": (0.12, 0.10),
          "days_of_supply": (45, 0.20), "return_rate": (0.08, 0.20), "negative_review_rate": (0.03, 0.25),
          "acos": (0.30, 0.10), "tacos": (0.12, 0.10), "ctr": (0.005, 0.10), "ad_cvr": (0.10, 0.10)}


def make_inputs(n_people: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    roles = role_templates()
    people = pd.DataFrame({
        "person_id": [f"E{i:03d}" for i in range(n_people)],
        "name": [f"员工{i}" for i in range(n_people)],
        "role": ["operations" if i % 2 == 0 else "advertising" for i in range(n_people)],
        "level": ["senior" if i % 3 == 0 else "junior" for i in range(n_people)],
        "markets": ["JP" if i % 4 == 0 else "US" for i in range(n_people)],
        "start_date": [pd.Timestamp("2026-10-12") if i % 10 == 0 else pd.Timestamp("2024-03-01")
                       for i in range(n_people)]})
    rows = []
    for p in people.itertuples():
        weights = roles[p.role]["weights"]
        for metric in weights.get(p.markets, weights["default"]):
            level, cv = LEVELS[metric]
            base = level * rng.uniform(0.7, 1.3)
            for month in ("2026-08", "2026-09", "2026-10"):
                rows.append({"person_id": p.person_id, "market": p.markets, "metric_id": metric, "month": month,
                             "actual": base * (1 + cv * rng.standard_normal())})
    return people, pd.DataFrame(rows)


def panel_update(people: int = 60, months: int = 1, repeat: int = 15) -> dict:
    """Build the panel for ``people`` staff, then change each control ``repeat`` times."""
    staff, baseline = make_inputs(people)
    bonus = Bonus.model_validate({
        "target_bonus": {"junior": 3000, "senior": 6000},
        "multiplier": [{"rating": r, "multiplier": m} for r, m in
                       (("S", 1.3), ("A", 1.0), ("B", 0.8), ("C", 0.5), ("D", 0.0))],
        "budget_cap": 250_000})
    target_months = [str(pd.Period("2026-11", freq="M") + k) for k in range(months)]
    with tempfile.TemporaryDirectory() as store, PeakMemory() as mem:
        start = time.perf_counter()
        panel = TargetPanel(baseline, staff, role_templates(), Scoring(), bonus, months=target_months, store=store,
                            author="bench")
        build_ms = (time.perf_counter() - start) * 1000.0

        def timed(action) -> float:
            t0 = time.perf_counter()
            action()
            return (time.perf_counter() - t0) * 1000.0

        first_weight = next(iter(panel.weight_sliders))
        controls = {
            "growth": lambda i: setattr(panel.w_growth, "value", float(i % 20)),
            "threshold": lambda i: setattr(panel.w_threshold, "value", 0.7 + 0.01 * (i % 10)),
            "cap": lambda i: setattr(panel.w_cap, "value", 1.1 + 0.01 * (i % 10)),
            "tier": lambda i: setattr(panel.tier_sliders["senior"], "value", 1.0 + 0.01 * (i % 10)),
            "weight": lambda i: setattr(panel.weight_sliders[first_weight], "value", 30.0 + (i % 10)),
            "method": lambda i: setattr(panel.w_method, "value",
                                        "benchmark" if panel.w_method.value == "historical" else "historical"),
        }
        results = {}
        for name, action in controls.items():
            times = [timed(lambda: action(i + 1)) for i in range(repeat)]
            results[name] = {"min_ms": round(min(times), 2), "median_ms": round(statistics.median(times), 2),
                             "max_ms": round(max(times), 2)}
        targets_per_month = int(len(panel.targets) / len(target_months))
    all_medians = [r["median_ms"] for r in results.values()]
    return {
        "benchmark": "tuning panel: one control change → recompute + redraw",
        "people": people, "targets_per_month": targets_per_month, "months": len(target_months), "repeat": repeat,
        "build_ms": round(build_ms, 1), "controls": results,
        "median_of_medians_ms": round(statistics.median(all_medians), 2),
        "worst_median_ms": max(all_medians), "worst_ms": max(r["max_ms"] for r in results.values()),
        "goal_ms": GOAL_MS, "peak_extra_mb": mem.extra_mb,
        "input_mb": baseline.memory_usage(deep=True).sum() / 2**20,
        "python": platform.python_version(), "pandas": pd.__version__, "numpy": np.__version__,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=60)
    ap.add_argument("--months", type=int, default=1, help="target months the panel computes")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--out", type=Path, default=None, help="also write bench_panel.json into this folder")
    args = ap.parse_args()
    report(panel_update(args.people, args.months, args.repeat), args.out, "bench_panel.json")


if __name__ == "__main__":
    main()
