"""Scores: attainment per metric, the payout curve, person totals, guardrail gates, ratings.

Units: *attainment* is a ratio (1.0 = exactly on target); *score* is points on the payout
curve (by default 60 at the threshold, 100 on target, 120 at the cap); a person's *total
score* is the weighted mean of their metric scores, in the same points. Every function is
pure: it returns new frames and never changes its inputs.

Attainment rules (direction from the metric registry):

* **higher** is better: ``actual ÷ target``. A planned loss (target < 0, e.g. a net-profit
  target of −10,000 in a launch month) uses the same reading, ``1 + (actual − target) ÷
  |target|``, so beating the planned loss scores above 1. Target 0: actual > 0 is cap
  attainment, actual 0 is 1.0, actual < 0 is 0.
* **lower** is better: ``target ÷ actual``, capped at the curve's cap. Actual 0 (no
  stock-out days, 0 % ODR) is cap attainment — the best possible result, never a division
  by zero. Target 0 ("zero tolerance"): actual 0 meets it (1.0), anything above 0 is 0.
  A negative target on a lower-is-better metric is not scorable (NaN): these metrics are
  rates, days and costs, which are never negative.
* **band** (inside ``[band_low, band_high]``, e.g. 30–60 days of supply): 1.0 inside the
  band; outside it falls linearly by the relative distance to the nearest edge,
  ``1 − distance ÷ |edge|``, down to 0 (15 or 90 days against 30–60 → 0.5). The target
  column is not used, and a band metric never scores above the target score: being in
  the band is the goal. An empty edge leaves that side open.
* a missing actual or target gives NaN (see ``Scoring.missing_actual``).

Attainment is rounded to 9 decimals so that float noise (0.08 ÷ 0.1 = 0.7999999…) never
drops a result that is exactly on the threshold below it.
"""
from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kpi_lib.config.models import Gate, PayoutCurve, Scoring
from kpi_lib.errors import KpiError

DIRECTIONS = ("higher", "lower", "band")
DEFAULT_CAP = 1.2
ROUND_ATTAINMENT = 9
ROUND_TOTAL = 6
EPS = 1e-6

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}

# Suggested Amazon guardrails (DESIGN.md). They are documentation, not enforced: a client
# gets a gate only by listing it under `scoring.gates`. Valid tracking ≥ 95 % needs a
# metric the registry does not have yet, so it is not listed.
AMAZON_GUARDRAILS: tuple[Gate, ...] = (
    Gate(metric="odr", op=">=", value=0.01, max_multiplier=0.5,
         note="Amazon guardrail: ODR < 1% (account health at risk)"),
    Gate(metric="late_shipment_rate", op=">=", value=0.04, max_multiplier=0.8,
         note="Amazon guardrail: late shipment rate < 4%"),
    Gate(metric="cancel_rate", op=">=", value=0.025, max_multiplier=0.8,
         note="Amazon guardrail: pre-fulfilment cancel rate < 2.5%"),
    Gate(metric="response_rate_24h", op="<", value=0.9, max_multiplier=0.8,
         note="Amazon expects buyer messages answered within 24 h, weekends included"),
)

