"""Hand-built inputs for the report tests: scorecard frames with the engine's columns, and an
executed notebook (written as JSON, no kernel) with every kind of output a report meets."""
from __future__ import annotations

import base64
import io
import json
import subprocess
from pathlib import Path

import pandas as pd

# Distinctive names, ids and figures, so a leak into another person's scorecard is findable.
PEOPLE = [
    # person_id, name, role, level, market, metrics (id, actual, target, attainment, score, weight, exempted, note)
    ("P001", "王海涛", "operations", "senior", "US", [
        ("gmv", 1234567.0, 1100000.0, 1.1223, 106.1, 0.35, False, ""),
        ("gross_margin", 0.2871, 0.30, 0.957, 93.6, 0.25, False, ""),
        ("unit_session_pct", 0.1342, 0.12, 1.118, 111.8, 0.15, False, ""),
        ("days_of_supply", 41.5, 45.0, 1.084, 104.2, 0.15, False, ""),
        ("return_rate", 0.0412, 0.035, 0.823, 64.6, 0.10, False, ""),
    ]),
    ("P002", "李娜", "advertising", "junior", "JP", [
        ("acos", 0.2719, 0.25, 0.919, 87.9, 0.35, False, ""),
        ("tacos", 0.0835, 0.09, 1.077, 107.7, 0.25, False, ""),
        ("ctr", 0.00377, 0.004, 0.9425, 85.6, 0.15, True, "物流延误，经批准免考（审批单 EX-7731）"),
        ("ad_cvr", 0.1196, 0.11, 1.087, 108.7, 0.15, False, ""),
        ("gmv", 876543.0, 950000.0, 0.9227, 80.7, 0.10, False, ""),
    ]),
    ("P003", "陈晓明", "customer_service", "senior", "JP", [
        ("response_rate_24h", 0.9312, 0.95, 0.980, 95.0, 0.30, False, ""),
        ("review_response_hours", 19.7, 24.0, 1.218, 120.0, 0.25, False, ""),
        ("negative_review_rate", 0.0231, 0.02, 0.8455, 69.1, 0.25, False, ""),
        ("odr", 0.0061, 0.005, 0.78, 0.0, 0.20, False, ""),
    ]),
]
TOTALS = {"P001": (97.3, "B", 5873.0), "P002": (93.9, "B", 4419.0), "P003": (71.8, "C", 1287.0)}


def scorecard_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, detail) with exactly the engine's columns."""
    detail = []
    for pid, name, role, level, market, metrics in PEOPLE:
        for mid, actual, target, att, score, weight, exempted, note in metrics:
            detail.append({"person_id": pid, "name": name, "role": role, "level": level, "market": market,
                           "metric_id": mid, "actual": actual, "target": target, "attainment": att,
                           "score": score, "weight": weight, "weighted_score": 0.0 if exempted else score * weight,
                           "exempted": exempted, "note": note})
    summary = []
    for pid, name, role, level, market, _ in PEOPLE:
        total, rating, bonus = TOTALS[pid]
        summary.append({"person_id": pid, "name": name, "role": role, "level": level, "market": market,
                        "total_score": total, "rating": rating, "bonus": bonus, "currency": "CNY",
                        "notes": "ctr 免考，其余权重按比例放大" if pid == "P002" else ""})
    return pd.DataFrame(summary), pd.DataFrame(detail)


def _png_chart() -> tuple[str, dict]:
    """A small chart with Chinese and Japanese labels, as IPython's retina formatter makes it."""
    from kpi_lib.reports.charts import deviation_waterfall

    effects = pd.DataFrame({"effect": ["target", "traffic", "conversion", "price", "actual"],
                            "value": [1_200_000, -150_000, 60_000, -30_000, 1_080_000]})
    fig = deviation_waterfall(effects, language="zh", title="差异分解 · 売上高")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200)
    return base64.b64encode(buf.getvalue()).decode("ascii"), {}


