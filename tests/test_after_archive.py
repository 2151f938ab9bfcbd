"""Issue 20: objections and their outcomes are recorded at any time after the reply, also after
archiving — then as 补充归档 entries: the archive gains a supplement, nothing archived changes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from conftest import EMPLOYER, commit_by_hand, field_args, git, invoke

from disputectl.record.store_files import case_files_dir


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def _archived(cli) -> str:
    case = ok(cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")).split("案件编号")[1].split()[0]
    ok(cli("route", case, "--self", as_="sw-registrar"))
    ok(cli("conclude", case, "--facts", "f", "--basis", "b", "--decision", "d", as_="sw-handler"))
    ok(cli("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler"))
    ok(cli("archive", case, as_="sw-archivist"))
    return case


def _tree(store: Path, case: str) -> dict[str, str]:
    listing = git(store, "ls-tree", "-r", "HEAD", case_files_dir(case) + "/")
    return {line.split("\t")[1]: line.split()[2] for line in listing.splitlines()}


def test_an_objection_and_its_outcome_after_archiving_are_supplements(cli, store: Path) -> None:
    case = _archived(cli)
    archived = _tree(store, case)
    early = cli("outcome", case, "--kind", "复议决定", "--body", "维持", "--date", "2026-11-26", as_="sw-handler")
    assert early.exit_code == 4 and "请先用 disputectl object" in early.output
    ok(cli("object", case, "--channel", "行政复议", "--body", "国家税务总局示例省税务局", "--date", "2026-11-26",
           as_="sw-handler"))
    ok(cli("outcome", case, "--kind", "复议决定", "--body", "维持原处理意见", "--date", "2026-11-26", as_="sw-handler"))
    after = _tree(store, case)
    assert {p: sha for p, sha in after.items() if p in archived} == archived  # nothing archived changed
    view = json.loads(ok(cli("show", case, "--json")))
    ids = [t["id"] for t in view["timeline"][-2:]]  # each supplement in a folder named by its entry
    added = sorted(p.split("/归档/")[1] for p in after if p not in archived)
    assert added == sorted(f"补充-{i}/{name}" for i in ids for name in ("校验清单.sha256", "补充归档说明.txt"))
    note = git(store, "show", f"HEAD:{case_files_dir(case)}/归档/补充-{ids[1]}/补充归档说明.txt")
    assert "补充归档（第 2 次）" in note and "记录异议处理结果" in note and "维持原处理意见" in note
    manifest = git(store, "show", f"HEAD:{case_files_dir(case)}/归档/补充-{ids[1]}/校验清单.sha256")
    assert f"补充-{ids[0]}/补充归档说明.txt" in manifest and "归档/卷内文件目录.docx" in manifest

    view = json.loads(ok(cli("show", case, "--json")))
    assert view["status"] == "archived"
    assert view["objections"] == [{"channel": "行政复议", "body": "国家税务总局示例省税务局", "date": "2026-11-26",
                                   "outcome": {"kind": "复议决定", "body": "维持原处理意见", "date": "2026-11-26"}}]
    assert "2026-11-26 复议决定：维持原处理意见" in ok(cli("show", case, env={"COLUMNS": "300"}))
    stats = json.loads(ok(cli("stats", "--from", "2026-11-01", "--to", "2026-11-30", "--json")))
    assert stats["objections_by"] == {"channel": {"行政复议": 1}, "outcome": {"复议决定": 1}}
    assert "异议（按救济途径）：行政复议 1 件；处理结果（按种类）：复议决定 1 件" in ok(cli("stats", "--from", "2026-11-01",
                                                                                  "--to", "2026-11-30"))
    ok(invoke("verify", "--store", str(store)))
    # any other action on an archived case is still refused
    refused = cli("note", case, "--body", "x", as_="bgs-office")
    assert refused.exit_code == 4


def test_verify_refuses_a_supplement_that_changes_what_was_archived(cli, store: Path) -> None:
    case = _archived(cli)
    ok(cli("object", case, "--channel", "调解", "--body", "人民调解委员会", "--date", "2026-11-26", as_="sw-handler"))
    index = f"{case_files_dir(case)}/归档/卷内文件目录.docx"
    subprocess.run(["git", "-C", str(store), "show", f"HEAD:{index}"], capture_output=True, check=True)
    commit_by_hand(store, {index: b"changed"}, "改动已归档的目录")
    report = invoke("verify", "--store", str(store))
    assert report.exit_code != 0 and "已归档" in report.output


def test_two_offices_adding_supplements_to_one_archived_case_at_once_sync_cleanly(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "record"))
    from test_sync import central, clone  # the multi-office helpers

    bare, first = central(tmp_path, hook=True)
    case = first.register()
    first.ok("route", case, "--self", as_="sw-registrar")
    first.ok("conclude", case, "--facts", "f", "--basis", "b", "--decision", "d", as_="sw-handler")
    first.ok("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler")
    first.ok("archive", case, as_="sw-archivist")
    first.ok("sync")
    other = clone(bare, tmp_path / "other", "人社局大厅")
    first.ok("object", case, "--channel", "行政复议", "--body", "A", "--date", "2026-11-26", as_="sw-handler")
    other.ok("object", case, "--channel", "行政诉讼", "--body", "B", "--date", "2026-11-26", as_="bgs-office")
    first.ok("sync")
    other.ok("sync")
    first.ok("sync")
    assert first.head() == other.head()
    view = first.show(case)
    assert sorted(o["channel"] for o in view["objections"]) == ["行政复议", "行政诉讼"]
    folders = {p.split("/归档/")[1].split("/")[0] for p in git(first.root, "ls-tree", "-r", "--name-only", "HEAD",
                                                              case_files_dir(case)).split() if "/补充-" in p}
    assert len(folders) == 2
    first.ok("verify")
