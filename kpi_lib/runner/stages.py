"""The consulting stages and their notebooks."""
from __future__ import annotations

import os
from pathlib import Path

from kpi_lib.errors import StageError, did_you_mean

STAGES: dict[str, str] = {
    "diagnosis": "01_diagnosis.ipynb",
    "baseline": "02_baseline.ipynb",
    "targets": "03_target_setting.ipynb",
    "pilot": "04_pilot_evaluation.ipynb",
    "retro": "05_monthly_retro.ipynb",
}
STAGE_NAMES = {
    "diagnosis": {"zh": "需求诊断", "en": "Diagnosis"},
    "baseline": {"zh": "绩效基线", "en": "Baseline"},
    "targets": {"zh": "目标设定", "en": "Target setting"},
    "pilot": {"zh": "试点评估", "en": "Pilot evaluation"},
    "retro": {"zh": "月度复盘", "en": "Monthly review"},
}


def notebooks_dir() -> Path:
    """``$KPI_NOTEBOOKS_DIR`` or the repository's ``notebooks/`` beside ``kpi_lib``."""
    env = os.environ.get("KPI_NOTEBOOKS_DIR")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[2] / "notebooks"


def notebook_for(stage: str) -> Path:
    if stage not in STAGES:
        guess = did_you_mean(stage, STAGES)
        raise StageError(f"unknown stage {stage!r}", expected="one of " + ", ".join(STAGES),
                         fix=f"did you mean {guess!r}?" if guess else "use one of the listed stages")
    path = notebooks_dir() / STAGES[stage]
    if not path.exists():
        raise StageError(f"the notebook for stage {stage} is missing", file=path,
                         fix="restore it from the repository")
    return path
