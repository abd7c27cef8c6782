"""Write the Shopify and TikTok Shop order exports of the demo (REPORT_FORMATS.md §5, §6).

Buyer names, e-mails, phones and addresses are synthetic (``buyer123@example.com``,
``555-01xx`` phone numbers, ``Example St``); they are in the files because the real
exports carry them, and the adapters must drop them.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib.demo import company as co
from kpi_lib.demo import files
from kpi_lib.demo.sales import US_PLACES
from kpi_lib.demo.simulate import DemoData

SHOPIFY_HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
                  "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
                  "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
                  "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
                  "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
                  "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
                  "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
                  "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
                  "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes",
                  "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount", "Vendor",
                  "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags", "Risk Level", "Source",
                  "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name", "Tax 2 Value", "Tax 3 Name",
                  "Tax 3 Value", "Tax 4 Name", "Tax 4 Value", "Tax 5 Name", "Tax 5 Value", "Phone",
                  "Receipt Number", "Duties", "Billing Province Name", "Shipping Province Name", "Payment ID",
                  "Payment Terms Name", "Next Payment Due At", "Payment References"]
# Fields repeated on every line-item row; everything else is only on an order's first row.
SHOPIFY_LINE_FIELDS = {"Name", "Email", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
                       "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
                       "Lineitem taxable", "Lineitem fulfillment status", "Vendor", "Lineitem discount"}
STATE_NAMES = {"WA": "Washington", "OR": "Oregon", "CA": "California", "AZ": "Arizona", "CO": "Colorado",
               "TX": "Texas", "IL": "Illinois", "OH": "Ohio", "GA": "Georgia", "FL": "Florida",
               "NC": "North Carolina", "TN": "Tennessee", "NY": "New York", "MA": "Massachusetts",
               "PA": "Pennsylvania", "NJ": "New Jersey", "MN": "Minnesota", "UT": "Utah"}
STATE_TAX = {"WA": 0.065, "OR": 0.0, "CA": 0.0725, "AZ": 0.056, "CO": 0.029, "TX": 0.0625, "IL": 0.0625,
             "OH": 0.0575, "GA": 0.04, "FL": 0.06, "NC": 0.0475, "TN": 0.07, "NY": 0.04, "MA": 0.0625,
             "PA": 0.06, "NJ": 0.06625, "MN": 0.06875, "UT": 0.061}
FIRST = ["Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Drew", "Parker", "Reese"]
LAST = ["Sample", "Example", "Tester", "Demo", "Placeholder", "Fictional"]


def _buyer(no: int) -> tuple[str, str, str, str]:
    """Synthetic buyer: name, e-mail, phone, street for buyer number ``no``."""
    name = f"{FIRST[no % len(FIRST)]} {LAST[(no // len(FIRST)) % len(LAST)]}"
    return name, f"buyer{no}@example.com", f"+1 555-01{no % 100:02d}", f"{100 + no % 9800} Example St"


def _shopify_time(ts: pd.Series, tz: str) -> np.ndarray:
    """Shopify time: ``2026-10-03 09:50:26 -0700`` in the store's time zone."""
    return ts.dt.tz_convert(tz).dt.strftime("%Y-%m-%d %H:%M:%S %z").to_numpy()


