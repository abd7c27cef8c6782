"""The bad-input corpus (tests/badinput/) through the user-facing path.

Every case runs alone through ``ingest()`` exactly as ``kpi validate`` calls it, and all
cases of a kind together through ``kpi validate`` / ``kpi ingest --export`` /
``kpi inspect`` in subprocesses (sharing a few subprocesses keeps this fast). Each run
proves: no raw traceback, a clear message naming file, row/column, expectation and fix
(or the documented handling), raw files byte-identical before and after, and complete
CSVs or none.
"""
from __future__ import annotations

import ast
import errno
import json
from pathlib import Path

import pandas as pd
import pytest

from kpi_lib.config import load_config
from kpi_lib.errors import ConfigError, KpiError
from kpi_lib.ingest.export import MARKER, export_tables
from kpi_lib.ingest.pipeline import ingest
from kpi_lib.ingest.quality import build_report, describe
from tests.badinput import corpus
from tests.badinput.corpus import BY_ID, FX, Case, Expect, by_kind
from tests.badinput.harness import ROOT, assert_no_traceback, kpi, run_all, tree_hashes

ERRORS, HANDLED, CONFIGS = by_kind("error"), by_kind("handled"), by_kind("config")
FX_ALL = {cur: {**rates, "2026-11": rates["2026-10"]} for cur, rates in FX.items()}
# Config cases that show together that one pass reports every problem of a config.
CONFIG_GROUPS = {
    "schema": ["misspelt_config_key", "exemption_ends_before_start", "path_escapes_data_dir"],
    "semantics": ["misspelt_metric_id", "weights_not_100", "symlink_folder_outside", "only_a_partial_download"],
    "yaml": ["invalid_yaml"], "secret": ["secret_in_config"], "folder": ["config_is_a_folder"],
}
CONTROL = "crlf_with_bom"    # a good file in the error client: the others' failures must not stop it


def ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


def run_ingest(config: Path):
    """What ``kpi validate`` does: load the config, ingest, build the data-quality summary."""
    result = ingest(load_config(config))
    return result, describe(build_report(result), "en")


def assert_error(err: KpiError, expect: Expect, case_id: str, config: Path | None = None) -> None:
    assert expect.message in err.message, str(err)
    if expect.fix:
        assert expect.fix in (err.fix or ""), str(err)
    if expect.file:
        assert err.file == f"{case_id}/{expect.file}", str(err)
    elif config is not None:
        assert err.file == str(config), str(err)
    for name in ("row", "column", "found", "key"):
        wanted = getattr(expect, name)
        if wanted is not None:
            assert getattr(err, name) == wanted if name != "found" else str(err.found) == wanted, (name, str(err))
    assert err.kind == expect.kind


def line_for(stderr: str, needle: str) -> str:
    lines = [ln for ln in stderr.splitlines() if needle in ln]
    assert len(lines) == 1, f"expected one line with {needle!r} in:\n{stderr}"
    return lines[0]


def config_errors(path: Path) -> list[ConfigError]:
    with pytest.raises(KpiError) as info:
        load_config(path)
    return list(getattr(info.value, "errors", [info.value]))


def config_path_for(root: Path, cases: list[Case]) -> Path:
    path = corpus.write_config_case(root, cases)
    return path.parent if any(c.id == "config_is_a_folder" for c in cases) else path


# -- the index ------------------------------------------------------------------------------
def test_corpus_index_is_complete_and_points_at_real_tests():
    assert len(corpus.CASES) >= 30
    defined = {n.name for n in ast.parse(Path(__file__).read_text(encoding="utf-8")).body
               if isinstance(n, ast.FunctionDef)}
    for case in corpus.CASES:
        assert case.what and case.expected, case.id
        assert set(case.tests) <= defined, (case.id, set(case.tests) - defined)
        assert case.kind not in {"error", "config"} or case.error is not None, case.id
        for ref in case.covered_by:
            file, name = ref.split("::")
            assert f"def {name}(" in (ROOT / file).read_text(encoding="utf-8"), ref
    for group in CONFIG_GROUPS.values():
        assert all(BY_ID[i].kind == "config" for i in group)
    assert sorted(i for g in CONFIG_GROUPS.values() for i in g) == sorted(ids(CONFIGS))


