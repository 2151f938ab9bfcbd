"""Several offices, one store: clones that work apart and meet again (``sync``, ``clone``, ``setup``).

A bare repository in a temporary folder plays the city's central store; each clone is one office.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import EMPLOYER, field_args, git, head, invoke

from disputectl.record.merge import MergeConflict, merge_actions
from disputectl.record.store_files import case_path

DECISION = ["--facts", "经核查，缴费基数申报无误", "--basis", "《社会保险费征缴暂行条例》", "--decision", "维持原核定"]
DAY = "2026-11-26T10:00:00+08:00"


class Office:
    """One clone of the store, driven through the CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def run(self, *args: str, as_: str | None = None, now: str | None = None) -> Any:
        extra = ["--store", str(self.root)] + (["--as", as_] if as_ else [])
        return invoke(*args, *extra, env={"DISPUTECTL_NOW": now} if now else None)

    def ok(self, *args: str, as_: str | None = None, now: str | None = None) -> Any:
        result = self.run(*args, as_=as_, now=now)
        assert result.exit_code == 0, result.output
        return result

    def register(self, as_: str = "sw-registrar", now: str | None = None, **overrides: str) -> str:
        result = self.ok("register", *field_args({**EMPLOYER, **overrides}), "--no-input", as_=as_, now=now)
        line = next(line for line in result.output.splitlines() if "案件编号" in line)
        return line.split("案件编号")[-1].strip()

    def show(self, case: str) -> dict[str, Any]:
        return json.loads(self.ok("show", case, "--json").stdout)

    def case_ids(self) -> list[str]:
        return sorted(row["id"] for row in json.loads(self.ok("list", "--json").stdout))

    def head(self) -> str:
        return head(self.root)


def central(tmp_path: Path, *, hook: bool = False) -> tuple[Path, Office]:
    """A bare remote holding a new store, and the store's first copy (station 0) that pushed it."""
    bare = tmp_path / "central.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    assert invoke("init", str(tmp_path / "first"), "--demo").exit_code == 0
    first = Office(tmp_path / "first")
    git(first.root, "remote", "add", "origin", str(bare))
    first.ok("sync")
    if hook:
        assert invoke("verify", "--install-hook", str(bare)).exit_code == 0
    return bare, first


def clone(bare: Path, path: Path, name: str) -> Office:
    result = invoke("clone", str(bare), str(path), "--name", name, "--as", "sw-registrar")
    assert result.exit_code == 0, result.output
    return Office(path)


