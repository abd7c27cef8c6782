"""Write the Amazon exports of the demo exactly as Seller Central / SP-API / the Ads
console deliver them (REPORT_FORMATS.md §1, §2.2, §2.3, §3.1, §3.2, §3.4, §4)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib.demo import company as co
from kpi_lib.demo import files
from kpi_lib.demo import fmt
from kpi_lib.demo.simulate import DemoData

# -- Business Reports (§1.1, §1.3, §1.4) --------------------------------------------
BR_HEADER_EN = ["(Parent) ASIN", "(Child) ASIN", "Title", "SKU", "Sessions - Total", "Sessions - Total - B2B",
                "Session Percentage - Total", "Session Percentage - Total - B2B", "Page Views - Total",
                "Page Views - Total - B2B", "Page Views Percentage - Total", "Page Views Percentage - Total - B2B",
                "Featured Offer (Buy Box) Percentage", "Featured Offer (Buy Box) Percentage - B2B", "Units Ordered",
                "Units Ordered - B2B", "Unit Session Percentage", "Unit Session Percentage - B2B",
                "Ordered Product Sales", "Ordered Product Sales - B2B", "Total Order Items", "Total Order Items - B2B"]
# Chinese UI, 2026-07 generation — trailing spaces and the misleading 转化率 label kept.
BR_HEADER_ZH = ["（父）ASIN", "（子）ASIN", "标题", "SKU", "会话数 - 总计", "会话 - 总计 - B2B", "转化率 - 总计",
                "会话百分比 - 总计 - B2B", "页面浏览量 - 总计 ", "页面浏览量 - 总计 - B2B", "页面浏览量百分比 - 总计",
                "页面浏览量百分比 - 总计 - B2B", "推荐报价（推荐报价展示位）百分比 ", "推荐报价（推荐报价展示位）百分比 - B2B",
                "已订购商品数量", "已订购商品数量 - B2B", "商品会话百分比", "商品会话百分比 - B2B", "已订购商品销售额",
                "已订购商品销售额 - B2B", "订单商品总数", "订单商品总数 - B2B"]
BR_HEADER_JA = ["（親）ASIN", "（子）ASIN", "タイトル", "SKU", "セッション数 - 合計", "セッション数 - 合計 - B2B",
                "セッション率 - 合計", "セッション率 - 合計 - B2B", "ページビュー - 合計", "ページビュー - 合計 - B2B",
                "ページビュー率 - 合計", "ページビュー率 - 合計 - B2B", "おすすめ出品（おすすめ商品）の獲得率",
                "おすすめ出品（おすすめ商品）の獲得率 - B2B", "注文された商品点数", "注文点数 - B2B", "ユニットセッション率",
                "ユニットセッション率 - B2B", "注文商品の売上額", "注文商品の売上額 - B2B", "注文品目総数", "注文品目総数 - B2B"]
BR_LAYOUT = {"en": (BR_HEADER_EN, fmt.usd), "zh": (BR_HEADER_ZH, fmt.usd_cn), "ja": (BR_HEADER_JA, fmt.yen_fullwidth)}


def write_business_reports(data: DemoData, root: Path) -> None:
    """One Business Report (Detail Page Sales and Traffic By Child Item) per store and
    month, in the store's Seller Central language; UTF-8 with BOM."""
    for store_id in co.AMAZON_STORES:
        header, money = BR_LAYOUT[co.store(store_id).ui_language]
        for month, t in data.traffic[data.traffic["store"] == store_id].groupby("month", sort=True):
            rows = [[r.parent_asin, r.asin, r.title, r.sku, fmt.count(r.sessions), fmt.count(r.sessions_b2b),
                     fmt.pct(r.session_pct), fmt.pct(r.session_pct_b2b), fmt.count(r.page_views),
                     fmt.count(r.page_views_b2b), fmt.pct(r.page_views_pct), fmt.pct(r.page_views_pct_b2b),
                     fmt.pct(r.buy_box_pct), fmt.pct(r.buy_box_pct_b2b), fmt.count(r.units), fmt.count(r.units_b2b),
                     fmt.pct(r.unit_session_pct), fmt.pct(r.unit_session_pct_b2b), money(r.sales),
                     money(r.sales_b2b), fmt.count(r.items), fmt.count(r.items_b2b)]
                    for r in t.itertuples(index=False)]
            files.write_table(root / files.business_report(store_id, month), header, rows, encoding="utf-8-sig")


