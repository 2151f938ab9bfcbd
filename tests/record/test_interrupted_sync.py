"""A sync killed in the middle of its merge: the next command, or doctor, puts it right at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import git
from test_sync import DECISION, Office, central, clone


def interrupted_merge(tmp_path: Path) -> tuple[Office, Office, str]:
    """Two clones that both acted on one case; the second's sync died inside `git merge`,
    leaving MERGE_HEAD and git's index.lock behind (what kill -9 of its process group leaves)."""
    bare, _ = central(tmp_path)
    one, two = clone(bare, tmp_path / "one", "一"), clone(bare, tmp_path / "two", "二")
    case = one.register()
    one.ok("route", case, "--self", as_="sw-registrar")
    one.ok("sync"), two.ok("sync")
    one.ok("conclude", case, *DECISION, as_="sw-handler", now="2026-11-27T10:00:00+08:00")
    one.ok("sync")
    two.ok("note", case, "--body", "来电", as_="bgs-office", now="2026-11-27T11:00:00+08:00")
    git(two.root, "fetch", "-q", "origin")
    git(two.root, "-c", "user.name=t", "-c", "user.email=t@t", "merge", "-q", "--no-ff", "--no-commit", "origin/main")
    assert (two.root / ".git" / "MERGE_HEAD").exists()
    (two.root / ".git" / "index.lock").write_text("")
    return one, two, case


def assert_clean(office: Office) -> None:
    for name in ("MERGE_HEAD", "index.lock"):
        assert not (office.root / ".git" / name).exists(), name


def test_the_next_sync_abandons_the_unfinished_merge_and_syncs(tmp_path: Path) -> None:
    one, two, case = interrupted_merge(tmp_path)
    result = two.ok("sync", now="2026-11-27T12:00:00+08:00")
    assert "未完成合并" in result.stderr and "不能自动合并" not in result.output
    assert_clean(two)
    one.ok("sync")
    assert one.head() == two.head()
    assert [t["action"] for t in two.show(case)["timeline"]] == ["register", "route_self", "conclude", "note"]
    two.ok("verify")


def test_doctor_puts_it_right_and_says_what_it_found(tmp_path: Path) -> None:
    _, two, _ = interrupted_merge(tmp_path)
    result = two.ok("doctor")
    assert "未完成合并" in result.stdout and "index.lock" in result.stdout
    assert "未删除" not in result.stdout and "恢复了" not in result.stdout  # no misleading second story
    assert_clean(two)
    assert "无需修复" in two.ok("doctor").stdout
    two.ok("sync", now="2026-11-27T12:00:00+08:00")


@pytest.mark.parametrize("command", ["note"])
def test_any_action_recovers_first_and_says_so(tmp_path: Path, command: str) -> None:
    _, two, case = interrupted_merge(tmp_path)
    result = two.ok(command, case, "--body", "再次来电", as_="bgs-office", now="2026-11-27T12:00:00+08:00")
    assert "未完成合并" in result.stderr
    assert_clean(two)
    two.ok("sync", now="2026-11-27T12:10:00+08:00")
    two.ok("verify")
