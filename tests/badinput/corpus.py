"""The bad-input corpus: broken and awkward inputs a consultant meets, each with the outcome
the suite promises for it. This table is the index; ``python -m tests.badinput.corpus``
prints it as ``INDEX.md`` (a test checks that the file is up to date).

Inputs are generated from the real-format fixtures in ``tests/fixtures/`` by small,
visible transformations (cut the last row, re-encode as GBK, drop a column...), so every
case stays readable and no binary blob needs to be trusted.

Kinds and the tests that run them (``tests/test_bad_inputs.py``):

* ``error``: the file cannot be read. Expected: one clear error naming the file (relative
  to data_dir), the row/column where known, what was expected and how to fix it; the other
  files are still read. Run one by one through :func:`kpi_lib.ingest.pipeline.ingest`
  (what ``kpi validate`` runs), and all together through ``kpi validate`` and
  ``kpi ingest --export`` in one client.
* ``handled``: the file is read, with a documented handling and, where it matters, a line
  in the data-quality summary. Same two paths; ``kpi validate`` exits 0.
* ``config``: the client YAML is wrong. Expected: the key path, the bad value and a fix
  (``did you mean``); every problem of a config reported at once.
* ``attribution``: ownership problems, from real-format roster/ownership/order files
  through ingestion into :mod:`kpi_lib.engine.attribution`.
* ``export`` / ``inspect``: ``kpi ingest --export`` and ``kpi inspect`` on bad targets.
"""
from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TODAY_PLUS_YEARS = "2031"          # a year no export can have reached yet


