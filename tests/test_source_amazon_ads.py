"""Amazon Ads adapter: new console CSV, legacy EN/ZH/JA CSV, XLSX, Ads API v3 JSON."""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from kpi_lib.sources import SourceContext, get_adapter
from kpi_lib.tables import columns_of, validate_table

FIXTURES = Path(__file__).parent / "fixtures" / "amazon"
TYPE = "amazon_ads"


def ctx(market: str = "US", *, data_dir: Path = FIXTURES, **kw) -> SourceContext:
    args = dict(type=TYPE, data_dir=data_dir, market=market, store=f"acme-{market.lower()}", platform="amazon",
                timezone={"US": "America/Los_Angeles", "JP": "Asia/Tokyo"}[market],
                currency={"US": "USD", "JP": "JPY"}[market])
    args.update(kw)
    return SourceContext(**args)


def read(path: Path, context: SourceContext | None = None):
    result = get_adapter(TYPE).read(path, context or ctx())
    return result, validate_table("ads", result.tables["ads"])


def test_new_console_csv_date_range_and_formula_ids():
    result, t = read(FIXTURES / "ads_console_2025_advertised_product_us.csv")
    assert list(t.columns[: len(columns_of("ads"))]) == columns_of("ads")
    # "Jul 06, 2026 - Jul 29, 2026" → one period for every row
    assert set(t["period_start"]) == {pd.Timestamp("2026-07-06")}
    assert set(t["period_end"]) == {pd.Timestamp("2026-07-29")}
    # ="254927681919372" → the bare id
    assert list(t["campaign_id"]) == ["254927681919372", "254927681919372", "254927681919999"]
    assert list(t["asin"]) == ["B0FPLIERS1", "B0FPLIERS2", "B0D1LANDN2"]
    assert list(t["sku"]) == ["PL-ALU-01", "PL-TI-01", "LN-RUB-24"]
    # impressions 9,582 + 4,210 + 1,250 = 15,042; clicks 100 + 37 + 0 = 137
    assert t["impressions"].sum() == 15042 and t["clicks"].sum() == 137
    # Total cost 108.61 + 41.25 + 0.00 = 149.86; Sales 180.90 + 89.97 + 0 = 270.87; Purchases 11 + 3 + 0
    assert t["spend"].sum() == pytest.approx(149.86)
    assert t["attributed_sales"].sum() == pytest.approx(270.87)
    assert t["attributed_orders"].sum() == 14
    assert t["attributed_units"].sum() == 14
    # "Sales (promoted)" is a part of Sales, kept apart: 165.91 + 89.97 + 0
    assert t["advertised_sku_sales"].sum() == pytest.approx(255.88)
    assert set(t["currency"]) == {"USD"} and set(t["report"]) == {"advertised_product"}
    assert (result.info.layout, result.info.period, result.info.rows) == ("console_2025", "2026-07", 3)


def test_legacy_english_search_term_csv_with_trailing_space_headers():
    result, t = read(FIXTURES / "ads_legacy_sp_search_term_us.csv")
    assert set(t["period_start"]) == {pd.Timestamp("2019-12-01")}  # "Dec 01, 2019"
    assert set(t["period_end"]) == {pd.Timestamp("2019-12-31")}
    # "$ 16.22" + "$ 3.56" + "$ 11.40" = 31.18
    assert t["spend"].sum() == pytest.approx(31.18)
    # "7 Day Total Sales " (trailing space): 94.50 + 0.00 + 1,039.38 = 1,133.88
    assert t["attributed_sales"].sum() == pytest.approx(1133.88)
    assert t["attributed_orders"].sum() == 1 + 0 + 5
    assert t["impressions"].sum() == 10690 + 2311 + 845
    assert list(t["search_term"]) == ["cast net", "bait fish net", "landing net rubber"]
    assert set(t["report"]) == {"search_term"}
    # rates (CTR, ACoS, RoAS) are not carried: metrics recompute them from the sums
    assert not {"acos", "ctr", "roas"} & set(t.columns)
    assert result.info.language == "en"


