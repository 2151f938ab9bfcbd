"""Issue 22 (2): every notice kind, issued through the CLI, printed to PDF by LibreOffice (``notice
… --pdf``) and measured on the page against GB/T 9704-2012.

Positions come from poppler: ``pdftotext -bbox-layout`` for the lines of text, and ``pdftoppm`` for
the page number's dashes (一字线), measured on the rendered pixels since a glyph's box is not its ink.
The GB fonts (仿宋_GB2312 …) are mapped to Noto CJK, as an office without them would substitute.

Tolerances: ±0.5 mm for an edge or a height (GB/T 9704 allows ±1 mm on the margins; the text
boxes poppler reports are exact to 0.1 mm); one character (5.6 mm) between the centres of the
署名 and the 成文日期, because the 署名's indent is computed from a width in which a digit counts
1/2 em, while LibreOffice adds a little space between Chinese characters and digits.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import git, head

MM_PER_PT = 25.4 / 72
CHAR_MM = 156 / 28  # one 3号 character of a 28-character line
PAGE_NUMBER_CHAR_MM = 14 * MM_PER_PT  # one 4号 character
TEXT_TOP, TEXT_BOTTOM = 37.0, 262.0  # the 版心, 225 mm high
ODD_LEFT, EVEN_LEFT = 28.0, 26.0  # 订口 28 mm, mirrored on even pages
EDGE = 0.5

TOOLS = ("soffice", "pdftotext", "pdftoppm", "fc-match")
needs_tools = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS),
    reason="LibreOffice and poppler-utils (soffice, pdftotext, pdftoppm) are not installed",
)

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
"""
SUBSTITUTES = {"仿宋_GB2312": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC", "方正小标宋简体": "Noto Serif CJK SC",
               "楷体_GB2312": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC"}


@dataclass(frozen=True)
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str  # without the spaces poppler puts between words


def pdf_lines(pdf: Path) -> list[Line]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    lines: list[Line] = []
    for number, page in enumerate(re.findall(r"<page [^>]*>(.*?)</page>", xml, re.S), 1):
        for match in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
                                 page, re.S):
            words = re.findall(r"<word[^>]*>(.*?)</word>", match.group(5))
            x0, y0, x1, y1 = (float(match.group(i)) * MM_PER_PT for i in range(1, 5))
            lines.append(Line(number, x0, y0, x1, y1, html.unescape("".join(words))))
    return lines


def dash_height(pdf: Path, page: int) -> tuple[float, float]:
    """(left edge, vertical middle) in mm of the page number's first dash, from the rendered page."""
    dpi = 300
    per_mm = dpi / 25.4
    top = TEXT_BOTTOM + 1  # below the 版心 (the last line's descenders end above it)
    raw = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-y",
                          str(round(top * per_mm)), "-H", str(round(25 * per_mm)), "-W", str(round(210 * per_mm)),
                          str(pdf)], capture_output=True, check=True, timeout=60).stdout
    magic, size, _, pixels = raw.split(b"\n", 3)
    assert magic == b"P5"
    width, height = map(int, size.split())
    dark = [[pixels[r * width + c] < 128 for c in range(width)] for r in range(height)]
    columns = [c for c in range(width) if any(dark[r][c] for r in range(height))]
    left = min(columns)
    rows = [r for r in range(height) if any(dark[r][c] for c in range(left, left + round(2 * per_mm)))]
    return left / per_mm, top + (min(rows) + max(rows)) / 2 / per_mm


def left_edge(page: int) -> float:
    return ODD_LEFT if page % 2 else EVEN_LEFT


def right_edge(page: int) -> float:
    return left_edge(page) + 156


CJK = re.compile(r"^[\u4e00-\u9fff，。、：；“”（）《》]+$")
DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
PAGE_NUMBER = re.compile(r"^—\d+—$")


@pytest.fixture
def fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = subprocess.run(["fc-match", "-f", "%{family}", "Noto Serif CJK SC"], capture_output=True, text=True).stdout
    if "Noto Serif CJK SC" not in found:
        pytest.skip("fonts-noto-cjk is not installed")
    aliases = "\n".join(f'  <alias binding="strong"><family>{gb}</family><prefer><family>{noto}</family></prefer></alias>'
                        for gb, noto in SUBSTITUTES.items())
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_CONF.format(aliases=aliases), encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.output)


LONG_FACTS = "\n".join(
    ["经核查，该单位二〇二六年度申报的缴费基数低于其实际发放的工资总额，差额部分主要为一次性补发的年终奖金和各类津贴补贴，"
     "依照有关规定应当计入缴费基数，本机关已向该单位说明核定口径并听取了该单位的陈述和申辩意见。"] * 5
)


