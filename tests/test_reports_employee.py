"""Per-employee scorecard PDFs: one file per person id, in the report language, CJK fonts
embedded, and nothing about anybody else (names, ids, figures, notes, metadata)."""
from __future__ import annotations

import re
import subprocess

import pytest

from kpi_lib.reports.employee import attainment_band, scorecard_filename, write_employee_scorecards
from tests.reports_helpers import PEOPLE, TOTALS, pdffonts, pdftotext, scorecard_frames


def _figures(person_id: str) -> set[str]:
    """Figures printed on a person's card that are theirs alone (as the card formats them)."""
    _, name, *_, metrics = next(p for p in PEOPLE if p[0] == person_id)
    total, _, bonus = TOTALS[person_id]
    out = {f"{total:.1f}", f"{bonus:,.0f}"}
    for mid, actual, target, att, score, *_ in metrics:
        if mid == "gmv":
            out |= {f"{actual:,.0f}", f"{target:,.0f}"}
        out.add(f"{att * 100:.1f}%")
    return out


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    summary, detail = scorecard_frames()
    folder = tmp_path_factory.mktemp("cards")
    paths = write_employee_scorecards(summary, detail, folder, "zh", "深圳示例家居科技有限公司", "2026-10")
    return {p.stem.removeprefix("scorecard_"): p for p in paths}, folder


@pytest.fixture(scope="module")
def card_text(cards):
    return {pid: pdftotext(path) for pid, path in cards[0].items()}


def test_one_file_per_person_named_by_id_not_name(cards):
    paths, folder = cards
    assert sorted(p.name for p in folder.iterdir()) == ["scorecard_P001.pdf", "scorecard_P002.pdf",
                                                         "scorecard_P003.pdf"]
    assert not any(re.search(r"[\u4e00-\u9fff]", p.name) for p in paths.values())


def test_each_scorecard_contains_no_other_employee(cards, card_text):
    paths, _ = cards
    distinct = {pid: _figures(pid) for pid in paths}
    shared = set.intersection(*distinct.values())
    for pid, text in card_text.items():
        info = subprocess.run(["pdfinfo", str(paths[pid])], capture_output=True, text=True, check=True).stdout
        raw = paths[pid].read_bytes()
        own = next(p for p in PEOPLE if p[0] == pid)
        assert own[1] in text and pid in text
        for other in PEOPLE:
            if other[0] == pid:
                continue
            other_id, other_name = other[0], other[1]
            for needle in (other_id, other_name):
                assert needle not in text, (pid, needle)
                assert needle not in info, (pid, needle)
                assert needle.encode("utf-8") not in raw and needle.encode("utf-16-be") not in raw, (pid, needle)
            for figure in distinct[other_id] - distinct[pid] - shared:
                assert figure not in text, (pid, other_id, figure)
            for *_, note in other[5]:
                if note:
                    assert note not in text, (pid, note)
        assert own[1] not in info  # not even the person's own name in the file metadata


def test_scorecard_shows_metrics_targets_attainment_exemption_score_rating_and_bonus(card_text):
    text = card_text["P002"]
    for needle in ["个人绩效卡", "深圳示例家居科技有限公司", "2026-10", "李娜", "广告", "初级", "JP",
                   "总分", "93.9", "评级", "奖金", "4,419 CNY", "ACoS", "点击率(CTR)", "免考",
                   "物流延误，经批准免考", "950,000 CNY", "876,543 CNY", "92.3%", "达成率", "加权得分",
                   "机密", "仅限本人查阅"]:
        assert needle in text, needle


def test_cjk_fonts_are_embedded_and_pages_render(cards):
    paths, folder = cards
    for path in paths.values():
        fonts = pdffonts(path)
        assert any("Noto-Sans-CJK-SC" in f["name"] for f in fonts) and all(f["embedded"] for f in fonts), fonts
    out = subprocess.run(["pdftoppm", "-r", "30", "-png", str(paths["P001"]), str(folder.parent / "p001")],
                         capture_output=True, text=True)
    assert out.returncode == 0 and list(folder.parent.glob("p001*.png"))


