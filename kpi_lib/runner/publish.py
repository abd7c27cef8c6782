"""Publishing a run's folder whole or not at all, under a lock.

A run writes into a temporary sibling folder; only a finished, successful run is renamed
to ``<client>/<period>/<stage>/``. A failed run is kept beside it as ``<stage>.failed/`` so
its notebook (with the error) can be opened. A lock file per client, period and stage keeps
two batches from writing the same folder; the second one refuses with a clear message.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from kpi_lib.errors import StageError


def stage_dir(outputs: Path, client_id: str, period: str, stage: str) -> Path:
    return Path(outputs) / client_id / period / stage


def is_published(folder: Path) -> bool:
    """A published folder always has its manifest with status ok (written last)."""
    manifest = folder / "manifest.json"
    if not manifest.exists():
        return False
    import json

    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("status") == "ok"
    except ValueError:
        return False


@contextmanager
def run_lock(folder: Path):
    """Hold ``.<stage>.lock`` beside the stage folder; refuse if another run holds it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock_path = folder.parent / f".{folder.name}.lock"
    handle = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise StageError(
                f"another run is already writing this stage ({holder})", file=folder,
                fix="wait for it to finish, then run again (published stages are skipped unless --force)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def new_work_dir(folder: Path) -> Path:
    """A fresh temporary folder beside the stage folder (same file system, so rename is atomic)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))


def publish(work: Path, folder: Path) -> None:
    """Rename the finished work folder into place, replacing an older publication whole."""
    old = None
    if folder.exists():
        old = folder.parent / f".{folder.name}.old-{os.getpid()}-{int(time.time())}"
        os.replace(folder, old)
    try:
        os.replace(work, folder)
    except BaseException:
        if old is not None and not folder.exists():
            os.replace(old, folder)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def keep_failed(work: Path, folder: Path) -> Path:
    """Move a failed run to ``<stage>.failed/`` (replacing an older failure)."""
    failed = folder.parent / f"{folder.name}.failed"
    if failed.exists():
        shutil.rmtree(failed, ignore_errors=True)
    os.replace(work, failed)
    return failed


def discard_failed(folder: Path) -> None:
    """After a successful publication, an older ``<stage>.failed/`` no longer says anything true."""
    shutil.rmtree(folder.parent / f"{folder.name}.failed", ignore_errors=True)


def clean_stale(folder: Path) -> None:
    """Remove temporary folders that an interrupted run left beside the stage folder."""
    if not folder.parent.exists():
        return
    for p in folder.parent.glob(f".{folder.name}.tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in folder.parent.glob(f".{folder.name}.old-*"):
        shutil.rmtree(p, ignore_errors=True)
