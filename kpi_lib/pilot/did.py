"""Pilot effect: difference-in-differences of the pilot team against the other teams,
before (baseline months) and during the pilot (1–2 monthly cycles), with bootstrap
confidence intervals over people.

Definition, per metric. For each person, ``pre`` is the mean of their monthly values in
the pre-pilot months; in each pilot month t their change is ``value_t − pre``. On the **log** scale (money and counts: effects are proportional, a +8 %
GMV lift is +8 % for a small and a large seller alike) values are logged first, so a
change is a log ratio; on the **level** scale (ratios, days, hours) it is a difference
in the metric's unit. The estimate is

    DiD = mean(change | pilot people) − mean(change | non-pilot people)

computed month by month — ``DiD_t = mean(change_t | pilot) − mean(change_t | others)``,
averaged over the pilot months weighted by the pilot people observed in each — so a
person-month left out (an exempted month, a leaver) never compares one month's pilot
with another month's comparison group. ``effect`` is ``exp(DiD) − 1`` (a fraction, 0.08 = +8 %) on the log scale, DiD itself
on the level scale. People without both a pre and a post value are left out (counted in
``n_dropped``); on the log scale, months with a value ≤ 0 are left out.

Confidence interval: percentile bootstrap resampling *people* with replacement within
each group (the pilot and the comparison group keep their sizes), ``n_boot`` resamples
(default 2000) from a seeded :class:`numpy.random.Generator` — seeded per metric, so a
metric's interval does not depend on which other metrics are analysed. With fewer than
two people in a group no interval is given; with fewer than five the note warns that
the interval is rough.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from kpi_lib.errors import KpiError
from kpi_lib.texts import text

PANEL_COLUMNS = ["person_id", "team", "month", "metric_id", "value"]
DID_COLUMNS = ["metric_id", "metric_name", "direction", "scale", "n_pilot", "n_control", "n_dropped",
               "pilot_pre", "pilot_post", "control_pre", "control_post", "pilot_change", "control_change",
               "did", "ci_low", "ci_high", "effect", "effect_ci_low", "effect_ci_high", "significant",
               "assessment", "note"]
LOG_UNITS = ("currency", "count")
DEFAULT_BOOT = 2000
SMALL_GROUP = 5


def pilot_months(start: str, cycles: int = 1) -> list[str]:
    """The pilot's months: ``cycles`` monthly cycles from ``start`` (YYYY-MM)."""
    return pd.period_range(start, periods=int(cycles), freq="M").strftime("%Y-%m").tolist()


