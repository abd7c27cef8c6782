"""Scorecard assembly on a hand-built client (joiner, two markets, exemption, roll-ups) and
`kpi scorecard` / `kpi explain` on the demo client (one shared ingest for the module)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kpi_lib.config.loader import layer_defaults
from kpi_lib.config.models import ClientConfig
from kpi_lib.engine.scorecard import build_scorecard, weights_for
from kpi_lib.errors import KpiError

T = pd.Timestamp


def _config(**extra) -> ClientConfig:
    data = {"client_id": "t", "markets": [{"id": "US"}, {"id": "JP"}], "data_dir": ".", "base_currency": "CNY",
            "report_language": "en",
            "roles": {"operations": {"template": "operations",
                                     "weights": {"default": {"gmv": 60, "return_rate": 40},
                                                 "JP": {"gmv": 60, "return_rate": 40}}}},
            "bonus": {"currency": "CNY", "target_bonus": {"junior": 1000, "senior": 2000},
                      "multiplier": [{"rating": r, "multiplier": m} for r, m in
                                     [("S", 1.3), ("A", 1.0), ("B", 0.8), ("C", 0.5), ("D", 0.0)]]},
            **extra}
    return ClientConfig.model_validate(layer_defaults(data))


def _orders(rows):
    """(store, market, sku, day, sales) — 10 units a line, base currency"""
    return pd.DataFrame([{"order_id": f"o{i}", "market": m, "platform": "amazon", "store": st, "sku": s,
                          "asin": None, "quantity": 10.0, "item_sales": v, "currency": "CNY", "order_date": T(d),
                          "status": "shipped", "source_file": f"orders-{d[:7]}.txt", "fx_rate": 1.0,
                          "item_sales_base": v} for i, (st, m, s, d, v) in enumerate(rows)])


HISTORY = [(st, m, s, f"2026-{mm:02d}-10", v) for mm in (7, 8, 9)
           for st, m, s, v in [("US-Main", "US", "PET-1", 1500.0), ("US-Main", "US", "KIT-1", 310.0),
                               ("US-Main", "US", "TOY-1", 600.0), ("JP-Main", "JP", "KIT-9", 200.0)]]
OCTOBER = [("US-Main", "US", "PET-1", "2026-10-05", 1000.0), ("US-Main", "US", "PET-1", "2026-10-20", 500.0),
           ("US-Main", "US", "KIT-1", "2026-10-10", 200.0),       # before B joins: nobody owns KIT-* yet
           ("US-Main", "US", "KIT-1", "2026-10-20", 300.0),
           ("US-Main", "US", "TOY-1", "2026-10-07", 600.0), ("JP-Main", "JP", "KIT-9", "2026-10-08", 200.0)]
RETURNS = pd.DataFrame([{"market": m, "store": st, "sku": s, "asin": None, "order_id": None, "return_date": T(d),
                         "quantity": 1.0, "reason": None, "source_file": "returns.txt"}
                        for st, m, s, d in [("US-Main", "US", "PET-1", f"2026-{mm:02d}-15") for mm in (7, 8, 9, 10)]
                        + [("JP-Main", "JP", "KIT-9", "2026-10-25"), ("US-Main", "US", "TOY-1", "2026-08-03")]])
PEOPLE = pd.DataFrame([
    {"person_id": "A", "name": "Ann", "role": "operations", "level": "senior", "team": "US team", "markets": "US",
     "start_date": T("2024-01-01"), "end_date": pd.NaT},
    {"person_id": "B", "name": "Bo", "role": "operations", "level": "junior", "team": "US team", "markets": "US",
     "start_date": T("2026-10-16"), "end_date": pd.NaT},
    {"person_id": "E", "name": "Eve", "role": "operations", "level": "senior", "team": "Global", "markets": "US,JP",
     "start_date": T("2024-01-01"), "end_date": pd.NaT},
    {"person_id": "X", "name": "Xi", "role": "operations", "level": "junior", "team": "US team", "markets": "US",
     "start_date": T("2024-01-01"), "end_date": T("2026-09-30")}])        # left before October
OWN = pd.DataFrame([{"person_id": p, "market": m, "store": st, "scope": sc, "pattern": pat, "from_date": T(f),
                     "to_date": pd.NaT, "source_file": "own.xlsx"}
                    for p, m, st, sc, pat, f in [("A", "US", "US-Main", "sku", "PET-*", "2024-01-01"),
                                                 ("B", "US", "US-Main", "sku", "KIT-*", "2026-10-16"),
                                                 ("E", "US", "US-Main", "sku", "TOY-*", "2024-01-01"),
                                                 ("E", "JP", "JP-Main", "store", "JP-Main", "2024-01-01")]])
TABLES = {"people": PEOPLE, "ownership": OWN, "orders": _orders(HISTORY + OCTOBER), "returns": RETURNS}
EXEMPT = [{"id": "jp-port", "kind": "logistics_delay", "market": "JP", "start": "2026-10-05", "end": "2026-10-20",
           "metrics": ["gmv"], "evidence": "port congestion notice", "approved_by": "GM"}]


@pytest.fixture(scope="module")
def card():
    return build_scorecard(_config(exemptions=EXEMPT), TABLES, "2026-10")


def test_every_active_person_has_rows_and_weights_sum_to_one(card):
    rows = card.rows
    assert set(rows["person_id"]) == {"A", "B", "E"}                   # X left in September
    assert rows.groupby("person_id")["weight"].sum().to_dict() == pytest.approx({"A": 1.0, "B": 1.0, "E": 1.0})


def test_actuals_follow_ownership_dates(card):
    gmv = card.rows[card.rows["metric_id"] == "gmv"].set_index(["person_id", "market"])["actual"]
    # A: 1000 + 500; B joined 10-16 and owns KIT-* from then: only the 10-20 line (300);
    # the 10-10 KIT line (200) is unattributed and reported.
    assert gmv[("A", "US")] == 1500.0 and gmv[("B", "US")] == 300.0
    assert gmv[("E", "US")] == 600.0 and gmv[("E", "JP")] == 200.0
    u = card.unattributed.set_index(["table", "market"])
    assert u.loc[("orders", "US"), "unattributed_sales"] == pytest.approx(200.0)
    assert u.loc[("orders", "US"), "sales_share"] == pytest.approx(200 / 2600)


def test_two_markets_weighted_by_sales_share(card):
    e = card.rows[card.rows["person_id"] == "E"].set_index(["market", "metric_id"])
    # E sold 600 in US and 200 in JP: shares 0.75 / 0.25 of the 60/40 weights.
    assert e.loc[("US", "gmv"), "weight"] == pytest.approx(0.45)
    assert e.loc[("US", "return_rate"), "weight"] == pytest.approx(0.30)
    assert e.loc[("JP", "gmv"), "weight"] == pytest.approx(0.15)
    assert e.loc[("JP", "return_rate"), "weight"] == pytest.approx(0.10)


def test_joiner_target_and_prorated_bonus(card):
    b = card.rows[(card.rows["person_id"] == "B") & (card.rows["metric_id"] == "gmv")].iloc[0]
    # B's scope in October: KIT-* for 16 of 31 days; history 310 a month → 160, × junior 0.9 = 144.
    assert b["target"] == pytest.approx(310 * 16 / 31 * 0.9)
    s = card.summary.set_index("person_id")
    assert s.loc["B", "days_worked"] == 16 and s.loc["B", "prorate"] == pytest.approx(16 / 31)
    mult = {"S": 1.3, "A": 1.0, "B": 0.8, "C": 0.5, "D": 0.0}[s.loc["B", "rating"]]
    assert s.loc["B", "bonus"] == pytest.approx(1000 * mult * 16 / 31)
    assert (s["currency"] == "CNY").all()


def test_lower_is_better_return_rate_scored_against_its_target(card):
    a = card.rows[(card.rows["person_id"] == "A") & (card.rows["metric_id"] == "return_rate")].iloc[0]
    # October: 1 unit returned of 20 sold = 5 %; history 3 returned of 30 sold = 10 %;
    # a senior's target is stricter for a lower-is-better metric: 10 % ÷ 1.05 = 9.52 %.
    assert a["actual"] == pytest.approx(0.05)
    assert a["target"] == pytest.approx(0.10 / 1.05)
    # Attainment = target ÷ actual = 1.905, capped at the curve's cap 1.2 → cap score 120.
    assert a["attainment"] == pytest.approx(1.2) and a["score"] == pytest.approx(120.0)


def test_exemption_renormalises_the_other_weights(card):
    e = card.rows[card.rows["person_id"] == "E"].set_index(["market", "metric_id"])
    assert bool(e.loc[("JP", "gmv"), "exempted"]) and not bool(e.loc[("US", "gmv"), "exempted"])
    assert "jp-port" in e.loc[("JP", "gmv"), "note"]
    counted = e[~e["exempted"].astype(bool)]
    assert counted["effective_weight"].sum() == pytest.approx(1.0)
    # 0.45 / 0.85 for US gmv once the JP gmv weight (0.15) is left out.
    assert e.loc[("US", "gmv"), "effective_weight"] == pytest.approx(0.45 / 0.85)
    total = card.summary.set_index("person_id").loc["E", "total_score"]
    assert total == pytest.approx((counted["effective_weight"] * counted["score"]).sum())


def test_rollups_are_ratio_of_sums(card):
    r = card.rollups
    client = r[(r["level"] == "client") & (r["metric_id"] == "return_rate")].iloc[0]
    rows = card.rows[card.rows["metric_id"] == "return_rate"]
    # Σ returned ÷ Σ sold over every person and market, not the mean of their rates.
    assert client["actual"] == pytest.approx(rows["numerator"].sum() / rows["denominator"].sum())
    assert client["actual"] != pytest.approx(rows["actual"].mean())
    gmv = r[(r["level"] == "team") & (r["metric_id"] == "gmv")].set_index("team")
    assert gmv.loc["US team", "actual"] == 1800.0


def test_tier_weights_override_role_weights():
    spec = {"weights": {"default": {"gmv": 100}}, "tiers": {"junior": {"weights": {"JP": {"gmv": 50, "acos": 50}}}}}
    assert weights_for(spec, "JP", "junior") == {"gmv": 50, "acos": 50}
    assert weights_for(spec, "US", "junior") == {"gmv": 100} and weights_for(spec, "JP", "senior") == {"gmv": 100}


def test_nobody_employed_and_missing_tables_are_clear_errors():
    with pytest.raises(KpiError, match="nobody in the roster"):
        build_scorecard(_config(), TABLES, "2019-01")
    with pytest.raises(KpiError, match="ownership"):
        build_scorecard(_config(), {k: v for k, v in TABLES.items() if k != "ownership"}, "2026-10")


def test_inputs_are_not_mutated(card):
    before = {k: v.copy() for k, v in TABLES.items()}
    build_scorecard(_config(), TABLES, "2026-10")
    for k, v in TABLES.items():
        pd.testing.assert_frame_equal(v, before[k])


# -- the demo client, end to end ------------------------------------------------------------
@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo generated and ingested once; the ingest cache sits where the tests'
    KPI_OUTPUT_DIR points, so the CLI runs below read it from the cache."""
    from kpi_lib.demo import generate_demo
    from kpi_lib.session import open_client

    root = tmp_path_factory.mktemp("demo-scorecard")
    generated = generate_demo(root)
    old = os.environ.get("KPI_OUTPUT_DIR")
    os.environ["KPI_OUTPUT_DIR"] = str(tmp_path_factory.getbasetemp() / "outputs")
    try:
        session = open_client(generated.config_path)
    finally:
        if old is None:
            os.environ.pop("KPI_OUTPUT_DIR")
        else:
            os.environ["KPI_OUTPUT_DIR"] = old
    return generated.config_path, session, build_scorecard(session.config, session.tables, "2026-10")


