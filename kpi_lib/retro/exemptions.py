"""What the month's exemptions changed: each person's total score with the exemptions
applied (exempted metrics left out, other weights renormalised — as paid) and without
them (every metric counted at its configured weight, the exempted ones at the score
their actuals earned). ``effect = with − without`` in points; positive means the
exemption protected the person's score.

Input: the scored scorecard rows (after :func:`kpi_lib.engine.exemptions.apply_exemptions`
and :func:`kpi_lib.engine.scoring.score_rows`): ``person_id, metric_id, weight, score,
exempted`` (+ ``market``). An exempted metric without an actual has no score either way
and is left out of both totals.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from kpi_lib.engine.scoring import person_totals, rating

PERSON_COLUMNS = ["person_id", "market", "total_with_exemptions", "total_without_exemptions", "effect",
                  "exempted_metrics"]
METRIC_COLUMNS = ["metric_id", "market", "people_exempted", "mean_score_exempted", "mean_weight"]


def exemption_effect(rows: pd.DataFrame, *, ratings: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Per person with at least one exempted row: ``PERSON_COLUMNS`` (points), plus
    ``rating_with`` / ``rating_without`` when ``ratings`` (e.g. ``scoring.ratings``) is
    given. People without exemptions are not listed (their effect is 0)."""
    if "exempted" not in rows.columns:
        return pd.DataFrame(columns=PERSON_COLUMNS)
    flags = rows["exempted"].fillna(False).astype(bool)
    affected = rows.loc[flags, "person_id"].unique()
    if len(affected) == 0:
        return pd.DataFrame(columns=PERSON_COLUMNS)
    sub = rows[rows["person_id"].isin(affected)]
    with_ = person_totals(sub)
    without = person_totals(sub.assign(exempted=False))
    out = with_[["person_id", "market", "total_score", "exempted_metrics"]].rename(
        columns={"total_score": "total_with_exemptions"})
    out = out.merge(without[["person_id", "total_score"]].rename(columns={"total_score": "total_without_exemptions"}),
                    on="person_id", how="left")
    out["effect"] = out["total_with_exemptions"] - out["total_without_exemptions"]
    out = out[PERSON_COLUMNS]
    if ratings is not None:
        out["rating_with"] = rating(out["total_with_exemptions"], ratings)
        out["rating_without"] = rating(out["total_without_exemptions"], ratings)
    return out.reset_index(drop=True)


def exemption_effect_by_metric(rows: pd.DataFrame) -> pd.DataFrame:
    """Per exempted metric (and market): how many people it was exempted for, the mean
    score their actuals would have earned (points) and its mean configured weight."""
    if "exempted" not in rows.columns:
        return pd.DataFrame(columns=METRIC_COLUMNS)
    ex = rows[rows["exempted"].fillna(False).astype(bool)]
    if "market" not in ex.columns:
        ex = ex.assign(market=np.nan)
    out = ex.groupby(["metric_id", ex["market"].fillna("—")], sort=True).agg(
        people_exempted=("person_id", "nunique"), mean_score_exempted=("score", "mean"),
        mean_weight=("weight", "mean")).reset_index()
    return out[METRIC_COLUMNS]


def exemption_effect_by(effect: pd.DataFrame, by: Iterable[str] = ("market",)) -> pd.DataFrame:
    """Mean and total effect (points) and people affected, by ``by`` of the person table."""
    return effect.groupby(list(by), sort=True).agg(people=("person_id", "nunique"), mean_effect=("effect", "mean"),
                                                    max_effect=("effect", "max")).reset_index()
