"""Files as clients really have them, for every non-Amazon adapter: GB18030 CSVs and Excel
sheets with merged header cells."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import CASES, IDS, Case, read, write_csv, write_xlsx


def _read(case: Case, path):
    return read(case.type_id, path, path.parent, **case.ctx)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gb18030_csv_reads_like_utf8(case, tmp_path):
    utf8 = _read(case, write_csv(tmp_path / "u" / "a.csv", case.table(), "utf-8"))
    gb = _read(case, write_csv(tmp_path / "g" / "a.csv", case.table(), "gb18030"))
    assert gb.info.encoding == "gb18030"
    (u,), (g,) = utf8.tables.values(), gb.tables.values()
    pd.testing.assert_frame_equal(u, g)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_merged_header_cells(case, tmp_path):
    """A merged title row above, and header cells merged down over two rows."""
    width = len(case.header)
    last = openpyxl.utils.get_column_letter(width)
    bad_row = list(case.rows[1])
    column, value = case.bad
    bad_row[case.header.index(column)] = value
    rows = [["2026年10月 导出"] + [None] * (width - 1), case.header, [None] * width, *case.rows]
    merges = (f"A1:{last}1", *(f"{openpyxl.utils.get_column_letter(i)}2:{openpyxl.utils.get_column_letter(i)}3"
                               for i in range(1, width + 1)))
    good = write_xlsx(tmp_path / "merged.xlsx", rows, merges=merges)
    result = _read(case, good)
    assert result.info.header_row == 2 and result.info.rows == 2
    broken = write_xlsx(tmp_path / "merged_bad.xlsx", [*rows, bad_row], merges=merges)
    with pytest.raises(SourceError) as err:
        _read(case, broken)
    # title = 1, header = 2 (merged with 3), good rows = 4 and 5, the bad row = 6
    assert (err.value.row, err.value.column) == (6, column)
