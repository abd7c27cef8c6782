"""Change notices: per person (what, old → new, weights, from when, why) in zh and en,
the team summary, and the notice-period warnings."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi_lib.targets.notice import change_notice, format_value, notice_for_version, notice_settings
from kpi_lib.targets.versions import load_version, save_version

PEOPLE = pd.DataFrame({"person_id": ["a", "b"], "name": ["张三", "李四"]})
TODAY = dt.date(2026, 11, 28)


def base() -> pd.DataFrame:
    return pd.DataFrame({"person_id": ["a", "a", "a", "a", "b"], "market": ["US"] * 5,
                         "metric_id": ["gmv", "gmv", "gmv", "acos", "acos"],
                         "month": ["2026-12", "2027-01", "2027-02", "2026-12", "2026-12"],
                         "target": [100000.0, 100000.0, 100000.0, 0.30, 0.28], "weight": [60.0, 60, 60, 40, 100],
                         "currency": ["USD"] * 5})


@pytest.fixture
def store(tmp_path):
    save_version(tmp_path, base(), "王顾问", "首版", "2026-12")
    new = base().assign(target=[110000.0, 110000.0, 110000.0, 0.27, 0.28], weight=[50.0, 50, 50, 50, 100])
    save_version(tmp_path, new, "王顾问", "Q1 预算上调 GMV 10%，ACoS 收紧", "2026-12-20")
    return tmp_path


def test_person_notice_zh(store):
    n = notice_for_version(store, people=PEOPLE, change_notice_days=14, today=TODAY)
    assert set(n.per_person) == {"a"}                 # b's targets did not change
    text = n.per_person["a"]
    assert "张三" in text and "2026-12-20" in text and "v2" in text and "v1" in text
    assert "Q1 预算上调 GMV 10%，ACoS 收紧" in text
    # Three months with the same change are one line; the weight change is shown.
    assert "| 销售额(GMV) | US | 2026-12 – 2027-02 | 100,000 USD | 110,000 USD | +10.0% | 60% | 50% |" in text
    assert "| ACoS | US | 2026-12 | 30.0% | 27.0% | -10.0% | 40% | 50% |" in text
    assert n.warnings == () and n.days_notice == 22


def test_team_summary_and_english(store):
    n = notice_for_version(store, people=PEOPLE, language="en", change_notice_days=14, today=TODAY)
    assert "Target change notice" in n.per_person["a"] and "| GMV | US |" in n.per_person["a"]
    s = n.summary
    assert "v2" in s and "People affected: 1" in s and "targets changed 4" in s
    assert "| GMV | 1 | 3 | +10.0% |" in s and "| ACoS | 1 | 1 | -10.0% |" in s


def test_short_notice_and_retroactive_warnings(store):
    n = notice_for_version(store, people=PEOPLE, change_notice_days=30, today=TODAY)
    assert len(n.warnings) == 1 and "22" in n.warnings[0] and "30" in n.warnings[0]
    assert n.warnings[0] in n.summary
    late = notice_for_version(store, people=PEOPLE, change_notice_days=7, today=dt.date(2026, 12, 25))
    assert len(late.warnings) == 1 and "2026-12-20" in late.warnings[0]
    en = notice_for_version(store, language="en", today=TODAY)
    assert en.warnings == () and "change_notice_days" in en.summary    # no policy configured: a note


def test_first_version_notice(tmp_path):
    save_version(tmp_path, base(), "王顾问", "首版目标", "2026-12-15")
    n = change_notice(None, load_version(tmp_path), people=PEOPLE, change_notice_days=7, today=TODAY)
    assert set(n.per_person) == {"a", "b"}
    assert "新增" in n.per_person["b"] and "首版目标" in n.per_person["b"]
    assert "新增 5 项" in n.summary


def test_no_changes(tmp_path):
    save_version(tmp_path, base(), "a", "one", "2026-12")
    save_version(tmp_path, base(), "a", "same again", "2026-12-31")
    n = notice_for_version(tmp_path, today=TODAY)
    assert n.per_person == {} and "没有目标变化" in n.summary


def test_value_format_and_settings():
    assert format_value(0.2834, "acos") == "28.3%"
    assert format_value(1234567.8, "gmv", currency="JPY") == "1,234,568 JPY"
    assert format_value(36.04, "days_of_supply") == "36.0"
    assert format_value(None, "gmv") == "—"
    assert notice_settings({"change_notice_days": 7}) == 7 and notice_settings(None) is None
