"""Issue 22 point 6: the archive package — the 卷内文件目录 (8-digit dates, 页号 from real page
counts, the written opinions and the meeting's minutes), the case record in the manifest, and the
检查人 named with ``archive --checked-by`` (never filled with the 立卷人)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import head

from disputectl.documents.notices import docx_lines
from disputectl.record.store_files import case_files_dir, case_path

HAS_SOFFICE = shutil.which("soffice") is not None and shutil.which("pdfinfo") is not None
# long facts: the 处理结果告知书 runs over two pages
LONG_FACTS = "经调取该单位2024年至2026年的工资台账、银行代发明细和个人所得税扣缴申报记录逐月核对，" * 5
DECISION = ["--facts", LONG_FACTS, "--basis", "《社会保险费征缴暂行条例》第十条", "--decision", "按实际工资总额重新核定缴费基数"]
OPINION_RS = "人社局意见：应按实际工资总额核定缴费基数"
OPINION_YB = "医保局意见：同意人社局意见"
MINUTES = "会议议定：由人社局、医保局分别提出书面意见，领导组办公室综合后答复缴费人"


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.output)


def git_bytes(store: Path, spec: str) -> bytes:
    return subprocess.run(["git", "-C", str(store), "show", spec], capture_output=True, check=True).stdout


def pdf_pages(docx: bytes, folder: Path) -> int:
    """Pages of a .docx as LibreOffice lays it out (the measure the archive uses)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.docx").write_bytes(docx)
    subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(folder / "doc.docx")],
                   env={**os.environ, "HOME": str(folder)}, capture_output=True, check=True, timeout=300)
    info = subprocess.run(["pdfinfo", str(folder / "doc.pdf")], capture_output=True, text=True, check=True).stdout
    return int(next(line.split(":")[1] for line in info.splitlines() if line.startswith("Pages:")))