def test_index_file_is_current():
    index = Path(corpus.__file__).with_name("INDEX.md").read_text(encoding="utf-8")
    assert index == corpus.index_markdown(), "run: python -m tests.badinput.corpus > tests/badinput/INDEX.md"


# -- one case at a time, in process --------------------------------------------------------
@pytest.mark.parametrize("case", ERRORS, ids=ids(ERRORS))
def test_error_case_in_process(case, tmp_path):
    config = corpus.write_client(tmp_path, "one", [case], fx=FX)
    before = tree_hashes(tmp_path / "data")
    result, lines = run_ingest(config)
    (err,) = result.errors
    assert_error(err, case.error, case.id, config=config.resolve())
    assert err.client == "one"
    if case.error.kind == "source":
        assert [r.error is err for r in result.files] == [True]
        assert any("1 file(s) could not be read" in ln for ln in lines)
    assert tree_hashes(tmp_path / "data") == before, "raw files must never be modified"


@pytest.mark.parametrize("case", HANDLED, ids=ids(HANDLED))
def test_handled_case_in_process(case, tmp_path):
    config = corpus.write_client(tmp_path, "one", [case], fx=FX_ALL)
    before = tree_hashes(tmp_path / "data")
    result, lines = run_ingest(config)
    assert not result.errors, [str(e) for e in result.errors]
    for expected in case.lines:
        assert any(expected in ln for ln in lines), (expected, lines)
    if case.check:
        case.check(result)
    assert tree_hashes(tmp_path / "data") == before


@pytest.mark.parametrize("case", CONFIGS, ids=ids(CONFIGS))
def test_config_case_in_process(case, tmp_path):
    root = tmp_path / "client"
    path = config_path_for(root, [case])
    outside = tree_hashes(tmp_path)
    errors = config_errors(path)
    expect = case.error
    matching = [e for e in errors if expect.message in e.message]
    assert len(matching) == 1, [str(e) for e in errors]
    err = matching[0]
    for name in ("key", "row"):
        if getattr(expect, name) is not None:
            assert getattr(err, name) == getattr(expect, name), str(err)
    assert expect.fix is None or expect.fix in (err.fix or ""), str(err)
    assert err.file in {str(path), str(path.resolve())}, str(err)
    assert corpus.PLAIN_SECRET not in "".join(str(e) for e in errors)
    assert tree_hashes(tmp_path) == outside


def test_attribution_case_from_real_files(tmp_path):
    """Ownership problems from roster/ownership/order files as clients keep them, through
    ingestion into the attribution engine (no CLI command exposes attribution alone)."""
    from kpi_lib.engine import attribution as at

    result, _ = run_ingest(corpus.write_attribution_client(tmp_path))
    assert not result.errors, [str(e) for e in result.errors]
    rules = at.prepare_rules(result.tables["ownership"], result.tables["people"])
    orders = result.tables["orders"]
    found = at.attribute(orders.assign(start=orders["order_date"], end=orders["order_date"]),
                         rules.for_role("operations"), role="operations")
    problems = pd.concat([rules.problems, found.overlaps], ignore_index=True)

    # owner_not_in_roster: named with the ownership file and row; the rule is not applied.
    (missing,) = problems[problems["problem"] == "owner_not_in_roster"].itertuples()
    assert missing.person_id == "E9" and missing.source_file == "hr/ownership.csv" and missing.source_row == 3
    assert "E9" not in set(found.links["person_id"])
    # two_owners_same_day: both people, the SKU, the first shared day; rows split equally.
    (both,) = problems[problems["problem"] == "two_owners"].itertuples()
    assert {both.person_id, both.other_person_id} == {"E1", "E2"} and both.key == "5K-SC4U-PO06"
    assert both.from_date == pd.Timestamp("2026-07-15") and "split equally" in both.message
    late = orders.index[(orders["sku"] == "5K-SC4U-PO06") & (orders["order_date"] >= "2026-07-15")]
    shares = found.links[found.links["row"].isin(late)].groupby("person_id")["share"].sum()
    assert shares.to_dict() == {"E1": len(late) / 2, "E2": len(late) / 2}
    # sku_without_owner (and E9's SKU): unattributed, never dropped, with their share.
    summary = at.unattributed_summary(orders, found.links, table="orders", role="operations", sales="item_sales")
    unowned = orders["sku"].isin(["5K-SC4U-PO08", "LN-RUB-24"])
    assert summary["unattributed_rows"].sum() == unowned.sum()
    assert summary["rows"].sum() == len(orders)
    assert summary["unattributed_sales"].sum() == pytest.approx(orders.loc[unowned, "item_sales"].sum())


