"""The client's *current* KPI scheme, as the audit reads it: from the client YAML or from
the shipped Excel template ``current_scheme_template.xlsx``.

Both give a :class:`CurrentScheme`: one row per role × level × market × metric
(``SCHEME_ROW_COLUMNS``), the role tiers, the pay deductions and the governance facts
(change notice, review cadence, baseline, launch month, logistics-delay exemption).

The template's data sheet ``现行考核方案`` has one row per KPI of a role::

    岗位 | 级别 | 市场 | 指标 | 权重 | 目标值 | 数据来源 | 手工统计值 | 系统数值 | 数值月份 |
    扣款规则 | 扣款金额 | 扣款币种 | 每月最多扣款次数 | 豁免条款 | 备注

(English headers accepted: Role | Level | Market | Metric | Weight | Target | Data source |
Manual figure | System figure | Figure month | Deduction rule | Deduction amount |
Deduction currency | Max deductions per month | Exemption | Note). The ``管理机制``
(Governance) sheet holds one item per row: 变更提前通知天数, 复盘频率, 基线月数, 上线月份,
物流延误豁免. Units: weights in percent (30 or 30%; a sheet of fractions 0.3 is read as
percent), targets and figures in the metric's unit (12% = 0.12), deduction amounts in
money of the deduction currency (blank = the employee's salary currency) or, written with
%, as a share of the monthly salary.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from kpi_lib.config.loader import role_id_for, role_templates
from kpi_lib.config.models import ClientConfig
from kpi_lib.errors import KpiErrors, SourceError
from kpi_lib.readers import text as rt
from kpi_lib.readers import values as rv

KNOWLEDGE_FILE = Path(__file__).resolve().parent.parent / "defaults" / "audit_knowledge.yaml"

SCHEME_ROW_COLUMNS = ["role", "level", "market", "metric_id", "metric_label", "weight", "target",
                      "data_source", "manual_value", "system_value", "figure_month", "deduction_rule",
                      "deduction_amount", "deduction_share", "deduction_currency", "deduction_max_per_month",
                      "exemption", "source_row"]
TIER_COLUMNS = ["role", "level", "target_factor", "own_weights"]
DEDUCTION_COLUMNS = ["role", "level", "market", "metric_id", "metric_label", "amount", "share", "currency",
                     "max_per_month", "rule"]
ALL = "all"          # level / market value meaning "every level" / "every market"
DATA_SHEET = "现行考核方案"
GOVERNANCE_SHEET = "管理机制"
INSTRUCTIONS_SHEET = "说明"
TEMPLATE_FILE = "current_scheme_template.xlsx"


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template: field name, Chinese and English header, other accepted
    spellings, whether it is required, help text and an example."""

    field: str
    zh: str
    en: str
    aliases: tuple[str, ...]
    required: bool
    help_zh: str
    help_en: str
    example: str


