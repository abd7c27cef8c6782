"""Calibration (目标校准): how likely each target is to be hit, what share of staff will
reach threshold / target / stretch, and what the bonus will cost against its budget —
judged from each person's baseline months.

Model and definitions (a documented approximation, not a forecast):

* **next month's actual** of a person × metric is taken as normal around the baseline:
  X ~ N(mean, sd) of the baseline monthly actuals; for *volumes* (metric unit currency or
  count, all baseline actuals > 0) ln X ~ N(mean, sd) of the log actuals instead, so
  volumes stay positive and their spread is proportional to their size. An optional
  ``expected_factor`` per target (e.g. the seasonality index of the target month over
  that of the baseline months, :func:`kpi_lib.targets.seasonality.season_factor`) scales
  the centre (and, on the linear scale, the spread). No trend is assumed: a growth
  target is judged against the baseline as it was;
* **sd** needs two or more baseline months: a person × metric with fewer borrows the
  metric's median coefficient of variation (linear) or median log-sd (volumes) across
  the other people (``sd_source`` = pooled), or :data:`DEFAULT_CV` when nobody has two
  months (``default``, an assumption). An sd of 0 makes the hit certain or impossible;
* **hit probability** of a level L = P(X ≥ L) for higher-is-better, P(X ≤ L) for
  lower-is-better, via the normal CDF Φ(z) = ½(1 + erf(z/√2)); for a band metric the
  target's probability is P(low ≤ X ≤ high) and it has no threshold or stretch. Ratios
  are not truncated at 0 or 1 (the normal tail beyond them is small when the sd is);
* **expected score** = E[payout(attainment(X))], with the engine's own
  :func:`~kpi_lib.engine.scoring.attainment` and :func:`~kpi_lib.engine.scoring.payout`
  evaluated at :data:`NODES` equal-probability points of X's distribution (the midpoint
  rule in probability; about ±0.5 points on the default curve);
* **total score** of a person = Σ ŵ × score over their scorable rows (ŵ the weights
  renormalised to 1, as the engine does); treated as normal with mean Σ ŵ E[score] and
  variance (1 − ρ) Σ ŵ² Var[score] + ρ (Σ ŵ sd[score])², ρ the assumed correlation
  between a person's metric scores (default 0: independent — real GMV and sessions move
  together, so a positive ρ is more prudent);
* **expected bonus** = Σ over the multiplier table's bands of P(total in band) × the
  bonus the engine (:func:`~kpi_lib.engine.bonus.compute_bonus`, without budget cap and
  profit pool) pays at that band for the person's level; **expected cost** = Σ people,
  its sd from independent people, ``p_over_budget`` = P(cost > budget) (normal), and
  ``expected_paid`` = E[min(cost, budget)] (what is paid after the cap scales payouts).
  Gates, proration and the profit pool are not modelled.

All arrays are vectorised: 60 people × 6 metrics recompute in a few milliseconds once
:func:`baseline_stats` is computed.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from kpi_lib.config.models import Bonus, Scoring
from kpi_lib.engine.bonus import compute_bonus
from kpi_lib.engine.scoring import attainment, payout
from kpi_lib.errors import KpiError
from kpi_lib.metrics.registry import metrics
from kpi_lib.targets.levels import VOLUME_UNITS, add_levels

NODES = 64
# Equal-probability nodes of the standard normal: the k-th is the median of the k-th of
# NODES equally likely slices, so a mean over them is E[f(Z)] by the midpoint rule.
_Z = np.array([NormalDist().inv_cdf((k + 0.5) / NODES) for k in range(NODES)])
_ERF = np.frompyfunc(math.erf, 1, 1)
DEFAULT_CV = 0.25
STATS_COLUMNS = ["n_months", "mean", "sd", "log", "mu", "sigma", "sd_source"]


def norm_cdf(z) -> np.ndarray:
    """Φ(z) = ½(1 + erf(z / √2)), vectorised (±inf → 1 / 0, NaN → NaN)."""
    z = np.asarray(z, dtype=float)
    out = np.full(z.shape, np.nan)
    ok = ~np.isnan(z)
    out[ok] = 0.5 * (1.0 + _ERF(z[ok] / math.sqrt(2.0)).astype(float))
    return out


def _norm_pdf(z) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    return np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


def _groups(*columns) -> tuple[np.ndarray, np.ndarray]:
    """(group code per row, first row of each group) for the combined key of ``columns``,
    groups numbered in order of first appearance (cheaper than a pandas groupby here)."""
    n = len(columns[0])
    combined = np.zeros(n, dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(np.asarray(col, dtype=object))
        combined = combined * max(len(uniques), 1) + codes
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[inverse.ravel()], first[order]


def _keys(*frames: pd.DataFrame) -> list[str]:
    return [c for c in ("person_id", "market", "metric_id") if all(c in f.columns for f in frames)]


# -- baseline ---------------------------------------------------------------------------
def baseline_stats(baseline: pd.DataFrame, *, default_cv: float = DEFAULT_CV) -> pd.DataFrame:
    """Per person (× market) × metric of ``baseline`` (person_id, [market,] metric_id,
    actual — one row per baseline month): person_id, [market,] metric_id and
    :data:`STATS_COLUMNS`. ``mean`` / ``sd`` are of the actuals (sd with n − 1); ``mu`` /
    ``sigma`` are the centre and spread used: of ln(actual) when ``log`` (volumes), else
    mean and sd; see the module docstring for the pooled and default spreads."""
    for c in ("person_id", "metric_id", "actual"):
        if c not in baseline.columns:
            raise KpiError(f"the baseline needs the column {c}", column=c,
                           expected="person_id, [market,] metric_id, month, actual (one row per month)",
                           fix="pass the frozen baseline's person × metric monthly actuals")
    keys = _keys(baseline)
    b = baseline[[*keys, "actual"]].copy()
    b["actual"] = pd.to_numeric(b["actual"], errors="coerce")
    b = b.dropna(subset=["actual"])
    registry = metrics()
    unit = b["metric_id"].map(lambda m: registry[m].unit if m in registry else None)
    b["_volume"] = unit.isin(VOLUME_UNITS).to_numpy()
    b["_ln"] = np.log(b["actual"].where(b["actual"] > 0))
    g = b.groupby(keys, sort=False)
    out = g.agg(n_months=("actual", "size"), mean=("actual", "mean"), sd=("actual", "std"),
                _min=("actual", "min"), _volume=("_volume", "first"), _lnmean=("_ln", "mean"),
                _lnsd=("_ln", "std")).reset_index()
    log = out["_volume"].to_numpy(dtype=bool) & (out["_min"].to_numpy(dtype=float) > 0)
    mu = np.where(log, out["_lnmean"], out["mean"]).astype(float)
    sigma = np.where(log, out["_lnsd"], out["sd"]).astype(float)
    source = np.where(np.isnan(sigma), "", "own").astype(object)
    # Pooled spread: the metric's median CV (linear) or log-sd (volumes) over people
    # with their own; borrowed by those with a single baseline month.
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(log, sigma, sigma / np.abs(out["mean"].to_numpy(dtype=float)))
    spread = pd.Series(np.where(np.isfinite(spread), spread, np.nan))
    pooled = spread.groupby([out["metric_id"].to_numpy(), log]).transform("median").to_numpy(dtype=float)
    need = np.isnan(sigma)
    use_pool = need & ~np.isnan(pooled)
    fallback = np.where(use_pool, pooled, default_cv)
    filled = np.where(log, fallback, fallback * np.abs(out["mean"].to_numpy(dtype=float)))
    sigma = np.where(need, filled, sigma)
    source = np.where(need, np.where(use_pool, "pooled", "default"), source)
    out = out.assign(log=log, mu=mu, sigma=sigma, sd_source=source)
    return out[[*keys, *STATS_COLUMNS]]


# -- probabilities ----------------------------------------------------------------------
def _centre(mu, sigma, log, factor):
    mu, sigma, f = (np.asarray(v, dtype=float) for v in (mu, sigma, factor))
    log = np.asarray(log, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(log, mu + np.log(f), mu * f)
        s = np.where(log, sigma, sigma * np.abs(f))
    return c, s


def _z(level, c, s, log):
    level = np.asarray(level, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(log, np.where(level > 0, np.log(np.where(level > 0, level, 1.0)), -np.inf), level)
        z = (x - c) / s
    return x, z


def hit_probability(level, direction, mu, sigma, log, factor=1.0) -> np.ndarray:
    """P(next actual beats ``level``): P(X ≥ level) for higher-is-better, P(X ≤ level) for
    lower-is-better (NaN for band rows and empty levels). ``mu``, ``sigma``, ``log`` from
    :func:`baseline_stats`; ``factor`` scales the centre (see the module docstring)."""
    d = np.asarray(direction, dtype=object)
    log = np.asarray(log, dtype=bool)
    c, s = _centre(mu, sigma, log, factor)
    x, z = _z(level, c, s, log)
    # sd 0: certain or impossible; an actual equal to the level counts as reaching it.
    flat = ~(s > 0)
    z = np.where(flat & (d == "higher"), np.where(x <= c, -np.inf, np.inf), z)
    z = np.where(flat & (d == "lower"), np.where(x >= c, np.inf, -np.inf), z)
    p = np.where(d == "higher", 1.0 - norm_cdf(z), np.where(d == "lower", norm_cdf(z), np.nan))
    return np.where(np.isnan(np.asarray(level, dtype=float)) | np.isnan(c), np.nan, p)


def band_probability(low, high, mu, sigma, log, factor=1.0) -> np.ndarray:
    """P(low ≤ X ≤ high) (an empty edge is open)."""
    log = np.asarray(log, dtype=bool)
    c, s = _centre(mu, sigma, log, factor)
    lo = np.where(np.isnan(np.asarray(low, dtype=float)), -np.inf, low)
    hi = np.where(np.isnan(np.asarray(high, dtype=float)), np.inf, high)
    x_lo, z_lo = _z(lo, c, s, log)
    x_hi, z_hi = _z(hi, c, s, log)
    flat = ~(s > 0)
    inside = (c >= x_lo) & (c <= x_hi)
    p = norm_cdf(np.where(np.isnan(z_hi), np.inf, z_hi)) - norm_cdf(np.where(np.isnan(z_lo), -np.inf, z_lo))
    return np.where(np.isnan(c), np.nan, np.where(flat, inside.astype(float), p))


# -- expected scores -------------------------------------------------------------------------
def _band_edges(metric_ids: np.ndarray, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    registry = metrics()
    lo = (pd.to_numeric(rows["band_low"], errors="coerce").to_numpy(dtype=float) if "band_low" in rows.columns
          else np.full(len(rows), np.nan))
    hi = (pd.to_numeric(rows["band_high"], errors="coerce").to_numpy(dtype=float) if "band_high" in rows.columns
          else np.full(len(rows), np.nan))
    for i in np.flatnonzero(np.isnan(lo) & np.isnan(hi)):
        m = registry.get(str(metric_ids[i]))
        if m is not None and m.band:
            lo[i], hi[i] = m.band
    return lo, hi


def expected_scores(rows: pd.DataFrame, scoring: Scoring) -> tuple[np.ndarray, np.ndarray]:
    """(E[score], sd[score]) per row of ``rows`` (metric_id, direction, target, mu, sigma,
    log, optional expected_factor, band_low/high) on each metric's payout curve."""
    n = len(rows)
    mean, sd = np.full(n, np.nan), np.full(n, np.nan)
    if n == 0:
        return mean, sd
    ids = rows["metric_id"].to_numpy(dtype=object)
    d = rows["direction"].to_numpy(dtype=object)
    t = pd.to_numeric(rows["target"], errors="coerce").to_numpy(dtype=float)
    factor = (pd.to_numeric(rows["expected_factor"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
              if "expected_factor" in rows.columns else np.ones(n))
    c, s = _centre(rows["mu"], rows["sigma"], rows["log"], factor)
    log = rows["log"].to_numpy(dtype=bool)
    lo, hi = _band_edges(ids, rows)
    # One engine call per distinct curve (usually one for the whole frame).
    groups: dict[str, list[int]] = {}
    curves = {}
    for metric_id in dict.fromkeys(ids):
        curve = scoring.curve_for(str(metric_id))
        key = json.dumps(curve.model_dump(mode="json"), sort_keys=True)
        curves[key] = curve
        groups.setdefault(key, []).extend(np.flatnonzero(ids == metric_id).tolist())
    for key, idx in groups.items():
        idx = np.asarray(idx)
        curve = curves[key]
        x = c[idx, None] + s[idx, None] * _Z[None, :]
        x = np.where(log[idx, None], np.exp(np.clip(x, -700, 700)), x)
        cap = curve.cap if curve.curve != "stepped" else max(curve.cap, max(p.attainment for p in curve.steps or []))
        # Flat float Series take the engine's fast numeric path (2-D object arrays do not).
        k = len(_Z)
        att = attainment(pd.Series(x.ravel()), pd.Series(np.repeat(t[idx], k)), np.repeat(d[idx], k),
                         pd.Series(np.repeat(lo[idx], k)), pd.Series(np.repeat(hi[idx], k)), cap=cap)
        score = payout(att, curve).to_numpy(dtype=float).reshape(len(idx), k)
        mean[idx] = score.mean(axis=1)
        sd[idx] = score.std(axis=1)
    bad = np.isnan(t) & (d != "band") | np.isnan(c)
    mean[bad], sd[bad] = np.nan, np.nan
    return mean, sd


# -- bonus ----------------------------------------------------------------------------------
def _bands(bonus: Bonus, ratings: Mapping[str, float]) -> list[float]:
    if bonus.multiplier_form == "rating":
        return sorted({float(v) for v in ratings.values()})
    return sorted({float(m.min_score) for m in bonus.multiplier})


_BAND_CACHE: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def _band_table(bonus: Bonus, ratings: Mapping[str, float], levels: tuple[str, ...], currency: str
                ) -> tuple[np.ndarray, np.ndarray]:
    """(KPI bonus, multiplier) per level × band, paid by the engine at each band's lower
    edge (and just below the lowest band). Cached: it only changes with the bonus config."""
    key = json.dumps([bonus.model_dump(mode="json"), dict(ratings), levels, currency], sort_keys=True)
    if key not in _BAND_CACHE:
        edges = _bands(bonus, ratings)
        reps = [edges[0] - 1.0, *edges]
        grid = pd.DataFrame([{"person_id": f"{lv}#{i}", "level": lv, "total_score": r}
                             for lv in levels for i, r in enumerate(reps)])
        paid = compute_bonus(grid, bonus.model_copy(update={"budget_cap": None, "profit_pool": None}),
                             ratings=ratings, currency=currency, language="en").people
        shape = (len(levels), len(reps))
        if len(_BAND_CACHE) > 64:
            _BAND_CACHE.clear()
        _BAND_CACHE[key] = (paid["kpi_bonus"].to_numpy(dtype=float).reshape(shape),
                            paid["multiplier"].to_numpy(dtype=float).reshape(shape))
    return _BAND_CACHE[key]


def expected_bonus(people: pd.DataFrame, bonus: Bonus | None, ratings: Mapping[str, float], *,
                   currency: str = "CNY") -> pd.DataFrame:
    """``people`` (person_id, level, exp_total, sd_total) with ``expected_multiplier``,
    ``expected_bonus`` and ``sd_bonus`` added: the band probabilities of the total score
    times the engine's bonus at each band (see the module docstring)."""
    out = people.copy()
    n = len(out)
    if bonus is None or not bonus.multiplier or not bonus.target_bonus or n == 0:
        return out.assign(expected_multiplier=np.zeros(n), expected_bonus=np.zeros(n), sd_bonus=np.zeros(n))
    edges = _bands(bonus, ratings)
    levels = tuple(dict.fromkeys(out["level"].astype(str)))
    pay, mult = _band_table(bonus, ratings, levels, currency)
    m = out["exp_total"].to_numpy(dtype=float)
    s = out["sd_total"].to_numpy(dtype=float)
    e = np.asarray(edges, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (e[None, :] - m[:, None]) / s[:, None]
    flat = ~(s > 0)
    z = np.where(flat[:, None], np.where(e[None, :] - 1e-6 <= m[:, None], -np.inf, np.inf), z)
    cdf = norm_cdf(z)  # P(total < edge)
    probs = np.diff(np.concatenate([np.zeros((n, 1)), cdf, np.ones((n, 1))], axis=1), axis=1)
    row = pd.Index(levels).get_indexer(out["level"].astype(str))
    b, k = pay[row], mult[row]
    eb = (probs * b).sum(axis=1)
    eb2 = (probs * b * b).sum(axis=1)
    none = np.isnan(m)
    return out.assign(expected_multiplier=np.where(none, 0.0, (probs * k).sum(axis=1)),
                      expected_bonus=np.where(none, 0.0, eb),
                      sd_bonus=np.where(none, 0.0, np.sqrt(np.maximum(eb2 - eb * eb, 0.0))))


# -- the whole calibration ---------------------------------------------------------------------
@dataclass(frozen=True)
class Calibration:
    """``rows``: per target (person × metric × month) with mean, sd, p_threshold,
    p_target, p_stretch, exp_score, sd_score. ``people``: per person × month with
    exp_total, sd_total, expected_multiplier, expected_bonus. ``by_metric``: per metric
    × month the expected share of staff reaching threshold / target / stretch (the mean
    of their probabilities; an ``all`` row too). ``summary``: per month the expected
    bonus cost against the budget."""

    rows: pd.DataFrame
    people: pd.DataFrame
    by_metric: pd.DataFrame
    summary: pd.DataFrame


def calibrate(targets: pd.DataFrame, stats: pd.DataFrame | None, *, scoring: Scoring | None = None,
              bonus: Bonus | None = None, people: pd.DataFrame | None = None, bonus_budget: float | None = None,
              currency: str = "CNY", rho: float = 0.0) -> Calibration:
    """Hit probabilities, expected shares and expected bonus cost of ``targets``.

    ``targets``: person_id, [market,] metric_id, target, weight (any scale: renormalised
    per person), optional month, threshold / stretch (computed from the curve when absent),
    expected_factor, level. ``stats``: :func:`baseline_stats` output (or the baseline
    itself, from which it is computed; None when ``targets`` already carry mu, sigma and
    log). ``people``: person_id, level (+ name, role) when
    the targets carry no level. ``bonus_budget``: the month's bonus budget (default
    ``bonus.budget_cap``). ``rho``: assumed correlation of a person's metric scores."""
    scoring = scoring or Scoring()
    if not 0 <= rho <= 1:
        raise KpiError("rho is a correlation between 0 and 1", key="rho", found=rho)
    if stats is not None and "mu" not in stats.columns:
        stats = baseline_stats(stats)
    if stats is None and not {"mu", "sigma", "log"} <= set(targets.columns):
        raise KpiError("calibrate needs the baseline (or its baseline_stats)", key="stats",
                       fix="pass baseline_stats(baseline), or targets already merged with it")
    for c in ("person_id", "metric_id", "target", "weight"):
        if c not in targets.columns:
            raise KpiError(f"calibrate needs the column {c} in the targets", column=c,
                           expected="person_id, [market,] metric_id, target, weight (+ month, level)")
    rows = targets if {"threshold", "stretch", "direction"} <= set(targets.columns) else add_levels(targets, scoring)
    if not {"mu", "sigma", "log"} <= set(rows.columns):
        keys = _keys(rows, stats)
        rows = rows.drop(columns=[c for c in STATS_COLUMNS if c in rows.columns]).merge(
            stats[[*keys, *STATS_COLUMNS]], on=keys, how="left")
    if "month" not in rows.columns:
        rows = rows.assign(month="")
    n = len(rows)
    d = rows["direction"].to_numpy(dtype=object)
    factor = (pd.to_numeric(rows["expected_factor"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
              if "expected_factor" in rows.columns else np.ones(n))
    mu, sigma = rows["mu"].to_numpy(dtype=float), rows["sigma"].to_numpy(dtype=float)
    log = rows["log"].fillna(False).to_numpy(dtype=bool)
    p_thr = hit_probability(rows["threshold"], d, mu, sigma, log, factor)
    p_tgt = hit_probability(rows["target"], d, mu, sigma, log, factor)
    p_str = hit_probability(rows["stretch"], d, mu, sigma, log, factor)
    if (d == "band").any():
        lo, hi = _band_edges(rows["metric_id"].to_numpy(dtype=object), rows)
        p_tgt = np.where(d == "band", band_probability(lo, hi, mu, sigma, log, factor), p_tgt)
    rows = rows.assign(log=log)
    exp_score, sd_score = expected_scores(rows, scoring)
    rows = rows.assign(p_threshold=p_thr, p_target=p_tgt, p_stretch=p_str, exp_score=exp_score, sd_score=sd_score)

    # People: renormalised weights over the rows with an expected score (numpy group
    # sums: this runs on every slider move of the tuning panel).
    w = pd.to_numeric(rows["weight"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    w = np.where(np.isnan(exp_score), 0.0, np.maximum(w, 0.0))
    person = rows["person_id"].to_numpy(dtype=object)
    months = rows["month"].astype(str).to_numpy(dtype=object)
    codes, first = _groups(person, months)
    k = len(first)
    wsum = np.bincount(codes, weights=w, minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        wn = np.where(wsum[codes] > 0, w / wsum[codes], 0.0)
    sd0 = np.nan_to_num(sd_score)
    exp_total = np.bincount(codes, weights=wn * np.nan_to_num(exp_score), minlength=k)
    var = np.bincount(codes, weights=wn * wn * sd0 ** 2, minlength=k)
    lin = np.bincount(codes, weights=wn * sd0, minlength=k)
    sd_total = np.sqrt((1 - rho) * var + rho * lin ** 2)
    empty = wsum <= 0
    agg = pd.DataFrame({"person_id": person[first], "month": months[first],
                        "exp_total": np.where(empty, np.nan, exp_total),
                        "sd_total": np.where(empty, np.nan, sd_total)})
    who = rows.drop_duplicates("person_id").set_index("person_id")
    for c in ("name", "role", "level"):
        if c in who.columns:
            agg[c] = agg["person_id"].map(who[c]).to_numpy()
        elif people is not None and c in people.columns:
            agg[c] = agg["person_id"].map(people.drop_duplicates("person_id").set_index("person_id")[c]).to_numpy()
    if bonus is not None and bonus.target_bonus and "level" not in agg.columns:
        raise KpiError("the expected bonus needs each person's level", column="level",
                       fix="pass people=(person_id, level) or a level column in the targets")
    if "level" not in agg.columns:
        agg["level"] = None
    ratings = scoring.ratings
    agg = expected_bonus(agg, bonus, ratings, currency=(bonus.currency if bonus and bonus.currency else currency))

    by_metric = _shares(rows)
    summary = _summary(agg, bonus, bonus_budget, bonus.currency if bonus and bonus.currency else currency)
    return Calibration(rows=rows, people=agg, by_metric=by_metric, summary=summary)


def _shares(rows: pd.DataFrame) -> pd.DataFrame:
    probs = {"share_threshold": "p_threshold", "share_target": "p_target", "share_stretch": "p_stretch"}
    month = rows["month"].astype(str).to_numpy(dtype=object)
    metric = rows["metric_id"].astype(str).to_numpy(dtype=object)
    out = []
    for keys in ((month, metric), (month, np.full(len(rows), "all", dtype=object))):
        codes, first = _groups(*keys)
        k = len(first)
        frame = {"month": keys[0][first], "metric_id": keys[1][first]}
        p_target = rows["p_target"].to_numpy(dtype=float)
        frame["n"] = np.bincount(codes, weights=~np.isnan(p_target), minlength=k).astype(int)
        for name, col in probs.items():
            p = rows[col].to_numpy(dtype=float)
            ok = ~np.isnan(p)
            cnt = np.bincount(codes, weights=ok, minlength=k)
            with np.errstate(divide="ignore", invalid="ignore"):
                frame[name] = np.where(cnt > 0, np.bincount(codes, weights=np.where(ok, p, 0.0), minlength=k) / cnt,
                                       np.nan)
        out.append(pd.DataFrame(frame))
    return pd.concat(out, ignore_index=True)[["month", "metric_id", "n", *probs]]


def _summary(people: pd.DataFrame, bonus: Bonus | None, budget: float | None, currency: str) -> pd.DataFrame:
    budget = budget if budget is not None else (bonus.budget_cap if bonus is not None else None)
    rows = []
    for month, g in people.groupby("month", sort=False):
        cost = float(g["expected_bonus"].sum())
        sd = float(np.sqrt((g["sd_bonus"] ** 2).sum()))
        if budget:
            if sd > 0:
                z = (budget - cost) / sd
                over = float(1.0 - norm_cdf(z))
                excess = sd * float(_norm_pdf(z)) - (budget - cost) * over  # E[(cost − budget)+]
                paid = cost - max(excess, 0.0)
            else:
                over = float(cost > budget)
                paid = min(cost, budget)
        else:
            over, paid = np.nan, cost
        rows.append({"month": month, "n_people": int(g["person_id"].nunique()), "expected_cost": cost,
                     "sd_cost": sd, "budget": budget if budget else np.nan,
                     "cost_to_budget": cost / budget if budget else np.nan, "p_over_budget": over,
                     "expected_paid": paid, "currency": currency})
    return pd.DataFrame(rows, columns=["month", "n_people", "expected_cost", "sd_cost", "budget", "cost_to_budget",
                                       "p_over_budget", "expected_paid", "currency"])
