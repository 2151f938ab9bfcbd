"""案卷归档: the 卷内文件目录, the 备考表, the case's history and a checksum manifest."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from disputectl.documents.notices import KINDS, format_date_cn, render_docx
from disputectl.documents.pages import page_counts
from disputectl.documents.registration_form import TITLE as FORM_TITLE
from disputectl.documents.registration_form import render_form
from disputectl.errors import StoreError
from disputectl.record.gitstore import iter_tree_files
from disputectl.record.store_files import case_files_dir, case_path, recorded_files
from disputectl.rules.amend import current_registration
from disputectl.rules.workflow import ACTIONS

if TYPE_CHECKING:
    from disputectl.record.session import Session

ARCHIVE_FOLDER = "归档"
MANIFEST = "校验清单.sha256"
HISTORY = "案件经过.txt"
# the case file as it stood when archived (it then gains the archive action, which records this
# package's checksums, so the live file cannot be listed in the manifest it vouches for)
CASE_RECORD = "案件记录.yaml"
FORM = f"{FORM_TITLE}.docx"  # the 受理登记表 the index's first row stands for


@dataclass
class _Item:
    """One row of the 卷内文件目录 and the file behind it (None: an electronic record only)."""

    row: dict[str, str]
    path: str | None


def _unit_name(s: Session, unit: str) -> str:
    return s.config.units[unit].name if unit in s.config.units else unit


def _day(action: dict[str, Any]) -> date:
    from disputectl.rules.derive import action_day

    return action_day(action)


def _item(path: str | None, author: str, title: str, day: date, number: str = "", remark: str = "") -> _Item:
    # DA/T 22: dates in the 8-digit form (20261126), which fits the column on one line
    return _Item({"seq": "", "doc_number": number, "author": author, "title": title,
                  "date": day.strftime("%Y%m%d"), "pages": "", "remark": remark}, path)


# written opinions and the meeting's minutes exist only in the case record: listed as electronic
# records (their text is in the case record and the 案件经过 kept with the archive)
_RECORD_TITLES = {"submit_opinion": "书面意见", "amend_opinion": "修改后的书面意见", "convene": "联席会议纪要"}
E_RECORD = "电子记录"


def _index_items(s: Session, case: dict[str, Any], folder: str) -> list[_Item]:
    registered = _day(case["actions"][0])
    items = [_item(f"{folder}/{FORM}", _unit_name(s, case["registration"]["first_unit"]), FORM_TITLE, registered)]
    voided = set(case.get("state", {}).get("voided") or [])
    for action in case["actions"]:
        for notice in action.get("notices", []):
            if notice["kind"] not in KINDS or KINDS[notice["kind"]].prefix is None:
                continue
            items.append(_item(notice["path"], _unit_name(s, action["unit"]), KINDS[notice["kind"]].title,
                               date.fromisoformat(action["at"][:10]), notice["number"] or ""))
        if action["action"] in _RECORD_TITLES and action["id"] not in voided:
            data = action.get("data", {})
            day = date.fromisoformat(data["date"]) if action["action"] == "convene" else _day(action)
            items.append(_item(None, _unit_name(s, action["unit"]), _RECORD_TITLES[action["action"]], day,
                               remark=E_RECORD))
    for att in case["registration"]["attachments"]:
        items.append(_item(att.get("path"), current_registration(case)["payer"]["name"],
                           f"缴费人提交材料：{att['name']}", registered, remark="附件"))
    for action in case["actions"]:
        for att in action.get("attachments", []):
            label = ACTIONS[action["action"]].label if action["action"] in ACTIONS else action["action"]
            items.append(_item(att["path"], _unit_name(s, action["unit"]), f"{label}材料：{att['name'].split('-', 2)[-1]}",
                               _day(action), remark="附件"))
    for seq, item in enumerate(items, 1):
        item.row["seq"] = str(seq)
    return items


def _paginate(items: list[_Item], counts: Mapping[str, int | None]) -> int | None:
    """页号 (GB/T 9705 卷内文件目录): the page each document starts on in the volume, the last one
    its first and last page (起止页号); electronic records and recordings fill no page. From the
    first document whose pages are not known on, the 页号 is left blank to be written by hand.
    Returns the volume's pages when every one is known."""
    page, last = 1, None
    for item in items:
        if item.path is None:
            continue
        pages = counts.get(item.path)
        if pages is None:
            return None
        if pages == 0:
            continue
        item.row["pages"] = str(page)
        last = (item, page, page + pages - 1)
        page += pages
    if last is not None and last[2] > last[1]:
        last[0].row["pages"] = f"{last[1]}-{last[2]}"
    return page - 1


