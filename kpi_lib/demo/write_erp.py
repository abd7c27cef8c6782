"""Write the Chinese-ERP side of the demo: LingXing (领星) profit and ads exports (XLSX,
REPORT_FORMATS.md §7.1), the CS message log (a gb18030 CSV from the ERP's message
module), and the client's own templates (roster, ownership, costs, budget, survey,
manager ratings) in the agreed header spec, plus the client's current KPI scheme
(现行考核方案) in the suite's ``current_scheme_template.xlsx`` layout."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib.demo import company as co
from kpi_lib.demo import files
from kpi_lib.demo.finance import BUDGET_COLUMNS, COST_COLUMNS, PROFIT_COLUMNS
from kpi_lib.demo.people import MANAGER_RATING_COLUMNS, OWNERSHIP_COLUMNS, ROSTER_COLUMNS, SURVEY_COLUMNS
from kpi_lib.demo.simulate import DemoData
from kpi_lib.demo.xlsx import Sheet, write_xlsx

ERP_USER = "DemoHome-ERP"


def _cells(frame: pd.DataFrame, columns: list[str]) -> list[list[object]]:
    """Plain Python cell values (None for missing) in column order."""
    out = []
    for row in frame[columns].itertuples(index=False):
        cells = []
        for v in row:
            if v is None or (isinstance(v, float) and np.isnan(v)):
                cells.append(None)
            elif isinstance(v, (np.integer,)):
                cells.append(int(v))
            elif isinstance(v, (np.floating,)):
                cells.append(float(v))
            elif isinstance(v, pd.Timestamp):
                cells.append(v.date())
            else:
                cells.append(v)
        out.append(cells)
    return out


def write_lingxing_profit(data: DemoData, root: Path) -> None:
    """利润报表-MSKU per month covering the three Amazon stores (expenses negative)."""
    for month, m in data.profit.groupby("month", sort=True):
        when = files.download_time("lingxing", month, "profit")
        write_xlsx(root / files.lingxing_profit(month), [Sheet("利润报表-MSKU", PROFIT_COLUMNS, _cells(m, PROFIT_COLUMNS))],
                   when, ERP_USER)


LX_ADS_COLUMNS = ["店铺名称", "国家", "类型", "广告组合", "广告活动", "广告组", "MSKU", "ASIN", "广告有效状态", "关键词",
                  "匹配方式", "投放", "用户搜索词", "曝光量", "点击", "CTR", "CPC-本币", "花费-本币", "广告销售额-本币",
                  "直接销售额-本币", "间接销售额-本币", "ACoS", "ROAS", "广告订单", "直接订单", "间接订单", "间接订单占比",
                  "广告销量", "CPA-本币", "CVR", "广告笔单价-本币", "直接笔单价-本币", "间接笔单价-本币"]


def lingxing_ads_rows(rows: pd.DataFrame) -> list[list[object]]:
    """LingXing 推广商品报告 rows: numbers as numbers, rates as ``12.34%`` text and
    LingXing's markers where a ratio cannot be computed (``--``, ``有花费无销售额``,
    ``有花费无订单``)."""
    spec = co.store("JP-Main")
    out = []
    for r in rows.itertuples(index=False):
        direct_orders = int(round(r.orders * 0.88))
        indirect_orders = r.orders - direct_orders
        direct_sales = float(round(r.sales * 0.88))
        indirect_sales = float(r.sales - direct_sales)
        spend = float(r.spend)
        no_sales = spend > 0 and r.sales == 0
        out.append([
            spec.erp_name, spec.country_zh, "SP", r.portfolio, r.campaign, r.ad_group, r.sku, r.asin,
            "有效" if r.clicks > 0 else "已暂停", r.keyword or None, r.match_type or None, r.targeting, r.search_term,
            int(r.impressions), int(r.clicks), f"{100 * r.clicks / r.impressions:.2f}%" if r.impressions else "--",
            round(spend / r.clicks, 2) if r.clicks else "--", spend, float(r.sales), direct_sales, indirect_sales,
            "有花费无销售额" if no_sales else (f"{100 * spend / r.sales:.2f}%" if r.sales else "--"),
            round(r.sales / spend, 2) if spend and r.sales else "--",
            int(r.orders), direct_orders, indirect_orders,
            f"{100 * indirect_orders / r.orders:.2f}%" if r.orders else "--", int(r.units),
            round(spend / r.orders, 2) if r.orders else ("有花费无订单" if spend > 0 else "--"),
            f"{100 * r.orders / r.clicks:.2f}%" if r.clicks else "--",
            round(r.sales / r.orders, 2) if r.orders else "--",
            round(direct_sales / direct_orders, 2) if direct_orders else "--",
            round(indirect_sales / indirect_orders, 2) if indirect_orders else "--",
        ])
    return out


def write_lingxing_ads(data: DemoData, root: Path) -> None:
    """JP-Main Sponsored Products as LingXing's 推广商品报告 (search-term grain), monthly."""
    spec = co.store("JP-Main")
    for month, m in data.ads_search_terms.groupby("month", sort=True):
        when = files.download_time("lingxing", month, "ads")
        write_xlsx(root / files.lingxing_ads(spec.erp_name, month),
                   [Sheet("推广商品报告", LX_ADS_COLUMNS, lingxing_ads_rows(m))], when, ERP_USER)


