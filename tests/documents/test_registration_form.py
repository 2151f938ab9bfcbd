"""Issue 21 (受理登记表) and issue 22 point 6: the registration form a clerk prints for the payer to
check and sign, and the file behind the first row of the archive's 卷内文件目录.

Printing gives no 文号 and records nothing; the payer's identifier, phone and an individual's address
are masked unless an officer allowed to reveal asks for them (the look recorded first, as for show).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EMPLOYER, INDIVIDUAL, field_args, git, head
from docx import Document

from disputectl.documents.notices import docx_lines
from disputectl.record.store_files import case_files_dir, case_path
from disputectl.rules.validation import mask_identifier, mask_phone

FORM = "受理登记表"
SIGNATURES = ["以上登记内容经本人核对无误。", "缴费人（签字）：", "受理人（签字）："]


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def one_message(result: Any, code: int) -> str:
    """A clean refusal: the exit code, one ``错误：`` line in Chinese, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("提示：")]
    assert len(lines) == 1 and lines[0].startswith("错误：") and re.search(r"[\u4e00-\u9fff]", lines[0]), result.stderr
    return lines[0]


def registered(cli: Any, fields: dict[str, str], *, attach: list[Path] | None = None) -> str:
    extra = [a for path in attach or [] for a in ("--attach", str(path))]
    output = ok(cli("register", *field_args(fields), *extra, "--no-input", as_="sw-registrar"))
    return output.split("案件编号")[1].split()[0]


def raw_text(data: bytes) -> str:
    """Every XML part of a .docx as text: what a full identifier must not be found in."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def rows(data: bytes) -> dict[str, str]:
    """The form's table as {label: value} (a row of two pairs gives both)."""
    found: dict[str, str] = {}
    for line in docx_lines(data):
        cells = line.split(" | ")
        for label, value in zip(cells[::2], cells[1::2], strict=False):
            found[label] = value
    return found


def test_print_writes_the_form_with_masked_data_and_records_nothing(cli, store: Path, tmp_path: Path) -> None:
    scan = tmp_path / "营业执照.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    case = registered(cli, EMPLOYER, attach=[scan])
    assert (store / "keyring.yaml").is_file()  # the demo store encrypts personal data
    before = head(store)
    out = tmp_path / "打印"
    out.mkdir()

    printed = ok(cli("print", case, "--out", str(out), as_="sw-handler"))

    path = out / f"{case} {FORM}.docx"
    assert f"已生成受理登记表（未编文号、未记录）：{path}" in printed
    data = path.read_bytes()
    document = Document(str(path))  # opens with python-docx
    assert document.paragraphs[0].text == "社会保险费征缴争议受理登记表"
    table = rows(data)
    assert table["案件编号"] == case
    assert table["受理单位"] == "国家税务总局示例市税务局"
    assert table["首问责任人"] == "税务局受理员（样例）" and table["来访方式"] == "来访"
    assert table["来访时间"] == "2026年11月26日10时"
    assert table["缴费人类型"] == "用人单位" and table["属地区域"] == "市本级"
    assert table["缴费人名称"] == EMPLOYER["payer_name"] and table["联系人"] == EMPLOYER["contact_person"]
    assert table["证件号码"] == mask_identifier(EMPLOYER["payer_id"]) + "（部分隐去）"
    assert table["联系电话"] == mask_phone(EMPLOYER["phone"]) + "（部分隐去）"
    assert table["地址"] == EMPLOYER["address"]  # an employer's address is not personal data
    assert table["争议类别"] == "缴费基数申报"
    assert table["反映主要事项"] == EMPLOYER["matter"] and table["诉求"] == EMPLOYER["request"]
    assert table["附件"] == "1. 营业执照.pdf"
    text = "\n".join(docx_lines(data))
    for line in SIGNATURES:
        assert line in text
    assert "日期：" in text and "〔" not in text  # no 文号
    assert EMPLOYER["payer_id"] not in raw_text(data) and EMPLOYER["phone"] not in raw_text(data)
    assert head(store) == before and git(store, "status", "--porcelain") == ""


