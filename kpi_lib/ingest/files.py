"""Which raw files a source declares, confined to the client's data_dir."""
from __future__ import annotations

from pathlib import Path

from kpi_lib.config.models import ClientConfig, Source
from kpi_lib.errors import ConfigError

# Files that are never exports: Excel lock files, OS droppings, partial downloads.
IGNORED_PREFIXES = ("~$", ".")
PARTIAL_SUFFIXES = (".crdownload", ".part", ".tmp", ".download")


def source_files(config: ClientConfig, source: Source) -> list[Path]:
    """Files matching the source's glob under data_dir, sorted by path.

    A match that resolves outside data_dir (through ``..`` or a symlink) is refused:
    one client's config must never read another client's data.
    """
    data_dir = config.resolved_data_dir()
    matches = []
    for p in sorted(data_dir.glob(source.path)):
        if not p.is_file() and not p.is_symlink():
            continue
        if p.name.startswith(IGNORED_PREFIXES) or p.name.endswith(PARTIAL_SUFFIXES):
            continue
        real = p.resolve()
        if not real.is_relative_to(data_dir):
            raise ConfigError(
                "the path leads outside the client's data_dir", client=config.client_id,
                file=config.config_path, found=str(p.relative_to(data_dir)),
                expected=f"files inside {data_dir}",
                fix="copy the file into this client's data folder instead of linking to it")
        matches.append(p)
    return matches
