"""Helpers for the tests of the non-Amazon adapters (Shopify, TikTok, ERPs, templates)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from kpi_lib.sources import SourceContext, get_adapter
from kpi_lib.sources.base import ReadResult
from kpi_lib.tables import validate_table

FIXTURES = Path(__file__).resolve().parent / "fixtures"
US = {"market": "US", "store": "shop-us", "timezone": "America/Los_Angeles", "currency": "USD"}
# What the pipeline hands an adapter that needs no market: no market, UTC, the base currency.
NO_MARKET = {"market": None, "store": None, "timezone": "UTC", "currency": "CNY"}


def context(type_id: str, data_dir: Path = FIXTURES, **kwargs) -> SourceContext:
    return SourceContext(type=type_id, data_dir=data_dir, **kwargs)


def read(type_id: str, path: Path, data_dir: Path = FIXTURES, **kwargs) -> ReadResult:
    """Read a file with an adapter and check every table against its contract."""
    result = get_adapter(type_id).read(Path(path), context(type_id, data_dir, **kwargs))
    for name, frame in result.tables.items():
        validate_table(name, frame, file=str(path))
    return result


def only_table(result: ReadResult) -> pd.DataFrame:
    (frame,) = result.tables.values()
    return frame


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def all_text(frame: pd.DataFrame) -> str:
    """Every header and cell of a frame as one string (to prove a value is not in it)."""
    return " ".join(map(str, frame.columns)) + " " + frame.astype(str).to_csv(index=False)


def write_xlsx(path: Path, rows: list[list], *, sheet: str = "Sheet1", merges: tuple[str, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([["" if c is None else c for c in r] for r in rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


# -- one small valid file per adapter, for the bad-input tests ---------------------------------
@dataclass
class Case:
    type_id: str
    header: list[str]
    rows: list[list]                     # two good rows
    drop: str                            # a required column the tests remove
    bad: tuple[str, str]                 # (column, value that cannot be read)
    ctx: dict = field(default_factory=dict)

    def table(self) -> list[list]:
        return [self.header, *self.rows]


CASES = [
    Case("shopify_orders", ["Name", "Email", "Currency", "Created at", "Lineitem quantity", "Lineitem name",
                            "Lineitem price", "Lineitem sku"],
         [["#1", "a@example.com", "USD", "2026-10-03 14:02:33 -0400", "1", "野营套装", "19.99", "KIT-001"],
          ["#2", "b@example.com", "USD", "2026-10-04 10:00:00 -0400", "2", "餐具", "5.00", "ACC-010"]],
         drop="Created at", bad=("Lineitem price", "十九块"), ctx=US),
    Case("tiktok_orders", ["Order ID", "Order Status", "Seller SKU", "Product Name", "Quantity",
                           "SKU Subtotal After Discount", "Order Amount", "Created Time"],
         [["576900000000000091", "Shipped", "TT-1", "野营套装", "1", "$5.00", "$5.00", "10/03/2026 02:22:05 PM"],
          ["576900000000000092", "Shipped", "TT-2", "餐具", "2", "$8.00", "$8.00", "10/04/2026 02:22:05 PM"]],
         drop="Created Time", bad=("Created Time", "下午两点"), ctx=US),
    Case("lingxing", ["店铺", "国家", "MSKU", "品名", "销售额", "采购成本", "毛利润"],
         [["tangliuquan-US", "美国", "K1", "野营套装", 100, -20, 80], ["tangliuquan-JP", "日本", "K2", "餐具", 5000, -1000, 4000]],
         drop="毛利润", bad=("销售额", "一百"), ctx={**NO_MARKET, "period": "2026-10"}),
    Case("erp_mapped", ["订单编号", "SKU", "商品数量", "付款时间", "买家姓名"],
         [["MB1", "K1", 2, "2026-10-03 14:22:05", "张三"], ["MB2", "K2", 1, "2026-10-04 14:22:05", "李四"]],
         drop="商品数量", bad=("付款时间", "昨天下午"),
         ctx={**US, "options": {"table": "orders", "column_map": {"order_id": "订单编号", "sku": "SKU",
                                                                  "quantity": "商品数量", "ordered_at": "付款时间"}}}),
    Case("cs_messages", ["消息ID", "店铺", "站点", "买家消息时间", "回复时间", "客服", "是否需回复"],
         [["M1", "s-US", "美国", "2026-10-03 14:22:05", "2026-10-03 16:00:00", "陈静", "是"],
          ["M2", "s-JP", "日本", "2026-10-04 09:00:00", "", "小林", "否"]],
         drop="回复时间", bad=("买家消息时间", "2026-13-45 25:00"), ctx=NO_MARKET),
    Case("people", ["工号", "姓名", "岗位", "级别", "团队", "负责市场", "入职日期", "离职日期", "直属上级", "任职国家", "月薪"],
         [["E1", "王芳", "运营", "资深", "美国一组", "US", "2024-01-01", "", "", "中国", "18000"],
          ["E2", "小林", "客服", "初级", "日本组", "JP", "2025-04-01", "", "E1", "日本", "260000"]],
         drop="级别", bad=("入职日期", "去年春天"), ctx=NO_MARKET),
    Case("ownership", ["工号", "市场", "店铺", "范围类型", "范围", "生效日期", "失效日期"],
         [["E1", "US", "s-US", "SKU", "KIT-*", "2026-01-01", ""], ["E2", "日本", "", "店铺", "s-JP", "2026-01-01", ""]],
         drop="生效日期", bad=("生效日期", "下个月"), ctx=NO_MARKET),
    Case("costs", ["SKU", "市场", "采购成本", "头程成本", "币种"],
         [["K1", "US", "28.5", "6.2", "人民币"], ["K2", "", "3.2", "1.1", "CNY"]],
         drop="头程成本", bad=("采购成本", "二十八"), ctx=NO_MARKET),
    Case("budget", ["月份", "市场", "店铺", "指标", "金额", "币种"],
         [["2026-10", "美国", "", "销售额", "150000", "USD"], ["2026-10", "JP", "", "广告费", "900000", "JPY"]],
         drop="市场", bad=("金额", "十五万"), ctx=NO_MARKET),
    Case("survey", ["编号", "团队", "问题", "评分", "意见"],
         [["R01", "美国一组", "目标清晰吗", "4", "还行"], ["R02", "日本组", "目标清晰吗", "2", ""]],
         drop="评分", bad=("评分", "很好"), ctx=NO_MARKET),
]
IDS = [c.type_id for c in CASES]
