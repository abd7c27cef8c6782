"""Where outputs and caches go.

Published reports: ``<outputs>/<client_id>/<period>/<stage>/``. The outputs root is
``$KPI_OUTPUT_DIR`` if set, else ``outputs/`` beside ``client_configs/`` for a config kept
there, else ``outputs/`` in the current folder.
"""
from __future__ import annotations

import os
from pathlib import Path

from kpi_lib.config.models import ClientConfig


def outputs_root(config: ClientConfig | None = None) -> Path:
    env = os.environ.get("KPI_OUTPUT_DIR")
    if env:
        return Path(env).resolve()
    if config is not None and config.config_path is not None:
        folder = Path(config.config_path).resolve().parent
        if folder.name == "client_configs":
            return folder.parent / "outputs"
    return Path.cwd() / "outputs"


def client_outputs(config: ClientConfig) -> Path:
    return outputs_root(config) / config.client_id


def ingest_cache_dir(config: ClientConfig) -> Path:
    """Per-client cache: one client's cached tables never sit in another's folder."""
    return client_outputs(config) / ".cache" / "ingest"
