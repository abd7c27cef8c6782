"""PDF and HTML export of stage notebooks: cover, contents, no code, A4, tables that fit,
print-resolution charts, CJK text in embedded Noto fonts (checked with poppler's tools)."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest

from kpi_lib.reports.cover import ReportCover, cover_from_title, resolve_cover
from kpi_lib.reports.export import export_notebook, notebook_html, report_html
from kpi_lib.reports.layout import column_groups, prepare_body, table_layout, table_width_units
from kpi_lib.reports.pdf import render_document
from tests.reports_helpers import page_sizes, pdffonts, pdftotext, report_notebook

A4 = (595.3, 841.9)
COVER = {"client_name": "示例客户", "period": "2026-10", "stage": "retro", "target_version": "v3",
         "consultant": "周明远"}
ALLOWED_FONTS = re.compile(r"^[A-Z]{6}\+(DejaVu-Sans(-Bold|-Oblique|-BoldOblique)?|DejaVu-Sans-Mono(-Bold)?|"
                           r"Noto-Sans-CJK-(SC|JP)(-Bold)?|Noto-Sans-Mono-CJK-(SC|JP)(-Bold)?)$")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    nb = report_notebook(folder / "05_monthly_retro.ipynb")
    out = export_notebook(nb, folder, language="zh", cover=COVER, today=dt.date(2026, 11, 5))
    pages = subprocess.run(["pdftoppm", "-r", "30", "-png", str(out["pdf"]), str(folder / "page")],
                           capture_output=True, text=True)
    assert pages.returncode == 0, pages.stderr
    return out, folder


@pytest.fixture(scope="module")
def pdf_text(exported):
    return pdftotext(exported[0]["pdf"])


def _page_of(pdf: Path, needle: str) -> int:
    for page in range(1, len(page_sizes(pdf)) + 1):
        if needle in pdftotext(pdf, first=page, last=page):
            return page
    raise AssertionError(f"{needle!r} is on no page")


def test_every_page_renders_to_png_and_is_a4(exported):
    out, folder = exported
    sizes = page_sizes(out["pdf"])
    pngs = sorted(folder.glob("page-*.png"))
    assert len(pngs) == len(sizes) >= 5
    assert all(p.stat().st_size > 1000 for p in pngs)
    for w, h in sizes:
        assert sorted((round(w, 1), round(h, 1))) == sorted(A4)


def test_cover_page_names_client_period_stage_version_date_and_consultant(exported):
    cover = pdftotext(exported[0]["pdf"], first=1, last=1)
    for needle in ["示例客户", "2026-10", "月度复盘", "v3", "2026-11-05", "周明远", "目标版本", "顾问", "机密"]:
        assert needle in cover, needle
    assert not re.search(r"\b1\s*/\s*\d", cover)  # no page number on the cover


def test_contents_list_h1_h2_with_the_pages_they_are_on(exported):
    pdf = exported[0]["pdf"]
    toc = pdftotext(pdf, first=2, last=2, layout=True)
    assert "目录" in toc
    for heading in ["1. 销售明细", "2. 宽表", "3. 超宽表", "4. 差异分解"]:
        line = next(line for line in toc.splitlines() if heading in line)
        page = int(line.split()[-1])
        assert page == _page_of_heading(pdf, heading), (heading, line)


def _page_of_heading(pdf: Path, heading: str) -> int:
    for page in range(3, len(page_sizes(pdf)) + 1):
        if heading in pdftotext(pdf, first=page, last=page):
            return page
    raise AssertionError(heading)


def test_page_numbers_in_the_footer(exported):
    pdf = exported[0]["pdf"]
    n = len(page_sizes(pdf))
    assert re.search(rf"\b3\s*/\s*{n}\b", pdftotext(pdf, first=3, last=3))
    assert re.search(rf"\b{n}\s*/\s*{n}\b", pdftotext(pdf, first=n, last=n))


def test_pdf_bookmarks_follow_the_headings_not_the_cover():
    html = report_html("<h1>标题</h1><h2>1. 第一节</h2><p>x</p><h2>2. 第二节</h2>",
                       ReportCover(client_name="示例客户", period="2026-10", stage="retro"))
    tree = render_document(html).make_bookmark_tree()
    assert [b[0] for b in tree] == ["标题"]
    assert [child[0] for child in tree[0][2]] == ["1. 第一节", "2. 第二节"]


def test_chinese_and_japanese_prose_tables_and_chart_titles_are_text(pdf_text):
    for needle in ["示例客户 · 月度复盘（2026-10）", "日本語：売上高と粗利率", "JP-Main 日本站", "销售额",
                   "月度指标名称25", "stdout 输出行"]:
        assert needle in pdf_text, needle


def test_no_code_parameters_stderr_widgets_or_reprs(pdf_text, exported):
    html = exported[0]["html"].read_text(encoding="utf-8")
    for text in (pdf_text, html):
        for code in ["import pandas", "md(", "display(", "client_config", "deviation_waterfall(",
                     "SECRET_REMOVED_MARKDOWN", "STDERR_SHOULD_NOT_APPEAR", "WIDGET_REPR", "<Figure size",
                     "\\u6d4b", "print('hello')"]:
            assert code not in text, code


def test_fonts_are_noto_cjk_and_dejavu_all_embedded(exported):
    fonts = pdffonts(exported[0]["pdf"])
    assert any("Noto-Sans-CJK-SC" in f["name"] for f in fonts), fonts
    assert all(f["embedded"] for f in fonts), fonts
    unexpected = [f["name"] for f in fonts if not ALLOWED_FONTS.match(f["name"])]
    assert not unexpected, f"a font nobody named was substituted: {unexpected}"


def test_no_text_runs_off_any_page(exported):
    pdf = exported[0]["pdf"]
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    margin = 5 / 25.4 * 72  # 5 mm: the page margins are 14 mm
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S):
        width = float(page.group(1))
        for x_min, x_max, word in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" '
                                             r'yMax="[\d.]+">([^<]*)</word>', page.group(3)):
            assert float(x_min) >= margin and float(x_max) <= width - margin, (word, x_min, x_max, width)


def test_very_wide_table_prints_on_a_landscape_page_with_its_heading(exported):
    pdf = exported[0]["pdf"]
    sizes = page_sizes(pdf)
    page = _page_of(pdf, "月度指标名称25")
    w, h = sizes[page - 1]
    assert w > h
    assert "3. 超宽表" in pdftotext(pdf, first=page, last=page)
    assert all(w < h for i, (w, h) in enumerate(sizes, start=1) if i != page)


def test_long_table_repeats_its_header_row_on_every_page(exported):
    pdf = exported[0]["pdf"]
    first, last = _page_of(pdf, "JP-Main 日本站"), _page_of(pdf, "4,293")
    assert last > first
    for page in range(first, last + 1):
        text = pdftotext(pdf, first=page, last=page)
        assert "序号" in text and "店铺" in text, page


def test_charts_are_embedded_at_print_resolution(exported):
    listing = subprocess.run(["pdfimages", "-list", str(exported[0]["pdf"])], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert listing, "the chart is missing"
    for line in listing:
        fields = line.split()
        x_ppi, y_ppi = int(fields[12]), int(fields[13])
        assert min(x_ppi, y_ppi) >= 150, line


def test_html_is_self_contained_for_email(exported):
    html = exported[0]["html"].read_text(encoding="utf-8")
    assert "data:image/png;base64," in html
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html), "an external resource"
    assert "@import" not in html and "url(http" not in html
    assert 'lang="zh-CN"' in html
    assert not list(exported[1].glob("*.tmp")) and not list(exported[1].glob(".*"))  # written atomically
    for needle in ["示例客户", "目录", 'href="#sec-', "周明远"]:
        assert needle in html, needle


def test_old_call_without_cover_takes_the_facts_from_the_title(tmp_path):
    nb = report_notebook(tmp_path / "01_diagnosis.ipynb")
    html = notebook_html(nb, language="zh", title="深圳示例 · 2026-10 · 需求诊断", today=dt.date(2026, 11, 5))
    assert "深圳示例" in html and "需求诊断" in html and "2026-11-05" in html


def test_english_report_labels(tmp_path):
    html = report_html("<h2>1. Data</h2>", ReportCover(client_name="Acme", stage="diagnosis", period="2026-10"),
                       language="en")
    for needle in ["Contents", "Client", "Target version", "Consultant", "Diagnosis", 'lang="en"', "Confidential"]:
        assert needle in html, needle
    assert "目录" not in html and "客户" not in html


def test_cover_facts_come_from_papermill_parameters_config_and_results(tmp_path):
    (tmp_path / "data").mkdir()
    config = tmp_path / "acme.yaml"
    config.write_text("client_id: acme\nname: 测试客户有限公司\nconsultant: 周明远\nmarkets:\n  - id: US\n"
                      "data_dir: data\n", encoding="utf-8")
    nb = tmp_path / "work" / "05_monthly_retro.ipynb"
    nb.parent.mkdir()
    nb.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {
        "papermill": {"parameters": {"client_config": str(config), "period": "2026-09"}}}}), encoding="utf-8")
    (nb.parent / "results.json").write_text(json.dumps({"stage": "retro", "target_version": 4}), encoding="utf-8")
    cover = resolve_cover({"date": "2026-10-03"}, notebook=nb, title="ignored · 2026-01 · ignored")
    assert cover == ReportCover(client_name="测试客户有限公司", period="2026-09", stage="retro", target_version="4",
                                date="2026-10-03", consultant="周明远")


def test_cover_from_title_and_unknown_fields():
    assert cover_from_title("A · B · 2026-10 · 需求诊断") == ReportCover(client_name="A · B", period="2026-10",
                                                                          stage="需求诊断")
    with pytest.raises(ValueError, match="unknown cover fields"):
        ReportCover.from_value({"client": "x"})


def test_missing_cover_facts_print_as_a_dash():
    html = report_html("<p>x</p>", ReportCover(), language="zh")
    assert "<th>目标版本</th><td>—</td>" in html


def test_table_layout_by_width():
    from bs4 import BeautifulSoup

    def units(n_cols: int, text: str) -> int:
        row = "".join(f"<td>{text}</td>" for _ in range(n_cols))
        return table_width_units(BeautifulSoup(f"<table><tr>{row}</tr></table>", "html.parser").table)

    assert table_layout(units(6, "1,234")) == ()
    assert table_layout(units(15, "12.50%")) == ("compact",)
    assert table_layout(units(18, "123,456")) == ("landscape",)
    assert table_layout(units(26, "1,234,567")) == ("landscape", "compact")
    # Long text wraps, so it does not make a table wide; CJK counts double.
    assert units(1, "很长的说明文字" * 10) == units(1, "x" * 28)
    assert units(1, "销售额") == units(1, "abcdef")


def test_prepare_body_anchors_headings_and_splits_too_wide_tables():
    cells = "".join(f"<th>月度指标名称{i:02d}</th>" for i in range(30))
    values = "<th>P001</th>" + "".join(f"<td>{i * 1234567:,}</td>" for i in range(1, 30))
    body = (f'<h1>标题<a class="anchor-link" href="#x">¶</a></h1><h2>一节</h2><h3>小节</h3><p>说明</p>'
            f"<table><thead><tr>{cells}</tr></thead><tbody><tr>{values}</tr></tbody></table>")
    html, toc = prepare_body(body)
    assert [(e.level, e.text, e.id) for e in toc] == [(1, "标题", "sec-1"), (2, "一节", "sec-2")]
    assert "¶" not in html and 'id="sec-3"' in html
    parts = re.findall(r'<div class="kpi-table ([^"]*)">', html)
    assert len(parts) >= 2 and all("landscape" in p for p in parts)
    assert html.count("P001") == len(parts)  # the row label repeats in every part
    assert html.index("<h3") > html.index('class="kpi-table')  # the lead-in heading moved onto the page


def test_column_groups_fit_the_limit():
    groups = column_groups([10] + [12] * 20, keys=1, limit=60)
    assert [i for g in groups for i in g] == list(range(1, 21))
    assert all(12 + sum(14 for _ in g) <= 60 for g in groups)


def test_scripts_and_external_resources_are_dropped():
    body = ('<p>a <a href="https://example.com/x">链接</a></p><script src="https://cdn.example/x.js"></script>'
            '<script>alert(1)</script><link rel="stylesheet" href="https://cdn.example/x.css">'
            '<img src="https://example.com/logo.png" alt="徽标"><iframe src="//example.com"></iframe>'
            '<img src="data:image/png;base64,AAAA" alt="">')
    html, _ = prepare_body(body)
    assert "<script" not in html and "<link" not in html and "<iframe" not in html
    assert "example.com" not in html and "cdn." not in html
    assert "链接" in html and "徽标" in html and "data:image/png;base64,AAAA" in html