CS_COLUMNS = ["消息ID", "店铺", "站点", "买家消息时间", "回复时间", "客服", "是否需回复"]


def write_cs_log(data: DemoData, root: Path) -> None:
    """客服消息记录 per month: Beijing times ``2026-10-03 14:22:05``, blank 回复时间 = not
    answered; gb18030 like a Chinese ERP's CSV export."""
    stores = {s.id: s for s in co.STORES}
    cs = data.cs_messages
    received = cs["received_bj"].dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy()
    replied = cs["replied_bj"].dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").to_numpy()
    table = pd.DataFrame({
        "消息ID": cs["message_id"].to_numpy(), "店铺": [stores[s].erp_name for s in cs["store"]],
        "站点": [stores[s].site_zh for s in cs["store"]], "买家消息时间": received, "回复时间": replied,
        "客服": cs["agent_name"].fillna("").to_numpy(), "是否需回复": np.where(cs["needs_reply"], "是", "否"),
    })
    months = cs["month"].to_numpy()
    for month in co.months():
        files.write_table(root / files.cs_log(month), CS_COLUMNS, table[months == month].to_numpy().tolist(),
                          encoding="gb18030")


# -- the client's own templates ------------------------------------------------------------
TEMPLATE_TIME = dt.datetime(2026, 11, 5, 10, 30)


# The client's CURRENT KPI scheme (before the consultant's redesign), in the suite's
# current_scheme_template.xlsx layout, for the diagnosis audit (kpi_lib.diagnosis.audit).
CURRENT_SCHEME = "hr/现行考核方案.xlsx"
SCHEME_FIGURE = ("JP-Main", "2026-10", 1.06)    # the JP team's hand-kept GMV is 6 % above the Business Report
SCHEME_LAUNCH = "2024-03"                       # when the boss introduced the current scheme
# Per-incident fine of the JP team: 5,000 JPY per 1–2-star review, up to 8 times a month.
# For 佐藤美咲 (P006, employed in Japan, 300,000 JPY a month) that is above the art. 91 limits
# of the Labour Standards Act (half a day's wage ≈ 4,891 JPY; 10 % of the month = 30,000 JPY).
SCHEME_FINE = (5000, "JPY", 8)


