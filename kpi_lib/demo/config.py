"""The demo client's config, ``client_configs/demo.yaml``, as commented YAML text.

The text does not depend on the seed (the company, its stores and its scheme are the
same in every simulated history), and it is written by hand rather than dumped so that
a consultant can read it as a worked example of the config format.
"""
from __future__ import annotations

from kpi_lib.demo import company as co
from kpi_lib.demo import files

DATA_DIR = "../client_data/demo"


def _store_line(s: co.StoreSpec) -> str:
    ui = f", ui_language: {s.ui_language}" if s.ui_language else ""
    name = f'"{s.erp_name}"' if " " in s.erp_name else s.erp_name
    return f"      - {{id: {s.id}, platform: {s.platform}, name: {name}{ui}}}"


def _fx_block() -> str:
    lines = []
    for currency, by_month in co.FX_RATES.items():
        lines.append(f"  {currency}:")
        lines += [f"    {month}: {rate}" for month, rate in by_month.items()]
    return "\n".join(lines)


def _glob(path: str, *parts_to_star: str) -> str:
    for part in parts_to_star:
        path = path.replace(part, "*")
    return path


def _sources() -> str:
    """One source per kind of file; Amazon reports are one store's each."""
    month = co.LAST_MONTH
    lines = ["sources:", "  # Amazon Seller Central, one block per store. Business Reports have no date",
             "  # column: the period is the YYYY-MM folder the report is saved in."]
    for sid in co.AMAZON_STORES:
        s = co.store(sid)
        enc = "\n    encoding: cp932" if s.market == "JP" else ""
        lines += [
            f"  - type: amazon_business_report",
            f"    path: raw/amazon/{sid}/business_report/*/BusinessReport-*.csv",
            f"    market: {s.market}",
            f"    store: {sid}",
            f"  - type: amazon_orders",
            f"    path: {_glob(files.amazon_orders(sid, month), month)}",
            f"    market: {s.market}",
            f"    store: {sid}{enc}",
            f"  - type: amazon_returns",
            f"    path: {_glob(files.amazon_returns(sid, month), month)}",
            f"    market: {s.market}",
            f"    store: {sid}{enc}",
            f"  - type: amazon_inventory",
            f"    path: raw/amazon/{sid}/inventory/FBA-Inventory-Planning-*.csv",
            f"    market: {s.market}",
            f"    store: {sid}{enc}",
            f"  - type: amazon_account_health",
            f"    path: raw/amazon/{sid}/account_health/AccountHealth-*.json",
            f"    market: {s.market}",
            f"    store: {sid}",
        ]
    lines += [
        "  # Sponsored Products: US-Main from the new Ads console (English), US-Home from the",
        "  # console in Chinese; JP ads come from LingXing (below).",
        "  - type: amazon_ads",
        "    path: raw/amazon/US-Main/ads/*/Sponsored_Products_Advertised_product_report.csv",
        "    market: US",
        "    store: US-Main",
        "  - type: amazon_ads",
        "    path: raw/amazon/US-Home/ads/*/推广的商品报告.csv",
        "    market: US",
        "    store: US-Home",
        "  - type: shopify_orders",
        "    path: raw/shopify/orders_export_*.csv",
        "    market: US",
        "    store: Shopify-US",
        "  # TikTok names its export by download time, not by the month it covers.",
        "  - type: tiktok_orders",
        "    path: raw/tiktok/All order-*.csv",
        "    market: US",
        "    store: TikTok-US",
        "  # LingXing (领星) ERP: the profit report covers all Amazon stores (店铺 = store name);",
        "  # the JP ads report (推广商品报告) is one store's.",
        "  - type: lingxing",
        "    path: raw/lingxing/利润报表-MSKU-*.xlsx",
        "  - type: lingxing",
        "    path: raw/lingxing/推广商品报告-*.xlsx",
        "    market: JP",
        "    store: JP-Main",
        "  # The ERP's buyer-message log, a gb18030 CSV (times are Beijing time).",
        "  - type: cs_messages",
        "    path: raw/cs/客服消息记录-*.csv",
        "    encoding: gb18030",
        "  # The client's own sheets, in the suite's templates.",
        "  - type: people",
        f"    path: {files.ROSTER}",
        "  - type: ownership",
        f"    path: {files.OWNERSHIP}",
        "  - type: costs",
        f"    path: {files.COSTS}",
        "  - type: budget",
        f"    path: {files.BUDGET}",
        "  - type: survey",
        "    path: survey/试点调研-*.xlsx",
        "  # Each month's manager rating (S/A/B/C/D) per employee, for the monthly retro.",
        "  - type: manager_ratings",
        f"    path: {files.MANAGER_RATINGS}",
        "  # The team's own logs, in the suite's templates: reviews and the seller's responses",
        "  # (marketplace-local times), the designer's listing changes, FBA inbound shipments.",
        "  - type: reviews",
        "    path: ops/评价记录-*.xlsx",
        "  - type: listing_changes",
        f"    path: {files.LISTING_CHANGES}",
        "  - type: shipments",
        f"    path: {files.SHIPMENTS}",
    ]
    return "\n".join(lines)


