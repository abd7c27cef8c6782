"""Attribution (归属): which person a row of sales, traffic, ads or service data belongs to.

Sales, traffic and ads are not per person. The ``ownership`` table maps scopes to people
with effective dates: ``scope`` store / sku / asin / campaign, ``pattern`` an exact value
or a shell wildcard (``KIT-*``, case-insensitive), ``store`` (blank = every store of the
market), ``from_date`` … ``to_date`` (inclusive; blank ``to_date`` = open-ended).

Rules, applied **per role** (a rule belongs to its owner's role in the roster):

* Roles are independent: the operator and the CS agent of a store both own its rows,
  each for their own role's metrics. Within one role, a row has at most one owner.
* **More specific wins**: asin / sku (a product) over campaign over store, and an exact
  value over a wildcard of the same scope. Two different people at the same, highest
  specificity on the same day is a data problem ("two owners for one SKU on the same
  day"): it is reported with both ownership rows, and the row is split equally between
  them meanwhile so that nothing is counted twice or lost.
* **Day grain** (order lines, returns, messages, reviews, daily ads, snapshots): a row goes
  to whoever owned its key on its market-local date.
* **Period grain** (a monthly Business Report row, a monthly ads report, profit per month):
  a row is split by the share of its days each owner held the key — a handover on the
  16th of a 31-day month gives the old owner 15/31 and the new owner 16/31 of the row.
  Unowned days leave that share unattributed.
* Campaign rules also give their owner the SKUs the matching campaigns advertise
  (derived from the ads table, :func:`campaign_sku_rules`), so an advertiser's TACoS and
  GMV read the orders of the products they advertise. Derived rules apply only to tables
  without a ``campaign`` column and lose to any explicit product rule.
* An owner missing from the roster is a data problem (their rules are not applied); a
  rule is cut to its owner's employment (start_date … end_date), and a rule reaching
  past a leaver's last day is reported: those rows stay unattributed until the scope is
  handed over.
* Unattributed rows are never dropped silently: :func:`unattributed_summary` gives their
  share (rows and sales) per table, role and market.

Shares are fractions (0–1); dates are whole days. Every function is pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_lib.errors import KpiError

KEY_COLUMNS = ("market", "store", "sku", "asin", "campaign")
SCOPES = ("store", "sku", "asin", "campaign")
# Specificity: scope rank × 2 + (1 for an exact value). Product rules (sku, asin) share a
# rank: an ASIN and its SKU are the same product, so two people owning them is a conflict.
SCOPE_RANK = {"store": 1, "campaign": 2, "sku": 3, "asin": 3}
DERIVED_SPECIFICITY = 5          # above any store or campaign rule, below explicit product rules
OPEN_END = 2 ** 20 - 1           # "no to_date", in days since 1970 (year 4840)
_DAY_BITS = 20
_WILDCARD = re.compile(r"[*?\[]")

RULE_COLUMNS = ["rule_id", "person_id", "role", "market", "store", "scope", "pattern", "start", "end",
                "specificity", "derived", "source_file", "source_row"]
PROBLEM_COLUMNS = ["problem", "role", "person_id", "other_person_id", "market", "store", "scope", "pattern",
                   "key", "from_date", "to_date", "n_keys", "source_file", "source_row", "other_source_row",
                   "message"]
LINK_COLUMNS = ["row", "person_id", "share"]


# -- dates -----------------------------------------------------------------------
def day_numbers(values) -> np.ndarray:
    """Calendar days since 1970-01-01 (int64) of naive dates; NaT → -1."""
    s = pd.to_datetime(pd.Series(values), errors="coerce")
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    arr = s.to_numpy(dtype="datetime64[ns]")
    out = arr.astype("datetime64[D]").astype(np.int64)
    out[np.isnat(arr)] = -1
    return out


def day_to_timestamp(day: int) -> pd.Timestamp | None:
    if day < 0 or day >= OPEN_END:
        return None
    return pd.Timestamp(np.datetime64(int(day), "D"))


# -- rules -----------------------------------------------------------------------
@dataclass(frozen=True)
class RuleSet:
    """Ownership rules ready to apply (``rules``, :data:`RULE_COLUMNS`) and the data
    problems found while preparing them (``problems``, :data:`PROBLEM_COLUMNS`)."""

    rules: pd.DataFrame
    problems: pd.DataFrame

    def for_role(self, role: str) -> pd.DataFrame:
        return self.rules[self.rules["role"] == role]


def _problem(**values) -> dict:
    return {c: values.get(c) for c in PROBLEM_COLUMNS}


def _source_rows(ownership: pd.DataFrame) -> pd.Series:
    """1-based position of each ownership row among its file's data rows."""
    files = ownership["source_file"] if "source_file" in ownership.columns else pd.Series("", index=ownership.index)
    return files.groupby(files, sort=False).cumcount() + 1