def current_scheme_rows(data: DemoData) -> list[list[object]]:
    """The 现行考核方案 rows, one per KPI of a role (columns of the template). The scheme
    is the field's classic: the domestic Taobao/Tmall sheets copied (直通车ROI, DSR评分,
    好评返现率; the CS list is the Tmall CS template), seven KPIs per operator, one GMV target
    for junior and senior, no Japan metric for the JP team, sales-only lists for operations
    and advertising, a hand-kept GMV figure that disagrees with the system, a per-review fine
    beyond art. 91 for the JP operators and no exemption for logistics delays."""
    store_id, month, factor = SCHEME_FIGURE
    traffic = data.traffic
    system = float(traffic.loc[(traffic["store"] == store_id) & (traffic["month"] == month), "sales"].sum())
    manual = float(round(system * factor / 1000.0) * 1000.0)
    fine, fine_currency, fine_times = SCHEME_FINE

    def row(role, level, market, metric, weight, target=None, source="系统", manual_value=None, system_value=None,
            figure_month=None, rule=None, amount=None, currency=None, times=None, exemption=None, note=None):
        return [role, level, market, metric, weight, target, source, manual_value, system_value, figure_month,
                rule, amount, currency, times, exemption, note]

    return [
        row("运营", "初级", "US", "销售额", 30, 80000, note="美元；初级、资深同一目标"),
        row("运营", "资深", "US", "销售额", 30, 80000, note="美元"),
        row("运营", "初级", "JP", "销售额", 30, 1600000, "手工", note="日元；初级、资深同一目标"),
        row("运营", "资深", "JP", "销售额", 30, 1600000, "手工", manual, system, month,
            note="日本站全店销售额：组长手工汇总表（按下单日，含取消订单）"),
        row("运营", "全部", "全部", "转化率", 15, 0.12),
        row("运营", "全部", "全部", "客单价", 10, None, "手工"),
        row("运营", "全部", "全部", "直通车ROI", 10, 3, "手工", note="沿用国内淘宝店的考核表"),
        row("运营", "全部", "全部", "访客数", 10, None),
        row("运营", "全部", "US", "DSR评分", 15, 4.8, "手工"),
        row("运营", "全部", "JP", "DSR评分", 15, 4.8, "手工",
            rule=f"每出现一条1-2星差评扣{fine}日元", amount=fine, currency=fine_currency, times=fine_times, note="日本组差评罚款"),
        row("运营", "全部", "全部", "好评返现率", 10, 0.05, "手工"),
        row("广告", "全部", "全部", "销售额", 50, None, note="广告带来的销售额"),
        row("广告", "全部", "全部", "点击率", 30, 0.005),
        row("广告", "全部", "全部", "访客数", 20),
        row("客服", "全部", "全部", "询单转化率", 30, 0.6, "手工", note="天猫客服考核表"),
        row("客服", "全部", "全部", "旺旺响应时间", 20, 30, "手工", note="秒"),
        row("客服", "全部", "全部", "客单价", 15, None, "手工"),
        row("客服", "全部", "全部", "退款率", 20, 0.05),
        row("客服", "全部", "全部", "DSR评分", 15, 4.8, "手工"),
        row("采购", "全部", "全部", "采购成本降低率", 60, 0.03, "手工"),
        row("采购", "全部", "全部", "断货天数", 40, 2),
    ]


def current_scheme_sheets(data: DemoData) -> list[Sheet]:
    """The filled-in template: 现行考核方案, 管理机制 (no change notice, no review, no
    baseline, no logistics exemption) and the template's 说明 sheet."""
    from kpi_lib.diagnosis.scheme import (DATA_SHEET, GOVERNANCE_ITEMS, GOVERNANCE_SHEET, INSTRUCTIONS_SHEET,
                                          TEMPLATE_COLUMNS)

    values = {"change_notice_days": 0, "review_cadence": "无", "baseline_months": 0,
              "launch_month": SCHEME_LAUNCH, "logistics_exemption": "无"}
    governance = [[zh, values.get(name), help_zh, en, help_en]
                  for name, zh, en, help_zh, help_en, _ in GOVERNANCE_ITEMS]
    notes = [[f"'{DATA_SHEET}' (Current scheme): the client's current KPIs, one row per metric of a role.",
              None, None, None, None, None], [None] * 6,
             ["列名", "Column (English)", "必填 / Required", "说明", "Description", "示例 / Example"]]
    notes += [[c.zh, c.en, "是 / Yes" if c.required else "否 / No", c.help_zh, c.help_en, c.example]
              for c in TEMPLATE_COLUMNS]
    notes += [[None] * 6, [f"{GOVERNANCE_SHEET}（Governance）", None, None, None, None, None]]
    notes += [[zh, en, "否 / No", help_zh, help_en, example]
              for _n, zh, en, help_zh, help_en, example in GOVERNANCE_ITEMS]
    intro = (f"{DATA_SHEET}：客户现行KPI方案，每个岗位的每个指标一行；表头可用中文或英文。"
             f"“{GOVERNANCE_SHEET}”工作表填写变更通知、复盘、基线等管理做法。")
    return [Sheet(DATA_SHEET, [c.zh for c in TEMPLATE_COLUMNS], current_scheme_rows(data)),
            Sheet(GOVERNANCE_SHEET, ["项目", "值", "说明", "Item (English)", "Description"], governance),
            Sheet(INSTRUCTIONS_SHEET, [intro, None, None, None, None, None], notes)]


