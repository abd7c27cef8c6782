"""Staff survey summary for the pilot: Likert items per team, acceptance, and free-text
comments grouped by theme — anonymous.

Anonymity rules (whatever the input frame carries):

* outputs never contain a respondent code, a person id or a name: only the columns
  listed here are produced, and comments are passed through :func:`redact` (names and
  ids from the roster, respondent codes, e-mail addresses and phone numbers are masked);
* a group (team, or everyone) with fewer than ``min_respondents`` (3) respondents is
  suppressed: its statistics are blank and ``suppressed`` is true;
* comments are grouped by theme across teams, never listed by team or by person.

Scores are 1–5 (1 = strongly disagree, 5 = strongly agree); *agree* means 4 or 5.
Themes come from simple keyword rules (:data:`THEMES`, zh and en); a comment matching
several themes is counted under each, one matching none under ``other``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from kpi_lib.texts import text

MIN_RESPONDENTS = 3
AGREE_FROM = 4
ALL_GROUP = "*"
LIKERT_COLUMNS = ["group", "question", "n_respondents", "mean", "share_agree", "suppressed"]
THEME_COLUMNS = ["theme", "theme_name", "n_comments", "comments"]
MASK = "＊＊"

# Keyword rules: theme → words (zh and en, matched case-insensitively as substrings).
THEMES: dict[str, tuple[str, ...]] = {
    "data": ("数据", "口径", "报表", "后台", "erp", "系统", "统计", "核对", "data", "report", "numbers", "figures"),
    "workload": ("太多", "过多", "有点多", "花很多时间", "繁琐", "工作量", "too many", "time-consuming", "workload",
                 "paperwork"),
    "fairness": ("公平", "差距", "初级", "资深", "级别", "fair", "junior", "senior", "level"),
    "targets": ("目标", "放宽", "太高", "太低", "达成", "target", "too high", "unrealistic", "stretch"),
    "uncontrollable": ("豁免", "延误", "不可控", "改期", "物流", "不完全是", "影响很大", "exempt", "delay",
                       "out of our control", "outside our control", "reschedul"),
    "schedule": ("周末", "值班", "排班", "加班", "weekend", "shift", "overtime", "on call"),
    "attribution": ("交接", "归属", "按店铺", "按个人", "分清", "handover", "attribution", "credit", "ownership"),
    "pay": ("奖金", "扣款", "提成", "薪", "bonus", "pay", "commission", "salary"),
    "positive": ("很好", "合理", "清晰", "认可", "满意", "good", "clear", "reasonable", "helpful", "fair enough"),
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_PHONE = re.compile(r"(?<!\d)(?:\+?\d[\d\s-]{7,}\d)(?!\d)")
_CODES = re.compile(r"(?<![A-Za-z0-9])[PERpre]\d{2,5}(?![A-Za-z0-9])")


def redact(comment: object, names: Iterable[str] = (), ids: Iterable[str] = ()) -> str | None:
    """``comment`` with roster names and ids, respondent / employee codes (R01, P005,
    E012), e-mail addresses and phone numbers replaced by ＊＊. None stays None."""
    if comment is None or (isinstance(comment, float) and np.isnan(comment)) or comment is pd.NA:
        return None
    out = str(comment)
    # Longest first, so 佐藤美咲 is masked whole before 佐藤.
    for token in sorted({str(t) for t in (*names, *ids) if t is not None and len(str(t).strip()) >= 2},
                        key=len, reverse=True):
        out = out.replace(token.strip(), MASK)
    out = _EMAIL.sub(MASK, out)
    out = _PHONE.sub(MASK, out)
    return _CODES.sub(MASK, out)


def _scores(survey: pd.DataFrame) -> pd.DataFrame:
    frame = survey[["respondent", "team", "question", "score"]].copy()
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce")
    return frame[frame["score"].notna()]


def _summary(g: pd.DataFrame, min_respondents: int, agree_from: int) -> dict:
    n = g["respondent"].nunique()
    if n < min_respondents:
        return {"n_respondents": np.nan, "mean": np.nan, "share_agree": np.nan, "suppressed": True}
    return {"n_respondents": float(n), "mean": float(g["score"].mean()),
            "share_agree": float((g["score"] >= agree_from).mean()), "suppressed": False}


def likert_summary(survey: pd.DataFrame, *, min_respondents: int = MIN_RESPONDENTS, agree_from: int = AGREE_FROM,
                   language: str = "zh") -> pd.DataFrame:
    """Per team and question, and for everyone (group ``全部`` / ``All``): respondents,
    mean score (1–5) and share agreeing (score ≥ ``agree_from``), ``LIKERT_COLUMNS``.
    Groups with fewer than ``min_respondents`` respondents are suppressed."""
    frame = _scores(survey)
    everyone = text("pilot.group_all", language)
    records = []
    for question, q in frame.groupby("question", sort=False):
        for team, g in q.groupby(q["team"].fillna(text("pilot.group_unknown", language)), sort=True):
            records.append({"group": str(team), "question": question, **_summary(g, min_respondents, agree_from)})
        records.append({"group": everyone, "question": question, **_summary(q, min_respondents, agree_from)})
    out = pd.DataFrame(records, columns=LIKERT_COLUMNS)
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


def survey_acceptance(survey: pd.DataFrame, *, team: str | None = None, questions: Iterable[str] | None = None,
                      min_respondents: int = MIN_RESPONDENTS, agree_from: int = AGREE_FROM) -> dict:
    """Acceptance of the scheme: the share of answers agreeing (score ≥ ``agree_from``)
    over ``questions`` (default all) among ``team``'s respondents (default everyone).
    Returns ``{"acceptance", "n_respondents", "suppressed"}``; acceptance is NaN (and
    suppressed true) with fewer than ``min_respondents`` respondents."""
    frame = _scores(survey)
    if team is not None:
        frame = frame[frame["team"] == team]
    if questions is not None:
        frame = frame[frame["question"].isin(list(questions))]
    s = _summary(frame, min_respondents, agree_from)
    return {"acceptance": s["share_agree"], "n_respondents": s["n_respondents"], "suppressed": s["suppressed"]}


def comment_theme(comment: str) -> list[str]:
    """The themes a comment matches (keyword rules), or ``["other"]``."""
    low = comment.casefold()
    found = [theme for theme, words in THEMES.items() if any(w in low for w in words)]
    return found or ["other"]


def comment_themes(survey: pd.DataFrame, *, names: Iterable[str] = (), ids: Iterable[str] = (),
                   min_respondents: int = MIN_RESPONDENTS, language: str = "zh") -> pd.DataFrame:
    """Free-text comments grouped by theme: ``THEME_COLUMNS`` (``comments`` = the distinct
    redacted comments joined by line breaks, ``×n`` when repeated), most frequent first.
    With fewer than ``min_respondents`` commenting respondents overall, nothing is shown.
    ``names`` / ``ids``: the roster's names and person ids to mask."""
    if "comment" not in survey.columns:
        return pd.DataFrame(columns=THEME_COLUMNS)
    frame = survey[survey["comment"].notna()]
    frame = frame[frame["comment"].astype(str).str.strip() != ""]
    if frame["respondent"].nunique() < min_respondents:
        return pd.DataFrame(columns=THEME_COLUMNS)
    codes = survey["respondent"].dropna().astype(str).unique().tolist()
    cleaned = [redact(c, names, [*ids, *codes]) for c in frame["comment"]]
    by_theme: dict[str, list[str]] = {}
    for comment in cleaned:
        for theme in comment_theme(comment):
            by_theme.setdefault(theme, []).append(comment)
    records = []
    order = [*THEMES, "other"]
    for theme in sorted(by_theme, key=lambda t: (-len(by_theme[t]), order.index(t))):
        counts = pd.Series(by_theme[theme]).value_counts(sort=False)
        listed = [c if n == 1 else f"{c} ×{n}" for c, n in counts.items()]
        records.append({"theme": theme, "theme_name": text(f"pilot.theme_{theme}", language),
                        "n_comments": len(by_theme[theme]), "comments": "\n".join(listed)})
    return pd.DataFrame(records, columns=THEME_COLUMNS)