def case_id_facts(case: str) -> str:
    """Paragraphs with the case number at every place on the line, so that some would cross a line's end."""
    return "\n".join("本" * count + f"案编号{case}，后续核查情况一并说明。" for count in range(9, 19))


def issue_every_kind(cli: Callable[..., Any], register: Callable[..., str]) -> dict[str, tuple[str, str | None]]:
    """Cases in the states that issue each kind: kind -> (case, officer to print it)."""
    tax = register()
    ok(cli("route", tax, "--self", as_="sw-registrar"))
    ok(cli("extend", tax, "--reason", "需调取三年工资台账核实", "--days", "10", as_="sw-handler"))
    ok(cli("conclude", tax, "--facts", LONG_FACTS + "\n" + case_id_facts(tax), "--basis", "《社会保险费征缴暂行条例》第十条",
           "--decision", "撤销原核定结果，按实际工资总额重新核定缴费基数", as_="sw-handler"))
    ok(cli("reply", tax, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    ok(cli("archive", tax, as_="sw-archivist"))

    moved = register()
    ok(cli("route", moved, "--to", "RS", "--reason", "属人社部门职责", as_="sw-registrar"))
    ok(cli("sign", moved, as_="rs-handler"))
    ok(cli("hand-over", moved, "--authority", "示例市劳动人事争议仲裁委员会", "--reason", "属劳动报酬争议", as_="rs-handler"))

    joint = register(category="10")
    ok(cli("route", joint, "--office", as_="sw-registrar"))
    ok(cli("triage-general", joint, "--reason", "需人社、医保共同办理", as_="bgs-office"))
    ok(cli("meeting", joint, "--date", "2026-11-30", "--place", "市政府三楼第二会议室", "--units", "RS,YB",
           "--minutes", "研究确定缴费基数争议的处理意见", as_="bgs-office"))
    ok(cli("request-opinions", joint, "--units", "RS,YB", "--question", "是否应按实际工资总额重新核定", as_="bgs-office"))

    major = register()
    ok(cli("route", major, "--office", as_="sw-registrar"))
    ok(cli("triage-major", major, "--reason", "涉及职工120人的群体性争议", as_="bgs-office"))
    ok(cli("approve", major, "--sent-date", "2026-11-27", "--platform-ref", "YZS-1", as_="leader"))
    return {"receipt": (tax, None), "extension": (tax, None), "result": (tax, None), "archive_index": (tax, None),
            "archive_note": (tax, None), "transfer": (moved, None), "handover": (moved, None), "meeting": (joint, None),
            "opinion_request": (joint, "RS"), "approval_request": (major, None), "referral": (major, None)}


@needs_tools
def test_every_kind_is_laid_out_to_gb9704_on_the_printed_page(cli, store: Path, register, tmp_path: Path,
                                                                fonts: None) -> None:
    cases = issue_every_kind(cli, register)
    tax = cases["result"][0]
    out = tmp_path / "pdf"
    out.mkdir()
    before = head(store)
    pdfs: dict[str, Path] = {}
    for kind, (case, unit) in cases.items():
        output = ok(cli("notice", case, kind, *(["--unit", unit] if unit else []), "--pdf", "--out", str(out),
                        as_="bgs-office"))
        written = [line.split("：", 1)[1] for line in output.splitlines() if "已转为 PDF" in line]
        assert len(written) == 1, output
        pdfs[kind] = Path(written[0])
        assert pdfs[kind].parent == out and pdfs[kind].read_bytes().startswith(b"%PDF"), kind
    # reprinting with --pdf records nothing and leaves nothing in the store
    assert head(store) == before
    assert git(store, "status", "--porcelain") == ""

    for kind, pdf in pdfs.items():
        lines = pdf_lines(pdf)
        pages = max(line.page for line in lines)
        body = [line for line in lines if not PAGE_NUMBER.match(line.text)]
        # nothing outside the 版心: no punctuation hanging into the margin, on odd or (mirrored) even pages
        for line in body:
            assert left_edge(line.page) - EDGE <= line.x0 and line.x1 <= right_edge(line.page) + EDGE, (kind, line)
            assert TEXT_TOP - 4 <= line.y0 and line.y1 <= TEXT_BOTTOM + EDGE, (kind, line)
        # page numbers: 一字线 7 mm under the 版心; odd pages right, even pages left, one 4号 character in
        numbers = [line for line in lines if PAGE_NUMBER.match(line.text)]
        assert [n.text for n in numbers] == [f"—{p}—" for p in range(1, pages + 1)], kind
        for number in numbers:
            dash_left, dash_middle = dash_height(pdf, number.page)
            assert abs(dash_middle - (TEXT_BOTTOM + 7)) <= EDGE, (kind, number.page, dash_middle)
            if number.page % 2:
                assert abs(number.x1 - (right_edge(1) - PAGE_NUMBER_CHAR_MM)) <= EDGE, (kind, number)
            else:
                assert abs(dash_left - (left_edge(2) + PAGE_NUMBER_CHAR_MM)) <= EDGE, (kind, number)
        # 成文日期 4 characters in from the right; the 署名 centred over it (or, too long for that, flush right)
        if kind.startswith("archive"):
            continue
        at = max(i for i, line in enumerate(body) if DATE.match(line.text))
        signer, day = body[at - 1], body[at]
        edge = right_edge(day.page)
        centre_gap = abs((signer.x0 + signer.x1) / 2 - (day.x0 + day.x1) / 2)
        assert centre_gap <= CHAR_MM, (kind, signer, day)
        if edge - signer.x1 <= EDGE:  # the office's 22-character name: as far right as it goes
            assert edge - day.x1 >= 4 * CHAR_MM - EDGE, (kind, day)
        else:
            assert abs(edge - day.x1 - 4 * CHAR_MM) <= EDGE, (kind, day)

    # the result notice runs over two pages: 28 characters on a full line, both sides of the sheet
    lines = pdf_lines(pdfs["result"])
    assert max(line.page for line in lines) >= 2
    full = [line for line in lines if CJK.match(line.text) and len(line.text) == 28]
    assert {line.page for line in full} >= {1, 2}
    for line in full:
        assert abs(line.x0 - left_edge(line.page)) <= EDGE and abs(line.x1 - right_edge(line.page)) <= EDGE, line
    assert not [line for line in lines if CJK.match(line.text) and len(line.text) > 28]
    # the case number is never split across lines, and the line before it is not stretched
    text = "\n".join(line.text for line in lines)
    flat = text.replace("\n", "")
    assert flat.count(tax) == text.count(tax) >= 10
    moved = [i for i, line in enumerate(lines) if line.text.startswith(tax)]
    assert len(moved) >= 3, "too few case numbers moved to the next line: the test would not test that"
    for i in moved:
        before_it = lines[i - 1]  # set with the pitch of every other line, not spread to the right edge
        assert re.fullmatch("本+案编号", before_it.text), before_it
        assert abs((before_it.x1 - before_it.x0) - len(before_it.text) * CHAR_MM) <= EDGE, before_it


@needs_tools
def test_a_notice_issued_with_pdf_is_committed_and_its_pdf_written_outside_the_store(cli, store: Path, register,
                                                                                       tmp_path: Path) -> None:
    case = register()
    (tmp_path / "打印").mkdir()
    before = head(store)
    output = ok(cli("notice", case, "receipt", "--corrected", "--pdf", "--out", str(tmp_path / "打印"),
                    as_="sw-registrar"))
    assert head(store) != before
    assert "税社争受〔2026〕2号" in output
    pdf = tmp_path / "打印" / "税社争受〔2026〕2号 受理回执.pdf"
    assert f"已转为 PDF（供打印，未存入案件库）：{pdf}" in output
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "")
    assert "税社争受〔2026〕2号" in text and case in text
    assert git(store, "status", "--porcelain") == ""


def path_without_soffice(tmp_path: Path) -> str:
    """A PATH with git and ssh-keygen (which every signed commit needs) and no LibreOffice."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("git", "ssh-keygen"):
        found = shutil.which(tool)
        assert found is not None
        (folder / tool).symlink_to(found)
    return str(folder)


def test_pdf_without_libreoffice_says_how_to_install_it_and_changes_nothing(cli, store: Path, register,
                                                                             tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    case = register()
    monkeypatch.setenv("PATH", path_without_soffice(tmp_path))
    before = head(store)
    for extra in ([], ["--corrected"]):
        result = cli("notice", case, "receipt", *extra, "--pdf", "--out", str(tmp_path / "打印"), as_="sw-registrar")
        assert result.exit_code == 6, result.output
        assert "未找到 LibreOffice（soffice 命令），无法转为 PDF，未做任何改动" in result.output
        assert "sudo apt-get install libreoffice-writer fonts-noto-cjk" in result.output
        assert "Traceback" not in result.output
        assert head(store) == before
        assert git(store, "status", "--porcelain") == ""
        assert not (tmp_path / "打印").exists()
    preview = cli("notice", case, "receipt", "--preview", "--pdf", as_="sw-registrar")
    assert preview.exit_code == 2 and "--pdf 不能与 --preview 同用" in preview.output
    assert os.environ["PATH"] == str(tmp_path / "bin")
