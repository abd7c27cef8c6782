"""Read raw exports into string DataFrames: encoding sniffing, header normalisation,
header-row detection past preambles, and CSV/TSV/XLSX reading.

The rule that makes this safe (REPORT_FORMATS.md §0.3): an encoding is accepted only if
the decoded header row matches known aliases, because GBK bytes can decode under cp932
(and the other way round) without an error.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi_lib.errors import SourceError

# Tried in this order after BOM detection unless the caller prefers another order
# (a JP source prefers cp932 over gb18030, a Chinese ERP the reverse).
DEFAULT_ENCODINGS = ("utf-8", "cp932", "gb18030")
SNIFF_BYTES = 256 * 1024
MAX_PREAMBLE_LINES = 40
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d"), "-")
_SPACES_AROUND_DASH = re.compile(r"\s*-\s*")
_WHITESPACE = re.compile(r"\s+")


def normalize_header(name: object) -> str:
    """The lookup key of a header cell: no BOM, NFKC (full/half width), one kind of dash,
    single spaces, case-folded. Matching is exact on this key, never by substring.

    ``"（子）ASIN"`` and ``"(子)ASIN"`` give the same key; so do ``"Sessions – Total"`` and
    ``"Sessions - Total"``, and ``"7 Day Total Sales "`` and ``"7 Day Total Sales"``.
    """
    text = "" if name is None else str(name)
    text = text.replace("\ufeff", "")
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = _WHITESPACE.sub(" ", text).strip()
    text = _SPACES_AROUND_DASH.sub(" - ", text)
    return text.casefold()


def alias_keys(aliases: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Alias table with every alias normalised."""
    return {name: [normalize_header(a) for a in values] for name, values in aliases.items()}


def resolve_columns(headers: Sequence[object], aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Map canonical field → actual column name, by exact match after normalisation.

    When several aliases of one field are present (a file carrying both an old and a new
    generation label), the alias listed first wins.
    """
    by_key: dict[str, str] = {}
    for h in headers:
        by_key.setdefault(normalize_header(h), h)
    found: dict[str, str] = {}
    for name, keys in alias_keys(aliases).items():
        for key in keys:
            if key in by_key:
                found[name] = by_key[key]
                break
    return found


@dataclass(frozen=True)
class Signature:
    """What a header row must contain to be recognised: each group needs one alias."""

    groups: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, aliases: Mapping[str, Sequence[str]], required: Iterable[str]) -> "Signature":
        keys = alias_keys(aliases)
        return cls(tuple(frozenset(keys[r]) for r in required))

    def score(self, cells: Iterable[object]) -> int:
        """Number of groups satisfied by a row of header cells."""
        normalized = {normalize_header(c) for c in cells}
        return sum(1 for g in self.groups if g & normalized)

    def matches(self, cells: Iterable[object]) -> bool:
        return bool(self.groups) and self.score(cells) == len(self.groups)


@dataclass
class RawTable:
    """A raw export read as strings, with what the reader found out about it."""

    path: Path
    frame: pd.DataFrame            # all cells as strings (<NA> for blanks); columns as in the file
    encoding: str | None           # None for Excel
    header_row: int                # 1-based line (or sheet row) number of the header
    delimiter: str | None = None
    sheet: str | None = None
    preamble: list[str] = field(default_factory=list)
    # 1-based file/sheet row of each data row, where rows were skipped after the header
    # (blank Excel rows, a description row, repeated headers); None = contiguous.
    row_numbers: list[int] | None = None

    def file_row(self, index: int) -> int:
        """1-based line number in the file of data row ``index`` (0-based position)."""
        if self.row_numbers is not None:
            return self.row_numbers[index]
        return self.header_row + 1 + index


def detect_bom(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    return None


def _decode_prefix(data: bytes, encoding: str) -> str | None:
    """Decode the sniffing prefix strictly; a multibyte char cut at the end is tolerated."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return None


def _split_lines(text: str, limit: int) -> list[str]:
    lines = text.splitlines()
    return lines[:limit]


def _guess_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in ("\t", ",", ";")}
    return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (StopIteration, csv.Error):
        return line.split(delimiter)


def find_header(lines: Sequence[Sequence[object]], signatures: Sequence[Signature]) -> tuple[int, int] | None:
    """(row index, signature index) of the first row that fully matches a signature."""
    for i, cells in enumerate(lines):
        for j, sig in enumerate(signatures):
            if sig.matches(cells):
                return i, j
    return None


@dataclass
class Sniffed:
    encoding: str
    delimiter: str
    header_index: int               # 0-based line index of the header
    signature_index: int
    lines: list[str]


def sniff_text(path: Path, signatures: Sequence[Signature], *,
               encodings: Sequence[str] = DEFAULT_ENCODINGS) -> Sniffed | None:
    """Find the encoding under which some line is a header matching a signature."""
    with open(path, "rb") as fh:
        data = fh.read(SNIFF_BYTES)
    bom = detect_bom(data)
    candidates = [bom] if bom else list(dict.fromkeys(encodings))
    for enc in candidates:
        text = _decode_prefix(data, enc)
        if text is None:
            continue
        lines = _split_lines(text, MAX_PREAMBLE_LINES)
        for i, line in enumerate(lines):
            delimiter = _guess_delimiter(line)
            cells = _cells(line, delimiter)
            for j, sig in enumerate(signatures):
                if sig.matches(cells):
                    return Sniffed(enc, delimiter, i, j, lines)
    return None


