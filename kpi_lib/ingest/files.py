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


def partial_downloads(config: ClientConfig, source: Source) -> list[str]:
    """Partial downloads (``x.csv.crdownload``, ``x.csv.part``...) beside what the source's
    glob would match: they are never read, but a source that matches nothing because its
    only file is still downloading should say so."""
    data_dir = config.resolved_data_dir()
    found = set()
    for pattern in [source.path, *(source.path + suffix for suffix in PARTIAL_SUFFIXES)]:
        for p in data_dir.glob(pattern):
            if p.name.endswith(PARTIAL_SUFFIXES) and p.resolve().is_relative_to(data_dir):
                found.add(str(p.relative_to(data_dir)))
    return sorted(found)


def no_match_fix(config: ClientConfig, source: Source) -> str:
    """How to fix a source whose glob matches no file."""
    partial = partial_downloads(config, source)
    if partial:
        return (f"only a download still in progress matches ({', '.join(partial[:3])}): "
                "wait for it to finish (or download it again), then run again")
    return f"put the {source.type} exports under {config.resolved_data_dir()} or correct the glob"
