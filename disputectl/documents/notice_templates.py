"""Build the default notice templates (GB/T 9704-2012 layout) with python-docx.

Regenerate the committed files with ``python -m disputectl.documents.notice_templates templates/``.
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
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from disputectl.documents.notices import KINDS, stable_zip

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING1 = "黑体"
FONT_HEADING2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"

LINE_PITCH_PT = 28.95  # 22 lines in the 225 mm text area
TEXT_WIDTH_MM = 156  # 28 characters of 3号
CHAR_PT = 16.0
# 28 characters of 16 pt need 442.4 pt but the line has 442.2 pt: Word's character grid squeezes
# them, LibreOffice instead gives each character two grid cells. So paragraphs do not snap to the
# grid (which stays in the section for Word's page set-up) and 3号 text is tightened by 0.25 pt.
CHAR_SPACING_PT = -0.25
INDENT_PT = 2 * (CHAR_PT + CHAR_SPACING_PT)
TEMPLATE_TIME = datetime(2026, 1, 1)

# Paragraph styles: name -> (font, size pt, alignment, first-line indent in characters, exact
# line pitch in pt or None for single spacing).
_C, _L, _R, _J = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
STYLES: dict[str, tuple[str, float, WD_ALIGN_PARAGRAPH, int, float | None]] = {
    "GW Title": (FONT_TITLE, 22, _C, 0, 36.0),
    "GW Number": (FONT_BODY, 16, _C, 0, LINE_PITCH_PT),
    "GW Salutation": (FONT_BODY, 16, _J, 0, LINE_PITCH_PT),
    "GW Body": (FONT_BODY, 16, _J, 2, LINE_PITCH_PT),
    "GW Heading 1": (FONT_HEADING1, 16, _J, 2, LINE_PITCH_PT),
    "GW Heading 2": (FONT_HEADING2, 16, _J, 2, LINE_PITCH_PT),
    "GW Signature": (FONT_BODY, 16, _R, 0, LINE_PITCH_PT),
    "GW Table": (FONT_BODY, 14, _J, 0, 22.0),
    "GW Label": (FONT_HEADING1, 14, _C, 0, 22.0),
    "GW Table Small": (FONT_BODY, 10.5, _L, 0, 16.0),
    "GW Label Small": (FONT_HEADING1, 10.5, _C, 0, 16.0),
    "GW Footer": (FONT_PAGE_NUMBER, 14, _R, 0, None),
}

# The wording of each default template, one block per line: "op text". Ops: title (lines split
# by "|"), number (the 文号 line), sal (主送), p (body), h1 (一级标题), line (unindented), each
# ("FIELD": its paragraphs, one body paragraph each), loop ("for-clause | item"), remedy,
# row ("label | value" in a two-column form; value "*FIELD" = its paragraphs, "@signature" = a
# box for a handwritten signature; an optional third part is the row's minimum height in mm),
# index (卷内文件目录 table), sign (落款 and 成文日期), if COND / else / endif (paragraphs shown
# or not). $YOU, $PAYER, $MATTER, $CASE are macros. The issuer calls itself 本机关 in the body.
# grid and span build a form of four columns (see _grid): "grid label | value | label | value", or
# "grid label | value [| height mm]" with the value across three columns; "span height | line | …"
# is one cell across the width holding fixed lines ("" an empty line, ">…" set flush right).
MACROS = {
    "$YOU": '{{ "你单位" if payer_kind == "用人单位" else "你" }}',
    "$PAYER": "{{ payer_name }}（{{ payer_kind }}）",
    "$MATTER": "反映“{{ matter|clause }}”一事",
    "$CASE": "（案件编号：{{ case_id }}；争议类别：{{ category_name }}）",
}
_SIGN_GAP = "　" * 8 + "日期：" + "　" * 3 + "年　　月　　日"
_FORM_HEAD = """\
row 案件编号 | {{ case_id }}
row 缴费人 | $PAYER
row 争议类别 | {{ category_name }}
row 反映主要事项 | {{ matter }}"""

CONTENT: dict[str, str] = {
    "receipt": """
title 社会保险费征缴争议受理回执
sal {{ payer_name }}：
p $YOU{{ received }}社会保险费征缴争议事项，本机关已登记受理，受理编号为{{ case_id }}。现将登记情况告知如下：
p 反映事项：{{ matter }}
p 争议类别：{{ category_name }}
p 诉求：{{ request }}
p 首问责任人：{{ first_officer }}；登记的联系电话：{{ phone }}
p {{ routing }}，并在规定时限内将处理情况书面告知$YOU。联系方式如有变化，请及时告知首问责任人；查询办理进度时，请提供受理编号。
sign""",
    "transfer": f"""
