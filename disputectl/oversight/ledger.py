"""工作台账: one row per case, written as .xlsx or .csv (atomically: a failed write leaves no file)."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from disputectl.errors import DisputeError, ValidationError
from disputectl.oversight.common import (
    ROUTING,
    TRIAGE,
    Record,
    late_now,
    officer_name,
    registered_on,
)
from disputectl.oversight.due import category_name
from disputectl.record.session import Session
from disputectl.rules.amend import current_registration
from disputectl.rules.derive import AFTERCARE_CLOCKS
from disputectl.rules.registration import payer_kind_label
from disputectl.rules.validation import mask_identifier, mask_phone
from disputectl.rules.workflow import ACTIONS, STATUSES

# (header, column width in characters); the dates are date values, shown as yyyy-mm-dd
LEDGER_COLUMNS: tuple[tuple[str, int], ...] = (
    ("案件编号", 18), ("受理日期", 12), ("来访方式", 10), ("缴费人类型", 10),
    ("缴费人", 28), ("证件号码", 22), ("联系电话", 16), ("争议类别", 24),
    ("属地", 10), ("首问单位", 12), ("首问责任人", 16), ("反映事项", 40),
    ("诉求", 40), ("流转方式", 18), ("当前状态", 16), ("当前承办单位", 14),
    ("梳理类型", 12), ("办结日期", 12), ("处理意见", 40), ("回复日期", 12),
    ("送达方式", 10), ("是否超期", 8), ("超期工作日", 10), ("异议", 30),
    ("归档日期", 12), ("档号", 30), ("回访", 24),
)
LEDGER_HEADERS = tuple(header for header, _ in LEDGER_COLUMNS)


def ledger_rows(s: Session, today: date, *, start: date | None = None, end: date | None = None,
                unseal: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                records: list[Record] | None = None) -> Iterator[dict[str, Any]]:
    """One row per case registered in ``start``..``end`` (all when omitted), oldest first.

    Rows are produced one at a time straight from the index, so a ledger of 100,000 cases
    never sits in memory whole. ``unseal`` (``services.revealer``): personal data in full.
    """
    if records is None:
        s.index.refresh()
        source: Iterable[Record] = s.index.iter_case_states(
            "registered_on BETWEEN ? AND ?", ((start or date.min).isoformat(), (end or date.max).isoformat()),
            order="registered_on, id")
    else:
        source = sorted(records, key=lambda r: (registered_on(r[0]), r[0]["id"]))
    for case, state in source:
        registered = registered_on(case)
        if start and registered < start or end and registered > end:
            continue
        yield _ledger_row(s, unseal(case) if unseal else case, state, today, registered, unseal is not None)


def _ledger_row(s: Session, case: dict[str, Any], state: dict[str, Any], today: date, registered: date,
                reveal: bool) -> dict[str, Any]:
    reg = current_registration(case)
    payer = reg["payer"]
    routing = next((a for a in case["actions"] if a["action"] in ROUTING), None)
    route = ""
    if routing is not None:
        route = ROUTING[routing["action"]]
        if routing["action"] == "route_transfer":
            route += f"（{s.config.unit_label(routing['data'].get('to_unit'))}）"
    decision, reply, closure, archive = state["decision"], state["reply"], state["closure"], state["archive"]
    late = _case_late_workdays(s, state, today)
    return {
        "案件编号": case["id"], "受理日期": registered, "来访方式": reg["channel"],
        "缴费人类型": payer_kind_label(payer["kind"]), "缴费人": payer["name"],
        "证件号码": payer["id_number"] if reveal else mask_identifier(payer["id_number"]),
        "联系电话": reg["phone"] if reveal else mask_phone(reg["phone"]),
        "争议类别": f"{reg['category']} {category_name(s, reg['category'])}",
        "属地": s.config.regions.get(reg["region"], reg["region"]),
        "首问单位": s.config.unit_label(reg["first_unit"]), "首问责任人": officer_name(s, reg["first_officer"]),
        "反映事项": reg["matter"], "诉求": reg["request"], "流转方式": route,
        "当前状态": STATUSES[state["status"]], "当前承办单位": s.config.unit_label(state["unit"]),
        "梳理类型": TRIAGE.get(state["triage"] or "", ""),
        "办结日期": _date(decision["date"] if decision else closure["date"] if closure else None),
        "处理意见": decision["decision"] if decision else
        f"{ACTIONS[closure['action']].label}：{closure['reason']}" if closure else "",
        "回复日期": _date(reply["date"] if reply else None), "送达方式": reply["method"] if reply else "",
        "是否超期": "是" if late else "否", "超期工作日": late,
        "异议": "；".join(f"{o['date']} {o['channel']}（{o['body']}）" for o in state["objections"]),
        "归档日期": _date(archive["date"] if archive else None), "档号": (archive or {}).get("code", ""),
        "回访": "；".join(f"{f['date']} {f['method']} {f['result']}" for f in state.get("followups", [])),
    }


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _case_late_workdays(s: Session, state: dict[str, Any], today: date) -> int:
    """Days beyond the limits over the case's stages; parallel 书面意见 count once (the longest)."""
    total, opinions = 0, 0
    for clock in state["clocks"]:
        if clock["name"] in AFTERCARE_CLOCKS:
            continue
        late = int(clock["late"] or 0) if clock["stopped"] else late_now(s, clock, today)
        if clock["name"].startswith("opinion:"):
            opinions = max(opinions, late)
        else:
            total += late
    return total + opinions


