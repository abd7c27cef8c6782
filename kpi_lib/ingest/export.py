"""Write canonical tables as UTF-8 CSV files (``orders.csv``, ``traffic.csv``, ...)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd


def export_tables(tables: dict[str, pd.DataFrame], directory: Path) -> list[Path]:
    """One CSV per table, money in local currency beside its ``*_base`` column.

    Files are written to a temporary folder first and moved in one by one with an atomic
    rename, so a reader never sees a half-written CSV.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export.", dir=directory))
    written = []
    try:
        for name, frame in sorted(tables.items()):
            target = tmp / f"{name}.csv"
            frame.to_csv(target, index=False, encoding="utf-8", date_format="%Y-%m-%dT%H:%M:%S%z")
            final = directory / f"{name}.csv"
            os.replace(target, final)
            written.append(final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return written
