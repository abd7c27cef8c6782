"""The adapter contract and registry.

An adapter turns one raw export file into canonical tables (see :mod:`kpi_lib.tables`).
A new report format is one module with an ``@register``-ed :class:`Adapter` subclass,
its alias table in ``kpi_lib/sources/aliases/<type_id>.yaml`` and a fixture in the real
format under ``tests/fixtures/``.

Alias files declare *layouts* (one per report shape) as data::

    layouts:
      child_item:                      # layout name
        table: traffic                 # canonical table it feeds
        required: [child_asin, sessions]   # signature: the header must have all of these
        columns:
          child_asin: {kind: id, aliases: ["(Child) ASIN", "（子）ASIN", "（子）ASIN"]}
          sessions:   {kind: number, aliases: ["Sessions - Total", "セッション数 - 合計"]}

Column kinds: ``text``, ``id``, ``number`` (money and counts), ``percent``, ``date``,
``datetime``. Header text is matched exactly after :func:`normalize_header`.
"""
from __future__ import annotations

import csv
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd
import yaml

from kpi_lib.errors import ConfigError, SourceError, did_you_mean
from kpi_lib.readers import text as rt
from kpi_lib.readers import values as rv

ALIAS_DIR = Path(__file__).parent / "aliases"
KINDS = {"text", "id", "number", "percent", "date", "datetime"}
# Every text encoding the readers know (a configured `encoding:` narrows the search to one).
KNOWN_ENCODINGS = ("utf-8", "cp932", "gb18030")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_PERIOD_IN_PATH = re.compile(r"(?<!\d)(20\d\d)[-_]?(0[1-9]|1[0-2])(?!\d)")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """One header shape of a report family (e.g. Business Report by child item)."""

    name: str
    table: str
    required: tuple[str, ...]
    columns: Mapping[str, ColumnSpec]

    @property
    def aliases(self) -> dict[str, list[str]]:
        return {n: list(c.aliases) for n, c in self.columns.items()}

    @functools.cached_property
    def signature(self) -> rt.Signature:
        return rt.Signature.of(self.aliases, self.required)


def load_layouts(type_id: str) -> dict[str, Layout]:
    """Read ``aliases/<type_id>.yaml`` into layouts (checked: kinds and required names)."""
    path = ALIAS_DIR / f"{type_id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    layouts = {}
    for name, spec in (data.get("layouts") or {}).items():
        columns = {}
        for col, cspec in spec["columns"].items():
            kind = cspec.get("kind", "text")
            if kind not in KINDS:
                raise ValueError(f"{path}: layout {name}, column {col}: unknown kind {kind!r}")
            columns[col] = ColumnSpec(col, kind, tuple(str(a) for a in cspec["aliases"]))
        required = tuple(spec.get("required", []))
        missing = [r for r in required if r not in columns]
        if missing:
            raise ValueError(f"{path}: layout {name} requires undeclared columns {missing}")
        layouts[name] = Layout(name, spec["table"], required, columns)
    return layouts


@dataclass
class SourceContext:
    """What the config says about a source, handed to the adapter for each file."""

    type: str
    data_dir: Path
    market: str | None = None
    store: str | None = None
    platform: str | None = None
    period: str | None = None            # YYYY-MM, where the file itself does not say
    timezone: str = "UTC"
    currency: str | None = None
    encodings: tuple[str, ...] = rt.DEFAULT_ENCODINGS
    options: dict = field(default_factory=dict)
    client: str | None = None

    def relative(self, path: Path) -> str:
        """The file's path relative to data_dir (what ``source_file`` records)."""
        try:
            return str(Path(path).resolve().relative_to(self.data_dir.resolve()))
        except ValueError:
            return Path(path).name