def write_ledger(rows: Iterable[dict[str, Any]], path: Path, fmt: str, *, title: str = "工作台账") -> int:
    """Write the ledger; returns the number of rows written."""
    written = [0]

    def counted() -> Iterator[dict[str, Any]]:
        for row in rows:
            written[0] += 1
            yield row

    if fmt == "xlsx":
        _atomic_write(path, lambda tmp: _write_xlsx(counted(), tmp, title))
    elif fmt == "csv":
        _atomic_write(path, lambda tmp: _write_csv(counted(), tmp))
    else:
        raise ValidationError(f"导出格式“{fmt[:10]}”无效，可用：xlsx、csv。")
    return written[0]


def _write_xlsx(rows: Iterable[dict[str, Any]], path: Path, title: str) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.cell.cell import ERROR_CODES  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    book = Workbook(write_only=True)  # streams rows to the file instead of keeping every cell
    sheet = book.create_sheet(title[:31])
    for index, (_, width) in enumerate(LEDGER_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, centred = Font(bold=True), Alignment(horizontal="center", vertical="center")
    header = []
    for name in LEDGER_HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.alignment = bold, centred
        header.append(cell)
    sheet.append(header)
    count = 1
    # Plain values let openpyxl reuse one cell object for a whole row (a cell object per value
    # was most of the time of a ledger of 100,000 cases); dates get "yyyy-mm-dd" from openpyxl.
    # Text that Excel would read as a formula or an error value gets a cell of its own, as text.
    for row in rows:
        values: list[Any] = []
        for header_name in LEDGER_HEADERS:
            value = row[header_name]
            if isinstance(value, str) and (value[:1] == "=" or value[:1] == "#" and value in ERROR_CODES):
                value = WriteOnlyCell(sheet, value=value)
                value.data_type = "s"  # text a payer typed is never a formula
            values.append(value)
        sheet.append(values)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(LEDGER_COLUMNS))}{count}"
    book.save(path)


