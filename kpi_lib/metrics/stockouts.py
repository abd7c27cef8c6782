"""Stock-out days (断货天数) of FBA SKUs, estimated from order gaps and inventory snapshots.

Amazon's monthly inventory reports only show the stock at the snapshot, so a stock-out
inside the month is read from the orders: a SKU that normally sells stops selling.

Definition: for each SKU of a store that holds FBA inventory (a store present in the
``inventory`` table), a run of ``L`` consecutive market-local days without a sold order
line is a stock-out when it is too long to be chance — ``λ × L ≥`` :data:`EVIDENCE`
(a probability below 0.01 % for Poisson sales: thousands of SKU-runs a year are tested, so
a looser bar flags slow sellers' quiet weeks), where ``λ`` is the SKU's mean order lines
per day over the :data:`LOOKBACK_DAYS` days before the run. A SKU that had not sold before
(a product not launched yet) has λ = 0 and is never counted. A month-end snapshot with
no available units also counts its day and the zero-sale run that ends there. Unit: days
(SKU-days, summed over SKUs). A listing that stops selling for another reason (suppressed,
blocked) looks the same from the orders: check such months against Seller Central.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

LOOKBACK_DAYS = 56
EVIDENCE = 9.2                       # −ln(0.01 %)
COLUMNS = ["market", "store", "sku", "asin", "date", "source_file"]
SOURCE = "estimated: zero-sale runs in orders + FBA snapshots"


def stockout_days(orders: pd.DataFrame, inventory: pd.DataFrame | None) -> pd.DataFrame:
    """One row per (market, store, sku, date) estimated to be out of stock."""
    if inventory is None or inventory.empty or orders.empty:
        return pd.DataFrame(columns=COLUMNS)
    stores = set(zip(inventory["market"].astype(str), inventory["store"].astype(str)))
    status = orders["status"].astype("string").str.casefold()
    keep = (status != "cancelled").fillna(True) & orders["sku"].notna()
    keep &= pd.Series(list(zip(orders["market"].astype(str), orders["store"].astype(str))),
                      index=orders.index).isin(stores)
    o = orders.loc[keep, ["market", "store", "sku", "asin", "order_date"]]
    if o.empty:
        return pd.DataFrame(columns=COLUMNS)
    day = pd.to_datetime(o["order_date"]).dt.normalize()
    first, last = day.min(), day.max()
    n_days = (last - first).days + 1
    codes, keys = pd.MultiIndex.from_arrays([o["market"].astype(str), o["store"].astype(str),
                                             o["sku"].astype(str)]).factorize()
    grid = np.zeros((len(keys), n_days))
    np.add.at(grid, (codes, (day - first).dt.days.to_numpy()), 1.0)
    asin = o.groupby(codes)["asin"].first()

    empty_snapshot = np.zeros_like(grid, dtype=bool)
    inv = inventory[(pd.to_numeric(inventory["available"], errors="coerce") <= 0)]
    if not inv.empty:
        pos = keys.get_indexer(pd.MultiIndex.from_arrays([inv["market"].astype(str), inv["store"].astype(str),
                                                          inv["sku"].astype(str)]))
        d = (pd.to_datetime(inv["snapshot_date"]).dt.normalize() - first).dt.days.to_numpy()
        ok = (pos >= 0) & (d >= 0) & (d < n_days)
        empty_snapshot[pos[ok], d[ok]] = True

    cum = np.concatenate([np.zeros((len(keys), 1)), np.cumsum(grid, axis=1)], axis=1)
    flagged = np.zeros_like(grid, dtype=bool)
    for k in range(len(keys)):
        zero = grid[k] == 0
        if not zero.any():
            continue
        edges = np.diff(np.concatenate([[0], zero.astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)   # run = [start, end)
        for s, e in zip(starts, ends):
            lo = max(0, s - LOOKBACK_DAYS)
            lam = (cum[k, s] - cum[k, lo]) / max(s - lo, 1) if s > 0 else 0.0
            if lam * (e - s) >= EVIDENCE or (lam > 0 and empty_snapshot[k, s:e].any()):
                flagged[k, s:e] = True
        flagged[k] |= empty_snapshot[k] & (cum[k, -1] > 0)
    kk, dd = np.nonzero(flagged)
    out = pd.DataFrame({"market": keys.get_level_values(0)[kk], "store": keys.get_level_values(1)[kk],
                        "sku": keys.get_level_values(2)[kk], "asin": asin.reindex(kk).to_numpy(),
                        "date": first + pd.to_timedelta(dd, unit="D"), "source_file": SOURCE})
    return out[COLUMNS]
