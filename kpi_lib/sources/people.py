"""The suite's roster template (花名册) → ``people``.

工号 | 姓名 | 岗位 | 级别 | 团队 | 负责市场 | 入职日期 | 离职日期 | 直属上级 | 任职国家 | 月薪
(English headers accepted). ``role`` is a role id (运营 → operations, via
:func:`kpi_lib.config.loader.role_id_for`); ``level`` junior/senior (初级 → junior,
资深/高级 → senior); ``markets`` a comma-separated list of market ids (``US,JP``).
Extra columns: ``manager_id`` (直属上级's employee ID), ``employed_in`` (CN/JP),
``monthly_salary`` and its ``salary_currency`` (CNY, or JPY for staff employed in Japan).
"""
from __future__ import annotations

import re

import pandas as pd

from kpi_lib.config.loader import role_id_for
from kpi_lib.errors import SourceError
from kpi_lib.readers import text as rt
from kpi_lib.readers import values as rv
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources._template import TemplateAdapter, no_duplicates, ordered_dates
from kpi_lib.sources.base import SourceContext, register

ROLE_CHOICES = "运营/广告/客服/美工/采购/仓储/产品开发 (Operations, Advertising, Customer service, Design, Purchasing, Warehouse, Product development)"
_LIST_SEPARATORS = re.compile(r"\s*[,，、;；/|]\s*|\s+")


@register
class People(TemplateAdapter):
    type_id = "people"
    title = "roster template (花名册)"
    extras = ("manager_id", "employed_in", "monthly_salary", "salary_currency")

    def shape(self, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], ctx: SourceContext):
        out = lines.copy()
        sh.require_values(raw, out, ["person_id", "name", "role", "level"], headers)
        no_duplicates(raw, out["person_id"], headers["person_id"], "employee ID")
        out["role"] = roles(raw, lines["role"], headers["role"], ctx)
        out["level"] = self.translate(raw, lines, headers, "level", "level", "初级, 资深 (高级), Junior or Senior")
        if "markets" in lines.columns:
            out["markets"] = market_lists(raw, lines["markets"], headers["markets"])
        if "start_date" in lines.columns and "end_date" in lines.columns:
            ordered_dates(raw, lines["start_date"], lines["end_date"], headers["end_date"])
        out["employed_in"] = self.translate(raw, lines, headers, "employed_in", "employed_in", "中国 or 日本 (China or Japan)")
        if "monthly_salary" in lines.columns:
            currency = sh.alias_extras(self.type_id)["salary_currency"]
            by_country = out["employed_in"].map(currency.get, na_action="ignore").astype("string").fillna(currency["CN"])
            out["salary_currency"] = by_country.where(lines["monthly_salary"].notna())
        return out, []


def roles(raw: rt.RawTable, cells: pd.Series, header: str, ctx: SourceContext) -> pd.Series:
    """Role ids from roster labels in any language; an unknown label names its row."""
    text = rv.clean_text(cells)
    custom = ctx.options.get("roles") or None
    mapped = text.map(lambda v: role_id_for(v, custom), na_action="ignore").astype("string")
    bad = text.notna() & mapped.isna()
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise SourceError("unknown role", file=raw.path, row=raw.file_row(position), column=header,
                          expected=f"one of {ROLE_CHOICES}", found=cells.iloc[position],
                          fix="use one of the listed roles (or add the role to the client config's roles)")
    return mapped


def market_lists(raw: rt.RawTable, cells: pd.Series, header: str) -> pd.Series:
    """``US,JP`` from ``US, JP`` / ``美国、日本`` / ``us jp``; unknown markets name their row."""
    text = rv.clean_text(cells)
    text = text.mask(text.isin(rv.MISSING_MARKERS))
    out = pd.Series(pd.NA, index=cells.index, dtype="string")
    for position, value in enumerate(text.tolist()):
        if value is pd.NA or value is None:
            continue
        ids = []
        for part in filter(None, _LIST_SEPARATORS.split(value)):
            market = sh.MARKET_NAMES.get(sh.value_key(part)) or (part.upper() if re.fullmatch(r"[A-Za-z]{2}", part) else None)
            if market is None:
                raise SourceError("market not recognised", file=raw.path, row=raw.file_row(position), column=header,
                                  expected="market ids separated by commas, e.g. US,JP", found=cells.iloc[position],
                                  fix="write the markets as US, JP (or 美国, 日本), separated by commas")
            if market not in ids:
                ids.append(market)
        out.iloc[position] = ",".join(ids)
    return out