title 社会保险费征缴争议事项转办单
sal {{{{ to_unit_name }}}}：
p 现将下列社会保险费征缴争议事项转你单位办理。请于{{{{ sign_due }}}}前签收；经审核认为不属于你单位职责范围的，请在规定时限内书面说明理由后退回。
{_FORM_HEAD}
row 转办理由 | *reason
row 签收时限 | {{{{ sign_due }}}}前
sign""",
    "meeting": """
title 关于召开社会保险费征缴争议事项|联席会议的通知
sal 各参会单位：
p 为依法妥善处理$PAYER$MATTER$CASE，经梳理，该事项需多部门联合办理。根据社会保险费征缴争议联合处置机制有关规定，定于{{ meeting_date }}召开联席会议。现将有关事项通知如下：
h1 一、会议时间
p {{ meeting_date }}
h1 二、会议地点
p {{ meeting_place }}
h1 三、参会单位
loop unit in units | {{ loop.index }}.{{ unit }}
h1 四、会议议题
each agenda
h1 五、有关要求
p 请各参会单位指派熟悉业务的负责同志参会，提前准备相关政策依据和材料；会后请按规定时限向领导组办公室提交书面意见。
sign""",
    "opinion_request": """
title 关于征求社会保险费征缴争议事项|处理意见的函
sal {{ to_unit_name }}：
p $PAYER$MATTER$CASE，需多部门联合办理。为依法妥善处理该事项，现就以下问题征求你单位意见：
each question
p 请你单位依职权研究提出书面意见，并于{{ opinion_due }}前反馈领导组办公室。
sign""",
    "approval_request": f"""
title 社会保险费征缴争议重大疑难事项报批单
{_FORM_HEAD}
row 报批理由 | *reason
row 办公室意见 | *office_opinion
row 组长意见 | @signature | 45
sign""",
    "referral": """
title 关于移送社会保险费征缴争议|重大疑难事项的函
sal {{ platform_name }}：
p $PAYER$MATTER$CASE，经本机关梳理，属重大疑难事项。经领导组组长同意，现于{{ sent_date }}移送你平台处理。移送理由如下：
each reason
p 请依法调处，并将处理结果及时反馈领导组办公室，以便按规定书面告知缴费人。
sign""",
    "extension": """
title 社会保险费征缴争议事项延期办理告知书
sal {{ payer_name }}：
p $YOU$MATTER$CASE，原定办理期限至{{ original_due }}。因以下原因，该事项未能在原定期限内办结：
each reason
p 根据社会保险费征缴争议联合处置机制有关规定，办理期限延长至{{ new_due }}。本机关将在延长期限内办结，并将处理结果书面告知$YOU。
p 特此告知。
sign""",
    "result": """
title 社会保险费征缴争议事项处理结果告知书
sal {{ payer_name }}：
p $YOU$MATTER$CASE，{{ handled }}，现将处理结果告知如下：
h1 一、基本事实
each facts
h1 二、处理依据
each basis
h1 三、处理决定
each decision
h1 四、救济途径
remedy
p 特此告知。
sign""",
    "handover": """
title 社会保险费征缴争议事项移交告知书
sal {{ payer_name }}：
p $YOU$MATTER$CASE，经审核，不属于社会保险费征缴争议联合处置机制的处理范围，理由如下：
each reason
if arbitration
p 该事项属于劳动人事争议，依法须由当事人本人申请劳动人事争议仲裁，本机关不能代为移交。请$YOU依法向{{ authority }}{% if authority_address %}（地址：{{ authority_address }}）{% endif %}提交书面仲裁申请，并按照被申请人人数提交副本。
p 根据《中华人民共和国劳动争议调解仲裁法》第二十七条规定，劳动争议申请仲裁的时效期间为一年，从当事人知道或者应当知道其权利被侵害之日起计算。
else
p 根据《中华人民共和国社会保险法》第八十二条规定，本机关已将该事项移交{{ authority }}依法处理，请$YOU与其联系。
endif
p 特此告知。
sign""",
    "archive_index": """
title 卷内文件目录
line 档号：{{ archive_code }}
line 案件编号：{{ case_id }}
index""",
    "archive_note": """
