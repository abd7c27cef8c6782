"""Target levels: threshold / target / stretch per target, junior / senior tiers and the
new-hire ramp.

Definitions:

* **good direction**: moving a value by a factor k "in the good direction" multiplies it
  for a higher-is-better metric (k = 1.05 asks 5 % more GMV), divides it for a
  lower-is-better one (1.05 asks ACoS ÷ 1.05) and leaves band metrics alone. A negative
  value on a higher-is-better metric (a planned loss) moves by |value| × (k − 1);
* **threshold / stretch** are the actuals whose attainment equals the payout curve's
  ``threshold`` and ``cap`` (per metric, :meth:`Scoring.curve_for`): for higher-is-better
  target × 0.8 and target × 1.2 with the default curve (target + (ratio − 1) × |target|
  for a negative target); for lower-is-better target ÷ 0.8 (*above* the target) and
  target ÷ 1.2. Band metrics have none (the band is the goal). These are the same
  numbers :func:`kpi_lib.engine.scoring.score_rows` turns back into the curve's ratios;
* **tiers**: the role's ``tiers[level].target_factor`` (roles.yaml / the client config)
  moves the target in the good direction (junior 0.9: 10 % less GMV, ACoS × 1/0.9);
* **new-hire ramp**: in the k-th month of employment (k = 0 for the month of the start
  date, whatever the day) a higher-is-better *volume* target (unit currency or count:
  GMV, net profit, sessions, listing updates…) is multiplied by ``ramp[k]`` (default
  50 % / 75 % / 100 %), and by 1 from then on (a planned loss is eased the same way:
  −10,000 at 50 % allows −15,000). Ratios are not ramped: a new hire can
  keep a good ACoS from day one. Days not worked are the proration's business
  (:mod:`kpi_lib.engine.proration`), not the ramp's.

Every function returns a new frame and keeps the value it replaced (``target_before_*``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kpi_lib.config.models import PayoutCurve, Role, Scoring
from kpi_lib.errors import KpiError
from kpi_lib.metrics.registry import get_metric

VOLUME_UNITS = ("currency", "count")
DEFAULT_RAMP = (0.5, 0.75, 1.0)


def metric_info(metric_ids) -> tuple[np.ndarray, np.ndarray]:
    """(direction, unit) of each metric id, from the registry (an unknown id is a
    ConfigError naming the closest valid one)."""
    ids = list(metric_ids)
    cache = {m: get_metric(str(m)) for m in dict.fromkeys(ids)}
    return (np.array([cache[m].direction for m in ids], dtype=object),
            np.array([cache[m].unit for m in ids], dtype=object))


def good_direction(value, factor, direction) -> np.ndarray:
    """``value`` moved by ``factor`` in the metric's good direction (vectorised); band →
    unchanged."""
    v, k = np.asarray(value, dtype=float), np.asarray(factor, dtype=float)
    d = np.asarray(direction, dtype=object)
    higher = np.where(v >= 0, v * k, v + np.abs(v) * (k - 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = v / k
    return np.where(d == "higher", higher, np.where(d == "lower", lower, v))


def grow(value, growth, direction) -> np.ndarray:
    """``value`` improved by ``growth`` (fraction, 0.05 = 5 %) in the good direction."""
    return good_direction(value, 1.0 + np.asarray(growth, dtype=float), direction)


def curve_levels(target, direction, curve: PayoutCurve) -> tuple[np.ndarray, np.ndarray]:
    """(threshold, stretch): the actuals at the curve's threshold and cap attainment."""
    t = np.asarray(target, dtype=float)
    d = np.asarray(direction, dtype=object)
    with np.errstate(divide="ignore", invalid="ignore"):
        thr = np.where(d == "higher", t + (curve.threshold - 1.0) * np.abs(t),
                       np.where((d == "lower") & (curve.threshold > 0), t / curve.threshold, np.nan))
        top = np.where(d == "higher", t + (curve.cap - 1.0) * np.abs(t), np.where(d == "lower", t / curve.cap, np.nan))
    # A higher-is-better target of 0 has no ratio scale: no threshold or stretch.
    zero = (d == "higher") & (t == 0)
    return np.where(zero, np.nan, thr), np.where(zero, np.nan, top)


def _directions(targets: pd.DataFrame) -> np.ndarray:
    if "direction" in targets.columns:
        return targets["direction"].to_numpy(dtype=object)
    return metric_info(targets["metric_id"])[0]


def add_levels(targets: pd.DataFrame, scoring: Scoring | None = None) -> pd.DataFrame:
    """``targets`` with ``direction`` (from the registry when absent), ``threshold`` and
    ``stretch`` (replacing any there) from the payout curve of each metric."""
    _need(targets, ("metric_id", "target"), "add_levels")
    scoring = scoring or Scoring()
    d = _directions(targets)
    t = pd.to_numeric(targets["target"], errors="coerce").to_numpy(dtype=float)
    thr, top = np.full(len(t), np.nan), np.full(len(t), np.nan)
    ids = targets["metric_id"].to_numpy(dtype=object)
    for metric_id in dict.fromkeys(ids):
        m = ids == metric_id
        thr[m], top[m] = curve_levels(t[m], d[m], scoring.curve_for(str(metric_id)))
    return targets.assign(direction=d, threshold=thr, stretch=top)


