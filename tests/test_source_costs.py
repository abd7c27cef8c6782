"""Unit-cost template (成本) → costs."""
from __future__ import annotations

import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import FIXTURES, NO_MARKET, only_table, read, write_csv


def test_costs():
    frame = only_table(read("costs", FIXTURES / "templates" / "成本.xlsx", **NO_MARKET))
    assert frame["sku"].tolist() == ["KIT-001", "KIT-001", "ACC-010", "JP-KIT-001"]
    assert frame["unit_cogs"].tolist() == [28.5, 28.5, 3.2, 620.0]
    assert frame["unit_first_leg"].tolist() == [6.2, 9.0, 1.1, 180.0]
    assert frame["currency"].tolist() == ["CNY", "CNY", "CNY", "JPY"]       # 人民币 → CNY
    assert frame["market"].isna().tolist() == [False, False, True, False]   # blank = every market
    assert frame["market"].iloc[3] == "JP"                                  # 日本


def test_no_currency_column_takes_the_base_currency_with_a_warning(tmp_path):
    path = write_csv(tmp_path / "成本.csv", [["SKU", "市场", "采购成本", "头程成本"], ["K1", "", "10", "2"]])
    result = read("costs", path, tmp_path, **NO_MARKET)
    assert only_table(result)["currency"].tolist() == ["CNY"]
    assert any("币种" in w for w in result.info.warnings)


def test_blank_currency_cell_and_negative_cost(tmp_path):
    header = ["SKU", "市场", "采购成本", "头程成本", "币种"]
    path = write_csv(tmp_path / "a.csv", [header, ["K1", "US", "10", "2", "CNY"], ["K2", "US", "10", "2", ""]])
    with pytest.raises(SourceError) as err:
        read("costs", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column) == (3, "币种")
    path = write_csv(tmp_path / "b.csv", [header, ["K1", "US", "-10", "2", "CNY"]])
    with pytest.raises(SourceError) as err:
        read("costs", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column) == (2, "采购成本")