def test_cli_scorecard_reports_ownership_problems(cli):
    """The same roster/ownership/orders through `kpi scorecard`, the command that attributes."""
    proc = cli["procs"]["scorecard_owners"]
    assert proc.returncode == 0, proc.stderr
    assert "data problems: 2 (see problems.csv)" in proc.stdout
    assert "names E9, who is not in the roster" in proc.stdout and "Fix: add the person" in proc.stdout
    assert "two owners for one SKU on the same day" in proc.stdout and "E1" in proc.stdout and "E2" in proc.stdout
    folder = cli["base"] / "out" / "so" / "owners" / "2026-07" / "scorecard"
    problems = pd.read_csv(folder / "problems.csv")
    assert sorted(problems["problem"]) == ["owner_not_in_roster", "two_owners"]
    unattributed = pd.read_csv(folder / "unattributed.csv")
    orders = unattributed[unattributed["table"] == "orders"]
    assert (orders["unattributed_rows"] > 0).all() and (orders["sales_share"] > 0).all()


# -- all cases of a kind together, through the CLI ------------------------------------------
@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """Build the corpus clients, run every CLI command at once, hash the inputs around it."""
    base = tmp_path_factory.mktemp("badinput")
    errors = corpus.write_client(base / "errors", "errors", [*ERRORS, BY_ID[CONTROL]], fx=FX)
    handled = corpus.write_client(base / "handled", "handled", HANDLED, fx=FX_ALL)
    configs = {name: config_path_for(base / f"config-{name}", [BY_ID[i] for i in group])
               for name, group in CONFIG_GROUPS.items()}
    raw_export = base / "raw_export"
    (raw_export / "data" / "shop").mkdir(parents=True)
    (raw_export / "data" / "shop" / "orders.csv").write_bytes(corpus.fixture(corpus.SHOPIFY))
    shop = raw_export / "shop.yaml"
    shop.write_text(corpus.config_text("shop", [{"type": "shopify_orders", "market": "US", "store": "Shop-US",
                                                 "path": "shop/*.csv"}]), encoding="utf-8")
    owners = corpus.write_attribution_client(base / "owners")
    zero = base / "inspect" / "花名册.xlsx"
    zero.parent.mkdir()
    zero.write_bytes(b"")
    (base / "a_file").write_text("not a folder", encoding="utf-8")

    def env(name: str) -> dict[str, str]:
        return {"KPI_OUTPUT_DIR": str(base / "out" / name)}

    commands = {
        "validate_errors": (["validate", errors], env("ve")),
        "export_errors": (["ingest", errors, "--export", base / "csv_errors"], env("ie")),
        "validate_handled": (["validate", handled], env("vh")),
        "export_handled": (["ingest", handled, "--export", base / "csv_handled"], env("ih")),
        **{f"config_{name}": (["validate", path], env(f"c{name}")) for name, path in configs.items()},
        "export_into_raw_folder": (["ingest", shop, "--export", raw_export / "data" / "shop"], env("er")),
        "export_folder_is_a_file": (["ingest", shop, "--export", base / "a_file"], env("ef")),
        "scorecard_owners": (["scorecard", owners, "--period", "2026-07"], env("so")),
        "inspect_a_folder": (["inspect", base / "errors" / "data"], {}),
        "inspect_zero_byte_xlsx": (["inspect", zero], {}),
    }
    before = tree_hashes(base)
    procs = run_all(commands)
    after = tree_hashes(base)
    return {"base": base, "procs": procs, "before": before, "after": after, "errors": errors, "owners": owners,
            "handled": handled, "configs": configs, "shop": shop, "raw_export": raw_export}