def test_an_individuals_full_data_stays_out_of_the_form_for_an_officer_who_may_not_reveal(
        cli, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = registered(cli, INDIVIDUAL)
    before = head(store)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # the default folder is the current one

    ok(cli("print", case, as_="sw-handler"))
    data = (work / f"{case} {FORM}.docx").read_bytes()
    table = rows(data)
    assert table["证件号码"] == mask_identifier(INDIVIDUAL["payer_id"]) + "（部分隐去）"
    assert table["地址"].endswith("****（部分隐去）") and table["联系人"] == "无" and table["附件"] == "无"
    for full in (INDIVIDUAL["payer_id"], INDIVIDUAL["address"], INDIVIDUAL["phone"], INDIVIDUAL["phone"].replace("-", "")):
        assert full not in raw_text(data)

    refused = cli("print", case, "--reveal", "--out", str(tmp_path), as_="sw-handler")
    assert "无权查看完整的证件号码和电话" in one_message(refused, 3)
    assert not (tmp_path / f"{case} {FORM}.docx").exists()
    assert head(store) == before


def test_reveal_prints_the_full_data_for_an_officer_allowed_and_records_the_look(cli, store: Path, tmp_path: Path) -> None:
    case = registered(cli, INDIVIDUAL)
    before = head(store)
    printed = ok(cli("print", case, "--reveal", "--out", str(tmp_path), as_="bgs-office"))
    assert "此次查看已记录" in printed
    path = tmp_path / f"{case} {FORM}.docx"
    table = rows(path.read_bytes())
    assert table["证件号码"] == INDIVIDUAL["payer_id"] and table["地址"] == INDIVIDUAL["address"]
    assert table["联系电话"] == INDIVIDUAL["phone"]
    assert path.stat().st_mode & 0o077 == 0  # its reader's only
    assert git(store, "rev-parse", "HEAD~1").strip() == before  # one commit: the look, nothing else
    assert git(store, "log", "-1", "--format=%(trailers:key=Action,valueonly)").strip() == "reveal"
    assert git(store, "diff", "--name-only", before, "HEAD") == ""


def test_bad_input_is_one_chinese_message_and_nothing_changes(cli, store: Path, tmp_path: Path) -> None:
    case = registered(cli, EMPLOYER)
    before = head(store)
    assert "没有找到案件 SW-20261126-999" in one_message(cli("print", "SW-20261126-999", as_="sw-handler"), 5)
    assert "不存在" in one_message(cli("print", case, "--out", str(tmp_path / "nope")), 2)
    (tmp_path / "plain.txt").write_text("x")
    assert "不是文件夹" in one_message(cli("print", case, "--out", str(tmp_path / "plain.txt")), 2)
    assert "/proc" in one_message(cli("print", case, "--out", "/proc", as_="bgs-office"), 2)
    assert "/proc" in one_message(cli("print", case, "--out", "/proc", "--reveal", as_="bgs-office"), 2)
    assert one_message(cli("print", case, as_="nobody"), 3)
    assert head(store) == before  # the refused reveal recorded no look either


def test_notice_registration_form_prints_the_same_form(cli, store: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    case = registered(cli, EMPLOYER)
    before = head(store)
    monkeypatch.chdir(tmp_path)
    ok(cli("notice", case, "registration_form", as_="sw-registrar"))
    noticed = (tmp_path / f"{case} {FORM}.docx").read_bytes()
    ok(cli("print", case, "-o", str(tmp_path / ".."), as_="sw-registrar"))
    assert (tmp_path.parent / f"{case} {FORM}.docx").read_bytes() == noticed  # the same bytes each time
    preview = ok(cli("notice", case, "registration_form", "--preview"))
    assert f"案件编号 | {case}" in preview and "缴费人（签字）：" in preview
    refused = cli("notice", case, "registration_form", "--corrected", as_="sw-registrar")
    assert "受理登记表不编文号" in one_message(refused, 2)
    assert head(store) == before


def test_the_archive_holds_the_form_behind_the_first_row_of_its_index(cli, store: Path) -> None:
    case = registered(cli, INDIVIDUAL)
    ok(cli("route", case, "--self", as_="sw-registrar"))
    ok(cli("conclude", case, "--facts", "f", "--basis", "b", "--decision", "d", as_="sw-handler"))
    ok(cli("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    archived = ok(cli("archive", case, as_="sw-archivist"))
    folder = f"{case_files_dir(case)}/归档"
    assert f"已出具受理登记表：{folder}/{FORM}.docx" in archived

    form = git_bytes(store, f"HEAD:{folder}/{FORM}.docx")
    table = rows(form)
    assert table["案件编号"] == case and table["缴费人名称"] == INDIVIDUAL["payer_name"]
    assert table["证件号码"] == mask_identifier(INDIVIDUAL["payer_id"]) + "（部分隐去）"
    assert INDIVIDUAL["payer_id"] not in raw_text(form)  # every copy of the store holds the archive
    digest = hashlib.sha256(form).hexdigest()
    manifest = git(store, "show", f"HEAD:{folder}/校验清单.sha256")
    assert f"{digest}  {case}/归档/{FORM}.docx" in manifest.splitlines()
    record = yaml.safe_load(git(store, "show", f"HEAD:{case_path(case)}"))
    assert record["actions"][-1]["notices"][0] == {"kind": "registration_form", "number": None,
                                                   "path": f"{folder}/{FORM}.docx", "sha256": digest}

    index = docx_lines(git_bytes(store, f"HEAD:{folder}/卷内文件目录.docx"))
    first = next(line for line in index if line.startswith("1 | "))
    assert first.split(" | ")[3] == FORM  # the row's 题名 is the file's name
    assert "电子记录" not in first
    assert "全部合规" in ok(cli("verify"))


def git_bytes(store: Path, spec: str) -> bytes:
    import subprocess

    return subprocess.run(["git", "-C", str(store), "show", spec], capture_output=True, check=True).stdout


def test_the_form_shows_the_registration_as_corrected(cli, store: Path, tmp_path: Path) -> None:
    case = registered(cli, EMPLOYER)
    ok(cli("amend", case, "--payer-name", "示例科技股份有限公司", "--phone", "13987654321", "--reason", "名称变更",
           as_="sw-registrar"))
    ok(cli("print", case, "--out", str(tmp_path)))
    table = rows((tmp_path / f"{case} {FORM}.docx").read_bytes())
    assert table["缴费人名称"] == "示例科技股份有限公司"
    assert table["联系电话"] == mask_phone("13987654321") + "（部分隐去）"
    ok(cli("print", case, "--reveal", "--out", str(tmp_path), as_="bgs-office"))
    assert rows((tmp_path / f"{case} {FORM}.docx").read_bytes())["联系电话"] == "13987654321"


def test_nothing_to_print_or_fill_in_is_written_into_the_stores_folder(cli, store: Path, monkeypatch) -> None:
    """Run from inside the store (the store is found from any folder in it), the default folder
    would leave the form, revealed perhaps, untracked among the cases: refused, nothing written."""
    case = registered(cli, EMPLOYER)
    inside = store / "cases"
    monkeypatch.chdir(inside)
    before = head(store)
    for args in (("print", case), ("print", case, "--reveal"), ("import", "--template", "模板.xlsx")):
        result = cli(*args, as_="bgs-office")
        assert result.exit_code == 2, result.output
        assert "不写在案件库的文件夹" in result.output and ("-o" in result.output or "案件库以外的路径" in result.output)
    assert head(store) == before  # no look at full personal data recorded either
    assert git(store, "status", "--porcelain", "--untracked-files=all") == ""
