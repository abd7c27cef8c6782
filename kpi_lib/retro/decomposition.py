"""Sales deviation from target, decomposed into traffic, conversion and price effects.

Sales = sessions × unit session % × average price, where unit session % = units ÷
sessions and average price = sales ÷ units (local or base currency, as given). With the
target (index 0) and the actual (index 1) each written as that product, the deviation
``actual_sales − target_sales`` is split into three effects that add up to it exactly
(no residual term; up to floating-point rounding):

* **LMDI** (logarithmic mean Divisia index, the default): with
  ``L(a, b) = (a − b) / (ln a − ln b)`` (``L(a, a) = a``), each effect is
  ``L(S1, S0) × ln(x1 ÷ x0)`` for its factor x. Symmetric: no factor goes "first".
* **sequential** (used where a factor is 0 on either side, since ln 0 is undefined, and
  on request with ``method="sequential"``), in the order traffic → conversion → price:
  traffic ``(s1 − s0)·c0·p0``, conversion ``s1·(c1 − c0)·p0``, price ``s1·c1·(p1 − p0)``.

Rows without units have no average price; their price is taken as the other side's (no
price effect). A row with sales but no sessions (or units) cannot be written as the
product: its whole deviation goes to ``other_effect`` and ``method`` says ``none``.
Every row's ``traffic + conversion + price + other = deviation``; effects of rows add
up, so :func:`summarise_effects` totals them by market, person or metric.

Targets rarely come with sessions and units. :func:`implied_target_components` derives
them from a reference period (e.g. the baseline): the target keeps the reference
conversion and price, so the plan's growth is read as traffic growth.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kpi_lib.errors import KpiError

INPUT_COLUMNS = ["sessions", "units", "sales", "target_sessions", "target_units", "target_sales"]
EFFECT_COLUMNS = ["actual_sales", "target_sales", "deviation", "traffic_effect", "conversion_effect",
                  "price_effect", "other_effect", "method"]


def _logmean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Logarithmic mean L(a, b) = (a − b) / (ln a − ln b), L(a, a) = a (a, b > 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    return np.where(np.isclose(a, b, rtol=1e-12, atol=0.0), (a + b) / 2, out)


def _factors(sessions: np.ndarray, units: np.ndarray, sales: np.ndarray,
             other_price: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(traffic, conversion, price, decomposable) of one side."""
    with np.errstate(divide="ignore", invalid="ignore"):
        conversion = np.where(sessions > 0, units / sessions, 0.0)
        price = np.where(units > 0, sales / units, np.nan)
    price = np.where(np.isnan(price), other_price, price)
    price = np.where(np.isnan(price), 0.0, price)
    # The product must give the sales back: no units but sales, or units but no sessions, cannot.
    ok = ((sessions > 0) | ((units == 0) & (sales == 0))) & ((units > 0) | (sales == 0))
    return sessions, conversion, price, ok


def decompose_sales_deviation(frame: pd.DataFrame, *, method: str = "lmdi") -> pd.DataFrame:
    """Per row of ``frame`` (its other columns kept as keys): ``EFFECT_COLUMNS`` added.

    ``frame`` needs ``INPUT_COLUMNS`` (actual sessions, units, sales and the target's).
    ``method``: ``lmdi`` (default; sequential where a factor is 0) or ``sequential``."""
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        raise KpiError(f"the sales decomposition needs the column(s) {', '.join(missing)}", column=missing[0],
                       expected=", ".join(INPUT_COLUMNS),
                       fix="add the target's sessions and units, e.g. with implied_target_components()")
    if method not in ("lmdi", "sequential"):
        raise KpiError(f"unknown decomposition method {method!r}", key="method", expected="lmdi or sequential")
    num = {c: pd.to_numeric(frame[c], errors="coerce").astype(float).fillna(0.0).to_numpy() for c in INPUT_COLUMNS}
    if any((num[c] < 0).any() for c in ("sessions", "units", "target_sessions", "target_units")):
        raise KpiError("sessions and units must not be negative", fix="check the traffic rows")
    with np.errstate(divide="ignore", invalid="ignore"):
        p_target = np.where(num["target_units"] > 0, num["target_sales"] / num["target_units"], np.nan)
        p_actual = np.where(num["units"] > 0, num["sales"] / num["units"], np.nan)
    s0, c0, p0, ok0 = _factors(num["target_sessions"], num["target_units"], num["target_sales"], p_actual)
    s1, c1, p1, ok1 = _factors(num["sessions"], num["units"], num["sales"], p_target)
    S0, S1 = num["target_sales"], num["sales"]
    deviation = S1 - S0
    ok = ok0 & ok1
    positive = (s0 > 0) & (s1 > 0) & (c0 > 0) & (c1 > 0) & (p0 > 0) & (p1 > 0) & (S0 > 0) & (S1 > 0)
    use_lmdi = ok & positive & (method == "lmdi")

    traffic = np.zeros(len(frame))
    conversion = np.zeros(len(frame))
    price = np.zeros(len(frame))
    seq = ok & ~use_lmdi
    traffic[seq] = (s1[seq] - s0[seq]) * c0[seq] * p0[seq]
    conversion[seq] = s1[seq] * (c1[seq] - c0[seq]) * p0[seq]
    price[seq] = s1[seq] * c1[seq] * (p1[seq] - p0[seq])
    if use_lmdi.any():
        w = _logmean(S1[use_lmdi], S0[use_lmdi])
        traffic[use_lmdi] = w * np.log(s1[use_lmdi] / s0[use_lmdi])
        conversion[use_lmdi] = w * np.log(c1[use_lmdi] / c0[use_lmdi])
        price[use_lmdi] = w * np.log(p1[use_lmdi] / p0[use_lmdi])
    other = np.where(ok, 0.0, deviation)
    labels = np.where(use_lmdi, "lmdi", np.where(ok, "sequential", "none"))
    return frame.assign(actual_sales=S1, target_sales=S0, deviation=deviation, traffic_effect=traffic,
                        conversion_effect=conversion, price_effect=price, other_effect=other, method=labels)


def summarise_effects(decomposed: pd.DataFrame, by: Iterable[str]) -> pd.DataFrame:
    """Effects totalled by ``by`` (e.g. ``["market"]``): the sums still add up to the
    total deviation of each group."""
    columns = ["actual_sales", "target_sales", "deviation", "traffic_effect", "conversion_effect", "price_effect",
               "other_effect"]
    return decomposed.groupby(list(by), sort=True)[columns].sum().reset_index()


def implied_target_components(target_sales: pd.Series | float, reference_sessions: pd.Series | float,
                              reference_units: pd.Series | float, reference_sales: pd.Series | float
                              ) -> pd.DataFrame:
    """Target sessions and units implied by a sales target at the reference period's
    conversion (units ÷ sessions) and price (sales ÷ units): ``target_sessions,
    target_units, target_sales``. A reference without sessions or units gives NaN."""
    t = pd.Series(target_sales, dtype=float) if np.ndim(target_sales) else pd.Series([target_sales], dtype=float)
    idx = t.index

    def series(x):
        return pd.Series(x, index=idx, dtype=float) if np.ndim(x) == 0 else pd.Series(x, dtype=float).set_axis(idx)
    rs, ru, rr = series(reference_sessions), series(reference_units), series(reference_sales)
    conversion = (ru / rs).where(rs > 0)
    price = (rr / ru).where(ru > 0)
    sessions = t / (conversion * price)
    return pd.DataFrame({"target_sessions": sessions, "target_units": sessions * conversion, "target_sales": t})