def test_cli_never_shows_a_traceback_and_never_touches_raw_files(cli):
    for name, proc in cli["procs"].items():
        assert_no_traceback(proc)
    written = {k for k in cli["after"] if k not in cli["before"]}
    changed = {k for k in cli["before"] if cli["after"].get(k) != cli["before"][k]}
    assert not changed, f"inputs changed: {changed}"
    # Nothing was written into any client's data folder: only outputs and exports appeared.
    assert all(k.startswith(("out/", "csv_errors/", "csv_handled/")) for k in written), sorted(written)


def test_cli_reports_every_error_case(cli):
    proc = cli["procs"]["validate_errors"]
    assert proc.returncode == 1
    assert f"{len(ERRORS)} 个数据源问题 / source problem(s)" in proc.stderr
    for case in ERRORS:
        expect = case.error
        line = line_for(proc.stderr, f"file {case.id}/{expect.file}" if expect.file else f"key {expect.key}")
        assert expect.message in line and (expect.fix or "") in line, line
        if expect.row is not None:
            assert f"row {expect.row}" in line, line
        if expect.column is not None:
            assert f"column '{expect.column}'" in line, line
        assert "Fix:" in line and "client errors" in line
    # The good file beside them was still read.
    unreadable = [c for c in ERRORS if c.error.kind == "source"]
    read = 1 + len(ERRORS) - len(unreadable)          # the good file, and the one without an FX rate
    assert f"Read {read} file(s) (0 from cache); {len(unreadable)} file(s) could not be read." in proc.stdout
    assert "traffic: 3 rows" in proc.stdout


def _csv_counts(folder: Path) -> dict[str, int]:
    return {p.stem: len(pd.read_csv(p, encoding="utf-8", low_memory=False)) for p in sorted(folder.glob("*.csv"))}


@pytest.mark.parametrize("client, status", [("errors", 1), ("handled", 0)])
def test_cli_ingest_export_writes_complete_csvs(cli, client, status):
    proc = cli["procs"][f"export_{client}"]
    assert proc.returncode == status, proc.stderr
    folder = cli["base"] / f"csv_{client}"
    result, _ = run_ingest(cli[client])
    # One complete CSV per table that could be built (rows of the readable files), no temp folder.
    assert _csv_counts(folder) == {name: len(frame) for name, frame in result.tables.items()}
    assert sorted(p.name for p in folder.iterdir()) == sorted([MARKER, *(f"{n}.csv" for n in result.tables)])
    assert f"exported {len(result.tables)} table(s)" in proc.stdout


def test_cli_ingest_export_of_the_error_client_is_complete(cli):
    proc = cli["procs"]["export_errors"]
    assert proc.returncode == 1
    assert all(f"{c.id}/" in proc.stderr for c in ERRORS if c.error.file)   # every failure is listed


def test_cli_ingest_export_of_the_handled_client_is_complete(cli):
    assert cli["procs"]["export_handled"].returncode == 0
    assert (cli["base"] / "csv_handled" / "orders.csv").stat().st_size > 0


def test_cli_validate_handled_cases_exits_0(cli):
    proc = cli["procs"]["validate_handled"]
    assert proc.returncode == 0, proc.stderr
    for case in HANDLED:
        for expected in case.lines:
            assert expected in proc.stdout, (case.id, expected)
    ignored = 3     # partial_downloads_ignored: the .crdownload, the .part and the ~$ lock file
    files = sum(len(c.files()) for c in HANDLED) - ignored
    assert f"Read {files} file(s) (0 from cache); 0 file(s) could not be read." in proc.stdout


