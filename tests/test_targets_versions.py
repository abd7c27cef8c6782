"""The append-only target version store: save / load / list / diff, reasons required,
never overwritten, atomic, checksummed."""
from __future__ import annotations

import datetime as dt
import json
import os

import pandas as pd
import pytest

from kpi_lib.errors import KpiError
from kpi_lib.targets.versions import (client_store, diff_targets, diff_versions, list_versions, load_version,
                                      save_version)

NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)


def targets(gmv=100000.0, acos=0.30, weight=60.0) -> pd.DataFrame:
    return pd.DataFrame({"person_id": ["a", "a", "b"], "market": ["US", "US", "JP"],
                         "metric_id": ["gmv", "acos", "gmv"], "month": ["2026-12"] * 3,
                         "target": [gmv, acos, 5_000_000.0], "threshold": [gmv * 0.8, acos / 0.8, 4_000_000.0],
                         "weight": [weight, 100 - weight, 100.0], "method": ["historical"] * 3})


def test_save_load_list_diff(tmp_path):
    store = client_store(tmp_path, "demo")
    v1 = save_version(store, targets(), "王顾问", "首版目标（基线 8–10 月）", "2026-12", now=NOW)
    assert (v1.version, v1.parent, v1.effective_from, v1.rows) == (1, None, "2026-12-01", 3)
    assert v1.diff == {"added": 3, "removed": 0, "changed": 0, "people_affected": 2}
    v2 = save_version(store, targets(gmv=110000.0, weight=50.0), "王顾问", "GMV +10%", dt.date(2026, 12, 15),
                      settings={"growth_pct": 10})
    assert (v2.version, v2.parent) == (2, 1)
    assert v2.diff == {"added": 0, "removed": 0, "changed": 2, "people_affected": 1}

    listing = list_versions(store)
    assert listing["version"].tolist() == [1, 2]
    assert listing["reason"].tolist() == ["首版目标（基线 8–10 月）", "GMV +10%"]
    assert listing["created_at"].iat[0] == "2026-11-20T09:30:00+00:00"

    latest = load_version(store)
    assert latest.version == 2 and latest.settings == {"growth_pct": 10}
    pd.testing.assert_frame_equal(latest.targets, targets(gmv=110000.0, weight=50.0))
    pd.testing.assert_frame_equal(load_version(store, 1).targets, targets())

    d = diff_versions(store)
    assert d["change"].tolist() == ["changed", "changed"]
    gmv = d[d["metric_id"] == "gmv"].iloc[0]
    assert (gmv["old_target"], gmv["new_target"], gmv["old_weight"], gmv["new_weight"]) == (100000.0, 110000.0, 60.0, 50.0)
    assert len(diff_versions(store, old=None, new=1)) == 3   # a first version: everything added


def test_added_and_removed_rows():
    old = targets()
    new = pd.concat([targets().iloc[:2], targets().iloc[[0]].assign(metric_id="tacos", target=0.1)], ignore_index=True)
    d = diff_targets(old, new).set_index("metric_id")
    assert d.loc["tacos", "change"] == "added" and d.loc["gmv", "change"] == "removed"
    assert d.loc["gmv", "person_id"] == "b"
    assert diff_targets(old, old.copy()).empty


def test_reason_author_and_inputs_are_required(tmp_path):
    for reason in ("", "   ", None):
        with pytest.raises(KpiError, match="needs a reason"):
            save_version(tmp_path, targets(), "王顾问", reason, "2026-12")
    with pytest.raises(KpiError, match="needs an author"):
        save_version(tmp_path, targets(), " ", "why", "2026-12")
    with pytest.raises(KpiError, match="effective_from"):
        save_version(tmp_path, targets(), "a", "why", "next month")
    with pytest.raises(KpiError, match="same key"):
        save_version(tmp_path, pd.concat([targets(), targets()]), "a", "why", "2026-12")
    with pytest.raises(KpiError, match="no targets"):
        save_version(tmp_path, targets().iloc[0:0], "a", "why", "2026-12")
    assert not (tmp_path / "index.json").exists()


def test_never_overwrites_and_leaves_no_temp_files(tmp_path):
    save_version(tmp_path, targets(), "a", "first", "2026-12")
    first = (tmp_path / "v0001.parquet").read_bytes()
    # A stray file where the next version would go: the save refuses instead of overwriting.
    (tmp_path / "v0002.parquet").write_bytes(b"someone else's file")
    with pytest.raises(KpiError, match="never overwritten"):
        save_version(tmp_path, targets(gmv=1.0), "a", "second", "2026-12")
    assert (tmp_path / "v0002.parquet").read_bytes() == b"someone else's file"
    assert (tmp_path / "v0001.parquet").read_bytes() == first
    assert len(json.loads((tmp_path / "index.json").read_text())["versions"]) == 1
    leftovers = [n for n in os.listdir(tmp_path) if n.startswith(".")]
    assert leftovers == []


def test_tampering_and_locks_are_reported(tmp_path):
    save_version(tmp_path, targets(), "a", "first", "2026-12")
    (tmp_path / ".lock").write_text("1234")
    with pytest.raises(KpiError, match="in progress"):
        save_version(tmp_path, targets(gmv=2.0), "a", "second", "2026-12")
    (tmp_path / ".lock").unlink()
    path = tmp_path / "v0001.parquet"
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(KpiError, match="checksum"):
        load_version(tmp_path, 1)
    with pytest.raises(KpiError, match="no version 7"):
        load_version(tmp_path, 7)
    with pytest.raises(KpiError, match="no versions yet"):
        load_version(tmp_path / "empty")