def decodes_as(path: Path, encodings: Sequence[str] = DEFAULT_ENCODINGS) -> list[str]:
    """Encodings under which the file's first bytes decode at all (for error messages)."""
    with open(path, "rb") as fh:
        data = fh.read(SNIFF_BYTES)
    bom = detect_bom(data)
    if bom:
        return [bom]
    return [e for e in encodings if _decode_prefix(data, e) is not None]


def read_text_table(path: Path, sniffed: Sniffed, *, quoting: int = csv.QUOTE_MINIMAL,
                    keep: Iterable[str] | None = None) -> RawTable:
    """Read a delimited file from its header row on, every cell as a string.

    ``quoting=csv.QUOTE_NONE`` reads every ``"`` literally: right for Amazon's unquoted
    tab-separated flat files, where a title or buyer comment starting with ``"`` would
    otherwise swallow the rows after it.

    Well-formed files go through pyarrow's multi-threaded reader; anything it refuses
    (ragged or cut rows, quoted line breaks, bad bytes, duplicate or blank header names)
    is read again by pandas' C parser, whose result and error messages are the reference.
    Both give the same table for a file both accept (tests/test_readers.py checks).

    ``keep`` names the header cells to keep (default: all). The others are dropped right
    after reading, so columns nobody reads (buyer addresses, product titles) never become
    pandas data; the truncation check still sees every column of the last row.
    """
    # Only a file without a final line break can have a cut-off last row; for the others
    # pyarrow need not even build the columns nobody keeps.
    complete = ends_with_line_break(path, sniffed.encoding)
    wanted = None if keep is None else set(keep)
    table = _read_with_pyarrow(path, sniffed, quoting=quoting, include=wanted if complete else None)
    if table is None:
        frame = _read_with_pandas(path, sniffed, quoting=quoting)
        if not complete:
            _check_last_row(path, frame.iloc[-1:], len(frame), sniffed)
        if wanted is not None:
            frame = frame[[c for c in frame.columns if c in wanted]]
    else:
        if not complete:
            _check_last_row(path, _to_frame(table.slice(max(table.num_rows - 1, 0))), table.num_rows, sniffed)
        if wanted is not None:
            table = table.select([i for i, name in enumerate(table.column_names) if name in wanted])
        frame = _to_frame(table)
    return RawTable(path=path, frame=frame, encoding=sniffed.encoding,
                    header_row=sniffed.header_index + 1, delimiter=sniffed.delimiter,
                    preamble=sniffed.lines[: sniffed.header_index])


def header_cells(sniffed: Sniffed, *, quoting: int = csv.QUOTE_MINIMAL) -> list[str]:
    """The header row's cells as the file spells them."""
    line = sniffed.lines[sniffed.header_index]
    if quoting == csv.QUOTE_NONE:
        return line.split(sniffed.delimiter)
    return _cells(line, sniffed.delimiter)


def _read_with_pyarrow(path: Path, sniffed: Sniffed, *, quoting: int, include: set[str] | None = None):
    """The file as a pyarrow Table of strings (only the ``include`` columns, if given), or
    None where pandas' parser must decide."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = header_cells(sniffed, quoting=quoting)
    # pandas renames blank and repeated header cells ("Unnamed: 3", "sku.1"); leave those to it.
    if any(not n for n in names) or len(set(names)) != len(names):
        return None
    encoding = "utf8" if sniffed.encoding.lower().replace("_", "-") == "utf-8" else sniffed.encoding
    try:
        table = pacsv.read_csv(
            path,
            # 4 MB blocks: each block becomes one chunk of every column, and turning hundreds
            # of 1 MB chunks into pandas columns cost a third of the parse; larger blocks
            # hold more memory while parsing for little further gain.
            read_options=pacsv.ReadOptions(skip_rows=sniffed.header_index + 1, column_names=names,
                                           encoding=encoding, block_size=4 << 20),
            parse_options=pacsv.ParseOptions(delimiter=sniffed.delimiter,
                                             quote_char=False if quoting == csv.QUOTE_NONE else '"',
                                             double_quote=True, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 null_values=[""], strings_can_be_null=True,
                                                 quoted_strings_can_be_null=True,
                                                 include_columns=[n for n in names if include is None or n in include]),
        )
    except Exception:  # pyarrow refuses (ArrowInvalid, decode errors...): pandas reads or explains
        return None
    return table


def _to_frame(table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=_as_string_dtype)


def _as_string_dtype(arrow_type) -> pd.StringDtype | None:
    import pyarrow as pa

    return pd.StringDtype() if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) else None


def _read_with_pandas(path: Path, sniffed: Sniffed, *, quoting: int) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            path,
            sep=sniffed.delimiter,
            encoding=sniffed.encoding,
            skiprows=sniffed.header_index,
            header=0,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=True,
            quoting=quoting,
            engine="c",
        )
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"the file is not valid {sniffed.encoding} past its header (byte {exc.start})",
            file=path, expected=f"one encoding for the whole file ({sniffed.encoding})",
            fix="re-download the export from Seller Central/the ERP instead of re-saving it in Excel",
        ) from None
    except pd.errors.ParserError as exc:
        raise SourceError(
            f"the file's rows cannot be split into columns ({exc})", file=path,
            expected="one row per line with the same columns as the header",
            fix="the file may be truncated or still being written; download it again",
        ) from None
    return frame.astype("string")


def ends_with_line_break(path: Path, encoding: str) -> bool:
    """Whether the file's last bytes are a line break in its encoding."""
    with open(path, "rb") as fh:
        bom = fh.read(2)
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 4))
        tail = fh.read()
    # In UTF-16 a line end is two bytes ("\n\0" little-endian): a complete file never ends in a bare b"\n".
    codec = ("utf-16-be" if bom == codecs.BOM_UTF16_BE else "utf-16-le") \
        if encoding.lower().replace("_", "-").startswith("utf-16") else "latin-1"
    return tail.endswith("\n".encode(codec)) or tail.endswith("\r".encode(codec))


