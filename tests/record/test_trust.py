"""Who acted, proven: signed commits, admin-only rules, dates and recorded files.

Each exploit is made with plain git, as someone with push access would make it; ``verify``
names the commit and the reason, and the installed pre-receive hook refuses the push.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EMPLOYER, commit_by_hand, field_args, git, head, invoke

from disputectl.record.store_files import case_files_dir, case_path, dump_yaml
from disputectl.trust.keys import keys_dir


@pytest.fixture
def hub(store: Path, tmp_path: Path) -> Path:
    """A bare remote with the pre-receive hook, holding the store's history so far."""
    bare = tmp_path / "hub.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    assert invoke("verify", "--install-hook", str(bare)).exit_code == 0
    git(store, "remote", "add", "origin", str(bare))
    push = subprocess.run(["git", "-C", str(store), "push", "-q", "origin", "main"], capture_output=True, text=True)
    assert push.returncode == 0, push.stderr
    return bare


def violations(store: Path) -> list[dict[str, str]]:
    result = invoke("verify", "--store", str(store), "--json")
    import json

    return json.loads(result.stdout)["violations"]


def refused_push(store: Path, ref: str = "main") -> str:
    push = subprocess.run(["git", "-C", str(store), "push", "-q", "origin", ref], capture_output=True, text=True)
    assert push.returncode != 0, "the hook let it through"
    assert "推送被拒绝" in push.stderr, push.stderr
    return push.stderr


def signed_by_hand(store: Path, officer: str, files: dict[str, bytes | None], message: str, email: str) -> str:
    """A commit made with plain git and signed with ``officer``'s own key (``git commit -S``)."""
    for rel, content in files.items():
        target = store / rel
        if rel.startswith("cases/"):
            git(store, "sparse-checkout", "add", rel.rsplit("/", 1)[0])
        target.parent.mkdir(parents=True, exist_ok=True)
        assert content is not None
        target.write_bytes(content)
        git(store, "add", "--sparse", "--", rel)
    git(store, "-c", f"user.name={officer}", "-c", f"user.email={email}", "-c", "gpg.format=ssh",
        "-c", f"user.signingkey={keys_dir() / officer}", "commit", "-q", "-S", "--no-verify", "-m", message)
    return head(store)


def case_file(store: Path, case: str) -> dict[str, Any]:
    return yaml.safe_load(git(store, "show", f"main:{case_path(case)}"))


def trailers(case: str, action: str, actor: str, unit: str, action_id: str) -> str:
    return f"\n\nCase: {case}\nAction: {action}\nActor: {actor}\nUnit: {unit}\nAction-Id: {action_id}\n"


def test_the_tools_commits_verify_with_plain_git(cli: Callable[..., Any], store: Path,
                                                 register: Callable[..., str]) -> None:
    case = register()
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    for rev in ("HEAD", "HEAD~1", "HEAD~2"):
        check = subprocess.run(["git", "-C", str(store), "verify-commit", rev], capture_output=True, text=True)
        assert check.returncode == 0 and 'Good "git" signature' in check.stderr, check.stderr
    shown = git(store, "log", "--show-signature", "-1")
    assert "sw-registrar@sw.disputectl.invalid" in shown


def test_acting_without_the_officers_key_is_refused_with_the_way_to_set_it_up(
        cli: Callable[..., Any], store: Path, register: Callable[..., str]) -> None:
    case = register()
    (keys_dir() / "sw-registrar").rename(keys_dir() / "sw-registrar.away")
    try:
        before = head(store)
        result = cli("route", case, "--self", as_="sw-registrar")
        assert result.exit_code == 3
        assert "本机没有" in result.stderr and "disputectl key init --as sw-registrar" in result.stderr
        assert head(store) == before
    finally:
        (keys_dir() / "sw-registrar.away").rename(keys_dir() / "sw-registrar")


