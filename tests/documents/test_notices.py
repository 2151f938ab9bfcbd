"""Notices: numbering, GB/T 9704 layout of every default template, strict rendering, overrides."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from disputectl.documents.notice_templates import build_template
from disputectl.documents.notices import (
    KINDS,
    format_date_cn,
    format_doc_number,
    remedy_paragraphs,
    render_docx,
    render_text,
    sample_context,
    template_path,
)
from disputectl.errors import ValidationError
from disputectl.resources import resource_dir

FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = (
    "仿宋_GB2312",
    "方正小标宋简体",
    "黑体",
    "楷体_GB2312",
    "宋体",
)
FONT_BY_STYLE = {
    "GW Title": XIAOBIAOSONG,
    "GW Heading 1": HEITI,
    "GW Heading 2": KAITI,
    "GW Label": HEITI,
    "GW Label Small": HEITI,
    "GW Footer": SONGTI,
}
INLINE_HEADING = re.compile(r"^（[一二三四五六七八九十]+）[^。：]+[。：]$")
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def open_docx(data: bytes):  # type: ignore[no-untyped-def]
    return Document(io.BytesIO(data))


def all_paragraph_elements(document):  # type: ignore[no-untyped-def]
    """Body paragraphs (including those in table cells) and every footer's paragraphs."""
    yield from document.element.body.iter(qn("w:p"))
    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            yield from footer._element.iter(qn("w:p"))


def expected_fields(kind: str, context: dict[str, object]) -> list[str]:
    fields: list[str] = []
    for key in KINDS[kind].required:
        value = context[key]
        if key == "payer_kind":  # shown as 你单位 / 你 in letters to the payer
            continue
        if key == "rows":
            fields += [row["title"] for row in value]  # type: ignore[attr-defined]
            fields += [row["doc_number"] for row in value if row["doc_number"]]  # type: ignore[attr-defined]
        elif isinstance(value, list):
            fields += [str(v) for v in value]
        else:
            fields.append(str(value))
    return fields


# --- numbering and dates -------------------------------------------------------------------


def test_doc_number_has_full_year_in_brackets_and_no_leading_zeros() -> None:
    assert format_doc_number("社争受", 2026, 12) == "社争受〔2026〕12号"
    assert format_doc_number("社争结", 2026, 1) == "社争结〔2026〕1号"
    assert format_doc_number("社争移", 2027, 105) == "社争移〔2027〕105号"


def test_doc_number_sequence_starts_at_one() -> None:
    with pytest.raises(ValueError):
        format_doc_number("社争受", 2026, 0)


def test_dates_have_no_leading_zeros() -> None:
    assert format_date_cn(date(2026, 11, 26)) == "2026年11月26日"
    assert format_date_cn(date(2026, 1, 5)) == "2026年1月5日"


def test_kind_codes_and_prefixes() -> None:
    prefixes = {code: kind.prefix for code, kind in KINDS.items()}
    assert prefixes == {
        "receipt": "社争受",
        "transfer": "社争转",
        "meeting": "社争会",
        "opinion_request": "社争函",
        "approval_request": "社争批",
        "referral": "社争移",
        "extension": "社争延",
        "result": "社争结",
        "handover": "社争交",
        "archive_index": None,
        "archive_note": None,
        "registration_form": None,
    }
    for kind in KINDS.values():
        assert ("doc_number" in kind.required) == (kind.prefix is not None)