def _index_rows(s: Session, case: dict[str, Any]) -> list[dict[str, str]]:
    """The rows as listed, without 页号 (previews; the archived index holds the measured ones)."""
    return [item.row for item in _index_items(s, case, f"{case_files_dir(case['id'])}/{ARCHIVE_FOLDER}")]


def archive_contexts(s: Session, case: dict[str, Any], state: dict[str, Any],
                     rows: list[dict[str, str]] | None = None, pages: int | None = None) -> dict[str, dict[str, Any]]:
    archive = state.get("archive") or {}
    code = archive.get("code") or "（归档时编定）"
    officer = s.config.officers.get(archive.get("archivist") or s.officer_id or "")
    name = officer.name if officer else "（立卷人）"
    checker = s.config.officers.get(archive.get("checked_by") or "")
    if rows is None:
        rows = _index_rows(s, case)
    reg = current_registration(case)
    size = f"共{len(rows)}件{f'、{pages}页' if pages else ''}"
    records = "书面意见、联席会议纪要以电子记录列入目录；" if any(r["remark"] == E_RECORD for r in rows) else ""
    summary = (f"本卷为{reg['payer']['name']}{s.config.categories[reg['category']].name}争议案件（{case['id']}）材料，"
               f"{size}，包括受理登记、流转、办理、回复等文书及案件办理记录；{records}"
               f"案件记录及全部操作经过以电子形式随卷保存，并附SHA-256校验清单。")
    remark = "无" if pages is not None else \
        "卷内文件页号未能自动计算（未安装 LibreOffice，或有文件无法排版计页），请按纸质件编写页号后填入卷内文件目录。"
    when = format_date_cn(date.fromisoformat(archive["date"]) if archive.get("date") else s.today)
    common = {"case_id": case["id"], "archive_code": code}
    return {
        "archive_index": {**common, "rows": rows},
        # no checker named: the line is left blank to be signed, never filled with the 立卷人
        "archive_note": {**common, "case_summary": summary, "archivist": name, "archived_date": when,
                         "checked_by": checker.name if checker else "", "remark": remark},
    }


def _history_text(s: Session, case: dict[str, Any]) -> bytes:
    from disputectl.rules.views import timeline_entry

    lines = [f"案件 {case['id']} 办理经过（依据案件记录中的操作列表）", ""]
    for action in case["actions"]:
        t = timeline_entry(action, s.config)
        lines.append(f"{t['at']}  {t['action_label']}  {t['actor_name']}（{t['unit_name']}）  {t['summary']}")
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
    from disputectl.rules.views import timeline_entry

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
             f"{t['at']}  {t['action_label']}  {t['actor_name']}（{t['unit_name']}）  {t['summary']}",
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
    existing = _checked_files(s, case, head, folder)
    form = {f"{folder}/{FORM}": render_form(case, s.config, s.root)}  # masked: the archive is in every copy
    items = _index_items(s, case, folder)
    wanted = {item.path for item in items if item.path}
    pages = _paginate(items, page_counts({p: c for p, c in {**existing, **form}.items() if p in wanted}))
    contexts = archive_contexts(s, case, case["state"], [item.row for item in items], pages)
    files: dict[str, bytes] = {
        **form,
        f"{folder}/卷内文件目录.docx": render_docx("archive_index", contexts["archive_index"], s.root),
        f"{folder}/备考表.docx": render_docx("archive_note", contexts["archive_note"], s.root),
        f"{folder}/{HISTORY}": _history_text(s, case),
        f"{folder}/{CASE_RECORD}": s.git.read_file(head, case_path(case["id"])) or b"",
    }
    everything = {**existing, **files}
    manifest = "".join(f"{hashlib.sha256(content).hexdigest()}  {path.split('/', 4)[-1]}\n"
                       for path, content in sorted(everything.items()))
    files[f"{folder}/{MANIFEST}"] = manifest.encode("utf-8")
    entry = case["actions"][-1]
    entry["notices"] = [
        {"kind": kind, "number": None, "path": path, "sha256": hashlib.sha256(files[path]).hexdigest()}
        for kind, path in (("registration_form", f"{folder}/{FORM}"),
                           ("archive_index", f"{folder}/卷内文件目录.docx"), ("archive_note", f"{folder}/备考表.docx"),
                           ("history", f"{folder}/{HISTORY}"), ("case_record", f"{folder}/{CASE_RECORD}"),
                           ("manifest", f"{folder}/{MANIFEST}"))
    ]
    from disputectl.rules.derive import derive_state

    case["state"] = derive_state(case, s.config, s.calendar)
    return dict(files)