@pytest.mark.slow
def test_demo_scorecard_is_plausible_for_every_active_person(demo):
    _, session, card = demo
    people = session.tables["people"]
    assert set(card.summary["person_id"]) == set(people["person_id"])   # all 16 employed in October
    assert card.rows.groupby("person_id")["weight"].sum().to_numpy() == pytest.approx(1.0)
    assert card.problems.empty, card.problems["message"].tolist()
    s = card.summary.set_index("person_id")
    no_total = s[s["total_score"].isna()]
    assert no_total.empty or (no_total["n_scored"] == 0).all()
    assert s["total_score"].between(30, 125).all()
    # The leaver and the joiner are prorated; the JP operators have gmv and stockout_days exempted.
    assert s.loc["P003", "days_worked"] == 24 and s.loc["P007", "days_worked"] == 19
    jp_ops = card.rows[(card.rows["person_id"].isin(["P005", "P006"])) & card.rows["exempted"].astype(bool)]
    assert set(jp_ops["metric_id"]) == {"gmv", "stockout_days"}
    # The handover splits PET-* by date: both P003 and P004 have US gmv; the client total is
    # the operators' sum and nothing of the operations role is unattributed.
    u = card.unattributed
    ops = u[(u["role"] == "operations") & (u["table"] == "orders")]
    assert ops["unattributed_rows"].sum() == 0
    # Two-market staff get one row set per market.
    assert set(card.rows.loc[card.rows["person_id"] == "P014", "market"]) == {"US", "JP"}
    assert card.bonus is not None and card.bonus.total_paid <= 80000 + 1e-6


