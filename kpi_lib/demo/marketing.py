"""Traffic (Business Report by child ASIN) and Sponsored Products advertising per
Amazon store and month, derived from the simulated orders and stock.

Definitions (as Amazon reports them):

* sessions: visits to the detail page in the month; page views ≥ sessions;
* unit session % = units ordered ÷ sessions × 100; session % = the listing's share of
  the store's sessions × 100; featured offer (buy box) % falls on out-of-stock days;
* ordered product sales = Σ item price of non-cancelled order lines (local currency);
* ads: clicks = ad orders ÷ ad conversion rate, spend = clicks × CPC, so ACoS
  (spend ÷ ad sales) comes out of price, CPC and conversion rather than being set.
"""
from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from kpi_lib.demo.sales import SalesHistory

B2B_SESSION_SHARE = {"US-Main": 0.025, "US-Home": 0.01, "JP-Main": 0.015}
CAMPAIGN_TYPES = ("Auto", "Exact")
# Cost per click (local currency) by campaign type; Q4 and event months cost more.
CPC = {"US": {"Auto": 0.70, "Exact": 1.00}, "JP": {"Auto": 72.0, "Exact": 105.0}}
CPC_MONTH = {11: 1.18, 12: 1.12, 7: 1.10, 10: 1.08}
AD_CVR = {"Auto": (0.09, 0.14), "Exact": (0.12, 0.19)}
CTR = {"Auto": 0.0035, "Exact": 0.0058}


def stable_id(text: str, digits: int = 15) -> str:
    """A fixed numeric id for a name (campaign and ad-group ids stay the same every
    month and for every seed)."""
    h = zlib.crc32(text.encode("utf-8"))
    h2 = zlib.crc32(text[::-1].encode("utf-8"))
    return str(10 ** (digits - 1) + (h * 4_294_967_296 + h2) % (9 * 10 ** (digits - 1)))


def monthly_listing_facts(listings: pd.DataFrame, history: SalesHistory) -> pd.DataFrame:
    """Per Amazon listing and month: units, sales, order items (non-cancelled lines),
    their B2B parts, expected / demanded / lost units and stock-out days."""
    o = history.orders
    o = o[(o["platform"] == "amazon") & (o["status"] != "Cancelled")]
    o = o.assign(b2b_units=np.where(o["is_b2b"], o["quantity"], 0),
                 b2b_sales=np.where(o["is_b2b"], o["item_price"], 0.0),
                 b2b_items=o["is_b2b"].astype(int))
    sold = (o.groupby(["store", "month", "listing_no"], sort=True)
            .agg(units=("quantity", "sum"), sales=("item_price", "sum"), items=("quantity", "size"),
                 b2b_units=("b2b_units", "sum"), b2b_sales=("b2b_sales", "sum"), b2b_items=("b2b_items", "sum"))
            .reset_index())
    d = history.listing_days
    d = d.assign(month=d["date"].dt.strftime("%Y-%m"), lost=d["demand_units"] - d["sold_units"],
                 active=d["expected_units"] > 1e-9)
    stock = (d.groupby(["store", "month", "listing_no"], sort=True)
             .agg(expected_units=("expected_units", "sum"), lost_units=("lost", "sum"),
                  stockout_days=("stockout", "sum"), active_days=("active", "sum"))
             .reset_index())
    out = stock.merge(sold, on=["store", "month", "listing_no"], how="left")
    for col in ("units", "items", "b2b_units", "b2b_items"):
        out[col] = out[col].fillna(0).astype(np.int64)
    for col in ("sales", "b2b_sales"):
        out[col] = out[col].fillna(0.0).round(2)
    keys = listings[["store", "listing_no", "sku", "asin", "parent_asin", "fnsku", "title", "category",
                     "family", "cvr", "price", "currency", "market"]]
    return out.merge(keys, on=["store", "listing_no"], how="left")