HEADER = """\
# Demo client — 深圳示例家居科技有限公司 (Demo Home & Outdoor Ltd.)
#
# Written by `kpi demo` (kpi_lib.demo.config). Do not edit by hand: a test checks that this
# file is exactly what the generator writes; change kpi_lib/demo/config.py and regenerate.
#
# A client config says who the client is, where its raw exports are and how its KPI scheme
# works. Anything left out is filled in from the package defaults
# (kpi_lib/defaults/markets.yaml and roles.yaml); unknown keys are errors.
"""


def config_text() -> str:
    """The full text of ``client_configs/demo.yaml``."""
    us = [s for s in co.STORES if s.market == "US"]
    jp = [s for s in co.STORES if s.market == "JP"]
    ex_start, ex_end = co.JP_DELAY_START, co.JP_DELAY_END
    return HEADER + f"""
client_id: {co.CLIENT_ID}
name: {co.COMPANY_ZH} ({co.COMPANY_EN})
report_language: zh             # reports and scorecards in Chinese (zh | en)
base_currency: CNY              # all money is converted to CNY with fx_rates below
consultant: {co.CONSULTANT}

# Markets take currency, time zone and event calendar from the market template.
# Stores: `id` is how this config, the ownership sheet and file folders name a store;
# `name` is how ERP exports (LingXing 店铺, the CS log) print it; `ui_language` is the
# Seller Central language its reports are downloaded in (US-Home is run in Chinese).
markets:
  - id: US
    stores:
{chr(10).join(_store_line(s) for s in us)}
  - id: JP
    stores:
{chr(10).join(_store_line(s) for s in jp)}

# CNY per unit of currency, one rate per month (every month with data, plus the current one).
fx_rates:
{_fx_block()}

# Relative paths are relative to this file. Client data is confidential: it lives outside
# git (client_data/ is ignored) and is only ever read.
data_dir: {DATA_DIR}

# One entry per kind of export: `type` names the adapter, `path` is a glob under data_dir.
{_sources()}

# Roles take their metrics, weights and junior/senior tiers from the role templates.
# Weights are percent and must add up to 100. A market list replaces the template's list
# for that market whole.
roles:
  operations:
    template: operations
    weights:
      # Japan: returns, reviews and stock-outs weigh more than in the US template.
      JP: {{gmv: 30, gross_margin: 20, return_rate: 10, negative_review_rate: 10, stockout_days: 10, days_of_supply: 10, unit_session_pct: 10}}
  advertising:
    template: advertising
  customer_service:
    template: customer_service
  design:
    template: design
  warehouse:
    template: warehouse
  purchasing:
    template: purchasing

# Payout curve: attainment = actual ÷ target (inverted for lower-is-better metrics).
# Below 80 % of target a metric scores 0; 80 % → 60 points, 100 % → 100, capped at 120 %.
scoring:
  curve: linear
  threshold: 0.8
  target: 1.0
  cap: 1.2
  ratings: {{S: 110, A: 100, B: 85, C: 70, D: 0}}   # minimum total score for each rating

# Monthly target bonus (CNY) by level, times the rating's multiplier; the whole month's
# payout is capped at budget_cap.
bonus:
  currency: CNY
  target_bonus: {{junior: 3000, senior: 6000}}
  multiplier:
    - {{rating: S, multiplier: 1.3}}
    - {{rating: A, multiplier: 1.0}}
    - {{rating: B, multiplier: 0.8}}
    - {{rating: C, multiplier: 0.5}}
    - {{rating: D, multiplier: 0.0}}
  budget_cap: 80000

# Force majeure declared in advance: these metrics are left out for the affected people
# and days, and the remaining weights are renormalised.
exemptions:
  - id: jp-inbound-delay-2026-10
    kind: logistics_delay
    market: JP
    start: {ex_start.isoformat()}
    end: {ex_end.isoformat()}
    metrics: [stockout_days, gmv]
    evidence: "9月上旬发出的日本海运柜（12个SKU，原定10-03入仓）因东京港拥堵及FBA入仓预约改期，{ex_start:%m-%d}至{ex_end:%m-%d}无法上架，{co.JP_DELAY_ARRIVAL:%m-%d}完成入库；附货代延误通知和FBA货件记录。"
    approved_by: 陈建国（总经理）

# The 日本运营组 team runs the scheme for two monthly cycles before everyone else.
pilot:
  team: {co.PILOT_TEAM}
  start: {co.PILOT_START}
  cycles: {co.PILOT_CYCLES}

governance:
  change_notice_days: 7         # KPI changes are announced a week ahead
  review_cadence: monthly       # monthly KPI review meeting
  baseline_months: 3            # months of history frozen as the baseline
"""