title 卷内备考表
row 档号 | {{ archive_code }}
row 案件编号 | {{ case_id }}
row 本卷情况说明 | *case_summary | 90
row 备注 | {{ remark }}
row 立卷人 | {{ archivist }}
row 检查人 | {{ checked_by }}
row 立卷时间 | {{ archived_date }}""",
    "registration_form": f"""
title 社会保险费征缴争议受理登记表
grid 案件编号 | {{{{ case_id }}}}
grid 受理单位 | {{{{ first_unit_name }}}}
grid 首问责任人 | {{{{ first_officer }}}} | 来访方式 | {{{{ channel }}}}
grid 来访时间 | {{{{ visit_time }}}}
grid 缴费人类型 | {{{{ payer_kind }}}} | 属地区域 | {{{{ region_name }}}}
grid 缴费人名称 | {{{{ payer_name }}}}
grid 证件号码 | {{{{ payer_id_full }}}}
grid 联系人 | {{{{ contact_person }}}}
grid 联系电话 | {{{{ payer_phone_full }}}}
grid 地址 | {{{{ payer_address_full }}}}
grid 争议类别 | {{{{ category_name }}}}
grid 反映主要事项 | *matter | 26
grid 诉求 | *request | 20
grid 附件 | *attachments | 14
span 26 | 以上登记内容经本人核对无误。 | | >缴费人（签字）：{_SIGN_GAP}
span 12 | >受理人（签字）：{_SIGN_GAP}""",
}

# 卷内文件目录 columns: (label, field, width mm, alignment); 日期 holds 20261126, 页号 "12-13",
# 备注 "电子记录" each on one line, also in a fallback font with wide digits (DejaVu Sans)
INDEX_COLUMNS: tuple[tuple[str, str, float, WD_ALIGN_PARAGRAPH], ...] = (
    ("序号", "seq", 9, _C),
    ("文号", "doc_number", 30, _L),
    ("责任者", "author", 33, _L),
    ("题名", "title", 31, _L),
    ("日期", "date", 22, _C),
    ("页号", "pages", 13, _C),
    ("备注", "remark", 18, _C),
)


# --- fonts and paragraph properties --------------------------------------------------------

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_AFTER_SNAP = tuple(
    "w:spacing w:ind w:contextualSpacing w:mirrorIndents w:suppressOverlap w:jc w:textDirection w:textAlignment w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle w:rPr w:sectPr w:pPrChange".split()
)
_AFTER_OVERFLOW_PUNCT = (
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", *_AFTER_SNAP
)
_AFTER_MIRROR_MARGINS = tuple(
    "w:alignBordersAndEdges w:bordersDoNotSurroundHeader w:bordersDoNotSurroundFooter w:gutterAtTop w:hideSpellingErrors w:hideGrammaticalErrors w:activeWritingStyle w:proofState w:formsDesign w:attachedTemplate w:linkStyles w:stylePaneFormatFilter w:stylePaneSortMethod w:documentType w:mailMerge w:revisionView w:trackRevisions w:doNotTrackMoves w:doNotTrackFormatting w:documentProtection w:autoFormatOverride w:styleLockTheme w:styleLockQFSet w:defaultTabStop w:autoHyphenation w:consecutiveHyphenLimit w:hyphenationZone w:doNotHyphenateCaps w:showEnvelope w:summaryLength w:clickAndTypeStyle w:defaultTableStyle w:evenAndOddHeaders".split()
)
_AFTER_SZCS = tuple(
    "w:highlight w:u w:effect w:bdr w:shd w:fitText w:vertAlign w:rtl w:cs w:em w:lang w:eastAsianLayout w:specVanish w:oMath".split()
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


def _no_snap_to_grid(ppr: object) -> None:
    if ppr.find(qn("w:snapToGrid")) is None:  # type: ignore[attr-defined]
        element = OxmlElement("w:snapToGrid")
        element.set(qn("w:val"), "0")
        ppr.insert_element_before(element, *_AFTER_SNAP)  # type: ignore[attr-defined]


def _add_run(paragraph: Paragraph, text: str, style: str | None = None) -> Run:
    font, size, *_ = STYLES[style or paragraph.style.name]  # type: ignore[union-attr]
    run = paragraph.add_run(text)
    set_fonts(run._r.get_or_add_rPr(), font, size)
    return run


def _field_char(kind: str) -> BaseOxmlElement:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


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
    # 页码的一字线上距版心下边缘 7 mm: the footer line ends 25.5 mm above the paper's edge, its
    # dashes (half the x-height above the baseline of 4号) 7 mm under the 版心 (262 mm).
    section.header_distance, section.footer_distance = Mm(15), Mm(25.5)
    # A line grid only: a character grid ("linesAndChars") makes LibreOffice give each 3号
    # character a cell wider than 156/28 mm, and a full line then holds 27 characters, not 28.
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    # 订口 (the binding edge, 28 mm) is on the left of odd pages and the right of even ones when
    # printed on both sides, so the 版心 alternates with the page.
    mirror = OxmlElement("w:mirrorMargins")
    doc.settings.element.insert_element_before(mirror, *_AFTER_MIRROR_MARGINS)

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
    _no_snap_to_grid(doc.styles["Normal"].element.get_or_add_pPr())
    # punctuation stays inside the 版心 (LibreOffice would hang a closing "，" or "。" 5 mm out)
    no_hanging = OxmlElement("w:overflowPunct")
    no_hanging.set(qn("w:val"), "0")
    doc.styles["Normal"].element.get_or_add_pPr().insert_element_before(no_hanging, *_AFTER_OVERFLOW_PUNCT)

    for name, (font, size, align, indent, exact) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        set_fonts(style.element.get_or_add_rPr(), font, size)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.first_line_indent = Pt(INDENT_PT * indent / 2)
        if size == CHAR_PT:
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(round(CHAR_SPACING_PT * 20)))
            style.element.get_or_add_rPr().insert_element_before(
                spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", *_AFTER_SZCS
            )
        if exact is None:
            fmt.line_spacing = 1.0
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(exact)
        _no_snap_to_grid(style.element.get_or_add_pPr())
    doc.styles["GW Heading 1"].paragraph_format.keep_with_next = True
    # 成文日期 4 characters in from the right; the 署名 above it is centred over the date when
    # the notice is rendered (documents.layout), as its width is known only then.
    doc.styles["GW Signature"].paragraph_format.right_indent = Pt(2 * INDENT_PT)
    # no extra space between Chinese characters and digits there, so the date is as wide as counted
    signature_ppr = doc.styles["GW Signature"].element.get_or_add_pPr()
    for tag in ("w:autoSpaceDN", "w:autoSpaceDE"):
        off = OxmlElement(tag)
        off.set(qn("w:val"), "0")
        signature_ppr.insert_element_before(off, *_AFTER_OVERFLOW_PUNCT[_AFTER_OVERFLOW_PUNCT.index(tag) + 1:])

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
    _add_run(paragraph, "").element.append(_field_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    _add_run(paragraph, "").element.append(instr)
    _add_run(paragraph, "").element.append(_field_char("separate"))
    _add_run(paragraph, "1")
    _add_run(paragraph, "").element.append(_field_char("end"))
    _add_run(paragraph, " —")


# --- blocks --------------------------------------------------------------------------------


def _expand(text: str) -> str:
    for macro, value in MACROS.items():
        text = text.replace(macro, value)
    return text


def _write_content(doc: DocumentObject, spec: str, numbered: bool) -> None:
    form: list[list[str]] = []
    grid: list[tuple[str, list[str]]] = []
    for raw in [*spec.strip().splitlines(), "end"]:
        op, _, text = raw.partition(" ")
        text = _expand(text)
        if op == "row":
            form.append([part.strip() for part in text.split("|")])
            continue
        if op in ("grid", "span"):
            grid.append((op, [part.strip() for part in text.split("|")]))
            continue
        if form:
            _form(doc, form)
            form = []
        if grid:
            _grid(doc, grid)
            grid = []
        if op == "title":
            title = _paragraph(doc, "GW Title")
            for i, line in enumerate(text.split("|")):
                if i:
                    title.runs[-1].add_break()
                _add_run(title, line)
            if numbered:
                _paragraph(doc, "GW Number", "{{ doc_number }}")
                # a corrected notice names the one it replaces (nothing when it replaces none)
                _paragraph(doc, "GW Number", "{%p if replaces %}")
                _paragraph(doc, "GW Number", "（本文书更正并替代{{ replaces }}）")
                _paragraph(doc, "GW Number", "{%p endif %}")
            _paragraph(doc, "GW Body")
        elif op in ("sal", "line"):
            _paragraph(doc, "GW Salutation", text)
        elif op == "p":
            _paragraph(doc, "GW Body", text)
        elif op == "h1":
            _paragraph(doc, "GW Heading 1", text)
        elif op == "each":
            _loop(doc, "GW Body", f"x in {text}|paragraphs", "{{ x|sentence }}")
        elif op in ("if", "else", "endif"):
            _paragraph(doc, "GW Body", "{%p " + f"{op} {text}".strip() + " %}")
        elif op == "loop":
            head, _, item = text.partition("|")
            _loop(doc, "GW Body", head.strip(), item.strip())
        elif op == "remedy":  # "（一）申请调解。" in 楷体, the rest in 仿宋
            _paragraph(doc, "GW Body", "{%p for x in remedy %}")
            remedy = _paragraph(doc, "GW Body")
            _add_run(remedy, "{{ x|heading_part }}", "GW Heading 2")
            _add_run(remedy, "{{ x|text_part }}")
            _paragraph(doc, "GW Body", "{%p endfor %}")
        elif op == "index":
            _index(doc)
        elif op == "sign":
            _paragraph(doc, "GW Body")
            _paragraph(doc, "GW Signature", "{{ issuer_name }}")
            _paragraph(doc, "GW Signature", "{{ issue_date }}")
        elif op != "end":
            raise ValueError(f"unknown template block {raw!r}")


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


def _form(doc: DocumentObject, rows: Sequence[Sequence[str]]) -> None:
    table = _table(doc, len(rows), (36, TEXT_WIDTH_MM - 36))
    for row, (label, value, *height) in zip(table.rows, rows, strict=True):
        row.height = Mm(int(height[0]) if height else 13)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        _cell_text(row.cells[0], "GW Label", label)
        _value_cell(row.cells[1], value, tall=bool(height))


def _value_cell(cell: _Cell, value: str, *, tall: bool) -> None:
    """A form's value: ``*FIELD`` its paragraphs, ``@signature`` a box to sign in, else the text."""
    if tall:
        cell.vertical_alignment = WD_ALIGN_VERTICAL.TOP
    if value == "@signature":
        cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM
        _cell_text(cell, "GW Table", "签名：　　　　　　　　　　　年　　月　　日", _R)
    elif value.startswith("*"):
        _cell_text(cell, "GW Table", "{%p for x in " + value[1:] + "|paragraphs %}")
        _paragraph(cell, "GW Table", "{{ x }}")
        _paragraph(cell, "GW Table", "{%p endfor %}")
    else:
        _cell_text(cell, "GW Table", value)