@dataclass
class FileInfo:
    """What was found out about one file (``kpi inspect`` prints this)."""

    type: str
    path: str
    encoding: str | None
    language: str | None
    header_row: int | None
    rows: int
    market: str | None = None
    period: str | None = None
    layout: str | None = None
    sheet: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"type": self.type, "encoding": self.encoding, "language": self.language,
                "header_row": self.header_row, "rows": self.rows, "market": self.market,
                "period": self.period, "layout": self.layout, "path": self.path,
                "sheet": self.sheet, "warnings": list(self.warnings)}


@dataclass
class ReadResult:
    tables: dict[str, pd.DataFrame]
    info: FileInfo


@dataclass
class Detection:
    """A candidate reading of a file by one adapter and layout."""

    type: str
    layout: str
    encoding: str | None
    header_row: int


class Adapter:
    """Base class: subclasses set ``type_id`` and implement :meth:`read`."""

    type_id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    # Encodings to try, in order, when the file has no BOM.
    encodings: ClassVar[tuple[str, ...]] = rt.DEFAULT_ENCODINGS
    # Whether the adapter needs ``market`` in the source config.
    needs_market: ClassVar[bool] = True
    # Platform of the rows it produces (amazon / shopify / tiktok / erp); None for
    # templates such as the roster that belong to no platform.
    platform: ClassVar[str | None] = None
    # True for reports delivered as unquoted TSV (Amazon SP-API flat files): a tab file
    # whose header has no '"' is then read with quotes taken literally.
    unquoted_tsv: ClassVar[bool] = False
    # True when read() only looks at the columns its layout declares: the others (buyer
    # addresses, product titles...) are then dropped as the file is read, which saves time
    # and memory on million-line exports and keeps data nobody reads out of memory.
    layout_columns_only: ClassVar[bool] = False

    @functools.cached_property
    def layouts(self) -> dict[str, Layout]:
        return load_layouts(self.type_id)

    # -- reading -------------------------------------------------------------
    def read(self, path: Path, ctx: SourceContext) -> ReadResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def open(self, path: Path, ctx: SourceContext | None = None,
             layouts: Sequence[str] | None = None) -> tuple[rt.RawTable, Layout]:
        """Find the layout and header row, and read the file as strings.

        Raises a :class:`SourceError` for empty files, unknown layouts and encodings.
        """
        path = Path(path)
        chosen = [self.layouts[n] for n in (layouts or self.layouts)]
        signatures = [lay.signature for lay in chosen]
        check_not_empty(path)
        if rt.is_excel(path):
            hit = rt.read_excel_table(path, signatures)
            if hit is None:
                raise self.unknown_layout(path, chosen)
            raw, index = hit
            return raw, chosen[index]
        encodings = ctx.encodings if ctx and ctx.encodings != rt.DEFAULT_ENCODINGS else self.encodings
        sniffed = rt.sniff_text(path, signatures, encodings=encodings)
        if sniffed is None:
            raise self.unknown_layout(path, chosen, encodings)
        quoting = csv.QUOTE_MINIMAL
        if self.unquoted_tsv and sniffed.delimiter == "\t" and '"' not in sniffed.lines[sniffed.header_index]:
            quoting = csv.QUOTE_NONE
        layout = chosen[sniffed.signature_index]
        keep = None
        if self.layout_columns_only:
            keep = rt.resolve_columns(rt.header_cells(sniffed, quoting=quoting), layout.aliases).values()
        raw = rt.read_text_table(path, sniffed, quoting=quoting, keep=keep)
        return raw, layout

    def unknown_layout(self, path: Path, layouts: Sequence[Layout],
                       encodings: Sequence[str] = rt.DEFAULT_ENCODINGS) -> SourceError:
        decodable = [] if rt.is_excel(path) else rt.decodes_as(path, encodings)
        wanted = "; ".join(
            f"{lay.name}: " + ", ".join(lay.columns[r].aliases[0] for r in lay.required) for lay in layouts)
        other = [] if rt.is_excel(path) else [e for e in KNOWN_ENCODINGS if e not in encodings]
        actual = rt.sniff_text(path, [lay.signature for lay in layouts], encodings=other) if other else None
        if actual is not None:
            # The header matches under another encoding: the source's `encoding:` is wrong.
            return SourceError(
                f"the file is {actual.encoding}-encoded, not {' / '.join(encodings)}", file=path,
                expected=f"a {self.title or self.type_id} export in {' / '.join(encodings)}", found=actual.encoding,
                fix=f"set `encoding: {actual.encoding}` on this source in the client config, or remove "
                    "`encoding:` to let the suite detect it")
        if not rt.is_excel(path) and not decodable:
            return SourceError(
                f"cannot decode the file as any of {', '.join(encodings)}", file=path,
                expected=f"a {self.title or self.type_id} export",
                fix="re-download the original export; if it was re-saved, save it as UTF-8 CSV")
        hint = ""
        if not rt.is_excel(path):
            hint = f" (decodes as {', '.join(decodable)} but no header row matched)"
        return SourceError(
            f"no header row of a known {self.type_id} layout in the first {rt.MAX_PREAMBLE_LINES} lines{hint}",
            file=path, expected=f"a header with {wanted}",
            fix=("check the source `type` in the config (run `kpi inspect FILE` to see what this file is); "
                 "if the columns were renamed, add the new names to the alias table"))

    def extract(self, raw: rt.RawTable, layout: Layout, *, local_tz: str | None = None,
                date_formats: Sequence[str] | None = None, required: Sequence[str] | None = None,
                percent_bare: str = "percent") -> pd.DataFrame:
        """Canonical-named, typed columns for every field of ``layout`` found in the file.

        Missing required columns and unparseable values raise one :class:`SourceError`
        naming the file, the 1-based file row and the column.
        """
        found = rt.resolve_columns(list(raw.frame.columns), layout.aliases)
        needed = list(layout.required if required is None else required)
        missing = [n for n in needed if n not in found]
        if missing:
            raise SourceError(
                "missing required column(s): " + ", ".join(
                    f"{m} (one of: {' / '.join(layout.columns[m].aliases[:4])})" for m in missing),
                file=raw.path, row=raw.header_row,
                expected=f"the {layout.name} layout of {self.type_id}",
                fix="export the report again with these columns selected (reports only carry the columns chosen in the UI)")
        out = {}
        for name, column in found.items():
            spec = layout.columns[name]
            cells = raw.frame[column]
            out[name] = self.parse_column(raw, cells, spec, column, local_tz=local_tz,
                                          date_formats=date_formats, percent_bare=percent_bare)
        return pd.DataFrame(out, index=raw.frame.index)

    def parse_column(self, raw: rt.RawTable, cells: pd.Series, spec: ColumnSpec, column: str, *,
                     local_tz: str | None, date_formats: Sequence[str] | None,
                     percent_bare: str) -> pd.Series:
        if spec.kind == "text":
            return rv.clean_text(cells)
        if spec.kind == "id":
            return rv.clean_id(cells)
        if spec.kind == "number":
            parsed = rv.parse_number(cells)
            what = "a number or money amount like 1,234.56, $12.00 or ￥4,907"
        elif spec.kind == "percent":
            parsed = rv.parse_percent(cells, bare=percent_bare)
            what = "a percentage like 12.5%"
        elif spec.kind == "date":
            parsed = rv.parse_date(cells, formats=date_formats)
            what = "a date" + (f" in one of the formats {list(date_formats)}" if date_formats else "")
        else:
            parsed = rv.parse_datetime(cells, formats=date_formats, local_tz=local_tz)
            what = "a date and time" + (f" in one of the formats {list(date_formats)}" if date_formats else "")
        bad = rv.unparseable(cells, parsed)
        if bad.any():
            position = int(bad.to_numpy().nonzero()[0][0])
            raise SourceError(
                f"{int(bad.sum())} value(s) in this column cannot be read",
                file=raw.path, row=raw.file_row(position), column=column, expected=what,
                found=cells.iloc[position],
                fix="correct the cell(s) or re-download the export; do not re-format numbers in Excel")
        return parsed

    # -- detection -------------------------------------------------------------
    def detect(self, path: Path) -> list[Detection]:
        """Layouts of this adapter that the file's header matches (for ``kpi inspect``)."""
        path = Path(path)
        found = []
        try:
            if rt.is_excel(path):
                for lay in self.layouts.values():
                    hit = rt.read_excel_table(path, [lay.signature])
                    if hit:
                        found.append(Detection(self.type_id, lay.name, None, hit[0].header_row))
            else:
                for lay in self.layouts.values():
                    sniffed = rt.sniff_text(path, [lay.signature], encodings=self.encodings)
                    if sniffed:
                        found.append(Detection(self.type_id, lay.name, sniffed.encoding, sniffed.header_index + 1))
        except SourceError:
            return []
        return found


