"""`kpi run` / `kpi batch`: parameters, failures, timeouts, dead kernels, locks, resume."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from kpi_lib.errors import StageError
from kpi_lib.runner import publish as pub
from kpi_lib.runner.batch import run_batch
from kpi_lib.runner.run import run_stage
from tests.conftest import write_config

pytestmark = pytest.mark.slow

PARAMS = 'client_config = ""\nperiod = "2026-10"\noutput_dir = ""\nlanguage = ""\nclient_code = "x"\nmode = "ok"'
BODY = '''
import json, os, time
from pathlib import Path
from kpi_lib.record import save_results
from kpi_lib.config import load_config
cfg = load_config(client_config)
if mode == "fail":
    raise ValueError("planted failure for " + cfg.client_id)
if mode == "sleep":
    time.sleep(60)
if mode == "die":
    os.kill(os.getpid(), 9)
if cfg.name == "broken":
    raise RuntimeError("broken source: data/orders.csv, row 7: amount 'abc' is not a number")
save_results(output_dir, client_code=client_code, client_code_type=type(client_code).__name__, client=cfg.client_id)
print("done", cfg.client_id)
'''


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    book = nbformat.v4.new_notebook()
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    params = nbformat.v4.new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    book.cells = [params, nbformat.v4.new_code_cell(BODY)]
    nbformat.write(book, folder / "05_monthly_retro.ipynb")
    monkeypatch.setenv("KPI_NOTEBOOKS_DIR", str(folder))
    return folder


def _client(tmp_path: Path, client_id: str, name: str = "ok") -> Path:
    return write_config(tmp_path / "clients" / client_id, f"client_id: '{client_id}'\nname: {name}\n"
                        "markets: [{id: US}]\ndata_dir: data\n", name=f"{client_id}.yaml")


def test_run_publishes_whole_folder_and_keeps_string_parameters(tmp_path, notebooks):
    out = tmp_path / "out"
    outcome = run_stage(_client(tmp_path, "007"), "retro", "2026-10", outputs=out, export=False,
                        extra={"client_code": "007"})
    assert outcome.status == "ok", outcome.error
    folder = out / "007" / "2026-10" / "retro"
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["client_code"] == "007" and results["client_code_type"] == "str"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and len(manifest["config_sha256"]) == 64
    assert set(manifest["timings_seconds"]) >= {"notebook_wall", "computation", "kernel_and_overhead"}
    assert not list(folder.parent.glob(".retro.tmp-*"))
    # A second run without --force skips; with force it runs again.
    again = run_stage(_client(tmp_path, "007"), "retro", "2026-10", outputs=out, export=False)
    assert again.status == "skipped"


def test_unknown_parameter_is_an_error(tmp_path, notebooks):
    with pytest.raises(StageError) as info:
        run_stage(_client(tmp_path, "a"), "retro", "2026-10", outputs=tmp_path / "out", export=False,
                  extra={"clientcode": "007"})
    assert "unknown parameter 'clientcode'" in str(info.value) and "client_code" in info.value.fix


@pytest.mark.parametrize("mode, needle", [("fail", "planted failure"), ("sleep", "did not finish"),
                                          ("die", "did not finish")])
def test_failures_keep_the_failed_notebook_and_publish_nothing(tmp_path, notebooks, mode, needle):
    out = tmp_path / "out"
    outcome = run_stage(_client(tmp_path, "a"), "retro", "2026-10", outputs=out, export=False,
                        extra={"mode": mode}, timeout=4)
    assert outcome.status == "failed" and needle in outcome.error
    assert not (out / "a" / "2026-10" / "retro").exists()
    failed = out / "a" / "2026-10" / "retro.failed"
    assert (failed / "05_monthly_retro.ipynb").exists()
    if mode == "fail":
        text = (failed / "05_monthly_retro.ipynb").read_text(encoding="utf-8")
        assert "planted failure" in text  # the error is visible in the kept notebook


def test_second_writer_refuses_while_the_lock_is_held(tmp_path, notebooks):
    out = tmp_path / "out"
    with pub.run_lock(out / "a" / "2026-10" / "retro"):
        outcome_error = None
        try:
            run_stage(_client(tmp_path, "a"), "retro", "2026-10", outputs=out, export=False)
        except StageError as exc:
            outcome_error = str(exc)
    assert outcome_error and "already writing" in outcome_error


def test_batch_publishes_the_good_clients_and_reports_the_broken_one(tmp_path, notebooks):
    out = tmp_path / "out"
    configs = [_client(tmp_path, "a"), _client(tmp_path, "b", name="broken"), _client(tmp_path, "c")]
    outcomes = run_batch(configs, stage="retro", period="2026-10", jobs=2, outputs=out)
    status = {o["client_id"]: o["status"] for o in outcomes}
    assert status == {"a": "ok", "b": "failed", "c": "ok"}
    broken = next(o for o in outcomes if o["client_id"] == "b")
    assert "data/orders.csv" in broken["error"] and "row 7" in broken["error"]
    assert (out / "a" / "2026-10" / "retro" / "manifest.json").exists()
    assert not (out / "b" / "2026-10" / "retro").exists()
    # Re-run without force: published clients are skipped, the broken one is tried again.
    again = {o["client_id"]: o["status"] for o in run_batch(configs, stage="retro", period="2026-10", outputs=out)}
    assert again == {"a": "skipped", "b": "failed", "c": "skipped"}


def test_cli_batch_exit_code_and_summary(tmp_path, notebooks):
    configs = [_client(tmp_path, "a"), _client(tmp_path, "b", name="broken")]
    env = {**os.environ, "KPI_OUTPUT_DIR": str(tmp_path / "out")}
    proc = subprocess.run([sys.executable, "-m", "kpi_lib.cli", "batch", "--period", "2026-10",
                           *map(str, configs)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1
    assert "failed" in proc.stdout and "ok" in proc.stdout and "Traceback" not in proc.stderr


def test_interrupted_run_leaves_no_published_folder(tmp_path, notebooks):
    config = _client(tmp_path, "a")
    env = {**os.environ, "KPI_OUTPUT_DIR": str(tmp_path / "out")}
    proc = subprocess.Popen([sys.executable, "-m", "kpi_lib.cli", "run", str(config), "--stage", "retro",
                             "--period", "2026-10", "-p", "mode=sleep"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    period_dir = tmp_path / "out" / "a" / "2026-10"
    deadline = time.time() + 60
    while time.time() < deadline and not list(period_dir.glob(".retro.tmp-*/05_monthly_retro.ipynb")):
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert not (period_dir / "retro").exists()
    assert not list(period_dir.glob(".retro.tmp-*")), "the interrupted run cleaned its temporary folder"
    # A re-run completes.
    outcome = run_stage(config, "retro", "2026-10", outputs=tmp_path / "out", export=False)
    assert outcome.status == "ok"


def test_dask_executor_gives_the_same_results_as_the_local_one(tmp_path, notebooks):
    from distributed import LocalCluster

    configs = [_client(tmp_path, "a"), _client(tmp_path, "b", name="broken")]
    local = run_batch(configs, stage="retro", period="2026-10", outputs=tmp_path / "local")
    # Worker processes, one thread each: nbclient runs its own event loop per execution.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run_batch(configs, stage="retro", period="2026-10", outputs=tmp_path / "dask",
                           executor="dask", scheduler=cluster.scheduler_address)
    assert [(o["client_id"], o["status"]) for o in remote] == [(o["client_id"], o["status"]) for o in local]
    for client in ("a",):
        local_results = json.loads((tmp_path / "local" / client / "2026-10" / "retro" / "results.json").read_text())
        dask_results = json.loads((tmp_path / "dask" / client / "2026-10" / "retro" / "results.json").read_text())
        assert local_results == dask_results
