"""The frozen baseline store: hashed, append-only, atomic, and read back as frozen."""
from __future__ import annotations

import datetime as dt
import json
import warnings

import pandas as pd
import pytest

from kpi_lib.baseline import (BASELINE_COLUMNS, INDEX_FILE, BaselineWarning, baseline_entry, freeze_baseline,
                              list_baselines, load_baseline)
from kpi_lib.errors import KpiError

MONTHS = ["2026-06", "2026-07", "2026-08"]
NOW = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.timezone.utc)


def frame(months=MONTHS) -> pd.DataFrame:
    rows = []
    for m in months:
        for pid, role, market in [("P001", "operations", "US"), ("P005", "operations", "JP")]:
            rows.append([pid, role, market, m, "gmv", 100_000.0 + len(rows), None, None])
            rows.append([pid, role, market, m, "return_rate", 0.05, 5.0, 100.0])
    return pd.DataFrame(rows, columns=BASELINE_COLUMNS)


def test_freeze_and_load_round_trip(tmp_path):
    data = frame().sample(frac=1.0, random_state=1)      # any row order
    before = data.copy()
    entry = freeze_baseline(tmp_path, data, MONTHS, author="周明远", reason="上线前基线", now=NOW)
    pd.testing.assert_frame_equal(data, before)          # the input is not changed
    assert entry["version"] == 1 and entry["months"] == MONTHS and entry["rows"] == 12
    assert entry["people"] == 2 and entry["metrics"] == 2 and entry["warning"] is None
    assert entry["created_at"] == "2026-09-01T08:00:00+00:00" and len(entry["sha256"]) == 64
    loaded = load_baseline(tmp_path)
    assert list(loaded.columns) == BASELINE_COLUMNS
    expected = frame().sort_values(["person_id", "role", "market", "month", "metric_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(loaded, expected, check_dtype=False)
    assert loaded["numerator"].isna().sum() == 6


def test_index_records_every_version_and_versions_are_append_only(tmp_path):
    freeze_baseline(tmp_path, frame(), MONTHS, "a", "first", now=NOW)
    second = frame().assign(value=lambda f: f["value"] * 2)
    freeze_baseline(tmp_path, second, MONTHS, "b", "restated after the ERP fix", now=NOW)
    listed = list_baselines(tmp_path)
    assert list(listed["version"]) == [1, 2] and list(listed["author"]) == ["a", "b"]
    assert list(listed["file"]) == ["baseline-v0001.parquet", "baseline-v0002.parquet"]
    assert load_baseline(tmp_path)["value"].sum() == pytest.approx(2 * load_baseline(tmp_path, 1)["value"].sum())
    index = json.loads((tmp_path / INDEX_FILE).read_text(encoding="utf-8"))
    assert index["baselines"][1]["reason"] == "restated after the ERP fix"
    assert baseline_entry(tmp_path, 1)["author"] == "a"


def test_a_tampered_file_is_an_error(tmp_path):
    freeze_baseline(tmp_path, frame(), MONTHS, "a", "r", now=NOW)
    path = tmp_path / "baseline-v0001.parquet"
    altered = frame().assign(value=lambda f: f["value"] + 1)
    altered.to_parquet(path, index=False)
    with pytest.raises(KpiError, match="changed since it was frozen"):
        load_baseline(tmp_path)
    path.unlink()
    with pytest.raises(KpiError, match="missing"):
        load_baseline(tmp_path)


def test_an_existing_version_is_never_overwritten(tmp_path):
    freeze_baseline(tmp_path, frame(), MONTHS, "a", "r", now=NOW)
    digest = baseline_entry(tmp_path)["sha256"]
    # A file left behind without an index entry (a crash between the two writes) keeps its
    # number: the next version goes after it, and nothing is overwritten.
    orphan = tmp_path / "baseline-v0002.parquet"
    orphan.write_bytes(b"left over")
    entry = freeze_baseline(tmp_path, frame(), MONTHS, "a", "again", now=NOW)
    assert entry["version"] == 3 and orphan.read_bytes() == b"left over"
    assert baseline_entry(tmp_path, 1)["sha256"] == digest
    assert not list(tmp_path.glob(".*tmp*")), "no temp file is left behind"


def test_fewer_than_three_months_warns_and_one_month_is_the_minimum(tmp_path):
    with pytest.warns(BaselineWarning, match="only 1 month"):
        entry = freeze_baseline(tmp_path, frame(["2026-08"]), ["2026-08"], "a", "r", now=NOW)
    assert entry["warning"] and "only 1 month" in list_baselines(tmp_path)["warning"].iat[0]
    with pytest.raises(KpiError, match="at least one month"):
        freeze_baseline(tmp_path, frame(), [], "a", "r")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        freeze_baseline(tmp_path, frame(), MONTHS, "a", "three months do not warn", now=NOW)


@pytest.mark.parametrize("change, message", [
    (lambda f: f.drop(columns=["numerator"]), "lacks the column"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "two rows for one person"),
    (lambda f: f.assign(value=f["value"].astype(object).where(f.index != 0, "n/a")), "value is not a number"),
    (lambda f: f.assign(person_id=f["person_id"].where(f.index != 0, None)), "blank person_id"),
    (lambda f: f.assign(month=f["month"].where(f.index != 0, "2026-09")), "not one of the baseline months"),
    (lambda f: f[f["month"] != "2026-07"], "2026-07 has no rows"),
])
def test_bad_frames_are_refused_with_a_fix(tmp_path, change, message):
    with pytest.raises(KpiError, match=message) as info:
        freeze_baseline(tmp_path, change(frame()), MONTHS, "a", "r")
    assert info.value.fix
    assert list_baselines(tmp_path).empty, "nothing is written when the frame is refused"


def test_author_reason_and_months_are_required(tmp_path):
    with pytest.raises(KpiError, match="author and a reason"):
        freeze_baseline(tmp_path, frame(), MONTHS, "", "r")
    with pytest.raises(KpiError, match="not a month"):
        freeze_baseline(tmp_path, frame(), ["2026-13"], "a", "r")


def test_empty_store_and_unknown_version(tmp_path):
    assert list_baselines(tmp_path / "nothing").empty
    with pytest.raises(KpiError, match="no baseline has been frozen"):
        load_baseline(tmp_path)
    freeze_baseline(tmp_path, frame(), MONTHS, "a", "r", now=NOW)
    with pytest.raises(KpiError, match="version 7 does not exist"):
        load_baseline(tmp_path, 7)


def test_a_stale_lock_blocks_writers_with_a_clear_message(tmp_path, monkeypatch):
    import kpi_lib.baseline as baseline

    (tmp_path / baseline.LOCK_FILE).write_text("")
    original = baseline._locked
    monkeypatch.setattr(baseline, "_locked", lambda store, timeout=10.0: original(store, timeout=0.1))
    with pytest.raises(KpiError, match="being frozen"):
        freeze_baseline(tmp_path, frame(), MONTHS, "a", "r")


def test_store_dir_is_per_client(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from kpi_lib.baseline import baseline_store_dir

    monkeypatch.setenv("KPI_OUTPUT_DIR", str(tmp_path))
    config = SimpleNamespace(client_id="acme", config_path=None)
    assert baseline_store_dir(config) == tmp_path / "acme" / "baseline"
