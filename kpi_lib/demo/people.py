"""The demo client's people-side tables: roster (花名册), ownership (负责范围) and the
pilot staff survey (试点调研), in the agreed template columns."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.demo import company as co
from kpi_lib.demo.catalog import jp_toy_asins

ROSTER_COLUMNS = ["工号", "姓名", "岗位", "级别", "团队", "负责市场", "入职日期", "离职日期", "直属上级", "任职国家", "月薪"]
OWNERSHIP_COLUMNS = ["工号", "市场", "店铺", "范围类型", "范围", "生效日期", "失效日期"]
SURVEY_COLUMNS = ["编号", "团队", "问题", "评分", "意见"]


def roster() -> pd.DataFrame:
    """花名册: one row per person. Dates are ``datetime.date`` (Excel dates when written);
    离职日期 and 直属上级 are None when empty; 月薪 in CNY, or JPY for 任职国家 日本."""
    return pd.DataFrame([[p.id, p.name, p.role_zh, p.level_zh, p.team, p.markets, p.start, p.end,
                          p.manager, p.country, p.salary] for p in co.PEOPLE], columns=ROSTER_COLUMNS)


def ownership(listings: pd.DataFrame) -> pd.DataFrame:
    """负责范围: who owns which store / SKU pattern / ASIN / campaign pattern from when to
    when (失效日期 None = still owned). The ``@JP-TOY`` placeholder in
    :data:`company.OWNERSHIP` expands to one ASIN row per JP toy listing."""
    rows = []
    for pid, market, store_id, kind, scope, start, end in co.OWNERSHIP:
        if scope == "@JP-TOY":
            rows += [[pid, market, store_id, kind, asin, start, end] for asin in jp_toy_asins(listings)]
        else:
            rows.append([pid, market, store_id, kind, scope, start, end])
    return pd.DataFrame(rows, columns=OWNERSHIP_COLUMNS)


def owner_on(ownership_rows: list[tuple], store_id: str, sku: str, asin: str | None,
             day: pd.Timestamp) -> str | None:
    """The operator (person id) owning a listing on ``day`` under the 店铺 / SKU / ASIN
    scopes of 运营 staff in :func:`ownership` rows (as tuples) — what an ERP's single 负责人 field
    shows (it knows no handover dates: one name per MSKU)."""
    ops = {p.id for p in co.PEOPLE if p.role_zh == "运营"}
    d = day.date()
    for pid, _m, s, kind, scope, start, end in ownership_rows:
        if pid not in ops or s != store_id or d < start or (end is not None and d > end):
            continue
        if (kind == "店铺" or (kind == "SKU" and sku.startswith(scope.rstrip("*")))
                or (kind == "ASIN" and asin == scope)):
            return pid
    return None


QUESTIONS = [
    "我清楚自己的KPI指标和计算方式",
    "KPI目标考虑了我的级别和负责的市场，是公平的",
    "我认可系统数据（后台报表、ERP）统计出的结果",
    "KPI让我把精力放在真正重要的工作上",
    "奖金与绩效挂钩的方式合理",
    "物流延误等不可控因素得到了合理豁免",
]
# Mean score per team and question (the pilot team knows the scheme best; the US
# operators doubt the data after the ERP/Business Report mismatch; CS likes the clarity).
TEAM_MEANS = {
    "日本运营组": (4.5, 3.8, 3.4, 4.2, 3.9, 4.6),
    "美国运营组": (3.6, 3.1, 3.0, 3.5, 3.2, 3.4),
    "广告组": (4.0, 3.7, 3.9, 3.8, 3.5, 3.6),
    "客服组": (4.3, 3.9, 4.0, 4.0, 3.6, 3.8),
    "设计组": (3.4, 3.2, 3.5, 3.1, 3.3, 3.5),
    "仓储组": (3.8, 3.5, 3.6, 3.7, 3.4, 4.1),
    "采购组": (3.9, 3.6, 3.8, 3.7, 3.5, 4.0),
}
COMMENTS = {
    "日本运营组": ["ERP利润表9月的销售额比后台少了不少，希望先把数据口径统一再算奖金",
                 "物流延误期间断货能豁免很好，但证明材料要求太多",
                 "日本站评价回复的要求比美国高，权重设置合理"],
    "美国运营组": ["初级和资深的目标差距可以再大一点", "希望交接期间的业绩能分清楚归属",
                 "指标有点多，月底核对数据花很多时间"],
    "广告组": ["ACoS目标大促月份应该放宽", "建议TACoS按店铺而不是按个人考核"],
    "客服组": ["周末值班也算进24小时响应，希望排班能配合", "模板回复太多会影响评价"],
    "设计组": ["美工的点击率受广告影响很大，不完全是图片的原因"],
    "仓储组": ["入仓预约经常被亚马逊改期，准时率不完全可控"],
    "采购组": ["断货天数和库存周转天数有冲突，希望一起看"],
}


def survey(rng: np.random.Generator) -> pd.DataFrame:
    """调研: anonymous Likert answers (1–5) of everyone employed through October 2026
    except the new hire, one row per respondent × question; 意见 (free text) on a few rows."""
    staff = [p for p in co.PEOPLE if p.end is None and p.id != co.NEW_HIRE]
    order = rng.permutation(len(staff))           # codes are not in staff-number order
    rows = []
    for code_no, idx in enumerate(order, start=1):
        person = staff[int(idx)]
        means = TEAM_MEANS[person.team]
        comment_q = int(rng.integers(0, len(QUESTIONS))) if rng.random() < 0.6 else -1
        for q, question in enumerate(QUESTIONS):
            score = int(np.clip(np.round(rng.normal(means[q], 0.7)), 1, 5))
            comment = ""
            if q == comment_q:
                pool = COMMENTS[person.team]
                comment = pool[int(rng.integers(0, len(pool)))]
            rows.append([f"R{code_no:02d}", person.team, question, score, comment or None])
    return pd.DataFrame(rows, columns=SURVEY_COLUMNS)


MANAGER_RATING_COLUMNS = ["工号", "月份", "主管评级", "评价人", "评语"]


def _active_in(person: co.Person, month: str) -> bool:
    period = pd.Period(month, "M")
    return person.start <= period.end_time.date() and (person.end is None or person.end >= period.start_time.date())


def manager_ratings() -> pd.DataFrame:
    """主管评级: one S/A/B/C/D per employee active in the month, 2026-07 … 2026-10, by the
    direct manager (the general manager for team leads). Mostly each person's usual rating
    (:data:`company.USUAL_RATINGS`, in line with their metric scores), with the two ratings
    out of line in 2026-10 of :data:`company.RATING_MISMATCHES` for the monthly retro."""
    planted = {(pid, month): (rating, comment) for pid, month, rating, comment in co.RATING_MISMATCHES}
    rows = []
    for month in co.RATING_MONTHS:
        for p in co.PEOPLE:
            if not _active_in(p, month):
                continue
            rater = co.PERSON_BY_ID[p.manager].name if p.manager else co.GENERAL_MANAGER
            rating, comment = planted.get((p.id, month), (co.USUAL_RATINGS[p.id], None))
            rows.append([p.id, month, rating, rater, comment])
    return pd.DataFrame(rows, columns=MANAGER_RATING_COLUMNS)
