"""The git merge driver for case files: two offices' histories of one case merge entry by entry.

git calls it (``.gitattributes``: ``cases/**/*.yaml merge=disputectl-case``) as
``python -m disputectl.record.merge %O %A %B %P`` when both sides changed a case file:

- the registration must be identical on both sides;
- the actions are the union by ``id``; actions both sides already share keep their order and
  the new ones of each side are interleaved by (``at``, ``id``), each side keeping its own order,
  so the result is the same whichever side merges;
- the state is derived again from the merged list with the store's config and calendar, and the
  file written in canonical form.

Two actions that contradict each other (both sides changed the status from the same status)
are both kept: the replay applies the earlier and lists the later under the derived state's
``conflicts``, and the case waits for the office (see ``derive.apply_action``). Only files that
cannot be the same case (different registration, one action id with two contents, unreadable
YAML) are left to git as a conflict, with the reason on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from disputectl.errors import DisputeError
from disputectl.record.store_files import parse_case, serialize_case
from disputectl.rules.calendar import WorkCalendar
from disputectl.rules.config import Config
from disputectl.rules.derive import derive_state
from disputectl.rules.numbering import CASE_ID_RE

DRIVER_NAME = "disputectl-case"
ATTRIBUTES_LINE = f"cases/**/*.yaml merge={DRIVER_NAME}"


class MergeConflict(DisputeError):
    """Two versions of a case file that cannot be merged entry by entry."""


def _key(action: dict[str, Any]) -> tuple[datetime, str]:
    return datetime.fromisoformat(action["at"]), action["id"]


def _interleave(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    i = j = 0
    while i < len(left) and j < len(right):
        if _key(left[i]) <= _key(right[j]):
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    return out + left[i:] + right[j:]


def _segments(actions: list[dict[str, Any]], shared: set[str]) -> list[list[dict[str, Any]]]:
    """The side's own actions between consecutive shared ones (one list more than shared ones)."""
    parts: list[list[dict[str, Any]]] = [[]]
    for action in actions:
        if action["id"] in shared:
            parts.append([])
        else:
            parts[-1].append(action)
    return parts


def merge_actions(ours: list[dict[str, Any]], theirs: list[dict[str, Any]], case_id: str) -> list[dict[str, Any]]:
    their_by_id = {a["id"]: a for a in theirs}
    shared_ours = [a for a in ours if a["id"] in their_by_id]
    shared_ids = {a["id"] for a in shared_ours}
    if [a["id"] for a in shared_ours] != [a["id"] for a in theirs if a["id"] in shared_ids]:
        raise MergeConflict(f"案件 {case_id} 两边共有的操作记录顺序不同，不能自动合并。")
    for action in shared_ours:
        if action != their_by_id[action["id"]]:
            raise MergeConflict(f"案件 {case_id} 的操作记录 {action['id']} 在两边内容不同（记录被改动过），不能自动合并。")
    merged: list[dict[str, Any]] = []
    for k, (mine, other) in enumerate(zip(_segments(ours, shared_ids), _segments(theirs, shared_ids), strict=True)):
        if k:
            merged.append(shared_ours[k - 1])
        merged.extend(_interleave(mine, other))
    return merged


def merge_cases(ours: dict[str, Any], theirs: dict[str, Any], config: Config, calendar: WorkCalendar) -> dict[str, Any]:
    case_id = str(ours.get("id"))
    if ours.get("id") != theirs.get("id") or ours.get("schema_version") != theirs.get("schema_version"):
        raise MergeConflict(f"两边的案件文件不是同一个案件（{case_id} / {theirs.get('id')}），不能自动合并。")
    if ours["registration"] != theirs["registration"]:
        raise MergeConflict(f"案件 {case_id} 两边的受理登记信息不同，不能自动合并。")
    case = {k: v for k, v in ours.items() if k != "state"}
    case["actions"] = merge_actions(ours["actions"], theirs["actions"], case_id)
    case["state"] = derive_state(case, config, calendar)
    return case


def merge_case_bytes(ours: bytes, theirs: bytes, config: Config, calendar: WorkCalendar, *, path: str) -> bytes:
    """The merged file; raises MergeConflict when the two cannot be merged entry by entry."""
    if ours == theirs:
        return ours
    from disputectl.errors import ValidationError

    try:
        mine = parse_case(ours, source=f"{path}（本方）")
        other = parse_case(theirs, source=f"{path}（对方）")
    except ValidationError as exc:
        raise MergeConflict(str(exc)) from None
    return serialize_case(merge_cases(mine, other, config, calendar))


def is_case_file(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 5 and parts[0] == "cases" and path.endswith(".yaml") and bool(CASE_ID_RE.match(parts[-1][:-5]))


def main(argv: Sequence[str]) -> int:
    """git's entry point: merge ``%A`` with ``%B`` (base ``%O``) in place; 0 when clean."""
    if len(argv) != 4:
        print("用法：python -m disputectl.record.merge %O %A %B %P", file=sys.stderr)
        return 2
    from disputectl.record.gitcmd import merge_file, show_toplevel

    base, ours, theirs, path = argv
    root = show_toplevel(Path.cwd())
    if not is_case_file(path):
        # Any other YAML under cases/ (inside a case's folder) merges line by line as usual.
        return 0 if merge_file(root, Path(ours), Path(base), Path(theirs)) else 1
    try:
        from disputectl.record.store_files import load_calendar, load_config_file

        config = load_config_file(root)
        calendar = load_calendar(root / "calendar")
        merged = merge_case_bytes(Path(ours).read_bytes(), Path(theirs).read_bytes(), config, calendar, path=path)
    except DisputeError as exc:
        print(f"disputectl：{path} 不能自动合并：{exc}", file=sys.stderr)
        return 1
    Path(ours).write_bytes(merged)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
