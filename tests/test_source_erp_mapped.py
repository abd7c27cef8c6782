"""ERP exports read through a column map (Tongtool inventory, Mabang orders...)."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from kpi_lib.tables import columns_of
from kpi_lib.sources._shaping import alias_extras
from tests.nonamazon_helpers import FIXTURES, US, all_text, only_table, read, write_xlsx

TONGTOOL = FIXTURES / "erp" / "库存结存清单_20261031.xlsx"
MABANG = FIXTURES / "erp" / "马帮订单导出_202610.xlsx"
TONGTOOL_OPTIONS = {"table": "inventory",
                    "column_map": {"sku": "SKU", "available": "结存数量", "inbound": "在途数量", "developer": "开发员"}}
MABANG_OPTIONS = {"table": "orders", "platform": "shopify",
                  "column_map": {"order_id": "订单编号", "store": "店铺名", "status": "订单状态", "market": "国家二字码",
                                 "sku": "平台SKU", "quantity": "商品数量", "ordered_at": "付款时间",
                                 "item_sales": "商品总金额", "currency": "币种", "owner": "业务员"}}


def test_tongtool_header_on_row_four():
    result = read("erp_mapped", TONGTOOL, **US, options=TONGTOOL_OPTIONS)
    inv = only_table(result)
    assert result.info.header_row == 4 and result.info.rows == 3
    assert inv["sku"].tolist() == ["KIT-001", "ACC-010", "KIT-002"]
    assert inv["available"].tolist() == [120, 60, 0] and inv["inbound"].tolist() == [60, 0, 200]
    assert set(inv["snapshot_date"]) == {pd.Timestamp("2026-10-31")}      # from _20261031 in the name
    assert inv["developer"].tolist() == ["李雷", "李雷", "韩梅"]
    assert set(inv["market"]) == {"US"} and set(inv["store"]) == {"shop-us"}
    assert "头程运费(CNY)" not in inv.columns      # only mapped columns are read


def test_mabang_orders():
    orders = only_table(read("erp_mapped", MABANG, **US, options=MABANG_OPTIONS))
    assert orders["order_id"].nunique() == 2 and len(orders) == 3
    assert orders["quantity"].sum() == 6                        # 2 + 3 + 1
    assert orders["item_sales"].sum() == pytest.approx(84.97)   # 39.98 + 15.00 + 29.99
    assert set(orders["platform"]) == {"shopify"} and set(orders["store"]) == {"shopify-us-main"}
    assert orders["status"].tolist() == ["shipped", "shipped", "unshipped"]    # 已发货, 待审核
    # 2026-10-04 23:59:59 in Los Angeles (PDT) = 2026-10-05 06:59:59 UTC; the day stays the 4th
    assert orders["ordered_at"].iloc[2] == pd.Timestamp("2026-10-05 06:59:59", tz="UTC")
    assert orders["order_date"].iloc[2] == pd.Timestamp("2026-10-04")
    assert set(orders["owner"]) == {"周杰"}
    text = all_text(orders)
    for value in ["Mary Kline", "Bob Roe", "555-0142", "Fresno", "Austin", "93650", "73301"]:
        assert value not in text


def test_timezone_option_reads_naive_times_in_that_zone():
    options = {**MABANG_OPTIONS, "timezone": "Asia/Shanghai"}
    orders = only_table(read("erp_mapped", MABANG, **US, options=options))
    # 2026-10-03 14:22:05 Beijing (UTC+8) = 06:22:05 UTC
    assert orders["ordered_at"].iloc[0] == pd.Timestamp("2026-10-03 06:22:05", tz="UTC")


def test_unknown_table_names_the_key_and_the_choices():
    with pytest.raises(SourceError) as err:
        read("erp_mapped", MABANG, **US, options={"table": "order", "column_map": {"order_id": "订单编号"}})
    assert err.value.key == "options.table" and "orders" in err.value.expected and "did you mean 'orders'" in str(err.value)


def test_unknown_canonical_field_names_the_key_and_valid_fields():
    column_map = {**MABANG_OPTIONS["column_map"], "quantiy": "商品数量"}
    with pytest.raises(SourceError) as err:
        read("erp_mapped", MABANG, **US, options={"table": "orders", "column_map": column_map})
    assert err.value.key == "options.column_map.quantiy"
    assert "quantity" in err.value.expected and "order_date" in err.value.expected
    assert "did you mean 'quantity'" in str(err.value)


def test_column_map_without_a_needed_field():
    column_map = {k: v for k, v in MABANG_OPTIONS["column_map"].items() if k != "quantity"}
    with pytest.raises(SourceError) as err:
        read("erp_mapped", MABANG, **US, options={"table": "orders", "column_map": column_map})
    assert err.value.key == "options.column_map" and "quantity" in str(err.value)


def test_mapped_header_missing_from_the_file_is_named():
    column_map = {**MABANG_OPTIONS["column_map"], "asin": "ASIN码"}
    with pytest.raises(SourceError) as err:
        read("erp_mapped", MABANG, **US, options={"table": "orders", "column_map": column_map})
    assert "ASIN码" in str(err.value) and err.value.row == 1


def test_no_header_row_with_the_mapped_headers():
    with pytest.raises(SourceError) as err:
        read("erp_mapped", MABANG, **US, options={"table": "orders",
                                                   "column_map": {"order_id": "单号", "quantity": "数量",
                                                                  "ordered_at": "时间"}})
    assert err.value.key == "options.column_map" and "单号" in err.value.expected


def test_wrong_sheet_option():
    with pytest.raises(SourceError) as err:
        read("erp_mapped", TONGTOOL, **US, options={**TONGTOOL_OPTIONS, "sheet": "库存"})
    assert err.value.key == "options.sheet" and "库存结存" in err.value.expected


def test_snapshot_date_needed_for_inventory(tmp_path):
    path = write_xlsx(tmp_path / "库存.xlsx", [["SKU", "结存数量"], ["K1", 5]])
    options = {"table": "inventory", "column_map": {"sku": "SKU", "available": "结存数量"}}
    with pytest.raises(SourceError) as err:
        read("erp_mapped", path, tmp_path, **US, options=options)
    assert "snapshot_date" in str(err.value)
    inv = only_table(read("erp_mapped", path, tmp_path, **US, options={**options, "snapshot_date": "2026-10-31"}))
    assert inv["snapshot_date"].tolist() == [pd.Timestamp("2026-10-31")]


def test_profit_table_month_from_period(tmp_path):
    path = write_xlsx(tmp_path / "利润.xlsx", [["SKU", "销售额", "毛利"], ["K1", 100, 30]])
    options = {"table": "profit", "column_map": {"sku": "SKU", "revenue": "销售额", "gross_profit": "毛利"}}
    frame = only_table(read("erp_mapped", path, tmp_path, **US, period="2026-10", options=options))
    assert frame[["month", "revenue", "gross_profit", "currency"]].values.tolist() == [["2026-10", 100.0, 30.0, "USD"]]


def test_alias_table_names_real_fields():
    spec = alias_extras("erp_mapped")
    for table, needs in spec["must_map"].items():
        fields = set(columns_of(table))
        for need in needs:
            assert set(need if isinstance(need, list) else [need]) <= fields, (table, need)
