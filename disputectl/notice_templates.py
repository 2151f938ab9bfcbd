"""Build the default notice templates (GB/T 9704-2012 layout) with python-docx.

Regenerate the committed files with ``python -m disputectl.notice_templates templates/``.
Every Jinja tag is written inside a single run so docxtpl sees it whole, and every run (and
the Normal style and docDefaults) names its fonts explicitly — ascii, hAnsi, eastAsia and cs —
because python-docx's ``run.font.name`` leaves ``w:eastAsia`` unset and theme fonts would win.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from disputectl.notices import KINDS, stable_zip

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING1 = "黑体"
FONT_HEADING2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"

LINE_PITCH_PT = 28.95  # 22 lines in the 225 mm text area
TEXT_WIDTH_MM = 156  # 28 characters of 3号
CHAR_PT = 16.0
TEMPLATE_TIME = datetime(2026, 1, 1)

# Paragraph styles: name -> (font, size pt, alignment, first-line indent in chars, exact line
# pitch or None for single, snap to the character grid).
_C, _L, _R, _J = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
STYLES: dict[str, tuple[str, float, WD_ALIGN_PARAGRAPH, int, float | None, bool]] = {
    "GW Title": (FONT_TITLE, 22, _C, 0, 36.0, False),
    "GW Number": (FONT_BODY, 16, _C, 0, LINE_PITCH_PT, True),
    "GW Salutation": (FONT_BODY, 16, _J, 0, LINE_PITCH_PT, True),
    "GW Body": (FONT_BODY, 16, _J, 2, LINE_PITCH_PT, True),
    "GW Heading 1": (FONT_HEADING1, 16, _J, 2, LINE_PITCH_PT, True),
    "GW Heading 2": (FONT_HEADING2, 16, _J, 2, LINE_PITCH_PT, True),
    "GW Signature": (FONT_BODY, 16, _R, 0, LINE_PITCH_PT, True),
    "GW Table": (FONT_BODY, 14, _J, 0, 22.0, False),
    "GW Label": (FONT_HEADING1, 14, _C, 0, 22.0, False),
    "GW Table Small": (FONT_BODY, 12, _L, 0, 18.0, False),
    "GW Label Small": (FONT_HEADING1, 12, _C, 0, 18.0, False),
    "GW Footer": (FONT_PAGE_NUMBER, 14, _R, 0, None, False),
}

YOU = '{{ "你单位" if payer_kind == "用人单位" else "你" }}'
CASE = "（案件编号：{{ case_id }}；争议类别：{{ category_name }}）"
PAYER = "{{ payer_name }}（{{ payer_kind }}）"
MATTER = "反映“{{ matter|clause }}”一事"

# A kind's content as blocks: (op, *args). See _write_block for the ops.
Block = tuple[object, ...]
_SIGN: Block = ("sign",)
_THANKS: Block = ("p", "特此告知。")

CONTENT: dict[str, list[Block]] = {
    "receipt": [
        ("title", "社会保险费征缴争议受理回执"),
        ("sal", "{{ payer_name }}："),
        ("p", YOU + "于{{ visit_time }}反映的社会保险费征缴争议事项，本机关已登记受理。"
         "现将有关事项告知如下："),
        ("p", "受理编号：{{ case_id }}"),
        ("p", "受理渠道：{{ channel }}"),
        ("p", "缴费人：" + PAYER),
        ("p", "反映事项：{{ matter }}"),
        ("p", "争议类别：{{ category_name }}"),
        ("p", "诉求：{{ request }}"),
        ("p", "登记的联系电话：{{ phone }}"),
        ("p", "首问责任人：{{ first_officer }}"),
        ("p", "本机关将于{{ route_due }}前完成审核分流，并在规定时限内将处理情况书面告知" + YOU
         + "。联系方式如有变化，请及时告知首问责任人；查询办理进度时，请提供受理编号。"),
        _SIGN,
    ],
    "transfer": [
        ("title", "社会保险费征缴争议事项转办单"),
        ("sal", "{{ to_unit_name }}："),
        ("p", "现将下列社会保险费征缴争议事项转你单位办理。请于{{ sign_due }}前签收；"
         "经审核认为不属于你单位职责范围的，请在规定时限内书面说明理由后退回。"),
        ("form", [
            ("案件编号", "{{ case_id }}"),
            ("缴费人", PAYER),
            ("争议类别", "{{ category_name }}"),
            ("反映主要事项", "{{ matter }}"),
            ("转办理由", ("x in reason|paragraphs", 0)),
            ("签收时限", "{{ sign_due }}前"),
        ]),
        _SIGN,
    ],
    "meeting": [
        ("title", "关于召开社会保险费征缴争议事项", "联席会议的通知"),
        ("sal", "各参会单位："),
        ("p", "为依法妥善处理" + PAYER + MATTER + CASE
         + "，经梳理，该事项需多部门联合办理。根据社会保险费征缴争议联合处置机制有关规定，"
         "定于{{ meeting_date }}召开联席会议。现将有关事项通知如下："),
        ("h1", "一、会议时间"),
        ("p", "{{ meeting_date }}"),
        ("h1", "二、会议地点"),
        ("p", "{{ meeting_place }}"),
        ("h1", "三、参会单位"),
        ("loop", "unit in units", "{{ loop.index }}.{{ unit }}"),
        ("h1", "四、会议议题"),
        ("loop", "x in agenda|paragraphs", "{{ x }}"),
        ("h1", "五、有关要求"),
        ("p", "请各参会单位指派熟悉业务的负责同志参会，提前准备相关政策依据和材料；"
         "会后请按规定时限向领导组办公室提交书面意见。"),
        _SIGN,
    ],
    "opinion_request": [
        ("title", "关于征求社会保险费征缴争议事项", "处理意见的函"),
        ("sal", "{{ to_unit_name }}："),
        ("p", PAYER + MATTER + CASE + "，需多部门联合办理。"
         "为依法妥善处理该事项，现就以下问题征求你单位意见："),
        ("loop", "x in question|paragraphs", "{{ x }}"),
        ("p", "请你单位依职权研究提出书面意见，并于{{ opinion_due }}前反馈领导组办公室。"),
        _SIGN,
    ],
    "approval_request": [
        ("title", "社会保险费征缴争议重大疑难事项报批单"),
        ("form", [
            ("案件编号", "{{ case_id }}"),
            ("缴费人", PAYER),
            ("争议类别", "{{ category_name }}"),
            ("反映主要事项", "{{ matter }}"),
            ("报批理由", ("x in reason|paragraphs", 0)),
            ("办公室意见", ("x in office_opinion|paragraphs", 0)),
            ("组长意见", ("", 45)),
        ]),
        _SIGN,
    ],
    "referral": [
        ("title", "关于移送社会保险费征缴争议", "重大疑难事项的函"),
        ("sal", "{{ platform_name }}："),
        ("p", PAYER + MATTER + CASE + "，经社会保险费征缴争议联合处置领导组办公室梳理，"
         "属重大疑难事项。经领导组组长同意，现于{{ sent_date }}移送你平台处理。移送理由如下："),
        ("loop", "x in reason|paragraphs", "{{ x }}"),
        ("p", "请依法调处，并将处理结果及时反馈领导组办公室，以便按规定书面告知缴费人。"),
        _SIGN,
    ],
    "extension": [
        ("title", "社会保险费征缴争议事项延期办理告知书"),
        ("sal", "{{ payer_name }}："),
        ("p", YOU + MATTER + CASE
         + "，原定办理期限至{{ original_due }}。因以下原因，该事项未能在原定期限内办结："),
        ("loop", "x in reason|paragraphs", "{{ x }}"),
        ("p", "根据社会保险费征缴争议联合处置机制有关规定，办理期限延长至{{ new_due }}。"
         "我们将在延长期限内办结，并将处理结果书面告知" + YOU + "。"),
        _THANKS,
        _SIGN,
    ],
    "result": [
        ("title", "社会保险费征缴争议事项处理结果告知书"),
        ("sal", "{{ payer_name }}："),
        ("p", YOU + MATTER + CASE
         + "，经{{ concluding_unit_name }}调查核实，现将处理结果告知如下："),
        ("h1", "一、基本事实"),
        ("loop", "x in facts|paragraphs", "{{ x }}"),
        ("h1", "二、处理依据"),
        ("loop", "x in basis|paragraphs", "{{ x }}"),
        ("h1", "三、处理决定"),
        ("loop", "x in decision|paragraphs", "{{ x }}"),
        ("h1", "四、救济途径"),
        ("remedy",),
        _THANKS,
        _SIGN,
    ],
    "handover": [
        ("title", "社会保险费征缴争议事项移交告知书"),
        ("sal", "{{ payer_name }}："),
        ("p", YOU + MATTER + CASE
         + "，经审核，不属于社会保险费征缴争议联合处置机制的处理范围，理由如下："),
        ("loop", "x in reason|paragraphs", "{{ x }}"),
        ("p", "根据《中华人民共和国社会保险法》第八十二条规定，本机关已将该事项移交"
         "{{ authority }}依法处理，请" + YOU + "与其联系。"),
        _THANKS,
        _SIGN,
    ],
    "archive_index": [
        ("title", "卷内文件目录"),
        ("line", "档号：{{ archive_code }}"),
        ("line", "案件编号：{{ case_id }}"),
        ("index",),
    ],
    "archive_note": [
        ("title", "卷内备考表"),
        ("form", [
            ("档号", "{{ archive_code }}"),
            ("案件编号", "{{ case_id }}"),
            ("本卷情况说明", ("x in case_summary|paragraphs", 90)),
            ("备注", "{{ remark }}"),
            ("立卷人", "{{ archivist }}"),
            ("检查人", "{{ checked_by }}"),
            ("立卷时间", "{{ archived_date }}"),
        ]),
    ],
}

# 卷内文件目录 columns: (label, field, width mm, alignment)
INDEX_COLUMNS: tuple[tuple[str, str, float, WD_ALIGN_PARAGRAPH], ...] = (
    ("序号", "seq", 12, _C),
    ("文号", "doc_number", 34, _L),
    ("责任者", "author", 30, _L),
    ("题名", "title", 40, _L),
    ("日期", "date", 18, _C),
    ("页号", "pages", 11, _C),
    ("备注", "remark", 11, _C),
)


# --- fonts and paragraph properties --------------------------------------------------------

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_AFTER_SNAP = (
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
_AFTER_SZCS = (
    "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl",
    "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)


def set_fonts(rpr: object, font: str, size_pt: float) -> None:
    """Name ``font`` for every script on a ``w:rPr`` and drop theme fonts that would override it."""
    rfonts = rpr.get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)
    rfonts.set(qn("w:hint"), "eastAsia")
    half_points = str(round(size_pt * 2))
    rpr.get_or_add_sz().set(qn("w:val"), half_points)  # type: ignore[attr-defined]
    szcs = rpr.find(qn("w:szCs"))  # type: ignore[attr-defined]
    if szcs is None:
        szcs = OxmlElement("w:szCs")
        rpr.insert_element_before(szcs, *_AFTER_SZCS)  # type: ignore[attr-defined]
    szcs.set(qn("w:val"), half_points)


def _set_snap_to_grid(ppr: object, snap: bool) -> None:
    old = ppr.find(qn("w:snapToGrid"))  # type: ignore[attr-defined]
    if old is not None:
        ppr.remove(old)  # type: ignore[attr-defined]
    if not snap:
        element = OxmlElement("w:snapToGrid")
        element.set(qn("w:val"), "0")
        ppr.insert_element_before(element, *_AFTER_SNAP)  # type: ignore[attr-defined]


def _add_run(paragraph: Paragraph, text: str, style: str | None = None) -> None:
    font, size, *_ = STYLES[style or paragraph.style.name]  # type: ignore[union-attr]
    run = paragraph.add_run(text)
    set_fonts(run._r.get_or_add_rPr(), font, size)


def _paragraph(container: object, style: str, text: str = "") -> Paragraph:
    paragraph: Paragraph = container.add_paragraph(style=style)  # type: ignore[attr-defined]
    if text:
        _add_run(paragraph, text)
    return paragraph


# --- document set-up -----------------------------------------------------------------------


def _setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(23)
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    # charSpace: extra width per character in 1/4096 pt so that 28 characters fill 156 mm.
    pitch = TEXT_WIDTH_MM / 25.4 * 72 / 28
    grid.set(qn("w:charSpace"), str(round((pitch - CHAR_PT) * 4096)))

    styles_root = doc.styles.element
    defaults = styles_root.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, FONT_BODY, CHAR_PT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    for attr in ("w:after", "w:line", "w:lineRule"):
        spacing.attrib.pop(qn(attr), None)
    set_fonts(doc.styles["Normal"].element.get_or_add_rPr(), FONT_BODY, CHAR_PT)

    for name, (font, size, align, indent, exact, snap) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        set_fonts(style.element.get_or_add_rPr(), font, size)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.first_line_indent = Pt(CHAR_PT * indent) if indent else Pt(0)
        if exact is None:
            fmt.line_spacing = 1.0
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(exact)
        _set_snap_to_grid(style.element.get_or_add_pPr(), snap)
    doc.styles["GW Heading 1"].paragraph_format.keep_with_next = True
    doc.styles["GW Signature"].paragraph_format.right_indent = Pt(CHAR_PT * 2)

    # Page numbers "— 1 —", 4号 宋体: odd pages right, even pages left, one character in.
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], _R)
    _page_number(section.even_page_footer.paragraphs[0], _L)


def _page_number(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph.style = "GW Footer"
    paragraph.alignment = align
    if align == _R:
        paragraph.paragraph_format.right_indent = Pt(14)
    else:
        paragraph.paragraph_format.left_indent = Pt(14)
    _add_run(paragraph, "— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        run = paragraph.add_run()
        set_fonts(run._r.get_or_add_rPr(), FONT_PAGE_NUMBER, 14)
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text or ""
    _add_run(paragraph, " —")


# --- blocks --------------------------------------------------------------------------------


def _write_block(doc: DocumentObject, block: Block, numbered: bool) -> None:
    op, *args = block
    if op == "title":
        title = _paragraph(doc, "GW Title")
        for i, line in enumerate(args):
            if i:
                title.runs[-1].add_break()
            _add_run(title, str(line))
        if numbered:
            _paragraph(doc, "GW Number", "{{ doc_number }}")
        _paragraph(doc, "GW Body")
    elif op == "sal":
        _paragraph(doc, "GW Salutation", str(args[0]))
    elif op == "p":
        _paragraph(doc, "GW Body", str(args[0]))
    elif op == "h1":
        _paragraph(doc, "GW Heading 1", str(args[0]))
    elif op == "line":
        _paragraph(doc, "GW Salutation", str(args[0]))
    elif op == "loop":
        _loop(doc, "GW Body", str(args[0]), str(args[1]))
    elif op == "remedy":
        _paragraph(doc, "GW Body", "{%p for x in remedy %}")
        item = _paragraph(doc, "GW Body")
        _add_run(item, "{{ x|heading_part }}", "GW Heading 2")
        _add_run(item, "{{ x|text_part }}")
        _paragraph(doc, "GW Body", "{%p endfor %}")
    elif op == "form":
        _form(doc, args[0])  # type: ignore[arg-type]
    elif op == "index":
        _index(doc)
    elif op == "sign":
        _paragraph(doc, "GW Body")
        _paragraph(doc, "GW Signature", "{{ issuer_name }}")
        _paragraph(doc, "GW Signature", "{{ issue_date }}")
    else:  # pragma: no cover - a typo in CONTENT
        raise ValueError(f"unknown block {op!r}")


def _loop(container: object, style: str, head: str, item: str) -> None:
    _paragraph(container, style, "{%p for " + head + " %}")
    _paragraph(container, style, item)
    _paragraph(container, style, "{%p endfor %}")


def _table(doc: DocumentObject, rows: int, widths_mm: Sequence[float]):  # type: ignore[no-untyped-def]
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    return table


def _cell_text(cell: _Cell, style: str, text: str, align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if align is not None:
        paragraph.alignment = align
    if text:
        _add_run(paragraph, text)


def _form(doc: DocumentObject, rows: Sequence[tuple[str, object]]) -> None:
    table = _table(doc, len(rows), (36, TEXT_WIDTH_MM - 36))
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.height, row.height_rule = Mm(13), WD_ROW_HEIGHT_RULE.AT_LEAST
        _cell_text(row.cells[0], "GW Label", label)
        cell = row.cells[1]
        if isinstance(value, str):
            _cell_text(cell, "GW Table", value)
            continue
        head, min_height = value  # type: ignore[misc]
        if min_height:
            row.height = Mm(min_height)
        if head:
            _cell_text(cell, "GW Table", "{%p for " + str(head) + " %}")
            _paragraph(cell, "GW Table", "{{ x }}")
            _paragraph(cell, "GW Table", "{%p endfor %}")
        else:  # left for a handwritten signature
            cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM
            _cell_text(cell, "GW Table", "签名：　　　　　　　　　　　年　　月　　日", _R)


def _index(doc: DocumentObject) -> None:
    table = _table(doc, 4, [c[2] for c in INDEX_COLUMNS])
    header = table.rows[0]
    header.height, header.height_rule = Mm(12), WD_ROW_HEIGHT_RULE.AT_LEAST
    header_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header_pr.append(repeat)
    for cell, (label, *_) in zip(header.cells, INDEX_COLUMNS, strict=True):
        _cell_text(cell, "GW Label Small", label)
    _cell_text(table.rows[1].cells[0], "GW Table Small", "{%tr for r in rows %}")
    data = table.rows[2]
    data.height, data.height_rule = Mm(12), WD_ROW_HEIGHT_RULE.AT_LEAST
    for cell, (_, field, _, align) in zip(data.cells, INDEX_COLUMNS, strict=True):
        _cell_text(cell, "GW Table Small", "{{ r.%s }}" % field, align)
    _cell_text(table.rows[3].cells[0], "GW Table Small", "{%tr endfor %}")


# --- entry points --------------------------------------------------------------------------


def build_template(kind: str) -> bytes:
    """The default template for ``kind`` as .docx bytes (identical on every run)."""
    notice_kind = KINDS[kind]
    doc = Document()
    _setup(doc)
    for block in CONTENT[kind]:
        _write_block(doc, block, numbered=notice_kind.prefix is not None)
    props = doc.core_properties
    props.title = f"社会保险费征缴争议{notice_kind.title}（模板）"
    props.author = props.last_modified_by = "disputectl"
    props.comments = props.subject = props.keywords = props.category = ""
    props.revision = 1
    props.created = props.modified = TEMPLATE_TIME
    buffer = io.BytesIO()
    doc.save(buffer)
    return stable_zip(buffer.getvalue(), TEMPLATE_TIME)


def write_templates(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = folder / f"{kind}.docx"
        path.write_bytes(build_template(kind))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0] if args else "templates")
    for path in write_templates(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
