"""Proposed weight and target changes after the pilot, each with its rationale.

From the pilot's scored rows (one row per person × metric × month: ``role``, ``metric_id``,
``weight``, ``target``, ``attainment``, ``score``; ``market`` and ``direction`` when
present), per role × market × metric:

* **nobody reaches** the curve's threshold (share of rows with attainment ≥ threshold
  at most ``nobody_share``, default 0): the target is out of reach — move it so the
  median person is on target;
* **everybody maxes** (share at or above the curve's cap at least ``everybody_share``,
  default 0.9): the target is too easy — move it the same way;
* **low variance**: the scores' standard deviation is under ``low_sd`` points (default
  5, with at least 3 rows): the metric does not tell people apart — cut its weight by
  ``weight_cut`` (default half) and give the freed weight to the role's other metrics
  in proportion to their weights.

Target moves: ``target_factor`` multiplies each person's current target; it is the
median attainment for higher-is-better metrics (attainment = actual ÷ target, so target
× median attainment puts the median person on target) and its inverse for
lower-is-better ones (attainment = target ÷ actual). Attainments are capped by the
curve, so a capped metric moves by at most the cap per cycle — review again after the
next cycle. Band metrics get no target move (the band is a policy, not a target).
Weights keep the unit of the input rows (fractions or percent).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.config.models import Scoring
from kpi_lib.texts import text

PROPOSAL_COLUMNS = ["role", "market", "metric_id", "metric_name", "issue", "n", "share_reaching", "share_capped",
                    "score_sd", "median_attainment", "current_weight", "proposed_weight", "current_target",
                    "target_factor", "proposed_target", "rationale"]
ISSUES = ("nobody_reaches", "everybody_maxes", "low_variance", "ok")


def _direction(frame: pd.DataFrame, metric_id: str) -> str:
    if "direction" in frame.columns and frame["direction"].notna().any():
        return str(frame["direction"].dropna().iat[0])
    from kpi_lib.metrics.registry import metrics

    m = metrics().get(metric_id)
    return m.direction if m is not None else "higher"


def propose_changes(rows: pd.DataFrame, *, scoring: Scoring | None = None, nobody_share: float = 0.0,
                    everybody_share: float = 0.9, low_sd: float = 5.0, weight_cut: float = 0.5,
                    language: str = "zh") -> pd.DataFrame:
    """One row per role × market × metric (``PROPOSAL_COLUMNS``) with the issue found
    (``nobody_reaches`` / ``everybody_maxes`` / ``low_variance`` / ``ok``), the proposed
    weight (the role's weights still add up to what they did) and target, and the
    rationale in ``language``. See the module docstring for the rules."""
    from kpi_lib.metrics.registry import metrics

    scoring = scoring or Scoring()
    data = rows.copy()
    if "market" not in data.columns:
        data["market"] = "*"
    data["market"] = data["market"].fillna("*")
    registry = metrics()
    records = []
    for (role, market), role_rows in data.groupby(["role", "market"], sort=False):
        items = []
        for metric_id, g in role_rows.groupby("metric_id", sort=False):
            curve = scoring.curve_for(str(metric_id))
            att = pd.to_numeric(g["attainment"], errors="coerce").dropna()
            scores = pd.to_numeric(g["score"], errors="coerce").dropna()
            direction = _direction(g, str(metric_id))
            n = int(len(att))
            reaching = float((att >= curve.threshold - 1e-9).mean()) if n else np.nan
            capped = float((att >= curve.cap - 1e-9).mean()) if n else np.nan
            sd = float(scores.std(ddof=0)) if len(scores) else np.nan
            median_att = float(att.median()) if n else np.nan
            if n and reaching <= nobody_share:
                issue = "nobody_reaches"
            elif n and capped >= everybody_share:
                issue = "everybody_maxes"
            elif len(scores) >= 3 and sd < low_sd:
                issue = "low_variance"
            else:
                issue = "ok"
            factor = np.nan
            if issue in ("nobody_reaches", "everybody_maxes") and direction != "band" and median_att > 0:
                factor = median_att if direction == "higher" else 1.0 / median_att
            target = pd.to_numeric(g["target"], errors="coerce").median() if "target" in g.columns else np.nan
            weight = float(pd.to_numeric(g["weight"], errors="coerce").median())
            metric = registry.get(str(metric_id))
            items.append({"role": role, "market": market, "metric_id": metric_id,
                          "metric_name": metric.name(language) if metric else str(metric_id), "issue": issue, "n": n,
                          "share_reaching": reaching, "share_capped": capped, "score_sd": sd,
                          "median_attainment": median_att, "current_weight": weight, "current_target": float(target),
                          "target_factor": factor, "proposed_target": float(target * factor)
                          if not np.isnan(factor) and not np.isnan(target) else np.nan, "direction": direction})
        cut = {i: it["current_weight"] * weight_cut for i, it in enumerate(items) if it["issue"] == "low_variance"}
        receivers = [i for i in range(len(items)) if i not in cut]
        base = sum(items[i]["current_weight"] for i in receivers)
        if not receivers or base <= 0:
            cut = {}          # nobody to hand the weight to: keep the weights as they are
        freed = sum(cut.values())
        for i, it in enumerate(items):
            if i in cut:
                it["proposed_weight"] = it["current_weight"] - cut[i]
            else:
                it["proposed_weight"] = it["current_weight"] + (freed * it["current_weight"] / base if freed else 0.0)
        for it in items:
            it["rationale"] = _rationale(it, language)
            del it["direction"]
            records.append(it)
    return pd.DataFrame(records, columns=PROPOSAL_COLUMNS)


def _rationale(item: dict, language: str) -> str:
    issue = item["issue"]
    values = {"metric": item["metric_name"], "reaching": item["share_reaching"], "capped": item["share_capped"],
              "sd": item["score_sd"], "median": item["median_attainment"],
              "weight": item["current_weight"], "new_weight": item["proposed_weight"]}
    out = text(f"pilot.proposal_{issue}", language, **values)
    if issue in ("nobody_reaches", "everybody_maxes"):
        if np.isnan(item["target_factor"]):
            out += text("pilot.proposal_band", language)
        else:
            out += text("pilot.proposal_target", language, factor=item["target_factor"])
    return out
