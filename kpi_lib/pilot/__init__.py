"""Pilot evaluation (试运行评估): the pilot team against the other teams and its own
baseline over 1–2 cycles (difference-in-differences with bootstrap intervals), the
staff survey (anonymous), fairness of the scores, proposed weight and target changes,
and the go / adjust / stop recommendation.

Notebook flow::

    panel = panel_with_team(metrics_frame, people)          # baseline + pilot months
    did = difference_in_differences(panel, pilot_team=cfg.pilot.team, start=cfg.pilot.start,
                                    cycles=cfg.pilot.cycles, pre_months=baseline_months,
                                    exclude=exemption_audit[["person_id", "month", "metric_id"]])
    likert = likert_summary(survey); themes = comment_themes(survey, names=people.name, ids=people.person_id)
    accept = survey_acceptance(survey, team=cfg.pilot.team)["acceptance"]
    dist = score_distribution(person_totals); flags = fairness_flags(dist)
    changes = propose_changes(scored_rows, scoring=cfg.scoring)
    verdict = pilot_decision(did, "gmv", fairness=flags, acceptance=accept)
"""
from kpi_lib.pilot.decision import PilotDecision, pilot_decision
from kpi_lib.pilot.did import difference_in_differences, panel_with_team, pilot_months
from kpi_lib.pilot.fairness import fairness_flags, score_distribution
from kpi_lib.pilot.proposals import propose_changes
from kpi_lib.pilot.survey import comment_themes, likert_summary, redact, survey_acceptance

__all__ = ["PilotDecision", "comment_themes", "difference_in_differences", "fairness_flags", "likert_summary",
           "panel_with_team", "pilot_decision", "pilot_months", "propose_changes", "redact", "score_distribution",
           "survey_acceptance"]
