"""Shared fixtures. Tests never write into the repository's outputs/ or the user's home."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _hermetic_env(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.getbasetemp()
    for var, sub in [("KPI_OUTPUT_DIR", "outputs"), ("MPLCONFIGDIR", "mpl"), ("IPYTHONDIR", "ipython"),
                     ("JUPYTER_CONFIG_DIR", "jupyter-config"), ("JUPYTER_DATA_DIR", "jupyter-data"),
                     ("JUPYTER_RUNTIME_DIR", "jupyter-runtime")]:
        if var == "KPI_OUTPUT_DIR" or var not in os.environ:
            monkeypatch.setenv(var, str(base / sub))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def write_config(folder: Path, text: str, name: str = "client.yaml") -> Path:
    """A config file in ``folder`` (with a data/ folder beside it)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def copy_fixture(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst
