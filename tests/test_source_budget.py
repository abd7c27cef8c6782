"""Budget template (预算) → budget."""
from __future__ import annotations

import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import FIXTURES, NO_MARKET, only_table, read, write_csv


def test_budget():
    result = read("budget", FIXTURES / "templates" / "预算.xlsx", **NO_MARKET)
    frame = only_table(result)
    # "2026-10", an Excel date 2026-10-01, "2026-10", "2026/11"
    assert frame["month"].tolist() == ["2026-10", "2026-10", "2026-10", "2026-11"]
    assert frame["measure"].tolist() == ["gmv", "ad_spend", "net_profit", "gmv"]   # 销售额 广告费 净利润 GMV
    assert frame["market"].tolist() == ["US", "US", "JP", "US"]
    assert frame["amount"].sum() == 150000 + 15000 + 1200000 + 160000
    # The last line has no 币种: the US market's currency, with a warning.
    assert frame["currency"].tolist() == ["USD", "USD", "JPY", "USD"]
    assert result.info.period == "2026-10..2026-11" and result.info.warnings


def test_unknown_measure_and_bad_month(tmp_path):
    header = ["月份", "市场", "店铺", "指标", "金额", "币种"]
    path = write_csv(tmp_path / "a.csv", [header, ["2026-10", "US", "", "利润率", "5", "USD"]])
    with pytest.raises(SourceError) as err:
        read("budget", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column, err.value.found) == (2, "指标", "利润率")
    path = write_csv(tmp_path / "b.csv", [header, ["2026-10", "US", "", "销售额", "5", "USD"],
                                          ["十月", "US", "", "销售额", "5", "USD"]])
    with pytest.raises(SourceError) as err:
        read("budget", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column) == (3, "月份")