# -- All Orders flat file (§3.1) ------------------------------------------------------
ORDERS_HEADER = ["amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
                 "fulfillment-channel", "sales-channel", "order-channel", "url", "ship-service-level",
                 "product-name", "sku", "asin", "item-status", "quantity", "currency", "item-price", "item-tax",
                 "shipping-price", "shipping-tax", "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount",
                 "ship-promotion-discount", "ship-city", "ship-state", "ship-postal-code", "ship-country",
                 "promotion-ids", "is-business-order", "purchase-order-number", "price-designation"]
US_SALES_TAX = {"WA": 0.065, "OR": 0.0, "CA": 0.0725, "AZ": 0.056, "CO": 0.029, "TX": 0.0625, "IL": 0.0625,
                "OH": 0.0575, "GA": 0.04, "FL": 0.06, "NC": 0.0475, "TN": 0.07, "NY": 0.04, "MA": 0.0625,
                "PA": 0.06, "NJ": 0.06625, "MN": 0.06875, "UT": 0.061}
ENCODING = {"US": "utf-8", "JP": "cp932"}        # SP-API flat files: NA UTF-8, JP Windows-31J


def _places(market: str):
    from kpi_lib.demo.sales import JP_PLACES, US_PLACES
    return US_PLACES if market == "US" else JP_PLACES


def _object_table(columns: dict[str, object], n: int, header: list[str]) -> np.ndarray:
    """An ``n × len(header)`` object array from column arrays or constants (faster to
    slice and write than a DataFrame of strings)."""
    assert list(columns) == header
    out = np.empty((n, len(header)), dtype=object)
    for j, value in enumerate(columns.values()):
        out[:, j] = np.asarray(value, dtype=object) if not isinstance(value, str) else value
    return out


def _iso(ts: pd.Series) -> np.ndarray:
    """``2026-10-03T14:22:05+00:00`` for a tz-aware series (numpy formatting: fast)."""
    naive = ts.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    return np.char.add(np.datetime_as_string(naive, unit="s"), "+00:00")


def write_all_orders(data: DemoData, root: Path) -> None:
    """All Orders report per Amazon store and month (orders of the month's local days),
    TSV, one row per order item; JP in cp932 with English keys."""
    for store_id in co.AMAZON_STORES:
        spec = co.store(store_id)
        places = np.array(_places(spec.market))
        o = data.orders[data.orders["store"] == store_id].sort_values(["ordered_at", "order_id", "line_no"],
                                                                       kind="stable")
        status = o["status"].to_numpy()
        lag = np.select([status == "Shipped", status == "Cancelled"],
                        [pd.to_timedelta(20 + o["buyer_no"].to_numpy() % 50, unit="h"), pd.Timedelta(hours=2)],
                        pd.Timedelta(minutes=30))
        city, state, postal = places[o["place_no"].to_numpy()].T
        cancelled = status == "Cancelled"
        price = o["item_price"].to_numpy()
        if spec.market == "US":
            tax_rate = np.array([US_SALES_TAX[s] for s in state])
            price_s = np.where(cancelled, "", [f"{x:.2f}" for x in price])
            tax_s = np.where(cancelled, "", [f"{x:.2f}" for x in np.round(price * tax_rate, 2)])
            zero = "0.00"
        else:
            price_s = np.where(cancelled, "", [str(int(x)) for x in price])
            tax_s = np.where(cancelled, "", "0")          # JP prices already include consumption tax
            zero = "0"
        n = len(o)
        table = _object_table({
            "amazon-order-id": o["order_id"].to_numpy(), "merchant-order-id": "",
            "purchase-date": _iso(o["ordered_at"]),
            "last-updated-date": _iso(o["ordered_at"] + pd.to_timedelta(lag)),
            "order-status": status, "fulfillment-channel": "Amazon", "sales-channel": spec.sales_channel,
            "order-channel": "", "url": "", "ship-service-level": "Expedited" if spec.market == "US" else "Standard",
            "product-name": o["title"].to_numpy(), "sku": o["sku"].to_numpy(), "asin": o["asin"].to_numpy(),
            "item-status": pd.Series(status).map({"Shipped": "Shipped", "Cancelled": "Cancelled",
                                                  "Pending": "Unshipped"}).to_numpy(),
            "quantity": o["quantity"].astype(str).to_numpy(), "currency": spec.currency,
            "item-price": price_s, "item-tax": tax_s, "shipping-price": zero, "shipping-tax": zero,
            "gift-wrap-price": zero, "gift-wrap-tax": zero, "item-promotion-discount": zero,
            "ship-promotion-discount": zero, "ship-city": city, "ship-state": state, "ship-postal-code": postal,
            "ship-country": spec.market, "promotion-ids": "",
            "is-business-order": np.where(o["is_b2b"].to_numpy(), "true", "false"),
            "purchase-order-number": "", "price-designation": np.where(o["is_b2b"].to_numpy(), "BusinessPrice", ""),
        }, n, ORDERS_HEADER)
        months = o["month"].to_numpy()
        for month in co.months():
            rows = table[months == month].tolist()
            files.write_table(root / files.amazon_orders(store_id, month), ORDERS_HEADER, rows,
                              encoding=ENCODING[spec.market], delimiter="\t", lineterminator="\n",
                              quoting=csv.QUOTE_NONE)