def _write_csv(rows: Iterable[dict[str, Any]], path: Path) -> None:
    import csv

    # UTF-8 with BOM so Excel opens the Chinese text; text that Excel would run as a formula is quoted.
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(LEDGER_HEADERS)
        for row in rows:
            writer.writerow([_csv_cell(row[h]) for h in LEDGER_HEADERS])


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write to a temporary file beside ``path`` and swap it in: a reader never sees half a file.

    A file that cannot be written (no such folder, no permission, a read-only or full disk …)
    ends in one message naming the cause; nothing of it is left behind and a file that was
    there before is kept as it was.
    """
    path = path.expanduser()
    tmp: Path | None = None
    try:
        _check_place(path)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        write(tmp)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        if not _of_output(path, exc.filename):
            raise  # some other file (the store, a template) failed: not a problem of the output
        raise _write_error(path, exc) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


def _check_place(path: Path) -> None:
    if path.is_dir():
        raise ValidationError(f"“{path}”是文件夹，请给出文件名。")
    if not path.parent.is_dir():
        if path.parent.exists():
            raise ValidationError(f"“{path.parent}”不是文件夹，无法在其中保存“{path.name}”。")
        raise ValidationError(f"文件夹“{path.parent}”不存在。")


def check_outside_store(path: Path, store_root: Path, what: str, how: str) -> None:
    """A file for people to print or fill in is not written into the store's own folder: it
    would lie there untracked (and, revealed, with full personal data) in every later git status."""
    try:
        inside = path.expanduser().resolve().is_relative_to(store_root.resolve())
    except OSError:
        return
    if inside:
        raise ValidationError(f"{what}不写在案件库的文件夹（{store_root}）中：{how}。")


def check_writable(path: Path) -> None:
    """Refuse at once a file that could not be written there, before work that is recorded (a
    look at full personal data) is done for it; the write itself still reports what goes wrong."""
    path = path.expanduser()
    _check_place(path)
    try:  # a file made and removed: permissions, a read-only disk, a folder that takes no files
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise _write_error(path, exc) from None


def _of_output(path: Path, filename: object) -> bool:
    """Whether an error about ``filename`` is one of writing ``path`` (it, its temporary twin, its folder)."""
    if filename is None:  # a write or a flush that names no file: the file being written
        return True
    if not isinstance(filename, str | bytes | os.PathLike):
        return False
    named = Path(os.fsdecode(filename))
    return path.parent in (named, named.parent)


def _write_error(path: Path, exc: OSError) -> DisputeError:
    """What keeps ``path`` from being written, for the officer; a different path helps with most."""
    folder, code = path.parent, exc.errno
    if code == errno.ENOENT:
        if folder.is_dir():
            return ValidationError(f"不能在文件夹“{folder}”中新建文件，请换一个文件夹保存“{path.name}”。")
        return ValidationError(f"文件夹“{folder}”不存在。")
    if code == errno.ENOTDIR:
        return ValidationError(f"“{path}”中有一级不是文件夹，请检查路径。")
    if code == errno.EISDIR:
        return ValidationError(f"“{path}”是文件夹，请给出文件名。")
    if code == errno.ENAMETOOLONG:
        return ValidationError(f"文件名或路径过长：“{path.name[:60]}”，请换一个较短的名称。")
    if code in (errno.EACCES, errno.EPERM):
        return DisputeError(f"没有权限写入“{path}”（文件夹“{folder}”不允许本用户保存文件，或同名文件受保护），请换一个文件夹。")
    if code == errno.EROFS:
        return DisputeError(f"无法写入“{path}”：所在的磁盘或文件夹是只读的，请换一个位置。")
    if code in (errno.ENOSPC, errno.EDQUOT):
        return DisputeError(f"无法写入“{path}”：磁盘空间不足（或存储配额已满），请清理空间或换一个位置；未留下不完整的文件。")
    if code in (errno.EIO, errno.EREMOTEIO):
        return DisputeError(f"无法写入“{path}”：磁盘读写出错（可能是移动存储被拔出或网络盘断开），请检查后重试。")
    reason = exc.strerror or type(exc).__name__
    name = errno.errorcode.get(code, "") if code is not None else ""
    return DisputeError(f"无法写入“{path}”：{reason}" + (f"（{name}）" if name else "") + "。")


def write_text(path: Path, text: str) -> None:
    _atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes(path: Path, content: bytes) -> None:
    """``content`` written to ``path`` as a whole or not at all (readable by its owner only)."""
    _atomic_write(path, lambda tmp: tmp.write_bytes(content))