def test_three_offices_apart_converge_without_collisions_or_lost_actions(tmp_path: Path) -> None:
    bare, _ = central(tmp_path)
    sw1 = clone(bare, tmp_path / "sw1", "税务局大厅")
    sw2 = clone(bare, tmp_path / "sw2", "税务局东区分局")  # a second clone of the SAME unit
    bgs = clone(bare, tmp_path / "bgs", "领导组办公室")
    assert [git(o.root, "config", "disputectl.station").strip() for o in (sw1, sw2, bgs)] == ["1", "2", "3"]
    assert git(sw1.root, "config", "merge.disputectl-case.driver").strip().endswith("-m disputectl.record.merge %O %A %B %P")

    shared = sw1.register()
    assert shared == "SW-20261126-1001"
    sw1.ok("route", shared, "--self", as_="sw-registrar")
    for office in (sw1, sw2, bgs):
        office.ok("sync")

    # Apart: the same minute, the same unit in two places, and two offices on one case.
    minute = "2026-11-26T15:30:00+08:00"
    new = [sw1.register(now=minute), sw2.register(now=minute), sw2.register(now=minute),
           bgs.register(as_="bgs-registrar", now=minute)]
    assert new == ["SW-20261126-1002", "SW-20261126-2001", "SW-20261126-2002", "BGS-20261126-3001"]
    sw1.ok("conclude", shared, *DECISION, as_="sw-handler", now="2026-11-26T15:31:00+08:00")
    bgs.ok("supervise", shared, "--kind", "督办", "--body", "请于本周内回复缴费人", as_="bgs-office",
           now="2026-11-26T15:32:00+08:00")
    sw2.ok("note", shared, "--body", "东区分局已电话联系缴费人", as_="bgs-office", now="2026-11-26T15:33:00+08:00")

    # Offline: nothing is lost, the message says so, and the next sync catches up.
    url = git(bgs.root, "remote", "get-url", "origin").strip()
    git(bgs.root, "remote", "set-url", "origin", str(tmp_path / "nowhere.git"))
    before = bgs.head()
    offline = bgs.run("sync")
    assert offline.exit_code == 7
    assert "无法连接远端“origin”" in offline.output and "2 个提交都已保留" in offline.output
    assert bgs.head() == before
    git(bgs.root, "remote", "set-url", "origin", url)

    sw1.ok("sync")
    received = sw2.ok("sync").output
    assert "新案件 SW-20261126-1002" in received and f"{shared} 办结：税务局" in received
    assert "送出：3 个提交，涉及 3 个案件" in received
    received = bgs.ok("sync").output
    assert "新案件 SW-20261126-2001" in received and f"{shared} 备注：领导组办公室" in received
    sw1.ok("sync")
    sw2.ok("sync")

    offices = (sw1, sw2, bgs)
    assert len({o.head() for o in offices}) == 1
    assert len({git(o.root, "rev-parse", "HEAD^{tree}") for o in offices}) == 1
    assert all(git(o.root, "status", "--porcelain") == "" for o in offices)
    ids = sw1.case_ids()
    assert ids == sorted([shared, *new]) and all(o.case_ids() == ids for o in offices)
    views = [{case: o.show(case) for case in ids} for o in offices]
    assert views[0] == views[1] == views[2]
    action_ids = {entry["id"] for view in views[0].values() for entry in view["timeline"]}
    assert len(action_ids) == 5 + 4  # register, route, conclude, supervise, note + four registrations
    assert [t["action"] for t in views[0][shared]["timeline"]] == ["register", "route_self", "conclude", "supervise", "note"]
    assert views[0][shared]["status"] == "concluded" and "相互矛盾" not in views[0][shared]["waiting_for"]
    assert sw2.run("verify").exit_code == 0


def test_contradicting_actions_are_kept_flagged_and_wait_for_the_office(tmp_path: Path) -> None:
    _, one, two, case = _contradiction(tmp_path)
    one.ok("conclude", case, *DECISION, as_="sw-handler", now="2026-11-27T10:00:00+08:00")
    two.ok("refer", case, "--reason", "需人社局共同核定", as_="sw-handler", now="2026-11-27T11:00:00+08:00")
    one.ok("sync")
    assert "已合并两处的记录" in two.ok("sync").output
    one.ok("sync")
    assert one.head() == two.head()

    view = two.show(case)
    assert view == one.show(case)
    assert [t["action"] for t in view["timeline"]] == ["register", "route_self", "conclude", "refer"]
    assert view["status"] == "concluded" and view["decision"]["decision"] == "维持原核定"
    assert view["waiting_for"].startswith("两处同时办理、操作相互矛盾，等待领导组办公室核处")
    assert "税务局承办员（样例） 2026-11-27 11:00“提请领导组办公室”" in view["waiting_for"]
    assert "相互矛盾" in two.ok("show", case).output
    two.ok("verify")

    # a note, even the office's, settles nothing (it used to)
    two.ok("note", case, "--body", "已电话了解情况", as_="bgs-office", now="2026-11-28T09:00:00+08:00")
    assert two.show(case)["waiting_for"].startswith("两处同时办理、操作相互矛盾")
    conclude, refer = (t["id"] for t in view["timeline"][2:4])
    later = "2026-11-28T09:05:00+08:00"
    assert "可保留" in two.run("settle", case, "--keep", "nosuch", "--reason", "x", as_="bgs-office", now=later).output
    assert two.run("settle", case, "--keep", conclude, "--reason", "x", as_="sw-handler", now=later).exit_code == 3
    two.ok("settle", case, "--keep", conclude, "--reason", "经核，以办结意见为准，提请不再办理", as_="bgs-office",
           now="2026-11-28T09:10:00+08:00")
    assert two.show(case)["waiting_for"] == "等待税务局书面告知缴费人"
    two.ok("verify")