_NOTES = {
    "no_actual_drop": {"zh": "{metric} 无实际值，本月不计分，权重分摊到其他指标",
                       "en": "{metric}: no actual this month, left out and its weight spread over the other metrics"},
    "no_actual_floor": {"zh": "{metric} 无实际值，按保底分 {floor:g} 计",
                        "en": "{metric}: no actual this month, scored at the floor score {floor:g}"},
    "no_target_drop": {"zh": "{metric} 无目标值，本月不计分，权重分摊到其他指标",
                       "en": "{metric}: no target this month, left out and its weight spread over the other metrics"},
    "no_target_floor": {"zh": "{metric} 无目标值，按保底分 {floor:g} 计",
                        "en": "{metric}: no target this month, scored at the floor score {floor:g}"},
    "unscorable_drop": {"zh": "{metric} 无法计分（目标 {target:g} 不适用于该方向或缺少区间），本月不计分",
                        "en": "{metric}: cannot be scored (target {target:g} does not suit its direction, or no band), left out"},
    "unscorable_floor": {"zh": "{metric} 无法计分（目标 {target:g} 不适用于该方向或缺少区间），按保底分 {floor:g} 计",
                         "en": "{metric}: cannot be scored (target {target:g} does not suit its direction, or no band), "
                               "scored at the floor score {floor:g}"},
    "threshold_ignored": {"zh": "{metric} 门槛值 {value:g} 不在目标之下，改用曲线门槛 {ratio:.0%}",
                          "en": "{metric}: threshold {value:g} is not short of the target, the curve's {ratio:.0%} is used"},
    "stretch_ignored": {"zh": "{metric} 挑战值 {value:g} 不高于目标，改用曲线封顶 {ratio:.0%}",
                        "en": "{metric}: stretch {value:g} does not beat the target, the curve's cap {ratio:.0%} is used"},
    "all_exempted": {"zh": "全部指标豁免或无数据，本月无总分",
                     "en": "every metric is exempted or has no data: no total score this month"},
    "exempted": {"zh": "豁免指标：{metrics}，其余权重重新归一",
                 "en": "exempted: {metrics}; the other weights renormalised"},
    "not_scored": {"zh": "未计分指标：{metrics}", "en": "not scored: {metrics}"},
    "gate": {"zh": "{metric} = {actual:g}（{op} {value:g}）：奖金系数上限 {cap:g}",
             "en": "{metric} = {actual:g} ({op} {value:g}): bonus multiplier capped at {cap:g}"},
    "gate_unchecked": {"zh": "{metric} 无实际值，未检查红线",
                       "en": "{metric}: no actual, guardrail not checked"},
}


def _note(key: str, language: str, **values: object) -> str:
    return _NOTES[key].get(language, _NOTES[key]["en"]).format(**values)


def _join(parts: Sequence[str], language: str) -> str:
    return ("；" if language == "zh" else "; ").join(p for p in parts if p)


