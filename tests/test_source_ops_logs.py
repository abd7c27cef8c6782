"""The team-log templates: reviews (评价记录), listing changes (Listing修改记录) and FBA inbound
shipments (FBA入仓货件), with Chinese or English headers."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import NO_MARKET, only_table, read, write_csv, write_xlsx

T = pd.Timestamp


def test_reviews_chinese_headers_local_times(tmp_path):
    path = write_xlsx(tmp_path / "评价记录.xlsx", [
        ["评价ID", "市场", "店铺", "ASIN", "SKU", "星级", "评价时间", "回复时间"],
        ["R1", "日本", "JP-Main", "B0AAA", "KIT-1", "2星", "2026-10-03 10:00", "2026-10-03 14:30"],
        ["R2", "US", "US-Main", "B0BBB", "PET-1", "★★★★★", "2026-10-31 23:30", None],
    ], sheet="评价记录")
    frame = only_table(read("reviews", path, tmp_path, **NO_MARKET))
    assert frame["rating"].tolist() == [2.0, 5.0] and frame["market"].tolist() == ["JP", "US"]
    # Times are the marketplace's local time: 10:00 in Tokyo is 01:00 UTC.
    assert frame["reviewed_at"].iloc[0] == T("2026-10-03 01:00", tz="UTC")
    assert frame["response_hours"].iloc[0] == pytest.approx(4.5) and pd.isna(frame["response_hours"].iloc[1])
    # 23:30 in Los Angeles on 10-31 is 11-01 in UTC, but the review's day is the local 10-31.
    assert frame["review_date"].tolist() == [T("2026-10-03"), T("2026-10-31")]


def test_reviews_english_csv_and_bad_rating(tmp_path):
    path = write_csv(tmp_path / "reviews.csv", [["Review ID", "Market", "Store", "ASIN", "Rating", "Review time"],
                                               ["R1", "US", "US-Main", "B0A", "4", "2026-10-03 10:00"]])
    assert only_table(read("reviews", path, tmp_path, **NO_MARKET))["rating"].tolist() == [4.0]
    bad = write_csv(tmp_path / "bad.csv", [["Review ID", "Market", "Rating", "Review time"],
                                          ["R1", "US", "great", "2026-10-03 10:00"]])
    with pytest.raises(SourceError) as err:
        read("reviews", bad, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column, err.value.found) == (2, "Rating", "great")


def test_listing_changes_types_and_people(tmp_path):
    path = write_xlsx(tmp_path / "log.xlsx", [["日期", "市场", "店铺", "ASIN", "SKU", "修改类型", "操作人"],
                                              ["2026-10-08", "美国", "US-Main", "B0A", "KIT-1", "主图", "P014"],
                                              ["2026-10-09", "JP", "JP-Main", "B0B", "KIT-2", "A+", "P014"]])
    frame = only_table(read("listing_changes", path, tmp_path, **NO_MARKET))
    assert frame["change_type"].tolist() == ["main_image", "a_plus"]
    assert frame["changed_by"].tolist() == ["P014", "P014"] and frame["market"].tolist() == ["US", "JP"]


def test_shipments_english_headers_and_currency_default(tmp_path):
    path = write_csv(tmp_path / "ship.csv", [
        ["Shipment ID", "Market", "Store", "SKU", "Units shipped", "Ship date", "Appointment start", "Appointment end",
         "Arrival date", "Freight cost"],
        ["FBA1", "JP", "JP-Main", "KIT-1", "240", "2026-09-06", "2026-10-02", "2026-10-04", "2026-10-21", "1,850"]])
    result = read("shipments", path, tmp_path, **NO_MARKET)
    frame = only_table(result)
    assert frame["freight_cost"].tolist() == [1850.0] and frame["currency"].tolist() == ["CNY"]
    assert frame["arrival_date"].iloc[0] == T("2026-10-21")
    assert any("base currency" in w for w in result.info.warnings)


def test_shipment_window_must_not_end_before_it_starts(tmp_path):
    path = write_csv(tmp_path / "ship.csv", [
        ["货件编号", "市场", "发货日期", "预约开始", "预约结束"],
        ["FBA1", "JP", "2026-09-06", "2026-10-05", "2026-10-02"]])
    with pytest.raises(SourceError) as err:
        read("shipments", path, tmp_path, **NO_MARKET)
    assert err.value.row == 2 and err.value.column == "预约结束"
