"""TikTok Shop "All order" CSV → orders: description row, repeated headers, order amounts once."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import FIXTURES, US, all_text, only_table, read, write_csv

EXPORT = FIXTURES / "tiktok" / "All order-2026-10-08-16_03.csv"
MX_EXPORT = FIXTURES / "tiktok" / "All order-2026-10-02-09_00-mx.csv"
TT = {**US, "store": "tt-us"}


@pytest.fixture(scope="module")
def result():
    return read("tiktok_orders", EXPORT, **TT)


@pytest.fixture(scope="module")
def orders(result) -> pd.DataFrame:
    return only_table(result)


def test_description_row_and_repeated_header_are_dropped(orders, result):
    # 5 SKU lines in the file, plus a description row and a header row repeated mid-file.
    assert len(orders) == 5
    assert orders["order_id"].tolist() == ["576900000000000001"] * 3 + ["576900000000000002", "576900000000000003"]
    assert result.info.rows == 5 and result.info.encoding == "utf-8-sig"


def test_order_amount_counted_once_for_a_three_line_order(orders):
    first = orders[orders["order_id"] == "576900000000000001"]
    assert len(first) == 3
    assert first["order_amount"].tolist()[0] == pytest.approx(81.56)
    assert first["order_amount"].iloc[1:].isna().all()
    # 81.56 + 21.59 + 35.00 = 138.15 (summing every line would give 81.56 × 3 + ... = 301.27)
    assert orders["order_amount"].sum() == pytest.approx(138.15)
    # refunds 0.00 + 21.59 + 12.00 = 33.59; taxes 5.60 + 1.60 + 2.59 = 9.79
    assert orders["order_refund_amount"].sum() == pytest.approx(33.59)
    assert orders["taxes"].sum() == pytest.approx(9.79)


def test_item_sales_per_line_after_discount(orders):
    # 34.98 + 29.99 + 5.00 + 19.99 + 32.41 = 122.37
    assert orders["item_sales"].sum() == pytest.approx(122.37)
    assert orders["quantity"].sum() == 6     # 2 + 1 + 1 + 1 + 1


def test_local_times_to_utc_and_market_day(orders):
    first = orders.iloc[0]
    # 10/03/2026 02:22:05 PM in Los Angeles (PDT, UTC−7) = 21:22:05 UTC
    assert first["ordered_at"] == pd.Timestamp("2026-10-03 21:22:05", tz="UTC")
    late = orders[orders["order_id"] == "576900000000000002"].iloc[0]
    # 10/04/2026 11:59:59 PM PDT = 2026-10-05 06:59:59 UTC, still the 4th in the market
    assert late["ordered_at"] == pd.Timestamp("2026-10-05 06:59:59", tz="UTC")
    assert late["order_date"] == pd.Timestamp("2026-10-04")


def test_status_spellings(orders):
    status = orders.groupby("order_id")["status"].first().tolist()
    assert status == ["shipped", "cancelled", "delivered"]
    assert orders["status_raw"].iloc[3] == "Canceled"


def test_leading_space_header_and_trailing_tabs(orders):
    assert orders["bundle_sku"].dropna().tolist() == ["TT-BUNDLE-1"]
    assert not orders["order_id"].str.contains("\t").any()
    assert orders["sku"].iloc[0] == "TT-KIT-001"


def test_buyer_data_never_leaves(orders):
    text = all_text(orders)
    for value in ["Mary", "maryk88", "mary_k", "555-0142", "Fresno", "93650", "Pine Rd", "Apt 4", "Gate code",
                  "Tom Ng", "pls ship fast"]:
        assert value not in text
    for column in ["Buyer Message", "Recipient", "Phone #", "Zipcode", "Address Line 1", "City"]:
        assert column not in orders.columns


def test_mexican_export_currency_from_the_amounts():
    orders = only_table(read("tiktok_orders", MX_EXPORT, market="MX", store="tt-mx",
                             timezone="America/Mexico_City", currency=None))
    assert orders["currency"].tolist() == ["MXN"]          # from "MXN 790.00"
    assert orders["item_sales"].tolist() == [790.0]
    assert orders["order_amount"].tolist() == [849.0]
    assert orders["status"].tolist() == ["delivered"]      # Completado
    # 10/02/2026 09:10:11 AM in Mexico City (UTC−6, no daylight saving since 2022) = 15:10:11 UTC
    assert orders["ordered_at"].iloc[0] == pd.Timestamp("2026-10-02 15:10:11", tz="UTC")


def test_error_row_counts_the_description_row(tmp_path):
    header = ["Order ID", "Order Status", "Seller SKU", "Quantity", "SKU Subtotal After Discount", "Created Time"]
    path = write_csv(tmp_path / "All order.csv", [
        header, ["Platform unique order ID.", "Order status.", "Seller SKU.", "Quantity.", "Subtotal.", "Created."],
        ["576900000000000011\t", "Shipped", "A", "1", "$5.00", "10/03/2026 02:22:05 PM"],
        ["576900000000000012\t", "Shipped", "B", "two", "$5.00", "10/03/2026 02:22:05 PM"]], encoding="utf-8-sig")
    with pytest.raises(SourceError) as err:
        read("tiktok_orders", path, tmp_path, **TT)
    # header = line 1, description = line 2, first order = line 3, the bad quantity = line 4
    assert (err.value.row, err.value.column, err.value.found) == (4, "Quantity", "two")


def test_order_in_the_repeated_hour_of_the_dst_change(tmp_path):
    header = ["Order ID", "Order Status", "Seller SKU", "Quantity", "SKU Subtotal After Discount", "Created Time"]
    path = write_csv(tmp_path / "All order.csv", [
        header, ["576900000000000021", "Shipped", "A", "1", "$5.00", "11/01/2026 01:30:00 AM"]], encoding="utf-8-sig")
    orders = only_table(read("tiktok_orders", path, tmp_path, **TT))
    # Clocks go back at 02:00 PDT on 2026-11-01; 01:30 is taken as its first occurrence (PDT, UTC−7).
    assert orders["ordered_at"].tolist() == [pd.Timestamp("2026-11-01 08:30:00", tz="UTC")]
