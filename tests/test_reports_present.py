"""Report tables: a target table mixing money, ratios and days reads in each row's unit,
with translated headers, and the input frame is left as it was."""
from __future__ import annotations

import pandas as pd

from kpi_lib.reports.present import present

TARGETS = pd.DataFrame({
    "metric_id": ["gmv", "acos", "days_of_supply", "gross_margin"],
    "unit": ["currency", "ratio", "days", "ratio"],
    "target": [248250.23496, 0.3, 45.0, None],
    "threshold": [198600.187968, 0.36, 60.0, 0.362405],
    "stretch": [297900.281952, 0.25, 30.5, 0.543608],
    "weight": [40.0, 20.0, 20.0, 20.0],
})


def test_each_row_reads_in_its_unit():
    shown = present(TARGETS, "zh", unit_column="unit", by_unit=["target", "threshold", "stretch"])
    assert shown["目标"].tolist() == ["248,250", "30.0%", "45", "—"]
    assert shown["门槛值"].tolist() == ["198,600", "36.0%", "60", "36.2%"]
    assert shown["挑战值"].tolist() == ["297,900", "25.0%", "30.5", "54.4%"]
    assert "单位" not in shown.columns and "unit" not in shown.columns


def test_headers_are_translated_in_english_too():
    shown = present(TARGETS.assign(target_method="historical"), "en", unit_column="unit",
                    by_unit=["target", "threshold", "stretch"])
    assert {"Target", "Threshold", "Stretch", "Target method", "Weight", "Metric"} <= set(shown.columns)


def test_the_input_frame_is_not_changed():
    before = TARGETS.copy()
    present(TARGETS, "zh", unit_column="unit", by_unit=["target", "threshold", "stretch"])
    pd.testing.assert_frame_equal(TARGETS, before)
