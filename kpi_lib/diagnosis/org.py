"""Organisation summary: people by role, level and market; managers' span of control."""
from __future__ import annotations

import pandas as pd

from kpi_lib.config.loader import role_templates


def active_people(people: pd.DataFrame, period: str) -> pd.DataFrame:
    """People employed on any day of the month ``period`` (YYYY-MM)."""
    start = pd.Timestamp(f"{period}-01")
    end = start + pd.offsets.MonthEnd(0)
    started = people["start_date"].isna() | (people["start_date"] <= end)
    not_left = people["end_date"].isna() | (people["end_date"] >= start)
    return people.loc[started & not_left]


def role_label(role: str, language: str = "zh") -> str:
    names = (role_templates().get(role) or {}).get("names") or {}
    return names.get(language) or names.get("en") or role


def headcount(people: pd.DataFrame, language: str = "zh") -> pd.DataFrame:
    """Head count by role (rows) and level × market (columns)."""
    exploded = people.assign(market=people["markets"].fillna("—").str.split(",")).explode("market")
    exploded["market"] = exploded["market"].str.strip()
    table = pd.crosstab(exploded["role"].map(lambda r: role_label(r, language)),
                        [exploded["level"], exploded["market"]])
    table.index.name = "role"
    return table


def span_of_control(people: pd.DataFrame) -> pd.DataFrame:
    """Direct reports per manager (needs the roster's manager column)."""
    if "manager_id" not in people.columns:
        return pd.DataFrame(columns=["manager_id", "name", "direct_reports"])
    reports = people["manager_id"].dropna().value_counts().rename("direct_reports")
    names = people.set_index("person_id")["name"]
    out = reports.to_frame().assign(name=names.reindex(reports.index).to_numpy())
    out.index.name = "manager_id"
    return out.reset_index()[["manager_id", "name", "direct_reports"]]
