"""Run one stage notebook for one client and period with papermill, then export and publish.

Pitfalls handled here (see shared/reference/JUPYTER_TOOLING.md): the kernel is pinned to
``python3`` and the working directory set; parameters are checked against those the notebook
declares (an unknown one is an error, papermill only warns) and passed with the declared type
(a client id "007" stays a string); only the config *path* is injected, never a secret; the
decision "failed or not" comes from papermill's exception, not the notebook metadata.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from kpi_lib import __version__
from kpi_lib.errors import ConfigError, KpiError, StageError, did_you_mean
from kpi_lib.record import load_results
from kpi_lib.runner import publish as pub
from kpi_lib.runner.kernel import KERNEL_LOG_NAME, kernel_manager_logging_to
from kpi_lib.runner.stages import STAGE_NAMES, notebook_for

PERIOD_FORMAT = "YYYY-MM"
DEFAULT_TIMEOUT = 900


@dataclass
class RunOutcome:
    """What happened to one (client, period, stage) unit of work."""

    client_id: str
    period: str
    stage: str
    status: str                    # ok | skipped | failed
    folder: Path | None = None
    error: str | None = None
    seconds: float = 0.0
    outputs: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"client_id": self.client_id, "period": self.period, "stage": self.stage, "status": self.status,
                "folder": None if self.folder is None else str(self.folder), "error": self.error,
                "seconds": round(self.seconds, 2), "outputs": self.outputs}


def declared_parameters(notebook: Path) -> dict[str, dict]:
    """Parameters the notebook's ``parameters`` cell declares: name → {type, default}."""
    import papermill as pm

    return {name: {"type": p["inferred_type_name"], "default": p["default"]}
            for name, p in pm.inspect_notebook(str(notebook)).items()}


def typed_parameters(notebook: Path, given: dict[str, object]) -> dict[str, object]:
    """Check names against the notebook and convert each value to the declared type.

    Raises StageError for an unknown name (with the closest declared one).
    """
    declared = declared_parameters(notebook)
    out = {}
    for name, value in given.items():
        if name not in declared:
            guess = did_you_mean(name, declared)
            raise StageError(f"unknown parameter {name!r} for {notebook.name}", file=notebook,
                             expected="one of " + ", ".join(sorted(declared)),
                             fix=f"did you mean {guess!r}?" if guess else "remove it")
        out[name] = _convert(value, declared[name]["type"], name, notebook)
    return out


def _convert(value: object, type_name: str, name: str, notebook: Path) -> object:
    if not isinstance(value, str):
        return value
    try:
        if type_name == "int":
            return int(value)
        if type_name == "float":
            return float(value)
        if type_name == "bool":
            if value.lower() in {"true", "1", "yes"}:
                return True
            if value.lower() in {"false", "0", "no"}:
                return False
            raise ValueError(value)
    except ValueError:
        raise StageError(f"parameter {name!r} must be {type_name}", file=notebook, found=value) from None
    return value  # str, None-typed and unknown types stay strings: "007" stays "007"


def check_period(period: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(period or "")):
        raise StageError("the period must be a month", expected=PERIOD_FORMAT, found=period,
                         fix="pass --period 2026-10")
    return str(period)


