"""`kpi demo` end to end, as a consultant runs it: generate, validate, ingest, run the stages,
and a PDF that reads correctly in Chinese."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo_root")
    out = tmp_path_factory.mktemp("demo_out")
    env = {**os.environ, "KPI_OUTPUT_DIR": str(out)}
    proc = subprocess.run([sys.executable, "-m", "kpi_lib.cli", "demo", "--root", str(root)],
                          capture_output=True, text=True, env=env, timeout=900)
    return proc, root, out


def test_demo_exits_cleanly_and_prints_where_things_are(demo_run):
    proc, root, out = demo_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert str(root / "client_configs" / "demo.yaml") in proc.stdout
    quality = json.loads((out / "demo" / "data_quality.json").read_text(encoding="utf-8"))
    assert not quality["errors"]
    assert quality["rows"]["orders"] > 40_000 and quality["rows"]["people"] >= 12
    # The planted LingXing vs Business Report disagreement is caught.
    assert any(c["market"] == "JP" and c["month"] == "2026-09" for c in quality["conflicts"])


def test_diagnosis_report_pdf_has_embedded_cjk_fonts_and_no_code(demo_run):
    proc, root, out = demo_run
    folder = out / "demo" / "2026-10" / "diagnosis"
    pdf = folder / "01_diagnosis.pdf"
    assert pdf.exists(), proc.stdout
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for needle in ["需求诊断", "数据盘点", "数据质量", "团队构成", "深圳示例家居科技有限公司"]:
        assert needle in text, needle
    for code in ["import ", "open_client(", "save_results(", "client_config ="]:
        assert code not in text, code
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts
    pages = subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(folder.parent / "page")],
                           capture_output=True, text=True)
    assert pages.returncode == 0
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["input_files"]
    html = (folder / "01_diagnosis.html").read_text(encoding="utf-8")
    assert "data:image/png;base64" in html and "https://cdn" not in html


def test_ingest_export_writes_one_utf8_csv_per_table_with_base_currency(demo_run, tmp_path):
    proc, root, out = demo_run
    env = {**os.environ, "KPI_OUTPUT_DIR": str(out)}
    export = tmp_path / "tables"
    run = subprocess.run([sys.executable, "-m", "kpi_lib.cli", "ingest", str(root / "client_configs" / "demo.yaml"),
                          "--export", str(export)], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    names = {p.name for p in export.glob("*.csv")}
    assert {"orders.csv", "traffic.csv", "ads.csv", "returns.csv", "inventory.csv", "profit.csv",
            "cs_messages.csv", "people.csv", "ownership.csv"} <= names
    import pandas as pd

    orders = pd.read_csv(export / "orders.csv", encoding="utf-8", low_memory=False)
    assert {"item_sales", "currency", "item_sales_base", "fx_rate"} <= set(orders.columns)
    jp = orders[orders["currency"] == "JPY"]
    # Base amount = local amount × the month's rate, row by row.
    assert (jp["item_sales_base"] - jp["item_sales"] * jp["fx_rate"]).abs().max() < 1e-6
    assert not list(export.glob(".export.*")), "no temporary folder left behind"


def test_demo_runs_every_stage_and_publishes_its_outputs(demo_run):
    proc, root, out = demo_run
    period = out / "demo" / "2026-10"
    for stage, notebook in [("diagnosis", "01_diagnosis"), ("baseline", "02_baseline"), ("targets", "03_target_setting"),
                            ("pilot", "04_pilot_evaluation"), ("retro", "05_monthly_retro")]:
        folder = period / stage
        assert (folder / f"{notebook}.pdf").exists() and (folder / f"{notebook}.html").exists(), stage
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "ok", stage
        assert str(folder / f"{notebook}.pdf") in proc.stdout, f"kpi demo prints where the {stage} report is"
    retro = json.loads((period / "retro" / "results.json").read_text(encoding="utf-8"))
    assert retro["people"] == 16 and sum(retro["ratings"].values()) == 16
    assert retro["total_bonus"] > 0 and retro["currency"] == "CNY"
    assert (period / "retro" / "scorecards.xlsx").exists()
    assert len(list((period / "retro" / "scorecards").glob("scorecard_*.pdf"))) == 16
    baseline = json.loads((period / "baseline" / "results.json").read_text(encoding="utf-8"))
    assert baseline["months"] == ["2026-08", "2026-09", "2026-10"] and len(baseline["baseline_sha256"]) == 64
    targets = json.loads((period / "targets" / "results.json").read_text(encoding="utf-8"))
    assert targets["target_version"] >= 1
    pilot = json.loads((period / "pilot" / "results.json").read_text(encoding="utf-8"))
    assert pilot["decision"] in {"go", "adjust", "stop"}


def test_each_demo_employee_scorecard_shows_only_that_employee(demo_run):
    proc, root, out = demo_run
    import pandas as pd

    from kpi_lib.sources.base import SourceContext, get_adapter

    roster = root / "client_data" / "demo" / "hr" / "花名册.xlsx"
    ctx = SourceContext(type="people", data_dir=roster.parent, store="-")
    people = get_adapter("people").read(roster, ctx).tables["people"]
    cards = sorted((out / "demo" / "2026-10" / "retro" / "scorecards").glob("scorecard_*.pdf"))
    assert len(cards) == len(pd.unique(people["person_id"][people["end_date"].isna() | (people["end_date"] >= "2026-10-01")]))
    for card in cards:
        own = card.stem.removeprefix("scorecard_")
        text = subprocess.run(["pdftotext", str(card), "-"], capture_output=True, text=True, check=True).stdout
        mine = people[people["person_id"] == own].iloc[0]
        assert mine["name"] in text and own in text
        for other in people[people["person_id"] != own].itertuples():
            assert other.person_id not in text, (card.name, other.person_id)
            assert other.name not in text, (card.name, other.name)