# -- FBA customer returns (§3.2) ---------------------------------------------------------
RETURNS_HEADER = ["return-date", "order-id", "sku", "asin", "fnsku", "product-name", "quantity",
                  "fulfillment-center-id", "detailed-disposition", "reason", "status", "license-plate-number",
                  "customer-comments"]


def write_returns(data: DemoData, root: Path) -> None:
    """FBA customer returns per store and month (by the marketplace-local return day)."""
    for store_id in co.AMAZON_STORES:
        spec = co.store(store_id)
        r = data.returns[data.returns["store"] == store_id]
        for month in co.months():
            m = r[r["month"] == month]
            rows = [[fmt.iso_utc(x.returned_at), x.order_id, x.sku, x.asin, x.fnsku, x.title, str(x.quantity), x.fc,
                     x.disposition, x.reason, x.status, x.lpn, x.comment] for x in m.itertuples(index=False)]
            files.write_table(root / files.amazon_returns(store_id, month), RETURNS_HEADER, rows,
                              encoding=ENCODING[spec.market], delimiter="\t", lineterminator="\n",
                              quoting=csv.QUOTE_NONE)


# -- FBA inventory planning (§3.4) ----------------------------------------------------------
INVENTORY_HEADER = ["snapshot-date", "sku", "fnsku", "asin", "product-name", "condition", "available", "fc-transfer",
                    "pending-removal-quantity", "inv-age-0-to-90-days", "inv-age-91-to-180-days",
                    "inv-age-181-to-270-days", "inv-age-271-to-365-days", "inv-age-366-to-455-days",
                    "inv-age-456-plus-days", "currency", "units-shipped-t7", "units-shipped-t30",
                    "units-shipped-t60", "units-shipped-t90", "alert", "your-price", "sales-price",
                    "recommended-action", "sell-through", "storage-type", "marketplace", "product-group",
                    "days-of-supply", "estimated-excess-quantity", "weeks-of-cover-t30", "inbound-quantity",
                    "inbound-working", "inbound-shipped", "inbound-received", "Total Reserved Quantity",
                    "unfulfillable-quantity", "fba-inventory-level-health-status", "Inventory Supply at FBA"]
PRODUCT_GROUP = {"KIT": "Kitchen", "HOM": "Home", "OUT": "Sports", "PET": "Pet Products", "TOY": "Toy"}
AGE_EDGES = (90, 180, 270, 365, 455)