def check_not_empty(path: Path) -> None:
    if not path.exists():
        raise SourceError("the file does not exist", file=path, fix="check the path in the config")
    if not path.is_file():
        raise SourceError("this is a folder, not an export file", file=path,
                          expected="one downloaded report (CSV, TXT, XLSX or JSON)",
                          fix="name one file inside it (kpi inspect FOLDER/FILE)")
    if path.stat().st_size == 0:
        raise SourceError("the file is empty (0 bytes)", file=path, expected="an export with a header and rows",
                          fix="the download failed or is still being written; download it again")


def header_language(headers: Sequence[object]) -> str:
    """ja if any header has kana, zh if any has Han characters, else en."""
    joined = " ".join(str(h) for h in headers)
    if _KANA.search(joined):
        return "ja"
    if _HAN.search(joined):
        return "zh"
    return "en"


def period_from_path(path: Path) -> str | None:
    """A YYYY-MM found in the file's name or its two nearest folders
    (``raw/jp/2026-10/BusinessReport-03-11-26.csv``). Folders further up (above the client's
    data_dir, say a backup dated 2025-12) must not decide the period."""
    for part in reversed(Path(path).parts[-3:]):
        m = _PERIOD_IN_PATH.search(part)
        if m:
            return f"{m.group(1)}-{m.group(2)}"
    return None


