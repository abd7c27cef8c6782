"""Exemptions (豁免): force-majeure events declared in the client config leave metrics out.

An exemption (``kind``, ``market``, ``start``–``end`` dates, ``metrics``, ``people``
``all`` or a list of ids, ``evidence``, ``approved_by``) exempts a scorecard row when:

* the row's metric is one of the exemption's ``metrics``;
* the person is affected: listed by id, or (``people: all``) anyone — and when the
  exemption names a ``market``, only rows of that market (a row without a market counts
  when the roster lists the market among the person's markets);
* the event overlaps the month *and the person's employment in it* by at least
  ``min_overlap_days`` calendar days (default 1: any overlap exempts the whole month's
  metric — KPI results are monthly, so a partial month cannot be cut out of them).

Exempted rows keep their values but carry no weight: the person's other weights are
renormalised to 1 (weights 0.5/0.3/0.2 with the 0.3 exempted → 0.714/0.286). Every
exempted row gets a note naming the exemption, its kind, dates and approver, and an
audit frame lists every (exemption, person, metric) applied with its evidence.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kpi_lib.config.models import Exemption
from kpi_lib.engine.proration import employment_window, month_bounds
from kpi_lib.engine.scoring import effective_weights
from kpi_lib.errors import ConfigError, did_you_mean

AUDIT_COLUMNS = ["exemption_id", "kind", "person_id", "metric_id", "market", "start", "end",
                 "days_overlapped", "evidence", "approved_by"]

KIND_NAMES = {
    "logistics_delay": {"zh": "物流延误", "en": "logistics delay"},
    "platform_outage": {"zh": "平台故障", "en": "platform outage"},
    "account_suspension": {"zh": "账号受限", "en": "account suspension"},
    "policy_change": {"zh": "平台政策变更", "en": "policy change"},
    "other": {"zh": "其他", "en": "other"},
}
_NOTES = {
    "applied": {"zh": "豁免 {id}（{kind}，{start} 至 {end}，本月 {days} 天，批准人 {approver}）",
                "en": "exempted by {id} ({kind}, {start} to {end}, {days} day(s) this month, approved by {approver})"},
    "too_short": {"zh": "豁免 {id} 本月仅覆盖 {days} 天（少于 {min_days} 天），未豁免",
                  "en": "exemption {id} covers only {days} day(s) this month (fewer than {min_days}): not applied"},
}


def _note(key: str, language: str, **values: object) -> str:
    return _NOTES[key].get(language, _NOTES[key]["en"]).format(**values)


def _as_exemptions(exemptions: Sequence[Exemption | Mapping]) -> list[Exemption]:
    return [e if isinstance(e, Exemption) else Exemption.model_validate(e) for e in exemptions]


def _person_markets(people: pd.DataFrame | None) -> dict[object, set[str]]:
    if people is None or "markets" not in people.columns:
        return {}
    return {pid: {m.strip() for m in str(ms).replace("，", ",").split(",") if m.strip()} if pd.notna(ms) else set()
            for pid, ms in zip(people["person_id"], people["markets"])}


def apply_exemptions(rows: pd.DataFrame, exemptions: Sequence[Exemption | Mapping], period: str,
                     people: pd.DataFrame | None = None, *, language: str = "zh"
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(rows, audit)``: the scorecard rows with ``exempted`` (bool), ``exemption_ids``,
    ``exemption_note`` and ``effective_weight`` (weights renormalised over the rows not
    exempted) set afresh, and the audit frame of exemptions applied (``AUDIT_COLUMNS``;
    ``days_overlapped`` = calendar days of the event within the month and the person's
    employment).

    ``people`` (the canonical people table) gives employment dates and markets; without it
    everyone counts as employed all month and rows are matched on their own market only.
    A listed person id that is not in ``people`` is a ConfigError (a typo would otherwise
    silently exempt nobody)."""
    for column in ("person_id", "metric_id"):
        if column not in rows.columns:
            raise ConfigError(f"apply_exemptions needs the column {column}", column=column,
                              fix="pass the scorecard rows frame (one row per person × metric)")
    first, last = month_bounds(period)
    exemptions = _as_exemptions(exemptions)
    windows = {}
    if people is not None:
        w = employment_window(people, period)
        windows = dict(zip(w["person_id"], zip(w["employed_from"], w["employed_to"])))
    markets_of = _person_markets(people)
    roster = set(people["person_id"]) if people is not None else None

    n = len(rows)
    person = rows["person_id"].to_numpy(dtype=object)
    metric = rows["metric_id"].to_numpy(dtype=object)
    row_market = rows["market"].to_numpy(dtype=object) if "market" in rows.columns else np.full(n, None, dtype=object)
    exempted = np.zeros(n, dtype=bool)
    ids: list[list[str]] = [[] for _ in range(n)]
    notes: list[list[str]] = [[] for _ in range(n)]
    audit = []

    for k, ex in enumerate(exemptions):
        ev_from, ev_to = max(pd.Timestamp(ex.start), first), min(pd.Timestamp(ex.end), last)
        if ev_from > ev_to:
            continue  # the event is outside this month
        if ex.people != "all" and roster is not None:
            for pid in ex.people:
                if pid not in roster:
                    guess = did_you_mean(pid, [str(p) for p in roster])
                    raise ConfigError(
                        f"exemption {ex.id!r} lists person {pid!r}, who is not in the roster",
                        key=f"exemptions[{k}].people", found=pid,
                        fix=f"did you mean {guess!r}?" if guess else "use person ids from the roster (工号)")
        listed = None if ex.people == "all" else set(ex.people)
        for i in range(n):
            if metric[i] not in ex.metrics or (listed is not None and person[i] not in listed):
                continue
            if ex.market is not None:
                m = row_market[i]
                in_market = (m == ex.market) if m is not None and not pd.isna(m) else ex.market in markets_of.get(person[i], set())
                if not in_market:
                    continue
            lo, hi = windows.get(person[i], (first, last))
            if pd.isna(lo):
                continue  # not employed this month: nothing to exempt
            days = (min(hi, ev_to) - max(lo, ev_from)).days + 1
            if days < ex.min_overlap_days:
                if days > 0:
                    notes[i].append(_note("too_short", language, id=ex.id, days=days, min_days=ex.min_overlap_days))
                continue
            exempted[i] = True
            ids[i].append(ex.id)
            notes[i].append(_note("applied", language, id=ex.id, kind=KIND_NAMES[ex.kind].get(language, ex.kind),
                                  start=ex.start.isoformat(), end=ex.end.isoformat(), days=days,
                                  approver=ex.approved_by))
            audit.append({"exemption_id": ex.id, "kind": ex.kind, "person_id": person[i], "metric_id": metric[i],
                          "market": row_market[i], "start": ex.start, "end": ex.end, "days_overlapped": days,
                          "evidence": ex.evidence, "approved_by": ex.approved_by})

    sep = "；" if language == "zh" else "; "
    out = rows.assign(exempted=exempted, exemption_ids=[", ".join(x) for x in ids],
                      exemption_note=[sep.join(x) for x in notes])
    out = out.assign(effective_weight=effective_weights(out).to_numpy())
    audit_frame = pd.DataFrame.from_records(audit, columns=AUDIT_COLUMNS)
    audit_frame["days_overlapped"] = audit_frame["days_overlapped"].astype(int)
    return out, audit_frame


def overlap_days(start: dt.date, end: dt.date, period: str) -> int:
    """Calendar days of ``start``–``end`` (inclusive) that fall in the ``YYYY-MM`` month."""
    first, last = month_bounds(period)
    return max(0, (min(pd.Timestamp(end), last) - max(pd.Timestamp(start), first)).days + 1)