def shopify_rows(data: DemoData) -> dict[str, list[list[str]]]:
    """Rows of every monthly Shopify export, by month: one row per line item, order
    fields only on an order's first row."""
    spec = co.store("Shopify-US")
    o = data.orders[data.orders["store"] == "Shopify-US"].sort_values(["order_seq", "line_no"], kind="stable")
    refunds = data.channel_refunds[data.channel_refunds["store"] == "Shopify-US"].set_index("order_id") \
        .to_dict("index")
    compare = data.listings[data.listings["store"] == "Shopify-US"].set_index("sku")["usd_price"].to_dict()
    at = o["ordered_at"]
    times = {"created": _shopify_time(at, spec.timezone),
             "paid": _shopify_time(at + pd.Timedelta(seconds=4), spec.timezone),
             "fulfilled": _shopify_time(at + pd.Timedelta(hours=26), spec.timezone),
             "cancelled": _shopify_time(at + pd.Timedelta(hours=3), spec.timezone)}
    lines_total = o.groupby("order_seq")["item_price"].transform("sum").to_numpy()
    out: dict[str, list[list[str]]] = {m: [] for m in co.months()}
    order_fields: dict[str, str] = {}
    for i, line in enumerate(o.itertuples(index=False)):
        if line.line_no == 0:
            name_, email, phone, street = _buyer(int(line.buyer_no))
            city, state, zipcode = US_PLACES[int(line.place_no)]
            has_code = line.buyer_no % 8 == 0
            discount = round(lines_total[i] * 0.10, 2) if has_code else 0.0
            subtotal = round(lines_total[i] - discount, 2)
            shipping = 0.0 if subtotal >= 35 else 5.99
            tax = round(subtotal * STATE_TAX[state], 2)
            refund = refunds.get(line.order_id)
            if line.status == "Cancelled":
                fin, fulfil, paid, cancelled = "voided", "unfulfilled", "", times["cancelled"][i]
            elif line.status == "Pending":
                fin, fulfil, paid, cancelled = "pending", "unfulfilled", "", ""
            else:
                fin, fulfil, paid, cancelled = (refund["kind"] if refund else "paid"), "fulfilled", times["paid"][i], ""
            pay_ref = f"c{30_000_000_000 + int(line.order_seq) * 131}.1"
            order_fields = {
                "Financial Status": fin, "Paid at": paid, "Fulfillment Status": fulfil,
                "Fulfilled at": times["fulfilled"][i] if fulfil == "fulfilled" else "",
                "Accepts Marketing": "yes" if line.buyer_no % 3 == 0 else "no", "Currency": "USD",
                "Subtotal": f"{subtotal:.2f}", "Shipping": f"{shipping:.2f}", "Taxes": f"{tax:.2f}",
                "Total": f"{subtotal + shipping + tax:.2f}", "Discount Code": "WELCOME10" if has_code else "",
                "Discount Amount": f"{discount:.2f}",
                "Shipping Method": "Free Shipping" if shipping == 0 else "Standard Shipping",
                "Billing Name": name_, "Billing Street": street, "Billing Address1": street,
                "Billing City": city, "Billing Zip": "'" + zipcode, "Billing Province": state,
                "Billing Country": "US", "Billing Phone": phone, "Shipping Name": name_, "Shipping Street": street,
                "Shipping Address1": street, "Shipping City": city, "Shipping Zip": "'" + zipcode,
                "Shipping Province": state, "Shipping Country": "US", "Shipping Phone": phone,
                "Cancelled at": cancelled,
                "Payment Method": "PayPal Express Checkout" if line.buyer_no % 5 == 0 else "Shopify Payments",
                "Payment Reference": pay_ref,
                "Refunded Amount": f"{refund['refund_amount']:.2f}" if refund else "0.00",
                "Outstanding Balance": "0.00", "Id": str(6_120_000_000_000 + int(line.order_seq) * 7919),
                "Risk Level": "Low", "Source": "web",
                "Tax 1 Name": f"{state} State Tax {STATE_TAX[state] * 100:g}%" if tax else "",
                "Tax 1 Value": f"{tax:.2f}" if tax else "",
                "Billing Province Name": STATE_NAMES[state], "Shipping Province Name": STATE_NAMES[state],
                "Payment ID": pay_ref, "Payment References": pay_ref,
                "_email": email, "_fulfil": fulfil,
            }
        line_fields = {
            "Name": line.order_id, "Email": order_fields["_email"], "Created at": times["created"][i],
            "Lineitem quantity": str(line.quantity), "Lineitem name": line.title.removeprefix(co.BRAND + " "),
            "Lineitem price": f"{line.unit_price:.2f}",
            "Lineitem compare at price": f"{compare[line.sku] + 8:.2f}" if line.deal else "",
            "Lineitem sku": line.sku, "Lineitem requires shipping": "true", "Lineitem taxable": "true",
            "Lineitem fulfillment status": "fulfilled" if order_fields["_fulfil"] == "fulfilled" else "pending",
            "Vendor": co.BRAND, "Lineitem discount": "0.00",
        }
        fields = {**order_fields, **line_fields} if line.line_no == 0 else line_fields
        out[line.month].append([fields.get(h, "") for h in SHOPIFY_HEADER])
    return out


def write_shopify(data: DemoData, root: Path) -> None:
    """One Shopify "Export orders" CSV per month (UTF-8, no BOM)."""
    for month, rows in shopify_rows(data).items():
        files.write_table(root / files.shopify_orders(month), SHOPIFY_HEADER, rows,
                          encoding="utf-8", lineterminator="\n")