# --- every default template ----------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_renders_its_fields(kind: str, tmp_path: Path) -> None:
    context = sample_context(kind)
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(render_docx(kind, context))
    document = Document(str(path))
    text = render_text(kind, context)

    assert not re.search(r"{{|{%|}}|%}", text)
    if KINDS[kind].prefix:
        assert context["doc_number"] in text.splitlines()[1:3]  # a long title takes two lines
        assert text.splitlines()[-2:] == [context["issuer_name"], context["issue_date"]]
    for field in expected_fields(kind, context):
        assert field in text, field
    assert document.paragraphs[0].style.name == "GW Title"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_run_names_its_east_asian_font(kind: str) -> None:
    document = open_docx(render_docx(kind, sample_context(kind)))
    style_names = {style.style_id: style.name for style in document.styles}
    checked = 0
    for p in all_paragraph_elements(document):
        style_el = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style = style_names.get(style_el.get(qn("w:val"))) if style_el is not None else "Normal"
        for run in p.iter(qn("w:r")):
            fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            assert fonts is not None and fonts.get(qn("w:eastAsia")), (kind, style)
            assert not any(fonts.get(qn(attr)) for attr in THEME_ATTRS)
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            if not text:
                continue
            expected = FONT_BY_STYLE.get(style, FANGSONG)  # type: ignore[arg-type]
            if style == "GW Body" and INLINE_HEADING.match(text):
                expected = KAITI
            assert fonts.get(qn("w:eastAsia")) == expected, (kind, style, text)
            assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == expected
            checked += 1
    assert checked > 5


@pytest.mark.parametrize("kind", list(KINDS))
def test_page_is_a4_with_gb9704_margins_and_title_size(kind: str) -> None:
    document = open_docx(render_docx(kind, sample_context(kind)))
    section = document.sections[0]
    for actual, expected in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert actual is not None and abs(actual.mm - expected) <= 0.5
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"  # no character grid: it costs LibreOffice the 28th character
    assert grid.get(qn("w:linePitch")) == "579"
    assert document.settings.element.find(qn("w:mirrorMargins")) is not None  # 订口 alternates when double-sided
    assert abs(section.footer_distance.mm - 25.5) <= 0.05
    title = document.paragraphs[0]
    assert title.runs and all(run.font.size == Pt(22) for run in title.runs)
    body = document.styles["GW Body"].paragraph_format
    assert body.line_spacing == Pt(28.95)
    assert document.styles["GW Body"].font.size == Pt(16)


def test_page_number_footer_is_dash_page_dash() -> None:
    document = open_docx(render_docx("result", sample_context("result")))
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text == "— 1 —"
    instr = [el.text for el in footer._p.iter(qn("w:instrText"))]
    assert instr == [" PAGE "]
    assert all(run.font.size == Pt(14) for run in footer.runs)


def test_result_lists_render_through_paragraph_loops() -> None:
    context = sample_context("result")
    lines = render_text("result", context).splitlines()
    remedy = context["remedy"]
    assert isinstance(remedy, list)
    start = lines.index("四、救济途径") + 1
    assert lines[start : start + len(remedy)] == remedy


def test_multi_paragraph_text_becomes_paragraphs() -> None:
    context = sample_context("result") | {"facts": "第一段事实。\n\n第二段事实。"}
    lines = render_text("result", context).splitlines()
    i = lines.index("第一段事实。")
    assert lines[i + 1] == "第二段事实。"


def test_payer_kind_codes_are_shown_in_chinese() -> None:
    context = sample_context("transfer") | {"payer_kind": "employer"}
    assert "缴费人 | 江州市恒达机械制造有限公司（用人单位）" in render_text("transfer", context)
    context = sample_context("result") | {"payer_kind": "individual"}
    assert "你反映" in render_text("result", context)


def test_individual_payer_is_addressed_as_you() -> None:
    context = sample_context("extension")
    assert context["payer_kind"] == "个人"
    text = render_text("extension", context)
    assert "你反映" in text and "你单位" not in text
    assert "你单位反映" in render_text("result", sample_context("result"))


def test_archive_index_rows_render_as_table_rows() -> None:
    context = sample_context("archive_index")
    lines = render_text("archive_index", context).splitlines()
    assert "序号 | 文号 | 责任者 | 题名 | 日期 | 页号 | 备注" in lines
    assert (
        "1 | 社争受〔2026〕12号 | 国家税务总局江州市临江区税务局 | 受理回执 | 20261126 | 1 | "
        in lines
    )
    rows = context["rows"]
    assert isinstance(rows, list)
    assert len([line for line in lines if re.match(r"^\d+ \| ", line)]) == len(rows)


