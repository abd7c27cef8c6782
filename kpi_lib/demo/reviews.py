"""Product reviews of the demo's Amazon listings and the CS team's responses to them.

Model: a shipped Amazon order line is reviewed with probability 3 % (US) / 3.5 % (JP),
5–25 days after the order. Star ratings follow a market distribution — Japanese buyers
return less but leave more 1–3 star reviews — shifted down for the categories with more
defects (PET, OUT). The CS agent of the store answers almost every negative review
(1–2 stars) and a few others: 山田 in Tokyo within hours (median ≈ 4 h), the China-based
US team much later (median ≈ 20 h) — the JP expectation of a same-day, polite reply.

Columns of :func:`reviews`: review_id, store, market, sku, asin, rating (1–5), local_time
(naive marketplace time), responded_local (naive, NaT = not answered), month.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.demo import company as co

REVIEW_P = {"US": 0.03, "JP": 0.035}
STARS = np.array([5, 4, 3, 2, 1])
STARS_P = {"US": np.array([0.63, 0.18, 0.08, 0.05, 0.06]), "JP": np.array([0.50, 0.22, 0.13, 0.08, 0.07])}
CATEGORY_SHIFT = {"PET": 0.04, "OUT": 0.02}          # share moved from 5 stars to 1–2 stars
RESPONSE_P = {"negative": {"US": 0.90, "JP": 0.98}, "other": {"US": 0.10, "JP": 0.35}}
MEDIAN_HOURS = {"US": 20.0, "JP": 4.0}
_ALNUM = np.array(list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"))


def reviews(orders: pd.DataFrame, listings: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Reviews of shipped Amazon order lines posted up to the last simulated day."""
    o = orders[(orders["platform"] == "amazon") & (orders["status"] == "Shipped")]
    p = o["market"].map(REVIEW_P).to_numpy()
    r = o[rng.random(len(o)) < p].reset_index(drop=True)
    n = len(r)
    category = r["sku"].str.slice(0, 3).to_numpy()
    u = rng.random(n)
    stars = np.empty(n, dtype=np.int64)
    for market in ("US", "JP"):
        m = (r["market"] == market).to_numpy()
        base = STARS_P[market]
        for cat in np.unique(category[m]):
            mm = m & (category == cat)
            probs = base.copy()
            shift = CATEGORY_SHIFT.get(cat, 0.0)
            probs[0] -= shift
            probs[3] += shift / 2
            probs[4] += shift / 2
            stars[mm] = STARS[np.searchsorted(np.cumsum(probs), u[mm], side="right").clip(0, 4)]
    lag = pd.to_timedelta(np.round((5 + rng.gamma(2.0, 4.0, n)) * 86400), unit="s")
    local = r["local_time"] + lag
    negative = stars <= 2
    p_answer = np.where(negative, r["market"].map(RESPONSE_P["negative"]), r["market"].map(RESPONSE_P["other"]))
    answered = rng.random(n) < p_answer.astype(float)
    hours = r["market"].map(MEDIAN_HOURS).to_numpy() * rng.lognormal(0.0, 0.8, n)
    responded = local + pd.to_timedelta(np.round(hours * 3600), unit="s")
    responded = responded.where(answered & (responded < pd.Timestamp(co.TODAY)))
    last_day = pd.Timestamp(co.LAST_MONTH + "-01") + pd.offsets.MonthEnd(0) + pd.Timedelta(days=1)
    ids = ["R" + "".join(rng.choice(_ALNUM, 13)) for _ in range(n)]
    out = pd.DataFrame({"review_id": ids, "store": r["store"], "market": r["market"], "sku": r["sku"],
                        "asin": r["asin"], "rating": stars, "local_time": local.dt.floor("min"),
                        "responded_local": responded.dt.floor("min"), "month": local.dt.strftime("%Y-%m")})
    out = out[local < last_day]
    return out.sort_values(["store", "local_time", "review_id"], kind="stable").reset_index(drop=True)
