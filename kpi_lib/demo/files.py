"""Where the demo writes each export (paths relative to the client's data_dir), when it
was "downloaded", and a CSV/TSV writer that reproduces each export's encoding, BOM,
delimiter, quoting and line endings."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd


def download_time(key: str, month: str, kind: str) -> dt.datetime:
    """When the export of ``month`` was downloaded: 2–5 days after the month end, in
    office hours. Fixed per (store, month, kind) — not seed dependent — so file names
    never change between runs."""
    h = zlib.crc32(f"{key}|{month}|{kind}".encode("utf-8"))
    day = pd.Timestamp(month + "-01") + pd.offsets.MonthEnd(0) + pd.Timedelta(days=2 + h % 4)
    return day.to_pydatetime().replace(hour=9 + (h >> 8) % 9, minute=(h >> 16) % 60)


def business_report(store: str, month: str) -> str:
    """``raw/amazon/US-Main/business_report/2026-10/BusinessReport-03-11-26.csv``
    (the name carries the download date DD-MM-YY; the folder names the period)."""
    t = download_time(store, month, "business_report")
    return f"raw/amazon/{store}/business_report/{month}/BusinessReport-{t:%d-%m-%y}.csv"


def amazon_orders(store: str, month: str) -> str:
    return f"raw/amazon/{store}/orders/All-Orders-{month}.txt"


def amazon_returns(store: str, month: str) -> str:
    return f"raw/amazon/{store}/returns/FBA-Customer-Returns-{month}.txt"


def amazon_inventory(store: str, snapshot: pd.Timestamp) -> str:
    return f"raw/amazon/{store}/inventory/FBA-Inventory-Planning-{snapshot:%Y-%m-%d}.csv"


def account_health(store: str, month_end: pd.Timestamp) -> str:
    return f"raw/amazon/{store}/account_health/AccountHealth-{month_end:%Y-%m-%d}.json"


def ads_console(store: str, month: str) -> str:
    return f"raw/amazon/{store}/ads/{month}/Sponsored_Products_Advertised_product_report.csv"


def ads_console_zh(store: str, month: str) -> str:
    return f"raw/amazon/{store}/ads/{month}/推广的商品报告.csv"


def lingxing_ads(erp_store: str, month: str) -> str:
    return f"raw/lingxing/推广商品报告-{erp_store}-{month}.xlsx"


def lingxing_profit(month: str) -> str:
    return f"raw/lingxing/利润报表-MSKU-{month}.xlsx"


def shopify_orders(month: str) -> str:
    return f"raw/shopify/orders_export_{month}.csv"


def tiktok_orders(month: str) -> str:
    """``raw/tiktok/All order-2026-11-02-10_15.csv``: TikTok names the file by the
    download time, not by the period it covers."""
    t = download_time("TikTok-US", month, "orders")
    return f"raw/tiktok/All order-{t:%Y-%m-%d-%H_%M}.csv"


def cs_log(month: str) -> str:
    return f"raw/cs/客服消息记录-{month}.csv"


def reviews(month: str) -> str:
    """The CS team's monthly review log (评价记录, from the ERP's review module)."""
    return f"ops/评价记录-{month}.xlsx"


LISTING_CHANGES = "ops/Listing修改记录.xlsx"
SHIPMENTS = "ops/FBA入仓货件.xlsx"
ROSTER = "hr/花名册.xlsx"
MANAGER_RATINGS = "hr/主管评级.xlsx"
OWNERSHIP = "hr/负责范围.xlsx"
COSTS = "finance/成本表.xlsx"
BUDGET = "finance/2026年度预算.xlsx"


def survey(month: str) -> str:
    return f"survey/试点调研-{month}.xlsx"


def write_table(path: Path, header: Sequence[str] | None, rows: Iterable[Sequence[object]], *,
                encoding: str, delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL,
                lineterminator: str = "\r\n", extra_rows_after_header: Iterable[Sequence[object]] = ()) -> None:
    """Write a delimited text export. ``encoding`` is a Python codec (``utf-8-sig``
    writes the BOM); characters the codec cannot encode raise — the demo must never
    silently write ``?`` into a cp932 or gb18030 file."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator)
    if header is not None:
        w.writerow(header)
    w.writerows(extra_rows_after_header)
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode(encoding, errors="strict"))
