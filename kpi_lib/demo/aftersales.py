"""After the sale: FBA customer returns, Shopify/TikTok refunds, buyer messages answered
by the CS team, and Amazon account-health rates.

Definitions:

* a return line is one returned unit-lot of a shipped Amazon order line, dated when
  the FC received it (3–40 days after the order, mean ≈ 13 days);
* a buyer message's response time = reply time − message time (hours); Amazon counts
  a message as late when it is answered after 24 h, weekends included;
* account-health rates are fractions over Amazon's trailing windows ending at the
  month end (ODR 60 days; late shipment, cancellation, tracking 30 days).
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from kpi_lib.demo import company as co

RETURN_P = {"KIT": 0.035, "HOM": 0.03, "OUT": 0.045, "PET": 0.055, "TOY": 0.04}
JP_RETURN_FACTOR = 0.55           # Japanese buyers return less but expect more
# reason: (weight, disposition, status)
REASONS = {
    "DEFECTIVE": (0.22, "DEFECTIVE", "Unit returned to inventory"),
    "QUALITY_UNACCEPTABLE": (0.14, "CUSTOMER_DAMAGED", "Unit returned to inventory"),
    "NOT_AS_DESCRIBED": (0.12, "SELLABLE", "Unit returned to inventory"),
    "UNWANTED_ITEM": (0.24, "SELLABLE", "Unit returned to inventory"),
    "NOT_COMPATIBLE": (0.08, "SELLABLE", "Repackaged Successfully"),
    "ORDERED_WRONG_ITEM": (0.08, "SELLABLE", "Unit returned to inventory"),
    "DAMAGED_BY_CARRIER": (0.05, "CARRIER_DAMAGED", "Reimbursed"),
    "NO_REASON_GIVEN": (0.07, "SELLABLE", "Unit returned to inventory"),
}
COMMENTS = {
    "US": {"DEFECTIVE": ["Stopped working after two days", "The hinge broke on first use", "Does not charge"],
           "QUALITY_UNACCEPTABLE": ["Cheap plastic, not worth the price", "Smells strongly of chemicals"],
           "NOT_AS_DESCRIBED": ["Smaller than the picture", "Color is different from the listing"],
           "UNWANTED_ITEM": ["Bought by mistake", "Found a better price elsewhere", "No longer needed"],
           "NOT_COMPATIBLE": ["Does not fit my sink", "Too big for my drawer"],
           "ORDERED_WRONG_ITEM": ["Ordered the wrong size"],
           "DAMAGED_BY_CARRIER": ["Box was crushed when it arrived"],
           "NO_REASON_GIVEN": [""]},
    "JP": {"DEFECTIVE": ["初期不良で動きませんでした", "すぐに壊れました"],
           "QUALITY_UNACCEPTABLE": ["思ったより作りが安っぽいです", "においが気になります"],
           "NOT_AS_DESCRIBED": ["写真と色が違いました", "サイズが説明と違います"],
           "UNWANTED_ITEM": ["間違えて注文しました", "不要になりました"],
           "NOT_COMPATIBLE": ["シンク下に入りませんでした"],
           "ORDERED_WRONG_ITEM": ["サイズを間違えました"],
           "DAMAGED_BY_CARRIER": ["箱が潰れて届きました"],
           "NO_REASON_GIVEN": [""]},
}
FC = {"US": ["ONT8", "LGB8", "PHX7", "SBD1", "MDW2", "TEB9", "CLT2", "DFW6"],
      "JP": ["NRT1", "NRT5", "KIX2", "FSZ1", "HND3", "TPF3"]}


def returns(orders: pd.DataFrame, listings: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """FBA customer returns of shipped Amazon order lines, received up to the last month end.

    Columns: store, market, order_id, sku, asin, fnsku, title, category, quantity,
    returned_at (UTC), return_date (local), month, fc, reason, disposition, status,
    lpn, comment, refund (local currency: item price share of the returned units).
    """
    o = orders[(orders["platform"] == "amazon") & (orders["status"] == "Shipped")]
    o = o.merge(listings[["store", "listing_no", "category", "fnsku"]], on=["store", "listing_no"], how="left")
    p = o["category"].map(RETURN_P).to_numpy() * np.where(o["market"] == "JP", JP_RETURN_FACTOR, 1.0)
    r = o[rng.random(len(o)) < p].reset_index(drop=True)
    n = len(r)
    lag = 3 + rng.gamma(2.0, 5.0, n)
    local = r["local_time"] + pd.to_timedelta(np.round(lag * 86400), unit="s")
    last_day = pd.Timestamp(co.LAST_MONTH + "-01") + pd.offsets.MonthEnd(0) + pd.Timedelta(days=1)
    names = list(REASONS)
    weights = np.array([REASONS[k][0] for k in names])
    reason = np.array(names)[rng.choice(len(names), n, p=weights / weights.sum())]
    qty = np.where((r["quantity"] > 1) & (rng.random(n) < 0.5), r["quantity"], 1)
    comments = []
    for market, why in zip(r["market"], reason):
        options = COMMENTS[market][why]
        comments.append("" if rng.random() < 0.45 else options[int(rng.integers(0, len(options)))])
    tz = r["store"].map({s.id: s.timezone for s in co.STORES})
    returned_at = pd.Series(pd.NaT, index=r.index, dtype="datetime64[ns, UTC]")
    for zone in sorted(tz.unique()):
        m = (tz == zone).to_numpy()
        returned_at[m] = pd.DatetimeIndex(local[m]).tz_localize(
            zone, ambiguous=np.zeros(int(m.sum()), dtype=bool), nonexistent="shift_forward").tz_convert("UTC")
    out = pd.DataFrame({
        "store": r["store"], "market": r["market"], "order_id": r["order_id"], "sku": r["sku"],
        "asin": r["asin"], "fnsku": r["fnsku"], "title": r["title"], "category": r["category"],
        "quantity": qty.astype(np.int64), "returned_at": returned_at,
        "return_date": local.dt.normalize(), "month": local.dt.strftime("%Y-%m"),
        "fc": [FC[m][int(i)] for m, i in zip(r["market"], rng.integers(0, 6, n))],
        "reason": reason, "disposition": [REASONS[k][1] for k in reason],
        "status": [REASONS[k][2] for k in reason],
        "lpn": ["LPN" + "".join(rng.choice(list("0123456789ABCDEFGHJKLMNPRSTUVWXYZ"), 9)) for _ in range(n)],
        "comment": comments,
        "refund": np.round(r["unit_price"].to_numpy() * qty, 2),
    })
    out = out[local < last_day]
    return out.sort_values(["store", "returned_at", "order_id"], kind="stable").reset_index(drop=True)


def channel_refunds(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Refunds of Shopify and TikTok orders (order level): a few whole orders refunded,
    and some multi-item orders with their last item refunded.

    Columns: store, order_id, kind (refunded | partially_refunded), refund_amount (local
    currency, before tax), refunded_lines (tuple of refunded line numbers).
    """
    parts = []
    for store_id, p_full in (("Shopify-US", 0.02), ("TikTok-US", 0.03)):
        o = orders[(orders["store"] == store_id) & (orders["status"] == "Shipped")]
        by = o.groupby("order_id", sort=True).agg(lines=("line_no", "size"), value=("item_price", "sum"),
                                                  last=("item_price", "last"))
        u = rng.random(len(by))
        full = u < p_full
        partial = ~full & (by["lines"].to_numpy() > 1) & (u < 0.06)
        n_lines = by["lines"].to_numpy()
        kind = np.where(full, "refunded", "partially_refunded")
        amount = np.where(full, by["value"].to_numpy(), by["last"].to_numpy()).round(2)
        lines = [tuple(range(n)) if f else (n - 1,) for n, f in zip(n_lines, full)]
        keep = full | partial
        parts.append(pd.DataFrame({"store": store_id, "order_id": by.index[keep], "kind": kind[keep],
                                   "refund_amount": amount[keep],
                                   "refunded_lines": [x for x, k in zip(lines, keep) if k]}))
    return pd.concat(parts, ignore_index=True)