TEMPLATE_COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn("role", "岗位", "Role", ("职位", "Position"), True,
                   "岗位：运营/广告/客服/美工/采购/仓储/产品开发", "Role: Operations, Advertising, Customer service, "
                   "Design, Purchasing, Warehouse, Product development", "运营"),
    TemplateColumn("level", "级别", "Level", ("职级",), False,
                   "初级 / 资深 / 全部（留空=全部）", "Junior / Senior / All (blank = all)", "初级"),
    TemplateColumn("market", "市场", "Market", ("站点", "Marketplace"), False,
                   "US / JP / 全部（留空=全部）", "US / JP / All (blank = all)", "JP"),
    TemplateColumn("metric", "指标", "Metric", ("考核指标", "指标名称", "KPI"), True,
                   "指标名称，按客户现行方案原样填写（如 GMV完成率、直通车ROI）",
                   "Metric as the client's scheme names it (e.g. GMV attainment)", "GMV完成率"),
    TemplateColumn("weight", "权重", "Weight", ("权重(%)", "权重%", "Weight (%)", "Weight %"), False,
                   "权重，百分数（30 或 30%）；同一岗位、级别、市场合计100", "Weight in percent (30 or 30%); "
                   "a role's weights for one level and market add up to 100", "30"),
    TemplateColumn("target", "目标值", "Target", ("目标",), False,
                   "目标值，按指标单位（金额、12%、天数）", "Target in the metric's unit (money, 12%, days)", "1500000"),
    TemplateColumn("data_source", "数据来源", "Data source", ("来源", "Source"), False,
                   "系统 或 手工（系统=后台/ERP自动取数；手工=人工统计表）",
                   "System or Manual (system = Seller Central / ERP; manual = a hand-kept sheet)", "手工"),
    TemplateColumn("manual_value", "手工统计值", "Manual figure", ("手工数值",), False,
                   "最近一个月手工表里的数值（用于与系统数据核对）",
                   "The latest month's figure in the manual sheet (checked against the system)", "1250000"),
    TemplateColumn("system_value", "系统数值", "System figure", ("系统值",), False,
                   "同一月份系统（后台/ERP）的数值", "The same month's figure from the system (Seller Central / ERP)",
                   "1180000"),
    TemplateColumn("figure_month", "数值月份", "Figure month", ("统计月份",), False,
                   "上面两个数值的月份（YYYY-MM）", "Month of the two figures (YYYY-MM)", "2026-09"),
    TemplateColumn("deduction_rule", "扣款规则", "Deduction rule", ("扣罚规则",), False,
                   "未达标时的扣款规则（文字说明；无扣款留空）", "Pay deduction when missed (text; blank = none)",
                   "未达80%扣500元"),
    TemplateColumn("deduction_amount", "扣款金额", "Deduction amount", ("每次扣款金额",), False,
                   "每次扣款金额；写成百分数表示月薪的比例（如 5%）", "Amount per deduction; with % a share of the "
                   "monthly salary (e.g. 5%)", "500"),
    TemplateColumn("deduction_currency", "扣款币种", "Deduction currency", ("币种",), False,
                   "扣款金额的币种（CNY/JPY；留空=员工工资币种）",
                   "Currency of the amount (CNY/JPY; blank = the employee's salary currency)", "CNY"),
    TemplateColumn("deduction_max_per_month", "每月最多扣款次数", "Max deductions per month", ("每月扣款次数",), False,
                   "一个月内该项最多扣款几次（留空=1次）", "How many times a month it can be deducted (blank = once)", "1"),
    TemplateColumn("exemption", "豁免条款", "Exemption", ("豁免", "豁免规则"), False,
                   "该指标的豁免条件（如 物流延误、平台故障；无则留空）",
                   "When the metric is exempted (e.g. logistics delay, platform outage; blank = never)", "物流延误"),
    TemplateColumn("note", "备注", "Note", ("说明",), False, "备注", "Notes", ""),
)

# Items of the governance sheet: field, zh, en, help zh, help en, example.
GOVERNANCE_ITEMS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("change_notice_days", "变更提前通知天数", "Change notice days",
     "KPI 变更提前几天通知团队（没有此做法填 0 或留空）",
     "Days of notice the team gets before a KPI change (0 or blank = no such practice)", "7"),
    ("review_cadence", "复盘频率", "Review cadence", "KPI 复盘会频率：每月 / 每季度 / 无",
     "How often KPIs are reviewed: monthly / quarterly / none", "每月"),
    ("baseline_months", "基线月数", "Baseline months", "方案上线前记录了几个月的基线数据（0=没有）",
     "Months of baseline data recorded before launch (0 = none)", "3"),
    ("launch_month", "上线月份", "Launch month", "方案上线（或计划上线）的月份 YYYY-MM",
     "Month the scheme started (or will start), YYYY-MM", "2026-09"),
    ("logistics_exemption", "物流延误豁免", "Logistics-delay exemption",
     "是否有极端物流延误的豁免机制：有 / 无", "Is there an exemption for extreme logistics delays: yes / no", "有"),
)

_LEVELS = {"junior": ["初级", "junior", "初", "新人", "専任"], "senior": ["资深", "高级", "senior", "高", "シニア"],
           ALL: ["全部", "所有", "不分", "all", "any", "-", "—"]}