TIKTOK_HEADER = ["Order ID", "Order Status", "Order Substatus", "Cancelation/Return Type", "Normal or Pre-order",
                 "SKU ID", "Seller SKU", " Virtual Bundle Seller SKU", "Product Name", "Variation", "Quantity",
                 "Sku Quantity of return", "SKU Unit Original Price", "SKU Subtotal Before Discount",
                 "SKU Platform Discount", "SKU Seller Discount", "SKU Subtotal After Discount",
                 "Shipping Fee After Discount", "Original Shipping Fee", "Shipping Fee Seller Discount",
                 "Co-Funded Shipping Fee Discount", "Shipping Fee Platform Discount", "Payment platform discount",
                 "Retail Delivery Fee", "Taxes", "Order Amount", "Order Refund Amount", "Created Time", "Paid Time",
                 "RTS Time", "Shipped Time", "Delivered Time", "Cancelled Time", "Cancel By", "Cancel Reason",
                 "Fulfillment Type", "Warehouse Name", "Tracking ID", "Delivery Option Type", "Delivery Option",
                 "Shipping Provider Name", "Buyer Message", "Buyer Nickname", "Buyer Username", "Recipient",
                 "Phone #", "Country", "State", "City", "Zipcode", "Address Line 1", "Address Line 2",
                 "Delivery Instruction", "Payment Method", "Weight(kg)", "Product Category", "Package ID",
                 "Seller Note", "Shipping Information", "Combined Listing", "Checked Status", "Checked Marked by"]
TIKTOK_DESCRIPTION = {
    "Order ID": "Platform unique order ID.", "Order Status": "Current order status.",
    "Order Substatus": "Current order substatus.", "Cancelation/Return Type": "Cancellation or return type.",
    "Normal or Pre-order": "Normal order or pre-order.", "SKU ID": "Platform unique SKU ID.",
    "Seller SKU": "SKU code set by the seller.", " Virtual Bundle Seller SKU": "Seller SKU of the virtual bundle.",
    "Product Name": "Product name.", "Variation": "SKU variation.", "Quantity": "SKU quantity in the order.",
    "Sku Quantity of return": "Returned SKU quantity.", "SKU Unit Original Price": "Original price of one SKU unit.",
    "SKU Subtotal Before Discount": "Unit original price x quantity.",
    "SKU Platform Discount": "SKU discount funded by the platform.",
    "SKU Seller Discount": "SKU discount funded by the seller.",
    "SKU Subtotal After Discount": "SKU subtotal after all discounts.",
    "Shipping Fee After Discount": "Shipping fee paid by the buyer.", "Original Shipping Fee": "Original shipping fee.",
    "Taxes": "Taxes of the order.", "Order Amount": "Total amount paid by the buyer for the order.",
    "Order Refund Amount": "Amount refunded for the order.", "Created Time": "Time the order was created.",
    "Paid Time": "Time the order was paid.", "Tracking ID": "Tracking number of the package.",
    "Package ID": "Platform unique package ID.", "Recipient": "Name of the recipient.",
}
TIKTOK_CATEGORY = {"KIT": "Kitchenware", "PET": "Pet Supplies", "TOY": "Toys & Hobbies",
                   "HOM": "Home Supplies", "OUT": "Sports & Outdoor"}


def _tt_time(ts: pd.Series) -> np.ndarray:
    """TikTok time: ``10/03/2026 02:22:05 PM`` (shop local time)."""
    return ts.dt.strftime("%m/%d/%Y %I:%M:%S %p").to_numpy()


