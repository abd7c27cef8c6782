"""The cover page facts of a stage report: client, period, stage, target version, date,
consultant.

The runner may pass them (a :class:`ReportCover` or a plain dict); whatever it leaves out is
filled in from what the executed notebook already knows: papermill's parameters (the
client config path and period), the client config (name, consultant), ``results.json``
beside the notebook (stage, target version) and the title string ``client · period · stage``
the runner has always passed. A fact nobody knows is shown as a dash, never guessed.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path


@dataclass(frozen=True)
class ReportCover:
    """What the cover says. ``stage`` is a stage id (``retro``) or a display name."""

    client_name: str | None = None
    period: str | None = None
    stage: str | None = None
    target_version: str | None = None
    date: str | None = None
    consultant: str | None = None

    @classmethod
    def from_value(cls, value: "ReportCover | dict | None") -> "ReportCover":
        """Accept a ReportCover, a dict with (some of) the same keys, or None."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        known = {f.name for f in fields(cls)}
        unknown = set(value) - known
        if unknown:
            raise ValueError(f"unknown cover fields {sorted(unknown)}; expected some of {sorted(known)}")
        return cls(**{k: (None if v is None else str(v)) for k, v in value.items()})

    def filled_from(self, other: "ReportCover") -> "ReportCover":
        """This cover, with the facts it lacks taken from ``other``."""
        return replace(self, **{k: v for k, v in asdict(other).items() if getattr(self, k) in (None, "")})


def stage_name(stage: str | None, language: str) -> str | None:
    """需求诊断 / Diagnosis for ``diagnosis``; any other text is already a display name."""
    from kpi_lib.runner.stages import STAGE_NAMES

    if stage in STAGE_NAMES:
        return STAGE_NAMES[stage].get(language) or STAGE_NAMES[stage]["zh"]
    return stage


def cover_from_title(title: str | None) -> ReportCover:
    """The runner's title ``client · period · stage name`` split into its parts."""
    parts = [p.strip() for p in (title or "").split(" · ")]
    if len(parts) >= 3:
        return ReportCover(client_name=" · ".join(parts[:-2]), period=parts[-2], stage=parts[-1])
    return ReportCover(client_name=title or None)


def cover_from_notebook(notebook: Path) -> ReportCover:
    """Facts the executed notebook and its output folder know (best effort: any of them may
    be missing, e.g. for a notebook run by hand)."""
    notebook = Path(notebook)
    results = {}
    try:
        results = json.loads((notebook.parent / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    params = {}
    try:
        meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
        params = (meta.get("papermill") or {}).get("parameters") or {}
    except (OSError, ValueError):
        pass
    name = consultant = None
    config_path = params.get("client_config")
    if config_path:
        try:
            from kpi_lib.config import load_config

            path = Path(config_path)
            if not path.is_absolute():
                path = notebook.parent / path
            config = load_config(path)
            name, consultant = config.name or config.client_id, config.consultant
        except Exception:  # noqa: BLE001 - the cover must never stop an export
            pass
    version = results.get("target_version")
    return ReportCover(client_name=name or results.get("client_id"),
                       period=params.get("period") or results.get("period"), stage=results.get("stage"), target_version=None if version is None else str(version),
                       consultant=consultant)


def resolve_cover(given: "ReportCover | dict | None", *, notebook: Path | None = None, title: str | None = None,
                  today: dt.date | None = None) -> ReportCover:
    """The cover to print: ``given`` first, then the notebook's facts, then the title;
    the date defaults to today (ISO)."""
    cover = ReportCover.from_value(given)
    if notebook is not None:
        cover = cover.filled_from(cover_from_notebook(notebook))
    cover = cover.filled_from(cover_from_title(title))
    if not cover.date:
        cover = replace(cover, date=(today or dt.date.today()).isoformat())
    return cover