def _is_exact(pattern: str) -> bool:
    return not _WILDCARD.search(pattern)


def glob_regex(pattern: str) -> str:
    """A shell wildcard (``*``, ``?``, ``[...]``) as an anchored regular expression that
    both Python's ``re`` and Arrow's RE2 understand."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[" and "]" in pattern[i + 1:]:
            j = pattern.index("]", i + 1)
            body = pattern[i + 1:j]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = j
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def prepare_rules(ownership: pd.DataFrame, people: pd.DataFrame) -> RuleSet:
    """Ownership rows as rules with their owner's role, specificity and day range, cut to
    the owner's employment; problems for owners not in the roster and for rules that run
    past a leaver's last day (or start before a joiner's first)."""
    for column in ("person_id", "market", "scope", "pattern", "from_date"):
        if column not in ownership.columns:
            raise KpiError(f"the ownership table has no {column} column", column=column,
                           fix="pass the canonical ownership table (kpi ingest builds it from 负责范围)")
    roster = people.drop_duplicates("person_id").set_index("person_id")
    source_row = _source_rows(ownership)
    rules, problems = [], []
    for i, (idx, r) in enumerate(ownership.iterrows()):
        pid = str(r["person_id"])
        src = r.get("source_file")
        where = dict(person_id=pid, market=r["market"], store=None if pd.isna(r.get("store")) else r.get("store"),
                     scope=r["scope"], pattern=r["pattern"], from_date=r["from_date"],
                     to_date=None if pd.isna(r.get("to_date")) else r.get("to_date"),
                     source_file=src, source_row=int(source_row.loc[idx]))
        if pid not in roster.index:
            problems.append(_problem(problem="owner_not_in_roster", **where, message=(
                f"ownership row {where['source_row']} of {src} names {pid}, who is not in the roster: "
                "its rows stay unattributed. Fix: add the person to 花名册 or correct the 工号.")))
            continue
        start = int(day_numbers([r["from_date"]])[0])
        end = OPEN_END if pd.isna(r.get("to_date")) else int(day_numbers([r["to_date"]])[0])
        joined = roster.at[pid, "start_date"] if "start_date" in roster.columns else pd.NaT
        left = roster.at[pid, "end_date"] if "end_date" in roster.columns else pd.NaT
        if pd.notna(left) and end > day_numbers([left])[0]:
            problems.append(_problem(problem="owner_left", **where, message=(
                f"{pid} left on {pd.Timestamp(left):%Y-%m-%d} but ownership row {where['source_row']} of {src} "
                f"({r['scope']} {r['pattern']}) runs {'open-ended' if end == OPEN_END else 'to ' + str(where['to_date'])[:10]}: "
                "rows after the last day stay unattributed. Fix: end the row on the last day and add the new owner.")))
            end = int(day_numbers([left])[0])
        if pd.notna(joined) and start < day_numbers([joined])[0]:
            start = int(day_numbers([joined])[0])
        if end < start:
            continue
        scope = str(r["scope"])
        pattern = str(r["pattern"]).strip()
        rules.append({"rule_id": i, "person_id": pid, "role": roster.at[pid, "role"], "market": r["market"],
                      "store": where["store"], "scope": scope, "pattern": pattern, "start": start, "end": end,
                      "specificity": SCOPE_RANK[scope] * 2 + int(_is_exact(pattern)), "derived": False,
                      "source_file": src, "source_row": where["source_row"]})
    return RuleSet(pd.DataFrame(rules, columns=RULE_COLUMNS), pd.DataFrame(problems, columns=PROBLEM_COLUMNS))


def campaign_sku_rules(rules: pd.DataFrame, ads: pd.DataFrame | None) -> pd.DataFrame:
    """Derived product rules: each campaign rule also owns the (store, SKU) pairs its
    matching campaigns advertised within the rule's dates (from the ads table)."""
    camp = rules[(rules["scope"] == "campaign") & ~rules["derived"]]
    if camp.empty or ads is None or ads.empty or "campaign" not in ads.columns:
        return pd.DataFrame(columns=RULE_COLUMNS)
    advertised = ads[ads["sku"].notna() & ads["campaign"].notna()]
    a = advertised[["market", "store", "campaign", "sku"]].assign(
        start=day_numbers(advertised["period_start"]), end=day_numbers(advertised["period_end"]))
    a = a.groupby(["market", "store", "campaign", "sku"], sort=False, dropna=False).agg(
        start=("start", "min"), end=("end", "max")).reset_index()
    keys = a.rename(columns={"sku": "_sku"})
    matches = _match_rules(keys.rename(columns={"_sku": "sku"}), camp)
    if matches.empty:
        return pd.DataFrame(columns=RULE_COLUMNS)
    m = matches.merge(camp, left_on="rule_pos", right_index=True)
    m = m.join(keys[["_sku", "store", "start", "end"]].rename(columns={"store": "_store", "start": "_s", "end": "_e"}),
               on="key_id")
    m = m[(m["_e"] >= m["start"]) & (m["_s"] <= m["end"])]
    out = m.assign(scope="sku", pattern=m["_sku"], store=m["_store"], derived=True,
                   specificity=DERIVED_SPECIFICITY)
    return out.drop_duplicates(["person_id", "market", "store", "pattern", "start", "end"])[RULE_COLUMNS] \
        .reset_index(drop=True)


