"""Event calendar and seasonality index: the index averages exactly 1 over 12 months,
history and calendar blend as documented, Black Friday / Cyber Monday by date rule."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_lib.errors import ConfigError, KpiError
from kpi_lib.targets.calendar import black_friday, cyber_monday, event_calendar, load_events, month_factors
from kpi_lib.targets.seasonality import season_factor, seasonality_index


def history(values, market="US", year=2025, first_month=1) -> pd.DataFrame:
    months = [str(pd.Period(f"{year}-{first_month:02d}", freq="M") + k) for k in range(len(values))]
    return pd.DataFrame({"month": months, "market": market, "amount": values})


# -- calendar --------------------------------------------------------------------------------
def test_black_friday_and_cyber_monday():
    assert black_friday(2025) == dt.date(2025, 11, 28) and cyber_monday(2025) == dt.date(2025, 12, 1)
    assert black_friday(2026) == dt.date(2026, 11, 27) and cyber_monday(2026) == dt.date(2026, 11, 30)
    assert black_friday(2024) == dt.date(2024, 11, 29)


def test_shipped_calendar_has_the_expected_events():
    events = load_events()
    us = {e["id"] for e in events["US"]}
    jp = {e["id"] for e in events["JP"]}
    assert {"prime_day", "prime_big_deal_days", "black_friday", "cyber_monday", "holiday_season"} <= us
    assert {"hatsuuri", "smile_sale_spring", "prime_day", "prime_kanshasai", "black_friday", "nenmatsu_nenshi"} <= jp
    for market in ("US", "JP"):
        for e in events[market]:
            assert e["factor"] > 0 and e.get("basis") and e.get("timing"), e["id"]
    slow = next(e for e in events["JP"] if e["id"] == "nenmatsu_nenshi")
    assert slow["kind"] == "slowdown" and slow["factor"] < 1


def test_month_factors_follow_the_year():
    # 2025: Cyber Monday is 1 December, so December carries it with the holiday season.
    f25 = month_factors("US", 2025).set_index("month")["factor"]
    assert f25[7] == pytest.approx(1.25) and f25[11] == pytest.approx(1.20)
    assert f25[12] == pytest.approx(1.06 * 1.15)
    # 2026: Cyber Monday is 30 November.
    f26 = month_factors("US", 2026).set_index("month")["factor"]
    assert f26[11] == pytest.approx(1.20 * 1.06) and f26[12] == pytest.approx(1.15)
    assert f26[2] == 1.0
    # A market without a calendar is flat.
    assert (month_factors("DE", 2026)["factor"] == 1.0).all()


def test_announced_dates_place_an_event_in_its_main_month():
    custom = {"US": [{"id": "deal", "months": [7], "factor": 1.5,
                      "dates": {2026: ["2026-06-29", "2026-07-03"]}}]}   # 2 days in June, 3 in July
    cal = event_calendar("US", 2026, events=custom)
    assert cal["month"].tolist() == [7] and cal["start"].iat[0] == dt.date(2026, 6, 29)
    assert event_calendar("US", 2025, events=custom)["month"].tolist() == [7]   # not announced: usual month


def test_event_calendar_errors_name_the_key():
    with pytest.raises(ConfigError, match="exactly one of `months` or `rule`"):
        load_events({"US": [{"id": "x", "factor": 1.1}]})
    with pytest.raises(ConfigError, match="positive multiplier"):
        load_events({"US": [{"id": "x", "factor": 0, "months": [1]}]})
    with pytest.raises(ConfigError, match="unknown date rule"):
        load_events({"US": [{"id": "x", "factor": 1.1, "rule": "singles_day"}]})
    with pytest.raises(ConfigError, match="months are 1 to 12"):
        load_events({"US": [{"id": "x", "factor": 1.1, "months": [13]}]})


# -- index ---------------------------------------------------------------------------------------
def test_full_year_history_only_is_sales_over_annual_mean():
    sales = [80, 80, 90, 90, 100, 100, 150, 90, 90, 110, 140, 180]    # mean 108.333…
    idx = seasonality_index(history(sales), year=2026, prior_strength=0.0)
    expected = np.asarray(sales) / np.mean(sales)
    np.testing.assert_allclose(idx["history_index"], expected)
    np.testing.assert_allclose(idx["index"], expected)
    assert idx["index"].mean() == pytest.approx(1.0, abs=1e-12)
    assert (idx["n_years"] == 1).all()


def test_blend_with_the_calendar_by_hand():
    sales = [100.0] * 12                                     # a flat history
    idx = seasonality_index(history(sales), year=2026, prior_strength=1.0).set_index("month")
    cal = month_factors("US", 2026).set_index("month")["factor"]
    c = cal / cal.mean()
    blended = 0.5 * 1.0 + 0.5 * c                            # w = 1 / (1 + 1)
    np.testing.assert_allclose(idx["index"], blended / blended.mean())
    np.testing.assert_allclose(idx["weight_history"], 0.5)


def test_market_without_history_is_the_calendar():
    idx = seasonality_index(history([100.0] * 12), year=2026, markets=["JP"])
    cal = month_factors("JP", 2026)["factor"].to_numpy()
    np.testing.assert_allclose(idx["index"], cal / cal.mean())
    assert (idx["n_years"] == 0).all()


def test_partial_year_is_levelled_by_the_calendar():
    # Only Oct–Dec 2025, exactly in proportion to the calendar: the history repeats the
    # calendar's shape rather than calling the whole year strong.
    cal = month_factors("US", 2025).set_index("month")["factor"]
    c = cal / cal.mean()
    sales = [1000 * c[m] for m in (10, 11, 12)]
    idx = seasonality_index(history(sales, first_month=10), year=2025, prior_strength=0.0).set_index("month")
    np.testing.assert_allclose(idx.loc[[10, 11, 12], "history_index"], c.loc[[10, 11, 12]])


@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.floats(min_value=0.0, max_value=1e7), min_size=1, max_size=36),
       first=st.integers(min_value=1, max_value=12), strength=st.floats(min_value=0.0, max_value=5.0),
       market=st.sampled_from(["US", "JP", "DE"]))
def test_index_always_averages_to_one(values, first, strength, market):
    idx = seasonality_index(history(values, market=market, first_month=first), year=2026, prior_strength=strength)
    assert len(idx) == 12
    assert np.all(idx["index"] >= 0)   # 0 only for a month that sold nothing, history-only
    assert idx["index"].mean() == pytest.approx(1.0, abs=1e-12)


def test_season_factor_and_errors():
    sales = [50, 50, 50, 50, 50, 50, 50, 50, 50, 100, 150, 200]
    idx = seasonality_index(history(sales), year=2026, prior_strength=0.0)
    f = season_factor(idx, "US", "2026-12", ["2026-10", "2026-11"])
    assert f == pytest.approx(200 / 125)
    assert season_factor(idx, "JP", "2026-12", ["2026-10"]) == 1.0
    with pytest.raises(KpiError, match="needs the column"):
        seasonality_index(pd.DataFrame({"month": ["2025-01"], "amount": [1.0]}), year=2026)
    with pytest.raises(KpiError, match="YYYY-MM"):
        seasonality_index(pd.DataFrame({"month": ["Jan"], "market": ["US"], "amount": [1.0]}), year=2026)
