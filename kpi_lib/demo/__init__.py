"""The deterministic demo client (``kpi demo``).

:func:`generate_demo` simulates 16 months (2025-07 … 2026-10) of a mid-size Chinese
cross-border seller — 深圳示例家居科技有限公司 / Demo Home & Outdoor Ltd., Amazon US (two
stores) and JP, Shopify, TikTok Shop — and writes its raw exports exactly as the real
downloads look (REPORT_FORMATS.md) under ``root/client_data/demo/`` plus its config
``root/client_configs/demo.yaml``. The same seed always gives byte-identical files.

Modules: :mod:`company` (fixed facts), :mod:`seasonality` (weekday, season, events),
:mod:`catalog`, :mod:`sales` (demand, stock, orders), :mod:`marketing` (traffic, ads),
:mod:`aftersales` (returns, messages, account health), :mod:`finance` (costs, profit,
budget), :mod:`people` (roster, ownership, survey), :mod:`simulate` (all of it as
DataFrames); writing: :mod:`files` (paths, CSV/TSV), :mod:`fmt` (number formats),
:mod:`xlsx`, :mod:`write_amazon`, :mod:`write_channels`, :mod:`write_erp`; and
:mod:`config` (the YAML).

Story the later stages should find: US Prime Day / BFCM and JP sale peaks; US-Home's
best listings suppressed 2026-08-04…26 (operator P002's sudden drop); a JP container
stuck 2026-10-05…20 (declared exemption; stock-outs for 12 JP SKUs); P003 leaves
2026-10-24 after handing PET-* to P004 on 2026-10-16 and OUT-* to the new hire P007
(joined 2026-10-13) on 2026-10-25; LingXing's JP sales for 2026-09 are 7 % below the
Business Report; the 日本运营组 pilot from 2026-09 with a staff survey.
"""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from kpi_lib.demo.config import DATA_DIR, config_text
from kpi_lib.demo.simulate import DEFAULT_SEED, DemoData, simulate

CONFIG_PATH = Path("client_configs") / "demo.yaml"
DATA_PATH = Path("client_data") / "demo"
# Marks a data folder as the generator's own, so regenerating may replace it.
MARKER = ".kpi-demo"


@dataclass(frozen=True)
class DemoFile:
    path: Path             # relative to the data dir (the config: relative to root)
    sha256: str
    size: int


@dataclass(frozen=True)
class DemoResult:
    """What :func:`generate_demo` wrote: the config, the data folder and every file with
    its sha256 (data files sorted by path). ``data`` holds the simulated tables."""

    config_path: Path
    data_dir: Path
    files: tuple[DemoFile, ...]
    config: DemoFile
    seed: int
    data: DemoData = field(repr=False, compare=False)

    def manifest(self) -> dict[str, str]:
        """``{relative path: sha256}`` of the config and every data file."""
        out = {str(CONFIG_PATH.as_posix()): self.config.sha256}
        out.update({f"{DATA_PATH.as_posix()}/{f.path.as_posix()}": f.sha256 for f in self.files})
        return out


def _describe(path: Path, base: Path) -> DemoFile:
    data = path.read_bytes()
    return DemoFile(path.relative_to(base), hashlib.sha256(data).hexdigest(), len(data))


def _prepare(data_dir: Path) -> None:
    """Empty the demo data folder so no stale export is left behind (a stale file would
    be an overlapping export). Refuses to touch a folder the generator did not create."""
    if data_dir.exists():
        if not (data_dir / MARKER).exists() and any(data_dir.iterdir()):
            raise FileExistsError(
                f"{data_dir} exists and was not written by the demo generator; "
                "move it away or pick another root")
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    (data_dir / MARKER).write_text("written by kpi_lib.demo (kpi demo); safe to delete\n", encoding="utf-8")


def generate_demo(root: Path, seed: int = DEFAULT_SEED) -> DemoResult:
    """Simulate the demo client and write its exports and config under ``root``.

    Writes ``root/client_data/demo/`` (replacing an earlier demo there) and
    ``root/client_configs/demo.yaml`` (whose ``data_dir`` is ``../client_data/demo``).
    Takes a few seconds; byte-identical output for the same seed.
    """
    from kpi_lib.demo import write_amazon, write_channels, write_erp

    root = Path(root)
    data_dir = root / DATA_PATH
    data = simulate(seed)
    _prepare(data_dir)
    write_amazon.write_all(data, data_dir)
    write_channels.write_all(data, data_dir)
    write_erp.write_all(data, data_dir)
    config_path = root / CONFIG_PATH
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(config_text(), encoding="utf-8")
    written = sorted((p for p in data_dir.rglob("*") if p.is_file() and p.name != MARKER),
                     key=lambda p: p.relative_to(data_dir).as_posix())
    return DemoResult(config_path=config_path, data_dir=data_dir,
                      files=tuple(_describe(p, data_dir) for p in written),
                      config=_describe(config_path, root), seed=int(seed), data=data)


__all__ = ["DEFAULT_SEED", "DATA_DIR", "DemoData", "DemoFile", "DemoResult", "config_text", "generate_demo",
           "simulate"]
