"""Helpers for the reliability tests (bad inputs, faults, isolation, concurrency): run the
``kpi`` command as a user does, hash folders, and read every output file as text."""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A Python traceback, or the box rich/typer draw around one.
EMBEDDED_IMAGE = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\\n]+")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \".*\", line \d+|╭─+ Traceback", re.M)


def kpi_command(*args: object) -> list[str]:
    return [sys.executable, "-m", "kpi_lib.cli", *map(str, args)]


def kpi(*args: object, env: Mapping[str, str] | None = None, timeout: float = 300,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``kpi ARGS`` in a subprocess, as a consultant would (text output captured)."""
    return subprocess.run(kpi_command(*args), capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=cwd or ROOT)


def run_all(commands: Mapping[str, tuple[Sequence[object], Mapping[str, str]]], workers: int = 4
            ) -> dict[str, subprocess.CompletedProcess]:
    """Several ``kpi`` commands at once: ``{name: (args, env)}`` → ``{name: result}``."""
    with cf.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(kpi, *args, env=env) for name, (args, env) in commands.items()}
        return {name: f.result() for name, f in futures.items()}


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    text = proc.stdout + proc.stderr
    assert not TRACEBACK.search(text), f"a raw traceback reached the terminal:\n{text[-3000:]}"


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (symlinks recorded as their target, not followed)."""
    out = {}
    for path in sorted(Path(root).rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = "symlink->" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def parquet_text(path: Path) -> str:
    """Column names and every string cell of a parquet file (its bytes are compressed)."""
    import pandas as pd

    frame = pd.read_parquet(path)
    parts = [" ".join(map(str, frame.columns))]
    for column in frame.columns:
        col = frame[column]
        if col.dtype == object or str(col.dtype).startswith(("string", "str", "category")):
            parts.append("\n".join(col.dropna().astype(str)))
    return "\n".join(parts)


def file_text(path: Path) -> str:
    """Everything a person or a program could read out of one output file, as text:
    parquet cells, PDF text, the XML inside xlsx/zip, else the bytes decoded leniently."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix == ".parquet":
        return parquet_text(path)
    if suffix == ".pdf":
        return pdf_text(path)
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    for encoding in ("utf-8", "utf-16"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    # Embedded images (base64 PNG charts) hold no searchable text; dropping them keeps searches fast.
    return EMBEDDED_IMAGE.sub("data:image/...", text)


def output_texts(folder: Path) -> dict[str, str]:
    """``{relative path: text}`` for every file under ``folder`` (hidden ones and caches too)."""
    return {str(p.relative_to(folder)): file_text(p) for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def processes_with_env(marker: str) -> list[int]:
    """PIDs of live processes whose environment holds ``marker`` (e.g. ``RUN_ID=...``)."""
    found = []
    needle = marker.encode()
    for env in Path("/proc").glob("[0-9]*/environ"):
        try:
            if needle in env.read_bytes():
                pid = int(env.parent.name)
                if pid != os.getpid():
                    found.append(pid)
        except OSError:
            continue
    return found


# -- small stage notebooks for runner tests ---------------------------------------------------
NOTEBOOK_PARAMS = 'client_config = ""\nperiod = "2026-10"\noutput_dir = ""\nlanguage = ""'
NOTEBOOK_BODY = '''
import os, time
from pathlib import Path
from kpi_lib.config import load_config
from kpi_lib.record import save_results
cfg = load_config(client_config)
mode = os.environ.get("FAULT_" + cfg.client_id, "ok")
log = os.environ.get("KPI_TEST_RUN_LOG")
if log:
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"{cfg.client_id} {os.getpid()}\\n")
print("started", cfg.client_id)
'''
NOTEBOOK_FAULTS = '''
if mode == "die":
    os.kill(os.getpid(), 9)
if mode == "sleep":
    time.sleep(300)
if mode.startswith("pause:"):
    time.sleep(float(mode.split(":")[1]))
if mode == "fail":
    raise ValueError("planted failure for " + cfg.client_id)
save_results(output_dir, client=cfg.client_id, period=period)
print("done", cfg.client_id)
'''


def write_test_notebooks(folder: Path, stages: Sequence[str] = ("05_monthly_retro",)) -> Path:
    """Tiny stage notebooks whose behaviour each client's ``FAULT_<client_id>`` environment
    variable chooses: ``ok`` (default), ``die`` (the kernel is killed mid-notebook),
    ``sleep`` (300 s), ``pause:N`` (N seconds, then ok), ``fail`` (an exception in a cell).
    Each execution appends ``<client> <pid>`` to ``$KPI_TEST_RUN_LOG`` when that is set."""
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    book = nbformat.v4.new_notebook()
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    params = nbformat.v4.new_code_cell(NOTEBOOK_PARAMS)
    params.metadata["tags"] = ["parameters"]
    book.cells = [nbformat.v4.new_markdown_cell("# Test stage"), params,
                  nbformat.v4.new_code_cell(NOTEBOOK_BODY), nbformat.v4.new_code_cell(NOTEBOOK_FAULTS)]
    for stage in stages:
        nbformat.write(book, folder / f"{stage}.ipynb")
    return folder


def write_tiny_client(folder: Path, client_id: str) -> Path:
    """A client config with no sources (enough for the test notebooks)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    path = folder / f"{client_id}.yaml"
    path.write_text(f"client_id: {client_id}\nname: Test {client_id}\nreport_language: en\n"
                    "markets: [{id: US}]\ndata_dir: data\n", encoding="utf-8")
    return path


PUBLISHED_FILES = {"05_monthly_retro.ipynb", "05_monthly_retro.html", "05_monthly_retro.pdf", "manifest.json",
                   "results.json"}


def stage_state(folder: Path, files: set[str] = PUBLISHED_FILES) -> str:
    """``absent`` or ``complete`` (every file there, manifest status ok); anything else is
    a half-published folder and fails the caller's assertion."""
    import json

    if not folder.exists():
        return "absent"
    names = {p.name for p in folder.iterdir()}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8")) if "manifest.json" in names else {}
    temporary = [n for n in names if n.startswith(".") or n.endswith(".tmp")]
    if (files <= names and not temporary and manifest.get("status") == "ok"
            and all((folder / n).stat().st_size > 0 for n in files)):
        return "complete"
    return f"PARTIAL: {sorted(names)} status={manifest.get('status')}"
