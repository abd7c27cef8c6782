"""Amazon Date Range (transaction) report, US and JP, with note lines above the header."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from kpi_lib.sources import SourceContext, get_adapter
from kpi_lib.sources.amazon_transactions import normalize_type
from kpi_lib.tables import columns_of, validate_table

FIXTURES = Path(__file__).parent / "fixtures" / "amazon"
TYPE = "amazon_transactions"
US = FIXTURES / "transactions_date_range_us.csv"
JP = FIXTURES / "transactions_date_range_jp_cp932.csv"


def ctx(market: str = "US", *, data_dir: Path = FIXTURES, **kw) -> SourceContext:
    args = dict(type=TYPE, data_dir=data_dir, market=market, store=f"acme-{market.lower()}", platform="amazon",
                timezone={"US": "America/Los_Angeles", "JP": "Asia/Tokyo"}[market])
    args.update(kw)
    return SourceContext(**args)


def read(path: Path, context: SourceContext | None = None):
    result = get_adapter(TYPE).read(path, context or ctx())
    return result, validate_table("transactions", result.tables["transactions"])


def test_us_report_after_seven_note_lines():
    result, t = read(US)
    assert list(t.columns[: len(columns_of("transactions"))]) == columns_of("transactions")
    assert (result.info.header_row, result.info.rows, result.info.encoding) == (8, 6, "utf-8")
    assert list(t["type"]) == ["order", "refund", "fee", "fee", "transfer", "adjustment"]
    assert list(t["type_raw"]) == ["Order", "Refund", "Service Fee", "FBA Inventory Fee", "Transfer", "Adjustment"]
    # product sales 89.97 − 29.99 = 59.98
    assert t["product_sales"].sum() == pytest.approx(59.98)
    # fees = selling + fba + other transaction fees: (−13.50 − 11.02) + 4.50 − 39.99 = −60.01
    assert list(t["fees"].round(2)) == [-24.52, 4.50, -39.99, 0, 0, 0]
    assert t["fees"].sum() == pytest.approx(-60.01)
    # total 65.45 − 25.49 − 39.99 − 12.34 − 1,500.00 + 18.40 = −1,493.97
    assert t["total"].sum() == pytest.approx(-1493.97)
    # "All amounts in USD" — stated by the notes
    assert set(t["currency"]) == {"USD"}


def test_us_times_carry_pdt_and_pst():
    _, t = read(US)
    # Sep 4, 2026 1:05:07 AM PDT (UTC−7) = 08:05:07 UTC
    assert t.loc[0, "posted_at"] == pd.Timestamp("2026-09-04 08:05:07", tz="UTC")
    # Nov 2, 2026 11:45 PM PST (UTC−8) = Nov 3 07:45 UTC, but the Los Angeles day is Nov 2
    assert t.loc[5, "posted_at"] == pd.Timestamp("2026-11-03 07:45", tz="UTC")
    assert t.loc[5, "posted_date"] == pd.Timestamp("2026-11-02")


def test_jp_report_in_cp932():
    result, t = read(JP, ctx("JP"))
    assert (result.info.encoding, result.info.language, result.info.header_row) == ("cp932", "ja", 5)
    assert list(t["type"]) == ["order", "refund", "fee", "fee", "transfer", "adjustment"]
    # 商品売上 3,600 − 1,800 = 1,800
    assert t["product_sales"].sum() == 1800
    # 手数料 + FBA 手数料 + その他の手数料: (−540 − 636) + 216 − 4,900 = −5,860
    assert t["fees"].sum() == -5860
    # 合計 2,744 − 1,744 − 4,900 − 1,234 − 20,000 + 1,500 = −23,634
    assert t["total"].sum() == -23634
    assert t["points_cost"].sum() == -40 + 20  # Amazonポイントの費用, JP only
    # 2026/07/03 12:34:56 JST = 03:34:56 UTC
    assert t.loc[0, "posted_at"] == pd.Timestamp("2026-07-03 03:34:56", tz="UTC")
    assert set(t["currency"]) == {"JPY"}


def test_buyer_location_never_leaves_the_adapter():
    for path, market in ((US, "US"), (JP, "JP")):
        _, t = read(path, ctx(market))
        text = " ".join(str(v) for v in t.to_numpy().ravel())
        for value in ("SEATTLE", "98101-1234", "渋谷区", "東京都", "150-0002"):
            assert value not in text
        assert not {"order_city", "order_state", "order_postal"} & set(t.columns)


def test_notes_state_the_currency_over_the_config():
    result, t = read(US, ctx(currency="CAD"))
    assert set(t["currency"]) == {"USD"}
    assert any("USD" in w for w in result.info.warnings)


def test_type_words():
    raw = pd.Series(["Order", "Chargeback Refund", "FBA Customer Return Fee", "Fee Adjustment", "振込み",
                     "注文外料金", "Liquidations", None, "Refund_Retrocharge"], dtype="string")
    assert list(normalize_type(raw)) == ["order", "refund", "fee", "adjustment", "transfer", "fee", "other",
                                         "other", "refund"]


# -- bad inputs ---------------------------------------------------------------------------

def test_missing_total_column_names_the_column_and_the_file(tmp_path):
    path = tmp_path / "range.csv"
    path.write_text(US.read_text(encoding="utf-8").replace('"other","total"', '"other","net"'), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(path, ctx(data_dir=tmp_path))
    assert "total" in str(err.value) and err.value.file.endswith("range.csv")


def test_unparseable_amount_names_row_and_column(tmp_path):
    path = tmp_path / "range.csv"
    path.write_text(US.read_text(encoding="utf-8").replace('"-25.49"', '"n/a yet"'), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(path, ctx(data_dir=tmp_path))
    # 7 note lines, header on line 8, the refund on line 10
    assert (err.value.row, err.value.column, err.value.found) == (10, "total", "n/a yet")


def test_unparseable_time_names_row_and_column(tmp_path):
    path = tmp_path / "range.csv"
    path.write_bytes(JP.read_bytes().replace("2026/07/05 09:10:00 JST".encode("cp932"), b"2026/07/05 25:10:00 JST"))
    with pytest.raises(SourceError) as err:
        read(path, ctx("JP", data_dir=tmp_path))
    assert (err.value.row, err.value.column) == (7, "日付/時間")


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "range.csv"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        read(path, ctx(data_dir=tmp_path))


def test_notes_and_header_only_give_an_empty_table_not_an_error(tmp_path):
    lines = US.read_text(encoding="utf-8").splitlines()[:8]
    path = tmp_path / "range.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, t = read(path, ctx(data_dir=tmp_path))
    assert len(t) == 0 and result.info.rows == 0 and result.info.header_row == 8


@pytest.mark.parametrize("path", [US, JP])
def test_reading_leaves_the_raw_file_untouched(path):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    read(path, ctx("JP" if path == JP else "US"))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