def _contradiction(tmp_path: Path) -> tuple[Path, Office, Office, str]:
    bare, _ = central(tmp_path)
    one, two = clone(bare, tmp_path / "one", "一"), clone(bare, tmp_path / "two", "二")
    case = one.register()
    one.ok("route", case, "--self", as_="sw-registrar")
    one.ok("sync")
    two.ok("sync")
    return bare, one, two, case


def test_an_unrelated_note_from_a_third_office_leaves_the_contradiction_visible(tmp_path: Path) -> None:
    bare, one, two, case = _contradiction(tmp_path)
    three = clone(bare, tmp_path / "three", "三")
    one.ok("conclude", case, *DECISION, as_="sw-handler", now="2026-11-27T10:00:00+08:00")
    two.ok("conclude", case, "--facts", "另查", "--basis", "条例", "--decision", "重新核定", as_="sw-handler",
           now="2026-11-27T11:00:00+08:00")
    three.ok("note", case, "--body", "缴费人来电询问进度", as_="bgs-office", now="2026-11-27T12:00:00+08:00")
    for office in (one, two, three, one, two):
        office.ok("sync")
    view = three.show(case)
    assert view["waiting_for"].startswith("两处同时办理、操作相互矛盾")
    assert [c["settled_by"] for c in view["conflicts"]] == [None]
    assert "相互矛盾" in three.ok("show", case).output


def test_keeping_the_later_action_sets_the_earlier_aside(tmp_path: Path) -> None:
    _, one, two, case = _contradiction(tmp_path)
    one.ok("conclude", case, *DECISION, as_="sw-handler", now="2026-11-27T10:00:00+08:00")
    two.ok("refer", case, "--reason", "需人社局共同核定", as_="sw-handler", now="2026-11-27T11:00:00+08:00")
    one.ok("sync"), two.ok("sync"), one.ok("sync")
    conclude, refer = (t["id"] for t in one.show(case)["timeline"][2:4])
    one.ok("settle", case, "--keep", refer, "--reason", "确需多部门办理", as_="bgs-office", now="2026-11-28T09:00:00+08:00")
    view = one.show(case)
    assert view["status"] == "coordinating" and not view["decision"]
    one.ok("verify")


def test_an_archived_case_that_receives_a_contradiction_can_still_be_settled(tmp_path: Path) -> None:
    _, one, two, case = _contradiction(tmp_path)
    one.ok("conclude", case, *DECISION, as_="sw-handler", now="2026-11-27T10:00:00+08:00")
    one.ok("reply", case, "--method", "邮寄", "--date", "2026-11-27", as_="sw-handler", now="2026-11-27T10:10:00+08:00")
    one.ok("archive", case, as_="sw-archivist", now="2026-11-27T10:20:00+08:00")
    two.ok("conclude", case, "--facts", "另查", "--basis", "条例", "--decision", "重新核定", as_="sw-handler",
           now="2026-11-27T11:00:00+08:00")
    one.ok("sync"), two.ok("sync"), one.ok("sync")
    view = one.show(case)
    assert view["status"] == "archived" and view["waiting_for"].startswith("两处同时办理、操作相互矛盾")
    archive_files = git(one.root, "ls-tree", "-r", "--name-only", "HEAD", "--", f"cases/2026/11/26/{case}/归档")
    kept = view["timeline"][2]["id"]
    one.ok("settle", case, "--keep", kept, "--reason", "以归档的办结意见为准", as_="bgs-office", now="2026-11-28T09:00:00+08:00")
    assert not one.show(case)["waiting_for"].startswith("两处同时办理")
    assert git(one.root, "ls-tree", "-r", "--name-only", "HEAD", "--", f"cases/2026/11/26/{case}/归档") == archive_files
    one.ok("verify")


