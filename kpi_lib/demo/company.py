"""The demo client's fixed facts: company, stores, months, FX rates, staff, ownership.

Nothing here depends on the seed. The seed only changes how the business *played out*
(orders, traffic, stock, messages); the company, its people and its catalogue stay the
same, so the committed ``client_configs/demo.yaml`` is the same for every seed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

CLIENT_ID = "demo"
COMPANY_ZH = "深圳示例家居科技有限公司"
COMPANY_EN = "Demo Home & Outdoor Ltd."
CONSULTANT = "周明远"                      # fictional consultant
BRAND = "DemoHome"
SECOND_BRAND = "Nestwell"                  # brand of the second US Amazon store

FIRST_MONTH = "2025-07"
LAST_MONTH = "2026-10"                     # last closed month ("today" is 2026-11-28)
TODAY = dt.date(2026, 11, 28)
# FX months cover the history, the running month and the rest of the budget year (the
# budget is converted at planning rates).
FX_MONTHS = pd.period_range("2025-07", "2026-12", freq="M").strftime("%Y-%m").tolist()


def months() -> list[str]:
    """The 16 simulated months, ``YYYY-MM``, oldest first."""
    return pd.period_range(FIRST_MONTH, LAST_MONTH, freq="M").strftime("%Y-%m").tolist()


def days() -> pd.DatetimeIndex:
    """Every simulated calendar day (marketplace-local), 2025-07-01 … 2026-10-31."""
    return pd.date_range(f"{FIRST_MONTH}-01", pd.Period(LAST_MONTH, "M").end_time.normalize(), freq="D")


@dataclass(frozen=True)
class StoreSpec:
    """One store. ``erp_name`` is how ERP exports (LingXing 店铺, the CS log) print it."""

    id: str
    market: str
    platform: str
    currency: str
    timezone: str
    ui_language: str | None
    erp_name: str
    brand: str
    site_zh: str                    # 站点 in Chinese ERP exports
    country_zh: str                 # 国家 in LingXing
    marketplace_id: str | None = None
    sales_channel: str | None = None


STORES: tuple[StoreSpec, ...] = (
    StoreSpec("US-Main", "US", "amazon", "USD", "America/Los_Angeles", "en", "DemoHome-US", BRAND,
              "美国", "美国", "ATVPDKIKX0DER", "Amazon.com"),
    StoreSpec("US-Home", "US", "amazon", "USD", "America/Los_Angeles", "zh", "Nestwell-US", SECOND_BRAND,
              "美国", "美国", "ATVPDKIKX0DER", "Amazon.com"),
    StoreSpec("Shopify-US", "US", "shopify", "USD", "America/Los_Angeles", None, "demohome.com", BRAND,
              "美国", "美国"),
    StoreSpec("TikTok-US", "US", "tiktok", "USD", "America/Los_Angeles", None, "DemoHome Official", BRAND,
              "美国", "美国"),
    StoreSpec("JP-Main", "JP", "amazon", "JPY", "Asia/Tokyo", "ja", "DemoHome-JP", BRAND,
              "日本", "日本", "A1VC38T7YXB528", "Amazon.co.jp"),
)
AMAZON_STORES = tuple(s.id for s in STORES if s.platform == "amazon")


def store(store_id: str) -> StoreSpec:
    for s in STORES:
        if s.id == store_id:
            return s
    raise KeyError(store_id)


# CNY per unit of currency, one rate per month (fictional but in the real 2025-26 range).
FX_RATES: dict[str, dict[str, float]] = {
    "USD": dict(zip(FX_MONTHS, [7.17, 7.19, 7.14, 7.12, 7.11, 7.10, 7.13, 7.16, 7.20,
                                7.24, 7.22, 7.19, 7.21, 7.26, 7.23, 7.18, 7.15, 7.15])),
    "JPY": dict(zip(FX_MONTHS, [0.0485, 0.0489, 0.0482, 0.0474, 0.0468, 0.0463, 0.0461, 0.0467,
                                0.0472, 0.0478, 0.0481, 0.0476, 0.0470, 0.0466, 0.0469, 0.0473,
                                0.0471, 0.0471])),
}


def fx(currency: str, month: str) -> float:
    """CNY per one unit of ``currency`` in ``month`` (1.0 for CNY)."""
    return 1.0 if currency == "CNY" else FX_RATES[currency][month]


# -- people -------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """A roster row. ``salary`` is monthly, in CNY — or JPY for staff employed in Japan."""

    id: str
    name: str
    role_zh: str
    level_zh: str
    team: str
    markets: str
    start: dt.date
    end: dt.date | None
    manager: str | None
    country: str
    salary: int

    @property
    def salary_currency(self) -> str:
        return "JPY" if self.country == "日本" else "CNY"


D = dt.date
PEOPLE: tuple[Person, ...] = (
    Person("P001", "王海涛", "运营", "资深", "美国运营组", "US", D(2021, 3, 15), None, None, "中国", 19000),
    Person("P002", "李静", "运营", "初级", "美国运营组", "US", D(2024, 4, 8), None, "P001", "中国", 9500),
    Person("P003", "张伟", "运营", "资深", "美国运营组", "US", D(2022, 6, 20), D(2026, 10, 24), "P001", "中国", 17000),
    Person("P004", "刘洋", "运营", "初级", "美国运营组", "US", D(2025, 2, 17), None, "P001", "中国", 9000),
    Person("P005", "陈晓", "运营", "资深", "日本运营组", "JP", D(2022, 9, 5), None, None, "中国", 18000),
    Person("P006", "佐藤美咲", "运营", "初级", "日本运营组", "JP", D(2024, 11, 1), None, "P005", "日本", 300000),
    Person("P007", "赵磊", "运营", "初级", "美国运营组", "US", D(2026, 10, 13), None, "P001", "中国", 8500),
    Person("P008", "孙鹏", "广告", "资深", "广告组", "US,JP", D(2021, 11, 22), None, None, "中国", 18000),
    Person("P009", "周婷", "广告", "初级", "广告组", "US", D(2025, 5, 12), None, "P008", "中国", 9000),
    Person("P010", "吴凡", "广告", "初级", "广告组", "JP", D(2024, 8, 19), None, "P008", "中国", 9500),
    Person("P011", "黄丽", "客服", "资深", "客服组", "US", D(2022, 2, 14), None, None, "中国", 8500),
    Person("P012", "林佳", "客服", "初级", "客服组", "US", D(2025, 3, 3), None, "P011", "中国", 6500),
    Person("P013", "山田由香", "客服", "初级", "客服组", "JP", D(2025, 1, 20), None, "P011", "日本", 260000),
    Person("P014", "何静怡", "美工", "资深", "设计组", "US,JP", D(2022, 4, 11), None, None, "中国", 13000),
    Person("P015", "马强", "仓储", "初级", "仓储组", "US,JP", D(2023, 7, 3), None, None, "中国", 6500),
    Person("P016", "郭涛", "采购", "资深", "采购组", "US,JP", D(2021, 8, 9), None, None, "中国", 14000),
)
PERSON_BY_ID = {p.id: p for p in PEOPLE}
PRODUCT_DEVELOPER = "郭涛"        # LingXing 产品开发负责人: the buyer also develops products

# The story of October 2026 (the last closed month):
NEW_HIRE = "P007"                 # joins 2026-10-13, takes over OUT-* from the leaver
LEAVER = "P003"                   # leaves 2026-10-24; PET-* handed to P004 on 2026-10-16
HANDOVER_DATE = D(2026, 10, 16)
# The "sudden drop": US-Home (owned by P002) loses its top listings to a suppression.
SUPPRESSION = ("US-Home", D(2026, 8, 4), D(2026, 8, 26))

# -- ownership: who is responsible for what, with effective dates -------------------
# (工号, 市场, 店铺, 范围类型, 范围, 生效日期, 失效日期). Scopes of different roles may
# cover the same store (the CS agent and the operator of US-Home); within one role
# they never overlap on a day.
START = D(2025, 7, 1)
OWNERSHIP: tuple[tuple, ...] = (
    ("P001", "US", "US-Main", "SKU", "KIT-*", START, None),
    ("P001", "US", "US-Main", "SKU", "TOY-*", START, None),
    ("P001", "US", "Shopify-US", "店铺", "Shopify-US", START, None),
    ("P002", "US", "US-Home", "店铺", "US-Home", START, None),
    ("P003", "US", "US-Main", "SKU", "PET-*", START, D(2026, 10, 15)),
    ("P003", "US", "US-Main", "SKU", "OUT-*", START, D(2026, 10, 24)),
    ("P004", "US", "US-Main", "SKU", "HOM-*", START, None),
    ("P004", "US", "TikTok-US", "店铺", "TikTok-US", START, None),
    ("P004", "US", "US-Main", "SKU", "PET-*", HANDOVER_DATE, None),
    ("P007", "US", "US-Main", "SKU", "OUT-*", D(2026, 10, 25), None),
    ("P005", "JP", "JP-Main", "SKU", "KIT-*", START, None),
    ("P005", "JP", "JP-Main", "SKU", "HOM-*", START, None),
    # JP toys are few: listed one ASIN at a time (filled in from the catalogue).
    ("P005", "JP", "JP-Main", "ASIN", "@JP-TOY", START, None),
    ("P006", "JP", "JP-Main", "SKU", "PET-*", START, None),
    ("P006", "JP", "JP-Main", "SKU", "OUT-*", START, None),
    ("P008", "US", "US-Main", "广告活动", "SP-KIT-*", START, None),
    ("P008", "US", "US-Main", "广告活动", "SP-HOM-*", START, None),
    ("P008", "US", "US-Main", "广告活动", "SP-TOY-*", START, None),
    ("P008", "US", "US-Home", "广告活动", "SP-*", START, None),
    ("P009", "US", "US-Main", "广告活动", "SP-PET-*", START, None),
    ("P009", "US", "US-Main", "广告活动", "SP-OUT-*", START, None),
    ("P010", "JP", "JP-Main", "广告活动", "SP-*", START, None),
    ("P011", "US", "US-Main", "店铺", "US-Main", START, None),
    ("P012", "US", "US-Home", "店铺", "US-Home", START, None),
    ("P012", "US", "Shopify-US", "店铺", "Shopify-US", START, None),
    ("P012", "US", "TikTok-US", "店铺", "TikTok-US", START, None),
    ("P013", "JP", "JP-Main", "店铺", "JP-Main", START, None),
    # Design, warehouse and purchasing work for every Amazon store (store scope).
    ("P014", "US", "US-Main", "店铺", "US-Main", START, None),
    ("P014", "US", "US-Home", "店铺", "US-Home", START, None),
    ("P014", "JP", "JP-Main", "店铺", "JP-Main", START, None),
    ("P015", "US", "US-Main", "店铺", "US-Main", START, None),
    ("P015", "US", "US-Home", "店铺", "US-Home", START, None),
    ("P015", "JP", "JP-Main", "店铺", "JP-Main", START, None),
    ("P016", "US", "US-Main", "店铺", "US-Main", START, None),
    ("P016", "US", "US-Home", "店铺", "US-Home", START, None),
    ("P016", "JP", "JP-Main", "店铺", "JP-Main", START, None),
)

# -- the JP logistics delay (declared as an exemption in the config) -----------------
JP_DELAY_START = D(2026, 10, 5)
JP_DELAY_END = D(2026, 10, 20)
JP_DELAY_ARRIVAL = D(2026, 10, 21)       # the stuck container was finally received

PILOT_TEAM = "日本运营组"
PILOT_START = "2026-09"
PILOT_CYCLES = 2
# The pilot works: from PILOT_START the demand of the listings the pilot team's operators
# own grows by this share (on top of season, events and the October logistics delay).
PILOT_LIFT = 0.08
# Month and market where the LingXing profit report disagrees with the Business Report
# (Amazon JP held a disbursement, LingXing counts by settlement date).
LINGXING_CONFLICT = ("2026-09", "JP", 0.93)

# -- manager ratings (主管评级), compared with the metric scores in the monthly retro -----
GENERAL_MANAGER = "陈建国"                 # rates the team leads (no 直属上级 in the roster)
RATING_MONTHS = ("2026-07", "2026-08", "2026-09", "2026-10")
# Each person's usual monthly rating, in line with how their metrics score.
USUAL_RATINGS: dict[str, str] = {
    "P001": "A", "P002": "B", "P003": "B", "P004": "B", "P005": "A", "P006": "B", "P007": "B", "P008": "A",
    "P009": "B", "P010": "B", "P011": "C", "P012": "B", "P013": "B", "P014": "B", "P015": "B", "P016": "B",
}
# Two October ratings clearly out of line with the scores (for the retro to flag):
# (工号, 月份, 主管评级, 评语).
RATING_MISMATCHES: tuple[tuple[str, str, str, str], ...] = (
    ("P011", "2026-10", "A", "老员工，态度认真，辛苦了"),          # the lowest-scoring CS agent rated A
    ("P005", "2026-10", "C", "日本断货影响大，需要改进"),          # a top scorer rated C
)