@pytest.mark.slow
def test_kpi_scorecard_and_explain_cli(demo, tmp_path):
    from kpi_lib.cli import app
    from kpi_lib.engine.lineage import explain

    config, session, card = demo
    runner = CliRunner()
    out = runner.invoke(app, ["scorecard", str(config), "--period", "2026-10", "--export", str(tmp_path)])
    assert out.exit_code == 0, out.output
    rows = pd.read_csv(tmp_path / "scorecards.csv", encoding="utf-8")
    summary = pd.read_csv(tmp_path / "summary.csv", encoding="utf-8")
    assert len(summary) == 16 and {"person_id", "metric_id", "actual", "target", "score", "weight"} <= set(rows.columns)
    assert "P004" in out.output

    res = runner.invoke(app, ["explain", str(config), "--period", "2026-10", "--person", "P004", "--metric", "gmv"])
    assert res.exit_code == 0, res.output
    assert "All-Orders-2026-10.txt" in res.output and "7.18" in res.output            # file and FX rate
    assert "trailing 3-month mean" in res.output and "2026-07,2026-08,2026-09" in res.output
    # The explained numerator reproduces the scorecard's actual, for a ratio metric too.
    for person, metric in (("P004", "gmv"), ("P008", "acos"), ("P005", "gmv")):
        e = explain(card, person, metric)
        row = card.rows[(card.rows["person_id"] == person) & (card.rows["metric_id"] == metric)].iloc[0]
        got = e.data["markets"][row["market"]]
        assert got["actual"] == pytest.approx(row["actual"])
        assert got["numerator"] == pytest.approx(row["numerator"])
        assert sum(f[formula] for f in got["files"] for formula in [("gmv_sales" if metric == "gmv" else "ad_spend")]) \
            == pytest.approx(row["numerator"])
    assert "jp-inbound-delay-2026-10" in explain(card, "P005", "gmv").text()

    bad = runner.invoke(app, ["explain", str(config), "--period", "2026-10", "--person", "P004", "--metric", "gmx"])
    assert bad.exit_code != 0 and "gmv" in str(bad.exception)
    with pytest.raises(KpiError, match="did you mean 'P004'"):
        explain(card, "P0004", "gmv")