def test_archiving_is_refused_while_a_contradiction_is_open(tmp_path: Path) -> None:
    _, one, two, case = _contradiction(tmp_path)
    one.ok("withdraw", case, "--reason", "撤回", "--date", "2026-11-27", as_="sw-handler", now="2026-11-27T10:00:00+08:00")
    two.ok("withdraw", case, "--reason", "撤回了", "--date", "2026-11-27", as_="sw-handler", now="2026-11-27T11:00:00+08:00")
    one.ok("sync"), two.ok("sync"), one.ok("sync")
    before = one.head()
    result = one.run("archive", case, as_="sw-archivist", now="2026-11-28T09:00:00+08:00")
    assert result.exit_code == 4 and "尚未核处的矛盾操作" in result.stderr
    assert one.head() == before


def test_merge_refused_keeps_local_work_and_says_why(tmp_path: Path) -> None:
    bare, _ = central(tmp_path)
    one, two = clone(bare, tmp_path / "one", "一"), clone(bare, tmp_path / "two", "二")
    case = one.register()
    one.ok("sync")
    two.ok("sync")
    one.ok("route", case, "--self", as_="sw-registrar")
    one.ok("sync")
    # someone checks the case's folder out (stores keep cases/ sparse) and edits it by hand
    git(two.root, "sparse-checkout", "add", case_path(case).rsplit("/", 1)[0])
    path = two.root / case_path(case)
    path.write_text(path.read_text(encoding="utf-8").replace("对2026年度缴费基数核定有异议", "手工改动"), encoding="utf-8")
    git(two.root, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qam", "手工修改")
    before = two.head()
    result = two.run("sync")
    assert result.exit_code == 8
    assert "不能自动合并" in result.output and f"案件 {case} 两边的受理登记信息不同" in result.output
    assert two.head() == before and git(two.root, "status", "--porcelain") == ""


def test_plain_git_clone_cannot_register_until_setup_takes_a_station(tmp_path: Path) -> None:
    bare, first = central(tmp_path)
    assert first.register() == "SW-20261126-001"  # the first copy keeps the old numbers
    first.ok("sync")
    subprocess.run(["git", "clone", "--quiet", "--branch", "main", str(bare), str(tmp_path / "plain")], check=True)
    plain = Office(tmp_path / "plain")
    refused = plain.run("register", *field_args(EMPLOYER), "--no-input", as_="sw-registrar")
    assert refused.exit_code == 6 and "尚未登记站点号" in refused.output
    assert "站点号 1" in plain.ok("setup", "--name", "补设", as_="sw-registrar").output
    assert plain.register() == "SW-20261126-1001"
    assert "此前已登记" in plain.ok("setup", as_="sw-registrar").output
    assert (plain.root / "stations" / "1.yaml").read_text(encoding="utf-8").startswith("station: 1\nname: 补设\n")


def _case(actions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema_version": 1, "id": "SW-20261126-001", "registration": {"first_unit": "SW"}, "actions": actions}


def _act(ident: str, at: str, code: str = "note") -> dict[str, Any]:
    return {"id": ident, "at": at, "action": code, "actor": "x", "unit": "SW", "data": {}}


def test_merge_keeps_each_side_in_order_and_is_the_same_from_both_sides() -> None:
    reg, route = _act("r", DAY, "register"), _act("a-route", DAY, "route_self")
    # Same second everywhere (a fixed clock): each side's own order is kept, never re-sorted.
    ours = [reg, route, _act("z-1", DAY), _act("a-2", DAY)]
    theirs = [reg, route, _act("m-1", "2026-11-26T09:00:00+08:00")]
    merged = merge_actions(ours, theirs, "X")
    assert [a["id"] for a in merged] == ["r", "a-route", "m-1", "z-1", "a-2"]
    assert merge_actions(theirs, ours, "X") == merged
    with pytest.raises(MergeConflict, match="在两边内容不同"):
        merge_actions([reg, {**route, "data": {"note": "改"}}], [reg, route], "X")



def test_notice_numbers_and_archive_codes_never_collide_between_clones(tmp_path: Path) -> None:
    bare, first = central(tmp_path)
    sw1 = clone(bare, tmp_path / "sw1", "税务局大厅")
    sw2 = clone(bare, tmp_path / "sw2", "税务局东区分局")
    numbers: list[str] = []
    codes: list[str] = []
    for office in (first, sw1, sw2):  # all offline: nobody syncs until every office has worked
        case = office.register(now=DAY)
        office.ok("route", case, "--self", as_="sw-registrar", now=DAY)
        office.ok("conclude", case, *DECISION, as_="sw-handler", now=DAY)
        office.ok("reply", case, "--method", "邮寄", "--date", "2026-11-26", as_="sw-handler", now=DAY)
        office.ok("archive", case, as_="sw-archivist", now=DAY)
        shown = office.show(case)
        numbers += [n["number"] for n in shown["notices"] if n["number"]]
        codes.append(shown["archive"]["code"])
    assert sorted(numbers) == sorted(set(numbers)), numbers
    assert len(set(codes)) == 3, codes
    assert "税社争受〔2026〕1号" in numbers and "税社争受〔2026〕1000001号" in numbers and "税社争受〔2026〕2000001号" in numbers
    for office in (first, sw1, sw2, first, sw1):
        office.ok("sync")
    assert first.head() == sw1.head()


def test_every_copy_limits_the_memory_git_maps_for_packs(tmp_path: Path) -> None:
    # unlimited, git log and cat-file over a large store's pack grew past 1 GB resident
    from disputectl.record.gitcmd import PACK_MEMORY

    bare, first = central(tmp_path, hook=True)
    cloned = clone(bare, tmp_path / "second", "第二副本")
    subprocess.run(["git", "clone", "--quiet", "--branch", "main", str(bare), str(tmp_path / "plain")], check=True)
    plain = Office(tmp_path / "plain")
    plain.ok("setup", "--name", "补设", as_="sw-registrar")
    for root in (first.root, cloned.root, plain.root, bare):  # the hub too, set up by verify --install-hook
        for key, value in PACK_MEMORY.items():
            assert git(root, "config", "--get", key).strip() == value, (root.name, key)


def test_doctor_gives_an_older_store_the_pack_memory_limits(tmp_path: Path) -> None:
    from disputectl.record.gitcmd import PACK_MEMORY

    _, first = central(tmp_path)
    for key in PACK_MEMORY:
        git(first.root, "config", "--unset", key)
    repaired = first.ok("doctor")
    assert "内存上限" in repaired.output
    for key, value in PACK_MEMORY.items():
        assert git(first.root, "config", "--get", key).strip() == value
    assert "内存上限" not in first.ok("doctor").output


def test_sync_as_an_officer_signs_its_merge_commit(tmp_path: Path) -> None:
    bare, _ = central(tmp_path, hook=True)
    a = clone(bare, tmp_path / "a", "甲")
    b = clone(bare, tmp_path / "b", "乙")
    a.register()
    a.ok("sync", as_="sw-registrar")
    b.register()
    b.ok("sync", as_="bgs-office")  # both sides moved: a merge, signed by the officer who synced
    parents = git(b.root, "log", "-1", "--format=%P").split()
    assert len(parents) == 2
    check = subprocess.run(["git", "-C", str(b.root), "verify-commit", "HEAD"], capture_output=True, text=True)
    assert check.returncode == 0 and "bgs-office@bgs.disputectl.invalid" in check.stderr, check.stderr
    assert b.ok("verify").exit_code == 0
