"""案卷归档: the 卷内文件目录, the 备考表, the case's history and a checksum manifest."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING, Any

from disputectl.documents.notices import KINDS, format_date_cn, render_docx
from disputectl.documents.registration_form import TITLE as FORM_TITLE
from disputectl.documents.registration_form import render_form
from disputectl.errors import StoreError
from disputectl.record.gitstore import iter_tree_files
from disputectl.record.store_files import case_files_dir, recorded_files
from disputectl.rules.amend import current_registration
from disputectl.rules.workflow import ACTIONS

if TYPE_CHECKING:
    from disputectl.record.session import Session

ARCHIVE_FOLDER = "归档"
MANIFEST = "校验清单.sha256"
HISTORY = "案件经过.txt"
FORM = f"{FORM_TITLE}.docx"  # the 受理登记表 the index's first row stands for


def _index_rows(s: Session, case: dict[str, Any]) -> list[dict[str, str]]:
    rows = [{
        "seq": "1", "doc_number": "", "author": s.config.units[case["registration"]["first_unit"]].name,
        "title": FORM_TITLE, "date": format_date_cn(date.fromisoformat(case["actions"][0]["at"][:10])),
        "pages": "1", "remark": "",
    }]
    for action in case["actions"]:
        for notice in action.get("notices", []):
            if notice["kind"] not in KINDS or KINDS[notice["kind"]].prefix is None:
                continue
            rows.append({
                "seq": str(len(rows) + 1), "doc_number": notice["number"] or "",
                "author": s.config.units[action["unit"]].name if action["unit"] in s.config.units else action["unit"],
                "title": KINDS[notice["kind"]].title, "date": format_date_cn(date.fromisoformat(action["at"][:10])),
                "pages": "1", "remark": "",
            })
    for att in case["registration"]["attachments"]:
        rows.append({"seq": str(len(rows) + 1), "doc_number": "", "author": current_registration(case)["payer"]["name"],
                     "title": f"缴费人提交材料：{att['name']}", "date": format_date_cn(date.fromisoformat(case["actions"][0]["at"][:10])),
                     "pages": "1", "remark": "附件"})
    for action in case["actions"]:
        for att in action.get("attachments", []):
            label = ACTIONS[action["action"]].label if action["action"] in ACTIONS else action["action"]
            rows.append({"seq": str(len(rows) + 1), "doc_number": "",
                         "author": s.config.units[action["unit"]].name if action["unit"] in s.config.units else action["unit"],
                         "title": f"{label}材料：{att['name'].split('-', 2)[-1]}",
                         "date": format_date_cn(date.fromisoformat(action["at"][:10])), "pages": "1", "remark": "附件"})
    return rows


def archive_contexts(s: Session, case: dict[str, Any], state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    archive = state.get("archive") or {}
    code = archive.get("code") or "（归档时编定）"
    officer = s.config.officers.get(archive.get("archivist") or s.officer_id or "")
    name = officer.name if officer else "（立卷人）"
    rows = _index_rows(s, case)
    reg = current_registration(case)
    summary = (f"本卷为{reg['payer']['name']}{s.config.categories[reg['category']].name}争议案件（{case['id']}）材料，"
               f"共{len(rows)}件，包括受理登记、流转、办理、回复等文书及案件办理记录；"
               f"案件记录及全部操作经过以电子形式随卷保存，并附SHA-256校验清单。")
    when = format_date_cn(date.fromisoformat(archive["date"]) if archive.get("date") else s.today)
    common = {"case_id": case["id"], "archive_code": code}
    return {
        "archive_index": {**common, "rows": rows},
        "archive_note": {**common, "case_summary": summary, "archivist": name, "archived_date": when,
                         "checked_by": archive.get("checked_by") or name, "remark": "无"},
    }


def _history_text(s: Session, case: dict[str, Any]) -> bytes:
    from disputectl.rules.views import describe_data, timeline_entry

    lines = [f"案件 {case['id']} 办理经过（依据案件记录中的操作列表）", ""]
    for action in case["actions"]:
        t = timeline_entry(action, s.config)
        lines.append(f"{t['at']}  {t['action_label']}  {t['actor_name']}（{t['unit_name']}）  {describe_data(t['data'], s.config)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _checked_files(s: Session, case: dict[str, Any], head: str | None, folder: str) -> dict[str, bytes]:
    """The case's files at ``head``, refused if any recorded one was altered or removed."""
    existing = dict(iter_tree_files(s.git, head, case_files_dir(case["id"]) + "/"))
    recorded = recorded_files(case)
    altered = sorted(path for path, content in existing.items()
                     if path in recorded and hashlib.sha256(content).hexdigest() != recorded[path])
    missing = sorted(path for path in recorded if path not in existing and not path.startswith(folder + "/"))
    if altered or missing:
        names = "、".join(p.rsplit("/", 1)[-1] for p in altered + missing)
        raise StoreError(f"本案的文件与案件记录中的校验值不符（{names}），可能已被改动或删除，不能归档：请运行 disputectl verify 查明，"
                         "并联系领导组办公室核处。")
    return existing


