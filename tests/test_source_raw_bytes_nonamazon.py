"""Reading never changes a raw file: every non-Amazon fixture hashes the same before and after."""
from __future__ import annotations

import pytest

from kpi_lib.sources import get_adapter
from tests.nonamazon_helpers import FIXTURES, NO_MARKET, US, context, sha256

REAL_FIXTURES = [
    ("shopify_orders", "shopify/orders_export_1.csv", US),
    ("shopify_orders", "shopify/orders_export_2019.csv", US),
    ("tiktok_orders", "tiktok/All order-2026-10-08-16_03.csv", US),
    ("tiktok_orders", "tiktok/All order-2026-10-02-09_00-mx.csv", {**US, "market": "MX", "currency": None}),
    ("lingxing", "lingxing/2026-10/利润报表-MSKU.xlsx", NO_MARKET),
    ("lingxing", "lingxing/订单导出.xlsx", NO_MARKET),
    ("lingxing", "lingxing/Listing_20261031.xlsx", NO_MARKET),
    ("lingxing", "lingxing/广告活动报告_20261001-20261031.xlsx", NO_MARKET),
    ("lingxing", "lingxing/推广商品报告_20261001-20261031.xlsx", NO_MARKET),
    ("lingxing", "lingxing/用户搜索报告.xlsx", {**NO_MARKET, "period": "2026-10"}),
    ("erp_mapped", "erp/库存结存清单_20261031.xlsx",
     {**US, "options": {"table": "inventory", "column_map": {"sku": "SKU", "available": "结存数量"}}}),
    ("erp_mapped", "erp/马帮订单导出_202610.xlsx",
     {**US, "options": {"table": "orders", "column_map": {"order_id": "订单编号", "quantity": "商品数量",
                                                          "ordered_at": "付款时间"}}}),
    ("cs_messages", "cs_messages/客服消息_2026-10_gb18030.csv", NO_MARKET),
    ("cs_messages", "cs_messages/客服消息_2026-10_utf8sig.csv", NO_MARKET),
    ("cs_messages", "cs_messages/message_log_2026-10.xlsx", NO_MARKET),
    ("people", "templates/花名册.xlsx", NO_MARKET),
    ("people", "templates/people_en.csv", NO_MARKET),
    ("ownership", "templates/负责范围.xlsx", NO_MARKET),
    ("costs", "templates/成本.xlsx", NO_MARKET),
    ("budget", "templates/预算.xlsx", NO_MARKET),
    ("survey", "templates/调研.xlsx", NO_MARKET),
]


@pytest.mark.parametrize("type_id, relative, ctx", REAL_FIXTURES, ids=[f[1] for f in REAL_FIXTURES])
def test_raw_fixture_bytes_unchanged(type_id, relative, ctx):
    path = FIXTURES / relative
    before, mtime = sha256(path), path.stat().st_mtime_ns
    result = get_adapter(type_id).read(path, context(type_id, **ctx))
    assert result.info.rows > 0
    assert sha256(path) == before and path.stat().st_mtime_ns == mtime
    assert set(f["source_file"].iloc[0] for f in result.tables.values()) == {relative}