def config_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_stage(config_path: Path, stage: str, period: str, *, outputs: Path | None = None,
              force: bool = False, extra: dict[str, object] | None = None, timeout: int = DEFAULT_TIMEOUT,
              export: bool = True) -> RunOutcome:
    """Execute, export and publish one stage. Never raises for a failing notebook: the
    outcome says ``failed`` with the cause, and the failed notebook is kept."""
    import papermill as pm

    from kpi_lib.config import load_config
    from kpi_lib.paths import outputs_root

    started = time.perf_counter()
    config_path = Path(config_path).resolve()
    config = load_config(config_path)
    period = check_period(period)
    notebook = notebook_for(stage)
    outputs = Path(outputs) if outputs else outputs_root(config)
    folder = pub.stage_dir(outputs, config.client_id, period, stage)
    outcome = RunOutcome(config.client_id, period, stage, "skipped", folder)
    if pub.is_published(folder) and not force:
        outcome.error = "already published (use --force to run again)"
        return outcome
    params = typed_parameters(notebook, {"client_config": str(config_path), "period": period,
                                         "output_dir": "", "language": config.report_language,
                                         **(extra or {})})
    with pub.run_lock(folder):
        if pub.is_published(folder) and not force:
            # Another run published it between the check above and taking the lock.
            outcome.error = "already published by another run (use --force to run again)"
            return outcome
        pub.clean_stale(folder)
        work = pub.new_work_dir(folder)
        params["output_dir"] = str(work)
        executed = work / notebook.name
        timings: dict[str, float] = {}
        try:
            t0 = time.perf_counter()
            try:
                pm.execute_notebook(str(notebook), str(executed), parameters=params, kernel_name="python3",
                                    cwd=str(notebook.parent), progress_bar=False, execution_timeout=timeout,
                                    start_timeout=120,
                                    kernel_manager_class=kernel_manager_logging_to(work / KERNEL_LOG_NAME))
            except pm.PapermillExecutionError as exc:
                raise StageError(f"the notebook failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}",
                                 client=config.client_id, file=executed,
                                 fix="open the failed notebook to see the error") from None
            except Exception as exc:  # timeout, dead kernel, missing kernel...
                raise StageError(f"the notebook did not finish: {type(exc).__name__}: {exc}",
                                 client=config.client_id, file=executed,
                                 fix="check the data volume or raise the timeout; a dead kernel usually means out of memory") from None
            timings.update(_cell_timings(executed, time.perf_counter() - t0))
            if export:
                t1 = time.perf_counter()
                try:
                    from kpi_lib.reports.export import export_notebook

                    title = f"{config.name or config.client_id} · {period} · {STAGE_NAMES[stage][config.report_language]}"
                    written = export_notebook(executed, work, language=config.report_language, title=title)
                except Exception as exc:
                    raise StageError(f"export failed: {type(exc).__name__}: {exc}", client=config.client_id,
                                     file=executed, fix="the notebook ran; re-run with --force after fixing the export") from None
                timings["export"] = time.perf_counter() - t1
                outcome.outputs = {k: v.name for k, v in written.items()}
            _write_manifest(work, config, config_path, stage, period, timings, status="ok")
            # The kernel's log only matters when something failed; a report folder stays clean.
            (work / KERNEL_LOG_NAME).unlink(missing_ok=True)
            pub.publish(work, folder)
            pub.discard_failed(folder)
            outcome.status = "ok"
        except KpiError as exc:
            _write_manifest(work, config, config_path, stage, period, timings, status="failed", error=str(exc))
            failed = pub.keep_failed(work, folder)
            outcome.status, outcome.error, outcome.folder = "failed", str(exc), failed
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM): nothing half-written is left in the published place.
            import shutil

            shutil.rmtree(work, ignore_errors=True)
            raise
    outcome.seconds = time.perf_counter() - started
    return outcome


def _cell_timings(executed: Path, wall: float) -> dict[str, float]:
    """Kernel start vs computation, from papermill's per-cell durations."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
        compute = sum((c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0) for c in nb["cells"])
    except (OSError, ValueError, KeyError):
        compute = wall
    return {"notebook_wall": wall, "computation": compute, "kernel_and_overhead": max(wall - compute, 0.0)}


def _write_manifest(work: Path, config, config_path: Path, stage: str, period: str, timings: dict,
                    status: str, error: str | None = None) -> None:
    results = load_results(work)
    manifest = {
        "client_id": config.client_id, "stage": stage, "period": period, "status": status, "error": error,
        "package_version": __version__, "config_file": config_path.name, "config_sha256": config_hash(config_path),
        "target_version": results.get("target_version"),
        "input_files": results.get("input_files", {}),
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    """``-p name=value`` pairs from the command line (values stay strings until typed)."""
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ConfigError(f"bad parameter {pair!r}", expected="name=value")
        name, value = pair.split("=", 1)
        out[name.strip()] = value
    return out
