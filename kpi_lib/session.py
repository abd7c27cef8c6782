"""What every stage notebook starts from: the validated config and the client's tables."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpi_lib.config import ClientConfig, load_config
from kpi_lib.errors import KpiErrors
from kpi_lib.ingest.pipeline import IngestResult, ingest
from kpi_lib.ingest.quality import QualityReport, build_report
from kpi_lib.paths import ingest_cache_dir


@dataclass
class ClientSession:
    config: ClientConfig
    data: IngestResult
    quality: QualityReport

    @property
    def tables(self):
        return self.data.tables

    @property
    def language(self) -> str:
        return self.config.report_language

    def require_clean(self) -> None:
        """Stop a stage that scores people when any source could not be read: scores built
        on partial data would be disputed. (The diagnosis stage reports such files instead.)"""
        if self.data.errors:
            raise KpiErrors(self.data.errors, summary=f"client {self.config.client_id}: "
                            f"{len(self.data.errors)} source problem(s); fix them and run again "
                            "(`kpi validate` lists them)")


def open_client(config_path: str | Path, *, use_cache: bool = True) -> ClientSession:
    """Load and validate the config, then ingest (from the per-client cache when unchanged)."""
    config = load_config(Path(config_path))
    data = ingest(config, cache_dir=ingest_cache_dir(config) if use_cache else None)
    return ClientSession(config, data, build_report(data))
