"""Amazon Business Report adapter: child-item and by-date layouts in EN / JA / ZH."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from kpi_lib.sources import SourceContext, get_adapter
from kpi_lib.tables import columns_of, validate_table

FIXTURES = Path(__file__).parent / "fixtures" / "amazon"
TYPE = "amazon_business_report"


def ctx(market: str = "US", *, period: str | None = "2026-07", data_dir: Path = FIXTURES, **kw) -> SourceContext:
    zone = {"US": "America/Los_Angeles", "JP": "Asia/Tokyo"}[market]
    currency = {"US": "USD", "JP": "JPY"}[market]
    args = dict(type=TYPE, data_dir=data_dir, market=market, store=f"acme-{market.lower()}", platform="amazon",
                period=period, timezone=zone, currency=currency)
    args.update(kw)
    return SourceContext(**args)


def read(name: str, context: SourceContext | None = None, path: Path | None = None):
    result = get_adapter(TYPE).read(path or FIXTURES / name, context or ctx())
    table = validate_table("traffic", result.tables["traffic"])
    return result, table


def test_us_child_item_reads_the_real_sample_row_and_keeps_b2b_apart():
    result, t = read("br_child_us_en.csv")
    assert list(t.columns[: len(columns_of("traffic"))]) == columns_of("traffic")
    assert list(t["asin"]) == ["B096MCMDPL", "B096MCMDPQ", "B0D1LANDN2"]
    assert list(t["sku"]) == ["5K-SC4U-PO06", "5K-SC4U-PO08", "LN-RUB-24"]
    # sessions 12,131 + 2,040 + 815 = 14,986 — the B2B twins (261 + 18 + 0 = 279) are not added in
    assert t["sessions"].sum() == 14986
    assert t["sessions_b2b"].sum() == 279
    # page views 17,004 + 2,911 + 1,102 = 21,017; units 683 + 97 + 31 = 811
    assert t["page_views"].sum() == 21017
    assert t["units_ordered"].sum() == 811
    # sales $12,905.25 + $2,134.03 + $929.69 = $15,968.97
    assert t["ordered_sales"].sum() == pytest.approx(15968.97)
    assert t["ordered_sales_b2b"].sum() == pytest.approx(94.50 + 21.99 + 0.00)
    # percentages are fractions: 99.80% → 0.998, 5.63% → 0.0563, 12.02% → 0.1202
    assert t.loc[0, "buy_box_pct"] == pytest.approx(0.998)
    assert t.loc[0, "unit_session_pct"] == pytest.approx(0.0563)
    assert t.loc[0, "session_pct"] == pytest.approx(0.1202)
    assert set(t["currency"]) == {"USD"} and set(t["market"]) == {"US"} and set(t["store"]) == {"acme-us"}
    assert set(t["period_start"]) == {pd.Timestamp("2026-07-01")}
    assert set(t["period_end"]) == {pd.Timestamp("2026-07-31")}
    assert set(t["source_file"]) == {"br_child_us_en.csv"}
    info = result.info
    assert (info.type, info.encoding, info.language, info.header_row, info.rows, info.layout, info.period) == (
        TYPE, "utf-8-sig", "en", 1, 3, "child_item", "2026-07")


def test_device_split_with_en_dash_takes_its_month_from_the_folder():
    # BusinessReport-03-09-26.csv is named after the download day; the folder 2026-08 is the month.
    result, t = read("2026-08/BusinessReport-03-09-26.csv", ctx(period=None))
    assert set(t["period_start"]) == {pd.Timestamp("2026-08-01")}
    assert set(t["period_end"]) == {pd.Timestamp("2026-08-31")}
    assert set(t["source_file"]) == {"2026-08/BusinessReport-03-09-26.csv"}
    # "Sessions – Total" (en-dash) is the total: 11,100 + 1,800 = 12,900, not mobile + browser + total
    assert t["sessions"].sum() == 12900
    assert t["sessions_mobile"].sum() == 8000 + 1200
    assert t["sessions_browser"].sum() == 3100 + 600
    assert t["sessions_mobile_b2b"].sum() == 150 + 10  # "Mobile APP – B2B" with Amazon's capitals
    assert t["page_views"].sum() == 15300 + 2550
    # "Featured Offer Percentage" (no "(Buy Box)") is the same field
    assert list(t["buy_box_pct"]) == pytest.approx([0.995, 0.97])
    assert t["ordered_sales"].sum() == pytest.approx(11524.90 + 1936.12)  # 13,461.02
    assert t["sku"].isna().all()  # this variant has no SKU column
    assert result.info.period == "2026-08"


def test_jp_japanese_ui_with_full_width_yen():
    result, t = read("br_child_jp_ja.csv", ctx("JP"))
    # 注文商品の売上額: ￥428,690 + ￥241,980 + ￥103,480 = ￥774,150
    assert t["ordered_sales"].sum() == 774150
    assert t["ordered_sales_b2b"].sum() == 5960 + 2980 + 0
    # セッション数 - 合計: 1,520 + 980 + 870 = 3,370 (B2B 12 + 8 + 10 = 30 kept apart)
    assert t["sessions"].sum() == 3370
    assert t["sessions_b2b"].sum() == 30
    assert t["units_ordered"].sum() == 131 + 74 + 52
    assert set(t["currency"]) == {"JPY"}
    assert t["sku"].isna().all()  # SKU was removed from the JP report (Aug 2026)
    assert list(t["parent_asin"]) == ["B0JPPARNT1", "B0JPPARNT1", "B0JPPARNT2"]
    assert (result.info.encoding, result.info.language) == ("utf-8-sig", "ja")


def test_jp_older_labels_in_cp932():
    result, t = read("br_child_jp_old_cp932.csv", ctx("JP"))
    assert result.info.encoding == "cp932"
    assert list(t["title"]) == ["キッチンタイマー 白", "キッチンタイマー 黒"]
    # セッション - 合計 1,204 + 1,923 = 3,127; 注文商品売上 ￥321,020 + ￥491,250 = ￥812,270
    assert t["sessions"].sum() == 3127
    assert t["ordered_sales"].sum() == 812270
    assert t["units_ordered"].sum() == 98 + 150
    assert t.loc[0, "session_pct"] == pytest.approx(0.385)      # セッションのパーセンテージ
    assert t.loc[0, "unit_session_pct"] == pytest.approx(0.0814)  # セッションのパーセンテージ - 注文商品点数
    assert t.loc[1, "buy_box_pct"] == pytest.approx(0.975)      # カートボックス獲得率
    # no page-view count in the old layout: blank, and said so
    assert t["page_views"].isna().all()
    assert any("page_views" in w for w in result.info.warnings)


def test_chinese_ui_new_generation_session_percentage_is_not_conversion():
    result, t = read("br_child_zh_new.csv")
    # "转化率 - 总计" (62.73%) is Amazon's mislabelled session percentage ...
    assert t.loc[0, "session_pct"] == pytest.approx(0.6273)
    # ... the conversion is 商品会话百分比 (8.00%) = units / sessions = 276 / 3,450
    assert t.loc[0, "unit_session_pct"] == pytest.approx(0.08)
    assert t.loc[0, "unit_session_pct"] == pytest.approx(t.loc[0, "units_ordered"] / t.loc[0, "sessions"])
    # "页面浏览量 - 总计 " carries a trailing space: 4,880 + 2,820 = 7,700
    assert t["page_views"].sum() == 7700
    assert t["sessions"].sum() == 3450 + 2050
    assert t["sessions_b2b"].sum() == 40 + 30  # "会话 - 总计 - B2B"
    # US$5,000.00 + US$3,191.67 = 8,191.67 USD
    assert t["ordered_sales"].sum() == pytest.approx(8191.67)
    assert set(t["currency"]) == {"USD"}
    assert result.info.language == "zh"


def test_chinese_ui_old_generation_with_en_dashes_and_device_split():
    _, t = read("br_child_zh_old.csv")
    # 会话次数 – 总计 3,000 + 2,100 = 5,100; 移动应用 2,100 + 1,400 = 3,500
    assert t["sessions"].sum() == 5100
    assert t["sessions_mobile"].sum() == 3500
    assert t["page_views"].sum() == 4200 + 2700
    assert t["units_ordered"].sum() == 240 + 126
    assert t["ordered_sales"].sum() == pytest.approx(4347.60 + 3022.74)  # 7,370.34
    assert t.loc[0, "buy_box_pct"] == pytest.approx(0.988)  # 推荐报价（购买按钮）百分比
    assert t.loc[1, "session_pct"] == pytest.approx(0.4118)


def test_us_by_date_rows_are_single_days_without_asin():
    result, t = read("br_by_date_us.csv", ctx(period=None))
    days = [pd.Timestamp(f"2026-07-0{d}") for d in (1, 2, 3)]
    assert list(t["period_start"]) == days
    assert list(t["period_end"]) == days
    assert t["asin"].isna().all() and t["sku"].isna().all()
    # $1,234.56 + $2,045.10 + $987.00 = $4,266.66; B2B $45.99 is not added in
    assert t["ordered_sales"].sum() == pytest.approx(4266.66)
    assert t["ordered_sales_b2b"].sum() == pytest.approx(45.99)
    assert t["sessions"].sum() == 216 + 310 + 150
    assert t["page_views"].sum() == 300 + 430 + 200
    assert t["units_ordered"].sum() == 20 + 33 + 15
    assert t["units_refunded"].sum() == 1 + 0 + 2
    assert t.loc[2, "refund_rate"] == pytest.approx(0.1333)
    assert (result.info.layout, result.info.period) == ("by_date", "2026-07")


def test_jp_by_date_monthly_view_spans_each_month():
    result, t = read("br_by_date_jp_monthly.csv", ctx("JP", period=None))
    assert list(t["period_start"]) == [pd.Timestamp(d) for d in ("2026-01-01", "2026-02-01", "2026-03-01")]
    assert list(t["period_end"]) == [pd.Timestamp(d) for d in ("2026-01-31", "2026-02-28", "2026-03-31")]
    # ￥4,907,860 + ￥4,512,300 + ￥5,120,000 = ￥14,540,160
    assert t["ordered_sales"].sum() == 14540160
    assert t["sessions"].sum() == 16779 + 15620 + 17301
    assert any("monthly" in w for w in result.info.warnings)


def test_granularity_option_overrides_the_guess():
    _, t = read("br_by_date_jp_monthly.csv", ctx("JP", period=None, options={"granularity": "day"}))
    assert list(t["period_end"]) == list(t["period_start"])
    with pytest.raises(SourceError, match="granularity"):
        read("br_by_date_jp_monthly.csv", ctx("JP", period=None, options={"granularity": "fortnight"}))


def test_the_file_states_its_currency_over_the_config():
    result, t = read("br_child_jp_ja.csv", ctx("JP", currency="USD"))
    assert set(t["currency"]) == {"JPY"}
    assert any("JPY" in w for w in result.info.warnings)


# -- bad inputs ---------------------------------------------------------------------------

def test_child_item_without_a_period_asks_for_a_month_folder():
    with pytest.raises(SourceError) as err:
        read("br_child_us_en.csv", ctx(period=None))
    assert "YYYY-MM" in str(err.value) and "br_child_us_en.csv" in str(err.value)


def test_missing_sessions_column_names_the_column_and_the_file(tmp_path):
    text = (FIXTURES / "br_child_us_en.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "no_sessions.csv"
    bad.write_text(text.replace("Sessions - Total,", "Visits,", 1), encoding="utf-8-sig")
    with pytest.raises(SourceError) as err:
        read("", ctx(data_dir=tmp_path), path=bad)
    assert "sessions" in str(err.value) and "Sessions - Total" in str(err.value)
    assert err.value.file.endswith("no_sessions.csv")


def test_unparseable_count_names_row_and_column(tmp_path):
    text = (FIXTURES / "br_child_us_en.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace('"2,040"', "two thousand"), encoding="utf-8-sig")
    with pytest.raises(SourceError) as err:
        read("", ctx(data_dir=tmp_path), path=bad)
    # header is line 1, the real sample row line 2, the 4ft net line 3
    assert (err.value.row, err.value.column, err.value.found) == (3, "Sessions - Total", "two thousand")


def test_empty_file_is_an_error(tmp_path):
    empty = tmp_path / "BusinessReport.csv"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        read("", ctx(data_dir=tmp_path), path=empty)


def test_header_only_file_gives_an_empty_table_not_an_error(tmp_path):
    header = (FIXTURES / "br_child_us_en.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    only = tmp_path / "header_only.csv"
    only.write_text(header + "\n", encoding="utf-8-sig")
    result, t = read("", ctx(data_dir=tmp_path), path=only)
    assert len(t) == 0 and result.info.rows == 0
    assert columns_of("traffic") == list(t.columns[: len(columns_of("traffic"))])


def test_without_a_configured_market_the_money_says_it():
    # `kpi inspect` reads files without a config: "$" → US (Los Angeles days), "￥" → JP.
    bare = dict(type=TYPE, data_dir=FIXTURES, period="2026-07")
    _, us = read("br_child_us_en.csv", SourceContext(**bare))
    _, jp = read("br_child_jp_ja.csv", SourceContext(**bare))
    assert (set(us["market"]), set(us["currency"])) == ({"US"}, {"USD"})
    assert (set(jp["market"]), set(jp["currency"])) == ({"JP"}, {"JPY"})


@pytest.mark.parametrize("name", ["br_child_us_en.csv", "2026-08/BusinessReport-03-09-26.csv",
                                  "br_child_jp_ja.csv", "br_child_jp_old_cp932.csv", "br_child_zh_new.csv",
                                  "br_child_zh_old.csv", "br_by_date_us.csv", "br_by_date_jp_monthly.csv"])
def test_reading_leaves_the_raw_file_untouched(name):
    path = FIXTURES / name
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    market = "JP" if "_jp_" in name else "US"
    read(name, ctx(market))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