SUPPLEMENT_NOTE = "补充归档说明.txt"


def supplement_package(s: Session, case: dict[str, Any], head: str | None) -> dict[str, bytes | None]:
    """补充归档: an entry recorded after archiving (an objection, its outcome) gets a supplement of
    its own beside the archive — its lines of the 卷内文件目录 and 备考表, and a checksum manifest
    of the whole case folder as it now is. What was archived before is never changed."""
    from disputectl.rules.views import describe_data, timeline_entry

    actions = case["actions"]
    archived_at = max(i for i, a in enumerate(actions) if a["action"] == "archive")
    number = sum(1 for a in actions[archived_at + 1:] if a.get("notices")) + 1
    # named by the entry's own id: two offices adding a supplement at once never write the same
    # path (their records merge entry by entry, their folders side by side)
    folder = f"{case_files_dir(case['id'])}/{ARCHIVE_FOLDER}/补充-{actions[-1]['id']}"
    existing = _checked_files(s, case, head, folder)
    entry = actions[-1]
    t = timeline_entry(entry, s.config)
    archive = case["state"]["archive"] or {}
    day = t["occurred"] or t["at"][:10]
    lines = [f"补充归档（第 {number} 次）", f"案件编号：{case['id']}　档号：{archive.get('code', '')}", "",
             "卷内文件目录（补充）", f"序号 {number}　责任者 {t['unit_name']}　题名 {t['action_label']}　日期 {day.replace('-', '')}",
             "", "备考表（补充）",
             f"{t['at']}  {t['action_label']}  {t['actor_name']}（{t['unit_name']}）  {describe_data(t['data'], s.config)}",
             "", f"本次补充不改动此前归档的任何材料；此前材料的校验值见 {ARCHIVE_FOLDER}/{MANIFEST}。"]
    files: dict[str, bytes] = {f"{folder}/{SUPPLEMENT_NOTE}": ("\n".join(lines) + "\n").encode("utf-8")}
    everything = {**existing, **files}
    files[f"{folder}/{MANIFEST}"] = "".join(f"{hashlib.sha256(content).hexdigest()}  {path.split('/', 4)[-1]}\n"
                                            for path, content in sorted(everything.items())).encode("utf-8")
    entry["notices"] = [
        {"kind": kind, "number": None, "path": path, "sha256": hashlib.sha256(files[path]).hexdigest()}
        for kind, path in (("supplement_note", f"{folder}/{SUPPLEMENT_NOTE}"), ("supplement_manifest", f"{folder}/{MANIFEST}"))
    ]
    return dict(files)


def build_package(s: Session, case: dict[str, Any], head: str | None) -> dict[str, bytes | None]:
    """Files added by the archive action; their entries are recorded on that action."""
    folder = f"{case_files_dir(case['id'])}/{ARCHIVE_FOLDER}"
    contexts = archive_contexts(s, case, case["state"])
    files: dict[str, bytes] = {
        f"{folder}/{FORM}": render_form(case, s.config, s.root),  # masked: the archive is in every copy
        f"{folder}/卷内文件目录.docx": render_docx("archive_index", contexts["archive_index"], s.root),
        f"{folder}/备考表.docx": render_docx("archive_note", contexts["archive_note"], s.root),
        f"{folder}/{HISTORY}": _history_text(s, case),
    }
    existing = _checked_files(s, case, head, folder)
    everything = {**existing, **files}
    manifest = "".join(f"{hashlib.sha256(content).hexdigest()}  {path.split('/', 4)[-1]}\n"
                       for path, content in sorted(everything.items()))
    files[f"{folder}/{MANIFEST}"] = manifest.encode("utf-8")
    entry = case["actions"][-1]
    entry["notices"] = [
        {"kind": kind, "number": None, "path": path, "sha256": hashlib.sha256(files[path]).hexdigest()}
        for kind, path in (("registration_form", f"{folder}/{FORM}"),
                           ("archive_index", f"{folder}/卷内文件目录.docx"), ("archive_note", f"{folder}/备考表.docx"),
                           ("history", f"{folder}/{HISTORY}"), ("manifest", f"{folder}/{MANIFEST}"))
    ]
    from disputectl.rules.derive import derive_state

    case["state"] = derive_state(case, s.config, s.calendar)
    return dict(files)
