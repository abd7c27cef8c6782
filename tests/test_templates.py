"""The blank template workbooks shipped in kpi_lib/templates/."""
from __future__ import annotations

import openpyxl
import pytest

from kpi_lib.sources._shaping import alias_extras
from kpi_lib.sources.base import load_layouts
from kpi_lib.tables import columns_of
from kpi_lib.templates.build_templates import (INSTRUCTIONS_SHEET, TEMPLATE_DIR, TEMPLATE_TYPES, build_all,
                                               template_spec)
from tests.nonamazon_helpers import NO_MARKET, read, sha256


@pytest.mark.parametrize("type_id", TEMPLATE_TYPES)
def test_shipped_template_reads_as_an_empty_table(type_id):
    path = TEMPLATE_DIR / template_spec(type_id)["file"]
    result = read(type_id, path, TEMPLATE_DIR, **NO_MARKET)
    (table, frame), = result.tables.items()
    assert table == next(iter(load_layouts(type_id).values())).table
    assert len(frame) == 0 and result.info.rows == 0
    assert set(columns_of(table)) <= set(frame.columns)


@pytest.mark.parametrize("type_id", TEMPLATE_TYPES)
def test_shipped_template_matches_its_alias_table(type_id):
    spec = template_spec(type_id)
    book = openpyxl.load_workbook(TEMPLATE_DIR / spec["file"])
    assert book.sheetnames == [spec["sheet"], INSTRUCTIONS_SHEET]
    header = [c.value for c in book[spec["sheet"]][1]]
    assert header == [c["zh"] for c in spec["columns"]]
    notes = book[INSTRUCTIONS_SHEET]
    explained = {row[0] for row in notes.iter_rows(min_row=5, values_only=True)}
    assert explained == set(header)
    english = {row[1] for row in notes.iter_rows(min_row=5, values_only=True)}
    assert english == {c["en"] for c in spec["columns"]}


def test_build_is_deterministic(tmp_path):
    first = {p.name: sha256(p) for p in build_all(tmp_path / "a")}
    second = {p.name: sha256(p) for p in build_all(tmp_path / "b")}
    assert first == second and len(first) == len(TEMPLATE_TYPES)
    book = openpyxl.load_workbook(tmp_path / "a" / "people_template.xlsx")
    assert book.properties.modified.year == 2026 and book.properties.created.year == 2026


@pytest.mark.parametrize("type_id", TEMPLATE_TYPES)
def test_every_template_column_is_explained(type_id):
    meta = alias_extras(type_id)["template"]["columns"]
    layout = next(iter(load_layouts(type_id).values()))
    assert set(meta) == set(layout.columns)
    for info in meta.values():
        # An unquoted comma in a YAML flow mapping splits the text into a stray key.
        assert set(info) <= {"required", "example", "zh", "en"}, info
        assert info["zh"] and info["en"] and isinstance(info["required"], bool)
