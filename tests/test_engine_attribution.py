"""Attribution: ownership rules with effective dates, per role, on hand-built tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi_lib.engine.attribution import (attribute, campaign_sku_rules, key_shares, prepare_rules,
                                        unattributed_summary)

T = pd.Timestamp


def people(*rows) -> pd.DataFrame:
    """(person_id, role, start_date, end_date)"""
    return pd.DataFrame([{"person_id": p, "name": p, "role": r, "level": "junior", "markets": "US",
                          "start_date": T(s) if s else pd.NaT, "end_date": T(e) if e else pd.NaT}
                         for p, r, s, e in rows])


def ownership(*rows) -> pd.DataFrame:
    """(person_id, store, scope, pattern, from, to)"""
    return pd.DataFrame([{"person_id": p, "market": "US", "store": st, "scope": sc, "pattern": pat,
                          "from_date": T(f), "to_date": T(t) if t else pd.NaT, "source_file": "hr/负责范围.xlsx"}
                         for p, st, sc, pat, f, t in rows])


STAFF = people(("A", "operations", "2020-01-01", None), ("B", "operations", "2020-01-01", None),
               ("C", "customer_service", "2020-01-01", None), ("D", "advertising", "2020-01-01", None))
# A owns PET-* until 2026-10-15, B from 10-16 (a handover mid-month); the CS agent C owns the store.
HANDOVER = ownership(("A", "US-Main", "sku", "PET-*", "2026-01-01", "2026-10-15"),
                     ("B", "US-Main", "sku", "PET-*", "2026-10-16", None),
                     ("B", "US-Main", "sku", "KIT-*", "2026-01-01", None),
                     ("C", "US-Main", "store", "US-Main", "2026-01-01", None))


def rules_for(role: str, own=HANDOVER, staff=STAFF):
    rs = prepare_rules(own, staff)
    return rs, rs.for_role(role)


def orders(*rows) -> pd.DataFrame:
    """(sku, date, sales) in US-Main"""
    return pd.DataFrame([{"market": "US", "store": "US-Main", "sku": s, "asin": None, "start": T(d), "end": T(d),
                          "sales": v} for s, d, v in rows])


def by_person(frame, links, column="sales") -> dict:
    amount = frame[column].to_numpy()[links["row"].to_numpy()] * links["share"].to_numpy()
    return pd.Series(amount).groupby(links["person_id"].to_numpy()).sum().round(6).to_dict()


def test_day_rows_go_to_the_owner_on_their_date():
    o = orders(("PET-1", "2026-10-15", 100.0), ("PET-1", "2026-10-16", 40.0), ("PET-2", "2026-10-31", 10.0),
               ("KIT-9", "2026-10-02", 7.0))
    _, ops = rules_for("operations")
    links = attribute(o, ops).links
    # 10-15 is A's last day, 10-16 B's first: A 100; B 40 + 10 + 7 (KIT) = 57.
    assert by_person(o, links) == {"A": 100.0, "B": 57.0}
    assert (links["share"] == 1.0).all()


def test_period_rows_split_by_days_owned():
    # One monthly Business Report row of PET-1 for October (31 days), sales 310.
    row = pd.DataFrame([{"market": "US", "store": "US-Main", "sku": "PET-1", "asin": None,
                         "start": T("2026-10-01"), "end": T("2026-10-31"), "sales": 310.0}])
    _, ops = rules_for("operations")
    links = attribute(row, ops).links
    # A held PET-1 on 10-01..10-15 = 15 days → 15/31 × 310 = 150; B 16 days → 160.
    assert by_person(row, links) == {"A": 150.0, "B": 160.0}
    assert links["share"].sum() == pytest.approx(1.0)


def test_roles_are_independent_and_specific_scopes_win():
    o = orders(("PET-1", "2026-10-20", 50.0))
    _, cs = rules_for("customer_service")
    assert by_person(o, attribute(o, cs).links) == {"C": 50.0}          # the CS agent owns the store's rows too
    # Within one role, a SKU rule beats a store rule: A owns the store, B a SKU in it.
    own = ownership(("A", "US-Main", "store", "US-Main", "2026-01-01", None),
                    ("B", "US-Main", "sku", "PET-1", "2026-01-01", None))
    rs, ops = rules_for("operations", own)
    o = orders(("PET-1", "2026-10-20", 50.0), ("PET-2", "2026-10-20", 5.0))
    assert by_person(o, attribute(o, ops).links) == {"A": 5.0, "B": 50.0}
    assert rs.problems.empty                                            # precedence, not a conflict


def test_unattributed_rows_are_reported_with_their_share():
    o = orders(("PET-1", "2026-10-20", 60.0), ("TOY-1", "2026-10-20", 30.0), ("TOY-2", "2026-10-21", 10.0))
    o["market"] = "US"
    _, ops = rules_for("operations")
    links = attribute(o, ops).links
    report = unattributed_summary(o, links, table="orders", role="operations", sales="sales")
    (r,) = report.to_dict("records")
    # TOY-* has no owner: 2 of 3 rows (0.667) and 40 of 100 sales (0.4).
    assert (r["rows"], r["unattributed_rows"], r["sales"], r["unattributed_sales"]) == (3.0, 2.0, 100.0, 40.0)
    assert r["row_share"] == pytest.approx(2 / 3) and r["sales_share"] == pytest.approx(0.4)


def test_unowned_days_of_a_period_row_stay_unattributed():
    # A owns TOY-* only from 10-11: of a 31-day row, 21 days are owned.
    own = ownership(("A", "US-Main", "sku", "TOY-*", "2026-10-11", None))
    _, ops = rules_for("operations", own)
    row = pd.DataFrame([{"market": "US", "store": "US-Main", "sku": "TOY-1", "asin": None,
                         "start": T("2026-10-01"), "end": T("2026-10-31"), "sales": 31.0}])
    links = attribute(row, ops).links
    report = unattributed_summary(row, links, table="traffic", role="operations", sales="sales")
    assert by_person(row, links) == {"A": 21.0}
    assert report["unattributed_sales"].iloc[0] == pytest.approx(10.0)     # 10/31 of 31


def test_two_owners_on_one_day_are_reported_with_their_rows():
    own = ownership(("A", "US-Main", "sku", "PET-*", "2026-01-01", "2026-10-20"),
                    ("B", "US-Main", "sku", "PET-*", "2026-10-16", None))      # overlap 10-16..10-20
    _, ops = rules_for("operations", own)
    o = orders(("PET-1", "2026-10-18", 100.0), ("PET-1", "2026-10-25", 8.0))
    att = attribute(o, ops, role="operations")
    # The conflicting day is split equally (nothing counted twice), the later day is B's.
    assert by_person(o, att.links) == {"A": 50.0, "B": 58.0}
    (p,) = att.overlaps.to_dict("records")
    assert p["problem"] == "two_owners" and {p["person_id"], p["other_person_id"]} == {"A", "B"}
    assert (p["source_row"], p["other_source_row"]) == (1, 2)
    assert p["from_date"] == T("2026-10-16") and p["to_date"] == T("2026-10-20")
    assert "two owners for one SKU on the same day" in p["message"] and "PET-1" in p["message"]


def test_owner_missing_from_the_roster_and_leaver_past_last_day():
    staff = people(("A", "operations", "2020-01-01", "2026-10-24"))
    own = ownership(("A", "US-Main", "sku", "OUT-*", "2026-01-01", None), ("Z", "US-Main", "sku", "PET-*", "2026-01-01", None))
    rs = prepare_rules(own, staff)
    kinds = dict(zip(rs.problems["problem"], rs.problems["person_id"]))
    assert kinds == {"owner_not_in_roster": "Z", "owner_left": "A"}
    assert "Z" not in set(rs.rules["person_id"])
    o = orders(("OUT-1", "2026-10-24", 1.0), ("OUT-1", "2026-10-25", 2.0), ("PET-1", "2026-10-25", 4.0))
    # Rows after the leaver's last day and rows of the unknown owner stay unattributed.
    assert by_person(o, attribute(o, rs.for_role("operations")).links) == {"A": 1.0}


def test_wildcards_are_case_insensitive_and_exact_beats_wildcard():
    own = ownership(("A", "US-Main", "sku", "kit-*", "2026-01-01", None),
                    ("B", "US-Main", "sku", "KIT-7", "2026-01-01", None))
    _, ops = rules_for("operations", own)
    o = orders(("KIT-1", "2026-10-01", 1.0), ("KIT-7", "2026-10-01", 2.0))
    assert by_person(o, attribute(o, ops).links) == {"A": 1.0, "B": 2.0}


def test_campaign_rules_give_the_advertised_skus():
    own = ownership(("D", "US-Main", "campaign", "SP-PET-*", "2026-01-01", None))
    rs = prepare_rules(own, STAFF)
    ads = pd.DataFrame([{"market": "US", "store": "US-Main", "campaign": "SP-PET-Auto", "sku": "PET-1",
                         "period_start": T("2026-10-01"), "period_end": T("2026-10-31")},
                        {"market": "US", "store": "US-Main", "campaign": "SP-KIT-Auto", "sku": "KIT-1",
                         "period_start": T("2026-10-01"), "period_end": T("2026-10-31")}])
    derived = campaign_sku_rules(rs.rules, ads)
    assert derived[["person_id", "scope", "pattern"]].values.tolist() == [["D", "sku", "PET-1"]]
    rules = pd.concat([rs.rules, derived], ignore_index=True)
    o = orders(("PET-1", "2026-10-03", 9.0), ("KIT-1", "2026-10-03", 1.0))
    assert by_person(o, attribute(o, rules[rules["role"] == "advertising"]).links) == {"D": 9.0}
    # The ads table itself is attributed by campaign, never by the derived SKU rules.
    ad_rows = ads.rename(columns={"period_start": "start", "period_end": "end"}).assign(sales=[5.0, 3.0], asin=None)
    assert by_person(ad_rows, attribute(ad_rows, rules[rules["role"] == "advertising"]).links) == {"D": 5.0}


def test_key_shares_read_history_through_this_months_ownership():
    # History rows from July are split as October's ownership is: PET 15/31 A, 16/31 B.
    hist = orders(("PET-1", "2026-07-03", 31.0), ("KIT-1", "2026-07-09", 10.0))
    _, ops = rules_for("operations")
    links = key_shares(hist, ops, T("2026-10-01"), T("2026-10-31")).links
    assert by_person(hist, links) == {"A": 15.0, "B": 26.0}


def test_inputs_are_not_mutated():
    o = orders(("PET-1", "2026-10-15", 100.0))
    before = o.copy()
    own_before = HANDOVER.copy()
    _, ops = rules_for("operations")
    attribute(o, ops)
    pd.testing.assert_frame_equal(o, before)
    pd.testing.assert_frame_equal(HANDOVER, own_before)


def test_many_rows_fast_path_matches_one_by_one():
    rng = np.random.default_rng(1)
    skus = [f"PET-{i}" for i in range(50)] + [f"KIT-{i}" for i in range(50)]
    days = pd.date_range("2026-10-01", "2026-10-31")
    o = pd.DataFrame({"market": "US", "store": "US-Main", "sku": rng.choice(skus, 2000), "asin": None,
                      "start": rng.choice(days, 2000)})
    o["end"] = o["start"]
    o["sales"] = 1.0
    _, ops = rules_for("operations")
    got = by_person(o, attribute(o, ops).links)
    pet = o["sku"].str.startswith("PET")
    expect_a = float((pet & (o["start"] <= "2026-10-15")).sum())
    assert got == {"A": expect_a, "B": 2000.0 - expect_a}
