"""Confidentiality: one client's data never reaches another client's outputs; buyers'
personal data never reaches any output or cache; a secret given as ``${ENV_VAR}`` never
reaches an output, notebook, manifest or log.

Real stage notebook (notebooks/01_diagnosis.ipynb: it ingests, reports and exports HTML/PDF),
real export formats, real commands (`kpi batch`, `kpi run`, `kpi ingest --export`). Every
file under the outputs is read as text (parquet caches cell by cell, PDFs through pdftotext,
xlsx/zip members, everything else byte for byte).
"""
from __future__ import annotations

import re
import uuid
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.badinput.harness import ROOT, assert_no_traceback, kpi, output_texts, run_all

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLIENTS = ("alpha", "beta", "gamma")
SECRET = f"tok-{uuid.uuid4().hex}"           # the value of ${ERP_TOKEN} in every run


def marker(client: str) -> str:
    return f"ZQ{client.upper()}7X"


def write_marked_client(root: Path, client: str) -> Path:
    """A tiny client in the real formats whose SKUs, product names, store, employee names
    and client name all carry its marker."""
    m = marker(client)
    data = root / client / "data"
    (data / "orders").mkdir(parents=True)
    (data / "br" / "2026-07").mkdir(parents=True)
    (data / "hr").mkdir()
    orders = (FIXTURES / "amazon" / "orders_all_us.txt").read_text(encoding="utf-8")
    orders = orders.replace("5K-SC4U-PO06", f"{m}-SKU").replace("BasicGear", f"{m} Gear")
    (data / "orders" / "All-Orders-2026-07.txt").write_text(orders, encoding="utf-8")
    report = (FIXTURES / "amazon" / "br_child_us_en.csv").read_text(encoding="utf-8-sig")
    report = report.replace("5K-SC4U-PO06", f"{m}-SKU").replace("BasicGear", f"{m} Gear")
    (data / "br" / "2026-07" / "BusinessReport.csv").write_text(report, encoding="utf-8-sig")
    roster = (FIXTURES / "templates" / "people_en.csv").read_text(encoding="utf-8-sig")
    (data / "hr" / "people.csv").write_text(roster.replace("Alice Wu", f"Alice {m}"), encoding="utf-8")
    config = {
        "client_id": client, "name": f"Client {m}", "report_language": "en",
        "markets": [{"id": "US", "stores": [{"id": f"{m}-Store", "platform": "amazon"}]}],
        "fx_rates": {"USD": {"2026-06": 7.1, "2026-07": 7.1}}, "data_dir": "data",
        "sources": [{"type": "amazon_orders", "market": "US", "store": f"{m}-Store", "path": "orders/*.txt",
                     "credentials": {"token": "${ERP_TOKEN}"}},
                    {"type": "amazon_business_report", "market": "US", "store": f"{m}-Store", "path": "br/*/*.csv"},
                    {"type": "people", "path": "hr/people.csv"}],
    }
    path = root / client / f"{client}.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_demo_subset(root: Path) -> Path:
    """The demo client's October exports that carry buyer data (Shopify, TikTok, Amazon
    orders and returns, the CS log) plus roster and ownership, with ``${ERP_TOKEN}``."""
    from kpi_lib.demo import generate_demo

    demo = generate_demo(root / "demo")
    config = yaml.safe_load(demo.config_path.read_text(encoding="utf-8"))
    keep = {"shopify_orders": "raw/shopify/orders_export_2026-10.csv", "tiktok_orders": "raw/tiktok/All order-2026-1*.csv",
            "cs_messages": "raw/cs/客服消息记录-2026-10.csv", "people": None, "ownership": None}
    sources = []
    for source in config["sources"]:
        path = source["path"]
        if source["type"] in keep:
            source["path"] = keep[source["type"]] or path
        elif source["type"] in {"amazon_orders", "amazon_returns"}:
            source["path"] = path.replace("-*.txt", "-2026-10.txt")
        else:
            continue
        sources.append(source)
    sources[0]["credentials"] = {"token": "${ERP_TOKEN}"}
    config.update(client_id="piicheck", data_dir=str(demo.data_dir), sources=sources)
    path = root / "piicheck.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def buyer_data(data_dir: Path) -> set[str]:
    """Buyer e-mails, names, phones and street addresses in the demo's raw exports."""
    values: set[str] = set()
    shopify = pd.read_csv(data_dir / "raw" / "shopify" / "orders_export_2026-10.csv", dtype=str)
    for column in ("Email", "Billing Name", "Billing Street", "Billing Address1", "Billing Phone", "Shipping Name",
                   "Shipping Street", "Shipping Address1", "Shipping Phone", "Phone"):
        values |= set(shopify[column].dropna())
    for file in (data_dir / "raw" / "tiktok").glob("All order-2026-1*.csv"):
        tiktok = pd.read_csv(file, dtype=str, skiprows=[1], encoding="utf-8-sig")
        for column in ("Buyer Username", "Buyer Nickname", "Recipient", "Phone #", "Address Line 1"):
            values |= set(tiktok[column].dropna().str.strip())
    return {v.strip() for v in values if len(v.strip()) >= 6}


