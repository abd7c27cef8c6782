"""Write canonical tables as UTF-8 CSV files (``orders.csv``, ``traffic.csv``, ...)."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from kpi_lib.errors import KpiError

# Lists the CSVs the last export wrote, so a later export may replace exactly those.
MARKER = ".kpi-export.json"


def export_tables(tables: dict[str, pd.DataFrame], directory: Path) -> list[Path]:
    """One CSV per table, money in local currency beside its ``*_base`` column.

    Every CSV is written to a temporary folder first and moved in only when all of them
    are complete (each by an atomic rename), so a failed export leaves the folder as it
    was: never a half-written CSV. A CSV in the folder that no export wrote (a raw export
    named ``orders.csv``, say) is never overwritten: the export is refused. CSVs an
    earlier export wrote for tables this one does not have are removed, so the folder
    always holds one export. Raises KpiError (never OSError) when the folder cannot be
    written.
    """
    directory = Path(directory)
    names = sorted(f"{name}.csv" for name in tables)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        previous = _previous_export(directory)
        foreign = [n for n in names if (directory / n).exists() and n not in previous]
        if foreign:
            raise KpiError(
                "the export folder holds CSV files that no export wrote; they are left untouched",
                file=directory, found=", ".join(foreign), expected="an empty folder or an earlier export's folder",
                fix="choose another --export folder (never the client's raw data folder)")
        tmp = Path(tempfile.mkdtemp(prefix=".export.", dir=directory))
        try:
            for name, frame in sorted(tables.items()):
                frame.to_csv(tmp / f"{name}.csv", index=False, encoding="utf-8", date_format="%Y-%m-%dT%H:%M:%S%z")
            _write_marker(directory, sorted(previous | set(names)))
            written = []
            for name in names:
                os.replace(tmp / name, directory / name)
                written.append(directory / name)
            for stale in sorted(previous - set(names)):
                (directory / stale).unlink(missing_ok=True)
            _write_marker(directory, names)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        raise KpiError(f"cannot write the export ({exc.strerror or exc})", file=exc.filename or directory,
                       fix="choose an --export folder you can write to, on a disk with free space") from None
    return written


def _previous_export(directory: Path) -> set[str]:
    try:
        listed = json.loads((directory / MARKER).read_text(encoding="utf-8")).get("tables", [])
    except (OSError, ValueError, AttributeError):
        return set()
    return {str(n) for n in listed if str(n).endswith(".csv") and "/" not in str(n)}


def _write_marker(directory: Path, names: list[str]) -> None:
    tmp = directory / f"{MARKER}.tmp"
    tmp.write_text(json.dumps({"tables": names}, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, directory / MARKER)
