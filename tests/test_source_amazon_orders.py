"""Amazon All Orders flat file: US UTF-8, JP cp932 with English keys or Japanese headers."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from kpi_lib.sources import SourceContext, get_adapter
from kpi_lib.sources.amazon_orders import normalize_status
from kpi_lib.tables import columns_of, validate_table

FIXTURES = Path(__file__).parent / "fixtures" / "amazon"
TYPE = "amazon_orders"
PERSONAL = {"ship_city", "ship_state", "ship_postal_code", "buyer_email", "buyer_name", "buyer_phone_number",
            "recipient_name", "ship-city", "ship-state", "ship-postal-code"}


def ctx(market: str = "US", *, data_dir: Path = FIXTURES, **kw) -> SourceContext:
    args = dict(type=TYPE, data_dir=data_dir, market=market, store=f"acme-{market.lower()}", platform="amazon",
                timezone={"US": "America/Los_Angeles", "JP": "Asia/Tokyo"}[market],
                currency={"US": "USD", "JP": "JPY"}[market])
    args.update(kw)
    return SourceContext(**args)


def read(path: Path, context: SourceContext | None = None):
    result = get_adapter(TYPE).read(path, context or ctx())
    return result, validate_table("orders", result.tables["orders"])


def all_text(frame: pd.DataFrame) -> str:
    return " ".join(str(v) for v in frame.to_numpy().ravel())


def test_us_all_orders_one_row_per_item():
    result, t = read(FIXTURES / "orders_all_us.txt")
    assert list(t.columns[: len(columns_of("orders"))]) == columns_of("orders")
    assert len(t) == 6 and t["order_id"].nunique() == 5  # order 113-4444444 has two items
    # item-price is the line total: 37.98 + (pending, blank) + 0.00 + 21.99 + 29.99 + 18.99 = 108.95
    assert t["item_sales"].sum() == pytest.approx(108.95)
    assert pd.isna(t.loc[1, "item_sales"])  # pending orders have no price yet: blank, not 0
    assert t["quantity"].sum() == 2 + 1 + 0 + 1 + 1 + 1
    assert list(t["status"]) == ["shipped", "pending", "cancelled", "shipping", "shipping", "shipped"]
    # the pending row has no currency cell: the config's currency fills it
    assert set(t["currency"]) == {"USD"}
    assert set(t["platform"]) == {"amazon"} and set(t["store"]) == {"acme-us"}
    assert t["item_tax"].sum() == pytest.approx(3.04 + 0.00 + 1.76 + 2.40 + 1.52)
    assert (result.info.encoding, result.info.language, result.info.rows) == ("utf-8", "en", 6)


def test_us_order_date_is_the_los_angeles_day():
    _, t = read(FIXTURES / "orders_all_us.txt")
    # 2026-07-01T06:30Z is 2026-06-30 23:30 in Los Angeles (PDT, UTC-7)
    assert t.loc[0, "ordered_at"] == pd.Timestamp("2026-07-01 06:30", tz="UTC")
    assert t.loc[0, "order_date"] == pd.Timestamp("2026-06-30")
    # 2026-08-01T05:00Z is 2026-07-31 22:00 in Los Angeles
    assert t.loc[5, "order_date"] == pd.Timestamp("2026-07-31")


def test_buyer_location_never_leaves_the_adapter():
    _, t = read(FIXTURES / "orders_all_us.txt")
    assert not PERSONAL & set(t.columns)
    text = all_text(t)
    for value in ("SEATTLE", "98101-1234", "PORTLAND", "97201", "DENVER"):
        assert value not in text


def test_jp_cp932_with_english_keys():
    result, t = read(FIXTURES / "orders_all_jp_cp932.txt", ctx("JP"))
    assert result.info.encoding == "cp932"
    # ￥3,960 + ￥1,980 + ￥0 = ￥5,940 (JP prices include consumption tax; item_tax 360 + 180 + 0 kept apart)
    assert t["item_sales"].sum() == 5940
    assert t["item_tax"].sum() == 540
    assert set(t["currency"]) == {"JPY"}
    # 2026-07-31T16:30Z is 2026-08-01 01:30 in Tokyo
    assert t.loc[1, "order_date"] == pd.Timestamp("2026-08-01")
    # 2026-07-15T14:59:59Z is 23:59:59 the same day in Tokyo
    assert t.loc[2, "order_date"] == pd.Timestamp("2026-07-15")
    assert "渋谷区" not in all_text(t) and "150-0002" not in all_text(t)


def test_jp_cp932_with_japanese_headers_and_status_words():
    result, t = read(FIXTURES / "orders_all_jp_ja_headers_cp932.txt", ctx("JP"))
    assert (result.info.encoding, result.info.language) == ("cp932", "ja")
    assert list(t["order_id"]) == ["250-1111111-1111111", "250-2222222-2222222"]
    assert list(t["status"]) == ["shipped", "pending"]  # 出荷済み, 保留中
    assert t["item_sales"].sum() == 1990 + 1980
    assert list(t["sku"]) == ["SP-5SET", "TM-WHT"]
    # 2026-07-10T15:30Z is 2026-07-11 00:30 in Tokyo
    assert t.loc[1, "order_date"] == pd.Timestamp("2026-07-11")
    assert "横浜市西区" not in all_text(t)


def test_a_title_starting_with_an_unbalanced_quote_is_just_text(tmp_path):
    lines = (FIXTURES / "orders_all_us.txt").read_text(encoding="utf-8").splitlines()
    cells = lines[1].split("\t")
    cells[10] = '"Deluxe Cast Net, 3ft'  # product-name opening a quote it never closes
    lines[1] = "\t".join(cells)
    path = tmp_path / "orders.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, t = read(path, ctx(data_dir=tmp_path))
    assert len(t) == 6 and t["item_sales"].sum() == pytest.approx(108.95)


def test_status_words_are_normalised():
    raw = pd.Series(["Shipped - Delivered to Buyer", "PartiallyShipped", "Canceled", "Unshipped", None, "キャンセル"],
                    dtype="string")
    assert list(normalize_status(raw)) == ["shipped", "partially shipped", "cancelled", "unshipped", "unknown",
                                           "cancelled"]


def test_without_a_configured_market_the_sales_channel_says_it():
    result, t = read(FIXTURES / "orders_all_jp_cp932.txt", SourceContext(type=TYPE, data_dir=FIXTURES))
    assert set(t["market"]) == {"JP"}
    # and the day is Tokyo's: 2026-07-31T16:30Z → 2026-08-01
    assert t.loc[1, "order_date"] == pd.Timestamp("2026-08-01")


def test_a_file_from_another_marketplace_is_flagged():
    result, _ = read(FIXTURES / "orders_all_jp_cp932.txt", ctx("US"))
    assert any("JP" in w for w in result.info.warnings)


# -- bad inputs ---------------------------------------------------------------------------

def test_missing_quantity_column_names_the_column_and_the_file(tmp_path):
    text = (FIXTURES / "orders_all_us.txt").read_text(encoding="utf-8")
    bad = tmp_path / "no_quantity.txt"
    bad.write_text(text.replace("\tquantity\t", "\tqty\t", 1), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(bad, ctx(data_dir=tmp_path))
    assert "quantity" in str(err.value) and err.value.file.endswith("no_quantity.txt")


def test_unparseable_purchase_date_names_row_and_column(tmp_path):
    text = (FIXTURES / "orders_all_us.txt").read_text(encoding="utf-8")
    bad = tmp_path / "bad_date.txt"
    bad.write_text(text.replace("2026-07-15T18:05:00+00:00", "yesterday"), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(bad, ctx(data_dir=tmp_path))
    assert (err.value.row, err.value.column, err.value.found) == (3, "purchase-date", "yesterday")


def test_blank_quantity_names_row_and_column(tmp_path):
    lines = (FIXTURES / "orders_all_us.txt").read_text(encoding="utf-8").splitlines()
    cells = lines[2].split("\t")
    cells[14] = ""  # quantity of the second order
    lines[2] = "\t".join(cells)
    bad = tmp_path / "blank_qty.txt"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(bad, ctx(data_dir=tmp_path))
    assert (err.value.row, err.value.column) == (3, "quantity")


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "orders.txt"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        read(path, ctx(data_dir=tmp_path))


def test_header_only_file_gives_an_empty_table_not_an_error(tmp_path):
    header = (FIXTURES / "orders_all_us.txt").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "no_orders_yet.txt"
    path.write_text(header + "\n", encoding="utf-8")
    result, t = read(path, ctx(data_dir=tmp_path))
    assert len(t) == 0 and result.info.rows == 0


@pytest.mark.parametrize("name", ["orders_all_us.txt", "orders_all_jp_cp932.txt", "orders_all_jp_ja_headers_cp932.txt"])
def test_reading_leaves_the_raw_file_untouched(name):
    path = FIXTURES / name
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    read(path, ctx("JP" if "_jp_" in name else "US"))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