_MARKETS = {"US": ["美国", "美区", "美国站", "united states", "usa"], "JP": ["日本", "日本站", "japan"],
            ALL: ["全部", "所有", "不分", "all", "any", "-", "—", "default"]}
_SOURCES = {"system": ["系统", "后台", "erp", "system", "auto", "自动"],
            "manual": ["手工", "人工", "手动", "excel", "manual", "表格"]}
_CADENCE = {"monthly": ["每月", "月度", "月", "monthly", "month"], "quarterly": ["每季度", "季度", "quarterly", "quarter"],
            "none": ["无", "没有", "不复盘", "none", "no", "never", "0"]}
_YES_NO = {True: ["有", "是", "yes", "y", "true", "1", "✓"], False: ["无", "没有", "否", "no", "n", "false", "0"]}


def _key(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return re.sub(r"\s+", " ", text).casefold()


def _lookup(spellings: dict) -> dict[str, object]:
    out: dict[str, object] = {}
    for canonical, words in spellings.items():
        out[_key(canonical)] = canonical
        for w in words:
            out[_key(w)] = canonical
    return out


@functools.cache
def knowledge() -> dict:
    """The audit's field knowledge (``defaults/audit_knowledge.yaml``)."""
    return yaml.safe_load(KNOWLEDGE_FILE.read_text(encoding="utf-8"))


@functools.cache
def _metric_lookup() -> dict[str, str]:
    from kpi_lib.metrics.registry import metrics

    out: dict[str, str] = {}
    for mid, metric in metrics().items():
        for name in (mid, *metric.names.values()):
            out.setdefault(_key(name), mid)
    for mid, aliases in (knowledge().get("metric_aliases") or {}).items():
        for alias in aliases:
            out.setdefault(_key(alias), mid)
    return out


def metric_id_for(label: object) -> str | None:
    """The registry id of a metric as a client names it (``GMV完成率`` → ``gmv``), or None."""
    if label is None or (isinstance(label, float) and pd.isna(label)) or label is pd.NA:
        return None
    return _metric_lookup().get(_key(label))


@dataclass(frozen=True, eq=False)
class CurrentScheme:
    """A client's current KPI scheme in one shape, whatever it was read from.

    ``rows``: ``SCHEME_ROW_COLUMNS`` (weight in percent; ``level``/``market`` ``all`` when
    the row applies to every level / market; ``metric_id`` <NA> for a metric the registry
    does not know, e.g. a domestic one). ``tiers``: ``TIER_COLUMNS`` (the target factor per
    role and level; ``own_weights`` when the level has its own weight list).
    ``deductions``: ``DEDUCTION_COLUMNS`` (``amount`` in ``currency``, or ``share`` of the
    monthly salary). ``governance``: change_notice_days, review_cadence, baseline_months,
    launch_month, logistics_exemption (None = not stated). ``markets``: the client's
    market ids. ``origin``: where it was read from (for evidence); ``kind``: ``config``
    (targets live in target files, levels differ by tier factors) or ``workbook``."""

    rows: pd.DataFrame
    governance: dict
    markets: tuple[str, ...]
    tiers: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TIER_COLUMNS))
    deductions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DEDUCTION_COLUMNS))
    origin: str = ""
    kind: str = "workbook"          # "config" or "workbook"


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in SCHEME_ROW_COLUMNS})


