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
