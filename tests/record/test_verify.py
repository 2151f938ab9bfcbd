"""``disputectl verify`` and its pre-receive hook: hand-made commits are found and refused."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from conftest import check_out, git
from test_sync import DECISION, Office, central, clone

from disputectl.record.session import load_case, open_session
from disputectl.record.store_files import case_path, serialize_case
from disputectl.rules.derive import derive_state
from disputectl.services import new_action_id

NOW = datetime.fromisoformat("2026-11-27T09:00:00+08:00")


@pytest.fixture
def office(tmp_path: Path) -> tuple[Path, Office, dict[str, str]]:
    """A central store guarded by the hook, one office, a case in hand (P) and an archived one (Q)."""
    bare, _ = central(tmp_path, hook=True)
    office = clone(bare, tmp_path / "office", "税务局大厅")
    p, q = office.register(), office.register()
    office.ok("route", p, "--self", as_="sw-registrar")
    office.ok("route", q, "--self", as_="sw-registrar")
    office.ok("conclude", q, *DECISION, as_="sw-handler")
    office.ok("reply", q, "--method", "直接送达", "--date", "2026-11-26", as_="sw-handler")
    office.ok("archive", q, as_="sw-archivist")
    assert "送出：7 个提交，涉及 2 个案件" in office.ok("sync").output  # a legitimate push passes the hook
    assert remote_head(bare) == office.head()
    return bare, office, {"P": p, "Q": q}


def remote_head(bare: Path) -> str:
    return git(bare, "rev-parse", "refs/heads/main").strip()


def plain_commit(root: Path, message: str, *, name: str = "某人", email: str = "someone@example.invalid") -> str:
    git(root, "-c", f"user.name={name}", "-c", f"user.email={email}", "commit", "-qam", message)
    return git(root, "rev-parse", "--short=10", "HEAD").strip()


def edit_status(office: Office, case: str) -> str:
    path = check_out(office.root, case_path(case))
    path.write_text(path.read_text(encoding="utf-8").replace("status: handling", "status: concluded"), encoding="utf-8")
    return plain_commit(office.root, "改为已办结")


def conclude_for_another_unit(office: Office, case: str) -> str:
    """A crafted action: 人社局's handler concludes 税务局's case; file, state and trailers all look right."""
    s = open_session(office.root, now=NOW)
    record = load_case(s, case)
    entry = {"id": new_action_id(NOW), "at": NOW.isoformat(), "action": "conclude", "actor": "rs-handler",
             "unit": "RS", "data": {"facts": "查明", "basis": "依据", "decision": "撤销原核定"}}
    record["actions"].append(entry)
    record["state"] = derive_state(record, s.config, s.calendar)
    check_out(office.root, case_path(case)).write_bytes(serialize_case(record))
    trailers = f"Case: {case}\nAction: conclude\nActor: rs-handler\nUnit: RS\nAction-Id: {entry['id']}"
    return plain_commit(office.root, f"办结 {case}\n\n{trailers}", name="人社局承办员（样例）",
                        email="rs-handler@rs.disputectl.invalid")


def touch_archived(office: Office, case: str) -> str:
    path = check_out(office.root, case_path(case))
    path.write_text(path.read_text(encoding="utf-8").replace("对2026年度缴费基数核定有异议", "对缴费金额有异议"),
                    encoding="utf-8")
    return plain_commit(office.root, "更正反映事项")


@pytest.mark.parametrize(("tamper", "which", "reason"), [
    (edit_status, "P", "案件文件中的状态与操作记录推演的结果不一致（记录为“已办结待回复”，按操作记录应为“单位办理中”）"),
    (conclude_for_another_unit, "P", "操作不合法：人社局承办员（样例）（人社局，承办人员）无权办结"),
    (touch_archived, "Q", "案件已归档，之后不能再改动"),
], ids=["status-edited", "wrong-unit", "archived-touched"])
def test_hand_made_commit_is_reported_and_refused_by_the_hook(office: tuple[Path, Office, dict[str, str]],
                                                             tamper: object, which: str, reason: str) -> None:
    bare, shop, cases = office
    before = remote_head(bare)
    sha = tamper(shop, cases[which])  # type: ignore[operator]

    result = shop.run("verify")
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith(sha)]
    assert lines and any(line.startswith(f"{sha} {cases[which]} ") and reason in line for line in lines), result.stdout
    assert "发现" in result.output

    report = json.loads(shop.run("verify", "--since", "HEAD~1", "--json").stdout)
    assert report["checked"] == 1 and not report["ok"]
    assert any(v["commit"] == sha and reason in v["reason"] for v in report["violations"])

    push = subprocess.run(["git", "-C", str(shop.root), "push", "origin", "main"], capture_output=True, text=True)
    assert push.returncode != 0
    assert "推送被拒绝" in push.stderr and reason in push.stderr and sha in push.stderr
    assert remote_head(bare) == before

    refused = shop.run("sync")
    assert refused.exit_code == 8 and "远端拒绝了推送" in refused.output and reason in refused.output
    assert remote_head(bare) == before


def test_clean_history_and_a_legitimate_push_pass(office: tuple[Path, Office, dict[str, str]]) -> None:
    bare, shop, cases = office
    assert shop.ok("verify").output.startswith("✔ 已核对 9 个提交，全部合规。")
    shop.ok("supervise", cases["P"], "--kind", "催办", "--body", "请尽快办结", as_="bgs-office")
    git(shop.root, "push", "--quiet", "origin", "main")
    assert remote_head(bare) == shop.head()
    report = json.loads(shop.ok("verify", "--since", "HEAD~1", "--json").stdout)
    assert report == {"checked": 1, "ok": True, "violations": [], "demo": True}  # a demo store says so


def test_install_hook_wants_a_bare_repository(tmp_path: Path) -> None:
    _, first = central(tmp_path)
    result = first.run("verify", "--install-hook", str(first.root))
    assert result.exit_code == 6 and "不是 git 裸仓库" in result.output
