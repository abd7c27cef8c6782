"""LingXing (领星) exports: profit report, order export, listing export and ads reports."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import FIXTURES, NO_MARKET, all_text, only_table, read, write_xlsx

LX = FIXTURES / "lingxing"


@pytest.fixture(scope="module")
def profit_result():
    return read("lingxing", LX / "2026-10" / "利润报表-MSKU.xlsx", **NO_MARKET)


@pytest.fixture(scope="module")
def profit(profit_result) -> pd.DataFrame:
    return only_table(profit_result).set_index("sku")


# -- profit -------------------------------------------------------------------------------
def test_profit_columns_as_positive_costs(profit):
    us = profit.loc["KIT-001"]
    assert (us["revenue"], us["cogs"], us["freight"], us["ad_cost"]) == (1000.0, 180.0, 60.0, 120.0)
    # 平台费 150 + FBA发货费 200 + 其他订单费用 5 + 推广费 30 + FBA仓储费 15 = 400; the parts of
    # 推广费 (秒杀费 20, 优惠券 10) and of FBA仓储费 (月度仓库费 15) are not added again.
    assert us["fees"] == pytest.approx(400.0)
    assert us["refunds"] == pytest.approx(50.0)
    # gross_profit is LingXing's own figure: 1000 − 50 − 400 − 120 − 180 − 60 = 190
    assert us["gross_profit"] == pytest.approx(190.0)
    assert us["gross_profit"] == pytest.approx(us["revenue"] - us["refunds"] - us["fees"] - us["ad_cost"]
                                               - us["cogs"] - us["freight"])


def test_profit_market_store_currency_month(profit):
    assert profit.loc["KIT-001", ["market", "store", "currency", "month"]].tolist() == ["US", "tangliuquan-US", "USD", "2026-10"]
    jp = profit.loc["JP-KIT-001"]
    assert (jp["market"], jp["currency"]) == ("JP", "JPY")
    assert jp["fees"] == pytest.approx(16500.0)    # 7500 + 9000
    # No 国家 and no 币种: US from "tangliuquan-US", USD as the US market's currency.
    acc = profit.loc["ACC-010"]
    assert (acc["market"], acc["currency"]) == ("US", "USD")
    assert acc["fees"] == pytest.approx(67.5)      # 22.50 + 45.00
    assert pd.isna(acc["ad_cost"]) and pd.isna(acc["gross_margin"])    # "--"


def test_profit_owner_and_developer(profit):
    assert profit["owner"].tolist() == ["王芳", "王芳", "赵敏"]
    assert set(profit["developer"]) == {"李雷"}


def test_profit_info(profit_result):
    info = profit_result.info
    assert (info.layout, info.period, info.market, info.language) == ("profit", "2026-10", "JP,US", "zh")
    assert info.warnings == []       # negative costs are LingXing's normal convention


def test_profit_mixed_cost_signs_warn_and_the_option_decides(tmp_path):
    path = write_xlsx(tmp_path / "利润报表.xlsx", [
        ["店铺", "MSKU", "销售额", "平台费", "采购成本", "毛利润"],
        ["shop-US", "K1", 100, -15, 30, 55], ["shop-US", "K2", 100, 15, -30, 55]])
    result = read("lingxing", path, tmp_path, **{**NO_MARKET, "period": "2026-10"})
    assert any("mix signs" in w for w in result.info.warnings)
    forced = only_table(read("lingxing", path, tmp_path, **{**NO_MARKET, "period": "2026-10"},
                             options={"costs_negative": True}))
    assert forced["fees"].tolist() == [15.0, -15.0] and forced["cogs"].tolist() == [-30.0, 30.0]


def test_profit_month_column_wins_and_positive_costs_stay(tmp_path):
    path = write_xlsx(tmp_path / "利润报表.xlsx", [
        ["月份", "店铺", "MSKU", "销售额", "平台费", "采购成本", "毛利润"],
        [dt.datetime(2026, 9, 1), "shop-JP", "K1", 1000, 150, 300, 550],
        ["2026-10", "shop-JP", "K1", 2000, 300, 600, 1100]])
    frame = only_table(read("lingxing", path, tmp_path, **{**NO_MARKET, "period": "2026-08"}))
    assert frame["month"].tolist() == ["2026-09", "2026-10"]
    assert frame["fees"].tolist() == [150.0, 300.0] and frame["cogs"].tolist() == [300.0, 600.0]
    assert frame["currency"].tolist() == ["JPY", "JPY"]


def test_profit_without_any_month_is_an_error(tmp_path):
    path = write_xlsx(tmp_path / "利润报表.xlsx", [["店铺", "MSKU", "销售额", "采购成本", "毛利润"],
                                               ["shop-US", "K1", 10, -2, 8]])
    with pytest.raises(SourceError) as err:
        read("lingxing", path, tmp_path, **NO_MARKET)
    assert "period" in str(err.value)


# -- orders ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return only_table(read("lingxing", LX / "订单导出.xlsx", **NO_MARKET))


def test_orders_times_in_each_market_zone(orders):
    assert orders["platform"].unique().tolist() == ["amazon"]
    # 2026-10-03 14:22:05 Los Angeles (UTC−7) = 21:22:05 UTC; 2026-10-04 09:00 Tokyo (UTC+9) = 00:00 UTC
    assert orders["ordered_at"].tolist()[:3] == [pd.Timestamp("2026-10-03 21:22:05", tz="UTC")] * 2 + [
        pd.Timestamp("2026-10-04 00:00:00", tz="UTC")]
    # 2026-10-31 23:30 Tokyo is 14:30 UTC but still the 31st in Japan
    assert orders["order_date"].iloc[3] == pd.Timestamp("2026-10-31")
    assert orders["market"].tolist() == ["US", "US", "JP", "JP"]
    assert orders["currency"].tolist() == ["USD", "USD", "JPY", "JPY"]


def test_orders_values_and_status(orders):
    assert orders["quantity"].sum() == 5            # 2 + 1 + 1 + 1
    assert orders["item_sales"].iloc[:2].sum() == pytest.approx(44.98)   # 39.98 + 5.00
    assert pd.isna(orders["item_sales"].iloc[3])     # pending order without a price
    assert orders["status"].tolist() == ["shipped", "shipped", "cancelled", "pending"]
    assert orders["sku"].iloc[0] == "KIT-001" and orders["local_sku"].iloc[0] == "CK-001"


def test_orders_drop_buyer_data(orders):
    text = all_text(orders)
    for value in ["Jane", "山田", "鈴木", "example.com", "555-0100", "090-", "Elm", "千代田", "港区", "01105"]:
        assert value not in text


def test_orders_missing_quantity_column_is_named(tmp_path):
    path = write_xlsx(tmp_path / "订单导出.xlsx", [["店铺", "订单号", "订购日期", "订单状态", "MSKU"],
                                                ["s-US", "1", "2026-10-01 10:00:00", "Shipped", "K1"]])
    with pytest.raises(SourceError) as err:
        read("lingxing", path, tmp_path, **NO_MARKET)
    assert "数量" in str(err.value) and err.value.file == str(path)


# -- listing ------------------------------------------------------------------------------
def test_listing_inventory_snapshot():
    inv = only_table(read("lingxing", LX / "Listing_20261031.xlsx", **NO_MARKET)).set_index("sku")
    assert set(inv["snapshot_date"]) == {pd.Timestamp("2026-10-31")}
    us = inv.loc["KIT-001"]
    # inbound = FBA计划入库 30 + FBA标发在途 20 + FBA入库中 10 = 60; days = 120 ÷ (90 ÷ 30) = 40
    assert (us["available"], us["inbound"], us["days_of_supply"]) == (120.0, 60.0, 40.0)
    jp = inv.loc["JP-KIT-001"]
    assert (jp["market"], jp["available"], jp["inbound"]) == ("JP", 0.0, 40.0)    # "--" and blank count as none
    assert pd.isna(jp["days_of_supply"])     # no sales in 30 days


def test_listing_without_date_in_name(tmp_path):
    rows = [["店铺", "MSKU", "FBA可售"], ["s-US", "K1", 3]]
    path = write_xlsx(tmp_path / "Listing.xlsx", rows)
    with pytest.raises(SourceError) as err:
        read("lingxing", path, tmp_path, **NO_MARKET)
    assert "YYYYMMDD" in str(err.value)
    inv = only_table(read("lingxing", path, tmp_path, **NO_MARKET, options={"snapshot_date": "2026-11-30"}))
    assert inv["snapshot_date"].tolist() == [pd.Timestamp("2026-11-30")]


# -- ads ------------------------------------------------------------------------------------
def test_campaign_report():
    ads = only_table(read("lingxing", LX / "广告活动报告_20261001-20261031.xlsx", **NO_MARKET))
    assert set(ads["period_start"]) == {pd.Timestamp("2026-10-01")} and set(ads["period_end"]) == {pd.Timestamp("2026-10-31")}
    us = ads[ads["market"] == "US"]
    assert us["spend"].sum() == pytest.approx(150.0)             # 120 + 30
    assert us["attributed_sales"].sum() == pytest.approx(480.0)  # "--" is no value, not 0
    assert us["attributed_orders"].isna().tolist() == [False, True]   # 有花费无订单
    assert ads.loc[ads["market"] == "JP", "currency"].tolist() == ["JPY"]


def test_promoted_product_report():
    ads = only_table(read("lingxing", LX / "推广商品报告_20261001-20261031.xlsx", **NO_MARKET))
    assert ads["asin"].tolist() == ["B0KIT00001", "B0ACC00010"] and ads["sku"].tolist() == ["KIT-001", "ACC-010"]
    assert ads["clicks"].sum() == 240 and ads["attributed_units"].sum() == 15


def test_search_term_report_takes_the_period_from_config():
    result = read("lingxing", LX / "用户搜索报告.xlsx", **{**NO_MARKET, "period": "2026-10"})
    ads = only_table(result)
    assert result.info.layout == "ads_search_term"
    assert ads["search_term"].tolist() == ["camp kitchen set", "camping cookware"]
    assert ads["period_end"].tolist() == [pd.Timestamp("2026-10-31")] * 2
    with pytest.raises(SourceError) as err:
        read("lingxing", LX / "用户搜索报告.xlsx", **NO_MARKET)
    assert "period" in str(err.value)


def test_order_in_the_repeated_hour_of_the_dst_change(tmp_path):
    path = write_xlsx(tmp_path / "订单导出.xlsx", [["店铺", "订单号", "订购日期", "订单状态", "MSKU", "数量"],
                                                ["s-US", "1", "2026-11-01 01:30:00", "Shipped", "K1", 1]])
    orders = only_table(read("lingxing", path, tmp_path, **NO_MARKET))
    # 01:30 happens twice in Los Angeles that night; the first (PDT, UTC−7) is taken.
    assert orders["ordered_at"].tolist() == [pd.Timestamp("2026-11-01 08:30:00", tz="UTC")]