def test_archive_index_row_without_title_is_refused() -> None:
    context = sample_context("archive_index")
    rows = context["rows"]
    assert isinstance(rows, list)
    context["rows"] = [rows[0] | {"title": ""}]
    with pytest.raises(ValidationError) as err:
        render_docx("archive_index", context)
    assert "rows 第1行缺少 title" in err.value.details


# --- strict rendering ----------------------------------------------------------------------


def test_text_is_escaped_not_interpreted() -> None:
    context = sample_context("result") | {"payer_name": "张三&李四<代表>"}
    data = render_docx("result", context)
    assert "张三&李四<代表>：" in render_text("result", context).splitlines()
    assert open_docx(data).paragraphs[3].text == "张三&李四<代表>："


@pytest.mark.parametrize("missing", ["payer_name", "doc_number", "facts", "remedy"])
def test_missing_required_key_is_named(missing: str) -> None:
    context = sample_context("result")
    del context[missing]
    with pytest.raises(ValidationError) as err:
        render_docx("result", context)
    assert missing in err.value.message
    assert any(d.startswith(missing) for d in err.value.details)


@pytest.mark.parametrize("empty", ["", "   ", None, []])
def test_empty_required_value_is_missing(empty: object) -> None:
    context = sample_context("meeting") | {"units": empty}
    with pytest.raises(ValidationError, match="通知书缺少必填内容：units"):
        render_docx("meeting", context)


def test_list_field_given_as_string_is_refused() -> None:
    context = sample_context("meeting") | {"units": "税务局"}
    with pytest.raises(ValidationError) as err:
        render_docx("meeting", context)
    assert err.value.details == ["units（参会单位） 应为列表"]


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match="未知的通知书类型：notice"):
        render_docx("notice", {})


def override_template(store: Path, kind: str, extra: str) -> Path:
    """A store template: the default one with one more paragraph."""
    document = Document(str(template_path(kind)))
    document.add_paragraph(extra, style="GW Body")
    path = store / "templates" / f"{kind}.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def test_store_template_wins_over_default(tmp_path: Path) -> None:
    assert template_path("receipt", tmp_path) == resource_dir("templates") / "receipt.docx"
    path = override_template(tmp_path, "receipt", "本市定制模板：{{ case_id }}")
    assert template_path("receipt", tmp_path) == path
    assert template_path("transfer", tmp_path) == resource_dir("templates") / "transfer.docx"
    text = render_text("receipt", sample_context("receipt"), tmp_path)
    assert "本市定制模板：SW-2026-000012" in text.splitlines()
    assert "本市定制模板" not in render_text("receipt", sample_context("receipt"))


def test_undefined_variable_in_store_template_is_refused(tmp_path: Path) -> None:
    override_template(tmp_path, "receipt", "{{ nosuch }}")
    with pytest.raises(ValidationError) as err:
        render_docx("receipt", sample_context("receipt"), tmp_path)
    assert err.value.message == ("文书模板“受理回执”（templates/receipt.docx）第17段（“{{ nosuch }}”）："
                                 "使用了未提供的内容“nosuch”，未出具文书。")
    assert err.value.details == []


def test_broken_tag_in_store_template_is_refused(tmp_path: Path) -> None:
    override_template(tmp_path, "receipt", "{% if case_id %}没有结束")
    with pytest.raises(ValidationError) as err:
        render_docx("receipt", sample_context("receipt"), tmp_path)
    assert err.value.message == ("文书模板“受理回执”（templates/receipt.docx）第17段（“{% if case_id %}没有结束”）："
                                 "“{% if case_id %}”没有对应的“{% endif %}”，未出具文书。")


