"""Ownership template (负责范围) → ownership."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import FIXTURES, NO_MARKET, only_table, read, write_csv

HEADER = ["工号", "市场", "店铺", "范围类型", "范围", "生效日期", "失效日期"]


def test_scopes_markets_dates():
    frame = only_table(read("ownership", FIXTURES / "templates" / "负责范围.xlsx", **NO_MARKET))
    assert frame["scope"].tolist() == ["sku", "sku", "store", "campaign", "asin"]   # SKU, 店铺, 广告活动, ASIN
    assert frame["market"].tolist() == ["US", "US", "JP", "US", "US"]              # 美国 → US
    assert frame["pattern"].tolist()[:2] == ["KIT-*", "KIT-*"]
    # A mid-month handover: E001 until 10-15, E002 from 10-16, open-ended.
    assert frame["to_date"].iloc[0] == pd.Timestamp("2026-10-15")
    assert frame["from_date"].iloc[1] == pd.Timestamp("2026-10-16") and pd.isna(frame["to_date"].iloc[1])
    assert pd.isna(frame["store"].iloc[2])


def test_english_headers(tmp_path):
    path = write_csv(tmp_path / "ownership.csv", [
        ["Employee ID", "Market", "Store", "Scope type", "Scope", "From", "To"],
        ["E1", "JP", "", "campaign", "JP-*", "2026-01-01", ""]])
    frame = only_table(read("ownership", path, tmp_path, **NO_MARKET))
    assert frame[["person_id", "market", "scope", "pattern"]].values.tolist() == [["E1", "JP", "campaign", "JP-*"]]


def test_unknown_scope_type_names_the_row(tmp_path):
    path = write_csv(tmp_path / "负责范围.csv", [HEADER, ["E1", "US", "", "SKU", "A-*", "2026-01-01", ""],
                                                   ["E1", "US", "", "品类", "厨具", "2026-01-01", ""]])
    with pytest.raises(SourceError) as err:
        read("ownership", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column, err.value.found) == (3, "范围类型", "品类")


def test_to_before_from_and_missing_pattern(tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, ["E1", "US", "", "SKU", "A-*", "2026-02-01", "2026-01-31"]])
    with pytest.raises(SourceError) as err:
        read("ownership", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column) == (2, "失效日期")
    path = write_csv(tmp_path / "b.csv", [HEADER, ["E1", "US", "", "SKU", "", "2026-02-01", ""]])
    with pytest.raises(SourceError) as err:
        read("ownership", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column) == (2, "范围")