def test_a_hand_made_approval_in_the_leaders_name_is_reported_and_refused(
        cli: Callable[..., Any], store: Path, register: Callable[..., str], hub: Path) -> None:
    case = register()
    data = case_file(store, case)
    data["actions"].append({"id": "20261126100500-deadbeef", "at": "2026-11-26T10:05:00+08:00", "action": "approve",
                            "actor": "leader", "unit": "BGS", "data": {}})
    sha = commit_by_hand(store, {case_path(case): dump_yaml(data, case=True)},
                         "批准" + trailers(case, "approve", "leader", "BGS", "20261126100500-deadbeef"),
                         author="领导组组长（样例） <leader@bgs.disputectl.invalid>")
    found = violations(store)
    assert {"commit": sha[:10], "case": case, "reason": "提交没有签名（不是用 disputectl 办理的，可能是手工 git commit）"} in found
    assert sha[:10] in refused_push(store)


def test_a_commit_signed_with_another_officers_key_is_reported(
        cli: Callable[..., Any], store: Path, register: Callable[..., str], hub: Path) -> None:
    case = register()
    data = case_file(store, case)
    data["actions"].append({"id": "20261126100500-deadbeef", "at": "2026-11-26T10:00:00+08:00", "action": "note",
                            "actor": "leader", "unit": "BGS", "data": {"body": "同意"}})
    sha = signed_by_hand(store, "sw-registrar", {case_path(case): dump_yaml(data, case=True)},
                         "备注" + trailers(case, "note", "leader", "BGS", "20261126100500-deadbeef"),
                         "leader@bgs.disputectl.invalid")
    assert any(v["commit"] == sha[:10] and "签名不是 领导组组长（样例）（leader）当时登记的密钥" in v["reason"]
               for v in violations(store))
    assert sha[:10] in refused_push(store)


def _config_with(store: Path, old: str, new: str) -> bytes:
    text = (store / "disputectl.yaml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode()


@pytest.mark.parametrize("change", ["grant leader", "reveal roles", "december off", "no merge driver"])
def test_rules_changed_around_the_admin_commands_are_reported_and_refused(
        cli: Callable[..., Any], store: Path, hub: Path, change: str) -> None:
    if change == "grant leader":
        files = {"disputectl.yaml": _config_with(store, "  roles:\n  - handler\n", "  roles:\n  - handler\n  - leader\n")}
    elif change == "reveal roles":
        files = {"disputectl.yaml": _config_with(store, "reveal_roles:\n  - office\n", "reveal_roles:\n  - handler\n  - office\n")}
    elif change == "december off":
        files = {"calendar/2026.yaml": b"year: 2026\nholidays:\n  - {from: 2026-12-01, to: 2026-12-31, name: all}\n"}
    else:
        files = {".gitattributes": b"*.yaml text eol=lf\n"}
    # signed, even, by a real officer with a real key: still not an admin change
    sha = signed_by_hand(store, "sw-handler", files, "调整" + "\n\nAction: admin\nActor: sw-handler\nUnit: SW\n",
                         "sw-handler@sw.disputectl.invalid")
    reasons = [v["reason"] for v in violations(store) if v["commit"] == sha[:10]]
    assert any("不是系统管理员" in r for r in reasons), reasons
    assert sha[:10] in refused_push(store)


def test_a_grant_reverted_right_after_still_leaves_the_grant_reported(
        cli: Callable[..., Any], store: Path, hub: Path) -> None:
    original = (store / "disputectl.yaml").read_bytes()
    grant = commit_by_hand(store, {"disputectl.yaml": _config_with(store, "  roles:\n  - handler\n",
                                                                   "  roles:\n  - handler\n  - leader\n")})
    revert = commit_by_hand(store, {"disputectl.yaml": original})
    flagged = {v["commit"] for v in violations(store)}
    assert {grant[:10], revert[:10]} <= flagged


def test_roles_and_officers_by_admin_commands_take_effect_from_the_next_commit(
        cli: Callable[..., Any], store: Path, register: Callable[..., str], hub: Path, tmp_path: Path) -> None:
    assert cli("officer", "roles", "sw-handler", "--set", "handler,registrar", as_="sw-handler").exit_code == 3
    assert cli("officer", "roles", "sw-handler", "--set", "handler,registrar", as_="bgs-admin").exit_code == 0
    case = register(as_="sw-handler")
    assert case
    assert violations(store) == []
    assert subprocess.run(["git", "-C", str(store), "push", "-q", "origin", "main"]).returncode == 0


def test_the_last_admin_cannot_be_removed(cli: Callable[..., Any], store: Path) -> None:
    before = head(store)
    for args in (("officer", "disable", "bgs-admin"), ("officer", "roles", "bgs-admin", "--set", "office")):
        result = cli(*args, as_="bgs-admin")
        assert result.exit_code == 2 and "最后一位系统管理员" in result.stderr
    assert head(store) == before


def test_config_changes_keep_the_comments_and_reach_git(cli: Callable[..., Any], store: Path) -> None:
    text = (store / "disputectl.yaml").read_text(encoding="utf-8")
    assert text.startswith("# disputectl 案件库配置")
    assert cli("config", "set", "clocks.handle", "20", as_="bgs-admin").exit_code == 0
    after = (store / "disputectl.yaml").read_text(encoding="utf-8")
    assert after == text.replace("  handle: 15\n", "  handle: 20\n")
    assert git(store, "show", "HEAD:disputectl.yaml") == after
    assert git(store, "status", "--porcelain") == ""


def test_a_backdated_or_future_dated_action_is_reported(
        cli: Callable[..., Any], store: Path, register: Callable[..., str], hub: Path) -> None:
    case = register()
    data = case_file(store, case)
    data["actions"].append({"id": "20200101100000-deadbeef", "at": "2020-01-01T10:00:00+08:00", "action": "note",
                            "actor": "sw-registrar", "unit": "SW", "data": {"body": "早就办了"}})
    sha = signed_by_hand(store, "sw-registrar", {case_path(case): dump_yaml(data, case=True)},
                         "备注" + trailers(case, "note", "sw-registrar", "SW", "20200101100000-deadbeef"),
                         "sw-registrar@sw.disputectl.invalid")
    reasons = [v["reason"] for v in violations(store) if v["commit"] == sha[:10]]
    assert any("早于本案上一项操作" in r for r in reasons), reasons
    assert any("相差过大" in r for r in reasons), reasons
    assert sha[:10] in refused_push(store)


def test_a_fixed_clock_works_only_in_a_demo_store(tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "real"), "--admin", "bgs-wang", "--name", "王管理")
    assert result.exit_code == 2
    assert "DISPUTECTL_NOW" in result.stderr and not (tmp_path / "real").exists()