# -- CS messages --------------------------------------------------------------------
BEIJING = "Asia/Shanghai"
MESSAGE_RATE = {"amazon": 0.035, "shopify": 0.05, "tiktok": 0.045}
# Whose queue each store's messages land in. The team works one shared queue per store:
# whoever is on shift first answers.
AGENTS = {"US-Main": ("P011", "P012"), "US-Home": ("P012", "P011"), "Shopify-US": ("P012", "P011"),
          "TikTok-US": ("P012", "P011"), "JP-Main": ("P013",)}
# Shifts in the agent's own clock: {weekday (Mon=0): (start hour, end hour)}, mean minutes
# to answer, chance of overlooking a message until the next day, timezone.
# 黄丽 (senior) works Monday–Saturday; 林佳 (junior) covers Sunday and is slower;
# 山田 in Tokyo keeps Japanese office hours — fast on weekdays, only a two-hour check at
# weekends, so Saturday-afternoon messages can wait past 24 h.
_WEEK = {d: (9, 18) for d in range(5)}
SHIFTS = {"P011": ({**_WEEK, 5: (9, 18)}, 55, 0.015, BEIJING),
          "P012": ({**_WEEK, 6: (9, 18)}, 110, 0.04, BEIJING),
          "P013": ({**_WEEK, 5: (10, 12), 6: (10, 12)}, 35, 0.02, "Asia/Tokyo")}