def _rows_frame(records: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame.from_records(records, columns=SCHEME_ROW_COLUMNS) if records else _empty_rows()
    for c in ("weight", "target", "manual_value", "system_value", "deduction_amount", "deduction_share",
              "deduction_max_per_month"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out


def scheme_from_rows(rows: list[dict] | pd.DataFrame, *, governance: dict | None = None,
                     markets: tuple[str, ...] | list[str] = (), tiers: list[dict] | pd.DataFrame | None = None,
                     deductions: list[dict] | pd.DataFrame | None = None, kind: str = "workbook",
                     origin: str = "") -> CurrentScheme:
    """A scheme from plain records (tests, or a scheme typed in a notebook). Each row
    needs ``role`` and ``metric_label`` or ``metric_id``; ``level`` / ``market`` default
    to ``all``; a missing ``metric_id`` is resolved from the label. ``deductions`` rows
    use ``DEDUCTION_COLUMNS`` (``amount`` or ``share``; ``max_per_month`` default 1)."""
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else [dict(r) for r in rows]
    for r in records:
        r.setdefault("level", ALL)
        r.setdefault("market", ALL)
        if not r.get("metric_id"):
            r["metric_id"] = metric_id_for(r.get("metric_label"))
        r.setdefault("metric_label", r["metric_id"])
    frame = _rows_frame(records)
    frame["level"] = frame["level"].fillna(ALL)
    frame["market"] = frame["market"].fillna(ALL)
    gov = {item[0]: None for item in GOVERNANCE_ITEMS}
    gov.update(governance or {})
    ded = pd.DataFrame(deductions if deductions is not None else [], columns=DEDUCTION_COLUMNS)
    for c in ("role", "level", "market"):
        ded[c] = ded[c].astype(object).where(ded[c].notna(), ALL)
    ded["max_per_month"] = pd.to_numeric(ded["max_per_month"], errors="coerce").fillna(1.0)
    for c in ("amount", "share"):
        ded[c] = pd.to_numeric(ded[c], errors="coerce").astype(float)
    named = [m for m in dict.fromkeys(frame["market"]) if m != ALL]
    return CurrentScheme(rows=frame, governance=gov, markets=tuple(markets or named),
                         tiers=pd.DataFrame(tiers if tiers is not None else [], columns=TIER_COLUMNS),
                         deductions=ded, origin=origin, kind=kind)


# -- from the client config ---------------------------------------------------------
def scheme_from_config(config: ClientConfig) -> CurrentScheme:
    """The scheme a client YAML describes: roles × market weight lists (``default`` spread
    over the markets without their own list), tiers with their target factors, pay
    deductions from ``governance.deductions`` and the governance facts. Metrics come
    from the suite's system data, so every row's data source is ``system``."""
    markets = tuple(m.id for m in config.markets)
    records, tiers = [], []
    for rid, role in config.roles.items():
        weights = dict(role.weights or {})
        # Templates carry a JP list even for a client without Japan: only the client's markets count.
        own = {k: v for k, v in weights.items() if k != "default" and k in markets}
        lists = dict(own)
        if "default" in weights:
            for m in markets:
                lists.setdefault(m, weights["default"])
        tier_lists: dict[str, dict] = {}
        for level, tier in (role.tiers or {}).items():
            tiers.append({"role": rid, "level": level, "target_factor": tier.target_factor,
                          "own_weights": bool(tier.weights)})
            for market_key, w in (tier.weights or {}).items():
                for m in (markets if market_key == "default" else [market_key]):
                    tier_lists.setdefault(level, {})[m] = w
        for market, wl in lists.items():
            levels = [lv for lv in tier_lists if market in tier_lists[lv]]
            plan = [(lv, tier_lists[lv][market]) for lv in levels]
            if len(levels) < 2:
                plan.append((ALL if not levels else ("senior" if levels == ["junior"] else "junior"), wl))
            for level, wlist in plan:
                for mid, w in wlist.items():
                    records.append({"role": rid, "level": level, "market": market, "metric_id": mid,
                                    "metric_label": mid, "weight": float(w), "data_source": "system",
                                    "source_row": f"roles.{rid}.weights.{market}"})
    gov = config.governance
    governance = {
        "change_notice_days": gov.change_notice_days if gov else None,
        "review_cadence": gov.review_cadence if gov else None,
        "baseline_months": gov.baseline_months if gov else None,
        "launch_month": config.pilot.start if config.pilot else None,
        # The config declares exemptions as events; one for a logistics delay shows the
        # client has (and uses) the practice.
        "logistics_exemption": any(e.kind == "logistics_delay" for e in config.exemptions) or None,
    }
    deductions = deductions_from_mapping(gov.deductions if gov else None)
    return CurrentScheme(rows=_rows_frame(records), governance=governance, markets=markets,
                         tiers=pd.DataFrame(tiers, columns=TIER_COLUMNS), deductions=deductions,
                         origin=str(config.config_path or config.client_id), kind="config")


def deductions_from_mapping(spec: dict | None) -> pd.DataFrame:
    """Pay deductions written under ``governance.deductions`` in the client YAML::

        deductions:
          currency: CNY                 # currency of the amounts (default: salary currency)
          rules:
            - {role: operations, metric: gmv, amount: 500, max_per_month: 1, market: JP, level: junior}
            - {role: customer_service, metric: response_rate_24h, amount: "5%"}   # 5 % of salary

    or the short form ``{operations: {gmv: 500}}`` (role → metric → amount per deduction).
    ``role``/``level``/``market`` default to all; ``max_per_month`` to 1."""
    if not spec:
        return pd.DataFrame(columns=DEDUCTION_COLUMNS)
    currency = spec.get("currency")
    rules = spec.get("rules")
    if rules is None:
        rules = [{"role": role, "metric": metric, "amount": amount}
                 for role, by_metric in spec.items() if role != "currency" and isinstance(by_metric, dict)
                 for metric, amount in by_metric.items()]
    records = []
    for rule in rules:
        amount, share = _money_or_share(rule.get("amount"))
        metric = rule.get("metric")
        records.append({"role": rule.get("role", ALL), "level": rule.get("level", ALL),
                        "market": rule.get("market", ALL), "metric_id": metric_id_for(metric) if metric else None,
                        "metric_label": metric, "amount": amount, "share": share,
                        "currency": rule.get("currency", currency),
                        "max_per_month": float(rule.get("max_per_month", 1) or 1), "rule": rule.get("note")})
    return pd.DataFrame(records, columns=DEDUCTION_COLUMNS)


def _money_or_share(value: object) -> tuple[float, float]:
    """(amount, share of salary): ``"5%"`` → (nan, 0.05); ``500`` / ``"¥500"`` → (500, nan)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return float("nan"), float("nan")
    if isinstance(value, (int, float)):
        return float(value), float("nan")
    cell = pd.Series([str(value)])
    if "%" in str(value):
        return float("nan"), float(rv.parse_percent(cell).iloc[0])
    number = rv.parse_number(cell.str.replace(r"[^\d.,\-()$¥￥]", "", regex=True)).iloc[0]
    return float(number), float("nan")


# -- from the Excel template ----------------------------------------------------------
def _aliases() -> dict[str, list[str]]:
    return {c.field: [c.zh, c.en, *c.aliases] for c in TEMPLATE_COLUMNS}


def read_scheme_workbook(path: str | Path, *, markets: tuple[str, ...] | list[str] | None = None) -> CurrentScheme:
    """Read a filled-in ``current_scheme_template.xlsx`` (Chinese or English headers).

    ``markets`` are the client's market ids (default: those the sheet names). Every bad
    cell is reported at once (:class:`KpiErrors` of :class:`SourceError` naming the row
    and column)."""
    path = Path(path)
    signature = rt.Signature.of(_aliases(), ["role", "metric"])
    found = rt.read_excel_table(path, [signature])
    if found is None:
        raise SourceError("no current-scheme sheet found", file=path,
                          expected=f"a sheet '{DATA_SHEET}' whose header row has 岗位 and 指标 (Role and Metric)",
                          fix=f"fill in kpi_lib/templates/{TEMPLATE_FILE} (copy it; keep its header row)")
    raw, _ = found
    headers = rt.resolve_columns(list(raw.frame.columns), _aliases())
    frame = raw.frame
    errors: list[SourceError] = []

    def cells(name: str) -> pd.Series:
        return frame[headers[name]] if name in headers else pd.Series(pd.NA, index=frame.index, dtype="string")

    def bad(position: int, name: str, found_value: object, expected: str, fix: str) -> None:
        errors.append(SourceError(f"cannot read {name}", file=path, row=raw.file_row(position),
                                  column=headers.get(name, name), found=found_value, expected=expected, fix=fix))

    def translate(name: str, vocab: dict, expected: str, default: object, passthrough: str | None = None) -> list:
        lookup = _lookup(vocab)
        out = []
        for i, v in enumerate(cells(name).tolist()):
            if v is None or v is pd.NA or _key(v) == "":
                out.append(default)
            elif _key(v) in lookup:
                out.append(lookup[_key(v)])
            elif passthrough and re.fullmatch(passthrough, str(v).strip()):
                out.append(str(v).strip().upper())
            else:
                out.append(default)
                bad(i, name, v, expected, f"write one of: {expected}")
        return out

    def numbers(name: str, *, percent: bool = False) -> pd.Series:
        raw_cells = cells(name)
        parsed = rv.parse_percent(raw_cells, bare="fraction") if percent else rv.parse_number(raw_cells)
        for i in pd.Series(rv.unparseable(raw_cells, parsed).to_numpy()).to_numpy().nonzero()[0]:
            bad(int(i), name, raw_cells.iloc[i], "a number", "write a plain number (12% or 0.12 for rates)")
        return parsed

    role_cells = rv.clean_text(cells("role"))
    metric_cells = rv.clean_text(cells("metric"))
    keep = role_cells.notna() | metric_cells.notna()
    for i in range(len(frame)):
        if keep.iat[i] and (pd.isna(role_cells.iat[i]) or pd.isna(metric_cells.iat[i])):
            missing = "role" if pd.isna(role_cells.iat[i]) else "metric"
            bad(i, missing, None, "a value on every row that has a KPI", "fill in both 岗位 (role) and 指标 (metric)")

    levels = translate("level", _LEVELS, "初级 / 资深 / 全部 (Junior / Senior / All)", ALL)
    market_list = translate("market", _MARKETS, "US / JP / 全部 (All), or a 2-letter market id", ALL,
                            passthrough=r"[A-Za-z]{2}")
    sources = translate("data_source", _SOURCES, "系统 / 手工 (System / Manual)", None)
    weight = rv.parse_number(cells("weight").astype("string").str.replace("%", "", regex=False))
    for i in rv.unparseable(cells("weight").astype("string").str.replace("%", "", regex=False),
                            weight).to_numpy().nonzero()[0]:
        bad(int(i), "weight", cells("weight").iloc[i], "a percent such as 30 or 30%", "write the weight in percent")
    kept_w = weight[keep.to_numpy()]
    if kept_w.notna().any() and kept_w.max() <= 1.0:
        weight = weight * 100.0          # the sheet gives fractions (0.3) rather than percent
    target = numbers("target", percent=True)
    manual = numbers("manual_value", percent=True)
    system = numbers("system_value", percent=True)
    max_per_month = numbers("deduction_max_per_month")
    amount_cells = cells("deduction_amount")
    currency_cells = rv.clean_text(cells("deduction_currency")).str.upper()
    currency_from_amount = rv.currency_in(amount_cells)

    records = []
    for i in range(len(frame)):
        if not keep.iat[i]:
            continue
        label = metric_cells.iat[i]
        role_text = role_cells.iat[i]
        amount, share = _money_or_share(None if pd.isna(amount_cells.iat[i]) else amount_cells.iat[i])
        if not pd.isna(amount_cells.iat[i]) and pd.isna(amount) and pd.isna(share):
            bad(i, "deduction_amount", amount_cells.iat[i], "an amount (500) or a share of salary (5%)",
                "write the amount per deduction")
        currency = currency_cells.iat[i] if not pd.isna(currency_cells.iat[i]) else currency_from_amount.iat[i]
        month = cells("figure_month").iat[i]
        records.append({
            "role": role_id_for(role_text) or (None if pd.isna(role_text) else str(role_text)),
            "level": levels[i], "market": market_list[i],
            "metric_id": metric_id_for(label), "metric_label": None if pd.isna(label) else str(label),
            "weight": weight.iat[i], "target": target.iat[i], "data_source": sources[i],
            "manual_value": manual.iat[i], "system_value": system.iat[i],
            "figure_month": None if pd.isna(month) else str(month)[:7],
            "deduction_rule": None if pd.isna(cells("deduction_rule").iat[i]) else str(cells("deduction_rule").iat[i]),
            "deduction_amount": amount, "deduction_share": share,
            "deduction_currency": None if pd.isna(currency) else str(currency),
            "deduction_max_per_month": max_per_month.iat[i] if not pd.isna(max_per_month.iat[i]) else
            (1.0 if not (pd.isna(amount) and pd.isna(share)) else float("nan")),
            "exemption": None if pd.isna(cells("exemption").iat[i]) else str(cells("exemption").iat[i]),
            "source_row": f"{raw.sheet}!{raw.file_row(i)}",
        })
    governance = _read_governance(path, errors)
    if errors:
        raise KpiErrors(errors, summary=f"{path.name}: {len(errors)} problem(s) in the current-scheme workbook")
    rows = _rows_frame(records)
    named = [m for m in dict.fromkeys(rows["market"].dropna()) if m != ALL]
    return CurrentScheme(rows=rows, governance=governance, markets=tuple(markets or named),
                         tiers=pd.DataFrame(columns=TIER_COLUMNS), deductions=_workbook_deductions(rows),
                         origin=str(path))


def _workbook_deductions(rows: pd.DataFrame) -> pd.DataFrame:
    has = rows["deduction_amount"].notna() | rows["deduction_share"].notna()
    d = rows.loc[has]
    return pd.DataFrame({"role": d["role"], "level": d["level"], "market": d["market"],
                         "metric_id": d["metric_id"], "metric_label": d["metric_label"],
                         "amount": d["deduction_amount"], "share": d["deduction_share"],
                         "currency": d["deduction_currency"], "max_per_month": d["deduction_max_per_month"],
                         "rule": d["deduction_rule"]}, columns=DEDUCTION_COLUMNS).reset_index(drop=True)


def _read_governance(path: Path, errors: list) -> dict:
    """The governance sheet's items (None where not stated or the sheet is absent)."""
    governance = {item[0]: None for item in GOVERNANCE_ITEMS}
    book = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    sheet = next((s for name, s in book.items() if _key(name) in {_key(GOVERNANCE_SHEET), "governance"}), None)
    if sheet is None:
        return governance
    items = {}
    for field_name, zh, en, *_ in GOVERNANCE_ITEMS:
        items[_key(zh)] = field_name
        items[_key(en)] = field_name
    for position, row in enumerate(sheet.itertuples(index=False, name=None)):
        if not row or row[0] is None or _key(row[0]) not in items:
            continue
        name = items[_key(row[0])]
        value = row[1] if len(row) > 1 else None
        if value is None or (isinstance(value, float) and pd.isna(value)) or _key(value) == "":
            continue

        def problem(expected: str) -> None:
            errors.append(SourceError(f"cannot read {name}", file=path, row=position + 1, column=GOVERNANCE_SHEET,
                                      found=value, expected=expected, fix=f"write {expected}"))
        if name in ("change_notice_days", "baseline_months"):
            number = rv.parse_number(pd.Series([str(value)])).iloc[0]
            if pd.isna(number) or number < 0:
                problem("a whole number of days / months (0 or more)")
            else:
                governance[name] = int(number)
        elif name == "review_cadence":
            got = _lookup(_CADENCE).get(_key(value))
            if got is None:
                problem("每月 / 每季度 / 无 (monthly / quarterly / none)")
            governance[name] = got
        elif name == "launch_month":
            text = value.strftime("%Y-%m") if hasattr(value, "strftime") else str(value).strip()[:7]
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
                problem("a month as YYYY-MM")
            else:
                governance[name] = text
        elif name == "logistics_exemption":
            got = _lookup(_YES_NO).get(_key(value))
            if got is None:
                problem("有 / 无 (yes / no)")
            governance[name] = got
    return governance


def role_names(role: str, language: str = "zh") -> str:
    """Display name of a role id (the id itself for roles the templates do not know)."""
    names = (role_templates().get(role) or {}).get("names") or {}
    return names.get(language) or names.get("en") or str(role)