def traffic(facts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Business Report rows (child ASIN × store × month) for listings with sessions.

    Columns: store, month, sku, asin, parent_asin, title, sessions, sessions_b2b,
    session_pct, session_pct_b2b, page_views, page_views_b2b, page_views_pct,
    page_views_pct_b2b, buy_box_pct, buy_box_pct_b2b, units, units_b2b,
    unit_session_pct, unit_session_pct_b2b, sales, sales_b2b, items, items_b2b
    (percentages on the 0–100 scale).
    """
    f = facts[facts["active_days"] > 0].copy()
    n = len(f)
    noise = rng.lognormal(0.0, 0.12, n)
    # Lost demand still visits the page (and leaves): half of it shows up as sessions.
    sessions = np.round((f["units"] + 0.5 * f["lost_units"]) / f["cvr"] * noise) + rng.poisson(4, n)
    sessions = np.maximum(sessions, f["units"] // 3 + 1).astype(np.int64)   # unit session % stays < 300
    share = f["store"].map(B2B_SESSION_SHARE).to_numpy()
    sessions_b2b = np.maximum(rng.binomial(sessions, share), f["b2b_items"].to_numpy()).astype(np.int64)
    page_views = np.round(sessions * rng.uniform(1.15, 1.6, n)).astype(np.int64)
    page_views_b2b = np.round(sessions_b2b * rng.uniform(1.1, 1.5, n)).astype(np.int64)
    days_in_month = pd.PeriodIndex(f["month"], freq="M").days_in_month.to_numpy()
    out_share = f["stockout_days"].to_numpy() / days_in_month
    buy_box = np.clip(100.0 - np.where(rng.random(n) < 0.3, rng.uniform(0, 4, n), 0) - 70 * out_share, 0, 100)
    f = f.assign(sessions=sessions, sessions_b2b=sessions_b2b, page_views=page_views,
                 page_views_b2b=page_views_b2b, buy_box_pct=buy_box.round(2),
                 buy_box_pct_b2b=np.where(sessions_b2b > 0, np.minimum(100.0, buy_box + 1).round(2), 0.0))
    tot = f.groupby(["store", "month"])[["sessions", "sessions_b2b", "page_views", "page_views_b2b"]].transform("sum")

    def pct(a: pd.Series, b: pd.Series) -> np.ndarray:
        a, b = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
        return np.round(np.divide(a * 100.0, b, out=np.zeros_like(a), where=b > 0), 2)

    f["session_pct"] = pct(f["sessions"], tot["sessions"])
    f["session_pct_b2b"] = pct(f["sessions_b2b"], tot["sessions_b2b"])
    f["page_views_pct"] = pct(f["page_views"], tot["page_views"])
    f["page_views_pct_b2b"] = pct(f["page_views_b2b"], tot["page_views_b2b"])
    f["unit_session_pct"] = pct(f["units"], f["sessions"])
    f["unit_session_pct_b2b"] = pct(f["b2b_units"], f["sessions_b2b"])
    f = f.rename(columns={"b2b_units": "units_b2b", "b2b_sales": "sales_b2b", "b2b_items": "items_b2b"})
    return f.sort_values(["store", "month", "sessions"], ascending=[True, True, False], kind="stable") \
        .reset_index(drop=True)


def campaign_name(category: str, kind: str) -> str:
    """``SP-KIT-Auto``: Sponsored Products, category prefix, targeting type."""
    return f"SP-{category}-{kind}"


def ads(facts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Sponsored Products per store × month × campaign × ad group (family) × product.

    Columns: store, market, month, currency, campaign, campaign_id, ad_group,
    ad_group_id, portfolio, sku, asin, title, impressions, clicks, spend, orders,
    units, sales, orders_promoted, units_promoted, sales_promoted, orders_ntb, units_ntb,
    sales_ntb, detail_page_views. Money in local currency (7-day attribution).
    """
    f = facts[facts["active_days"] > 0].reset_index(drop=True)
    n = len(f)
    ad_share = np.clip(rng.normal(0.34, 0.07, n), 0.15, 0.55)
    ad_units_total = rng.binomial(f["units"].to_numpy(), ad_share)
    auto_share = rng.uniform(0.45, 0.65, n)
    ad_units_auto = rng.binomial(ad_units_total, auto_share)
    avg_price = np.where(f["units"] > 0, f["sales"] / np.maximum(f["units"], 1), f["price"])
    month_no = pd.PeriodIndex(f["month"], freq="M").month.to_numpy()
    parts = []
    for kind, units in (("Auto", ad_units_auto), ("Exact", ad_units_total - ad_units_auto)):
        units = units.astype(np.int64)
        orders = np.where(units > 0, np.maximum(1, np.round(units / 1.12)), 0).astype(np.int64)
        cvr = rng.uniform(*AD_CVR[kind], n)
        clicks = np.where(orders > 0, np.round(orders / cvr), rng.poisson(9, n)).astype(np.int64)
        clicks = np.maximum(clicks, orders)
        base_cpc = f["market"].map({m: CPC[m][kind] for m in CPC}).to_numpy()
        cpc = base_cpc * pd.Series(month_no).map(CPC_MONTH).fillna(1.0).to_numpy() * rng.lognormal(0, 0.1, n)
        spend = np.round(clicks * cpc, 2)
        spend = np.where(f["currency"] == "JPY", np.round(spend), spend)
        ctr = CTR[kind] * rng.lognormal(0, 0.2, n)
        impressions = np.maximum(np.round(clicks / ctr), clicks).astype(np.int64)
        sales = np.round(units * avg_price, 2)
        sales = np.where(f["currency"] == "JPY", np.round(sales), sales)
        promoted = rng.uniform(0.8, 0.93, n)
        orders_p = np.round(orders * promoted).astype(np.int64)
        units_p = np.round(units * promoted).astype(np.int64)
        ntb = rng.uniform(0.45, 0.7, n)
        parts.append(pd.DataFrame({
            "store": f["store"], "market": f["market"], "month": f["month"], "currency": f["currency"],
            "campaign": [campaign_name(c, kind) for c in f["category"]],
            "ad_group": f["family"],
            "portfolio": "DemoHome " + f["category"],
            "sku": f["sku"], "asin": f["asin"], "title": f["title"],
            "impressions": impressions, "clicks": clicks, "spend": spend,
            "orders": orders, "units": units, "sales": sales,
            "orders_promoted": orders_p, "units_promoted": units_p,
            "sales_promoted": np.round(sales * promoted, 2),
            "orders_ntb": np.round(orders * ntb).astype(np.int64), "units_ntb": np.round(units * ntb).astype(np.int64),
            "sales_ntb": np.round(sales * ntb, 2),
            "detail_page_views": np.round(clicks * rng.uniform(0.9, 1.05, n)).astype(np.int64),
        }))
    out = pd.concat(parts, ignore_index=True)
    jpy = out["currency"] == "JPY"
    for col in ("sales_promoted", "sales_ntb"):
        out.loc[jpy, col] = out.loc[jpy, col].round(0)
    out["campaign_id"] = [stable_id(f"{s}|{c}") for s, c in zip(out["store"], out["campaign"])]
    out["ad_group_id"] = [stable_id(f"{s}|{c}|{g}") for s, c, g in zip(out["store"], out["campaign"], out["ad_group"])]
    return out.sort_values(["store", "month", "campaign", "ad_group", "sku"], kind="stable").reset_index(drop=True)


def split_search_terms(ads_rows: pd.DataFrame, listings: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Split ad rows into customer search terms (the grain of LingXing's ads exports).

    Adds: targeting (auto targeting group or the keyword), keyword, match_type,
    search_term. Counts are split with multinomial draws; spend and sales follow clicks
    and orders, so the split rows sum back to the product row.
    """
    titles = listings.set_index(["store", "sku"])["title_ja"]
    auto_groups = np.array(["close-match", "loose-match", "substitutes", "complements"])
    rows = []
    for r in ads_rows.itertuples(index=False):
        words = str(titles.get((r.store, r.sku), r.title)).split()
        head = words[0]
        terms = [head, " ".join(words[:2]) if len(words) > 1 else f"{head} おすすめ", f"{head} 人気"]
        k = int(rng.integers(1, 4))
        p = rng.dirichlet(np.ones(k))
        clicks = rng.multinomial(r.clicks, p)
        orders = rng.multinomial(r.orders, p)
        impressions = rng.multinomial(r.impressions, p)
        for i in range(k):
            units = int(round(r.units * orders[i] / r.orders)) if r.orders else 0
            auto = r.campaign.endswith("Auto")
            term = terms[i]
            if auto and i == 2:
                term = str(r.asin).lower()           # product targeting shows the ASIN as the search term
            rows.append({**r._asdict(),
                         "targeting": str(auto_groups[i]) if auto else terms[i],
                         "keyword": "" if auto else terms[i],
                         "match_type": "" if auto else "精准",
                         "search_term": term,
                         "impressions": int(max(impressions[i], clicks[i])), "clicks": int(clicks[i]),
                         "spend": float(round(r.spend * clicks[i] / r.clicks)) if r.clicks else 0.0,
                         "orders": int(orders[i]), "units": units,
                         "sales": float(round(r.sales * orders[i] / r.orders)) if r.orders else 0.0})
    out = pd.DataFrame(rows)
    return out[(out["impressions"] > 0)].reset_index(drop=True)