def general_matter_replied(cli: Callable[..., Any], register: Callable[..., str]) -> str:
    """A 一般事项: a meeting with minutes, two written opinions (one amended), a consolidated
    decision with long facts, the written reply."""
    case = register()
    ok(cli("route", case, "--office", "--reason", "涉及人社、医保", as_="sw-registrar"))
    ok(cli("triage-general", case, "--reason", "需人社、医保共同办理", as_="bgs-office"))
    ok(cli("meeting", case, "--date", "2026-11-26", "--place", "市政府三楼会议室", "--units", "RS,YB",
           "--minutes", MINUTES, as_="bgs-office"))
    ok(cli("request-opinions", case, "--units", "RS,YB", "--question", "是否应重新核定", as_="bgs-office"))
    ok(cli("opinion", case, "--body", "人社局初步意见", as_="rs-handler"))
    ok(cli("amend-opinion", case, "--body", OPINION_RS, "--reason", "补充核定依据", as_="rs-handler"))
    ok(cli("opinion", case, "--body", OPINION_YB, as_="yb-handler"))
    ok(cli("consolidate", case, *DECISION, as_="bgs-office"))
    ok(cli("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="bgs-office"))
    return case


def index_rows(store: Path, case: str) -> list[list[str]]:
    lines = docx_lines(git_bytes(store, f"HEAD:{case_files_dir(case)}/归档/卷内文件目录.docx"))
    return [line.split(" | ") for line in lines if " | " in line][1:]  # after the header row


def note_rows(store: Path, case: str) -> dict[str, str]:
    lines = docx_lines(git_bytes(store, f"HEAD:{case_files_dir(case)}/归档/备考表.docx"))
    return {label: value for label, _, value in (line.partition(" | ") for line in lines) if value}


def test_archive_index_manifest_and_checker(cli, store: Path, register, tmp_path: Path) -> None:
    case = general_matter_replied(cli, register)
    before_archive = head(store)
    case_before = git_bytes(store, f"HEAD:{case_path(case)}")

    # the 立卷人 cannot check their own volume, nor can an officer who is no archivist of the unit
    # or the office; nothing is written
    for checker, message in (("bgs-archivist", "检查人不能是立卷人本人"), ("sw-handler", "不能作为检查人"),
                             ("nobody", "没有工号为“nobody”的在岗人员")):
        refused = cli("archive", case, "--checked-by", checker, as_="bgs-archivist")
        assert refused.exit_code in (2, 4), refused.output
        assert message in refused.output and "Traceback" not in refused.output
        assert head(store) == before_archive
    assert subprocess.run(["git", "-C", str(store), "status", "--porcelain"], capture_output=True, text=True,
                          check=True).stdout == ""

    ok(cli("archive", case, "--checked-by", "bgs-office", as_="bgs-archivist"))
    record = yaml.safe_load(git_bytes(store, f"HEAD:{case_path(case)}"))
    archive = record["actions"][-1]
    assert archive["action"] == "archive" and archive["data"]["checked_by"] == "bgs-office"
    officers = yaml.safe_load((store / "disputectl.yaml").read_text(encoding="utf-8"))["officers"]
    names = {o["id"]: o["name"] for o in officers} if isinstance(officers, list) else \
        {k: v["name"] for k, v in officers.items()}
    note = note_rows(store, case)
    assert note["检查人"] == names["bgs-office"]
    assert note["立卷人"] == names["bgs-archivist"]

    rows = index_rows(store, case)
    office = "示例市社会保险费征缴争议联合处置工作领导组办公室"
    listed = [(r[2], r[3], r[4], r[6]) for r in rows]
    assert listed == [
        ("国家税务总局示例市税务局", "受理登记表", "20261126", ""),
        ("国家税务总局示例市税务局", "受理回执", "20261126", ""),
        (office, "联席会议通知", "20261126", ""),
        (office, "联席会议纪要", "20261126", "电子记录"),
        (office, "征求意见函", "20261126", ""),
        (office, "征求意见函", "20261126", ""),
        ("示例市人力资源和社会保障局", "书面意见", "20261126", "电子记录"),
        ("示例市人力资源和社会保障局", "修改后的书面意见", "20261126", "电子记录"),
        ("示例市医疗保障局", "书面意见", "20261126", "电子记录"),
        (office, "处理结果告知书", "20261126", ""),
    ]
    assert [r[0] for r in rows] == [str(i) for i in range(1, 11)]
    assert all(r[5] == "" for r in rows if r[6] == "电子记录")  # electronic records fill no page

    if HAS_SOFFICE:
        folder = f"{case_files_dir(case)}"
        papers = [r for r in rows if r[6] != "电子记录"]
        notices = [n for a in record["actions"] for n in a.get("notices", []) if n["number"]]
        files = [f"{folder}/归档/受理登记表.docx"] + [n["path"] for n in notices]
        counts = [pdf_pages(git_bytes(store, f"HEAD:{path}"), tmp_path / f"pdf{i}") for i, path in enumerate(files)]
        assert counts[-1] == 2, counts  # the 处理结果告知书 with its long facts
        starts = [1 + sum(counts[:i]) for i in range(len(counts))]
        expected = [str(s) for s in starts[:-1]] + [f"{starts[-1]}-{starts[-1] + counts[-1] - 1}"]
        assert [r[5] for r in papers] == expected  # the last one: 起止页号
        assert f"共10件、{sum(counts)}页" in note["本卷情况说明"]
        assert "书面意见、联席会议纪要以电子记录列入目录" in note["本卷情况说明"]
        assert note["备注"] == "无"

    # the manifest lists the case record as archived: the case file as it stood before archiving
    manifest = git_bytes(store, f"HEAD:{case_files_dir(case)}/归档/校验清单.sha256").decode("utf-8")
    snapshot = git_bytes(store, f"HEAD:{case_files_dir(case)}/归档/案件记录.yaml")
    assert snapshot == case_before
    assert f"{hashlib.sha256(case_before).hexdigest()}  {case}/归档/案件记录.yaml" in manifest.splitlines()
    assert {"kind": "case_record", "number": None, "path": f"{case_files_dir(case)}/归档/案件记录.yaml",
            "sha256": hashlib.sha256(case_before).hexdigest()} in archive["notices"]
    check = subprocess.run(["sha256sum", "--check", "--quiet", f"{case}/归档/校验清单.sha256"],
                           cwd=store / case_files_dir(case).rsplit("/", 1)[0], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr

    # the preview after archiving shows the volume's own index
    preview = ok(cli("notice", case, "archive_index", "--preview"))
    assert " | ".join(rows[-1]) in preview.splitlines()
    assert "全部合规" in ok(cli("verify"))


def test_without_libreoffice_the_page_numbers_and_checker_are_left_blank(cli, store: Path, register, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # PATH without LibreOffice: every other program of /usr/bin and /bin is still there
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            if name not in ("soffice", "libreoffice", "lowriter") and not (bin_dir / name).exists():
                (bin_dir / name).symlink_to(Path(folder) / name)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert shutil.which("soffice") is None and shutil.which("git") is not None

    case = register()
    ok(cli("route", case, "--self", as_="sw-registrar"))
    ok(cli("conclude", case, *DECISION, as_="sw-handler"))
    ok(cli("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    ok(cli("archive", case, as_="sw-archivist"))
    rows = index_rows(store, case)
    assert [(r[3], r[4], r[5]) for r in rows] == [("受理登记表", "20261126", ""), ("受理回执", "20261126", ""),
                                                  ("处理结果告知书", "20261126", "")]
    note = note_rows(store, case)
    lines = docx_lines(git_bytes(store, f"HEAD:{case_files_dir(case)}/归档/备考表.docx"))
    assert "检查人 | " in lines  # blank, to be signed: not the 立卷人
    assert "电子记录" not in note["本卷情况说明"]  # none in this case
    assert note["立卷人"] and note["备注"].startswith("卷内文件页号未能自动计算")
    record = yaml.safe_load(git_bytes(store, f"HEAD:{case_path(case)}"))
    assert "checked_by" not in record["actions"][-1]["data"]
    assert "全部合规" in ok(cli("verify"))


def _repackage(monkeypatch: pytest.MonkeyPatch, change: Callable[[dict[str, bytes | None], str], None]) -> None:
    """Archive with ``change`` applied to the package (files by path; the record-keeping redone)."""
    import disputectl.documents.archive as archive_module

    real = archive_module.build_package

    def build(s: Any, case: dict[str, Any], head_: str | None) -> dict[str, bytes | None]:
        files = real(s, case, head_)
        folder = f"{case_files_dir(case['id'])}/归档"
        change(files, folder)
        entry = case["actions"][-1]
        entry["notices"] = [n for n in entry["notices"] if n["path"] in files]
        packaged = {path.split("/", 4)[-1]: content for path, content in files.items()}
        manifest = []
        for line in (files[f"{folder}/校验清单.sha256"] or b"").decode().splitlines():
            digest, name = line.split("  ", 1)
            if "/归档/" in name and name not in packaged:
                continue  # a file no longer in the package
            manifest.append(f"{hashlib.sha256(packaged[name] or b'').hexdigest() if name in packaged else digest}  {name}\n")
        files[f"{folder}/校验清单.sha256"] = "".join(manifest).encode()
        for n in entry["notices"]:
            n["sha256"] = hashlib.sha256(files[n["path"]] or b"").hexdigest()
        return files

    monkeypatch.setattr(archive_module, "build_package", build)


def replied(cli: Callable[..., Any], register: Callable[..., str]) -> str:
    case = register()
    ok(cli("route", case, "--self", as_="sw-registrar"))
    ok(cli("conclude", case, "--facts", "f", "--basis", "b", "--decision", "d", as_="sw-handler"))
    ok(cli("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    return case


def test_archives_made_before_the_case_record_was_kept_still_verify(cli, store: Path, register,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    case = replied(cli, register)
    _repackage(monkeypatch, lambda files, folder: files.pop(f"{folder}/案件记录.yaml"))
    ok(cli("archive", case, as_="sw-archivist"))
    record = yaml.safe_load(git_bytes(store, f"HEAD:{case_path(case)}"))
    assert "case_record" not in {n["kind"] for n in record["actions"][-1]["notices"]}
    assert "全部合规" in ok(cli("verify"))


def test_verify_refuses_an_archived_case_record_that_is_not_the_case_file(cli, store: Path, register,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    case = replied(cli, register)

    def forge(files: dict[str, bytes | None], folder: str) -> None:
        files[f"{folder}/案件记录.yaml"] = b"id: forged\n"

    _repackage(monkeypatch, forge)
    ok(cli("archive", case, as_="sw-archivist"))
    result = cli("verify")
    assert result.exit_code != 0
    assert f"{case_files_dir(case)}/归档/案件记录.yaml 应是归档前的案件文件，却与之不符" in result.output