# 受理登记表 columns: label, value, label, value (mm)
GRID_WIDTHS: tuple[float, ...] = (34, 44, 34, 44)


def _grid(doc: DocumentObject, rows: Sequence[tuple[str, Sequence[str]]]) -> None:
    """A form of four columns: two label–value pairs a row, or one label with its value across the
    other three columns, or (span) one cell across the width holding fixed lines to sign on."""
    table = _table(doc, len(rows), GRID_WIDTHS)
    for row, (op, parts) in zip(table.rows, rows, strict=True):
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        if op == "span":
            span_height, *lines = parts
            row.height = Mm(int(span_height))
            cell = row.cells[0].merge(row.cells[-1])
            cell.vertical_alignment = WD_ALIGN_VERTICAL.TOP
            for i, line in enumerate(lines):
                paragraph = cell.paragraphs[0] if i == 0 else _paragraph(cell, "GW Table")
                paragraph.style = "GW Table"
                if line.startswith(">"):
                    paragraph.alignment = _R
                if line.lstrip(">"):
                    _add_run(paragraph, line.lstrip(">"))
            continue
        row.height = Mm(8)
        if len(parts) == 4:
            for i, text in enumerate(parts):
                _cell_text(row.cells[i], "GW Label" if i % 2 == 0 else "GW Table", text)
            continue
        label, value, *height = parts
        if height:
            row.height = Mm(int(height[0]))
        _cell_text(row.cells[0], "GW Label", label)
        _value_cell(row.cells[1].merge(row.cells[-1]), value, tall=bool(height))


def _index(doc: DocumentObject) -> None:
    table = _table(doc, 4, [c[2] for c in INDEX_COLUMNS])
    margins = OxmlElement("w:tblCellMar")  # narrow columns: 1 mm padding instead of 1.9 mm
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(Mm(1).twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
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
        _cell_text(cell, "GW Table Small", "{{ r." + field + " }}", align)
    _cell_text(table.rows[3].cells[0], "GW Table Small", "{%tr endfor %}")


# --- entry points --------------------------------------------------------------------------


def build_template(kind: str) -> bytes:
    """The default template for ``kind`` as .docx bytes (identical on every run)."""
    notice_kind = KINDS[kind]
    doc = Document()
    _setup(doc)
    _write_content(doc, CONTENT[kind], numbered=notice_kind.prefix is not None)
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