# -- tiers ------------------------------------------------------------------------------
def tier_factors(roles: Mapping[str, Role | Mapping]) -> pd.DataFrame:
    """role, level, target_factor for every tier of ``roles`` (the config's ``roles`` or
    the raw role templates)."""
    rows = []
    for role_id, role in roles.items():
        tiers = role.tiers if isinstance(role, Role) else (role or {}).get("tiers")
        for level, tier in (tiers or {}).items():
            factor = tier.target_factor if hasattr(tier, "target_factor") else (tier or {}).get("target_factor", 1.0)
            rows.append({"role": role_id, "level": level, "target_factor": float(factor)})
    return pd.DataFrame(rows, columns=["role", "level", "target_factor"])


def _with_people(targets: pd.DataFrame, people: pd.DataFrame | None, columns: Sequence[str]) -> pd.DataFrame:
    missing = [c for c in columns if c not in targets.columns]
    if not missing:
        return targets
    if people is None or any(c not in people.columns for c in missing):
        raise KpiError(f"the targets need {', '.join(missing)} per person", column=missing[0],
                       fix="pass the people table (person_id, role, level, start_date)")
    lookup = people.drop_duplicates("person_id").set_index("person_id")
    return targets.assign(**{c: targets["person_id"].map(lookup[c]).to_numpy() for c in missing})


def apply_tiers(targets: pd.DataFrame, people: pd.DataFrame | None, factors: pd.DataFrame | Mapping,
                *, skip_methods: Sequence[str] = ("budget",)) -> pd.DataFrame:
    """Targets moved by the tier factor of each person's role and level, in the good
    direction. ``factors``: :func:`tier_factors` output, or the roles mapping itself.
    Rows whose ``method`` starts with one of ``skip_methods`` are left alone (default:
    budget rows, which already split the budget by ownership — scaling them would break
    the sum); their ``tier_factor`` is 1. Adds ``tier_factor`` and ``target_before_tier``."""
    _need(targets, ("person_id", "metric_id", "target"), "apply_tiers")
    table = factors if isinstance(factors, pd.DataFrame) else tier_factors(factors)
    rows = _with_people(targets, people, ("role", "level"))
    key = pd.MultiIndex.from_frame(rows[["role", "level"]].astype(str))
    lookup = pd.Series(table["target_factor"].to_numpy(dtype=float),
                       index=pd.MultiIndex.from_frame(table[["role", "level"]].astype(str)))
    lookup = lookup[~lookup.index.duplicated()]
    factor = pd.Series(lookup.reindex(key).to_numpy(), index=rows.index).fillna(1.0).to_numpy(dtype=float)
    if "method" in rows.columns and skip_methods:
        skip = rows["method"].astype(str).str.startswith(tuple(skip_methods)).to_numpy()
        factor = np.where(skip, 1.0, factor)
    before = pd.to_numeric(rows["target"], errors="coerce").to_numpy(dtype=float)
    moved = good_direction(before, factor, _directions(rows))
    return targets.assign(target=moved, tier_factor=factor, target_before_tier=before)


# -- new-hire ramp -------------------------------------------------------------------------
def months_employed(start_date, month) -> np.ndarray:
    """Whole months from the start date's month to ``month`` (0 = the start month;
    negative = not started yet; NaN when the start date is unknown)."""
    start = pd.to_datetime(pd.Series(start_date), errors="coerce")
    target = pd.to_datetime(pd.Series(month).astype(str).str.slice(0, 7), format="%Y-%m")
    k = (target.dt.year - start.dt.year) * 12 + (target.dt.month - start.dt.month)
    return k.to_numpy(dtype=float)


def ramp_factors(k, ramp: Sequence[float] = DEFAULT_RAMP) -> np.ndarray:
    """``ramp[k]`` for employment month k within the ramp, 1 after it and when unknown."""
    steps = np.asarray(ramp, dtype=float)
    if steps.ndim != 1 or np.any(~(steps > 0)):
        raise KpiError("ramp steps are positive fractions, one per month", key="ramp", found=list(ramp),
                       expected="e.g. (0.5, 0.75, 1.0)")
    k = np.asarray(k, dtype=float)
    inside = np.isfinite(k) & (k >= 0) & (k < len(steps))
    idx = np.where(inside, k, 0).astype(int)
    return np.where(inside, steps[idx] if len(steps) else 1.0, 1.0)


def apply_ramp(targets: pd.DataFrame, people: pd.DataFrame | None, *, ramp: Sequence[float] = DEFAULT_RAMP
               ) -> pd.DataFrame:
    """Higher-is-better volume targets of new hires scaled by the ramp (see the module
    docstring). Needs ``person_id, metric_id, month, target`` and the people's
    ``start_date``. Adds ``months_employed``, ``ramp_factor`` and ``target_before_ramp``.
    A ramped budget target no longer adds up to the budget: the difference is the part
    of the new hire's scope the team is not asked to cover."""
    _need(targets, ("person_id", "metric_id", "month", "target"), "apply_ramp")
    rows = _with_people(targets, people, ("start_date",))
    direction, unit = metric_info(rows["metric_id"])
    if "direction" in rows.columns:
        direction = rows["direction"].to_numpy(dtype=object)
    k = months_employed(rows["start_date"], rows["month"])
    factor = np.where((direction == "higher") & np.isin(unit, VOLUME_UNITS), ramp_factors(k, ramp), 1.0)
    before = pd.to_numeric(rows["target"], errors="coerce").to_numpy(dtype=float)
    # good_direction eases a planned loss too (−10,000 at 50 % allows −15,000), where a
    # plain product would tighten it.
    eased = good_direction(before, factor, np.full(len(before), "higher", dtype=object))
    return targets.assign(target=eased, months_employed=k, ramp_factor=factor, target_before_ramp=before)


def _need(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KpiError(f"{where} needs the column(s) {', '.join(missing)}", column=missing[0],
                       expected=", ".join(columns), found=list(frame.columns))
