"""Base of the adapters for the suite's own templates (roster, ownership, costs, budget,
survey): XLSX or CSV, Chinese or English headers, one layout each.

Templates belong to no platform and no market (``needs_market = False``); each adapter
only says how its extracted columns become its table (:meth:`TemplateAdapter.shape`).
"""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pandas as pd

from kpi_lib.errors import SourceError
from kpi_lib.readers import text as rt
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources.base import Adapter, ReadResult, SourceContext


class TemplateAdapter(Adapter):
    needs_market = False
    platform = None
    # Hand-made CSVs from Chinese Excel are GB18030 when not UTF-8.
    encodings = ("utf-8", "gb18030", "cp932")
    extras: ClassVar[tuple[str, ...]] = ()

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        raw, layout = self.open(path, ctx)
        headers = sh.headers_of(raw, layout)
        lines = self.extract(raw, layout, required=sh.must_have(self.type_id, layout))
        frame, warnings = self.shape(raw, lines, headers, ctx)
        out = sh.finish(layout.table, frame, path, ctx, extras=self.extras)
        info = sh.file_info(self.type_id, path, ctx, raw, layout, out, period=self.period_of(out),
                            warnings=warnings)
        return ReadResult({layout.table: out}, info)

    def shape(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str],
              ctx: SourceContext) -> tuple[pd.DataFrame, list[str]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def period_of(self, out: pd.DataFrame) -> str | None:
        return None

    # -- helpers for subclasses -------------------------------------------------------
    def values(self, name: str) -> dict[str, str]:
        """The value vocabulary ``name`` of this template's alias table, as a lookup."""
        return sh.vocabulary(sh.alias_extras(self.type_id)["values"][name])

    def translate(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], field: str,
                  vocabulary: str, expected: str) -> pd.Series:
        """A column's values through a vocabulary; an unknown value names its row."""
        if field not in lines.columns:
            return pd.Series(pd.NA, index=lines.index, dtype="string")
        return sh.map_values(raw, lines[field], headers[field], self.values(vocabulary), expected=expected,
                             fix=f"use one of: {expected}").astype("string")


def no_duplicates(raw: rt.RawTable, keys: pd.Series, header: str, what: str) -> None:
    """Raise for the first row repeating an earlier row's key."""
    dup = keys.duplicated(keep="first") & keys.notna()
    if dup.any():
        position = int(dup.to_numpy().nonzero()[0][0])
        first = int((keys == keys.iloc[position]).to_numpy().nonzero()[0][0])
        raise SourceError(f"{what} {keys.iloc[position]!r} appears twice (first on row {raw.file_row(first)})",
                          file=raw.path, row=raw.file_row(position), column=header, expected=f"one row per {what}",
                          found=keys.iloc[position], fix="remove or merge the repeated row")


def ordered_dates(raw: rt.RawTable, start: pd.Series, end: pd.Series, header: str) -> None:
    """Raise for the first row whose end date is before its start date."""
    bad = end.notna() & start.notna() & (end < start)
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise SourceError("the end date is before the start date", file=raw.path, row=raw.file_row(position),
                          column=header, expected=f"a date on or after {start.iloc[position]:%Y-%m-%d}",
                          found=f"{end.iloc[position]:%Y-%m-%d}", fix="correct the dates of this row")