def write_templates(data: DemoData, root: Path) -> None:
    """花名册, 负责范围, 成本表, 2026年度预算, the pilot survey, the current KPI scheme
    (现行考核方案, in the suite's template) and the managers' monthly ratings (主管评级,
    2026-07 … 2026-10, 月份 as text) as XLSX (Excel dates)."""
    write_xlsx(root / files.ROSTER, [Sheet("花名册", ROSTER_COLUMNS, _cells(data.roster, ROSTER_COLUMNS))],
               TEMPLATE_TIME, "HR")
    write_xlsx(root / files.OWNERSHIP, [Sheet("负责范围", OWNERSHIP_COLUMNS, _cells(data.ownership, OWNERSHIP_COLUMNS))],
               TEMPLATE_TIME, "HR")
    write_xlsx(root / files.COSTS, [Sheet("成本", COST_COLUMNS, _cells(data.costs, COST_COLUMNS))],
               TEMPLATE_TIME, "财务")
    write_xlsx(root / files.BUDGET, [Sheet("预算", BUDGET_COLUMNS, _cells(data.budget, BUDGET_COLUMNS))],
               dt.datetime(2025, 12, 20, 16, 0), "财务")
    write_xlsx(root / files.survey("2026-10"), [Sheet("调研", SURVEY_COLUMNS, _cells(data.survey, SURVEY_COLUMNS))],
               dt.datetime(2026, 10, 30, 17, 0), "HR")
    write_xlsx(root / CURRENT_SCHEME, current_scheme_sheets(data), TEMPLATE_TIME, "HR")
    write_xlsx(root / files.MANAGER_RATINGS,
               [Sheet("主管评级", MANAGER_RATING_COLUMNS, _cells(data.manager_ratings, MANAGER_RATING_COLUMNS))],
               TEMPLATE_TIME, "HR")


# -- the team's operational logs (review log, listing change log, FBA inbound shipments) --
REVIEW_COLUMNS = ["评价ID", "市场", "店铺", "ASIN", "SKU", "星级", "评价时间", "回复时间"]
LISTING_COLUMNS = ["日期", "市场", "店铺", "ASIN", "SKU", "修改类型", "操作人"]
SHIPMENT_COLUMNS = ["货件编号", "市场", "店铺", "SKU", "发货数量", "发货日期", "预约开始", "预约结束", "到仓日期",
                    "头程运费", "币种"]


def write_ops_logs(data: DemoData, root: Path) -> None:
    """评价记录 per month (marketplace-local times as text), Listing修改记录 and FBA入仓货件
    (Excel dates) in the suite's template headers."""
    r = data.reviews
    table = pd.DataFrame({
        "评价ID": r["review_id"], "市场": r["market"], "店铺": r["store"], "ASIN": r["asin"], "SKU": r["sku"],
        "星级": r["rating"].astype(int), "评价时间": r["local_time"].dt.strftime("%Y-%m-%d %H:%M"),
        "回复时间": r["responded_local"].dt.strftime("%Y-%m-%d %H:%M").astype(object).where(r["responded_local"].notna(), None)})
    for month, m in table.groupby(r["month"].to_numpy(), sort=True):
        write_xlsx(root / files.reviews(month), [Sheet("评价记录", REVIEW_COLUMNS, _cells(m, REVIEW_COLUMNS))],
                   files.download_time("reviews", month, "reviews"), ERP_USER)
    c = data.listing_changes
    log = pd.DataFrame({"日期": c["change_date"], "市场": c["market"], "店铺": c["store"], "ASIN": c["asin"],
                        "SKU": c["sku"], "修改类型": c["change_type"], "操作人": c["changed_by"]})
    write_xlsx(root / files.LISTING_CHANGES, [Sheet("Listing修改记录", LISTING_COLUMNS, _cells(log, LISTING_COLUMNS))],
               TEMPLATE_TIME, "设计组")
    s = data.shipments
    ship = pd.DataFrame({"货件编号": s["shipment_id"], "市场": s["market"], "店铺": s["store"], "SKU": s["sku"],
                         "发货数量": s["units"], "发货日期": s["ship_date"], "预约开始": s["appointment_start"],
                         "预约结束": s["appointment_end"], "到仓日期": s["arrival_date"], "头程运费": s["freight_cny"],
                         "币种": "CNY"})
    write_xlsx(root / files.SHIPMENTS, [Sheet("FBA入仓货件", SHIPMENT_COLUMNS, _cells(ship, SHIPMENT_COLUMNS))],
               TEMPLATE_TIME, "仓储组")


def write_all(data: DemoData, root: Path) -> None:
    write_ops_logs(data, root)
    write_lingxing_profit(data, root)
    write_lingxing_ads(data, root)
    write_cs_log(data, root)
    write_templates(data, root)
