"""Daily demand, FBA stock and order lines of every demo store.

Model (per store, per listing, per marketplace-local day):

* expected order lines λ = base rate × popularity share × calendar multiplier
  (:mod:`kpi_lib.demo.seasonality`) × launch ramp × channel trend × incidents;
* lines ~ Poisson(λ); quantity per line 1–4 (mean ≈ 1.26 units);
* Amazon listings sell from FBA stock: a periodic-review replenishment policy
  (review every 14 days, lead time 38 days US / 24 days JP, 21 days of safety stock)
  with occasional supplier short shipments; a line that finds no stock is lost
  (stock-out). JP inbound is closed over 年末年始 and, in October 2026, one container
  is stuck in port (:data:`company.JP_DELAY_START` … :data:`company.JP_DELAY_END`);
* the pilot works: from :data:`company.PILOT_START` the listings the pilot team's
  operators own (:func:`pilot_listings`) get :data:`company.PILOT_LIFT` (+8 %) more
  order lines (:func:`pilot_uplift`), drawn from a stream of their own on top of the
  ordinary ones, and the team's stock planning expects them;
* lines are grouped into orders (multi-item orders: Amazon 6 %, TikTok 15 %,
  Shopify 25 %) with a local time of day, converted to UTC.

Everything is returned as DataFrames; nothing is written here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_lib.demo import seasonality as cal
from kpi_lib.demo import company as co

# Average order lines per day over the whole history (sets the size of the demo:
# about 50k order lines in 16 months, enough to look real, small enough to be fast).
LINES_PER_DAY = {"US-Main": 55.0, "US-Home": 16.0, "JP-Main": 23.0, "Shopify-US": 10.0, "TikTok-US": 12.0}
# Extra growth of a channel on top of its market's (log per month): TikTok Shop is young.
CHANNEL_TREND = {"TikTok-US": 0.05, "Shopify-US": 0.004}
QTY_VALUES = np.array([1, 2, 3, 4])
QTY_P = np.array([0.80, 0.15, 0.04, 0.01])
MEAN_QTY = float((QTY_VALUES * QTY_P).sum())
MULTI_ITEM = {"amazon": 0.06, "tiktok": 0.15, "shopify": 0.25}
LEAD_DAYS = {"US": 38, "JP": 24}
REVIEW_DAYS = 14
SAFETY_DAYS = 21
SHORT_SHIP_P = 0.04          # supplier ships only part of an order (a source of stock-outs)
DEAL_SHARE = 0.6             # share of listings that join an event deal
DEAL_PRICE = {"US": 0.80, "JP": 0.85}
# Hour-of-day weights of buyer activity (local time), 0h first.
HOUR_WEIGHTS = np.array([2, 1.2, 0.8, 0.5, 0.4, 0.5, 1, 2, 3, 3.8, 4.2, 4.5, 5, 4.8, 4.5, 4.3,
                         4.2, 4.4, 4.8, 5.6, 6.2, 6.4, 5.2, 3.6])
HOUR_P = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()


@dataclass(frozen=True)
class SalesHistory:
    """What :func:`simulate_sales` returns.

    orders: one row per order line (all stores); see :func:`_assemble_orders`.
    listing_days: Amazon listings × day: expected_units, demand_units, sold_units,
        stock_end (units available at the end of the day), stockout (no stock at the
        end of an active day) and arrivals (units received).
    month_end: Amazon listings × month end: available, inbound (ordered, not yet
        received), arrivals history for inventory age.
    arrivals: every FBA receipt: store, listing_no, date, qty (incl. opening stock
        dated before the history).
    """

    orders: pd.DataFrame
    listing_days: pd.DataFrame
    month_end: pd.DataFrame
    arrivals: pd.DataFrame


def expected_lines(listings: pd.DataFrame, store_id: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """Expected order lines per day (rows) and listing (columns) of one store."""
    part = listings[listings["store"] == store_id]
    spec = co.store(store_id)
    share = part["popularity"].to_numpy() / part["popularity"].sum()
    mult = cal.demand_multiplier(spec.market, dates)
    if store_id in CHANNEL_TREND:
        mult = mult * np.exp(CHANNEL_TREND[store_id] * np.arange(len(dates)) / 30.0)
    mult = mult / mult.mean()
    lam = LINES_PER_DAY[store_id] * np.outer(mult, share)
    # New products: nothing before launch, then a two-month ramp.
    launch = part["launch"].to_numpy()
    for j in np.flatnonzero(~pd.isna(launch)):
        age = (dates - pd.Timestamp(launch[j])).days.to_numpy()
        lam[:, j] *= np.clip((age + 7) / 60.0, 0.0, 1.0) * (age >= 0)
    # The "sudden drop": US-Home's best listings (45 % of its demand) suppressed for
    # three weeks.
    sup_store, sup_start, sup_end = co.SUPPRESSION
    if store_id == sup_store:
        by_share = np.argsort(-share, kind="stable")
        top = by_share[: int(np.searchsorted(np.cumsum(share[by_share]), 0.45)) + 1]
        window = (dates.date >= sup_start) & (dates.date <= sup_end)
        lam[np.ix_(window, top)] *= 0.05
    return lam


def pilot_uplift(listings: pd.DataFrame, store_id: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """The pilot's extra demand as a share of :func:`expected_lines` (day × listing):
    :data:`company.PILOT_LIFT` on the pilot team's listings from :data:`company.PILOT_START`,
    0 elsewhere."""
    part = listings[listings["store"] == store_id]
    out = np.zeros((len(dates), len(part)))
    after = dates >= pd.Timestamp(f"{co.PILOT_START}-01")
    out[np.ix_(after, pilot_listings(part, store_id))] = co.PILOT_LIFT
    return out


def pilot_listings(part: pd.DataFrame, store_id: str) -> np.ndarray:
    """Which listings of ``part`` (one store's rows of the listings table) an operator of
    the pilot team (:data:`company.PILOT_TEAM`) owns when the pilot starts, by the store,
    SKU-pattern and ASIN scopes of :data:`company.OWNERSHIP` (``@JP-TOY``: JP-Main's toys)."""
    day = pd.Timestamp(f"{co.PILOT_START}-01").date()
    team = {p.id for p in co.PEOPLE if p.team == co.PILOT_TEAM and p.role_zh == "运营"}
    sku = part["sku"].astype(str)
    owned = np.zeros(len(part), dtype=bool)
    for pid, _market, store, kind, scope, start, end in co.OWNERSHIP:
        if pid not in team or store != store_id or day < start or (end is not None and day > end):
            continue
        if kind == "店铺":
            owned[:] = True
        elif kind == "SKU":
            owned |= sku.str.startswith(scope.rstrip("*")).to_numpy()
        elif kind == "ASIN" and scope == "@JP-TOY":
            owned |= (part["category"] == "TOY").to_numpy()
        elif kind == "ASIN":
            owned |= (part["asin"] == scope).to_numpy()
    return owned


def jp_delay_skus(listings: pd.DataFrame) -> list[str]:
    """The JP SKUs whose inbound container was stuck in October 2026 (about a quarter
    of JP-Main, spread over both JP operators' categories)."""
    jp = listings[listings["store"] == "JP-Main"].sort_values("popularity", ascending=False, kind="stable")
    picked = []
    for cat in ("KIT", "HOM", "PET", "OUT"):
        picked += jp.loc[jp["category"] == cat, "sku"].head(3).tolist()
    return sorted(picked)


def _replenish(store_id: str, units: np.ndarray, exp_units: np.ndarray, dates: pd.DatetimeIndex,
               delayed: np.ndarray, rng: np.random.Generator, line_qty: np.ndarray,
               line_start: np.ndarray, n_lines: np.ndarray):
    """Run the FBA stock of one store day by day.

    ``units``: demanded units (day × listing); ``exp_units``: expected units (the
    planner's forecast); ``delayed``: listings in the stuck JP container. The line
    arrays let a short day serve whole order lines only. Returns sold units (day ×
    listing), stock at the end of each day, arrivals (day × listing), the pipeline
    (ordered, not received) at each day's end, and the receipts (day index, listing,
    qty) — day index < 0 for the opening stock.

    JP episode: on 2026-08-20 the planner sends a bridge shipment sized to last until
    the container due ~10-03; that container only arrives on JP_DELAY_ARRIVAL, and no
    other order is placed for those SKUs meanwhile, so they run out from ~10-05.
    """
    n_days, n_list = units.shape
    market = co.store(store_id).market
    lead = LEAD_DAYS[market]
    horizon = n_days + lead + 40
    # Expected demand beyond the history continues at the last month's level.
    tail = np.repeat(exp_units[-30:].mean(0, keepdims=True), horizon - n_days, 0)
    cum = np.vstack([np.zeros(n_list), np.cumsum(np.vstack([exp_units, tail]), 0)])

    def cover(d0: int, d1: int) -> np.ndarray:
        return cum[min(d1, horizon)] - cum[min(d0, horizon)]

    arrivals = np.zeros((horizon, n_list))
    receipts: list[tuple[int, int, float]] = []
    # Opening stock: lead time + a month of cover; slow movers carry older, bigger stock.
    slow = exp_units[:60].mean(0) < np.quantile(exp_units[:60].mean(0), 0.25)
    stock = np.ceil(cover(0, lead + 30) * rng.uniform(0.9, 1.3, n_list) + slow * cover(0, 120))
    for j in range(n_list):
        receipts.append((-int(rng.integers(20, 60)), j, float(np.ceil(cover(0, lead + 30)[j]))))
        if slow[j]:
            receipts.append((-int(rng.integers(150, 400)), j, float(stock[j] - np.ceil(cover(0, lead + 30)[j]))))
    first_arrival = rng.integers(5, REVIEW_DAYS + 5, n_list)
    arrivals[first_arrival, np.arange(n_list)] += np.ceil(cover(0, REVIEW_DAYS + 7))
    pipeline = arrivals.sum(0)
    offsets = np.arange(n_list) % REVIEW_DAYS

    day_dates = dates.date
    closure = cal.JP_NEW_YEAR_CLOSURE
    delay_plan = co.JP_DELAY_START - dt.timedelta(days=46)        # 2026-08-20: last normal order
    delay_arrival = (pd.Timestamp(co.JP_DELAY_ARRIVAL) - dates[0]).days
    planned_arrival = (pd.Timestamp(co.JP_DELAY_START) - dates[0]).days - 2
    sold = np.zeros_like(units)
    stock_end = np.zeros_like(units)
    pipe_end = np.zeros_like(units)

    for d in range(n_days):
        got = arrivals[d]
        stock += got
        pipeline -= got
        for j in np.flatnonzero(got):
            receipts.append((d, int(j), float(got[j])))
        want = units[d]
        short = want > stock
        s = np.minimum(want, stock)
        # A line is all-or-nothing: when stock is short, serve whole lines in turn.
        for j in np.flatnonzero(short & (stock > 0)):
            g = d * n_list + j
            q = line_qty[line_start[g]: line_start[g] + n_lines[g]]
            s[j] = q[np.cumsum(q) <= stock[j]].sum()
        sold[d] = s
        stock -= s
        stock_end[d] = stock
        # Periodic review: order up to lead + review + safety days of expected demand.
        # (a listing about to launch is stocked one lead time ahead of its launch)
        due = (offsets == d % REVIEW_DAYS) & (cover(d, d + lead + REVIEW_DAYS + SAFETY_DAYS) > 0)
        if market == "JP":
            in_delay_window = delayed & (day_dates[d] > delay_plan) & (d < delay_arrival)
            due &= ~in_delay_window
            if day_dates[d] == delay_plan:
                # Last normal shipment sized to last until ~JP_DELAY_START; the next one
                # (planned ~Oct 3) is the container that gets stuck until JP_DELAY_ARRIVAL.
                need = np.ceil(np.maximum(cover(d, planned_arrival + 1) - stock - pipeline, 0))
                bridge = delayed * need
                arrivals[d + lead, :] += bridge
                stuck = delayed * np.ceil(cover(planned_arrival, planned_arrival + 45))
                arrivals[delay_arrival, :] += stuck
                pipeline += bridge + stuck
        if due.any():
            need = cover(d, d + lead + REVIEW_DAYS + SAFETY_DAYS) - stock - pipeline
            qty = np.ceil(np.maximum(need, 0) / 10.0) * 10.0 * due
            short_ship = rng.random(n_list) < SHORT_SHIP_P
            qty = np.where(short_ship, np.floor(qty * 0.35), qty)
            for j in np.flatnonzero(qty):
                a = d + lead + int(rng.integers(-3, 7))
                if market == "JP":
                    a_date = dates[0] + pd.Timedelta(days=a)
                    if closure[0] <= a_date.date() <= closure[1]:
                        a = (pd.Timestamp(closure[1]) - dates[0]).days + 1
                arrivals[a, j] += qty[j]
                pipeline[j] += qty[j]
        pipe_end[d] = pipeline
    return sold, stock_end, arrivals[:n_days], pipe_end, receipts


def _merge_lines(base_n: np.ndarray, base_qty: np.ndarray, extra_n: np.ndarray,
                 extra_qty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lines per cell and the quantity of every line, cell by cell: each cell's base
    lines first, then its extra lines."""
    total = base_n + extra_n
    start = np.concatenate([[0], np.cumsum(total)[:-1]])
    out = np.empty(int(total.sum()), dtype=base_qty.dtype)
    for n, q, offset in ((base_n, base_qty, 0), (extra_n, extra_qty, base_n)):
        cell = np.repeat(np.arange(n.size), n)
        first = np.concatenate([[0], np.cumsum(n)[:-1]])
        shift = offset[cell] if isinstance(offset, np.ndarray) else offset
        out[start[cell] + shift + np.arange(q.size) - first[cell]] = q
    return total, out


def simulate_sales(listings: pd.DataFrame, rng: np.random.Generator,
                   pilot_rng: np.random.Generator | None = None) -> SalesHistory:
    """Simulate every store's demand, stock and order lines (see the module docstring).

    The pilot's extra demand (:func:`pilot_uplift`) is drawn from ``pilot_rng`` on top of
    the ordinary lines, so the history without the pilot is drawn exactly as before; no
    ``pilot_rng``, no pilot effect."""
    dates = co.days()
    delayed_skus = set(jp_delay_skus(listings))
    line_parts, day_parts, month_end_parts, receipt_parts = [], [], [], []
    month_end_idx = np.flatnonzero(dates.is_month_end)
    for spec in co.STORES:
        part = listings[listings["store"] == spec.id].reset_index(drop=True)
        lam = expected_lines(listings, spec.id, dates)
        n_lines = rng.poisson(lam)
        qty = rng.choice(QTY_VALUES, size=int(n_lines.sum()), p=QTY_P)
        uplift = pilot_uplift(listings, spec.id, dates) if pilot_rng is not None else np.zeros_like(lam)
        if uplift.any():
            extra = pilot_rng.poisson(lam * uplift)
            extra_qty = pilot_rng.choice(QTY_VALUES, size=int(extra.sum()), p=QTY_P)
            flat, qty = _merge_lines(n_lines.ravel(), qty, extra.ravel(), extra_qty)
            n_lines = flat.reshape(lam.shape)
            lam = lam * (1.0 + uplift)          # the team plans its stock for the extra demand
        flat = n_lines.ravel()
        group = np.repeat(np.arange(flat.size), flat)
        units = np.bincount(group, weights=qty, minlength=flat.size).reshape(lam.shape)
        line_start = np.concatenate([[0], np.cumsum(flat)[:-1]])
        keep = np.ones(group.size, dtype=bool)
        if spec.platform == "amazon":
            delayed = part["sku"].isin(delayed_skus).to_numpy() & (spec.market == "JP")
            exp_units = lam * MEAN_QTY
            sold, stock_end, arrivals, pipe_end, receipts = _replenish(
                spec.id, units, exp_units, dates, delayed, rng, qty, line_start, flat)
            within = np.cumsum(qty) - np.repeat(np.concatenate([[0], np.cumsum(units.ravel())[:-1]]), flat)
            keep = within <= sold.ravel()[group]
            active = exp_units > 1e-9
            n_days, n_list = lam.shape
            day_parts.append(pd.DataFrame({
                "store": spec.id,
                "listing_no": np.tile(np.arange(n_list), n_days),
                "date": np.repeat(dates.values, n_list),
                "expected_units": exp_units.ravel(),
                "demand_units": units.ravel(),
                "sold_units": sold.ravel(),
                "stock_end": stock_end.ravel(),
                "stockout": (active & (stock_end <= 0)).ravel(),
                "arrivals": arrivals.ravel(),
            }))
            month_end_parts.append(pd.DataFrame({
                "store": spec.id,
                "listing_no": np.tile(np.arange(n_list), len(month_end_idx)),
                "date": np.repeat(dates[month_end_idx].values, n_list),
                "available": stock_end[month_end_idx].ravel(),
                "inbound": pipe_end[month_end_idx].ravel(),
            }))
            rec = np.array(receipts, dtype=float).reshape(-1, 3)
            receipt_parts.append(pd.DataFrame({
                "store": spec.id, "listing_no": rec[:, 1].astype(int),
                "date": dates[0] + pd.to_timedelta(rec[:, 0], unit="D"), "qty": rec[:, 2]}))
        day_idx = group // lam.shape[1]
        listing_no = group % lam.shape[1]
        line_parts.append(_assemble_orders(spec, part, day_idx[keep], listing_no[keep], qty[keep], dates, rng))
    orders = pd.concat(line_parts, ignore_index=True)
    return SalesHistory(orders=orders,
                        listing_days=pd.concat(day_parts, ignore_index=True),
                        month_end=pd.concat(month_end_parts, ignore_index=True),
                        arrivals=pd.concat(receipt_parts, ignore_index=True))


# -- orders ------------------------------------------------------------------------
US_PLACES = [("Seattle", "WA", "98101"), ("Portland", "OR", "97205"), ("San Jose", "CA", "95112"),
             ("Los Angeles", "CA", "90012"), ("San Diego", "CA", "92101"), ("Phoenix", "AZ", "85004"),
             ("Denver", "CO", "80202"), ("Austin", "TX", "78701"), ("Houston", "TX", "77002"),
             ("Dallas", "TX", "75201"), ("Chicago", "IL", "60601"), ("Columbus", "OH", "43215"),
             ("Atlanta", "GA", "30303"), ("Miami", "FL", "33130"), ("Orlando", "FL", "32801"),
             ("Charlotte", "NC", "28202"), ("Nashville", "TN", "37203"), ("New York", "NY", "10001"),
             ("Brooklyn", "NY", "11201"), ("Boston", "MA", "02108"), ("Philadelphia", "PA", "19103"),
             ("Newark", "NJ", "07102"), ("Minneapolis", "MN", "55401"), ("Salt Lake City", "UT", "84101")]
JP_PLACES = [("渋谷区", "東京都", "150-0002"), ("世田谷区", "東京都", "154-0004"), ("新宿区", "東京都", "160-0022"),
             ("横浜市港北区", "神奈川県", "222-0033"), ("川崎市中原区", "神奈川県", "211-0004"),
             ("さいたま市大宮区", "埼玉県", "330-0854"), ("千葉市中央区", "千葉県", "260-0013"),
             ("大阪市北区", "大阪府", "530-0001"), ("堺市堺区", "大阪府", "590-0078"),
             ("名古屋市中村区", "愛知県", "450-0002"), ("京都市下京区", "京都府", "600-8216"),
             ("神戸市中央区", "兵庫県", "650-0021"), ("福岡市博多区", "福岡県", "812-0011"),
             ("札幌市中央区", "北海道", "060-0001"), ("仙台市青葉区", "宮城県", "980-0021"),
             ("広島市中区", "広島県", "730-0011")]
AMAZON_ORDER_PREFIX = {"US": ("111", "112", "113", "114"), "JP": ("249", "250", "503")}


def _unique_numbers(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """``n`` distinct random integers in [low, high)."""
    out = rng.integers(low, high, n)
    while True:
        _, first = np.unique(out, return_index=True)
        dup = np.setdiff1d(np.arange(n), first)
        if dup.size == 0:
            return out
        out[dup] = rng.integers(low, high, dup.size)


def _assemble_orders(spec: co.StoreSpec, part: pd.DataFrame, day_idx: np.ndarray, listing_no: np.ndarray,
                     qty: np.ndarray, dates: pd.DatetimeIndex, rng: np.random.Generator) -> pd.DataFrame:
    """Order lines of one store: group lines into orders, give them times, ids, prices,
    statuses and a (synthetic) ship-to place.

    Columns: store, market, platform, currency, order_id, order_seq (store-wide order
    number in time order), line_no, listing_no, sku, asin, title, quantity,
    unit_price, item_price (= unit price × quantity, local currency, JP tax-inclusive),
    deal, local_time (naive marketplace time), ordered_at (UTC), order_date, month,
    status (Shipped / Pending / Cancelled), is_b2b, buyer_no, place_no.
    """
    n = day_idx.size
    sku = part["sku"].to_numpy()[listing_no]
    key = rng.random(n)
    order = np.lexsort((key, day_idx))
    day_idx, listing_no, qty, sku = day_idx[order], listing_no[order], qty[order], sku[order]
    same_day = np.r_[False, day_idx[1:] == day_idx[:-1]]
    same_sku = np.r_[False, sku[1:] == sku[:-1]]
    merge = same_day & ~same_sku & (rng.random(n) < MULTI_ITEM[spec.platform])
    order_no = np.cumsum(~merge) - 1
    n_orders = int(order_no[-1]) + 1 if n else 0
    line_no = np.arange(n) - np.searchsorted(order_no, order_no)
    first = ~merge

    # Order-level draws (one per order), broadcast to lines.
    hours = rng.choice(24, size=n_orders, p=HOUR_P)
    seconds = hours * 3600 + rng.integers(0, 3600, n_orders)
    order_day = day_idx[first]
    local = dates[order_day] + pd.to_timedelta(seconds, unit="s")
    # Within a day, order numbers follow the time of day.
    ts_order = np.lexsort((seconds, order_day))
    rank = np.empty(n_orders, dtype=np.int64)
    rank[ts_order] = np.arange(n_orders)
    local_line = local[order_no]
    utc = (pd.DatetimeIndex(local_line).tz_localize(spec.timezone, ambiguous=np.zeros(n, dtype=bool),
                                                    nonexistent="shift_forward").tz_convert("UTC"))

    u = rng.random(n_orders)
    if spec.platform == "amazon":
        status = np.where(u < 0.015, "Cancelled", np.where(u < 0.018, "Pending", "Shipped"))
        prefixes = np.array(AMAZON_ORDER_PREFIX[spec.market])
        pref = prefixes[rng.integers(0, prefixes.size, n_orders)]
        num = _unique_numbers(rng, n_orders, 10**13, 10**14)
        ids = np.array([f"{p}-{str(x)[:7]}-{str(x)[7:]}" for p, x in zip(pref, num)])
    elif spec.platform == "tiktok":
        status = np.where(u < 0.04, "Cancelled", "Shipped")
        ids = np.array([str(576_000_000_000_000_000 + int(x))
                        for x in _unique_numbers(rng, n_orders, 10**14, 10**15)])
    else:
        status = np.where(u < 0.01, "Cancelled", np.where(u < 0.02, "Pending", "Shipped"))
        ids = np.array([f"#{1001 + int(r)}" for r in rank])           # Shopify numbers in time order
    b2b = (rng.random(n_orders) < (0.03 if spec.id == "US-Main" else 0.0))
    places = US_PLACES if spec.market == "US" else JP_PLACES
    place_no = rng.integers(0, len(places), n_orders)
    buyer_no = rng.integers(100, 99999, n_orders)

    price = part["price"].to_numpy()[listing_no]
    deal_member = np.random.default_rng(len(part)).random(len(part)) < DEAL_SHARE   # fixed per listing
    deal = cal.deal_days(spec.market, dates)[day_idx] & deal_member[listing_no]
    unit_price = np.where(deal, price * DEAL_PRICE[spec.market], price)
    if spec.currency == "JPY":
        unit_price = np.round(unit_price / 10.0) * 10.0
    else:
        unit_price = np.floor(unit_price) + np.where(deal, 0.49, 0.99)
    item_price = np.round(unit_price * qty, 2)

    return pd.DataFrame({
        "store": spec.id, "market": spec.market, "platform": spec.platform, "currency": spec.currency,
        "order_id": ids[order_no], "order_seq": rank[order_no], "line_no": line_no,
        "listing_no": listing_no, "sku": sku,
        "asin": part["asin"].to_numpy()[listing_no], "title": part["title"].to_numpy()[listing_no],
        "quantity": qty.astype(np.int64), "unit_price": unit_price, "item_price": item_price, "deal": deal,
        "local_time": local_line, "ordered_at": utc,
        "order_date": dates[day_idx], "month": dates[day_idx].strftime("%Y-%m"),
        "status": status[order_no], "is_b2b": b2b[order_no],
        "buyer_no": buyer_no[order_no], "place_no": place_no[order_no],
    })
