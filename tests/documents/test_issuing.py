"""Issue 4: written notices issued by their actions (or on request) through the CLI on real stores.

Each document is read back from the commit that issued it: it is in the tree, its sha256 is on
the case (``show --json``), it carries the next number of its kind and year, the case's own
facts, and the GB/T 9704 page (A4, margins 37/35/28/26 mm, an East Asian font on every run).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EMPLOYER, INDIVIDUAL, field_args, git, head, invoke
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from disputectl.documents.layout import plain_text
from disputectl.documents.notices import docx_lines
from disputectl.resources import resource_dir

DECISION_TEXT = "撤销原核定结果，按实际工资总额重新核定2026年度缴费基数"
DECISION = [
    "--facts",
    "经核查，该单位2026年度申报基数低于实际工资总额",
    "--basis",
    "《社会保险费征缴暂行条例》第十条",
    "--decision",
    DECISION_TEXT,
]
SW_NAME = "国家税务总局示例市税务局"
RS_NAME = "示例市人力资源和社会保障局"
YB_NAME = "示例市医疗保障局"
BGS_NAME = "示例市社会保险费征缴争议联合处置工作领导组办公室"
PT_NAME = "示例市政法委“一站式”矛盾纠纷调处平台"
EAST_ASIAN_FONTS = {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"}
# 代字 per issuing unit (税务局 税社争, 人社局 人社争, 领导组办公室 社争办 …) + the kind's 文种字
NUMBER = re.compile(r"^(税社争|人社争|医保争|社争办)[受转会函批移延结交]〔(\d{4})〕([1-9]\d*)号$")


@pytest.fixture(autouse=True)
def parse_config_once_per_content(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command re-parses disputectl.yaml (~0.3 s); memoise by exact bytes (same Config)."""
    import disputectl.record.session as session_module
    import disputectl.record.store_files as store_module

    real = store_module.load_config_file
    cache: dict[bytes, Any] = {}

    def cached(root: Path) -> Any:
        data = (root / "disputectl.yaml").read_bytes()
        if data not in cache:
            cache[data] = real(root)
        return cache[data]

    monkeypatch.setattr(store_module, "load_config_file", cached)
    monkeypatch.setattr(session_module, "load_config_file", cached)


# -- helpers ------------------------------------------------------------------------------------


def blob(store: Path, path: str, rev: str = "HEAD") -> bytes:
    return subprocess.run(
        ["git", "-C", str(store), "cat-file", "blob", f"{rev}:{path}"],
        capture_output=True,
        check=True,
    ).stdout