def test_english_scorecard_with_japanese_metric_names(tmp_path):
    summary, detail = scorecard_frames()
    paths = write_employee_scorecards(summary.iloc[:1], detail, tmp_path, "en", "Demo Home", "2026-10",
                                      metric_name_language="ja")
    assert [p.name for p in paths] == ["scorecard_P001.pdf"]
    text = pdftotext(paths[0])
    for needle in ["Personal scorecard", "Total score", "Rating", "Bonus", "Operations", "Senior", "売上高",
                   "粗利率", "Confidential"]:
        assert needle in text, needle
    assert "个人绩效卡" not in text
    assert any("Noto-Sans-CJK-JP" in f["name"] for f in pdffonts(paths[0]))  # Japanese glyph forms for ja names


def test_person_without_metrics_gets_a_card_saying_so(tmp_path):
    summary, detail = scorecard_frames()
    paths = write_employee_scorecards(summary.iloc[[2]], detail[detail["person_id"] == "P001"], tmp_path, "zh",
                                      "客户", "2026-10")
    text = pdftotext(paths[0])
    assert "本期没有考核指标" in text and "王海涛" not in text


def test_names_and_notes_are_escaped_not_markup():
    from kpi_lib.reports.employee import scorecard_context, scorecard_html

    summary, detail = scorecard_frames()
    person = {**summary.iloc[0].to_dict(), "name": "<b>王</b>", "notes": "a < b & c"}
    html = scorecard_html(scorecard_context(person, detail[detail["person_id"] == "P001"]), "zh")
    assert "&lt;b&gt;王&lt;/b&gt;" in html and "a &lt; b &amp; c" in html and "<b>王" not in html


def test_attainment_band():
    assert attainment_band(0.79) == "red"
    assert attainment_band(0.8) == "amber"
    assert attainment_band(0.999) == "amber"
    assert attainment_band(1.0) == "green"
    assert attainment_band(1.2, exempted=True) is None
    assert attainment_band(float("nan")) is None
    assert attainment_band(0.85, threshold=0.9, target=1.1) == "red"


def test_file_names_are_safe_and_distinct():
    assert scorecard_filename("P001") == "scorecard_P001.pdf"
    odd = [scorecard_filename(x) for x in ("../etc", "张 三", "a/b", "a_b")]
    assert all("/" not in n and not n.startswith(".") and re.fullmatch(r"[A-Za-z0-9_.-]+", n) for n in odd)
    assert len(set(odd)) == len(odd)


def test_missing_columns_are_an_actionable_error(tmp_path):
    from kpi_lib.errors import KpiError

    summary, detail = scorecard_frames()
    with pytest.raises(KpiError, match="lacks columns"):
        write_employee_scorecards(summary.drop(columns=["bonus"]), detail, tmp_path, "zh", "c", "2026-10")


def test_no_laid_out_document_outlives_its_pdf(tmp_path):
    """A WeasyPrint document is a web of reference cycles; left to the cycle collector, a
    batch of scorecards piled up ~30 MB per person. Each is freed as soon as it is written."""
    import gc

    summary, detail = scorecard_frames()
    gc.collect()
    gc.disable()  # so only the writer's own collection can free them
    try:
        write_employee_scorecards(summary, detail, tmp_path, "zh", "示例", "2026-10")
        # Laid-out text (pango layouts) and boxes are what held the memory.
        alive = [o for o in gc.get_objects()
                 if str(getattr(type(o), "__module__", "")).startswith(("weasyprint.text.line_break",
                                                                         "weasyprint.formatting_structure"))]
    finally:
        gc.enable()
    assert not alive, f"{len(alive)} laid-out WeasyPrint objects still in memory"
