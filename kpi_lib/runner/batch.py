"""The month-end batch: one stage for many clients, in parallel processes.

One client's failure (bad data, notebook error, timeout, dead kernel) never stops the
others; each unit is published whole or kept as ``<stage>.failed``. Units already published
are skipped unless ``force``, so a re-run after an interruption resumes.
"""
from __future__ import annotations

import concurrent.futures as cf
import os
import signal
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
        try:
            for i, a in enumerate(args):
                results[i] = run_unit(*a)
                if progress:
                    progress(results[i])
        except KeyboardInterrupt:
            _report_interrupt(args, results)
            raise
    else:
        pool = cf.ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
        try:
            futures = {pool.submit(_worker_unit, *a): i for i, a in enumerate(args)}
            for fut in cf.as_completed(futures):
                i = futures[fut]
                try:
                    results[i] = fut.result()
                except Exception as exc:  # a worker process died
                    results[i] = RunOutcome(Path(args[i][0]).stem, period, stage, "failed",
                                            error=f"worker died: {type(exc).__name__}: {exc}").as_dict()
                if progress:
                    progress(results[i])
        except BaseException as exc:
            # Interrupted (Ctrl-C, SIGTERM): start no further client and stop the running ones
            # now instead of waiting for them; each unwinds and removes its temporary folder,
            # so nothing is published after the interrupt.
            workers = list((getattr(pool, "_processes", None) or {}).values())
            _interrupt_workers(workers)
            pool.shutdown(wait=False, cancel_futures=True)
            _stop_workers(workers, grace=INTERRUPT_GRACE)
            if isinstance(exc, KeyboardInterrupt):
                _report_interrupt(args, results)
            raise
        pool.shutdown(wait=True)
    return [results[i] for i in range(len(args))]


def _report_interrupt(args: list[tuple], results: dict[int, dict]) -> None:
    """Say on stderr what an interrupted batch finished and what a re-run will do."""
    done = [f"{r['client_id']} ({r['status']})" for _, r in sorted(results.items())]
    left = [Path(a[0]).stem for i, a in enumerate(args) if i not in results]
    print(f"\n批量运行被中断 / batch interrupted: finished {', '.join(done) or 'none'}; "
          f"not published: {', '.join(left) or 'none'}. Run the same command again to complete them "
          "(published clients are skipped).", file=sys.stderr, flush=True)


# Seconds an interrupted batch waits for its workers to clean up before killing them.
INTERRUPT_GRACE = 30.0
# In a worker process: whether a unit is running and may be interrupted (once), and
# whether the batch was interrupted (then units already queued to it are not started).
_WORKER = {"interruptible": False, "stopped": False}


def _worker_init() -> None:
    """Ctrl-C / SIGTERM in a worker stop the unit it runs (which then removes its temporary
    folder); a second signal during that clean-up, or one while idle, is ignored, so the
    clean-up finishes and an idle worker exits normally when the pool shuts down."""
    signal.signal(signal.SIGINT, _on_interrupt)
    signal.signal(signal.SIGTERM, _on_interrupt)


def _on_interrupt(signum, frame) -> None:
    _WORKER["stopped"] = True
    if _WORKER["interruptible"]:
        _WORKER["interruptible"] = False
        raise KeyboardInterrupt


def _worker_unit(config: str, stage: str, period: str, *rest) -> dict:
    if _WORKER["stopped"]:
        # The pool hands each worker its next unit before the current one ends.
        return RunOutcome(Path(config).stem, period, stage, "failed",
                          error="not started: the batch was interrupted").as_dict()
    _WORKER["interruptible"] = True
    try:
        return run_unit(config, stage, period, *rest)
    finally:
        _WORKER["interruptible"] = False


def _interrupt_workers(workers: list) -> None:
    """Interrupt the unit each live worker is running (SIGINT, like Ctrl-C)."""
    for process in workers:
        if process.is_alive():
            try:
                os.kill(process.pid, signal.SIGINT)
            except (ProcessLookupError, PermissionError):
                pass


def _stop_workers(workers: list, grace: float) -> None:
    """Wait ``grace`` seconds for interrupted workers to clean up and exit, then kill the
    rest (their temporary folders are never published and the next run removes them)."""
    import time

    deadline = time.monotonic() + grace
    for process in workers:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in workers:
        if process.is_alive():
            process.kill()
            process.join(5)


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