def _floats(x: object) -> np.ndarray:
    """Any scalar, list, array or Series as a float array (None / NA → NaN)."""
    if x is None:
        return np.asarray(np.nan)
    if isinstance(x, (pd.Series, pd.Index)):
        return pd.to_numeric(x, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    arr = np.asarray(x, dtype=object)
    if arr.ndim == 0:
        return np.asarray(np.nan if pd.isna(arr.item()) else float(arr.item()))
    return pd.to_numeric(pd.Series(arr.ravel()), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan).reshape(arr.shape)


def _shape_like(values: np.ndarray, *inputs: object, name: str) -> object:
    """Return a Series when any input was one (keeping its index), a float for scalars."""
    for x in inputs:
        if isinstance(x, pd.Series):
            return pd.Series(values, index=x.index, name=name)
    if values.ndim == 0:
        return float(values)
    return values


def _require(rows: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [c for c in columns if c not in rows.columns]
    if missing:
        raise KpiError(f"{where} needs the column(s) {', '.join(missing)}", column=missing[0],
                       expected=", ".join(columns), found=list(rows.columns),
                       fix="pass the scorecard rows frame (one row per person × metric)")


# -- attainment ------------------------------------------------------------------
def attainment(actual, target, direction, band_low=None, band_high=None, *, cap=DEFAULT_CAP):
    """Attainment (ratio, 1.0 = on target) of ``actual`` against ``target`` for a metric of
    ``direction`` higher / lower / band; see the module docstring for the rules.

    Vectorised: scalars, arrays and Series broadcast together; returns a Series (with the
    first Series input's index), an array, or a float for all-scalar inputs. ``cap`` is the
    attainment given to a perfect result whose ratio is undefined (actual 0 on a
    lower-is-better metric); it also caps lower-is-better ratios."""
    a, t, lo, hi, c = (_floats(v) for v in (actual, target, band_low, band_high, cap))
    d = np.asarray(direction if not isinstance(direction, pd.Series) else direction.to_numpy(), dtype=object)
    a, t, lo, hi, c, d = np.broadcast_arrays(a, t, lo, hi, c, d)
    unknown = sorted({str(v) for v in d.ravel()} - set(DIRECTIONS))
    if unknown:
        raise KpiError(f"unknown metric direction {unknown[0]!r}", key="direction",
                       expected="higher, lower or band", found=unknown[0],
                       fix="take the direction from the metric registry (kpi_lib/defaults/metrics.yaml)")
    out = np.full(a.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        higher, lower, band = d == "higher", d == "lower", d == "band"

        m = higher & (t > 0)
        out[m] = a[m] / t[m]
        m = higher & (t < 0)
        out[m] = 1.0 + (a[m] - t[m]) / -t[m]
        m = higher & (t == 0)
        # Beating a zero target is at least on target, even on a curve whose cap is below 1.
        out[m] = np.where(a[m] > 0, np.maximum(c[m], 1.0), np.where(a[m] == 0, 1.0, 0.0))

        m = lower & (t > 0)
        out[m] = np.where(a[m] <= 0, c[m], np.minimum(t[m] / a[m], c[m]))
        m = lower & (t == 0)
        out[m] = np.where(a[m] <= 0, 1.0, 0.0)

        lo_open, hi_open = np.isnan(lo), np.isnan(hi)
        m = band & ~(lo_open & hi_open)
        below = m & ~lo_open & (a < lo)
        above = m & ~hi_open & (a > hi)
        out[m] = 1.0
        # Relative distance to the nearest edge; an edge at 0 has no scale, so any miss is 0.
        out[below] = np.where(lo[below] != 0, 1.0 - (lo[below] - a[below]) / np.abs(lo[below]), 0.0)
        out[above] = np.where(hi[above] != 0, 1.0 - (a[above] - hi[above]) / np.abs(hi[above]), 0.0)
        out[below | above] = np.maximum(out[below | above], 0.0)

    out[np.isnan(a)] = np.nan
    with np.errstate(over="ignore"):  # an absurd ratio (1e300) rounds to inf: still the cap score
        out = np.round(out, ROUND_ATTAINMENT)
    return _shape_like(out, actual, target, direction, band_low, band_high, name="attainment")


# -- payout curve ----------------------------------------------------------------
def payout(att, curve: PayoutCurve, *, threshold=None, cap=None):
    """Score (points) for attainment ``att`` on ``curve``; NaN attainment → NaN score.

    ``threshold`` / ``cap`` (attainment ratios, scalar or per value) replace the curve's own
    for linear curves — how a row's absolute threshold and stretch values take effect.
    Linear: floor below the threshold, straight lines threshold → target → cap, cap score
    above the cap. Stepped: the score of the highest step reached. The result always lies
    within [floor_score, cap_score] and is rounded to 1e-6 points."""
    a = _floats(att)
    thr = np.broadcast_to(_floats(curve.threshold if threshold is None else threshold), a.shape)
    top = np.broadcast_to(_floats(curve.cap if cap is None else cap), a.shape)
    tgt = curve.target
    if curve.curve == "stepped":
        score = np.full(a.shape, curve.floor_score, dtype=float)
        for step in curve.steps or []:  # listed by increasing attainment, scores non-decreasing
            score = np.where(a >= step.attainment, step.score, score)
    else:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # A zero-width segment (threshold = target, or target = cap) is never entered:
            # the higher knot wins at that point, which keeps the curve non-decreasing.
            up = np.where(tgt > thr, (curve.target_score - curve.threshold_score) / (tgt - thr), 0.0)
            over = np.where(top > tgt, (curve.cap_score - curve.target_score) / (top - tgt), 0.0)
            score = np.select(
                [a >= top, a >= tgt, a >= thr],
                [np.full(a.shape, curve.cap_score), curve.target_score + (a - tgt) * over,
                 curve.threshold_score + (a - thr) * up],
                default=curve.floor_score)
    # Rounded to 1e-6 points so 0.85 on the default curve is 70, not 69.99999999999999;
    # clipped after rounding so the floor and cap scores hold exactly.
    with np.errstate(over="ignore", invalid="ignore"):
        score = np.clip(np.round(score, ROUND_TOTAL), curve.floor_score, curve.cap_score)
    score = np.where(np.isnan(a), np.nan, score)
    return _shape_like(np.asarray(score, dtype=float), att, name="score")


# -- rows ------------------------------------------------------------------------
def counted_mask(rows: pd.DataFrame) -> pd.Series:
    """Rows that count towards the total: not exempted and (once scored) with a score."""
    counted = pd.Series(True, index=rows.index)
    if "exempted" in rows.columns:
        counted &= ~rows["exempted"].fillna(False).astype(bool)
    if "score" in rows.columns:
        counted &= rows["score"].notna()
    return counted


def effective_weights(rows: pd.DataFrame) -> pd.Series:
    """Each row's weight renormalised over the person's counted rows (fraction; sums to 1
    per person), 0 for rows left out. A person with no counted row gets 0 everywhere."""
    _require(rows, ("person_id", "weight"), "effective_weights")
    w = pd.to_numeric(rows["weight"], errors="coerce").astype(float)
    bad = w.isna() | (w < 0)
    if bad.any():
        i = bad[bad].index[0]
        raise KpiError(f"person {rows.at[i, 'person_id']} has a missing or negative weight",
                       column="weight", found=rows.at[i, "weight"],
                       expected="a weight between 0 and 1 for every person × metric row",
                       fix="check the role's weights in the client config")
    counted_w = w.where(counted_mask(rows), 0.0)
    total = counted_w.groupby(rows["person_id"], sort=False).transform("sum")
    return (counted_w / total.where(total > 0)).fillna(0.0).rename("effective_weight")


def _band_edges(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """band_low / band_high, filled from the metric registry where a band row leaves them empty."""
    from kpi_lib.metrics.registry import metrics

    lo = _floats(rows["band_low"]) if "band_low" in rows.columns else np.full(len(rows), np.nan)
    hi = _floats(rows["band_high"]) if "band_high" in rows.columns else np.full(len(rows), np.nan)
    lo, hi = lo.copy(), hi.copy()
    registry = metrics()
    is_band = (rows["direction"] == "band").to_numpy()
    for i in np.flatnonzero(is_band & np.isnan(lo) & np.isnan(hi)):
        metric = registry.get(str(rows["metric_id"].iat[i]))
        if metric is not None and metric.band:
            lo[i], hi[i] = metric.band
    return lo, hi


def score_rows(rows: pd.DataFrame, scoring: Scoring | None = None, *, language: str = "zh") -> pd.DataFrame:
    """The scorecard rows with ``attainment``, ``score`` (points), ``effective_weight``,
    ``weighted_score`` (effective weight × score) and ``score_note`` added.

    Needs ``person_id, metric_id, direction, actual, target, weight``; uses ``band_low,
    band_high`` (band metrics; filled from the registry when empty), ``threshold`` and
    ``stretch`` (absolute values in the metric's unit: they replace the curve's relative
    threshold and cap for that row, linear curves only) and ``exempted`` when present.
    Exempted rows are still scored, for the record, but carry no weight."""
    scoring = scoring or Scoring()
    _require(rows, ("person_id", "metric_id", "direction", "actual", "target", "weight"), "score_rows")
    n = len(rows)
    direction = rows["direction"].to_numpy(dtype=object)
    actual, target = _floats(rows["actual"]), _floats(rows["target"])
    row_thr = _floats(rows["threshold"]) if "threshold" in rows.columns else np.full(n, np.nan)
    row_str = _floats(rows["stretch"]) if "stretch" in rows.columns else np.full(n, np.nan)
    lo, hi = _band_edges(rows)
    exempted = (rows["exempted"].fillna(False).astype(bool).to_numpy()
                if "exempted" in rows.columns else np.zeros(n, dtype=bool))
    att, score = np.full(n, np.nan), np.full(n, np.nan)
    notes: list[list[str]] = [[] for _ in range(n)]

    codes, metric_ids = pd.factorize(rows["metric_id"], use_na_sentinel=False)
    for k, metric_id in enumerate(metric_ids):
        pos = np.flatnonzero(codes == k)
        curve = scoring.curve_for(str(metric_id))
        d, a, t = direction[pos], actual[pos], target[pos]
        thr = np.full(len(pos), curve.threshold)
        top = np.full(len(pos), curve.cap)
        if curve.curve == "stepped":
            # Steps are explicit, so row thresholds do not apply; a perfect lower-is-better
            # result must still reach the top step.
            top[:] = max(curve.cap, max(s.attainment for s in curve.steps or []))
        else:
            scorable = (d != "band") & ~np.isnan(t)
            given = scorable & ~np.isnan(row_thr[pos])
            thr_att = _floats(attainment(row_thr[pos], t, d, cap=np.inf))
            ok = given & (thr_att >= 0) & (thr_att <= curve.target)
            thr[ok] = thr_att[ok]
            for j in np.flatnonzero(given & ~ok):
                notes[pos[j]].append(_note("threshold_ignored", language, metric=metric_id,
                                           value=row_thr[pos[j]], ratio=curve.threshold))
            given = scorable & ~np.isnan(row_str[pos])
            str_att = _floats(attainment(row_str[pos], t, d, cap=np.inf))
            ok = given & np.isfinite(str_att) & (str_att > curve.target)
            top[ok] = str_att[ok]
            for j in np.flatnonzero(given & ~ok):
                notes[pos[j]].append(_note("stretch_ignored", language, metric=metric_id,
                                           value=row_str[pos[j]], ratio=curve.cap))
        att[pos] = _floats(attainment(a, t, d, lo[pos], hi[pos], cap=top))
        score[pos] = _floats(payout(att[pos], curve, threshold=thr, cap=top))
        for j in np.flatnonzero(np.isnan(att[pos]) & ~exempted[pos]):
            kind = ("no_actual" if np.isnan(a[j]) else
                    "no_target" if np.isnan(t[j]) and d[j] != "band" else "unscorable")
            policy = "floor" if scoring.missing_actual == "floor" else "drop"
            if policy == "floor":
                score[pos[j]] = curve.floor_score
            notes[pos[j]].append(_note(f"{kind}_{policy}", language, metric=metric_id,
                                       floor=curve.floor_score, target=t[j]))

    out = rows.assign(attainment=att, score=score)
    weight = effective_weights(out)
    return out.assign(effective_weight=weight.to_numpy(), weighted_score=weight.to_numpy() * score,
                      score_note=[_join(parts, language) for parts in notes])


# -- totals and ratings ------------------------------------------------------------
def rating(total, ratings: Mapping[str, float]):
    """The rating whose minimum total is the highest one ``total`` reaches (``ratings`` maps
    rating → minimum total score, e.g. ``{S: 110, A: 100, B: 85, C: 70, D: 0}``). NaN, or a
    total below every minimum, has no rating (None / NaN). Scalar or Series."""
    if not ratings:
        raise KpiError("no rating bands", key="scoring.ratings", expected="e.g. {S: 110, A: 100, B: 85, C: 70, D: 0}")
    bands = sorted(ratings.items(), key=lambda kv: kv[1], reverse=True)
    t = _floats(total)
    values = np.full(t.shape, None, dtype=object)
    for name, minimum in reversed(bands):  # lowest first, so the highest band reached wins
        values = np.where(t >= float(minimum) - EPS, name, values)
    if isinstance(total, pd.Series):
        return pd.Series(values, index=total.index, name="rating", dtype="str")
    if values.ndim == 0:
        return values.item()
    return values


def person_totals(rows: pd.DataFrame, *, ratings: Mapping[str, float] | None = None,
                  language: str = "zh") -> pd.DataFrame:
    """One row per person: ``total_score = Σ effective_weight × score`` (points) over the
    counted rows (not exempted, scored), the weights renormalised to 1 over those rows.

    Columns: person_id, name, role, level, market (the markets of their rows), total_score,
    scored_weight (the share of the configured weight that was scored), n_metrics,
    n_scored, n_exempted, exempted_metrics, notes, and rating when ``ratings`` is given.
    A person with nothing counted gets a NaN total and a note saying why."""
    _require(rows, ("person_id", "metric_id", "weight", "score"), "person_totals")
    counted = counted_mask(rows)
    frame = rows.assign(_counted=counted.to_numpy(), _w=effective_weights(rows).to_numpy(),
                        _raw_w=pd.to_numeric(rows["weight"], errors="coerce").to_numpy(dtype=float))
    exempt = (frame["exempted"].fillna(False).astype(bool) if "exempted" in frame.columns
              else pd.Series(False, index=frame.index))
    records = []
    for person_id, g in frame.groupby("person_id", sort=False):
        c = g["_counted"].to_numpy()
        ex = exempt.loc[g.index].to_numpy()
        total = float(np.sum(g["_w"].to_numpy()[c] * g["score"].to_numpy(dtype=float)[c])) if c.any() else np.nan
        raw_sum = g["_raw_w"].sum()
        notes = []
        exempted_ids = list(dict.fromkeys(g["metric_id"][ex]))
        unscored = list(dict.fromkeys(g["metric_id"][~ex & ~c]))
        if exempted_ids:
            notes.append(_note("exempted", language, metrics=", ".join(map(str, exempted_ids))))
        if unscored:
            notes.append(_note("not_scored", language, metrics=", ".join(map(str, unscored))))
        if not c.any():
            notes.append(_note("all_exempted", language))
        first = g.iloc[0]
        markets = [] if "market" not in g.columns else list(dict.fromkeys(g["market"].dropna().astype(str)))
        records.append({
            "person_id": person_id,
            "name": first.get("name"),
            "role": first.get("role"),
            "level": first.get("level"),
            "market": ",".join(markets) or None,
            "total_score": round(total, ROUND_TOTAL) if not np.isnan(total) else np.nan,
            "scored_weight": float(g["_raw_w"][c].sum() / raw_sum) if raw_sum > 0 else np.nan,
            "n_metrics": len(g),
            "n_scored": int(c.sum()),
            "n_exempted": int(ex.sum()),
            "exempted_metrics": ", ".join(map(str, exempted_ids)),
            "notes": _join(notes, language),
        })
    out = pd.DataFrame.from_records(records, columns=[
        "person_id", "name", "role", "level", "market", "total_score", "scored_weight", "n_metrics",
        "n_scored", "n_exempted", "exempted_metrics", "notes"])
    out["total_score"] = out["total_score"].astype(float)
    if ratings is not None:
        out["rating"] = rating(out["total_score"], ratings)
    return out


# -- gates -------------------------------------------------------------------------
def gate_caps(rows: pd.DataFrame, gates: Sequence[Gate], *, language: str = "zh") -> pd.DataFrame:
    """Per person in ``rows``: ``gate_cap`` (the lowest ``max_multiplier`` of the gates their
    actuals trip; NaN = no cap) and ``gate_note``.

    A gate is checked on the person's own *actual* for the gate's metric (in the gate's
    market, when it names one; any of their markets otherwise). ``rows`` is any frame of
    ``person_id, metric_id, actual`` (+ ``market``, ``exempted``) — the scorecard rows, or a
    wider frame of actuals when a guardrail metric carries no weight in the person's
    scheme. Exempted rows are not checked: the event that exempted the metric also
    explains the breach."""
    _require(rows, ("person_id", "metric_id", "actual"), "gate_caps")
    people = list(dict.fromkeys(rows["person_id"]))
    caps = {p: np.nan for p in people}
    notes: dict[object, list[str]] = {p: [] for p in people}
    actual = _floats(rows["actual"])
    eligible = counted_mask(rows.drop(columns=["score"], errors="ignore")).to_numpy()
    for gate in gates:
        gate = Gate.model_validate(gate) if not isinstance(gate, Gate) else gate
        m = (rows["metric_id"] == gate.metric).to_numpy() & eligible
        if gate.market is not None and "market" in rows.columns:
            m &= (rows["market"] == gate.market).fillna(False).to_numpy(dtype=bool)
        for i in np.flatnonzero(m):
            person = rows["person_id"].iat[i]
            if np.isnan(actual[i]):
                notes[person].append(_note("gate_unchecked", language, metric=gate.metric))
                continue
            if _OPS[gate.op](actual[i], gate.value):
                caps[person] = gate.max_multiplier if np.isnan(caps[person]) else min(caps[person], gate.max_multiplier)
                text = _note("gate", language, metric=gate.metric, actual=actual[i], op=gate.op,
                             value=gate.value, cap=gate.max_multiplier)
                notes[person].append(f"{text}（{gate.note}）" if gate.note and language == "zh"
                                     else f"{text} ({gate.note})" if gate.note else text)
    return pd.DataFrame({"person_id": people, "gate_cap": [caps[p] for p in people],
                         "gate_note": [_join(list(dict.fromkeys(notes[p])), language) for p in people]})
