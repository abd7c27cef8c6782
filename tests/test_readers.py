"""Encoding sniffing, header normalisation and header-row detection."""
from __future__ import annotations

import pytest

from kpi_lib.errors import SourceError
from kpi_lib.readers import text as rt

ALIASES = {"order_id": ["amazon-order-id", "注文番号"], "sku": ["sku", "出品者SKU"],
           "name": ["product-name", "商品名"]}
SIG = rt.Signature.of(ALIASES, ["order_id", "sku"])


@pytest.mark.parametrize("a, b", [
    ("（子）ASIN", "(子)ASIN"), ("Sessions – Total", "Sessions - Total"), ("7 Day Total Sales ", "7 Day Total Sales"),
    ("\ufeff(Parent) ASIN", "(Parent) ASIN"), ("Sessions - Mobile APP - B2B", "Sessions - Mobile App - B2B"),
    ("会话次数 – 总计 – B2B", "会话次数 - 总计 - B2B"),
])
def test_normalised_headers_match(a, b):
    assert rt.normalize_header(a) == rt.normalize_header(b)


def test_never_substring_match():
    found = rt.resolve_columns(["Sessions - Total - B2B"], {"sessions": ["Sessions - Total"]})
    assert found == {}
    found = rt.resolve_columns(["セッション数 - 合計", "セッション数 - 合計 - B2B"],
                               {"sessions": ["セッション数 - 合計"], "b2b": ["セッション数 - 合計 - B2B"]})
    assert found == {"sessions": "セッション数 - 合計", "b2b": "セッション数 - 合計 - B2B"}


def _write(path, text, encoding):
    path.write_bytes(text.encode(encoding))
    return path


def test_cp932_file_is_sniffed_as_cp932(tmp_path):
    p = _write(tmp_path / "o.txt", "注文番号\t出品者SKU\t商品名\n503-1\tKIT-1\t包丁セット\n", "cp932")
    s = rt.sniff_text(p, [SIG], encodings=("utf-8", "cp932", "gb18030"))
    assert (s.encoding, s.header_index, s.delimiter) == ("cp932", 0, "\t")
    raw = rt.read_text_table(p, s)
    assert raw.frame.iloc[0].tolist() == ["503-1", "KIT-1", "包丁セット"]


def test_gbk_bytes_are_not_accepted_as_cp932_when_the_header_does_not_match(tmp_path):
    # GB18030 bytes of a Chinese header decode under cp932 without error, as mojibake;
    # only the alias check tells them apart.
    aliases = {"order_id": ["订单号"], "sku": ["SKU"]}
    sig = rt.Signature.of(aliases, ["order_id", "sku"])
    p = _write(tmp_path / "erp.csv", "订单号,SKU\nA1,KIT-1\n", "gb18030")
    s = rt.sniff_text(p, [sig], encodings=("cp932", "gb18030"))
    assert s.encoding == "gb18030"


def test_bom_and_preamble_rows(tmp_path):
    text = '"Includes Amazon Marketplace"\n"All amounts in USD"\n\namazon-order-id,sku\r\n1,A\r\n'
    p = tmp_path / "t.csv"
    p.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    s = rt.sniff_text(p, [SIG])
    assert s.encoding == "utf-8-sig" and s.header_index == 3
    raw = rt.read_text_table(p, s)
    assert raw.header_row == 4 and raw.frame["sku"].tolist() == ["A"]


def test_truncated_last_row_is_an_error_naming_the_row(tmp_path):
    p = _write(tmp_path / "t.tsv", "amazon-order-id\tsku\tproduct-name\n1\tA\tMug\n2\tB", "utf-8")
    s = rt.sniff_text(p, [SIG])
    with pytest.raises(SourceError) as info:
        rt.read_text_table(p, s)
    assert info.value.row == 3 and "cut short" in info.value.message


def test_unknown_header_gives_none(tmp_path):
    p = _write(tmp_path / "x.csv", "foo,bar\n1,2\n", "utf-8")
    assert rt.sniff_text(p, [SIG]) is None


# -- the pyarrow fast path reads exactly what pandas' parser reads ---------------------------
def _text_exports():
    from pathlib import Path

    root = Path(__file__).resolve().parent
    files = sorted(p for p in (root / "fixtures").rglob("*") if p.suffix.lower() in {".csv", ".txt", ".tsv"})
    files += sorted((root / "badinput").rglob("*.csv")) + sorted((root / "badinput").rglob("*.txt"))
    return files


def _sniff_any(path):
    """The first adapter layout whose header the file matches, with the quoting it reads with."""
    import csv

    from kpi_lib.sources.base import adapter_types, get_adapter

    for adapter in map(get_adapter, adapter_types()):
        sigs = [lay.signature for lay in adapter.layouts.values()]
        sniffed = rt.sniff_text(path, sigs, encodings=adapter.encodings) if sigs else None
        if sniffed is not None:
            unquoted = (adapter.unquoted_tsv and sniffed.delimiter == "\t"
                        and '"' not in sniffed.lines[sniffed.header_index])
            return sniffed, csv.QUOTE_NONE if unquoted else csv.QUOTE_MINIMAL
    return None


def test_fast_and_reference_readers_agree_on_every_text_fixture():
    import pandas as pd

    compared = fell_back = 0
    for path in _text_exports():
        hit = _sniff_any(path)
        if hit is None:
            continue
        sniffed, quoting = hit
        fast = rt._read_with_pyarrow(path, sniffed, quoting=quoting)
        fast = None if fast is None else rt._to_frame(fast)
        try:
            reference = rt._read_with_pandas(path, sniffed, quoting=quoting)
        except SourceError:
            assert fast is None, f"{path}: pyarrow read a file pandas refuses"
            continue
        if fast is None:
            fell_back += 1
            continue
        pd.testing.assert_frame_equal(fast, reference, obj=str(path))
        compared += 1
    assert compared >= 25, (compared, fell_back)


@pytest.mark.parametrize("body, reads_fast", [
    ("a\tb\n1\t2\n", True),
    ("a\tb\n1\t2\t3\n", False),          # a row with more cells than the header
    ("a\tb\n1\n", False),                # a ragged row: pandas pads it (and may call it cut off)
    ("a\ta\n1\t2\n", False),             # a repeated header name: pandas renames it a.1
])
def test_fast_reader_leaves_irregular_files_to_pandas(tmp_path, body, reads_fast):
    import csv

    path = tmp_path / "x.txt"
    path.write_text(body, encoding="utf-8")
    sniffed = rt.Sniffed("utf-8", "\t", 0, 0, body.splitlines())
    assert (rt._read_with_pyarrow(path, sniffed, quoting=csv.QUOTE_NONE) is not None) is reads_fast
