"""FBA customer returns flat file."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from kpi_lib.sources import SourceContext, get_adapter
from kpi_lib.tables import columns_of, validate_table

FIXTURES = Path(__file__).parent / "fixtures" / "amazon"
TYPE = "amazon_returns"
RETURNS = FIXTURES / "returns_fba_us.txt"


def ctx(market: str = "US", *, data_dir: Path = FIXTURES, **kw) -> SourceContext:
    args = dict(type=TYPE, data_dir=data_dir, market=market, store="acme-us", platform="amazon",
                timezone={"US": "America/Los_Angeles", "JP": "Asia/Tokyo"}[market])
    args.update(kw)
    return SourceContext(**args)


def read(path: Path, context: SourceContext | None = None):
    result = get_adapter(TYPE).read(path, context or ctx())
    return result, validate_table("returns", result.tables["returns"])


def test_returns_with_reason_and_disposition():
    result, t = read(RETURNS)
    assert list(t.columns[: len(columns_of("returns"))]) == columns_of("returns")
    assert list(t["order_id"]) == ["113-1111111-1111111", "113-4444444-4444444", "113-6666666-6666666"]
    assert t["quantity"].sum() == 1 + 2 + 1
    assert list(t["reason"]) == ["NOT_COMPATIBLE", "UNWANTED_ITEM", "DEFECTIVE"]
    assert list(t["disposition"]) == ["CUSTOMER_DAMAGED", "SELLABLE", "DEFECTIVE"]
    assert list(t["sku"]) == ["5K-SC4U-PO06", "LN-RUB-24", "5K-SC4U-PO08"]
    assert set(t["market"]) == {"US"} and set(t["store"]) == {"acme-us"}
    assert (result.info.layout, result.info.rows, result.info.period) == ("fba_returns", 3, "2026-07")


def test_return_date_is_the_marketplace_day():
    _, t = read(RETURNS)
    assert t.loc[1, "returned_at"] == pd.Timestamp("2026-07-12 06:10", tz="UTC")
    # 06:10 UTC is 23:10 the evening before in Los Angeles
    assert t.loc[1, "return_date"] == pd.Timestamp("2026-07-11")
    _, jp = read(RETURNS, ctx("JP"))
    # 06:10 UTC is 15:10 the same day in Tokyo
    assert jp.loc[1, "return_date"] == pd.Timestamp("2026-07-12")


def test_a_stray_quote_in_a_comment_does_not_swallow_rows():
    # The last comment starts with an unbalanced '"'. Flat files are unquoted TSV, so the
    # quote is a plain character; read as quoted CSV it would eat the rest of the file.
    _, t = read(RETURNS)
    assert len(t) == 3 and t.loc[2, "order_id"] == "113-6666666-6666666"


def test_customer_comments_never_leave_the_adapter():
    _, t = read(RETURNS)
    assert not {"customer_comments", "customer-comments", "comments"} & set(t.columns)
    text = " ".join(str(v) for v in t.to_numpy().ravel())
    assert "John Smith" not in text and "555-0100" not in text


# -- bad inputs ---------------------------------------------------------------------------

def test_missing_quantity_column_names_the_column_and_the_file(tmp_path):
    bad = tmp_path / "returns.txt"
    bad.write_text(RETURNS.read_text(encoding="utf-8").replace("\tquantity\t", "\tunits\t", 1), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(bad, ctx(data_dir=tmp_path))
    assert "quantity" in str(err.value) and err.value.file.endswith("returns.txt")


def test_unparseable_quantity_names_row_and_column(tmp_path):
    lines = RETURNS.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split("\t")
    cells[6] = "one"
    lines[3] = "\t".join(cells)
    bad = tmp_path / "returns.txt"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(bad, ctx(data_dir=tmp_path))
    assert (err.value.row, err.value.column, err.value.found) == (4, "quantity", "one")


def test_no_market_anywhere_is_a_source_error():
    # the returns report names no marketplace, currency or channel: the config must say it
    with pytest.raises(SourceError, match="market"):
        read(RETURNS, SourceContext(type=TYPE, data_dir=FIXTURES))


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "returns.txt"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        read(path, ctx(data_dir=tmp_path))


def test_header_only_file_gives_an_empty_table_not_an_error(tmp_path):
    path = tmp_path / "returns.txt"
    path.write_text(RETURNS.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result, t = read(path, ctx(data_dir=tmp_path))
    assert len(t) == 0 and result.info.rows == 0


def test_jp_cp932_returns_are_read(tmp_path):
    # The same report from Seller Central JP: English keys, cp932 bytes (Japanese product names).
    text = RETURNS.read_text(encoding="utf-8").replace("BasicGear Cast Net, 3ft Radius", "投網 3フィート")
    path = tmp_path / "returns_jp.txt"
    path.write_bytes(text.encode("cp932"))
    result, t = read(path, ctx("JP", data_dir=tmp_path))
    assert result.info.encoding == "cp932"
    assert t["quantity"].sum() == 4


def test_reading_leaves_the_raw_file_untouched():
    before = hashlib.sha256(RETURNS.read_bytes()).hexdigest()
    read(RETURNS)
    assert hashlib.sha256(RETURNS.read_bytes()).hexdigest() == before