def test_cli_config_reports_all_problems_at_once(cli):
    for name, group in CONFIG_GROUPS.items():
        proc = cli["procs"][f"config_{name}"]
        assert proc.returncode == 1, (name, proc.stdout)
        assert "错误 / Error:" in proc.stderr and str(cli["configs"][name]) in proc.stderr
        for case_id in group:
            expect = BY_ID[case_id].error
            line = line_for(proc.stderr, expect.message)
            assert expect.key is None or f"key {expect.key}" in line, line
            assert expect.row is None or f"row {expect.row}" in line, line
            assert expect.fix is None or expect.fix in line, line
        if len(group) > 1:
            assert f"{len(group)} problem(s) in the config" in proc.stderr
        assert corpus.PLAIN_SECRET not in proc.stdout + proc.stderr
        assert corpus.OTHER_CLIENT_MARKER not in proc.stdout + proc.stderr


def test_export_into_raw_folder_is_refused(cli):
    proc = cli["procs"]["export_into_raw_folder"]
    assert proc.returncode == 1
    assert "holds CSV files that no export wrote" in proc.stderr and "orders.csv" in proc.stderr
    assert "never the client's raw data folder" in proc.stderr
    folder = cli["raw_export"] / "data" / "shop"
    assert sorted(p.name for p in folder.iterdir()) == ["orders.csv"]     # nothing added, nothing replaced
    assert (folder / "orders.csv").read_bytes() == corpus.fixture(corpus.SHOPIFY)


def test_export_folder_is_a_file(cli):
    proc = cli["procs"]["export_folder_is_a_file"]
    assert proc.returncode == 1
    assert "cannot write the export" in proc.stderr and "Fix: choose an --export folder" in proc.stderr
    assert (cli["base"] / "a_file").read_text(encoding="utf-8") == "not a folder"


def test_export_fails_midway_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    config = corpus.write_client(tmp_path / "client", "mid", [BY_ID["crlf_with_bom"], BY_ID["refunds"],
                                                              BY_ID["overlapping_exports"]], fx=FX_ALL)
    tables = run_ingest(config)[0].tables
    out = tmp_path / "export"
    export_tables(tables, out)
    before = tree_hashes(out)
    assert len([p for p in out.glob("*.csv")]) == 3
    real = pd.DataFrame.to_csv
    calls = []

    def disk_full(self, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            Path(path).write_text("order_id,sku\n1,A", encoding="utf-8")   # a half-written file...
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    changed = {name: frame.assign(extra=1) for name, frame in tables.items()}
    with pytest.raises(KpiError) as info:
        export_tables(changed, out)
    assert "No space left on device" in str(info.value) and "free space" in info.value.fix
    assert tree_hashes(out) == before, "a failed export must leave the earlier export whole"
    monkeypatch.setattr(pd.DataFrame, "to_csv", real)
    # A later export of fewer tables removes the CSVs of the tables it no longer has.
    export_tables({"orders": tables["orders"]}, out)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "orders.csv"]
    assert json.loads((out / MARKER).read_text(encoding="utf-8")) == {"tables": ["orders.csv"]}


def test_cli_inspect_cases(cli):
    folder = cli["procs"]["inspect_a_folder"]
    assert folder.returncode == 1 and "this is a folder, not an export file" in folder.stderr
    zero = cli["procs"]["inspect_zero_byte_xlsx"]
    assert zero.returncode == 1 and "the file is empty (0 bytes)" in zero.stderr and "花名册.xlsx" in zero.stderr


def test_a_folder_as_config_in_batch_fails_that_client_only(tmp_path):
    """``kpi batch`` given a folder among its configs reports it and still runs the rest
    (no notebook is needed to see that: the folder fails before any kernel starts)."""
    from kpi_lib.runner.batch import run_unit

    outcome = run_unit(str(tmp_path), "diagnosis", "2026-10", str(tmp_path / "out"), False, 60)
    assert outcome["status"] == "failed" and "this is a folder, not a config file" in outcome["error"]
    assert not (tmp_path / "out").exists()
