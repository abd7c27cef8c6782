"""Bad input for every non-Amazon adapter: each must fail with a SourceError a consultant
can act on (file, row, column), never a traceback. (Cases: tests/nonamazon_helpers.py.)"""
from __future__ import annotations

import pytest

from kpi_lib.errors import SourceError
from kpi_lib.tables import columns_of
from tests.nonamazon_helpers import CASES, IDS, NO_MARKET, Case, read, write_csv, write_xlsx


def _read(case: Case, path):
    return read(case.type_id, path, path.parent, **case.ctx)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_good_rows_read(case, tmp_path):
    frame, = _read(case, write_csv(tmp_path / "good.csv", case.table())).tables.values()
    assert len(frame) == 2


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_missing_required_column_names_column_and_file(case, kind, tmp_path):
    keep = [i for i, h in enumerate(case.header) if h != case.drop]
    rows = [[r[i] for i in keep] for r in case.table()]
    path = (write_csv(tmp_path / "missing.csv", rows) if kind == "csv"
            else write_xlsx(tmp_path / "missing.xlsx", rows))
    with pytest.raises(SourceError) as err:
        _read(case, path)
    assert case.drop in str(err.value)
    assert err.value.file == str(path)
    assert err.value.row == 1        # the header row


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_unparseable_value_names_row_and_column(case, kind, tmp_path):
    column, value = case.bad
    bad_row = list(case.rows[1])
    bad_row[case.header.index(column)] = value
    rows = [case.header, *case.rows, bad_row]          # header = row 1, the bad row = row 4
    path = write_csv(tmp_path / "bad.csv", rows) if kind == "csv" else write_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(SourceError) as err:
        _read(case, path)
    assert (err.value.row, err.value.column, err.value.found) == (4, column, value)
    assert err.value.file == str(path)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"], ids=["zero-bytes", "bom-only", "blank-lines"])
def test_empty_csv(case, content, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError) as err:
        _read(case, path)
    assert err.value.file == str(path) and err.value.fix


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_zero_byte_and_broken_xlsx(case, tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(SourceError) as err:
        _read(case, empty)
    assert "empty" in str(err.value)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(SourceError) as err:
        _read(case, broken)
    assert err.value.file == str(broken)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_header_only_is_an_empty_table(case, kind, tmp_path):
    path = (write_csv(tmp_path / "header.csv", [case.header]) if kind == "csv"
            else write_xlsx(tmp_path / "header.xlsx", [case.header]))
    result = _read(case, path)
    (table, frame), = result.tables.items()
    assert len(frame) == 0 and result.info.rows == 0
    assert set(columns_of(table)) <= set(frame.columns)


def test_file_without_the_signature_names_the_expected_headers(tmp_path):
    path = write_csv(tmp_path / "roster.csv", [["工号", "岗位", "级别"], ["E1", "运营", "初级"]])
    with pytest.raises(SourceError) as err:
        read("people", path, tmp_path, **NO_MARKET)
    assert "姓名" in err.value.expected and err.value.file == str(path)