def test_an_overwritten_notice_is_reported_refused_and_not_archived(
        cli: Callable[..., Any], store: Path, register: Callable[..., str], hub: Path) -> None:
    case = register()
    notice = case_file(store, case)["actions"][0]["notices"][0]["path"]
    sha = commit_by_hand(store, {notice: b"forged"})
    assert any(v["commit"] == sha[:10] and f"改动或删除了已记录的文件 {notice}" in v["reason"] for v in violations(store))
    assert sha[:10] in refused_push(store)
    assert cli("withdraw", case, "--reason", "撤回", "--date", "2026-11-26", as_="sw-registrar").exit_code == 0
    before = head(store)
    result = cli("archive", case, as_="sw-archivist")
    assert result.exit_code == 6 and "校验值不符" in result.stderr
    assert head(store) == before


def test_a_symlink_in_a_case_folder_is_reported(
        cli: Callable[..., Any], store: Path, register: Callable[..., str], hub: Path) -> None:
    case = register()
    folder = store / case_files_dir(case)
    git(store, "sparse-checkout", "add", case_files_dir(case))
    (folder / "passwd").symlink_to("/etc/passwd")
    git(store, "add", "--sparse", "--", f"{case_files_dir(case)}/passwd")
    git(store, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--no-verify", "-m", "链接")
    sha = head(store)
    assert any(v["commit"] == sha[:10] and "不是普通文件" in v["reason"] for v in violations(store))
    assert sha[:10] in refused_push(store)


def test_refs_other_than_main_are_refused(store: Path, hub: Path) -> None:
    git(store, "tag", "v1")
    assert "只接受主分支 main" in refused_push(store, "v1")
    git(store, "branch", "side")
    assert "只接受主分支 main" in refused_push(store, "side")


def test_a_real_store_starts_with_its_admin_who_adds_officers_with_their_keys(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPUTECTL_NOW")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "admin-machine"))
    store = tmp_path / "cases"
    result = invoke("init", str(store), "--admin", "bgs-wang", "--name", "王管理")
    assert result.exit_code == 0, result.output
    # the new officer makes a key on their own machine and hands over the public key
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "clerk-machine"))
    result = invoke("key", "init", "--as", "sw-zhang")
    assert result.exit_code == 0 and "ssh-ed25519 " in result.stdout
    public = tmp_path / "clerk-machine" / "disputectl" / "keys" / "sw-zhang.pub"
    assert oct((public.parent / "sw-zhang").stat().st_mode & 0o777) == "0o600"
    # a clerk cannot register themself; the admin can
    result = invoke("officer", "add", "sw-zhang", "--name", "张明", "--unit", "SW", "--roles", "registrar",
                    "--file", str(public), "--store", str(store), "--as", "sw-zhang")
    assert result.exit_code == 3
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "admin-machine"))
    result = invoke("officer", "add", "sw-zhang", "--name", "张明", "--unit", "SW", "--roles", "registrar",
                    "--file", str(public), "--store", str(store), "--as", "bgs-wang")
    assert result.exit_code == 0, result.output
    # the admin's machine does not hold the clerk's key: it cannot act as the clerk
    result = invoke("register", *field_args(EMPLOYER), "--no-input", "--store", str(store), "--as", "sw-zhang")
    assert result.exit_code == 3 and "本机没有" in result.stderr
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "clerk-machine"))
    result = invoke("register", *field_args(EMPLOYER), "--no-input", "--store", str(store), "--as", "sw-zhang")
    assert result.exit_code == 0, result.output
    assert violations(store) == []
    check = subprocess.run(["git", "-C", str(store), "verify-commit", "HEAD"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_a_paper_form_entered_late_is_recorded_with_both_dates(
        cli: Callable[..., Any], store: Path, register: Callable[..., str]) -> None:
    case = register(now="2026-11-26T10:00:00+08:00")
    env = {"DISPUTECTL_NOW": "2026-12-03T09:00:00+08:00"}
    result = cli("route", case, "--self", "--occurred", "2026-11-27", as_="sw-registrar", env=env)
    assert result.exit_code == 0, result.output
    action = case_file(store, case)["actions"][-1]
    assert (action["at"], action["occurred"]) == ("2026-12-03T09:00:00+08:00", "2026-11-27")
    handle = next(c for c in case_file(store, case)["state"]["clocks"] if c["name"] == "handle")
    assert handle["start"] == "2026-11-27"  # counted from the day it happened, not the day it was entered
    assert "补录，发生于 2026-11-27" in cli("show", case, env={**env, "COLUMNS": "250"}).stdout
    assert "【补录，发生于 2026-11-27】" in cli("log", case, env={**env, "COLUMNS": "250"}).stdout
    assert violations(store) == []
    before = head(store)
    for day, word in (("2026-12-04", "之后"), ("2026-11-25", "上一项操作")):
        result = cli("note", case, "--body", "x", "--occurred", day, as_="bgs-office", env=env)
        assert result.exit_code == 2 and word in result.stderr, result.output
    assert head(store) == before


def test_an_action_under_a_hand_made_grant_leaves_the_grant_and_its_revert_reported(
        cli: Callable[..., Any], store: Path, hub: Path) -> None:
    original = (store / "disputectl.yaml").read_bytes()
    grant = commit_by_hand(store, {"disputectl.yaml": _config_with(store, "  roles:\n  - handler\n",
                                                                   "  roles:\n  - handler\n  - registrar\n")})
    result = cli("register", *field_args(EMPLOYER), "--no-input", as_="sw-handler")  # uses the grant
    assert result.exit_code == 0, result.output
    revert = commit_by_hand(store, {"disputectl.yaml": original})
    found = violations(store)
    assert any(v["commit"] == grant[:10] and "不是系统管理员" in v["reason"] for v in found)
    assert any(v["commit"] == revert[:10] for v in found)
    assert grant[:10] in refused_push(store)


def test_a_commit_dated_in_the_future_is_reported_and_refused(
        cli: Callable[..., Any], store: Path, register: Callable[..., str], hub: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    case = register()
    data = case_file(store, case)
    data["actions"].append({"id": "20300101100000-deadbeef", "at": "2030-01-01T10:00:00+08:00", "action": "note",
                            "actor": "sw-registrar", "unit": "SW", "data": {"body": "未来"}})
    with monkeypatch.context() as dated:
        dated.setenv("GIT_COMMITTER_DATE", "2030-01-01T10:00:00+08:00")
        dated.setenv("GIT_AUTHOR_DATE", "2030-01-01T10:00:00+08:00")
        sha = signed_by_hand(store, "sw-registrar", {case_path(case): dump_yaml(data, case=True)},
                             "备注" + trailers(case, "note", "sw-registrar", "SW", "20300101100000-deadbeef"),
                             "sw-registrar@sw.disputectl.invalid")
    assert any(v["commit"] == sha[:10] and "在未来" in v["reason"] for v in violations(store))
    assert "在未来" in refused_push(store)


def test_a_second_history_with_its_own_unsigned_root_is_reported_and_refused(store: Path, hub: Path) -> None:
    """A root commit whose config has no keys would make everything after it 'from before
    signing': a second root, and a merge of histories with nothing in common, are refused."""
    text = (store / "disputectl.yaml").read_text(encoding="utf-8")
    keyless = "\n".join(line for line in text.splitlines() if "key: ssh-ed25519" not in line) + "\n"
    git(store, "checkout", "-q", "--orphan", "forged")
    commit_by_hand(store, {"disputectl.yaml": keyless.encode()}, "建立案件库\n\nAction: init\nActor: disputectl\nUnit: -\n")
    git(store, "checkout", "-q", "main")
    git(store, "-c", "user.name=t", "-c", "user.email=t@t", "merge", "-q", "--no-edit", "--allow-unrelated-histories",
        "-s", "ours", "forged")
    reasons = [v["reason"] for v in violations(store)]
    assert any("另起了一段历史" in r for r in reasons) and any("另起的一段历史" in r for r in reasons), reasons
    assert "另起的一段历史" in refused_push(store)


def test_a_disabled_officer_cannot_come_back_through_an_older_copy(
        cli: Callable[..., Any], store: Path, register: Callable[..., str], hub: Path, tmp_path: Path) -> None:
    case = register()
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    assert subprocess.run(["git", "-C", str(store), "push", "-q", "origin", "main"]).returncode == 0
    old_copy = tmp_path / "old-copy"
    assert invoke("clone", str(hub), str(old_copy), "--as", "sw-registrar").exit_code == 0
    assert cli("officer", "disable", "sw-handler", as_="bgs-admin").exit_code == 0
    assert cli("sync", as_="bgs-admin").exit_code == 0
    # the old copy has not heard of it: the tool there lets the handler conclude …
    result = invoke("conclude", case, "--facts", "查明", "--basis", "条例", "--decision", "维持", "--store", str(old_copy),
                    "--as", "sw-handler")
    assert result.exit_code == 0, result.output
    # … but the server refuses it, and verify names it once both histories meet
    pushed = invoke("sync", "--store", str(old_copy), "--as", "sw-registrar")
    assert pushed.exit_code != 0 and "已停用或更换" in pushed.output, pushed.output
    git(store, "fetch", "-q", str(old_copy), "main:refs/remotes/old/main")
    git(store, "-c", "user.name=t", "-c", "user.email=t@t", "merge", "-q", "--no-edit", "refs/remotes/old/main")
    assert any("已停用的身份" in v["reason"] for v in violations(store))


def test_an_action_records_only_the_notices_it_issues(
        cli: Callable[..., Any], store: Path, register: Callable[..., str], hub: Path) -> None:
    case = register()
    assert cli("route", case, "--self", as_="sw-registrar").exit_code == 0
    data = case_file(store, case)
    forged = b"forged notice"
    import hashlib

    path = f"{case_files_dir(case)}/文书/社争结〔2026〕1号 处理结果告知书.docx"
    data["actions"].append({"id": "20261126100500-deadbeef", "at": "2026-11-26T10:00:00+08:00", "action": "note",
                            "actor": "bgs-office", "unit": "BGS", "data": {"body": "备注"},
                            "notices": [{"kind": "result", "number": "社争结〔2026〕1号", "path": path,
                                         "sha256": hashlib.sha256(forged).hexdigest()}]})
    sha = signed_by_hand(store, "bgs-office", {case_path(case): dump_yaml(data, case=True), path: forged},
                         "备注" + trailers(case, "note", "bgs-office", "BGS", "20261126100500-deadbeef"),
                         "bgs-office@bgs.disputectl.invalid")
    assert any(v["commit"] == sha[:10] and "不出具result" in v["reason"] for v in violations(store))
    assert sha[:10] in refused_push(store)


@pytest.mark.parametrize("trick", ["station removed", "mailmap", "empty action"])
def test_signed_commits_that_are_no_legal_change_are_reported(store: Path, hub: Path, trick: str) -> None:
    if trick == "station removed":
        files: dict[str, bytes | None] = {"stations/5.yaml": b"station: 5\n"}
        message = "登记站点\n\nAction: station\nActor: sw-handler\nUnit: SW\nStation: 5\n"
        signed_by_hand(store, "sw-handler", files, message, "sw-handler@sw.disputectl.invalid")
        git(store, "rm", "-q", "--sparse", "stations/5.yaml")
        git(store, "-c", "user.name=sw-handler", "-c", "user.email=sw-handler@sw.disputectl.invalid",
            "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys_dir() / 'sw-handler'}", "commit", "-q", "-S",
            "-m", message)
        expected = "只能新增一个站点"
    elif trick == "mailmap":
        signed_by_hand(store, "sw-handler", {".mailmap": b"leader <sw-handler@sw.disputectl.invalid>\n"},
                       "查看\n\nCase: -\nAction: reveal\nActor: sw-handler\nUnit: SW\n", "sw-handler@sw.disputectl.invalid")
        expected = "不该改动的文件"
    else:
        git(store, "-c", "user.name=sw-handler", "-c", "user.email=sw-handler@sw.disputectl.invalid",
            "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys_dir() / 'sw-handler'}", "commit", "-q", "-S",
            "--allow-empty", "-m", "组长同意\n\nCase: SW-20261126-001\nAction: approve\nActor: sw-handler\nUnit: SW\n")
        expected = "没有改动任何案件文件"
    sha = head(store)
    assert any(v["commit"] == sha[:10] and expected in v["reason"] for v in violations(store)), violations(store)
    assert sha[:10] in refused_push(store)


def test_calendar_add_keeps_what_the_year_already_has(cli: Callable[..., Any], store: Path) -> None:
    assert cli("calendar", "add", "2027", "--holiday", "2027-01-01:2027-01-03:元旦", "--workday", "2027-02-20:春节调休",
               as_="bgs-admin").exit_code == 0
    assert cli("calendar", "add", "2027", "--holiday", "2027-10-01:2027-10-07:国庆节", as_="bgs-admin").exit_code == 0
    year = yaml.safe_load((store / "calendar" / "2027.yaml").read_text(encoding="utf-8"))
    assert [h["name"] for h in year["holidays"]] == ["元旦", "国庆节"]
    assert [w["name"] for w in year["workdays"]] == ["春节调休"]


def test_an_admins_typing_mistake_is_named_as_such_in_chinese(cli: Callable[..., Any], store: Path) -> None:
    before = head(store)
    result = cli("config", "set", "clocks.handel", "20", as_="bgs-admin")
    assert result.exit_code == 2 and "修改后的配置有误，未做改动" in result.stderr
    assert "handel" in result.stderr and "was unexpected" not in result.stderr and "可用" in result.stderr
    result = cli("config", "set", "clocks.handle", "0", as_="bgs-admin")
    assert result.exit_code == 2 and "1 至 365" in result.stderr
    assert head(store) == before