def _check_last_row(path: Path, last_rows: pd.DataFrame, rows: int, sniffed: Sniffed) -> None:
    """A last row with missing trailing cells and no final newline was cut off in transfer.

    ``last_rows`` holds the last data row (or nothing), with every column; ``rows`` counts
    the data rows.
    """
    if last_rows.empty or ends_with_line_break(path, sniffed.encoding):
        return
    last = last_rows.iloc[-1]
    present = int(last.notna().sum())
    if present < len(last_rows.columns) and last.iloc[-1:].isna().all() and last.iloc[:1].notna().all():
        # Trailing empty cells are legal (Amazon flat files end rows with empty fields),
        # so only flag a row that also lacks the final newline.
        row = sniffed.header_index + 1 + rows
        raise SourceError(
            f"the last row is cut short: {present} of {len(last_rows.columns)} columns and no line end",
            file=path, row=row, expected="a complete last row ending with a newline",
            fix="the file is truncated or still being written; wait for the download to finish or download it again",
        )


def read_excel_table(path: Path, signatures: Sequence[Signature], *, sheet: str | int | None = None) -> tuple[RawTable, int] | None:
    """Find the sheet and row whose cells match a signature; read from there as strings."""
    try:
        book = pd.read_excel(path, sheet_name=None if sheet is None else sheet, header=None,
                             dtype=object, nrows=None, engine="openpyxl")
    except Exception as exc:  # openpyxl raises zipfile/KeyError/ValueError for broken files
        raise SourceError(
            f"cannot open the Excel file ({type(exc).__name__}: {exc})", file=path,
            expected="a complete .xlsx workbook",
            fix="the file is empty, damaged or still being written; export it again from the ERP",
        ) from None
    sheets = book if isinstance(book, dict) else {str(sheet): book}
    for name, raw in sheets.items():
        head = raw.head(MAX_PREAMBLE_LINES)
        rows = [[c for c in r if c is not None and not (isinstance(c, float) and pd.isna(c))]
                for r in head.itertuples(index=False, name=None)]
        hit = find_header(rows, signatures)
        if hit is None:
            continue
        idx, sig_index = hit
        header_cells = [_excel_header(c, i) for i, c in enumerate(raw.iloc[idx].tolist())]
        body = raw.iloc[idx + 1:].copy()
        body.columns = _dedupe(header_cells)
        body = body.dropna(how="all")
        body = body.loc[:, [c for c in body.columns if not c.startswith("Unnamed:")]]
        # The sheet's 0-based row position + 1 is its row number; keep it past dropped blank rows.
        row_numbers = [int(i) + 1 for i in body.index]
        frame = body.map(_excel_cell).astype("string").reset_index(drop=True)
        return RawTable(path=path, frame=frame, encoding=None, header_row=idx + 1,
                        sheet=str(name), row_numbers=row_numbers), sig_index
    return None


def _excel_header(value: object, position: int) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return f"Unnamed: {position}"
    return str(value)


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}.{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out


def _excel_cell(value: object) -> object:
    """Excel cells to the strings a CSV export would have held (dates as ISO text)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return pd.NA
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def is_excel(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES


def read_json(path: Path) -> object:
    import json

    raw = path.read_bytes()
    if not raw.strip():
        raise SourceError("the file is empty", file=path, expected="a JSON report",
                          fix="download the report again")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"not valid JSON ({exc})", file=path, expected="a JSON report",
                          fix="download the report again; do not edit it by hand") from None


def text_preview(path: Path, encoding: str | None, lines: int = 3) -> list[str]:
    """First lines of a file for error messages (never for client outputs)."""
    with open(path, "rb") as fh:
        data = fh.read(4096)
    text = data.decode(encoding or "utf-8", errors="replace")
    return text.splitlines()[:lines]


def open_text(data: bytes, encoding: str) -> io.StringIO:
    return io.StringIO(data.decode(encoding))
