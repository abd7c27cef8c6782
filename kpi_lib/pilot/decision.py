"""The go / adjust / stop recommendation after the pilot, by an explicit rule.

Inputs: the key metric's difference-in-differences row (:mod:`kpi_lib.pilot.did`), the
fairness flags (:mod:`kpi_lib.pilot.fairness`) and the survey acceptance (share of
agreeing answers, :func:`kpi_lib.pilot.survey.survey_acceptance`).

* **stop** – the key metric got significantly *worse* (its DiD interval excludes 0 in
  the bad direction), or acceptance is below ``stop_acceptance`` (default 40 %);
* **go** – the key metric got significantly *better* (interval excludes 0 in the good
  direction), no fairness dimension is flagged, and acceptance is at least
  ``go_acceptance`` (default 60 %);
* **adjust** – everything else (no clear effect, a fairness flag, lukewarm or unknown
  acceptance — e.g. suppressed because fewer than 3 people answered).

Each condition's outcome is listed in ``reasons`` in the report language.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from kpi_lib.errors import KpiError
from kpi_lib.texts import text

DECISIONS = ("go", "adjust", "stop")


@dataclass(frozen=True)
class PilotDecision:
    """``decision`` (go / adjust / stop), its ``label`` and the ``reasons`` behind it."""

    decision: str
    label: str
    key_metric: str
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"decision": self.decision, "label": self.label, "key_metric": self.key_metric,
                "reasons": list(self.reasons)}


def pilot_decision(did: pd.DataFrame, key_metric: str, *, fairness: pd.DataFrame | None = None,
                   acceptance: float | None = None, go_acceptance: float = 0.6, stop_acceptance: float = 0.4,
                   language: str = "zh") -> PilotDecision:
    """Apply the rule in the module docstring. ``did``: the DiD table (must hold
    ``key_metric``); ``fairness``: the flags table (None = not checked, which blocks
    ``go``); ``acceptance``: a fraction, None/NaN when unknown."""
    row = did[did["metric_id"] == key_metric]
    if row.empty:
        raise KpiError(f"the key metric {key_metric!r} is not in the pilot results", key="key_metric",
                       expected=", ".join(did["metric_id"].astype(str)),
                       fix="pass a metric analysed by difference_in_differences")
    r = row.iloc[0]
    values = {"metric": r["metric_name"], "effect": r["effect"], "low": r["effect_ci_low"],
              "high": r["effect_ci_high"]}
    pct = r["scale"] == "log"
    reasons = [text(f"pilot.reason_metric_{r['assessment']}{'_pct' if pct else ''}", language, **values)]
    flagged = [] if fairness is None else list(fairness.loc[fairness["flagged"], "dimension"].astype(str))
    if fairness is None:
        reasons.append(text("pilot.reason_fairness_unchecked", language))
    elif flagged:
        reasons.append(text("pilot.reason_fairness_flag", language, dimensions=", ".join(flagged)))
    else:
        reasons.append(text("pilot.reason_fairness_ok", language))
    known = acceptance is not None and not (isinstance(acceptance, float) and math.isnan(acceptance))
    if not known:
        reasons.append(text("pilot.reason_acceptance_unknown", language))
    else:
        reasons.append(text("pilot.reason_acceptance", language, acceptance=acceptance, go=go_acceptance,
                            stop=stop_acceptance))
    if r["assessment"] == "worse" or (known and acceptance < stop_acceptance):
        decision = "stop"
    elif r["assessment"] == "better" and fairness is not None and not flagged and known and acceptance >= go_acceptance:
        decision = "go"
    else:
        decision = "adjust"
    reasons.append(text(f"pilot.rule_{decision}", language, go=go_acceptance, stop=stop_acceptance))
    return PilotDecision(decision=decision, label=text(f"pilot.decision_{decision}", language),
                         key_metric=key_metric, reasons=reasons)