def period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a YYYY-MM period."""
    start = pd.Timestamp(f"{period}-01")
    return start, (start + pd.offsets.MonthEnd(0)).normalize()


# -- registry ------------------------------------------------------------------
REGISTRY: dict[str, type[Adapter]] = {}


def register(cls: type[Adapter]) -> type[Adapter]:
    if not cls.type_id:
        raise ValueError(f"{cls.__name__} has no type_id")
    REGISTRY[cls.type_id] = cls
    return cls


def get_adapter(type_id: str) -> Adapter:
    """The adapter registered under ``type_id``; a ConfigError with a suggestion otherwise."""
    from kpi_lib import sources  # noqa: F401  (importing the package registers every adapter)

    if type_id not in REGISTRY:
        guess = did_you_mean(type_id, REGISTRY)
        raise ConfigError(
            f"unknown source type {type_id!r}", key="sources[].type",
            expected="one of " + ", ".join(sorted(REGISTRY)),
            fix=f"did you mean {guess!r}?" if guess else "use one of the listed types")
    return REGISTRY[type_id]()


def adapter_types() -> list[str]:
    from kpi_lib import sources  # noqa: F401

    return sorted(REGISTRY)


def detect_file(path: Path) -> list[Detection]:
    """Every (adapter, layout) whose signature the file matches."""
    from kpi_lib import sources  # noqa: F401

    hits: list[Detection] = []
    for type_id in sorted(REGISTRY):
        hits.extend(REGISTRY[type_id]().detect(Path(path)))
    return hits