# Chinese public holidays: the China-based agents only answer 10:00–12:00.
CN_HOLIDAYS = [(dt.date(2025, 10, 1), dt.date(2025, 10, 8)), (dt.date(2026, 2, 15), dt.date(2026, 2, 23)),
               (dt.date(2026, 10, 1), dt.date(2026, 10, 7))]


def _reply_time(received: dt.datetime, agent: str, rng: np.random.Generator) -> dt.datetime:
    """When ``agent`` would answer a message received at ``received`` (tz-aware)."""
    hours, mean_min, overlook, zone = SHIFTS[agent]
    t = received.astimezone(ZoneInfo(zone))
    if rng.random() < overlook:
        t = t + dt.timedelta(hours=24)          # overlooked until the next day's shift
    for _ in range(30):
        day = t.replace(hour=0, minute=0, second=0, microsecond=0)
        holiday = zone == BEIJING and any(a <= day.date() <= b for a, b in CN_HOLIDAYS)
        shift = (10, 12) if holiday else hours.get(day.weekday())
        if shift:
            open_, close = day.replace(hour=shift[0]), day.replace(hour=shift[1])
            if t < close:
                begin = max(t, open_)
                # The overnight backlog takes longer to clear than live messages.
                wait = rng.exponential(mean_min * (1.6 if begin > t else 1.0))
                return (begin + dt.timedelta(minutes=float(wait))).replace(microsecond=0)
        t = day + dt.timedelta(days=1)
    raise AssertionError("no shift found")  # pragma: no cover