def test_chinese_ui_advertised_product_csv_with_one_date_per_row():
    result, t = read(FIXTURES / "ads_legacy_zh_advertised_product.csv")
    assert list(t["period_start"]) == [pd.Timestamp(d) for d in ("2026-07-01", "2026-07-01", "2026-07-02")]
    assert list(t["period_end"]) == list(t["period_start"])
    # 花费 $15.30 + $8.19 + $17.43 = $40.92; 7天总销售额 $71.96 + $24.99 + $89.95 = $186.90
    assert t["spend"].sum() == pytest.approx(40.92)
    assert t["attributed_sales"].sum() == pytest.approx(186.90)
    assert t["attributed_orders"].sum() == 4 + 1 + 5
    assert list(t["sku"]) == ["BM-2PK", "BM-3PK", "BM-2PK"]
    assert list(t["campaign"]) == ["SP-硅胶垫-自动"] * 3
    assert result.info.language == "zh"


def test_japanese_legacy_search_term_report_in_yen():
    result, t = read(FIXTURES / "ads_legacy_jp_search_term.csv", ctx("JP"))
    # 広告費 ￥3,648 + ￥861 = ￥4,509; 7日間の総売上高 ￥21,760 + ￥2,980 = ￥24,740
    assert t["spend"].sum() == 4509
    assert t["attributed_sales"].sum() == 24740
    assert t["attributed_orders"].sum() == 9
    assert t["clicks"].sum() == 96 + 21
    assert set(t["currency"]) == {"JPY"}
    assert result.info.language == "ja"


def test_xlsx_with_excel_dates_and_numeric_cells():
    result, t = read(FIXTURES / "ads_legacy_sp_advertised_product_us.xlsx")
    assert set(t["period_start"]) == {pd.Timestamp("2026-07-01")}
    assert set(t["period_end"]) == {pd.Timestamp("2026-07-31")}
    # Spend 165.36 + 35.64 = 201.00; sales 1,290.50 + 219.96 = 1,510.46; orders 98 + 10
    assert t["spend"].sum() == pytest.approx(201.00)
    assert t["attributed_sales"].sum() == pytest.approx(1510.46)
    assert t["attributed_orders"].sum() == 108
    assert t["impressions"].sum() == 25400 + 6100
    assert list(t["asin"]) == ["B096MCMDPL", "B096MCMDPQ"]
    assert (result.info.encoding, result.info.sheet) == (None, "Sponsored Product Advertised P")


def test_ads_api_v3_json_rows():
    result, t = read(FIXTURES / "ads_api_v3_sp_advertised_product.json")
    assert list(t["period_start"]) == [pd.Timestamp(d) for d in ("2026-07-01", "2026-07-01", "2026-07-02")]
    # cost 11.70 + 4.05 + 13.26 = 29.01; sales7d 94.50 + 21.99 + 108.00 = 224.49; purchases7d 7 + 1 + 8
    assert t["spend"].sum() == pytest.approx(29.01)
    assert t["attributed_sales"].sum() == pytest.approx(224.49)
    assert t["attributed_orders"].sum() == 16
    assert t["attributed_units"].sum() == 16
    assert list(t["campaign_id"]) == ["254927681919372"] * 3
    assert set(t["currency"]) == {"USD"}
    assert (result.info.layout, result.info.header_row) == ("api_v3", None)


def test_gzipped_json_reads_like_plain_json(tmp_path):
    gz = tmp_path / "report.json.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "ads_api_v3_sp_advertised_product.json").read_bytes()))
    _, t = read(gz, ctx(data_dir=tmp_path))
    assert t["spend"].sum() == pytest.approx(29.01)


