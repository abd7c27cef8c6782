"""FBA inventory: Manage FBA Inventory (no date in the file) and the planning report."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from kpi_lib.errors import ConfigError, SourceError
from kpi_lib.sources import SourceContext, get_adapter
from kpi_lib.tables import columns_of, validate_table

FIXTURES = Path(__file__).parent / "fixtures" / "amazon"
TYPE = "amazon_inventory"
MYI = FIXTURES / "inventory_myi_us.txt"
PLANNING = FIXTURES / "inventory_planning_us.csv"


def ctx(*, data_dir: Path = FIXTURES, **kw) -> SourceContext:
    args = dict(type=TYPE, data_dir=data_dir, market="US", store="acme-us", platform="amazon",
                timezone="America/Los_Angeles", currency="USD")
    args.update(kw)
    return SourceContext(**args)


def read(path: Path, context: SourceContext | None = None):
    result = get_adapter(TYPE).read(path, context or ctx())
    return result, validate_table("inventory", result.tables["inventory"])


def test_manage_fba_inventory_available_and_inbound():
    result, t = read(MYI, ctx(options={"snapshot_date": "2026-07-20"}))
    assert list(t.columns[: len(columns_of("inventory"))]) == columns_of("inventory")
    assert set(t["snapshot_date"]) == {pd.Timestamp("2026-07-20")}
    # available = afn-fulfillable-quantity: 380 + 52 + 0 = 432
    assert list(t["available"]) == [380, 52, 0]
    # inbound = working + shipped + receiving: (100 + 250 + 30) + 0 + (120 + 0 + 0) = 500
    assert list(t["inbound"]) == [380, 0, 120]
    assert t["days_of_supply"].isna().all() and t["aged_90_plus"].isna().all()
    assert t["reserved"].sum() == 35 + 8 + 0
    # blank mfn-fulfillable-quantity is unknown, not 0
    assert t["mfn_fulfillable"].isna().sum() == 2 and t.loc[2, "mfn_fulfillable"] == 12
    assert result.info.layout == "myi"


def test_snapshot_date_from_period_or_folder(tmp_path):
    _, t = read(MYI, ctx(period="2026-07"))
    assert set(t["snapshot_date"]) == {pd.Timestamp("2026-07-31")}
    folder = tmp_path / "2026-06"
    folder.mkdir()
    copy = folder / "myi.txt"
    copy.write_bytes(MYI.read_bytes())
    _, t = read(copy, ctx(data_dir=tmp_path))
    assert set(t["snapshot_date"]) == {pd.Timestamp("2026-06-30")}


def test_no_snapshot_date_anywhere_is_a_source_error():
    with pytest.raises(SourceError, match="snapshot_date"):
        read(MYI)


def test_bad_snapshot_option_is_a_config_error():
    with pytest.raises(ConfigError, match="snapshot_date"):
        read(MYI, ctx(options={"snapshot_date": "end of July"}))


def test_planning_report_days_of_supply_and_aged_inventory():
    result, t = read(PLANNING)
    assert set(t["snapshot_date"]) == {pd.Timestamp("2026-07-31")}
    assert list(t["sku"]) == ["LANDINGNET-BAITWELLNET-01-24INCH", "5K-SC4U-PO06", "LN-RUB-24"]
    assert t["available"].sum() == 165 + 380 + 0
    # inbound-quantity 200 + 380 + 120 = 700
    assert t["inbound"].sum() == 700
    # days-of-supply 32, 45, blank (no sales)
    assert t["days_of_supply"].iloc[:2].tolist() == [32, 45] and pd.isna(t.loc[2, "days_of_supply"])
    # aged 90+: row 1 = 12; row 2 = 40 + 25 + 10 + 4 + 1 = 80 (the overlapping 181-330 = 33 and
    # 331-365 = 2 buckets are not added again); row 3 = 0
    assert list(t["aged_90_plus"]) == [12, 80, 0]
    assert result.info.layout == "planning"


def test_planning_report_with_only_the_newer_age_buckets(tmp_path):
    path = tmp_path / "planning.csv"
    path.write_text(
        '"snapshot-date","sku","available","inv-age-0-to-90-days","inv-age-91-to-180-days",'
        '"inv-age-181-to-330-days","inv-age-331-to-365-days","inv-age-366-to-455-days","inv-age-456-plus-days"\n'
        '"2026-07-31","A-1","10","5","4","3","2","1","0"\n', encoding="utf-8")
    _, t = read(path, ctx(data_dir=tmp_path))
    assert t.loc[0, "aged_90_plus"] == 4 + 3 + 2 + 1 + 0


# -- bad inputs ---------------------------------------------------------------------------

def test_missing_available_column_names_the_column_and_the_file(tmp_path):
    path = tmp_path / "planning.csv"
    path.write_text(PLANNING.read_text(encoding="utf-8").replace('"available"', '"on-hand"', 1), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(path, ctx(data_dir=tmp_path))
    assert "available" in str(err.value) and err.value.file.endswith("planning.csv")


def test_missing_afn_fulfillable_column_names_it(tmp_path):
    path = tmp_path / "myi.txt"
    path.write_text(MYI.read_text(encoding="utf-8").replace("afn-fulfillable-quantity", "fulfillable", 1),
                    encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(path, ctx(data_dir=tmp_path, period="2026-07"))
    assert "afn-fulfillable-quantity" in str(err.value) and err.value.file.endswith("myi.txt")


def test_unparseable_available_names_row_and_column(tmp_path):
    path = tmp_path / "planning.csv"
    path.write_text(PLANNING.read_text(encoding="utf-8").replace('"380","0","0","300"', '"lots","0","0","300"'),
                    encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(path, ctx(data_dir=tmp_path))
    assert (err.value.row, err.value.column, err.value.found) == (3, "available", "lots")


def test_blank_sku_names_row(tmp_path):
    lines = MYI.read_text(encoding="utf-8").splitlines()
    lines[2] = "\t" + lines[2].split("\t", 1)[1]
    path = tmp_path / "myi.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(path, ctx(data_dir=tmp_path, period="2026-07"))
    assert (err.value.row, err.value.column) == (3, "sku")


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "myi.txt"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        read(path, ctx(data_dir=tmp_path, period="2026-07"))


def test_header_only_file_gives_an_empty_table_not_an_error(tmp_path):
    path = tmp_path / "planning.csv"
    path.write_text(PLANNING.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result, t = read(path, ctx(data_dir=tmp_path))
    assert len(t) == 0 and result.info.rows == 0


@pytest.mark.parametrize("path", [MYI, PLANNING])
def test_reading_leaves_the_raw_file_untouched(path):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    read(path, ctx(period="2026-07"))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