# -- matching ----------------------------------------------------------------------
def _folded(values: pd.Series) -> np.ndarray:
    return values.astype("string").str.casefold().to_numpy(dtype=object, na_value=None)


def _match_rules(keys: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """Pairs (key_id, rule_pos) of keys each rule matches; ``keys`` index = key id."""
    if keys.empty or rules.empty:
        return pd.DataFrame({"key_id": np.array([], dtype=np.int64), "rule_pos": np.array([], dtype=np.int64)})
    market = keys["market"].astype("string").to_numpy(dtype=object, na_value=None)
    store = _folded(keys["store"]) if "store" in keys.columns else np.full(len(keys), None, dtype=object)
    key_ids = keys.index.to_numpy()
    by_market: dict[object, np.ndarray] = {}
    for m in pd.unique(market):
        by_market[m] = np.flatnonzero(market == m)
    folded_cols = {scope: _folded(keys[scope]) for scope in SCOPES if scope in keys.columns}
    exact_index: dict[tuple, dict] = {}
    text_index: dict[tuple, pd.Series] = {}
    out_keys, out_rules = [], []
    for pos, r in zip(rules.index, rules.itertuples(index=False)):
        rows = by_market.get(r.market)
        if rows is None or r.scope not in folded_cols:
            continue
        values = folded_cols[r.scope]
        pattern = r.pattern.casefold()
        if _is_exact(pattern):
            index = exact_index.get((r.market, r.scope))
            if index is None:
                index = pd.Series(rows).groupby(values[rows], sort=False).apply(lambda s: s.to_numpy()).to_dict() \
                    if len(rows) else {}
                exact_index[(r.market, r.scope)] = index
            hit = index.get(pattern, np.array([], dtype=np.int64))
        else:
            series = text_index.get((r.market, r.scope))
            if series is None:
                series = pd.Series(values[rows], dtype="string[pyarrow]")
                text_index[(r.market, r.scope)] = series
            ok = series.str.fullmatch(glob_regex(pattern)).fillna(False).to_numpy(dtype=bool)
            hit = rows[ok]
        if r.store is not None and not pd.isna(r.store) and len(hit):
            hit = hit[store[hit] == str(r.store).casefold()]
        if len(hit):
            out_keys.append(key_ids[hit])
            out_rules.append(np.full(len(hit), pos))
    if not out_keys:
        return pd.DataFrame({"key_id": np.array([], dtype=np.int64), "rule_pos": np.array([], dtype=np.int64)})
    return pd.DataFrame({"key_id": np.concatenate(out_keys), "rule_pos": np.concatenate(out_rules)})


def _resolve(cands: list[tuple[int, str, int, int, int, bool]]) -> list[tuple[int, int, tuple[str, ...], tuple[int, ...]]]:
    """Owner timeline of one key from its candidate rules ``(rule_id, person, start, end,
    specificity, derived)``: ``(start, end, owners, rule_ids)`` intervals, gaps left out."""
    bounds = sorted({c[2] for c in cands} | {c[3] + 1 for c in cands})
    out: list[list] = []
    for lo, hi in zip(bounds, bounds[1:]):
        active = [c for c in cands if c[2] <= lo and c[3] >= hi - 1]
        if not active:
            continue
        top = max(c[4] for c in active)
        best = [c for c in active if c[4] == top]
        owners = tuple(sorted({c[1] for c in best}))
        ids = tuple(sorted(c[0] for c in best))
        if out and out[-1][1] == lo - 1 and out[-1][2] == owners and out[-1][3] == ids:
            out[-1][1] = hi - 1
        else:
            out.append([lo, hi - 1, owners, ids])
    return [tuple(x) for x in out]


@dataclass(frozen=True)
class OwnerTimeline:
    """Who owned each key when, for one role: ``intervals`` (key_id, start, end, n_owners,
    first owner position in ``owners``) sorted by key and start; ``owners`` (interval,
    person_id, share); ``overlaps`` as problem rows."""

    intervals: pd.DataFrame
    owners: pd.DataFrame
    overlaps: pd.DataFrame


def owner_timeline(keys: pd.DataFrame, rules: pd.DataFrame, *, role: str | None = None) -> OwnerTimeline:
    """Resolve, for every key (market, store, sku, asin, campaign; index = key id), the
    owner(s) of each stretch of days under ``rules`` (one role's rules)."""
    matches = _match_rules(keys, rules)
    if matches.empty:
        empty = pd.DataFrame({"key_id": [], "start": [], "end": [], "n_owners": [], "first": []}, dtype=np.int64)
        return OwnerTimeline(empty, pd.DataFrame(columns=["interval", "person_id", "share"]),
                             pd.DataFrame(columns=PROBLEM_COLUMNS))
    r = rules.loc[matches["rule_pos"].to_numpy()]
    cand = pd.DataFrame({"key_id": matches["key_id"].to_numpy(), "rule_id": r["rule_id"].to_numpy(),
                         "person_id": r["person_id"].astype(str).to_numpy(), "start": r["start"].to_numpy(np.int64),
                         "end": r["end"].to_numpy(np.int64), "spec": r["specificity"].to_numpy(np.int64),
                         "derived": r["derived"].to_numpy(bool)})
    cand = cand.sort_values(["key_id", "rule_id"], kind="stable")
    counts = cand.groupby("key_id", sort=True).size()
    single = cand[cand["key_id"].map(counts).to_numpy() == 1]
    multi = cand[cand["key_id"].map(counts).to_numpy() > 1]
    iv_key, iv_start, iv_end, iv_owners, iv_rules = [single["key_id"].to_numpy()], [single["start"].to_numpy()], \
        [single["end"].to_numpy()], [[(p,) for p in single["person_id"]]], [[(i,) for i in single["rule_id"]]]
    cache: dict[tuple, list] = {}
    mk, ms, me, mo, mr = [], [], [], [], []
    for key_id, g in multi.groupby("key_id", sort=False):
        sig = tuple(zip(g["rule_id"], g["start"], g["end"]))
        resolved = cache.get(sig)
        if resolved is None:
            resolved = _resolve(list(zip(g["rule_id"], g["person_id"], g["start"], g["end"], g["spec"], g["derived"])))
            cache[sig] = resolved
        for lo, hi, owners, ids in resolved:
            mk.append(key_id), ms.append(lo), me.append(hi), mo.append(owners), mr.append(ids)
    iv_key.append(np.asarray(mk, dtype=np.int64)), iv_start.append(np.asarray(ms, dtype=np.int64))
    iv_end.append(np.asarray(me, dtype=np.int64)), iv_owners.append(mo), iv_rules.append(mr)
    owners_list = [o for part in iv_owners for o in part]
    rules_list = [x for part in iv_rules for x in part]
    intervals = pd.DataFrame({"key_id": np.concatenate(iv_key), "start": np.concatenate(iv_start),
                              "end": np.concatenate(iv_end)})
    intervals["_pos"] = np.arange(len(intervals))
    intervals = intervals.sort_values(["key_id", "start"], kind="stable").reset_index(drop=True)
    order = intervals.pop("_pos").to_numpy()
    owners_sorted = [owners_list[i] for i in order]
    rules_sorted = [rules_list[i] for i in order]
    n = np.fromiter((len(o) for o in owners_sorted), np.int64, len(owners_sorted))
    intervals["n_owners"] = n
    intervals["first"] = np.concatenate([[0], np.cumsum(n)[:-1]]) if len(n) else np.array([], dtype=np.int64)
    owners = pd.DataFrame({"interval": np.repeat(np.arange(len(n)), n),
                           "person_id": [p for o in owners_sorted for p in o],
                           "share": np.repeat(1.0 / np.maximum(n, 1), n)})
    overlaps = _overlap_problems(keys, rules, intervals, owners_sorted, rules_sorted, role)
    return OwnerTimeline(intervals, owners, overlaps)


def _overlap_problems(keys, rules, intervals, owners, rule_ids, role) -> pd.DataFrame:
    """One problem per pair of conflicting rules: the keys and days they both claim."""
    tied = [i for i, o in enumerate(owners) if len(o) > 1]
    if not tied:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    by_id = rules.set_index("rule_id")
    found: dict[tuple, dict] = {}
    for i in tied:
        ids = [x for x in rule_ids[i] if not bool(by_id.at[x, "derived"])]
        persons = {by_id.at[x, "person_id"] for x in ids}
        if len(persons) < 2:
            continue  # a SKU advertised in two advertisers' campaigns: shared, not a conflict
        a, b = ids[0], next(x for x in ids if by_id.at[x, "person_id"] != by_id.at[ids[0], "person_id"])
        key = keys.loc[intervals.at[i, "key_id"]]
        entry = found.setdefault((a, b), {"keys": [], "start": intervals.at[i, "start"], "end": intervals.at[i, "end"]})
        entry["keys"].append(key)
        entry["start"] = min(entry["start"], intervals.at[i, "start"])
        entry["end"] = max(entry["end"], intervals.at[i, "end"])
    out = []
    for (a, b), e in found.items():
        ra, rb = by_id.loc[a], by_id.loc[b]
        k = e["keys"][0]
        label = ra["scope"].upper() if ra["scope"] in ("sku", "asin") else ra["scope"]
        value = k.get(ra["scope"]) if ra["scope"] in k.index else None
        first, last = day_to_timestamp(int(e["start"])), day_to_timestamp(int(e["end"]))
        span = f"{first:%Y-%m-%d}" + (f" to {last:%Y-%m-%d}" if last is not None else " onwards")
        out.append(_problem(
            problem="two_owners", role=role, person_id=ra["person_id"], other_person_id=rb["person_id"],
            market=ra["market"], store=k.get("store"), scope=ra["scope"], pattern=ra["pattern"],
            key=str(value), from_date=first, to_date=last, n_keys=len(e["keys"]), source_file=ra["source_file"],
            source_row=int(ra["source_row"]), other_source_row=int(rb["source_row"]),
            message=(f"two owners for one {label} on the same day ({role}): {value} in {k.get('store')} "
                     f"({len(e['keys'])} key(s)) is owned by {ra['person_id']} (ownership row {ra['source_row']}, "
                     f"{ra['scope']} {ra['pattern']}) and {rb['person_id']} (row {rb['source_row']}, "
                     f"{rb['scope']} {rb['pattern']}) from {span}; the rows are split equally meanwhile. "
                     "Fix: end one row the day before the other starts, or make one scope more specific.")))
    return pd.DataFrame(out, columns=PROBLEM_COLUMNS)


# -- applying ----------------------------------------------------------------------
def _keys_of(frame: pd.DataFrame, rules: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Per row the id of its key, and the distinct keys (only the columns rules use)."""
    used = ["market", "store"] + [s for s in ("sku", "asin", "campaign")
                                  if s in frame.columns and (rules["scope"] == s).any()]
    present = [c for c in used if c in frame.columns]
    if not present:
        return np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=[0])
    # Factorize column by column and combine the codes into one integer (mixed radix):
    # far faster than hashing tuples of strings, and each key decodes back to its values.
    combined = np.zeros(len(frame), dtype=np.int64)
    uniques, radix = {}, {}
    for c in present:
        codes, values = pd.factorize(frame[c], use_na_sentinel=True)
        uniques[c], radix[c] = values, len(values) + 1
        combined = combined * radix[c] + (codes.astype(np.int64) + 1)
    key_of_row, key_values = pd.factorize(combined)
    rest = np.asarray(key_values, dtype=np.int64)
    keys = {}
    for c in reversed(present):
        rest, code = np.divmod(rest, radix[c])
        values = pd.Series(uniques[c]).astype("string")
        keys[c] = values.reindex(code - 1).to_numpy(dtype=object, na_value=None)
    return key_of_row.astype(np.int64), pd.DataFrame({c: keys[c] for c in present})


def applicable_rules(rules: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """The rules that can apply to a table: derived campaign→SKU rules only where the
    table has no campaign column; scopes whose column the table lacks never match."""
    out = rules
    if "campaign" in frame.columns:
        out = out[~out["derived"].astype(bool)]
    return out[out["scope"].isin([s for s in SCOPES if s in frame.columns])]


@dataclass(frozen=True)
class Attribution:
    """``links`` (row position in the attributed frame, person_id, share) and the
    ``overlaps`` found (problem rows)."""

    links: pd.DataFrame
    overlaps: pd.DataFrame

    def owned_share(self, n_rows: int) -> np.ndarray:
        """Per row, the attributed share (0–1)."""
        return np.bincount(self.links["row"].to_numpy(np.int64), weights=self.links["share"].to_numpy(float),
                           minlength=n_rows)


def attribute(frame: pd.DataFrame, rules: pd.DataFrame, *, start: str = "start", end: str | None = "end",
              role: str | None = None) -> Attribution:
    """Attribute each row of ``frame`` to the owners of its key among ``rules`` (one role).

    ``start`` / ``end``: the row's first and last day (naive dates; ``end`` None or equal to
    ``start`` = a day row). Day rows go to the owner on their day; longer rows are split
    by the share of their days each owner held the key. Returns links ``row`` (position in
    ``frame``), ``person_id``, ``share``."""
    n = len(frame)
    rules = applicable_rules(rules, frame)
    if n == 0 or rules.empty:
        return Attribution(pd.DataFrame({"row": np.array([], dtype=np.int64), "person_id": [], "share": []}),
                           pd.DataFrame(columns=PROBLEM_COLUMNS))
    key_of_row, keys = _keys_of(frame, rules)
    timeline = owner_timeline(keys, rules, role=role)
    first = day_numbers(frame[start])
    last = first if end is None else day_numbers(frame[end])
    last = np.where(last < 0, first, last)
    point = last == first
    parts = []
    if point.any():
        parts.append(_attribute_points(np.flatnonzero(point), key_of_row[point], first[point], timeline))
    if (~point).any():
        rows = np.flatnonzero(~point)
        parts.append(_attribute_spans(rows, key_of_row[rows], first[rows], last[rows], timeline))
    links = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return Attribution(links, timeline.overlaps)


def _attribute_points(rows, key, day, timeline: OwnerTimeline) -> pd.DataFrame:
    iv = timeline.intervals
    if iv.empty:
        return pd.DataFrame({"row": np.array([], dtype=np.int64), "person_id": [], "share": []})
    starts = (iv["key_id"].to_numpy(np.int64) << _DAY_BITS) + iv["start"].to_numpy(np.int64)
    probe = (key.astype(np.int64) << _DAY_BITS) + np.clip(day, 0, OPEN_END)
    pos = np.searchsorted(starts, probe, side="right") - 1
    ok = (pos >= 0) & (day >= 0)
    pos_ok = np.where(ok, pos, 0)
    ok &= (iv["key_id"].to_numpy()[pos_ok] == key) & (iv["end"].to_numpy()[pos_ok] >= day)
    rows, pos = rows[ok], pos[ok]
    n_owners = iv["n_owners"].to_numpy()[pos]
    first = iv["first"].to_numpy()[pos]
    if (n_owners == 1).all():
        owner_pos = first
        rep_rows = rows
    else:
        rep_rows = np.repeat(rows, n_owners)
        offsets = np.arange(len(rep_rows)) - np.repeat(np.cumsum(n_owners) - n_owners, n_owners)
        owner_pos = np.repeat(first, n_owners) + offsets
    owners = timeline.owners
    # Person ids as a categorical: millions of links, a few dozen people.
    codes, people = pd.factorize(owners["person_id"])
    return pd.DataFrame({"row": rep_rows.astype(np.int64),
                         "person_id": pd.Categorical.from_codes(codes[owner_pos], categories=people.astype(str)),
                         "share": owners["share"].to_numpy(float)[owner_pos]})


def _attribute_spans(rows, key, first, last, timeline: OwnerTimeline) -> pd.DataFrame:
    iv = timeline.intervals.assign(interval=np.arange(len(timeline.intervals)))
    spans = pd.DataFrame({"row": rows, "key_id": key, "s": first, "e": last})
    m = spans.merge(iv, on="key_id", how="inner")
    overlap = (np.minimum(m["e"], m["end"]) - np.maximum(m["s"], m["start"]) + 1).clip(lower=0)
    m = m.assign(frac=overlap / (m["e"] - m["s"] + 1))
    m = m[m["frac"] > 0]
    m = m.merge(timeline.owners, on="interval")
    share = m["frac"] * m["share"]
    out = pd.DataFrame({"row": m["row"].to_numpy(np.int64), "person_id": m["person_id"].to_numpy(dtype=object),
                        "share": share.to_numpy(float)})
    return out.groupby(["row", "person_id"], sort=False, as_index=False)["share"].sum()


def key_shares(frame: pd.DataFrame, rules: pd.DataFrame, first_day, last_day, *,
               role: str | None = None) -> Attribution:
    """Attribute every row of ``frame`` as if it covered ``first_day`` … ``last_day``: each
    row's key split by the share of those days each owner held it. Used to read history
    through the *current* month's ownership (targets follow the scope, not the person)."""
    n = len(frame)
    rules = applicable_rules(rules, frame)
    if n == 0 or rules.empty:
        return Attribution(pd.DataFrame({"row": np.array([], dtype=np.int64), "person_id": [], "share": []}),
                           pd.DataFrame(columns=PROBLEM_COLUMNS))
    key_of_row, keys = _keys_of(frame, rules)
    window = pd.DataFrame({"start": [pd.Timestamp(first_day)] * len(keys), "end": [pd.Timestamp(last_day)] * len(keys)})
    per_key = attribute(pd.concat([keys, window], axis=1), rules, role=role)
    if per_key.links.empty:
        return Attribution(pd.DataFrame({"row": np.array([], dtype=np.int64), "person_id": [], "share": []}),
                           per_key.overlaps)
    rows = pd.DataFrame({"row": np.arange(n), "key": key_of_row})
    links = rows.merge(per_key.links.rename(columns={"row": "key"}), on="key")[LINK_COLUMNS]
    return Attribution(links.reset_index(drop=True), per_key.overlaps)


def unattributed_summary(frame: pd.DataFrame, links: pd.DataFrame, *, table: str, role: str,
                         sales: str | None = None, weight: np.ndarray | None = None) -> pd.DataFrame:
    """Per market: rows and (when ``sales`` names a column) sales, with the part no
    owner of ``role`` holds — ``rows``, ``unattributed_rows``, ``row_share``, ``sales``,
    ``unattributed_sales``, ``sales_share``. ``weight``: each row's weight (e.g. the part
    of a period row inside the month); rows count fractionally."""
    n = len(frame)
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    owned = np.bincount(links["row"].to_numpy(np.int64), weights=links["share"].to_numpy(float), minlength=n)
    missing = np.clip(w - owned * w, 0.0, None)
    amount = (pd.to_numeric(frame[sales], errors="coerce").fillna(0.0).to_numpy(float)
              if sales and sales in frame.columns else np.zeros(n))
    g = pd.DataFrame({"market": frame["market"].astype("string").fillna("?").to_numpy(), "rows": w,
                      "unattributed_rows": missing, "sales": amount * w, "unattributed_sales": amount * missing})
    out = g.groupby("market", sort=True).sum().reset_index()
    out.insert(0, "role", role)
    out.insert(0, "table", table)
    out["row_share"] = out["unattributed_rows"] / out["rows"].where(out["rows"] > 0)
    out["sales_share"] = out["unattributed_sales"] / out["sales"].where(out["sales"] != 0)
    if not sales:
        out[["sales", "unattributed_sales", "sales_share"]] = np.nan
    out["sales_column"] = sales
    return out[["table", "role", "market", "rows", "unattributed_rows", "row_share", "sales_column", "sales",
                "unattributed_sales", "sales_share"]]
