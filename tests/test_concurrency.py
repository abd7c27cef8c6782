"""Two month-end batches for the same clients and period started at once: they do not
corrupt each other. For every client one batch publishes and the other skips it or refuses
with a clear message; every published folder is whole; each notebook ran once; a third run
finds everything published."""
from __future__ import annotations

import json
from collections import Counter
from contextlib import contextmanager

import pytest

from kpi_lib.runner import publish as pub
from kpi_lib.runner.run import run_stage
from tests.badinput.harness import (assert_no_traceback, kpi, run_all, stage_state, write_test_notebooks,
                                    write_tiny_client)

pytestmark = pytest.mark.slow

PERIOD = "2026-10"
CLIENTS = ("a", "b", "c")


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    root = tmp_path_factory.mktemp("concurrency")
    configs = [write_tiny_client(root / "clients" / c, c) for c in CLIENTS]
    log = root / "executions.log"
    env = {"KPI_NOTEBOOKS_DIR": str(write_test_notebooks(root / "notebooks")), "KPI_OUTPUT_DIR": str(root / "out"),
           "KPI_TEST_RUN_LOG": str(log), **{f"FAULT_{c}": "pause:2" for c in CLIENTS}}
    args = ["batch", "--period", PERIOD, "--jobs", "2", *configs]
    first = run_all({"one": (args, env), "two": (args, env)}, workers=2)
    executions = Counter(line.split()[0] for line in log.read_text(encoding="utf-8").splitlines())
    states = {c: stage_state(root / "out" / c / PERIOD / "retro") for c in CLIENTS}
    leftovers = sorted(p.name for c in CLIENTS for p in (root / "out" / c / PERIOD).iterdir()
                       if p.name not in {"retro", ".retro.lock"})
    third = kpi(*args, env=env)
    return {"root": root, "first": first, "executions": executions, "states": states, "leftovers": leftovers,
            "third": third, "log": log}


def outcomes(proc) -> dict[str, str]:
    """client → the status and message of its row in the summary table."""
    rows = {}
    for line in proc.stdout.splitlines():
        parts = line.split(None, 5)
        if parts and parts[0] in CLIENTS:
            rows[parts[0]] = " ".join(parts[3:])
    return rows


def test_each_client_ran_and_was_published_exactly_once(batches):
    assert batches["executions"] == dict.fromkeys(CLIENTS, 1)
    assert batches["states"] == dict.fromkeys(CLIENTS, "complete")
    assert not batches["leftovers"], batches["leftovers"]
    for client in CLIENTS:
        manifest = json.loads((batches["root"] / "out" / client / PERIOD / "retro" / "manifest.json")
                              .read_text(encoding="utf-8"))
        assert manifest["status"] == "ok" and manifest["client_id"] == client


def test_the_other_batch_skips_or_refuses_clearly(batches):
    one, two = batches["first"]["one"], batches["first"]["two"]
    for proc in (one, two):
        assert_no_traceback(proc)
        assert proc.returncode in (0, 1)
    rows_one, rows_two = outcomes(one), outcomes(two)
    for client in CLIENTS:
        pair = sorted([rows_one[client], rows_two[client]])
        ok = [r for r in pair if r.startswith("ok ")]
        assert len(ok) == 1, (client, pair)
        other = next(r for r in pair if not r.startswith("ok "))
        assert (other.startswith("skipped ") and "already published" in other) or (
            other.startswith("failed ") and "another run is already writing this stage (pid" in other), other
    # A batch that refused a client says so in its exit code.
    for proc, rows in ((one, rows_one), (two, rows_two)):
        assert proc.returncode == (1 if any(r.startswith("failed") for r in rows.values()) else 0)


def test_a_third_run_finds_everything_published(batches):
    third = batches["third"]
    assert third.returncode == 0, third.stdout + third.stderr
    assert all(r.startswith("skipped ") for r in outcomes(third).values())
    assert sum(1 for _ in batches["log"].read_text(encoding="utf-8").splitlines()) == len(CLIENTS)


def test_publication_between_the_check_and_the_lock_is_not_repeated(tmp_path, monkeypatch):
    """The race two batches can hit: the other run publishes after this one found the stage
    unpublished but before it took the lock. This run must then skip, not run it again."""
    monkeypatch.setenv("KPI_NOTEBOOKS_DIR", str(write_test_notebooks(tmp_path / "notebooks")))
    log = tmp_path / "executions.log"
    monkeypatch.setenv("KPI_TEST_RUN_LOG", str(log))
    config = write_tiny_client(tmp_path / "client", "a")
    out = tmp_path / "out"
    folder = pub.stage_dir(out, "a", PERIOD, "retro")
    real_lock = pub.run_lock

    @contextmanager
    def lock_after_the_other_run_published(target):
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({"status": "ok"}), encoding="utf-8")
        with real_lock(target):
            yield

    monkeypatch.setattr(pub, "run_lock", lock_after_the_other_run_published)
    outcome = run_stage(config, "retro", PERIOD, outputs=out, export=False)
    assert outcome.status == "skipped" and "already published by another run" in outcome.error
    assert not log.exists(), "the notebook must not run a second time"
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json"]
