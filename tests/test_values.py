"""Value parsing of the formats real exports use."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_lib.readers import values as rv


@pytest.mark.parametrize("text, expected", [
    ("$1,234.56", 1234.56), ("$ 0.35", 0.35), ("US$5,000.00", 5000.0), ("MX$5,310.54", 5310.54),
    ('"￥4,907,860"', 4907860.0), ("￥4,907,860", 4907860.0), ("¥1,234", 1234.0), ("MXN 790.00", 790.0),
    ("(12.34)", -12.34), ("-$5.00", -5.0), ("−3", -3.0), ('="123"', 123.0), ("12,131", 12131.0),
    ("１２３", 123.0), ("53.91", 53.91), ("1,234\t", 1234.0), ("'75008", 75008.0),
])
def test_parse_number(text, expected):
    assert rv.parse_number(pd.Series([text])).iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("marker", ["--", "有花费无销售额", "有花费无订单", "", None, "N/A"])
def test_missing_markers_are_blank_not_errors(marker):
    raw = pd.Series([marker], dtype="object")
    parsed = rv.parse_number(raw)
    assert math.isnan(parsed.iloc[0])
    assert not rv.unparseable(raw, parsed).iloc[0]


def test_unparseable_is_reported():
    raw = pd.Series(["12", "abc", "--"])
    assert rv.unparseable(raw, rv.parse_number(raw)).tolist() == [False, True, False]


@pytest.mark.parametrize("text, bare, expected", [
    ("12.5%", "percent", 0.125), ("0.0935%", "percent", 0.000935), ("5.57%", "fraction", 0.0557),
    ("12", "percent", 0.12), ("0.12", "fraction", 0.12), ("150%", "percent", 1.5),
])
def test_parse_percent(text, bare, expected):
    assert rv.parse_percent(pd.Series([text]), bare=bare).iloc[0] == pytest.approx(expected)


def test_currency_in():
    got = rv.currency_in(pd.Series(["US$5.00", "￥4,907", "$1", "MXN 7", "12"])).tolist()
    assert got[:4] == ["USD", "JPY", "USD", "MXN"] and pd.isna(got[4])


def test_datetimes_with_zone_abbreviations_offsets_and_local_time():
    amazon_us = rv.parse_datetime(pd.Series(["Sep 4, 2026 1:05:07 AM PDT", "Dec 4, 2026 1:05:07 AM PST"]),
                                  formats=["%b %d, %Y %I:%M:%S %p"])
    assert amazon_us.tolist() == [pd.Timestamp("2026-09-04 08:05:07", tz="UTC"),
                                  pd.Timestamp("2026-12-04 09:05:07", tz="UTC")]
    jp = rv.parse_datetime(pd.Series(["2026/10/01 10:00:00 JST"]), formats=["%Y/%m/%d %H:%M:%S"])
    assert jp.iloc[0] == pd.Timestamp("2026-10-01 01:00:00", tz="UTC")
    mixed = rv.parse_datetime(pd.Series(["2026-10-01T08:04:21+00:00", "2025-10-07 09:50:26 +0200"]),
                              formats=[None, "%Y-%m-%d %H:%M:%S %z"])
    assert mixed.tolist() == [pd.Timestamp("2026-10-01 08:04:21", tz="UTC"),
                              pd.Timestamp("2025-10-07 07:50:26", tz="UTC")]
    tiktok = rv.parse_datetime(pd.Series(["10/01/2026 11:05:00 PM"]), formats=["%m/%d/%Y %I:%M:%S %p"],
                               local_tz="America/Los_Angeles")
    assert tiktok.iloc[0] == pd.Timestamp("2026-10-02 06:05:00", tz="UTC")


def test_market_day_is_the_local_day():
    utc = pd.Series([pd.Timestamp("2026-10-31 20:00", tz="UTC")])
    assert rv.market_date(utc, "Asia/Tokyo").iloc[0] == pd.Timestamp("2026-11-01")
    assert rv.market_date(utc, "America/Los_Angeles").iloc[0] == pd.Timestamp("2026-10-31")


def test_locale_dates():
    got = rv.parse_date(pd.Series(["2026/01/01", "7/1/26"]), formats=["%Y/%m/%d", "%m/%d/%y"])
    assert got.tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-07-01")]


def test_parsers_do_not_mutate_input():
    raw = pd.Series(["$1,234.56", "(2)"])
    before = raw.copy()
    rv.parse_number(raw)
    rv.parse_percent(raw)
    pd.testing.assert_series_equal(raw, before)


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_formatted_money_round_trips(amount):
    text = f"${abs(amount):,.2f}"
    text = f"({text})" if amount < 0 else text
    assert rv.parse_number(pd.Series([text])).iloc[0] == pytest.approx(float(amount))
