"""Faults during `kpi batch`: a kernel that dies mid-notebook, a cell timeout, a failing PDF
export, and the batch itself interrupted by Ctrl-C (SIGINT to its process group) and by
SIGTERM. After each: every published folder is whole (absent, or complete with manifest
status ok), the failure is reported with its cause, no process is left behind, and a
re-run completes the rest. (tests/test_runner.py proves the single-run cases in process.)

One module-scoped scenario runs the batches in order, sharing their ~4 s notebook runs:

A. clients a (ok), b (kernel dies), c (cell times out), d (PDF export fails) — jobs 2;
B. b, c, d all running long; Ctrl-C reaches the whole process group while b and c run;
C. the same, SIGTERM to the batch process only;
D. the same command without faults: a is skipped, b, c and d are published.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.badinput.harness import (PUBLISHED_FILES, assert_no_traceback, kpi, kpi_command, processes_with_env,
                                    stage_state, tree_hashes, write_test_notebooks, write_tiny_client)

pytestmark = pytest.mark.slow

PERIOD = "2026-10"
CLIENTS = ("a", "b", "c", "d")
INJECT = Path(__file__).resolve().parent / "badinput" / "inject"


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Scenario:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.out = root / "out"
        self.run_id = f"KPI_TEST_RUN={uuid.uuid4().hex}"
        self.configs = [write_tiny_client(root / "clients" / c, c) for c in CLIENTS]
        self.env = {"KPI_NOTEBOOKS_DIR": str(write_test_notebooks(root / "notebooks")),
                    "KPI_OUTPUT_DIR": str(self.out), "KPI_TEST_RUN": self.run_id.split("=", 1)[1]}
        self.runs: dict[str, dict] = {}

    def folder(self, client: str) -> Path:
        return self.out / client / PERIOD / "retro"

    def states(self) -> dict[str, str]:
        return {c: stage_state(self.folder(c)) for c in CLIENTS}

    def leftovers(self) -> list[Path]:
        return [p for c in CLIENTS for p in (self.out / c / PERIOD).glob(".retro.*") if not p.name.endswith(".lock")]

    def args(self, *extra: str) -> list[str]:
        return ["batch", "--period", PERIOD, "--jobs", "2", *extra, *map(str, self.configs)]

    def record(self, name: str, proc, seconds: float) -> None:
        # Kernels of a stopped run exit within a second of their parent (ipykernel's parent poller).
        wait_for(lambda: not processes_with_env(self.run_id), 15, "the batch's processes to exit")
        failed = {c: self.out / c / PERIOD / "retro.failed" for c in CLIENTS}
        self.runs[name] = {"proc": proc, "seconds": seconds, "states": self.states(), "leftovers": self.leftovers(),
                           "hashes": tree_hashes(self.out),
                           "failed": {c: {"manifest": manifest(f), "files": sorted(p.name for p in f.iterdir())}
                                      for c, f in failed.items() if f.exists()}}

    def run(self, name: str, env: dict[str, str], *extra: str) -> None:
        started = time.monotonic()
        proc = kpi(*self.args(*extra), env={**self.env, **env}, timeout=600)
        self.record(name, proc, time.monotonic() - started)

    def interrupt(self, name: str, env: dict[str, str], how: str) -> None:
        """Start the batch, wait until b and c are inside their long cell, then signal it."""
        proc = subprocess.Popen(kpi_command(*self.args()), env={**os.environ, **self.env, **env}, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)

        def inside_cell(client: str) -> bool:
            return any(f"started {client}" in p.read_text(encoding="utf-8", errors="ignore")
                       for p in (self.out / client / PERIOD).glob(".retro.tmp-*/05_monthly_retro.ipynb"))

        try:
            wait_for(lambda: inside_cell("b") and inside_cell("c"), 120, "b and c to be running")
            signalled = time.monotonic()
            if how == "ctrl-c":
                os.killpg(proc.pid, signal.SIGINT)       # what a terminal does on Ctrl-C
            else:
                proc.send_signal(signal.SIGTERM)         # `kill PID`
            stdout, stderr = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
        self.record(name, subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr),
                    time.monotonic() - signalled)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    s = Scenario(tmp_path_factory.mktemp("faults"))
    pythonpath = os.pathsep.join(filter(None, [str(INJECT), os.environ.get("PYTHONPATH")]))
    s.run("A", {"FAULT_b": "die", "FAULT_c": "sleep", "KPI_FAULT_PDF_CLIENT": "d", "PYTHONPATH": pythonpath},
          "--timeout", "4")
    long_runs = {"FAULT_b": "sleep", "FAULT_c": "sleep", "FAULT_d": "sleep"}
    s.interrupt("B", long_runs, "ctrl-c")
    s.interrupt("C", long_runs, "sigterm")
    s.run("D", {})
    return s


def summary_line(proc, client: str) -> str:
    (line,) = [ln for ln in proc.stdout.splitlines() if ln.startswith(f"{client} ")]
    return line


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_each_fault_fails_its_client_only_with_its_cause(scenario):
    run = scenario.runs["A"]
    proc = run["proc"]
    assert proc.returncode == 1
    assert_no_traceback(proc)
    assert " ok " in summary_line(proc, "a")
    causes = {"b": "DeadKernelError", "c": "CellTimeoutError", "d": "export failed: OSError"}
    for client, cause in causes.items():
        line = summary_line(proc, client)
        assert " failed " in line and cause in line, line
    assert run["states"] == {"a": "complete", "b": "absent", "c": "absent", "d": "absent"}
    assert not run["leftovers"], run["leftovers"]


def test_failed_runs_are_kept_beside_with_their_cause_and_never_published(scenario):
    failed = scenario.runs["A"]["failed"]
    assert set(failed) == {"b", "c", "d"}
    for client, cause in {"b": "Kernel died", "c": "timed out", "d": "No space left on device"}.items():
        kept = failed[client]["manifest"]
        assert kept["status"] == "failed" and cause in kept["error"], kept["error"]
        assert "05_monthly_retro.ipynb" in failed[client]["files"]
        # The kernel's own stderr went to a log kept with the failure, not to the terminal.
        assert "kernel.log" in failed[client]["files"]
    # The half-written PDF of the failed export went with the failed run, never to a published folder.
    assert "05_monthly_retro.pdf" not in failed["d"]["files"] and scenario.runs["A"]["states"]["d"] == "absent"


@pytest.mark.parametrize("name, signal_name", [("B", "Ctrl-C"), ("C", "SIGTERM")])
def test_an_interrupted_batch_stops_now_and_publishes_nothing_half(scenario, name, signal_name):
    before = scenario.runs["A" if name == "B" else "B"]
    run = scenario.runs[name]
    proc = run["proc"]
    assert proc.returncode == 130, (signal_name, proc.stderr[-2000:])
    assert run["seconds"] < 60, f"the batch kept running {run['seconds']:.0f} s after {signal_name}"
    assert_no_traceback(proc)
    assert "batch interrupted" in proc.stderr and "not published: b, c, d" in proc.stderr
    assert "Run the same command again" in proc.stderr
    # a was published before and is untouched; b, c, d were running or waiting: absent.
    assert run["states"] == {"a": "complete", "b": "absent", "c": "absent", "d": "absent"}
    assert not run["leftovers"], run["leftovers"]
    published_a = {k: v for k, v in run["hashes"].items() if k.startswith("a/")}
    assert published_a == {k: v for k, v in before["hashes"].items() if k.startswith("a/")}


def test_a_rerun_completes_the_rest(scenario):
    run = scenario.runs["D"]
    proc = run["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " skipped " in summary_line(proc, "a")
    assert all(" ok " in summary_line(proc, c) for c in ("b", "c", "d"))
    assert run["states"] == dict.fromkeys(CLIENTS, "complete")
    assert not run["leftovers"]
    for client in CLIENTS:
        published = {p.name for p in scenario.folder(client).iterdir()}
        assert published >= PUBLISHED_FILES and "kernel.log" not in published
        # A stale failure is not left beside a good publication.
        assert not (scenario.out / client / PERIOD / "retro.failed").exists()