TOKEN = re.compile(r"[\w@.+-]+")


def found_in(text: str, values: set[str]) -> set[str]:
    """The values that occur in ``text`` (checked in full only when their longest word does)."""
    words = set(TOKEN.findall(text))
    return {v for v in values if max(TOKEN.findall(v), key=len, default=v) in words and v in text}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("isolation")
    out = root / "outputs"
    configs = [write_marked_client(root / "clients", c) for c in CLIENTS]
    pii = write_demo_subset(root)
    # The real stage notebooks, whatever the calling environment says.
    env_real = {"KPI_OUTPUT_DIR": str(out), "ERP_TOKEN": SECRET, "KPI_NOTEBOOKS_DIR": str(ROOT / "notebooks")}
    procs = run_all({
        "batch": (["batch", "--stage", "diagnosis", "--period", "2026-07", "--jobs", "2", *configs], env_real),
        "run": (["run", pii, "--stage", "diagnosis", "--period", "2026-10"], env_real),
        "export": (["ingest", pii, "--export", out / "piicheck" / "export"], env_real),
    }, workers=3)
    data_dir = Path(yaml.safe_load(pii.read_text(encoding="utf-8"))["data_dir"])
    return {"root": root, "out": out, "procs": procs, "buyers": buyer_data(data_dir),
            "buyers_file": data_dir / "raw" / "shopify" / "orders_export_2026-10.csv"}


def test_the_runs_succeed(runs):
    for name, proc in runs["procs"].items():
        assert proc.returncode == 0, (name, proc.stdout[-2000:], proc.stderr[-3000:])
        assert_no_traceback(proc)
    for client in CLIENTS:
        assert (runs["out"] / client / "2026-07" / "diagnosis" / "01_diagnosis.pdf").exists()
    assert (runs["out"] / "piicheck" / "2026-10" / "diagnosis" / "01_diagnosis.pdf").exists()


@pytest.mark.parametrize("client", CLIENTS)
def test_no_marker_of_another_client_in_any_output(runs, client):
    texts = output_texts(runs["out"] / client)
    kinds = {Path(name).suffix for name in texts}
    assert {".parquet", ".ipynb", ".html", ".pdf", ".json"} <= kinds, kinds   # caches and reports were read
    own = marker(client)
    # Positive control: the client's own marker is there to be found, in its cache and its report.
    assert any(own in t for n, t in texts.items() if n.endswith(".parquet"))
    assert any(own in t for n, t in texts.items() if n.endswith(".html"))
    for other in CLIENTS:
        if other != client:
            leaks = [name for name, text in texts.items() if marker(other) in text]
            assert not leaks, f"{other}'s data in {client}'s outputs: {leaks}"


def test_no_buyer_data_in_any_output_or_cache(runs):
    buyers = runs["buyers"]
    assert len(buyers) > 100 and any("@example.com" in b for b in buyers)
    texts = output_texts(runs["out"])
    assert any(n.startswith("piicheck/.cache/") and n.endswith(".parquet") for n in texts)
    assert any(n.startswith("piicheck/export/") for n in texts)
    leaks = {(name, value) for name, text in texts.items() for value in found_in(text, buyers)}
    assert not leaks, sorted(leaks)[:20]
    raw = runs["buyers_file"].read_text(encoding="utf-8")
    assert len(found_in(raw, buyers)) > 100           # the search finds them where they are


def test_the_secret_appears_in_no_output_notebook_manifest_or_log(runs):
    for name, proc in runs["procs"].items():
        assert SECRET not in proc.stdout + proc.stderr, name
    texts = output_texts(runs["out"])
    assert any(n.endswith("manifest.json") for n in texts) and any(n.endswith(".ipynb") for n in texts)
    assert not [name for name, text in texts.items() if SECRET in text]
