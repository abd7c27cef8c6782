"""The five stage notebooks run clean against the demo client (`pytest --nbval-lax`), as a
consultant opens them in JupyterLab with their default parameters."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))
pytestmark = pytest.mark.slow


def test_five_stage_notebooks_are_committed_without_outputs_and_declare_parameters():
    assert [p.name for p in NOTEBOOKS] == ["01_diagnosis.ipynb", "02_baseline.ipynb", "03_target_setting.ipynb",
                                           "04_pilot_evaluation.ipynb", "05_monthly_retro.ipynb"]
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        assert book.metadata["kernelspec"]["name"] == "python3"
        code = [c for c in book.cells if c.cell_type == "code"]
        assert not any(c.get("outputs") for c in code), f"{path.name} has outputs"
        tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        for name in ("client_config", "period", "output_dir", "language"):
            assert f"{name} = " in tagged[0].source, (path.name, name)


def test_notebooks_run_clean_with_nbval_lax(tmp_path):
    from kpi_lib.demo import generate_demo

    generate_demo(ROOT)  # the defaults point at client_configs/demo.yaml and its data
    env = {**os.environ, "KPI_OUTPUT_DIR": str(tmp_path / "outputs")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                           "--nbval-current-env", "--nbval-cell-timeout", "600", *map(str, NOTEBOOKS)],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:]
    # The baseline notebook froze a version and the target notebook saved one.
    index = json.loads((tmp_path / "outputs" / "demo" / "baseline" / "index.json").read_text(encoding="utf-8"))
    assert index
