"""Roster template (花名册) → people."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import FIXTURES, NO_MARKET, only_table, read, write_xlsx

HEADER = ["工号", "姓名", "岗位", "级别", "团队", "负责市场", "入职日期", "离职日期", "直属上级", "任职国家", "月薪"]


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return only_table(read("people", FIXTURES / "templates" / "花名册.xlsx", **NO_MARKET)).set_index("person_id")


def test_roles_levels_markets(people):
    assert people["role"].to_dict() == {"E001": "operations", "E002": "operations", "E003": "customer_service",
                                        "E004": "customer_service", "E005": "advertising",
                                        "E010": "product_development"}
    # 资深 / 高级 / Senior → senior, 初级 → junior
    assert people["level"].tolist() == ["senior", "junior", "senior", "junior", "senior", "senior"]
    # "美国、日本" and "US, JP" both become "US,JP"
    assert people.loc[["E002", "E005", "E010"], "markets"].tolist() == ["US,JP"] * 3


def test_dates_manager_country_salary(people):
    assert people.loc["E003", "end_date"] == pd.Timestamp("2026-10-15")
    assert people["end_date"].notna().sum() == 1            # blank = still employed
    assert people.loc["E001", "start_date"] == pd.Timestamp("2023-03-01")
    assert people.loc["E002", "manager_id"] == "E001"
    assert people.loc["E004", ["employed_in", "monthly_salary", "salary_currency"]].tolist() == ["JP", 260000.0, "JPY"]
    assert people.loc["E001", ["employed_in", "salary_currency"]].tolist() == ["CN", "CNY"]
    assert pd.isna(people.loc["E005", "salary_currency"])   # no salary given


def test_english_csv_roster():
    frame = only_table(read("people", FIXTURES / "templates" / "people_en.csv", **NO_MARKET))
    assert frame["role"].tolist() == ["operations", "operations"]     # Operations, 運営
    assert frame["level"].tolist() == ["junior", "senior"]
    assert frame["monthly_salary"].tolist() == [9500.0, 320000.0]     # "9,500", "320,000"
    assert frame["salary_currency"].tolist() == ["CNY", "JPY"]


def _roster(tmp_path, *rows):
    return write_xlsx(tmp_path / "花名册.xlsx", [HEADER, *rows], sheet="花名册")


def test_unknown_role_names_the_row(tmp_path):
    path = _roster(tmp_path, ["E1", "甲", "运营", "初级"], ["E2", "乙", "老板", "资深"])
    with pytest.raises(SourceError) as err:
        read("people", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column, err.value.found) == (3, "岗位", "老板")
    assert "运营" in err.value.expected


def test_unknown_level_and_duplicate_id(tmp_path):
    path = _roster(tmp_path, ["E1", "甲", "运营", "中级"])
    with pytest.raises(SourceError) as err:
        read("people", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column) == (2, "级别")
    path = _roster(tmp_path, ["E1", "甲", "运营", "初级"], ["E1", "乙", "广告", "初级"])
    with pytest.raises(SourceError) as err:
        read("people", path, tmp_path, **NO_MARKET)
    assert err.value.row == 3 and "appears twice" in str(err.value)


def test_end_before_start(tmp_path):
    path = _roster(tmp_path, ["E1", "甲", "运营", "初级", None, "US", "2026-05-01", "2026-04-30"])
    with pytest.raises(SourceError) as err:
        read("people", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column) == (2, "离职日期")


def test_unknown_market_in_list(tmp_path):
    path = _roster(tmp_path, ["E1", "甲", "运营", "初级", None, "US,火星"])
    with pytest.raises(SourceError) as err:
        read("people", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column) == (2, "负责市场")