def panel_with_team(frame: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """A person × month × metric frame (e.g. the frozen baseline or the engine's monthly
    metrics) with each person's ``team`` from the roster added, as the DiD panel."""
    teams = people.set_index("person_id")["team"]
    return frame.assign(team=frame["person_id"].map(teams))


def _scale_for(metric_id: str, scale: str | Mapping[str, str] | None) -> str:
    from kpi_lib.metrics.registry import metrics

    if isinstance(scale, Mapping):
        scale = scale.get(metric_id)
    if scale in ("log", "level"):
        return scale
    metric = metrics().get(metric_id)
    return "log" if metric is not None and metric.unit in LOG_UNITS else "level"


def _person_teams(panel: pd.DataFrame, post: list[str]) -> pd.Series:
    """Each person's team: the most frequent in the pilot months, else overall (a person
    who moved teams before the pilot counts where they were during it)."""
    in_post = panel[panel["month"].isin(post)]
    base = panel.groupby("person_id")["team"].agg(lambda s: s.mode().iat[0] if s.notna().any() else pd.NA)
    during = in_post.groupby("person_id")["team"].agg(lambda s: s.mode().iat[0] if s.notna().any() else pd.NA)
    return during.combine_first(base)


def _direction(metric_id: str) -> str:
    from kpi_lib.metrics.registry import metrics

    metric = metrics().get(metric_id)
    return metric.direction if metric is not None else "higher"


def _metric_name(metric_id: str, language: str) -> str:
    from kpi_lib.metrics.registry import metrics

    metric = metrics().get(metric_id)
    return metric.name(language) if metric is not None else metric_id


def did_estimate(pilot_changes: np.ndarray, control_changes: np.ndarray) -> tuple[float, float, float]:
    """(pilot change, comparison change, DiD) from per-person × pilot-month changes
    (arrays ``(people, months)``, NaN where not observed): per month the group means'
    difference, averaged over months weighted by the pilot people observed."""
    d1 = np.atleast_2d(np.asarray(pilot_changes, dtype=float).T).T
    d0 = np.atleast_2d(np.asarray(control_changes, dtype=float).T).T
    out = _weighted(d1[None], d0[None])
    return float(out[0][0]), float(out[1][0]), float(out[2][0])


def _weighted(d1: np.ndarray, d0: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised over resamples: d1 ``(B, n1, T)``, d0 ``(B, n0, T)`` → three ``(B,)``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.sum(~np.isnan(d1), axis=1).astype(float)                      # (B, T)
        n0 = np.sum(~np.isnan(d0), axis=1)
        pm = np.nansum(d1, axis=1) / np.where(w > 0, w, np.nan)
        cm = np.nansum(d0, axis=1) / np.where(n0 > 0, n0, np.nan)
        w = np.where(np.isnan(pm) | np.isnan(cm), 0.0, w)
        total = w.sum(axis=1)
        pilot = np.nansum(w * np.nan_to_num(pm), axis=1) / np.where(total > 0, total, np.nan)
        control = np.nansum(w * np.nan_to_num(cm), axis=1) / np.where(total > 0, total, np.nan)
    return pilot, control, pilot - control


def bootstrap_did(pilot_changes: np.ndarray, control_changes: np.ndarray, *, n_boot: int = DEFAULT_BOOT,
                  rng: np.random.Generator, confidence: float = 0.95) -> tuple[float, float]:
    """Percentile interval of the DiD, resampling each group's people with replacement
    (changes as in :func:`did_estimate`; 1-D arrays are one pilot month)."""
    d1 = np.asarray(pilot_changes, dtype=float)
    d0 = np.asarray(control_changes, dtype=float)
    d1 = d1[:, None] if d1.ndim == 1 else d1
    d0 = d0[:, None] if d0.ndim == 1 else d0
    n1, n0 = len(d1), len(d0)
    boots = _weighted(d1[rng.integers(0, n1, size=(n_boot, n1))], d0[rng.integers(0, n0, size=(n_boot, n0))])[2]
    boots = boots[~np.isnan(boots)]
    tail = (1 - confidence) / 2
    low, high = np.quantile(boots, [tail, 1 - tail])
    return float(low), float(high)


def difference_in_differences(panel: pd.DataFrame, *, pilot_team: str, start: str, cycles: int = 1,
                              pre_months: Iterable[str] | None = None, metrics: Iterable[str] | None = None,
                              scale: str | Mapping[str, str] | None = None, exclude: pd.DataFrame | None = None,
                              n_boot: int = DEFAULT_BOOT, seed: int = 0, confidence: float = 0.95,
                              language: str = "zh") -> pd.DataFrame:
    """Pilot vs non-pilot vs baseline for each metric of ``panel`` (``PANEL_COLUMNS``:
    person_id, team, month YYYY-MM, metric_id, value); see the module docstring.

    ``pre_months``: the baseline months (default every month before ``start`` in the
    panel); ``scale``: ``log`` / ``level`` for all metrics, a per-metric mapping, or None
    (log for money and counts, level otherwise); ``exclude``: person × month × metric rows
    to leave out (``person_id, month, metric_id`` — e.g. the exemptions applied, so a
    logistics delay in the pilot market is not read as the pilot's effect; a ``metric_id``
    left blank excludes every metric of that person-month). Returns ``DID_COLUMNS``: group means in
    the metric's unit (geometric means on the log scale), the changes and DiD on the
    scale used, the CI, ``effect`` (fraction on the log scale), ``significant`` (the CI
    excludes 0) and ``assessment`` better / worse / unclear given the metric's direction."""
    missing = [c for c in PANEL_COLUMNS if c not in panel.columns]
    if missing:
        raise KpiError(f"the pilot panel lacks the column(s) {', '.join(missing)}", column=missing[0],
                       expected=", ".join(PANEL_COLUMNS), fix="build it with panel_with_team(metrics_frame, people)")
    if n_boot < 1000:
        raise KpiError("too few bootstrap resamples for a stable interval", key="n_boot", found=n_boot,
                       expected="1000 or more")
    post = pilot_months(start, cycles)
    data = panel[PANEL_COLUMNS].copy()
    data["month"] = data["month"].astype(str).str.slice(0, 7)
    data["value"] = pd.to_numeric(data["value"], errors="coerce").astype(float)
    if exclude is not None and len(exclude):
        ex = exclude.assign(month=exclude["month"].astype(str).str.slice(0, 7))
        every = ex["metric_id"].isna() if "metric_id" in ex.columns else pd.Series(True, index=ex.index)
        keys_all = set(zip(ex.loc[every, "person_id"], ex.loc[every, "month"]))
        keys_metric = set(zip(ex.loc[~every, "person_id"], ex.loc[~every, "month"], ex.loc[~every, "metric_id"]))
        drop = [(p, m) in keys_all or (p, m, k) in keys_metric
                for p, m, k in zip(data["person_id"], data["month"], data["metric_id"])]
        data = data[~np.asarray(drop, dtype=bool)]
    pre = sorted(set(pre_months)) if pre_months is not None else sorted(m for m in set(data["month"]) if m < post[0])
    if not pre:
        raise KpiError(f"no months before the pilot start {start} in the panel", key="pre_months",
                       fix="include the baseline months (the frozen baseline) in the panel")
    teams = _person_teams(data, post)
    is_pilot = teams == pilot_team
    if not is_pilot.any():
        raise KpiError(f"no one in the panel belongs to the pilot team {pilot_team!r}", key="pilot.team",
                       expected=", ".join(sorted(teams.dropna().astype(str).unique())),
                       fix="check the pilot team name against the roster's 团队 column")
    chosen = list(dict.fromkeys(metrics)) if metrics is not None else list(dict.fromkeys(data["metric_id"]))
    records = []
    for metric_id in chosen:
        m = data[(data["metric_id"] == metric_id) & data["value"].notna()]
        sc = _scale_for(metric_id, scale)
        if sc == "log":
            m = m[m["value"] > 0].assign(value=lambda f: np.log(f["value"]))
        wide = m.pivot_table(index="person_id", columns="month", values="value", aggfunc="mean")
        pre_mean = wide.reindex(columns=pre).mean(axis=1)
        post_values = wide.reindex(columns=post)
        everyone = wide.index
        keep = pre_mean.notna() & post_values.notna().any(axis=1)
        pre_mean, post_values = pre_mean[keep], post_values[keep]
        changes = post_values.sub(pre_mean, axis=0)
        group = is_pilot.reindex(changes.index).fillna(False).astype(bool).to_numpy()
        c1, c0 = changes.to_numpy()[group], changes.to_numpy()[~group]
        row = {"metric_id": metric_id, "metric_name": _metric_name(metric_id, language),
               "direction": _direction(metric_id), "scale": sc, "n_pilot": len(c1), "n_control": len(c0),
               "n_dropped": int(len(everyone) - int(keep.sum()))}
        back = np.exp if sc == "log" else (lambda x: x)
        person_post = post_values.mean(axis=1)
        for name, sel, values in (("pilot_pre", group, pre_mean), ("pilot_post", group, person_post),
                                  ("control_pre", ~group, pre_mean), ("control_post", ~group, person_post)):
            row[name] = float(back(values[sel].mean())) if sel.any() else np.nan
        if len(c1) and len(c0):
            row["pilot_change"], row["control_change"], row["did"] = did_estimate(c1, c0)
        else:
            row["pilot_change"] = row["control_change"] = row["did"] = np.nan
        notes = []
        if len(c1) >= 2 and len(c0) >= 2:
            rng = np.random.default_rng([seed, zlib.crc32(str(metric_id).encode("utf-8"))])
            row["ci_low"], row["ci_high"] = bootstrap_did(c1, c0, n_boot=n_boot, rng=rng, confidence=confidence)
            if min(len(c1), len(c0)) < SMALL_GROUP:
                notes.append(text("pilot.did_small_group", language, n=min(len(c1), len(c0))))
        else:
            row["ci_low"] = row["ci_high"] = np.nan
            notes.append(text("pilot.did_too_few", language))
        to_effect = (lambda x: np.expm1(x)) if sc == "log" else (lambda x: x)
        row["effect"] = float(to_effect(row["did"])) if not np.isnan(row["did"]) else np.nan
        row["effect_ci_low"] = float(to_effect(row["ci_low"])) if not np.isnan(row["ci_low"]) else np.nan
        row["effect_ci_high"] = float(to_effect(row["ci_high"])) if not np.isnan(row["ci_high"]) else np.nan
        significant = bool(not np.isnan(row["ci_low"]) and (row["ci_low"] > 0 or row["ci_high"] < 0))
        row["significant"] = significant
        row["assessment"] = assessment(row["did"], row["ci_low"], row["ci_high"], row["direction"])
        row["note"] = "；".join(notes) if language == "zh" else "; ".join(notes)
        records.append(row)
    return pd.DataFrame(records, columns=DID_COLUMNS)


def assessment(did: float, ci_low: float, ci_high: float, direction: str) -> str:
    """``better`` / ``worse`` when the interval excludes 0 in the good / bad direction of
    the metric (higher or lower is better), ``unclear`` otherwise (and for band metrics,
    where a change has no good direction)."""
    if np.isnan(ci_low) or np.isnan(ci_high) or direction == "band" or (ci_low <= 0 <= ci_high):
        return "unclear"
    up = ci_low > 0
    good = up if direction == "higher" else not up
    return "better" if good else "worse"
