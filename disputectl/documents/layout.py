"""GB/T 9704 layout finished on a rendered notice, where it depends on the text filled in.

- An identifier (case number ``SW-20261105-001``, 档号, a date written ``2026-11-26``) never breaks
  at its hyphens: each hyphen between letters or digits is followed by a WORD JOINER (U+2060,
  zero width, no break on either side). Not ``w:noBreakHyphen``: LibreOffice still breaks after
  that one in Chinese text. :func:`plain_text` drops the joiners for anyone reading the text back.
  A paragraph holding one is set flush left rather than justified, so the line before an
  identifier that moves to the next line is not stretched (a full line of 28 characters is flush
  with the right edge either way).
- The 发文机关署名 is centred over the 成文日期 (7.3.5.1), which stands 4 characters in from the
  right of the 版心: the 署名's right indent is computed from both texts' widths (a Chinese
  character 1 em, a half-width letter or digit 1/2 em, as in 仿宋_GB2312). A 署名 too long to be
  centred there without crossing the right edge moves both lines left, still centred.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

SIGNATURE_STYLE = "GW Signature"
CHAR_PT = 16.0  # 3号
CHAR_SPACING_PT = -0.25  # as the templates tighten 3号 text (28 characters in 156 mm)
TEXT_WIDTH_PT = 156 / 25.4 * 72
DATE_GAP_CHARS = 4  # 成文日期右空四字

WORD_JOINER = "\u2060"
_ID_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])-(?=[A-Za-z0-9])")
_CN_DATE = re.compile(r"^\s*\d{4}年\d{1,2}月\d{1,2}日\s*$")
_PARAGRAPH_STYLE_TAG = qn("w:pStyle")


def finish_layout(document: Any) -> None:
    """Apply the text-dependent layout to a rendered python-docx ``document`` in place."""
    _keep_identifiers_whole(document)
    _centre_signature(document)


def _keep_identifiers_whole(document: Any) -> None:
    parts = [document.element.body]
    for section in document.sections:
        for part in (section.header, section.even_page_header, section.footer, section.even_page_footer):
            if not part.is_linked_to_previous:
                parts.append(part._element)
    for root in parts:
        for paragraph in list(root.iter(qn("w:p"))):
            changed = False
            for text in list(paragraph.iter(qn("w:t"))):
                if text.text and _ID_HYPHEN.search(text.text):
                    _split_at_hyphens(text)
                    changed = True
            if changed:
                _align_left_if_justified(paragraph)


def _split_at_hyphens(text: Any) -> None:
    text.text = _ID_HYPHEN.sub("-" + WORD_JOINER, text.text)
    text.set(qn("xml:space"), "preserve")


def _align_left_if_justified(paragraph: Any) -> None:
    ppr = paragraph.get_or_add_pPr()
    jc = ppr.find(qn("w:jc"))
    if jc is not None and jc.get(qn("w:val")) not in ("both", "distribute"):
        return  # centred, right-aligned or already left: as the template set it
    if jc is None:
        style = ppr.find(_PARAGRAPH_STYLE_TAG)
        if style is None or not str(style.get(qn("w:val"), "")).startswith("GW"):
            return  # a store template's own style: left as it is
        if style.get(qn("w:val")) in ("GW Title", "GW Number", SIGNATURE_STYLE, "GW Label", "GW Label Small", "GW Footer"):
            return
        jc = OxmlElement("w:jc")
        ppr.insert_element_before(jc, *_AFTER_JC)
    jc.set(qn("w:val"), "left")


_AFTER_JC = ("w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
             "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_IND = ("w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", *_AFTER_JC)


def plain_text(text: str) -> str:
    """``text`` as read back from a rendered notice, without the joiners that keep identifiers whole."""
    return text.replace(WORD_JOINER, "")


def text_width_pt(text: str, size_pt: float = CHAR_PT, spacing_pt: float = CHAR_SPACING_PT) -> float:
    """The printed width of ``text``: full-width characters 1 em, half-width ones 1/2 em."""
    width = 0.0
    for char in text:
        wide = unicodedata.east_asian_width(char) in ("W", "F", "A") and ord(char) > 0x2000
        width += (size_pt if wide else size_pt / 2) + spacing_pt
    return width


def _style(paragraph: Any) -> str:
    ppr = paragraph.find(qn("w:pPr"))
    style = ppr.find(_PARAGRAPH_STYLE_TAG) if ppr is not None else None
    return str(style.get(qn("w:val"))) if style is not None else ""


def _text(paragraph: Any) -> str:
    return plain_text("".join(el.text or "" for el in paragraph.iter(qn("w:t"))))


def _centre_signature(document: Any) -> None:
    """The last 署名 / 成文日期 pair set in the signature style: both centred on one line."""
    body = [p for p in document.element.body.iterchildren(qn("w:p"))]
    signature_ids = {s.style_id for s in document.styles if s.name == SIGNATURE_STYLE}
    if not signature_ids:
        return
    for upper, lower in reversed(list(zip(body, body[1:], strict=False))):
        if _style(upper) in signature_ids and _style(lower) in signature_ids and _CN_DATE.match(_text(lower)):
            break
    else:
        return
    name, day = _text(upper).strip(), _text(lower).strip()
    name_width, date_width = text_width_pt(name), text_width_pt(day)
    char = CHAR_PT + CHAR_SPACING_PT
    centre_from_right = max(DATE_GAP_CHARS * char + date_width / 2, name_width / 2)
    _right_indent(upper, centre_from_right - name_width / 2)
    _right_indent(lower, centre_from_right - date_width / 2)


def _right_indent(paragraph: Any, points: float) -> None:
    ppr = paragraph.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.insert_element_before(ind, *_AFTER_IND)
    twips = str(max(0, round(points * 20)))
    ind.set(qn("w:right"), twips)
