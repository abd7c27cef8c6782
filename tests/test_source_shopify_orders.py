"""Shopify "Export orders" CSV → orders: multi-row orders, order-level totals counted once."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import FIXTURES, US, all_text, only_table, read, write_csv

EXPORT = FIXTURES / "shopify" / "orders_export_1.csv"
OLD_EXPORT = FIXTURES / "shopify" / "orders_export_2019.csv"


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return only_table(read("shopify_orders", EXPORT, **US))


def test_one_row_per_line_item_and_three_orders(orders):
    assert len(orders) == 6
    assert orders["order_id"].nunique() == 3
    assert set(orders["platform"]) == {"shopify"} and set(orders["store"]) == {"shop-us"}
    assert set(orders["source_file"]) == {"shopify/orders_export_1.csv"}


def test_item_sales_is_quantity_times_price_minus_line_discount(orders):
    first = orders[orders["order_id"] == "#1001"]
    # 2 × 19.99 − 4.00 = 35.98; 1 × 29.99 = 29.99; 3 × 5.00 = 15.00
    assert first["item_sales"].tolist() == pytest.approx([35.98, 29.99, 15.00])
    # The lines add up to the order's Subtotal (80.97), which Shopify states after discounts.
    assert first["item_sales"].sum() == pytest.approx(80.97)
    # 80.97 + 19.99 + (5.00 + 29.99) = 135.95
    assert orders["item_sales"].sum() == pytest.approx(135.95)


def test_order_totals_only_on_first_line(orders):
    # 92.45 (#1001) + 26.59 (#1002) + 37.79 (#1003) = 156.83, not 92.45 × 3 + ...
    assert orders["order_total"].sum() == pytest.approx(156.83)
    assert orders["order_total"].notna().sum() == 3
    assert orders.groupby("order_id")["order_total"].count().tolist() == [1, 1, 1]
    assert orders["refunded_amount"].sum() == pytest.approx(10.00)


def test_order_fields_reach_every_line(orders):
    third = orders[orders["order_id"] == "#1003"]
    # Created at and Currency are on #1003's first row only.
    assert third["currency"].tolist() == ["USD", "USD"]
    assert third["ordered_at"].nunique() == 1 and third["ordered_at"].notna().all()


def test_status_from_cancelled_financial_and_fulfillment(orders):
    status = orders.groupby("order_id")["status"].first().to_dict()
    assert status == {"#1001": "shipped", "#1002": "cancelled", "#1003": "partially refunded"}


def test_times_utc_and_day_in_market_zone(orders):
    third = orders[orders["order_id"] == "#1003"].iloc[0]
    # 2026-10-06 01:15:00 -0400 = 05:15 UTC = 2026-10-05 22:15 in Los Angeles (PDT, UTC−7)
    assert third["ordered_at"] == pd.Timestamp("2026-10-06 05:15:00", tz="UTC")
    assert third["order_date"] == pd.Timestamp("2026-10-05")
    second = orders[orders["order_id"] == "#1002"].iloc[0]
    # 2026-10-04 23:30 -0400 = 2026-10-05 03:30 UTC = 2026-10-04 20:30 PDT
    assert second["order_date"] == pd.Timestamp("2026-10-04")


def test_buyer_data_never_leaves(orders):
    text = all_text(orders)
    for value in ["example.com", "Jane Doe", "Bob Roe", "Elm St", "Springfield", "01105", "555-01", "back door",
                  "gift: yes", "Amy Poe", "Reno"]:
        assert value not in text
    for column in ["Email", "Billing Name", "Shipping Zip", "Phone", "Notes", "Note Attributes"]:
        assert column not in orders.columns


def test_older_export_without_trailing_columns():
    result = read("shopify_orders", OLD_EXPORT, **US)
    orders = only_table(result)
    assert "line_discount" not in orders.columns
    # No Lineitem discount column: 2 × 19.99 + 1 × 29.99 + 3 × 5.00 = 84.97
    assert orders["item_sales"].sum() == pytest.approx(84.97)
    assert orders["status"].tolist() == ["shipped"] * 3   # Fulfillment Date instead of Fulfilled at


def test_file_info(orders):
    info = read("shopify_orders", EXPORT, **US).info
    assert (info.type, info.encoding, info.language, info.header_row, info.rows) == ("shopify_orders", "utf-8", "en", 1, 6)
    assert (info.market, info.period, info.layout) == ("US", "2026-10", "orders")


def test_missing_created_at_on_an_order_names_the_row(tmp_path):
    path = write_csv(tmp_path / "orders.csv", [
        ["Name", "Currency", "Created at", "Lineitem quantity", "Lineitem price", "Lineitem sku"],
        ["#1", "USD", "2026-10-03 14:02:33 -0400", "1", "5.00", "A"],
        ["#2", "USD", "", "1", "5.00", "B"]])
    with pytest.raises(SourceError) as err:
        read("shopify_orders", path, tmp_path, **US)
    assert err.value.row == 3 and err.value.column == "Created at"