def _md(text: str) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/markdown": text, "text/plain": "<IPython.core.display.Markdown object>"}}


def _html(frame: pd.DataFrame) -> dict:
    return {"output_type": "display_data", "data": {"text/html": frame.to_html(index=False), "text/plain": str(frame)},
            "metadata": {}}


def _code(source: str, outputs: list[dict], tags: list[str] | None = None) -> dict:
    return {"cell_type": "code", "execution_count": 1, "metadata": {"tags": tags or []}, "source": source,
            "outputs": outputs}


def report_notebook(path: Path) -> Path:
    """An executed-looking stage notebook: title, sections, a long table, a wide table, a very
    wide table, a chart, stdout, stderr, a widget, parameters and removed cells."""
    png, meta = _png_chart()
    long = pd.DataFrame({"序号": range(1, 91), "店铺": ["JP-Main 日本站"] * 90,
                         "销售额": [f"{1000 + i * 37:,}" for i in range(90)], "备注": ["正常"] * 90})
    wide = pd.DataFrame({f"指标{i:02d}": [f"{i * 1.5:.1f}%"] for i in range(14)})
    very_wide = pd.DataFrame({f"月度指标名称{i:02d}": [f"{i * 12345:,}"] for i in range(26)})
    cells = [
        {"cell_type": "markdown", "metadata": {"tags": ["remove_cell"]}, "source": "SECRET_REMOVED_MARKDOWN"},
        _code('client_config = "demo.yaml"\nperiod = "2026-10"', [], ["parameters"]),
        _code('client_config = "\\u6d4b\\u8bd5"', [], ["injected-parameters"]),
        _code("import pandas as pd\nfrom kpi_lib.texts import md", [], ["remove_cell"]),
        _code('md("diagnosis.title", lang)', [_md("# 示例客户 · 月度复盘（2026-10）"),
                                              _md("本月复盘覆盖美国站与日本站（日本語：売上高と粗利率）。")]),
        _code("print('hello')\nimport warnings; warnings.warn('x')", [
            {"output_type": "stream", "name": "stdout", "text": "stdout 输出行\n"},
            {"output_type": "stream", "name": "stderr", "text": "UserWarning: STDERR_SHOULD_NOT_APPEAR\n"}]),
        _code("display(long)", [_md("## 1. 销售明细"), _md("下表列出各店铺的销售额。"), _html(long)]),
        _code("display(wide)", [_md("## 2. 宽表"), _html(wide)]),
        _code("display(very_wide)", [_md("## 3. 超宽表"), _md("超宽表横向打印。"), _html(very_wide)]),
        _code("deviation_waterfall(effects);", [
            _md("## 4. 差异分解"),
            {"output_type": "display_data", "metadata": {"image/png": meta},
             "data": {"image/png": png, "text/plain": "<Figure size 800x400 with 1 Axes>"}}]),
        _code("slider", [{"output_type": "display_data", "metadata": {},
                          "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2,
                                                                                "version_minor": 0},
                                   "text/plain": "IntSlider(value=WIDGET_REPR)"}}]),
        _code("fig", [{"output_type": "execute_result", "execution_count": 3, "metadata": {},
                       "data": {"text/plain": "<Figure size 800x400 with 1 Axes>"}}]),
    ]
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                          "language": "python"}},
          "cells": cells}
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


def pdftotext(pdf: Path, *, layout: bool = False, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdffonts(pdf: Path) -> list[dict]:
    """The fonts of a PDF: name and whether it is embedded."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = []
    for line in out[2:]:
        parts = line.split()
        if not parts:
            continue
        # name type... encoding emb sub uni id gen: emb is the 5th field from the end
        rows.append({"name": parts[0], "embedded": parts[-5] == "yes"})
    return rows


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    sizes = []
    for line in out.splitlines():
        if line.startswith("Page") and "size:" in line:
            w, _, h = line.split("size:")[1].split()[:3]
            sizes.append((float(w), float(h)))
    return sizes
