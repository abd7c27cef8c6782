"""`kpi inspect`: what an export is, as JSON, and clear refusals."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

FIX = "tests/fixtures"
KEYS = {"type", "encoding", "language", "header_row", "rows", "market", "period"}


def _inspect(path, *extra):
    return subprocess.run([sys.executable, "-m", "kpi_lib.cli", "inspect", str(path), *extra],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("path, expected", [
    ("amazon/orders_all_jp_cp932.txt", {"type": "amazon_orders", "encoding": "cp932", "market": "JP", "rows": 3}),
    ("amazon/2026-08/BusinessReport-03-09-26.csv",
     {"type": "amazon_business_report", "encoding": "utf-8-sig", "period": "2026-08", "layout": "child_item"}),
    ("amazon/br_child_jp_ja.csv", {"type": "amazon_business_report", "language": "ja", "market": "JP"}),
    ("amazon/br_child_zh_new.csv", {"type": "amazon_business_report", "language": "zh"}),
    ("tiktok/All order-2026-10-08-16_03.csv", {"type": "tiktok_orders", "encoding": "utf-8-sig", "rows": 5}),
])
def test_inspect_json_names_type_encoding_language_header_rows(path, expected):
    proc = _inspect(f"{FIX}/{path}", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert KEYS <= set(report)
    for key, value in expected.items():
        assert report[key] == value, (key, report)


def test_unknown_layout_is_refused_clearly(tmp_path):
    odd = tmp_path / "notes.csv"
    odd.write_text("foo,bar\n1,2\n", encoding="utf-8")
    proc = _inspect(odd)
    assert proc.returncode == 1
    assert "not a known export" in proc.stderr and "Traceback" not in proc.stderr


def test_empty_file_is_refused_clearly(tmp_path):
    empty = tmp_path / "BusinessReport.csv"
    empty.write_bytes(b"")
    proc = _inspect(empty)
    assert proc.returncode == 1 and "empty" in proc.stderr and "Traceback" not in proc.stderr