def _store_arrays(data: DemoData, store_id: str) -> dict[str, np.ndarray]:
    """Day × listing arrays of one store's stock history (sold, end-of-day stock, expected)."""
    d = data.sales.listing_days
    d = d[d["store"] == store_id]
    n_list = int(d["listing_no"].max()) + 1
    shape = (len(d) // n_list, n_list)
    rec = data.sales.arrivals
    rec = rec[rec["store"] == store_id].sort_values(["listing_no", "date"], kind="stable")
    receipts = {k: (g["date"].to_numpy(), g["qty"].to_numpy()) for k, g in rec.groupby("listing_no")}
    return {"receipts": receipts, "dates": d["date"].to_numpy()[::n_list],
            "sold": d["sold_units"].to_numpy().reshape(shape),
            "stock": d["stock_end"].to_numpy().reshape(shape),
            "expected": d["expected_units"].to_numpy().reshape(shape)}


def inventory_snapshot(data: DemoData, store_id: str, snapshot: pd.Timestamp,
                       arrays: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """The month-end inventory of one store: stock, inbound, FIFO age buckets and
    trailing shipments per listing that exists (launched or stocked) at the snapshot.

    Columns: listing_no, available, inbound, ages (units aged 0–90, 91–180, 181–270,
    271–365, 366–455, 456+ days), t7, t30, t60, t90 (units shipped in the trailing
    days), avg_stock_90 (average end-of-day stock over the last 90 days).
    """
    a = arrays or _store_arrays(data, store_id)
    upto = int(np.searchsorted(a["dates"], snapshot.to_datetime64(), side="right"))
    sold, stock = a["sold"][:upto], a["stock"][:upto]
    launched = a["expected"][:upto].sum(0) > 0
    me = data.sales.month_end
    me = me[(me["store"] == store_id) & (me["date"] == snapshot)].set_index("listing_no").sort_index()
    snap64 = snapshot.to_datetime64()
    out = []
    for j in me.index:
        available, inbound = int(me.at[j, "available"]), int(me.at[j, "inbound"])
        if not launched[j] and inbound <= 0:
            continue
        # FIFO: the units on hand are the most recent receipts.
        buckets = [0] * 6
        left = available
        dates, qtys = a["receipts"].get(j, (np.array([], dtype="datetime64[ns]"), np.array([])))
        k = int(np.searchsorted(dates, snap64, side="right"))
        for date, qty in zip(dates[:k][::-1], qtys[:k][::-1]):
            if left <= 0:
                break
            take = int(min(left, qty))
            age = (snapshot - pd.Timestamp(date)).days
            buckets[int(np.searchsorted(AGE_EDGES, age, side="left"))] += take
            left -= take
        buckets[0] += max(left, 0)
        col = sold[:, j]
        out.append({"listing_no": j, "available": available, "inbound": inbound, "ages": buckets,
                    "t7": int(col[-7:].sum()), "t30": int(col[-30:].sum()), "t60": int(col[-60:].sum()),
                    "t90": int(col[-90:].sum()), "avg_stock_90": float(stock[-90:, j].mean())})
    return pd.DataFrame(out)


def write_inventory(data: DemoData, root: Path) -> None:
    """FBA Inventory planning report per store and month end, every value double-quoted
    (US UTF-8, JP cp932)."""
    rng = np.random.default_rng(17)           # cosmetic columns only (fc-transfer, reserved)
    for store_id in co.AMAZON_STORES:
        spec = co.store(store_id)
        listings = data.listings[data.listings["store"] == store_id].set_index("listing_no")
        info = listings[["sku", "fnsku", "asin", "title", "price", "category"]].to_dict("index")
        arrays = _store_arrays(data, store_id)
        for month in co.months():
            snapshot = pd.Timestamp(month + "-01") + pd.offsets.MonthEnd(0)
            snap = inventory_snapshot(data, store_id, snapshot, arrays)
            rows = []
            for s in snap.itertuples(index=False):
                li = info[s.listing_no]
                daily = s.t30 / 30.0
                dos = int(round(s.available / daily)) if daily > 0 else (0 if s.available == 0 else 365)
                aged = sum(s.ages[2:])
                if s.available == 0:
                    action, health, alert = "Restock", "Out of stock", "Out of stock"
                elif dos < 28:
                    action, health, alert = "Restock", "Low stock", ""
                elif aged > 0.3 * s.available and dos > 120:
                    action, health, alert = "Create removal order", "Excess", "Low traffic"
                else:
                    action, health, alert = "No action required", "Healthy", ""
                reserved = int(rng.binomial(s.available, 0.03)) if s.available else 0
                price = fmt.num(li["price"]) if spec.currency == "JPY" else fmt.dec2(li["price"])
                received = int(round(s.inbound * 0.1))
                shipped = int(round(s.inbound * 0.75))
                rows.append([f"{snapshot:%Y-%m-%d}", li["sku"], li["fnsku"], li["asin"], li["title"], "New",
                             str(s.available), str(int(rng.binomial(s.available, 0.01)) if s.available else 0), "0",
                             *[str(b) for b in s.ages], spec.currency, str(s.t7), str(s.t30), str(s.t60),
                             str(s.t90), alert, price, price, action,
                             f"{s.t90 / s.avg_stock_90:.2f}" if s.avg_stock_90 > 0 else "0.0",
                             "Standard", spec.market, PRODUCT_GROUP[li["category"]], str(dos),
                             str(int(max(0, s.available - 4 * s.t30)) if dos > 120 else 0),
                             f"{s.available / (daily * 7):.1f}" if daily > 0 else "0.0",
                             str(s.inbound), str(s.inbound - received - shipped), str(shipped), str(received),
                             str(reserved), str(int(rng.binomial(s.available, 0.005)) if s.available else 0),
                             health, str(s.available + reserved + s.inbound)])
            files.write_table(root / files.amazon_inventory(store_id, snapshot), INVENTORY_HEADER, rows,
                              encoding=ENCODING[spec.market], quoting=csv.QUOTE_ALL, lineterminator="\r\n")


# -- Account health JSON (§4) ----------------------------------------------------------------
def _status(rate: float, target: float, lower_is_better: bool = True) -> str:
    ok = rate < target if lower_is_better else rate > target
    return "GOOD" if ok else "BAD"


def _range(start: pd.Timestamp, end: pd.Timestamp) -> dict:
    return {"reportingDateFrom": f"{start:%Y-%m-%d}T00:00Z", "reportingDateTo": f"{end:%Y-%m-%d}T23:59Z"}


def account_health_document(row: pd.Series, marketplace_id: str) -> dict:
    """A ``GET_V2_SELLER_PERFORMANCE_REPORT`` document for one store and month end."""
    odr = _range(row["odr_from"], row["window_end"])
    d30 = _range(row["lsr_from"], row["window_end"])

    def odr_block(kind: str, orders: int, defects: int, claims: int, chargebacks: int, negative: int) -> dict:
        rate = round(defects / orders, 4) if orders else 0.0
        return {"reportingDateRange": odr, "orderCount": orders,
                "orderWithDefects": {"count": defects, "status": _status(rate, 0.01)},
                "claims": {"count": claims, "status": "GOOD"},
                "chargebacks": {"count": chargebacks, "status": "GOOD"},
                "negativeFeedback": {"count": negative, "status": "GOOD"},
                "fulfillmentType": kind, "status": _status(rate, 0.01), "rate": rate,
                "targetValue": 0.01, "targetCondition": "LESS_THAN"}

    metrics = {
        "marketplaceId": marketplace_id,
        "orderDefectRate": {
            "afn": odr_block("AFN", int(row["odr_orders"]), int(row["odr_defects"]), int(row["claims"]),
                             int(row["chargebacks"]), int(row["negative_feedback"])),
            "mfn": odr_block("MFN", int(row["lsr_orders"]), 0, 0, 0, 0),
        },
        "lateShipmentRate": {"reportingDateRange": d30, "orderCount": int(row["lsr_orders"]),
                             "lateShipmentCount": int(row["lsr_late"]), "status": _status(row["lsr_rate"], 0.04),
                             "rate": float(row["lsr_rate"]), "targetValue": 0.04, "targetCondition": "LESS_THAN"},
        "prefulfillmentCancelRate": {"reportingDateRange": d30, "orderCount": int(row["lsr_orders"]),
                                     "cancellationCount": int(row["cancel_count"]),
                                     "status": _status(row["cancel_rate"], 0.025), "rate": float(row["cancel_rate"]),
                                     "targetValue": 0.025, "targetCondition": "LESS_THAN"},
        "validTrackingRate": {"reportingDateRange": d30, "shipmentCount": int(row["tracking_count"]),
                              "validTrackingCount": int(row["tracking_valid"]),
                              "status": _status(row["tracking_rate"], 0.95, False), "rate": float(row["tracking_rate"]),
                              "targetValue": 0.95, "targetCondition": "GREATER_THAN"},
        "onTimeDeliveryRate": {"reportingDateRange": d30,
                               "shipmentCountWithValidTracking": int(row["tracking_valid"]),
                               "onTimeDeliveryCount": int(row["on_time_count"]),
                               "status": _status(row["on_time_rate"], 0.9, False), "rate": float(row["on_time_rate"]),
                               "targetValue": 0.9, "targetCondition": "GREATER_THAN"},
        "accountHealthRating": {"ahrStatus": "GREAT" if row["odr_rate"] < 0.005 else "GOOD",
                                "reportingDateRange": odr},
        "listingPolicyViolations": {"status": "GOOD", "defectsCount": 0},
        "productAuthenticityCustomerComplaints": {"status": "GOOD", "defectsCount": 0},
        "productConditionCustomerComplaints": {"status": "GOOD", "defectsCount": 0},
        "productSafetyCustomerComplaints": {"status": "GOOD", "defectsCount": 0},
        "receivedIntellectualPropertyComplaints": {"status": "GOOD", "defectsCount": 0},
    }
    return {"accountStatuses": [{"marketplaceId": marketplace_id, "status": "NORMAL"}],
            "performanceMetrics": [metrics]}


def write_account_health(data: DemoData, root: Path) -> None:
    for row in data.account_health.to_dict("records"):
        spec = co.store(row["store"])
        doc = account_health_document(pd.Series(row), spec.marketplace_id)
        path = root / files.account_health(spec.id, row["window_end"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# -- Ads console reports (§2.2 US-Main, §2.3 US-Home) ------------------------------------------
ADS_HEADER = ["Budget currency", "Date range", "Advertiser account ID", "Advertiser account name", "Portfolio ID",
              "Portfolio name", "Campaign ID", "Campaign name", "Ad group ID", "Ad group name",
              "Advertised product ID", "Advertised product name", "Advertised product parent ID",
              "Advertised product brand", "Advertised product category", "Advertised product subcategory",
              "Advertised product group", "Advertised product SKU", "Advertised product marketplace",
              "Impressions", "Clicks", "CTR", "Total cost", "Purchases", "Sales", "Units sold", "Cost per purchase",
              "Purchase rate", "ROAS", "Purchases (promoted)", "Sales (promoted)", "Units sold (promoted)",
              "Cost per purchase (promoted)", "Purchase rate (promoted)", "ROAS (promoted)", "Purchases (halo)",
              "Sales (halo)", "Units sold (halo)", "Purchases (new to brand)", "Sales (new to brand)",
              "Units sold (new to brand)", "Cost per purchase (new to brand)", "Purchase rate (new to brand)",
              "ROAS (new to brand)", "Detail page views", "Cost per detail page view", "Detail page view rate"]
ADS_HEADER_ZH = ["开始日期", "结束日期", "广告组合名称", "货币", "广告活动名称", "广告组名称", "广告SKU", "广告ASIN",
                 "展示量", "点击量", "点击率 (CTR)", "单次点击成本 (CPC)", "花费", "7天总销售额",
                 "广告投入产出比 (ACOS) 总计", "总广告投资回报率 (ROAS)", "7天总订单数(#)", "7天总销售量(#)",
                 "7天的转化率", "7天内广告SKU销售量(#)", "7天内其他SKU销售量(#)", "7天内广告SKU销售额", "7天内其他SKU销售额"]
CATEGORY_EN = {"KIT": ("Home & Kitchen", "Kitchen & Dining"), "HOM": ("Home & Kitchen", "Storage & Organization"),
               "OUT": ("Sports & Outdoors", "Camping & Hiking"), "PET": ("Pet Supplies", "Dogs & Cats"),
               "TOY": ("Toys & Games", "Learning & Education")}
ADS_ACCOUNT = {"US-Main": ("amzn1.ads-account.g.9f3kq2demohome0us1main", "DemoHome US"),
               "US-Home": ("amzn1.ads-account.g.4h7nw8nestwell0us2home", "Nestwell US")}


def _ratio(a: float, b: float, digits: int = 6) -> str:
    return f"{a / b:.{digits}g}" if b else ""


def _date_range(month: str) -> str:
    start = pd.Timestamp(month + "-01")
    end = start + pd.offsets.MonthEnd(0)
    return f"{start:%b %d, %Y} - {end:%b %d, %Y}"


def write_ads_console(data: DemoData, root: Path) -> None:
    """US-Main: the 2025–26 Ads console "Advertised product" report, one per month;
    US-Home: the Chinese-UI console advertised-product report (UTF-8 BOM)."""
    from kpi_lib.demo.marketing import stable_id

    cats = data.listings.drop_duplicates("sku").set_index("sku")["category"].to_dict()
    for store_id in ("US-Main", "US-Home"):
        a = data.ads[data.ads["store"] == store_id]
        mine = data.listings[data.listings["store"] == store_id]
        parents = dict(zip(mine["sku"], mine["parent_asin"]))
        for month, m in a.groupby("month", sort=True):
            rows = []
            for r in m.itertuples(index=False):
                cat = cats[r.sku]
                if store_id == "US-Main":
                    acct, acct_name = ADS_ACCOUNT[store_id]
                    halo_o, halo_s, halo_u = r.orders - r.orders_promoted, r.sales - r.sales_promoted, \
                        r.units - r.units_promoted
                    rows.append([
                        "USD", _date_range(month), fmt.excel_id(acct), acct_name,
                        stable_id(f"{store_id}|portfolio|{cat}"), r.portfolio, fmt.excel_id(r.campaign_id),
                        r.campaign, fmt.excel_id(r.ad_group_id), r.ad_group, r.asin, r.title,
                        parents[r.sku],
                        co.BRAND, *CATEGORY_EN[cat], "", r.sku, "AMAZON.COM",
                        str(r.impressions), str(r.clicks), fmt.pct(100 * r.clicks / r.impressions, 4),
                        fmt.dec2(r.spend), str(r.orders), fmt.dec2(r.sales), str(r.units),
                        _ratio(r.spend, r.orders), fmt.pct(100 * r.orders / r.impressions, 4),
                        _ratio(r.sales, r.spend) or "0",
                        str(r.orders_promoted), fmt.dec2(r.sales_promoted), str(r.units_promoted),
                        _ratio(r.spend, r.orders_promoted), fmt.pct(100 * r.orders_promoted / r.impressions, 4),
                        _ratio(r.sales_promoted, r.spend) or "0",
                        str(halo_o), fmt.dec2(halo_s), str(halo_u),
                        str(r.orders_ntb), fmt.dec2(r.sales_ntb), str(r.units_ntb),
                        _ratio(r.spend, r.orders_ntb), fmt.pct(100 * r.orders_ntb / r.impressions, 4),
                        _ratio(r.sales_ntb, r.spend) or "0",
                        str(r.detail_page_views), _ratio(r.spend, r.detail_page_views),
                        fmt.pct(100 * r.detail_page_views / r.impressions, 4)])
                else:
                    start = pd.Timestamp(month + "-01")
                    end = start + pd.offsets.MonthEnd(0)
                    other_u = r.units - r.units_promoted
                    rows.append([
                        f"{start:%Y/%m/%d}", f"{end:%Y/%m/%d}", r.portfolio.replace("DemoHome", "Nestwell"), "USD",
                        r.campaign, r.ad_group, r.sku, r.asin, fmt.count(r.impressions), fmt.count(r.clicks),
                        fmt.pct(100 * r.clicks / r.impressions), fmt.usd_cn(r.spend / r.clicks if r.clicks else 0),
                        fmt.usd_cn(r.spend), fmt.usd_cn(r.sales),
                        fmt.pct(100 * r.spend / r.sales) if r.sales else "",
                        f"{r.sales / r.spend:.2f}" if r.spend else "0.00",
                        fmt.count(r.orders), fmt.count(r.units),
                        fmt.pct(100 * r.orders / r.clicks) if r.clicks else "0.00%",
                        fmt.count(r.units_promoted), fmt.count(other_u),
                        fmt.usd_cn(r.sales_promoted), fmt.usd_cn(r.sales - r.sales_promoted)])
            if store_id == "US-Main":
                files.write_table(root / files.ads_console(store_id, month), ADS_HEADER, rows, encoding="utf-8")
            else:
                files.write_table(root / files.ads_console_zh(store_id, month), ADS_HEADER_ZH, rows,
                                  encoding="utf-8-sig")


def write_all(data: DemoData, root: Path) -> None:
    write_business_reports(data, root)
    write_all_orders(data, root)
    write_returns(data, root)
    write_inventory(data, root)
    write_account_health(data, root)
    write_ads_console(data, root)