def test_saved_target_version_replaces_the_historical_target():
    base = build_scorecard(_config(exemptions=EXEMPT), TABLES, "2026-10")
    row = base.rows[(base.rows["person_id"] == "A") & (base.rows["metric_id"] == "gmv")].iloc[0]
    saved = pd.DataFrame([{"person_id": "A", "market": row["market"], "metric_id": "gmv", "month": "2026-10",
                           "target": row["target"] * 2, "threshold": row["threshold"] * 2, "stretch": row["stretch"] * 2},
                          {"person_id": "A", "market": row["market"], "metric_id": "gmv", "month": "2026-11",
                           "target": 1.0, "threshold": 1.0, "stretch": 1.0}])           # another month: ignored
    card = build_scorecard(_config(exemptions=EXEMPT), TABLES, "2026-10", saved_targets=saved, target_version=3)
    got = card.rows[(card.rows["person_id"] == "A") & (card.rows["metric_id"] == "gmv")].iloc[0]
    assert got["target"] == pytest.approx(row["target"] * 2) and got["target_method"] == "version 3"
    # Doubling a higher-is-better target halves the attainment.
    assert got["attainment"] == pytest.approx(row["attainment"] / 2, rel=1e-6)
    other = card.rows[(card.rows["person_id"] == "B") & (card.rows["metric_id"] == "gmv")]
    assert (other["target_method"] != "version 3").all()