def test_store_template_that_is_not_a_docx_is_refused(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "receipt.docx").write_text("not a zip", encoding="utf-8")
    with pytest.raises(ValidationError, match="不是有效的 .docx"):
        render_docx("receipt", sample_context("receipt"), tmp_path)


@pytest.mark.parametrize("kind", ["receipt", "result", "archive_index"])
def test_rendering_is_deterministic(kind: str) -> None:
    context = sample_context(kind)
    first, second = render_docx(kind, context), render_docx(kind, context)
    assert first == second
    assert render_text(kind, context) == render_text(kind, context)
    props = open_docx(first).core_properties
    assert props.created == props.modified
    assert props.created is not None and props.created.year == 2026


def unzipped(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


@pytest.mark.parametrize("kind", list(KINDS))
def test_committed_templates_are_current(kind: str) -> None:
    """Regenerate with ``python -m disputectl.documents.notice_templates templates/`` when this fails."""
    committed = (resource_dir("templates") / f"{kind}.docx").read_bytes()
    assert unzipped(committed) == unzipped(build_template(kind))


def test_archive_note_remark_defaults_to_none_given() -> None:
    context = sample_context("archive_note") | {"remark": ""}
    assert "备注 | 无" in render_text("archive_note", context).splitlines()


# --- remedies ------------------------------------------------------------------------------


def test_remedy_for_tax_goes_to_the_higher_tax_authority() -> None:
    text = "".join(remedy_paragraphs("tax", "江州市临江区人民政府"))
    assert "60日内向上一级税务机关申请行政复议" in text
    assert "人民政府" not in text
    assert "6个月内" in text and "人民法院提起行政诉讼" in text
    assert "涉及劳动关系的，可以依法申请劳动人事争议仲裁" in text
    assert "调解" in text
    assert "《中华人民共和国行政复议法》第二十条" in text
    assert "《中华人民共和国行政诉讼法》第四十六条" in text


@pytest.mark.parametrize("unit_kind", ["hrss", "medical"])
def test_remedy_for_hrss_and_medical_goes_to_the_government(unit_kind: str) -> None:
    text = "".join(remedy_paragraphs(unit_kind, "江州市临江区人民政府"))
    assert "60日内向江州市临江区人民政府申请行政复议" in text
    assert "税务机关" not in text
    assert "6个月内" in text


@pytest.mark.parametrize("unit_kind", ["office", "platform"])
def test_remedy_for_office_names_both_bodies(unit_kind: str) -> None:
    text = "".join(remedy_paragraphs(unit_kind, "江州市人民政府"))
    assert "对税务机关作出的行政行为不服的" in text
    assert "向上一级税务机关申请行政复议" in text
    assert "向江州市人民政府申请行政复议" in text


def test_remedy_needs_a_known_unit_kind_and_a_government() -> None:
    with pytest.raises(ValidationError, match="未知的办结单位类型"):
        remedy_paragraphs("court", "江州市人民政府")
    with pytest.raises(ValidationError, match="本级人民政府"):
        remedy_paragraphs("hrss", " ")
    assert remedy_paragraphs("tax", "")


# --- LibreOffice ---------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
def test_result_notice_converts_to_pdf(tmp_path: Path) -> None:
    context = sample_context("result")
    source = tmp_path / "result.docx"
    source.write_bytes(render_docx("result", context))
    home = tmp_path / "soffice-home"  # LibreOffice writes its profile there, also as root
    home.mkdir()
    env = dict(os.environ, HOME=str(home))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env=env,
    )
    pdf = tmp_path / "result.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        return  # the PDF exists; its text cannot be checked without poppler-utils
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")
    flat = re.sub(r"\s+", "", out)
    for expected in (
        "社会保险费征缴争议事项处理结果告知书",
        "社争结〔2026〕5号",
        "江州市恒达机械制造有限公司：",
        "60日内向国家税务总局江州市税务局申请行政复议",
        "—1—",
        "2026年12月15日",
    ):
        assert expected in flat, expected
