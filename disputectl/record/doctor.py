"""Find and repair what an interrupted action can leave behind; say what was done.

The record itself (the branch in git) is always whole: an action either moved the branch or
it did not. What can be left over is around it: git lock files, half-written temporary files,
working-tree copies that lag behind the branch, and a derived index behind HEAD.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from disputectl.record.gitcmd import PACK_MEMORY, config_get, limit_pack_memory
from disputectl.record.gitstore import (
    hand_edits,
    recover_interrupted,
    restore_from_head,
    worktree_differences,
)
from disputectl.record.index import unreadable_message

if TYPE_CHECKING:
    from disputectl.record.gitstore import GitStore
    from disputectl.record.session import Session


def run_doctor(s: Session) -> list[str]:
    """Repairs made, in Chinese; an empty list means nothing needed doing."""
    done: list[str] = []
    with s.git.lock():
        done += recover_interrupted(s.git)
        leftovers = sorted(p for p in s.root.rglob(".*.tmp") if ".git" not in p.parts)
        for path in leftovers:
            path.unlink(missing_ok=True)
            done.append(f"删除了写到一半的临时文件 {path.relative_to(s.root)}")
        changes = worktree_differences(s.git, ".")
        tracked = [path for status, path in changes if status != "??"]
        if tracked:
            restore_from_head(s.git, tracked)
            done.append(f"按 git 记录恢复了 {len(tracked)} 个与记录不一致的工作区文件：" + "、".join(tracked[:5])
                        + ("…" if len(tracked) > 5 else ""))
        elif changes:
            restore_from_head(s.git, [])
        if changes:
            # A file the branch has but the index lacked shows as untracked until the restore.
            changes = worktree_differences(s.git, ".")
        untracked = [path for status, path in changes if status == "??" and not path.endswith(".tmp")]
        for name in untracked:
            done.append(f"发现不在记录中的文件 {name}：doctor 没有删除它。若是误放的，请移走或删除；"
                        "若是要入卷的材料，请用相应的办理命令附上（文件本身不会进入记录）")
        if any(config_get(s.root, key) != value for key, value in PACK_MEMORY.items()):
            limit_pack_memory(s.root)  # a store made by an earlier version
            done.append("为 git 设置了读取打包文件的内存上限（大的案件库读取历史时不再占用过多内存）")
    outcome = s.index.refresh()
    if outcome != "current":
        done.append("派生索引落后于记录或已损坏，已" + ("追上最新提交" if outcome == "incremental" else "重建"))
    unread = s.index.unreadable()
    if unread:  # committed content, not an interrupted operation's leftover: named, not touched
        done.append("发现" + unreadable_message(
            unread, "doctor 无法修复（记录本身有误，不是中断操作的遗留）；列表和督办清单中没有它们，统计、导出和报告在修复前拒绝执行"))
    return done


def set_aside_hand_edits(root: Path, now: datetime) -> list[str]:
    """Rules files edited by hand: the edits are kept (copied under ``.git/disputectl-手工修改/``)
    and the files put back as committed. Committed configuration is never thrown away. Runs
    before the store is opened: a hand edit may have broken the config."""
    from disputectl.record.gitstore import GitStore
    from disputectl.record.session import HAND_EDIT_HELP

    git = GitStore(root)
    with git.lock():
        return _set_aside(git, root, now, HAND_EDIT_HELP)


def _set_aside(git: GitStore, root: Path, now: datetime, help_text: str) -> list[str]:
    edited = hand_edits(git)
    if not edited:
        return []
    folder = git.git_dir() / "disputectl-手工修改" / now.strftime("%Y%m%d-%H%M%S")
    for _, path in edited:
        source = root / path
        if source.is_file():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    added = [path for status, path in edited if status == "??"]
    for path in added:
        (root / path).unlink(missing_ok=True)
    restore_from_head(git, [path for status, path in edited if status != "??"])
    names = "、".join(path for _, path in edited)
    return [f"发现规则文件的手工修改（{names}）：已另存到 {folder.relative_to(root)}，并恢复为记录中的版本；"
            f"确需修改请用命令重新办理：{help_text}"]
