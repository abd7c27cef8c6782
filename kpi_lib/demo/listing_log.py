"""The designer's listing change log (Listing修改记录) of the demo.

何静怡 (P014, 美工) ships 10–18 listing changes a month on weekdays across the three
Amazon stores, more before the peaks (Prime Day in July, BFCM in November) and for new
products in their launch month; best sellers get more attention. Change types follow a
designer's mix: main image, secondary images, A+ content, video, title and bullets.

Columns of :func:`listing_changes`: change_date, store, market, sku, asin, change_type
(Chinese label as written in the log), changed_by (工号).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.demo import company as co

DESIGNER = "P014"
TYPES = np.array(["主图", "附图", "A+", "视频", "标题", "五点描述"])
TYPES_P = np.array([0.26, 0.30, 0.20, 0.06, 0.09, 0.09])
PEAK_MONTHS = {6: 1.4, 10: 1.5}                 # the month before Prime Day / BFCM


def listing_changes(listings: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    amazon = listings[listings["platform"] == "amazon"].reset_index(drop=True)
    weight = amazon["popularity"].to_numpy() ** 0.5
    rows = []
    for month in co.months():
        start = pd.Timestamp(month + "-01")
        days = pd.date_range(start, start + pd.offsets.MonthEnd(0), freq="D")
        workdays = days[days.day_of_week < 5]
        launched = amazon["launch"].dt.strftime("%Y-%m").eq(month).to_numpy()
        live = (amazon["launch"].isna() | (amazon["launch"] <= days[-1])).to_numpy()
        w = np.where(live, weight * np.where(launched, 6.0, 1.0), 0.0)
        n = int(rng.poisson(13 * PEAK_MONTHS.get(start.month, 1.0)))
        picks = rng.choice(len(amazon), size=n, p=w / w.sum())
        when = workdays[rng.integers(0, len(workdays), n)]
        kinds = TYPES[rng.choice(len(TYPES), size=n, p=TYPES_P)]
        for i, d, k in zip(picks, when, kinds):
            row = amazon.iloc[int(i)]
            rows.append((d, row["store"], row["market"], row["sku"], row["asin"], k, DESIGNER))
    out = pd.DataFrame(rows, columns=["change_date", "store", "market", "sku", "asin", "change_type", "changed_by"])
    return out.sort_values(["change_date", "store", "sku"], kind="stable").reset_index(drop=True)