def fixture(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


ORDERS_US = "amazon/orders_all_us.txt"
ORDERS_JP = "amazon/orders_all_jp_cp932.txt"
BR_US = "amazon/br_child_us_en.csv"
RETURNS_US = "amazon/returns_fba_us.txt"
TRANSACTIONS_US = "amazon/transactions_date_range_us.csv"
HEALTH = "amazon/account_health_v2.json"
SHOPIFY = "shopify/orders_export_1.csv"
ROSTER_XLSX = "templates/花名册.xlsx"


# -- small transformations -----------------------------------------------------------
def text(relative: str, encoding: str = "utf-8-sig") -> str:
    return fixture(relative).decode(encoding)


def replace_once(data: str, old: str, new: str) -> str:
    assert data.count(old) >= 1, f"{old!r} not in the fixture"
    return data.replace(old, new, 1)


def drop_column(tsv: str, name: str) -> str:
    lines = tsv.split("\n")
    index = lines[0].split("\t").index(name)
    return "\n".join("\t".join(c for i, c in enumerate(line.split("\t")) if i != index) if line else line
                     for line in lines)


def cut_tail(data: bytes, keep_fraction: float) -> bytes:
    """The first part of a file, as a download or a copy still in progress leaves it."""
    return data[: int(len(data) * keep_fraction)]


def cut_last_row(data: bytes, cut: int = 60) -> bytes:
    """A complete file whose last row lost its final ``cut`` bytes and line end."""
    return data.rstrip(b"\r\n")[:-cut]


def zero_sessions_report() -> bytes:
    """The US Business Report with every count and amount of its second ASIN set to zero."""
    import csv

    rows = list(csv.reader(io.StringIO(text(BR_US))))
    header, row = rows[0], rows[2]
    for i, name in enumerate(header):
        if i >= 4:                                   # after (Parent) ASIN, (Child) ASIN, Title, SKU
            row[i] = "$0.00" if "Sales" in name else ("0.00%" if "Percentage" in name else "0")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def merged_header_roster() -> bytes:
    """The roster with a two-level header: group titles merged across columns above the
    real header cells (as HR exports from 钉钉/飞书 look), and a merged title row."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["2026年10月 花名册（人事导出）"] + [None] * 7)
    ws.append(["基本信息", None, "任职", None, None, None, "日期", None])
    ws.append(["工号", "姓名", "岗位", "级别", "团队", "负责市场", "入职日期", "离职日期"])
    ws.append(["E001", "王芳", "运营", "资深", "美国一组", "US", "2023-03-01", None])
    ws.append(["E002", "赵敏", "运营", "初级", "美国一组", "US", "2025-07-15", None])
    for rng in ("A1:H1", "A2:B2", "C2:F2", "G2:H2"):
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- the expected outcome ----------------------------------------------------------------
@dataclass(frozen=True)
class Expect:
    """An error a consultant can act on: ``message`` and ``fix`` are substrings; ``file`` is
    the file as the error names it (relative to the case folder; None: the config);
    ``row``/``column``/``found``/``key`` must match exactly where given."""

    message: str
    fix: str | None = None
    file: str | None = None
    row: int | None = None
    column: str | None = None
    found: str | None = None
    key: str | None = None
    kind: str = "source"


@dataclass(frozen=True)
class Case:
    id: str
    what: str
    expected: str
    kind: str
    files: Callable[[], dict[str, bytes]] = dict
    sources: tuple[dict, ...] = ()
    error: Expect | None = None
    lines: tuple[str, ...] = ()                       # data-quality summary lines (en) it prints
    check: Callable[[object], None] | None = None     # further checks on the IngestResult
    covered_by: tuple[str, ...] = ()                  # existing tests covering the in-process part
    mutate: Callable[[str], str] | None = None          # config cases: the YAML edit
    setup: Callable[[Path], None] | None = None         # config cases: files to create first

    @property
    def tests(self) -> tuple[str, ...]:
        return TESTS_BY_ID.get(self.id, TESTS_BY_KIND.get(self.kind, ()))


TESTS_BY_KIND = {
    "error": ("test_error_case_in_process", "test_cli_reports_every_error_case",
              "test_cli_ingest_export_writes_complete_csvs", "test_cli_ingest_export_of_the_error_client_is_complete"),
    "handled": ("test_handled_case_in_process", "test_cli_validate_handled_cases_exits_0",
                "test_cli_ingest_export_writes_complete_csvs",
                "test_cli_ingest_export_of_the_handled_client_is_complete"),
    "config": ("test_config_case_in_process", "test_cli_config_reports_all_problems_at_once"),
    "attribution": ("test_attribution_case_from_real_files", "test_cli_scorecard_reports_ownership_problems"),
    "inspect": ("test_cli_inspect_cases", "test_cli_never_shows_a_traceback_and_never_touches_raw_files"),
}
TESTS_BY_ID = {
    "export_into_raw_folder": ("test_export_into_raw_folder_is_refused",
                               "test_cli_never_shows_a_traceback_and_never_touches_raw_files"),
    "export_folder_is_a_file": ("test_export_folder_is_a_file",
                                "test_cli_never_shows_a_traceback_and_never_touches_raw_files"),
    "export_fails_midway": ("test_export_fails_midway_leaves_the_folder_as_it_was",),
    "config_is_a_folder": ("test_config_case_in_process", "test_cli_config_reports_all_problems_at_once",
                           "test_a_folder_as_config_in_batch_fails_that_client_only"),
}


# -- checks for handled cases ----------------------------------------------------------
def _table(result, name: str) -> pd.DataFrame:
    assert name in result.tables, f"no {name} table (errors: {[str(e) for e in result.errors]})"
    return result.tables[name]


def _numbers_finite(frame: pd.DataFrame) -> None:
    numeric = frame.select_dtypes("number")
    assert not numeric.isin([math.inf, -math.inf]).any().any(), "an infinite value was produced"


def check_header_only(result) -> None:
    assert len(_table(result, "traffic")) == 0 and [f.info.rows for f in result.files] == [0]


def check_overlap(result) -> None:
    orders = _table(result, "orders")
    assert len(orders) == 6, "each order line once, not twice"
    assert result.duplicates["orders"] == {"identical": 5, "replaced": 1}
    # The re-download "… (1).txt" is the newer file: its status wins over the original's.
    assert orders.loc[orders["order_id"] == "113-2222222-2222222", "status"].tolist() == ["shipped"]


def check_mixed_currency_orders(result) -> None:
    orders = _table(result, "orders")
    cad = orders[orders["currency"] == "CAD"]
    assert len(cad) == 1 and cad["fx_rate"].tolist() == [5.2]
    assert abs(cad["item_sales_base"].iloc[0] - 21.99 * 5.2) < 1e-9
    assert set(orders.loc[orders["currency"] == "USD", "fx_rate"]) == {7.1}


def check_refunds(result) -> None:
    tx = _table(result, "transactions")
    refund = tx[tx["type"] == "refund"]
    assert len(refund) == 1 and refund["product_sales"].iloc[0] == -29.99
    order_and_refund = tx[tx["order_id"] == "111-1111111-1111111"]
    assert abs(order_and_refund["product_sales"].sum() - (89.97 - 29.99)) < 1e-9


def check_negative_quantity(result) -> None:
    orders = _table(result, "orders")
    line = orders[orders["order_id"] == "113-1111111-1111111"]
    assert line["quantity"].tolist() == [-2.0] and line["item_sales"].tolist() == [-37.98]


def check_percent_over_100(result) -> None:
    traffic = _table(result, "traffic")
    assert traffic["unit_session_pct"].max() == 5.63            # 563 %: units ÷ sessions, legitimate
    assert traffic["buy_box_pct"].max() == 1.5


def check_zero_sessions(result) -> None:
    traffic = _table(result, "traffic")
    zero = traffic[traffic["asin"] == "B096MCMDPQ"]
    assert zero["sessions"].tolist() == [0.0] and zero["units_ordered"].tolist() == [0.0]
    _numbers_finite(traffic)


def check_future(result) -> None:
    returns = _table(result, "returns")
    assert len(returns) == 3 and returns["return_date"].max().year == int(TODAY_PLUS_YEARS)


def check_outside_period(result) -> None:
    orders = _table(result, "orders")
    assert len(orders) == 6 and orders["order_date"].max() == pd.Timestamp("2026-09-15")


def check_crlf_bom(result) -> None:
    traffic = _table(result, "traffic")
    assert len(traffic) == 3 and traffic["sessions"].sum() == 12131 + 2040 + 815
    assert traffic["asin"].tolist() == ["B096MCMDPL", "B096MCMDPQ", "B0D1LANDN2"]   # no BOM, no "\r"


def check_utf16(result) -> None:
    orders = _table(result, "orders")
    assert len(orders) == 6 and result.files[0].info.encoding == "utf-16"


def check_gbk_in_jp(result) -> None:
    orders = _table(result, "orders")
    assert orders["sku"].tolist() == ["TM-WHT", "TM-BLK", "SP-5SET"] and set(orders["currency"]) == {"JPY"}
    assert result.files[0].info.encoding == "gb18030"


def check_partial_ignored(result) -> None:
    assert [f.info.path for f in result.files] == ["partial_downloads_ignored/All-Orders-2026-07.txt"]
    assert len(_table(result, "orders")) == 6


def check_merged_header(result) -> None:
    people = _table(result, "people")
    assert people["person_id"].tolist() == ["E001", "E002"] and result.files[0].info.header_row == 3


# -- the corpus ----------------------------------------------------------------------
def _orders(path: str = "*.txt", market: str = "US", **more) -> dict:
    return {"type": "amazon_orders", "market": market, "store": f"{market}-Main", "path": path, **more}


def _br(path: str = "*/*.csv") -> dict:
    return {"type": "amazon_business_report", "market": "US", "store": "US-Main", "path": path}


US_ORDERS_TEXT = lambda: text(ORDERS_US, "utf-8")  # noqa: E731
JP_ORDERS_TEXT = lambda: text(ORDERS_JP, "cp932")  # noqa: E731
BR_TEXT = lambda: text(BR_US)  # noqa: E731

CASES: list[Case] = [
    # ---------------------------------------------------------------- files that cannot be read
    Case("empty_file", "a 0-byte All Orders report (a failed download)",
         "error: the file is empty (0 bytes); download it again", "error",
         lambda: {"All-Orders-2026-07.txt": b""}, (_orders(),),
         Expect("the file is empty (0 bytes)", fix="download it again", file="All-Orders-2026-07.txt"),
         covered_by=("tests/test_source_bad_input_nonamazon.py::test_empty_csv",)),
    Case("zero_byte_xlsx", "a 0-byte 花名册.xlsx (Excel still saving, or a failed copy)",
         "error: the file is empty (0 bytes)", "error",
         lambda: {"花名册.xlsx": b""}, ({"type": "people", "path": "*.xlsx"},),
         Expect("the file is empty (0 bytes)", fix="download it again", file="花名册.xlsx"),
         covered_by=("tests/test_source_bad_input_nonamazon.py::test_zero_byte_and_broken_xlsx",)),
    Case("xlsx_still_being_written", "the first 40 % of an .xlsx (a copy or download in progress)",
         "error: cannot open the Excel file; it is damaged or still being written", "error",
         lambda: {"花名册.xlsx": cut_tail(fixture(ROSTER_XLSX), 0.4)}, ({"type": "people", "path": "*.xlsx"},),
         Expect("cannot open the Excel file", fix="still being written", file="花名册.xlsx")),
    Case("gbk_bytes_declared_cp932", "a JP All Orders report re-saved as GBK by a Chinese Excel, the "
         "source declaring `encoding: cp932`",
         "error naming the real encoding: the file is gb18030-encoded, not cp932; set `encoding: gb18030`", "error",
         lambda: {"All-Orders-2026-07.txt": JP_ORDERS_TEXT().encode("gbk")},
         (_orders(market="JP", encoding="cp932"),),
         Expect("the file is gb18030-encoded, not cp932", fix="set `encoding: gb18030`",
                file="All-Orders-2026-07.txt", found="gb18030")),
    Case("cp932_read_as_utf8", "a cp932 JP All Orders report, the source declaring `encoding: utf-8`",
         "error naming the real encoding: the file is cp932-encoded, not utf-8; set `encoding: cp932`", "error",
         lambda: {"All-Orders-2026-07.txt": fixture(ORDERS_JP)}, (_orders(market="JP", encoding="utf-8"),),
         Expect("the file is cp932-encoded, not utf-8", fix="set `encoding: cp932`",
                file="All-Orders-2026-07.txt", found="cp932"),
         covered_by=("tests/test_readers.py::test_gbk_bytes_are_not_accepted_as_cp932_when_the_header_does_not_match",)),
    Case("truncated_last_row", "an All Orders report whose last row lost its end (a cut transfer)",
         "error at the last row (row 7): the last row is cut short; download it again", "error",
         lambda: {"All-Orders-2026-07.txt": cut_last_row(fixture(ORDERS_US))}, (_orders(),),
         Expect("the last row is cut short", fix="download it again", file="All-Orders-2026-07.txt", row=7),
         covered_by=("tests/test_readers.py::test_truncated_last_row_is_an_error_naming_the_row",)),
    Case("growing_file_cut_mid_row", "a Shopify export read while the browser is still writing it "
         "(cut inside a row)",
         "error at the row being written (row 6): cut short, the file is still being written", "error",
         lambda: {"orders_export_1.csv": fixture(SHOPIFY)[:-200]},
         ({"type": "shopify_orders", "market": "US", "store": "Shop-US", "path": "*.csv"},),
         Expect("the last row is cut short", fix="still being written", file="orders_export_1.csv", row=6)),
    Case("missing_required_column", "an All Orders report exported without the `quantity` column",
         "error at the header (row 1) naming the column and its accepted names; export again with it selected",
         "error",
         lambda: {"All-Orders-2026-07.txt": drop_column(US_ORDERS_TEXT(), "quantity").encode()}, (_orders(),),
         Expect("missing required column(s): quantity", fix="export the report again",
                file="All-Orders-2026-07.txt", row=1),
         covered_by=("tests/test_source_bad_input_nonamazon.py::test_missing_required_column_names_column_and_file",)),
    Case("unknown_layout", "a Business Report saved where All Orders reports are expected",
         "error: no header of a known amazon_orders layout; the expected headers and `kpi inspect FILE`", "error",
         lambda: {"All-Orders-2026-07.txt": fixture(BR_US)}, (_orders(),),
         Expect("no header row of a known amazon_orders layout", fix="kpi inspect", file="All-Orders-2026-07.txt"),
         covered_by=("tests/test_cli_inspect.py::test_unknown_layout_is_refused_clearly",)),
    Case("unreadable_value", "an All Orders report with `two` typed into the quantity of row 3",
         "error at row 3, column 'quantity', found 'two', expected a number", "error",
         lambda: {"All-Orders-2026-07.txt": replace_once(
             US_ORDERS_TEXT(), "\tLN-RUB-24\tB0D1LANDN2\tUnshipped\t1\t", "\tLN-RUB-24\tB0D1LANDN2\tUnshipped\ttwo\t"
         ).encode()}, (_orders(),),
         Expect("cannot be read", fix="correct the cell", file="All-Orders-2026-07.txt", row=3,
                column="quantity", found="two"),
         covered_by=("tests/test_source_bad_input_nonamazon.py::test_unparseable_value_names_row_and_column",)),
    Case("mixed_currencies_in_one_report", "a Business Report whose sales are in $ on two rows and ￥ on one "
         "(two marketplaces' downloads pasted together)",
         "error: the money amounts name more than one currency (JPY, USD) in 'Ordered Product Sales'; "
         "one marketplace per file", "error",
         lambda: {"2026-07/BusinessReport.csv": replace_once(BR_TEXT(), "$929.69", "￥929").encode("utf-8-sig")},
         (_br(),),
         Expect("more than one currency", fix="one marketplace per file", file="2026-07/BusinessReport.csv",
                column="Ordered Product Sales", found="JPY, USD")),
    Case("report_without_month", "a Business Report by child item (no date column) not saved in a "
         "YYYY-MM folder and without `period:`",
         "error: the month cannot be known from the file; move it into a YYYY-MM folder or set `period:`",
         "error",
         lambda: {"BusinessReport.csv": fixture(BR_US)}, (_br("*.csv"),),
         Expect("has no date column", fix="set `period:`", file="BusinessReport.csv")),
    Case("truncated_json", "an account-health JSON cut in half", "error: not valid JSON; download again", "error",
         lambda: {"AccountHealth-2026-07-31.json": cut_tail(fixture(HEALTH), 0.5)},
         ({"type": "amazon_account_health", "market": "US", "store": "US-Main", "path": "*.json"},),
         Expect("not valid JSON", fix="download the report again", file="AccountHealth-2026-07-31.json")),
    Case("missing_fx_rate", "orders in 2026-11 while the config has no USD rate for 2026-11",
         "error naming the key fx_rates.USD.2026-11 and the line to add; the rows stay, without a base amount",
         "error",
         lambda: {"All-Orders-2026-11.txt": US_ORDERS_TEXT().replace("2026-07-31", "2026-11-21")
                                                   .replace("2026-07-", "2026-11-").encode()}, (_orders(),),
         Expect("no FX rate for USD in 2026-11", fix="add `2026-11: <rate>` under fx_rates.USD",
                key="fx_rates.USD.2026-11", kind="config"),
         covered_by=("tests/test_ingest_pipeline.py::test_missing_fx_rate_is_a_clear_error",)),

    # ---------------------------------------------------------------- read, with a documented handling
    Case("header_only", "a Business Report with its header and no rows",
         "read as 0 rows; the summary says the file has no data rows (fine for a month without activity)",
         "handled",
         lambda: {"2026-08/BusinessReport.csv": BR_TEXT().split("\n")[0].encode("utf-8-sig") + b"\n"}, (_br(),),
         lines=("header_only/2026-08/BusinessReport.csv: the file has no data rows",), check=check_header_only,
         covered_by=("tests/test_source_bad_input_nonamazon.py::test_header_only_is_an_empty_table",)),
    Case("overlapping_exports", "the same month's All Orders report downloaded twice "
         "(`All-Orders-2026-07 (1).txt`, one order's status changed since)",
         "each order line counted once; the re-download's newer status replaces the older one; the summary "
         "says how many rows were repeated", "handled",
         lambda: {"All-Orders-2026-07.txt": fixture(ORDERS_US),
                  "All-Orders-2026-07 (1).txt": replace_once(
                      US_ORDERS_TEXT(), "Pending\tAmazon", "Shipped\tAmazon").encode()}, (_orders(),),
         lines=("orders: 5 row(s) repeated by overlapping exports counted once; 1 replaced by a newer export.",),
         check=check_overlap,
         covered_by=("tests/test_ingest_pipeline.py::test_overlapping_exports_count_each_row_once_and_amounts_get_base_currency",)),
    Case("mixed_currencies_in_orders", "an All Orders report of a North-America unified account: one line "
         "sold on Amazon.ca in CAD",
         "read; each line converted with its own currency's rate (fx_rate per row); the summary warns that "
         "the file names marketplace CA", "handled",
         lambda: {"All-Orders-2026-07.txt": replace_once(
             US_ORDERS_TEXT(), "Amazon.com\t\t\tStandard\tBasicGear Cast Net, 3ft Radius\t5K-SC4U-PO06\tB096MCMDPL\t"
                               "Unshipped\t1\tUSD\t21.99",
             "Amazon.ca\t\t\tStandard\tBasicGear Cast Net, 3ft Radius\t5K-SC4U-PO06\tB096MCMDPL\tUnshipped\t1\tCAD\t21.99",
         ).encode()}, (_orders(),),
         lines=("sales-channel names marketplace(s) CA but the source is configured as US",),
         check=check_mixed_currency_orders),
    Case("refunds", "a Date Range (transaction) report with an order and its partial refund",
         "read; the refund is its own row of type refund with negative sales, so sums net out", "handled",
         lambda: {"2026SepMonthlyTransaction.csv": fixture(TRANSACTIONS_US)},
         ({"type": "amazon_transactions", "market": "US", "store": "US-Main", "path": "*.csv"},),
         check=check_refunds),
    Case("negative_quantity", "an order line with quantity -2 and sales -37.98 (an ERP-style return line "
         "pasted into the report)",
         "read as it is (no sign is flipped or dropped); totals net it out", "handled",
         lambda: {"All-Orders-2026-07.txt": replace_once(US_ORDERS_TEXT(), "\t2\tUSD\t37.98", "\t-2\tUSD\t-37.98").encode()},
         (_orders(),), check=check_negative_quantity),
    Case("percent_over_100", "a Business Report with a unit session percentage of 563 % and a buy-box "
         "percentage of 150 %",
         "read; 563 % unit session is legitimate (units ÷ sessions) and kept; the summary flags the buy-box "
         "share above 100 %", "handled",
         lambda: {"2026-07/BusinessReport.csv": replace_once(replace_once(BR_TEXT(), "5.63%", "563.00%"),
                                                             "99.80%", "150.00%").encode("utf-8-sig")}, (_br(),),
         lines=("traffic: 1 row(s) have buy_box_pct above 100% (highest 150.00%)",), check=check_percent_over_100),
    Case("zero_sessions", "a Business Report row with 0 sessions, 0 units and $0.00",
         "read; no division happens at ingestion (no infinite values); the metric is NaN, not 0 %", "handled",
         lambda: {"2026-07/BusinessReport.csv": zero_sessions_report()}, (_br(),), check=check_zero_sessions,
         covered_by=("tests/test_engine_metrics.py::test_zero_denominator_is_nan_or_infinite",)),
    Case("future_dates", f"an FBA returns report with a return dated {TODAY_PLUS_YEARS}",
         "read; the summary warns that rows are dated after today (check the export or the clock)", "handled",
         lambda: {"FBA-Customer-Returns-2026-07.txt": replace_once(
             text(RETURNS_US, "utf-8"), "2026-07-12T06:10:00+00:00", f"{TODAY_PLUS_YEARS}-07-12T06:10:00+00:00"
         ).encode()},
         ({"type": "amazon_returns", "market": "US", "store": "US-Main", "path": "*.txt"},),
         lines=("returns: 1 row(s) have return_date after today",), check=check_future),
    Case("dates_outside_named_period", "`All-Orders-2026-07.txt` holding an order of 2026-09-15",
         "read (files are not trusted to hold only their named month: TikTok names files by download time); "
         "the summary's coverage shows the month and the gap; stages cut rows to the run's month", "handled",
         lambda: {"All-Orders-2026-07.txt": replace_once(
             US_ORDERS_TEXT(), "2026-07-20T02:10:00+00:00", "2026-09-15T20:10:00+00:00").encode()}, (_orders(),),
         lines=("orders (US) is missing months: 2026-08",), check=check_outside_period,
         covered_by=("tests/test_engine_metrics.py::test_period_rows_are_cut_to_the_month",)),
    Case("crlf_with_bom", "a Business Report with a UTF-8 BOM and Windows line ends (CRLF)",
         "read exactly like the LF file: no BOM in the first header, no \\r in the last column", "handled",
         lambda: {"2026-07/BusinessReport.csv": b"\xef\xbb\xbf" + BR_TEXT().replace("\n", "\r\n").encode()}, (_br(),),
         check=check_crlf_bom),
    Case("utf16_excel_unicode_text", "an All Orders report re-saved by Excel as \"Unicode text\" (UTF-16 with BOM)",
         "read (was wrongly reported as a cut last row before this corpus found it)", "handled",
         lambda: {"All-Orders-2026-07.txt": US_ORDERS_TEXT().encode("utf-16")}, (_orders(),), check=check_utf16),
    Case("gbk_bytes_in_jp_source", "GBK bytes in a file declared JP (no `encoding:` on the source)",
         "read as gb18030: an encoding is accepted only when the decoded header matches, cp932 is tried first "
         "for JP and fails", "handled",
         lambda: {"All-Orders-2026-07.txt": JP_ORDERS_TEXT().encode("gbk")}, (_orders(market="JP"),),
         check=check_gbk_in_jp,
         covered_by=("tests/test_readers.py::test_gbk_bytes_are_not_accepted_as_cp932_when_the_header_does_not_match",)),
    Case("partial_downloads_ignored", "a complete export beside `.crdownload` and `.part` downloads still in "
         "progress and an Excel lock file `~$…`",
         "only the complete file is read; partial downloads and lock files are never opened", "handled",
         lambda: {"All-Orders-2026-07.txt": fixture(ORDERS_US),
                  "All-Orders-2026-08.txt.crdownload": cut_tail(fixture(ORDERS_US), 0.3),
                  "All-Orders-2026-09.txt.part": cut_tail(fixture(ORDERS_US), 0.5),
                  "~$All-Orders-2026-07.txt": b"lock"},
         (_orders("*"),), check=check_partial_ignored),
    Case("merged_header_cells", "an HR roster .xlsx with a merged title row and group titles merged across "
         "the columns above the real header",
         "read from the real header row (row 3)", "handled",
         lambda: {"花名册.xlsx": merged_header_roster()}, ({"type": "people", "path": "*.xlsx"},),
         check=check_merged_header,
         covered_by=("tests/test_source_real_files_nonamazon.py::test_merged_header_cells",)),

    # ---------------------------------------------------------------- the client YAML
    Case("misspelt_config_key", "`fx_rate:` instead of `fx_rates:`",
         "error at key fx_rate: unknown key, did you mean 'fx_rates'", "config",
         error=Expect("unknown key 'fx_rate'", fix="did you mean 'fx_rates'", key="fx_rate", kind="config"),
         mutate=lambda y: replace_once(y, "fx_rates:", "fx_rate:"),
         covered_by=("tests/test_config.py::test_misspelt_key_names_the_key_path_and_the_closest_key",)),
    Case("misspelt_metric_id", "metric id `ctrr` in a role's weights",
         "error at key roles.advertising.weights.US.ctrr: did you mean 'ctr'", "config",
         error=Expect("unknown metric id 'ctrr'", fix="did you mean 'ctr'", key="roles.advertising.weights.US.ctrr",
                      kind="config"),
         mutate=lambda y: replace_once(y, "ctr: ", "ctrr: "),
         covered_by=("tests/test_config.py::test_unknown_metric_id_suggests_the_closest",)),
    Case("weights_not_100", "a role's weights summing to 105 %",
         "error at key roles.advertising.weights.US: weights sum to 105%, not 100%", "config",
         error=Expect("weights sum to 105%, not 100%", fix="total 100", key="roles.advertising.weights.US",
                      kind="config"),
         mutate=lambda y: replace_once(y, ": 20}", ": 25}"),
         covered_by=("tests/test_config.py::test_weights_not_summing_to_100",)),
    Case("exemption_ends_before_start", "an exemption from 2026-10-20 to 2026-10-05",
         "error at key exemptions[0]: ends before it starts", "config",
         error=Expect("ends (2026-10-05) before it starts (2026-10-20)", key="exemptions[0]", kind="config"),
         mutate=lambda y: y + EXEMPTION_BACKWARDS,
         covered_by=("tests/test_config.py::test_exemption_ending_before_it_starts",)),
    Case("path_escapes_data_dir", "a source path `../other_client/orders/*.txt`",
         "error at key sources[1].path: leaves data_dir; nothing of the other client is read", "config",
         error=Expect("leaves data_dir", key="sources[1].path", kind="config"),
         mutate=lambda y: replace_once(y, "path: orders/*.txt", "path: ../other_client/orders/*.txt"),
         setup=lambda root: other_client(root),
         covered_by=("tests/test_config.py::test_source_path_leaving_data_dir_is_refused",)),
    Case("symlink_folder_outside", "a folder inside data_dir that is a symlink to another client's exports",
         "error at key sources[1].path: the path leads outside the client's data_dir; the other client's file "
         "is not read (it is not named either)", "config",
         error=Expect("the path leads outside the client's data_dir", fix="copy the file", key="sources[1].path",
                      kind="config"),
         mutate=lambda y: replace_once(y, "path: orders/*.txt", "path: linked/*.txt"),
         setup=lambda root: (root / "data" / "linked").symlink_to(other_client(root), target_is_directory=True),
         covered_by=("tests/test_config.py::test_symlink_out_of_data_dir_is_refused",)),
    Case("only_a_partial_download", "a source whose only file is `All-Orders-2026-10.txt.crdownload`",
         "error at key sources[2].path: no file matches; only a download still in progress matches, wait "
         "for it", "config",
         error=Expect("no file matches this path", fix="only a download still in progress matches",
                      key="sources[2].path", kind="config"),
         mutate=lambda y: replace_once(y, "roles:", "  - {type: amazon_orders, market: US, store: US-Main, "
                                                  "path: late/*.txt}\nroles:"),
         setup=lambda root: _write(root / "data" / "late" / "All-Orders-2026-10.txt.crdownload",
                                   cut_tail(fixture(ORDERS_US), 0.5))),
    Case("config_is_a_folder", "`kpi validate client_configs/` (a folder instead of the YAML)",
         "error: this is a folder, not a config file (was a raw traceback before this corpus found it)", "config",
         error=Expect("this is a folder, not a config file", fix="name the YAML file", kind="config")),
    Case("invalid_yaml", "a config with a tab-indented line", "error: not valid YAML, with the line number",
         "config", error=Expect("not valid YAML", fix="check indentation", row=5, kind="config"),
         mutate=lambda y: replace_once(y, "fx_rates: {USD: {2026-07: 7.1}}", "fx_rates:\n\tUSD: {2026-07: 7.1}")),
    Case("secret_in_config", "`credentials: {token: s3cr3t-abc}` written in the YAML",
         "error at the key: secrets must be ${ENV_VAR} references; the value itself is never printed", "config",
         error=Expect("a secret is written in the config", fix="write ${VAR_NAME} here",
                      key="sources[0].credentials.token", kind="config"),
         mutate=lambda y: replace_once(y, "path: hr/people.csv}", "path: hr/people.csv, credentials: {token: "
                                                                  f"{PLAIN_SECRET}}}}}"),
         covered_by=("tests/test_config.py::test_secret_in_plain_text_is_refused_but_env_reference_is_fine",)),

    # ---------------------------------------------------------------- ownership (attribution)
    Case("sku_without_owner", "orders of a SKU no ownership row covers",
         "the rows stay unattributed (never dropped) and their share of rows and sales is reported",
         "attribution",
         covered_by=("tests/test_engine_attribution.py::test_unattributed_rows_are_reported_with_their_share",)),
    Case("two_owners_same_day", "two operators owning SKU 5K-SC4U-PO06 from 2026-07-15",
         "reported as two_owners with both ownership rows and the date; the rows are split equally meanwhile",
         "attribution",
         covered_by=("tests/test_engine_attribution.py::test_two_owners_on_one_day_are_reported_with_their_rows",)),
    Case("owner_not_in_roster", "an ownership row naming E9, who is not in the roster",
         "reported as owner_not_in_roster naming the ownership file and row; the rule is not applied",
         "attribution",
         covered_by=("tests/test_engine_attribution.py::test_owner_missing_from_the_roster_and_leaver_past_last_day",)),

    # ---------------------------------------------------------------- outputs and kpi inspect
    Case("export_into_raw_folder", "`kpi ingest --export` into the folder holding a raw export named orders.csv",
         "refused before writing anything: the folder holds CSVs no export wrote; the raw file stays "
         "byte-identical", "export"),
    Case("export_folder_is_a_file", "`kpi ingest --export` naming an existing file",
         "error: cannot write the export (was a raw traceback before this corpus found it)", "export"),
    Case("export_fails_midway", "the disk fills while the third CSV is written",
         "error; the export folder is exactly as before (no half-written CSV, no new CSV without the others)",
         "export"),
    Case("inspect_a_folder", "`kpi inspect raw/`", "error: this is a folder, not an export file "
         "(was a raw traceback before this corpus found it)", "inspect"),
    Case("inspect_zero_byte_xlsx", "`kpi inspect 花名册.xlsx` on a 0-byte file",
         "error: the file is empty (0 bytes)", "inspect",
         covered_by=("tests/test_cli_inspect.py::test_empty_file_is_refused_clearly",)),
]


BY_ID = {c.id: c for c in CASES}
assert len(BY_ID) == len(CASES), "case ids must be unique"


def by_kind(kind: str) -> list[Case]:
    return [c for c in CASES if c.kind == kind]


# -- building clients ----------------------------------------------------------------------
FX = {"USD": {f"2026-{m:02d}": 7.1 for m in range(1, 11)},
      "JPY": {f"2026-{m:02d}": 0.048 for m in range(1, 11)},
      "CAD": {f"2026-{m:02d}": 5.2 for m in range(1, 11)}}


def config_text(client_id: str, sources: list[dict], *, fx: dict | None = None, extra: str = "") -> str:
    import yaml

    data = {
        "client_id": client_id, "name": f"Bad-input corpus ({client_id})", "report_language": "en",
        "markets": [{"id": "US", "stores": [{"id": "US-Main", "platform": "amazon"},
                                            {"id": "Shop-US", "platform": "shopify"}]},
                    {"id": "JP", "stores": [{"id": "JP-Main", "platform": "amazon"}]}],
        "fx_rates": fx if fx is not None else FX, "data_dir": "data", "sources": sources,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + extra


def write_client(root: Path, client_id: str, cases: list[Case], *, fx: dict | None = None) -> Path:
    """One client holding the files of ``cases``, each under ``data/<case id>/``, with one
    source per case entry, filed under a store named after the case (cases reuse the same
    fixtures: without their own store, their rows would overlap each other's). Returns the
    config path."""
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    sources = []
    for case in cases:
        for relative, content in case.files().items():
            path = data / case.id / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        for source in case.sources:
            own_store = {"store": case.id} if "store" in source and len(cases) > 1 else {}
            sources.append({**source, "path": f"{case.id}/{source['path']}", **own_store})
    path = root / f"{client_id}.yaml"
    path.write_text(config_text(client_id, sources, fx=fx), encoding="utf-8")
    return path


# -- config cases ----------------------------------------------------------------------------
PLAIN_SECRET = "s3cr3t-abc-7Q"
OTHER_CLIENT_MARKER = "OTHER-CLIENT-SKU-ZZ9"
CONFIG_BASE = """client_id: cfgcase
report_language: en
markets: [{id: US, stores: [{id: US-Main, platform: amazon}]}]
fx_rates: {USD: {2026-07: 7.1}}
data_dir: data
sources:
  - {type: people, path: hr/people.csv}
  - {type: amazon_orders, market: US, store: US-Main, path: orders/*.txt}
roles:
  advertising:
    weights:
      US: {acos: 50, tacos: 30, ctr: 20}
"""
EXEMPTION_BACKWARDS = """exemptions:
  - {id: us-delay, kind: logistics_delay, market: US, start: 2026-10-20, end: 2026-10-05,
     metrics: [gmv], evidence: carrier notice, approved_by: 王总}
"""


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def other_client(root: Path) -> Path:
    """Another client's export folder beside this client (``root/../other_client/orders``)."""
    folder = root.parent / "other_client" / "orders"
    data = US_ORDERS_TEXT().replace("5K-SC4U-PO06", OTHER_CLIENT_MARKER).encode()
    _write(folder / "All-Orders-2026-07.txt", data)
    return folder


def write_config_case(root: Path, cases: list[Case]) -> Path:
    """A valid client with the YAML edits and files of ``cases`` applied (several config
    cases together show that every problem is reported at once)."""
    root.mkdir(parents=True, exist_ok=True)
    _write(root / "data" / "hr" / "people.csv", fixture("templates/people_en.csv"))
    _write(root / "data" / "orders" / "All-Orders-2026-07.txt", fixture(ORDERS_US))
    yaml_text = CONFIG_BASE
    for case in cases:
        if case.setup:
            case.setup(root)
        if case.mutate:
            yaml_text = case.mutate(yaml_text)
    path = root / "cfgcase.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    return path


# -- attribution cases -----------------------------------------------------------------------
ROSTER_CSV = "Employee ID,Name,Role,Level,Team,Markets,Start date,End date\n" \
             "E1,Ann Li,Operations,Junior,US-1,US,2025-01-01,\nE2,Bo Wang,Operations,Senior,US-1,US,2025-01-01,\n"
OWNERSHIP_CSV = "Employee ID,Market,Store,Scope type,Scope,From,To\n" \
                "E1,US,,SKU,5K-SC4U-PO06,2026-01-01,\n" \
                "E2,US,,SKU,5K-SC4U-PO06,2026-07-15,\n" \
                "E9,US,,SKU,LN-RUB-24,2026-01-01,\n"


def write_attribution_client(root: Path) -> Path:
    """Roster (E1, E2), ownership (E1 and E2 both own 5K-SC4U-PO06 from 07-15; E9, not in
    the roster, owns LN-RUB-24; nobody owns 5K-SC4U-PO08) and a month of orders."""
    _write(root / "data" / "hr" / "people.csv", ROSTER_CSV.encode())
    _write(root / "data" / "hr" / "ownership.csv", OWNERSHIP_CSV.encode())
    _write(root / "data" / "orders" / "All-Orders-2026-07.txt", fixture(ORDERS_US))
    sources = [{"type": "people", "path": "hr/people.csv"}, {"type": "ownership", "path": "hr/ownership.csv"},
               _orders("orders/*.txt")]
    path = root / "owners.yaml"
    path.write_text(config_text("owners", sources, fx={"USD": {"2026-06": 7.1, "2026-07": 7.1}}), encoding="utf-8")
    return path


# -- the index -------------------------------------------------------------------------------
def index_markdown() -> str:
    lines = ["# Bad-input corpus — index", "",
             "Generated by `python -m tests.badinput.corpus > tests/badinput/INDEX.md` from "
             "`tests/badinput/corpus.py` (the table is the source of truth; a test checks this file is current).",
             "Every case runs through the user-facing path (`kpi validate`, `kpi ingest --export`, `kpi inspect` "
             "in a subprocess, or `ingest()` as those commands call it) and checks: no traceback, raw files "
             "byte-identical before and after, no partial outputs.", "",
             f"{len(CASES)} cases.", "",
             "| # | case | kind | what it is | expected | tests | also covered by |",
             "|---|---|---|---|---|---|---|"]
    for i, c in enumerate(CASES, 1):
        tests = "<br>".join(f"`{t}`" for t in c.tests)
        covered = "<br>".join(f"`{t}`" for t in c.covered_by) or "—"
        cell = lambda s: s.replace("|", "\\|")  # noqa: E731
        lines.append(f"| {i} | `{c.id}` | {c.kind} | {cell(c.what)} | {cell(c.expected)} | {tests} | {covered} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(index_markdown(), end="")