def tree_files(store: Path, prefix: str = "") -> set[str]:
    out = subprocess.run(
        [
            "git",
            "-C",
            str(store),
            "-c",
            "core.quotePath=false",
            "ls-tree",
            "-r",
            "--name-only",
            "HEAD",
            *([prefix] if prefix else []),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.splitlines())


def trailers(store: Path) -> dict[str, str]:
    text = git(store, "log", "-1", "--format=%(trailers:only,unfold)")
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


def show_json(cli: Callable[..., Any], case: str) -> dict[str, Any]:
    result = cli("show", case, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def all_text(document: Any) -> str:
    """Every paragraph, in the body and in table cells, one per line."""
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    lines += [p.text for p in cell.paragraphs]
    return plain_text("\n".join(lines))  # without the joiners that keep identifiers whole


def check_layout(document: Any) -> None:
    """A4, margins 37/35/28/26 mm, and an East Asian font named on every run (body and footers)."""
    section = document.sections[0]
    for actual, expected in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert actual is not None and abs(actual.mm - expected) <= 0.5, (actual, expected)
    elements = list(document.element.body.iter(qn("w:p")))
    for s in document.sections:
        for footer in (s.footer, s.even_page_footer):
            elements += list(footer._element.iter(qn("w:p")))
    runs = 0
    for p in elements:
        for run in p.iter(qn("w:r")):
            fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            assert fonts is not None and fonts.get(qn("w:eastAsia")), text
            assert fonts.get(qn("w:eastAsia")) in EAST_ASIAN_FONTS, (
                fonts.get(qn("w:eastAsia")),
                text,
            )
            runs += 1
    assert runs > 5
    title = document.paragraphs[0]
    assert all(
        r._r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) == "方正小标宋简体"
        for r in title.runs
    )


def notices(cli: Callable[..., Any], case: str, kind: str) -> list[dict[str, Any]]:
    return [n for n in show_json(cli, case)["notices"] if n["kind"] == kind]


def issued(
    cli: Callable[..., Any],
    store: Path,
    case: str,
    kind: str,
    *expected: str,
    index: int = -1,
    layout: bool = True,
) -> tuple[dict[str, Any], str]:
    """The ``kind`` notice on ``case``: committed, checksummed, numbered, carrying ``expected``."""
    entry = notices(cli, case, kind)[index]
    assert entry["path"] in tree_files(store), entry["path"]
    assert entry["path"].startswith(f"cases/2026/11/26/{case}/文书/") or "/2027/" in entry["path"]
    data = blob(store, entry["path"])
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert NUMBER.match(entry["number"]), entry["number"]
    assert entry["number"] in Path(entry["path"]).name
    document = Document(io.BytesIO(data))
    if layout:  # a store's own template is the city's business
        check_layout(document)
    text = all_text(document)
    assert entry["number"] in text.splitlines()[1:3]  # under a title of one or two lines
    for needle in (case, *expected):
        assert needle in text, needle
    assert not re.search(r"{{|{%|}}|%}", text)
    return entry, text


def step(
    cli: Callable[..., Any],
    store: Path,
    command: str,
    case: str,
    *args: str,
    as_: str,
    env: dict[str, str] | None = None,
) -> Any:
    """One command, exactly one commit."""
    before = head(store)
    result = cli(command, case, *args, as_=as_, env=env)
    assert result.exit_code == 0, result.output
    assert git(store, "rev-parse", "HEAD~1").strip() == before
    return result


def refused(cli: Callable[..., Any], store: Path, *args: str, as_: str | None, code: int) -> str:
    before = head(store)
    result = cli(*args, as_=as_)
    assert result.exit_code == code, result.output
    assert head(store) == before
    return result.stderr


# -- registration: 受理回执 -----------------------------------------------------------------------


def test_receipts_are_numbered_across_cases_escaped_and_listed(cli, store, register):
    first = register(payer_name="张三&李四<代表>")
    second = register(as_="rs-registrar", **INDIVIDUAL)

    entry, text = issued(
        cli,
        store,
        first,
        "receipt",
        SW_NAME,
        "对2026年度缴费基数核定有异议",
        "请求重新核定缴费基数",
        "2026年11月26日10时",
        "138****5678",
        "2026年11月27日",
    )
    assert entry["number"] == "税社争受〔2026〕1号"
    assert "张三&李四<代表>：" in text.splitlines()
    assert "&amp;" not in text and "&lt;" not in text
    assert entry["path"] == f"cases/2026/11/26/{first}/文书/税社争受〔2026〕1号 受理回执.docx"
    entry, text = issued(cli, store, second, "receipt", RS_NAME, "李四", "退休待遇核定金额有误")
    assert entry["number"] == "人社争受〔2026〕1号"  # 人社局's own 代字 and sequence
    assert "13812345678" not in text and "0571-88886666" not in text  # the phone is masked

    result = cli("show", second, env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "人社争受〔2026〕1号" in result.stdout

    # --no-receipt: no notice, no file; one can be issued later on request, with the next number
    result = cli(
        "register", *field_args(EMPLOYER), "--no-input", "--no-receipt", as_="sw-registrar"
    )
    assert result.exit_code == 0, result.output
    third = "SW-20261126-002"
    assert show_json(cli, third)["notices"] == []
    assert not [p for p in tree_files(store) if f"/{third}/" in p]
    step(cli, store, "notice", third, "receipt", as_="sw-registrar")
    assert trailers(store)["Action"] == "issue_notice"
    entry, _ = issued(cli, store, third, "receipt", SW_NAME)
    assert entry["number"] == "税社争受〔2026〕2号"
    assert show_json(cli, third)["timeline"][-1]["action"] == "issue_notice"


def test_a_notice_already_issued_is_reprinted_with_its_number_unless_a_corrected_one_is_asked_for(
        cli, store, register):
    case = register()
    [entry] = notices(cli, case, "receipt")
    copy = store / entry["path"]
    copy.unlink()
    before = head(store)
    result = cli("notice", case, "receipt", as_="sw-registrar")
    assert result.exit_code == 0, result.output
    assert f"已重新打印（原件，未另编号、未记录）：{entry['number']}" in result.stdout
    assert head(store) == before and hashlib.sha256(copy.read_bytes()).hexdigest() == entry["sha256"]
    step(cli, store, "notice", case, "receipt", "--corrected", as_="sw-registrar")
    assert [n["number"] for n in notices(cli, case, "receipt")] == [entry["number"], "税社争受〔2026〕2号"]


def test_show_lists_the_full_number_on_an_80_column_terminal(cli, register):
    case = register()
    result = cli("show", case, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "税社争受〔2026〕1号" in result.stdout


def test_a_new_year_restarts_the_sequence(cli, store, register):
    register()
    register()
    case = register(now="2027-01-04T10:00:00+08:00")
    assert case == "SW-20270104-001"
    [entry] = notices(cli, case, "receipt")
    assert entry["number"] == "税社争受〔2027〕1号"
    assert entry["path"] == f"cases/2027/01/04/{case}/文书/税社争受〔2027〕1号 受理回执.docx"
    assert hashlib.sha256(blob(store, entry["path"])).hexdigest() == entry["sha256"]
    text = all_text(Document(io.BytesIO(blob(store, entry["path"]))))
    assert "税社争受〔2027〕1号" in text and "2027年1月4日" in text


# -- a transfer to 人社: 转办单, 延期告知书, 处理结果告知书 (本级人民政府), archive -------------------


def test_transfer_extension_result_notice_and_archive(cli, store, register, tmp_path):
    material = tmp_path / "工资台账.pdf"
    material.write_bytes(b"%PDF-1.4 sample ledger\n")
    case = register(category="8", attach=str(material))
    step(
        cli,
        store,
        "route",
        case,
        "--to",
        "RS",
        "--reason",
        "属人社部门待遇核定职责",
        as_="sw-registrar",
    )
    entry, text = issued(
        cli,
        store,
        case,
        "transfer",
        SW_NAME,
        "属人社部门待遇核定职责",
        "示例科技有限公司",
        "2026年11月27日",
    )
    assert entry["number"] == "税社争转〔2026〕1号"
    assert f"{RS_NAME}：" in text.splitlines()  # addressed to the target unit by its full name

    step(cli, store, "sign", case, as_="rs-handler")
    step(
        cli,
        store,
        "extend",
        case,
        "--reason",
        "需调取三年工资台账核实",
        "--days",
        "10",
        as_="rs-handler",
    )
    entry, text = issued(
        cli,
        store,
        case,
        "extension",
        RS_NAME,
        "需调取三年工资台账核实",
        "2026年12月17日",
        "2026年12月31日",
    )
    assert entry["number"] == "人社争延〔2026〕1号"

    step(cli, store, "conclude", case, *DECISION, as_="rs-handler")
    step(cli, store, "reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="rs-handler")
    entry, text = issued(
        cli,
        store,
        case,
        "result",
        RS_NAME,
        DECISION_TEXT,
        "《社会保险费征缴暂行条例》第十条",
        "经核查，该单位2026年度申报基数低于实际工资总额",
    )
    assert entry["number"] == "人社争结〔2026〕1号"
    remedy = text[text.index("救济途径") :]
    assert "60日内向示例市人民政府申请行政复议" in remedy
    assert "上一级税务机关" not in remedy
    assert "6个月" in remedy

    # archive: 卷内文件目录 + 备考表 + history + manifest of every file in the case folder
    step(cli, store, "archive", case, as_="rs-archivist")
    view = show_json(cli, case)
    folder = f"cases/2026/11/26/{case}/"
    kinds = {n["kind"]: n for n in view["notices"]}
    assert {"archive_index", "archive_note", "history", "manifest"} <= set(kinds)
    for n in view["notices"]:
        assert hashlib.sha256(blob(store, n["path"])).hexdigest() == n["sha256"], n["path"]
    index = Document(io.BytesIO(blob(store, kinds["archive_index"]["path"])))
    check_layout(index)
    index_text = all_text(index)
    for number in (
        "税社争受〔2026〕1号",
        "税社争转〔2026〕1号",
        "人社争延〔2026〕1号",
        "人社争结〔2026〕1号",
    ):
        assert number in index_text
    assert view["archive"]["code"] in index_text
    note = Document(io.BytesIO(blob(store, kinds["archive_note"]["path"])))
    check_layout(note)
    assert view["archive"]["code"] in all_text(note) and case in all_text(note)
    history = blob(store, kinds["history"]["path"]).decode("utf-8")
    assert history.count("\n2026-11-26") == len(view["timeline"])

    manifest_path = kinds["manifest"]["path"]
    assert manifest_path == f"{folder}归档/校验清单.sha256"
    listed = {}
    for line in blob(store, manifest_path).decode("utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = tree_files(store, folder) - {manifest_path}
    assert f"{folder}附件/工资台账.pdf" in files
    assert len(files) == 10  # 4 notices, 1 attachment, 受理登记表, 卷内文件目录, 备考表, 案件经过, 案件记录
    assert {f"cases/2026/11/26/{name}" for name in listed} == files
    for name, digest in listed.items():
        assert hashlib.sha256(blob(store, f"cases/2026/11/26/{name}")).hexdigest() == digest, name

    assert "缴费人提交材料：工资台账.pdf" in index_text
    check = subprocess.run(
        ["sha256sum", "--check", "--quiet", f"{case}/归档/校验清单.sha256"],
        cwd=store / "cases/2026/11/26",
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr

    # an archived case takes no more notices
    refused(cli, store, "notice", case, "result", "--corrected", as_="rs-handler", code=4)
    refused(cli, store, "notice", case, "receipt", "--corrected", as_="sw-registrar", code=4)


# -- own unit: 处理结果告知书 (上一级税务机关), preview, on-request issue ------------------------------


def test_result_notice_by_the_tax_bureau_preview_and_reissue(cli, store, register):
    case = register()
    step(cli, store, "route", case, "--self", as_="sw-registrar")
    step(cli, store, "conclude", case, *DECISION, as_="sw-handler")
    step(
        cli, store, "reply", case, "--method", "直接送达", "--date", "2026-11-26", as_="sw-handler"
    )
    entry, text = issued(cli, store, case, "result", SW_NAME, DECISION_TEXT)
    assert entry["number"] == "税社争结〔2026〕1号"
    remedy = text[text.index("救济途径") :]
    assert "60日内向国家税务总局示例省税务局申请行政复议" in remedy
    assert "人民政府" not in remedy
    assert "6个月" in remedy

    # preview: plain text, nothing committed, the same twice, equal to the document but its number
    before = head(store)
    first = cli("notice", case, "result", "--preview", as_="sw-handler")
    second = cli("notice", case, "result", "--preview", as_="sw-handler")
    assert first.exit_code == second.exit_code == 0, first.output
    assert head(store) == before
    assert git(store, "status", "--porcelain") == ""
    assert first.stdout == second.stdout
    preview = [line for line in first.stdout.splitlines() if line.strip()]
    committed = docx_lines(blob(store, entry["path"]))
    assert len(preview) == len(committed)
    at = committed.index(entry["number"])
    assert preview[at].startswith("税社争结〔2026〕") and preview[at] != entry["number"]
    assert preview[:at] + preview[at + 1 :] == committed[:at] + committed[at + 1 :]
    assert DECISION_TEXT + "。" in preview  # typed without its full stop, printed with one

    # issued again on request (a corrected one): one commit, the next number, recorded beside the first
    step(cli, store, "notice", case, "result", "--corrected", as_="sw-handler")
    assert (trailers(store)["Action"], trailers(store)["Case"]) == ("issue_notice", case)
    first_entry, again = issued(cli, store, case, "result", SW_NAME, DECISION_TEXT, index=0)
    entry2, text2 = issued(cli, store, case, "result", SW_NAME, DECISION_TEXT)
    assert first_entry == entry
    assert entry2["number"] == "税社争结〔2026〕2号" and entry2["path"] != entry["path"]
    # the corrected one names the one it replaces (issue 20), under its own number; otherwise the same
    assert entry2["replaces"] == "税社争结〔2026〕1号"
    replaced = "（本文书更正并替代税社争结〔2026〕1号）"
    assert replaced in text2.splitlines() and replaced not in again
    assert [line for line in text2.splitlines() if line not in (entry2["number"], replaced)] == [
        line for line in again.splitlines() if line != entry["number"]
    ]

    # kinds made only by the archive, unknown kinds, and notices for actions never taken are refused
    assert "随归档生成" in refused(
        cli, store, "notice", case, "archive_index", as_="sw-handler", code=2
    )
    assert "receipt（受理回执）" in refused(
        cli, store, "notice", case, "nosuch", as_="sw-handler", code=2
    )
    message = refused(cli, store, "notice", case, "transfer", as_="sw-handler", code=2)
    assert "本案尚无“转办”记录" in message
    message = refused(
        cli, store, "notice", case, "extension", "--preview", as_="sw-handler", code=2
    )
    assert "本案尚无“延期”记录" in message


# -- the office: 联席会议通知, 征求意见函 per unit ---------------------------------------------------


def test_meeting_notice_and_one_opinion_letter_per_unit(cli, store, register):
    case = register(category="10")
    step(cli, store, "route", case, "--office", as_="sw-registrar")
    step(cli, store, "triage-general", case, "--reason", "需人社、医保共同办理", as_="bgs-office")
    step(
        cli,
        store,
        "meeting",
        case,
        "--date",
        "2026-11-30",
        "--time",
        "9:30",
        "--place",
        "市政府三楼第二会议室",
        "--units",
        "RS,YB",
        "--topic",
        "研究确定缴费基数争议的处理意见",
        "--minutes",
        "会议明确由人社复核应征金额",
        as_="bgs-office",
    )
    entry, text = issued(
        cli,
        store,
        case,
        "meeting",
        BGS_NAME,
        "市政府三楼第二会议室",
        RS_NAME,
        YB_NAME,
    )
    assert entry["number"] == "社争办会〔2026〕1号"
    lines = text.splitlines()
    assert lines[lines.index("一、会议时间") + 1] == "2026年11月30日（星期一）上午9时30分"
    assert lines[lines.index("四、会议议题") + 1] == "研究确定缴费基数争议的处理意见。"
    assert "会议明确由人社复核应征金额" not in text  # the minutes are not the agenda

    step(
        cli,
        store,
        "request-opinions",
        case,
        "--units",
        "RS,YB",
        "--question",
        "是否应按实际工资总额重新核定",
        as_="bgs-office",
    )
    letters = notices(cli, case, "opinion_request")
    assert [n["number"] for n in letters] == ["社争办函〔2026〕1号", "社争办函〔2026〕2号"]
    for i, (name, other) in enumerate(((RS_NAME, YB_NAME), (YB_NAME, RS_NAME))):
        _, text = issued(
            cli,
            store,
            case,
            "opinion_request",
            BGS_NAME,
            "是否应按实际工资总额重新核定",
            "2026年12月3日",
            index=i,
        )
        assert f"{name}：" in text.splitlines() and other not in text

    step(cli, store, "notice", case, "opinion_request", "--unit", "yb", "--corrected", as_="bgs-office")
    entry, text = issued(cli, store, case, "opinion_request", BGS_NAME)
    assert entry["number"] == "社争办函〔2026〕3号"
    assert f"{YB_NAME}：" in text.splitlines()
    refused(cli, store, "notice", case, "opinion_request", as_="bgs-office", code=2)  # which unit?
    refused(cli, store, "notice", case, "opinion_request", "--unit", "SF", as_="bgs-office", code=2)


# -- 重大疑难事项: 报批单, 移送函; hand-over: 移交告知书 --------------------------------------------


def test_approval_request_referral_and_result_by_the_office(cli, store, register):
    case = register()
    step(cli, store, "route", case, "--office", as_="sw-registrar")
    step(
        cli, store, "triage-major", case, "--reason", "涉及职工120人的群体性争议", as_="bgs-office"
    )
    entry, _ = issued(cli, store, case, "approval_request", BGS_NAME, "涉及职工120人的群体性争议")
    assert entry["number"] == "社争办批〔2026〕1号"
    step(
        cli,
        store,
        "approve",
        case,
        "--sent-date",
        "2026-11-27",
        "--platform-ref",
        "YZS-2026-0088",
        as_="leader",
    )
    entry, text = issued(
        cli, store, case, "referral", PT_NAME, "2026年11月27日", "涉及职工120人的群体性争议"
    )
    assert entry["number"] == "社争办移〔2026〕1号"
    assert f"{PT_NAME}：" in text.splitlines()
    step(cli, store, "platform-result", case, *DECISION, as_="bgs-office")
    step(
        cli, store, "reply", case, "--method", "电子送达", "--date", "2026-11-26", as_="bgs-office"
    )
    _, text = issued(cli, store, case, "result", BGS_NAME, DECISION_TEXT)
    remedy = text[text.index("救济途径") :]
    assert "国家税务总局示例省税务局" in remedy and "示例市人民政府" in remedy


def test_referral_preview_without_an_officer_is_signed_by_the_office(cli, store, register):
    case = register()
    step(cli, store, "route", case, "--office", as_="sw-registrar")
    step(cli, store, "triage-major", case, "--reason", "涉及群体性争议", as_="bgs-office")
    step(
        cli,
        store,
        "approve",
        case,
        "--sent-date",
        "2026-11-27",
        "--platform-ref",
        "YZS-1",
        as_="leader",
    )
    [entry] = notices(cli, case, "referral")
    committed = docx_lines(blob(store, entry["path"]))
    result = cli("notice", case, "referral", "--preview")
    assert result.exit_code == 0, result.output
    preview = [line for line in result.stdout.splitlines() if line.strip()]
    assert preview[-2:] == committed[-2:] == [BGS_NAME, "2026年11月26日"]


def test_hand_over_notice(cli, store, register):
    case = register(as_="rs-registrar", **INDIVIDUAL)
    step(cli, store, "route", case, "--self", as_="rs-registrar")
    step(
        cli,
        store,
        "hand-over",
        case,
        "--authority",
        "示例市劳动人事争议仲裁委员会",
        "--reason",
        "属劳动报酬争议，不属本机制",
        as_="rs-handler",
    )
    entry, text = issued(
        cli,
        store,
        case,
        "handover",
        RS_NAME,
        "示例市劳动人事争议仲裁委员会",
        "属劳动报酬争议，不属本机制",
        "李四",
    )
    assert entry["number"] == "人社争交〔2026〕1号"
    # labour arbitration needs the payer's own application: the notice says where, how and by when
    assert "第八十二条" not in text and "已将该事项移交" not in text
    assert ("本机关不能代为移交。请你依法向示例市劳动人事争议仲裁委员会（地址：示例市人民路88号）提交书面仲裁申请，"
            "并按照被申请人人数提交副本。") in text
    assert "劳动争议申请仲裁的时效期间为一年" in text


# -- store templates --------------------------------------------------------------------------------


def override_receipt(store: Path, extra: str) -> Path:
    """The store's own receipt template, installed by the admin's command."""
    document = Document(str(resource_dir("templates") / "receipt.docx"))
    document.add_paragraph(extra, style="GW Body")
    path = store.parent / "receipt-custom.docx"
    document.save(str(path))
    result = invoke("template", "install", "receipt", str(path), "--store", str(store), "--as", "bgs-admin")
    assert result.exit_code == 0, result.output
    return store / "templates" / "receipt.docx"


def test_store_template_wins_over_the_default(cli, store, register):
    override_receipt(store, "本市定制模板：{{ case_id }}（{{ payer_name }}）")
    case = register(payer_name="张三&李四<代表>")
    _, text = issued(cli, store, case, "receipt", layout=False)
    assert f"本市定制模板：{case}（张三&李四<代表>）" in text.splitlines()
    step(cli, store, "route", case, "--to", "RS", "--reason", "转人社", as_="sw-registrar")
    _, text = issued(cli, store, case, "transfer")
    assert "本市定制模板" not in text
    preview = cli("notice", case, "receipt", "--preview", as_="sw-registrar")
    assert f"本市定制模板：{case}（张三&李四<代表>）" in preview.stdout


def test_store_template_with_an_undefined_variable_stops_registration(cli, store):
    override_receipt(store, "{{ nosuch }}")
    before = head(store)
    result = cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")
    assert result.exit_code != 0
    assert ("文书模板“受理回执”（templates/receipt.docx）第17段（“{{ nosuch }}”）：使用了未提供的内容“nosuch”，未出具文书。"
            in result.stderr)
    assert "Traceback" not in result.output
    assert head(store) == before
    assert not [p for p in tree_files(store) if p.startswith("cases/")]
    assert not (store / "cases").exists()
    # without the receipt the same registration goes through
    result = cli(
        "register", *field_args(EMPLOYER), "--no-input", "--no-receipt", as_="sw-registrar"
    )
    assert result.exit_code == 0, result.output
    assert "SW-20261126-001" in result.output