def test_json_with_start_and_end_dates_and_an_empty_report(tmp_path):
    rows = [{"startDate": "2026-07-01", "endDate": "2026-07-31", "campaignName": "C", "impressions": 10,
             "clicks": 2, "cost": 1.5, "sales7d": 9.0, "purchases7d": 1}]
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    _, t = read(path, ctx(data_dir=tmp_path))
    assert (t.loc[0, "period_start"], t.loc[0, "period_end"]) == (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-07-31"))
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    _, t = read(empty, ctx(data_dir=tmp_path))  # a report with no rows is an empty table
    assert len(t) == 0


def test_report_without_dates_uses_the_month_of_its_folder(tmp_path):
    lines = (FIXTURES / "ads_legacy_sp_search_term_us.csv").read_text(encoding="utf-8").splitlines()
    no_dates = [",".join(line.split(",")[2:]) if i == 0 else line.split('",', 2)[2] for i, line in enumerate(lines)]
    folder = tmp_path / "2026-05"
    folder.mkdir()
    path = folder / "search_terms.csv"
    path.write_text("\n".join(no_dates) + "\n", encoding="utf-8")
    result, t = read(path, ctx(data_dir=tmp_path))
    assert set(t["period_start"]) == {pd.Timestamp("2026-05-01")}
    assert set(t["period_end"]) == {pd.Timestamp("2026-05-31")}
    assert t["spend"].sum() == pytest.approx(31.18)
    assert any("2026-05" in w for w in result.info.warnings)
    flat = tmp_path / "search_terms.csv"
    flat.write_bytes(path.read_bytes())
    with pytest.raises(SourceError, match="YYYY-MM"):
        read(flat, ctx(data_dir=tmp_path))


# -- bad inputs ---------------------------------------------------------------------------

def test_missing_spend_column_names_the_column_and_the_file(tmp_path):
    text = (FIXTURES / "ads_legacy_sp_search_term_us.csv").read_text(encoding="utf-8")
    bad = tmp_path / "no_spend.csv"
    bad.write_text(text.replace(",Spend,", ",Budget,", 1), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(bad, ctx(data_dir=tmp_path))
    assert "spend" in str(err.value) and "Spend" in str(err.value)
    assert err.value.file.endswith("no_spend.csv")


def test_unparseable_spend_names_row_and_column(tmp_path):
    text = (FIXTURES / "ads_legacy_sp_search_term_us.csv").read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("$ 3.56", "$ 3.5.6"), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(bad, ctx(data_dir=tmp_path))
    assert (err.value.row, err.value.column) == (3, "Spend")


def test_unparseable_date_range_names_row_and_column(tmp_path):
    text = (FIXTURES / "ads_console_2025_advertised_product_us.csv").read_text(encoding="utf-8")
    bad = tmp_path / "bad_range.csv"
    lines = text.splitlines()
    lines[2] = lines[2].replace("Jul 29, 2026", "Jul 99, 2026")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(bad, ctx(data_dir=tmp_path))
    assert (err.value.row, err.value.column) == (3, "Date range")


def test_unparseable_json_value_names_the_record_and_key(tmp_path):
    rows = json.loads((FIXTURES / "ads_api_v3_sp_advertised_product.json").read_text(encoding="utf-8"))
    rows[1]["cost"] = "four dollars"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(path, ctx(data_dir=tmp_path))
    assert (err.value.row, err.value.column) == (2, "cost")


def test_json_that_is_not_a_list_of_rows(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text('{"status": "COMPLETED", "url": "https://example.invalid"}', encoding="utf-8")
    with pytest.raises(SourceError, match="list"):
        read(path, ctx(data_dir=tmp_path))


@pytest.mark.parametrize("name", ["ads.csv", "ads.json", "ads.xlsx"])
def test_empty_files_are_errors(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        read(path, ctx(data_dir=tmp_path))


def test_header_only_file_gives_an_empty_table_not_an_error(tmp_path):
    header = (FIXTURES / "ads_console_2025_advertised_product_us.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "header_only.csv"
    path.write_text(header + "\n", encoding="utf-8")
    result, t = read(path, ctx(data_dir=tmp_path))
    assert len(t) == 0 and result.info.rows == 0


@pytest.mark.parametrize("name", ["ads_console_2025_advertised_product_us.csv", "ads_legacy_sp_search_term_us.csv",
                                  "ads_legacy_zh_advertised_product.csv", "ads_legacy_jp_search_term.csv",
                                  "ads_legacy_sp_advertised_product_us.xlsx", "ads_api_v3_sp_advertised_product.json"])
def test_reading_leaves_the_raw_file_untouched(name):
    path = FIXTURES / name
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    read(path, ctx("JP" if "_jp_" in name else "US"))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