def cs_messages(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Buyer messages of every store and who answered them when (Beijing time).

    Columns: message_id, store, market, received_bj, replied_bj (NaT = not answered),
    agent (person id; the agent whose queue held an unanswered message, None for
    unanswered "no reply needed" messages), agent_name, needs_reply (bool), month (of
    received_bj). Times are naive Beijing time, as the Chinese ERP prints them.
    """
    days = co.days()
    rows = []
    for spec in co.STORES:
        o = orders[orders["store"] == spec.id]
        per_day = o.drop_duplicates("order_id").groupby("order_date").size().reindex(days, fill_value=0)
        n = rng.poisson(per_day.to_numpy() * MESSAGE_RATE[spec.platform])
        day_idx = np.repeat(np.arange(len(days)), n)
        hours = rng.choice(24, size=day_idx.size, p=_HOUR_P)
        local = days[day_idx] + pd.to_timedelta(hours * 3600 + rng.integers(0, 3600, day_idx.size), unit="s")
        received = pd.DatetimeIndex(local).tz_localize(spec.timezone, ambiguous=np.zeros(day_idx.size, dtype=bool),
                                                       nonexistent="shift_forward").tz_convert(BEIJING)
        needs = rng.random(day_idx.size) >= 0.10
        bj = ZoneInfo(BEIJING)
        for t, need in zip(received.to_pydatetime(), needs):
            # Every agent of the queue would answer at some time; the first one does.
            options = [(_reply_time(t, a, rng), a) for a in AGENTS[spec.id]]
            reply, agent = min(options)
            u = rng.random()
            if need and u < 0.008:
                reply = None                        # fell through the cracks
            elif not need and u < 0.85:
                reply = None                        # "thanks!" — nothing to answer
            rows.append((spec.id, spec.market, t.astimezone(bj).replace(tzinfo=None),
                         None if reply is None else reply.astimezone(bj).replace(tzinfo=None),
                         agent if (reply is not None or need) else None, bool(need)))
    out = pd.DataFrame(rows, columns=["store", "market", "received_bj", "replied_bj", "agent", "needs_reply"])
    out["received_bj"] = pd.to_datetime(out["received_bj"])
    out["replied_bj"] = pd.to_datetime(out["replied_bj"])
    out = out.sort_values(["received_bj", "store"], kind="stable").reset_index(drop=True)
    out["month"] = out["received_bj"].dt.strftime("%Y-%m")
    out["message_id"] = ["MSG" + m.replace("-", "") + f"{i:05d}"
                         for m, i in zip(out["month"], out.groupby("month").cumcount() + 1)]
    out["agent_name"] = out["agent"].map({p.id: p.name for p in co.PEOPLE})
    return out[["message_id", "store", "market", "received_bj", "replied_bj", "agent", "agent_name",
                "needs_reply", "month"]]


_HOUR_W = np.array([1.5, 1, 0.6, 0.4, 0.4, 0.6, 1.2, 2.2, 3.2, 4, 4.4, 4.6, 4.6, 4.4, 4.3, 4.2,
                    4.2, 4.3, 4.5, 4.8, 5, 4.6, 3.6, 2.4])
_HOUR_P = _HOUR_W / _HOUR_W.sum()


# -- account health -----------------------------------------------------------------
DEFECT_RATE = {"US-Main": 0.0035, "US-Home": 0.006, "JP-Main": 0.002}
MFN_SHARE = 0.05                 # seller-fulfilled backup shipments (from the US/JP 3PL)


def account_health(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per Amazon store × month end with Amazon's account-health counts and rates.

    Columns: store, month, window_end, odr_from/odr_orders/odr_defects/odr_rate (60 days,
    FBA orders), claims, negative_feedback, chargebacks, lsr_from/lsr_orders/lsr_late/
    lsr_rate (30 days, seller-fulfilled), cancel_count/cancel_rate, tracking_count/
    tracking_valid/tracking_rate, on_time_count/on_time_rate.
    """
    rows = []
    first = pd.Timestamp(co.FIRST_MONTH + "-01")
    for store_id in co.AMAZON_STORES:
        o = orders[(orders["store"] == store_id)].drop_duplicates("order_id")
        for month in co.months():
            end = pd.Timestamp(month + "-01") + pd.offsets.MonthEnd(0)
            odr_from = max(first, end - pd.Timedelta(days=59))
            lsr_from = end - pd.Timedelta(days=29)
            n60 = int(((o["order_date"] >= odr_from) & (o["order_date"] <= end)).sum())
            n30 = int(((o["order_date"] >= lsr_from) & (o["order_date"] <= end)).sum())
            rate = DEFECT_RATE[store_id] * (1.8 if (store_id == "US-Home" and month == "2026-08") else 1.0)
            defects = int(rng.binomial(n60, rate))
            claims = int(rng.binomial(defects, 0.3))
            chargebacks = int(rng.binomial(defects - claims, 0.1))
            negative = defects - claims - chargebacks
            mfn = int(rng.binomial(n30, MFN_SHARE))
            late = int(rng.binomial(mfn, 0.02))
            cancels = int(rng.binomial(mfn, 0.004))
            valid = mfn - int(rng.binomial(mfn, 0.01))
            on_time = valid - int(rng.binomial(valid, 0.03))
            rows.append({"store": store_id, "month": month, "window_end": end,
                         "odr_from": odr_from, "odr_orders": n60, "odr_defects": defects,
                         "odr_rate": round(defects / n60, 4) if n60 else 0.0,
                         "claims": claims, "negative_feedback": negative, "chargebacks": chargebacks,
                         "lsr_from": lsr_from, "lsr_orders": mfn, "lsr_late": late,
                         "lsr_rate": round(late / mfn, 4) if mfn else 0.0,
                         "cancel_count": cancels, "cancel_rate": round(cancels / mfn, 4) if mfn else 0.0,
                         "tracking_count": mfn, "tracking_valid": valid,
                         "tracking_rate": round(valid / mfn, 4) if mfn else 1.0,
                         "on_time_count": on_time, "on_time_rate": round(on_time / valid, 4) if valid else 1.0})
    return pd.DataFrame(rows)
