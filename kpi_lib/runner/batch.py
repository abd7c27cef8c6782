"""The month-end batch: one stage for many clients, in parallel processes.

One client's failure (bad data, notebook error, timeout, dead kernel) never stops the
others; each unit is published whole or kept as ``<stage>.failed``. Units already published
are skipped unless ``force``, so a re-run after an interruption resumes.
"""
from __future__ import annotations

import concurrent.futures as cf
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kpi_lib.errors import KpiError
from kpi_lib.runner.run import RunOutcome, run_stage


def default_configs(folder: Path = Path("client_configs")) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.yaml") if not p.name.startswith("."))


def run_unit(config: str, stage: str, period: str, outputs: str | None, force: bool, timeout: int) -> dict:
    """One client's run in a worker process; every failure becomes a ``failed`` outcome."""
    try:
        outcome = run_stage(Path(config), stage, period, outputs=Path(outputs) if outputs else None,
                            force=force, timeout=timeout)
    except KpiError as exc:
        outcome = RunOutcome(Path(config).stem, period, stage, "failed", error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a batch reports, it does not crash
        outcome = RunOutcome(Path(config).stem, period, stage, "failed", error=f"{type(exc).__name__}: {exc}")
    return outcome.as_dict()


def run_batch(configs: Sequence[Path], *, stage: str, period: str, jobs: int = 1, outputs: Path | None = None,
              force: bool = False, timeout: int = 900, executor: str = "local", scheduler: str | None = None,
              progress: Callable[[dict], None] | None = None) -> list[dict]:
    """Run ``stage`` for every config; returns one outcome dict per config, in input order."""
    args = [(str(Path(c).resolve()), stage, period, None if outputs is None else str(outputs), force, timeout)
            for c in configs]
    results: dict[int, dict] = {}
    if executor == "dask":
        from distributed import Client, as_completed

        with Client(scheduler) as client:
            futures = {client.submit(run_unit, *a, pure=False): i for i, a in enumerate(args)}
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                if progress:
                    progress(results[futures[fut]])
    elif jobs <= 1:
        for i, a in enumerate(args):
            results[i] = run_unit(*a)
            if progress:
                progress(results[i])
    else:
        with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(run_unit, *a): i for i, a in enumerate(args)}
            for fut in cf.as_completed(futures):
                i = futures[fut]
                try:
                    results[i] = fut.result()
                except Exception as exc:  # a worker process died
                    results[i] = RunOutcome(Path(args[i][0]).stem, period, stage, "failed",
                                            error=f"worker died: {type(exc).__name__}: {exc}").as_dict()
                if progress:
                    progress(results[i])
    return [results[i] for i in range(len(args))]


def summary_table(outcomes: Sequence[dict]) -> str:
    """A plain-text table: client, stage, period, status, seconds, folder or error."""
    rows = [("client", "stage", "period", "status", "seconds", "where / why")]
    for o in outcomes:
        rows.append((o["client_id"], o["stage"], o["period"], o["status"], f"{o['seconds']:.1f}",
                     (o.get("error") or o.get("folder") or "").splitlines()[0][:160]))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for r in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(r[:-1], widths)) + "  " + str(r[-1]))
    return "\n".join(lines)


def print_progress_factory(total: int):
    """A minimal progress line on stderr (tqdm when available)."""
    try:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="client", file=sys.stderr)

        def tick(outcome: dict) -> None:
            bar.set_postfix_str(f"{outcome['client_id']}: {outcome['status']}")
            bar.update(1)
            if bar.n >= total:
                bar.close()
        return tick
    except ImportError:  # pragma: no cover
        return lambda outcome: print(f"{outcome['client_id']}: {outcome['status']}", file=sys.stderr)
