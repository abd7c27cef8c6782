"""FBA inbound shipments (头程 / 入仓) of the demo, from the simulated FBA receipts.

Every receipt of the stock simulation (:attr:`SalesHistory.arrivals`) after the first
day is one shipment line; the lines a store receives on one day form one shipment. Each
shipment had a three-day delivery appointment window (JP: 納品予約). Most arrive within
it (US 93 %, JP 96 %); late ones missed the window by 1–4 days. In October 2026 the JP
container stuck in port (company.JP_DELAY_*) arrives on 10-21 against an appointment of
10-02…10-04, and other JP shipments of 10-05…10-20 are often rescheduled (port
congestion). First-leg freight (CNY) = units × the SKU's freight per unit, ±8 %; the
stuck container also pays demurrage (+15 %).

Columns of :func:`shipments`: shipment_id, store, market, sku, units, ship_date,
appointment_start, appointment_end, arrival_date, freight_cny.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.demo import company as co
from kpi_lib.demo.sales import LEAD_DAYS, SalesHistory

ON_TIME_P = {"US": 0.93, "JP": 0.96}
CONGESTION_ON_TIME_P = 0.5
_ALNUM = np.array(list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"))


def shipments(history: SalesHistory, listings: pd.DataFrame, jp_delay_skus, rng: np.random.Generator) -> pd.DataFrame:
    first = pd.Timestamp(co.FIRST_MONTH + "-01")
    a = history.arrivals[(history.arrivals["date"] >= first) & (history.arrivals["qty"] > 0)]
    keys = listings[["store", "listing_no", "sku", "market", "freight_us_cny", "freight_jp_cny"]]
    a = a.merge(keys, on=["store", "listing_no"], how="left").sort_values(["store", "date", "sku"], kind="stable")
    a = a.reset_index(drop=True)
    market = a["market"].to_numpy()
    arrival = a["date"].dt.normalize()
    group = a.groupby(["store", "date"], sort=False).ngroup().to_numpy()
    n_ship = int(group.max()) + 1 if len(a) else 0
    ship_market = pd.Series(market).groupby(group).first().to_numpy()
    ship_arrival = arrival.groupby(group).first()
    stuck = ((ship_market == "JP") & (ship_arrival.dt.date == co.JP_DELAY_ARRIVAL).to_numpy()
             & pd.Series(a["sku"].isin(jp_delay_skus).to_numpy()).groupby(group).any().to_numpy())
    congested = ((ship_market == "JP") & (ship_arrival.dt.date >= co.JP_DELAY_START).to_numpy()
                 & (ship_arrival.dt.date <= co.JP_DELAY_END).to_numpy())
    p_on_time = np.where(congested, CONGESTION_ON_TIME_P, pd.Series(ship_market).map(ON_TIME_P).to_numpy())
    on_time = (rng.random(n_ship) < p_on_time) & ~stuck
    early_by = rng.integers(0, 3, n_ship)                  # arrival day within the 3-day window
    late_by = rng.integers(1, 5, n_ship)                   # days past the window's end
    window_end = np.where(on_time, ship_arrival + pd.to_timedelta(2 - early_by, unit="D"),
                          ship_arrival - pd.to_timedelta(late_by, unit="D"))
    window_end = pd.Series(pd.to_datetime(window_end))
    planned_stuck = pd.Timestamp(co.JP_DELAY_START) - pd.Timedelta(days=1)
    window_end[stuck] = planned_stuck
    window_start = window_end - pd.Timedelta(days=2)
    lead = pd.Series(ship_market).map(LEAD_DAYS).to_numpy()
    ship_date = ship_arrival.to_numpy() - pd.to_timedelta(lead + rng.integers(-2, 3, n_ship), unit="D")
    ship_date = pd.Series(pd.to_datetime(ship_date))
    ship_date[stuck] = planned_stuck - pd.Timedelta(days=int(LEAD_DAYS["JP"]))
    ids = np.array(["FBA" + "".join(rng.choice(_ALNUM, 9)) for _ in range(n_ship)])
    per_unit = np.where(market == "JP", a["freight_jp_cny"], a["freight_us_cny"]).astype(float)
    freight = a["qty"].to_numpy() * per_unit * rng.lognormal(0.0, 0.08, len(a)) * np.where(stuck[group], 1.15, 1.0)
    out = pd.DataFrame({
        "shipment_id": ids[group], "store": a["store"], "market": market, "sku": a["sku"],
        "units": a["qty"].astype(np.int64), "ship_date": ship_date.to_numpy()[group],
        "appointment_start": window_start.to_numpy()[group], "appointment_end": window_end.to_numpy()[group],
        "arrival_date": ship_arrival.to_numpy()[group], "freight_cny": np.round(freight, 2)})
    return out