def tiktok_rows(data: DemoData) -> dict[str, list[list[str]]]:
    """Rows of every monthly TikTok "All order" export, by month: one per SKU line
    (newest order first), order-level amounts repeated on every line, IDs with a
    trailing tab. Status is as seen at the file's download time."""
    lst = data.listings[data.listings["store"] == "TikTok-US"].set_index("sku").to_dict("index")
    refunds = data.channel_refunds[data.channel_refunds["store"] == "TikTok-US"].set_index("order_id") \
        .to_dict("index")
    o = data.orders[data.orders["store"] == "TikTok-US"]
    o = o.sort_values(["ordered_at", "order_id", "line_no"], ascending=[False, True, True], kind="stable")
    local = o["local_time"]
    t = {k: _tt_time(local + pd.Timedelta(v)) for k, v in
         {"created": "0s", "paid": "37s", "rts": "20h", "shipped": "30h", "delivered": "101h", "cancelled": "2h"}.items()}
    delivered_at = (local + pd.Timedelta("101h")).to_numpy()
    shipped_at = (local + pd.Timedelta("30h")).to_numpy()
    subtotal = o.groupby("order_id")["item_price"].transform("sum").to_numpy()
    downloads = {m: pd.Timestamp(files.download_time("TikTok-US", m, "orders")).to_datetime64() for m in co.months()}
    out: dict[str, list[list[str]]] = {m: [] for m in co.months()}
    for i, line in enumerate(o.itertuples(index=False)):
        li = lst[line.sku]
        city, state, zipcode = US_PLACES[int(line.place_no)]
        name_, _email, _phone, street = _buyer(int(line.buyer_no))
        shipping = 0.0 if subtotal[i] >= 25 else 4.99
        taxes = round(subtotal[i] * STATE_TAX[state], 2)
        refund = refunds.get(line.order_id)
        download = downloads[line.month]
        shipped = line.status != "Cancelled" and shipped_at[i] <= download
        delivered = shipped and delivered_at[i] <= download
        if line.status == "Cancelled":
            status, sub, kind = "Canceled", "Canceled", "Cancel"
        elif refund:
            status, sub, kind = "Completed", "Completed", "Return/Refund"
        elif not shipped:
            status, sub, kind = "To ship", "Awaiting shipment", ""
        elif not delivered:
            status, sub, kind = "Shipped", "In transit", ""
        elif delivered_at[i] + np.timedelta64(3, "D") > download:
            status, sub, kind = "Delivered", "Delivered", ""
        else:
            status, sub, kind = "Completed", "Completed", ""
        seq = int(line.buyer_no) * 7 + int(line.place_no)
        original = float(li["price"])
        returned = refund is not None and line.line_no in refund["refunded_lines"]
        out[line.month].append([
            line.order_id + "\t", status, sub, kind, "Normal", str(li["platform_sku_id"]) + "\t", line.sku, "",
            li["title_en"].split(",")[0], li["variant"] or "Default", str(line.quantity),
            str(line.quantity) if returned else "0",
            f"{original:.2f}", f"{original * line.quantity:.2f}", "0.00",
            f"{max(original - line.unit_price, 0) * line.quantity:.2f}", f"{line.item_price:.2f}",
            f"{shipping:.2f}", "4.99", f"{4.99 - shipping:.2f}", "0.00", "0.00", "0.00", "0.00", f"{taxes:.2f}",
            f"{subtotal[i] + shipping + taxes:.2f}", f"{refund['refund_amount']:.2f}" if refund else "0.00",
            t["created"][i], t["paid"][i], t["rts"][i] if shipped else "", t["shipped"][i] if shipped else "",
            t["delivered"][i] if delivered else "", t["cancelled"][i] if line.status == "Cancelled" else "",
            "User" if line.status == "Cancelled" else "", "No longer needed" if line.status == "Cancelled" else "",
            "Fulfillment by seller", "DemoHome US Warehouse (Ontario, CA)",
            f"9400{1_000_000_000_000_000 + seq * 104_729:018d}\t" if shipped else "",
            "Standard", "Standard shipping", "USPS" if shipped else "", "",
            f"buyer{line.buyer_no}", f"user{line.buyer_no}", name_,
            f"(+1)555-01{int(line.buyer_no) % 100:02d}", "United States", STATE_NAMES[state], city,
            zipcode, street, "", "", "Credit card" if line.buyer_no % 4 else "PayPal",
            f"{li['weight_kg']:.2f}", TIKTOK_CATEGORY[li["category"]],
            f"{1_152_000_000_000_000_000 + seq * 7_919}\t" if shipped else "",
            "", "", "", "Unchecked", ""])
    return out


def write_tiktok(data: DemoData, root: Path) -> None:
    """One TikTok Shop "All order" CSV per month (UTF-8 BOM, description row under the
    header), named by its download time."""
    description = [TIKTOK_DESCRIPTION.get(h, "") for h in TIKTOK_HEADER]
    for month, rows in tiktok_rows(data).items():
        files.write_table(root / files.tiktok_orders(month), TIKTOK_HEADER, rows,
                          encoding="utf-8-sig", extra_rows_after_header=[description])


def write_all(data: DemoData, root: Path) -> None:
    write_shopify(data, root)
    write_tiktok(data, root)
