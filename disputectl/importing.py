"""Bringing an office's 台账 (a spreadsheet of cases kept so far) into the store: ``disputectl import``.

Each row is checked by the same rules as a registration (``rules.registration``) and an import's
stage (``rules.imported``), every problem named with its row and column; a dry run only says
what would happen. With ``apply`` each good row becomes one case, one commit, through the same
``services.register`` a registration goes through (personal data sealed alike): registered by
the importing officer (首问责任人), on the original visit date as 补录, in the stage the row says.
A row already imported (its key in the index, also from another clone after sync) is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from disputectl.errors import PermissionDenied, ValidationError
from disputectl.record.session import Session
from disputectl.rules.imported import (
    DECISION_FIELDS,
    IMPORT_STAGES,
    STAGE_FIELD_LABELS,
    import_key,
    stage_label,
    stage_problems,
)
from disputectl.rules.registration import REGISTRATION_FIELDS, registration_problems
from disputectl.rules.workflow import STATUSES

# each field: its column header in the template first, then the headers a 台账 may use for it
COLUMNS: dict[str, tuple[str, ...]] = {
    "ref": ("原编号", "台账编号", "案件编号", "编号"),
    "payer_kind": ("缴费人类型", "类型"),
    "payer_name": ("缴费人名称或姓名", "缴费人名称", "缴费人姓名", "缴费人", "单位名称", "姓名", "名称"),
    "payer_id": ("统一社会信用代码或居民身份证号码", "证件号码", "统一社会信用代码", "社会信用代码", "居民身份证号码",
                 "身份证号码", "身份证号"),
    "contact_person": ("联系人",),
    "address": ("地址", "住址", "单位地址"),
    "phone": ("联系电话", "电话", "手机", "手机号码"),
    "visit_time": ("来访时间", "来访日期", "受理时间", "受理日期", "登记日期"),
    "channel": ("来访方式", "受理方式"),
    "matter": ("反映主要事项", "反映事项", "主要事项", "争议事项"),
    "request": ("诉求", "缴费人诉求"),
    "category": ("争议类别", "类别"),
    "region": ("属地区域", "区域", "属地"),
    "stage": ("当前环节", "办理环节", "办理状态", "状态"),
    "unit": ("承办单位",),
    "since": ("承办起始日期", "转办日期", "承办日期"),
    "concluded": ("办结日期",),
    "facts": ("查明事实",),
    "basis": ("处理依据",),
    "decision": ("处理意见", "处理结果"),
    "reply_method": ("送达方式", "回复方式"),
    "reply_date": ("送达日期", "回复日期"),
}
REQUIRED_COLUMNS = ("payer_kind", "payer_name", "payer_id", "address", "phone", "visit_time", "matter", "request",
                    "category", "region")
STAGE_FIELDS = ("stage", "unit", "since", "concluded", *DECISION_FIELDS, "reply_method", "reply_date")
DATE_FIELDS = ("since", "concluded", "reply_date")
SUFFIXES = (".xlsx", ".xlsm", ".csv")
MAX_ROWS = 20_000
_HEADER_SCAN = 10  # the header is one of the first rows (a title line may come before it)


@dataclass
class RowResult:
    row: int
    status: str  # new | created | exists | problem
    payer: str = ""
    stage: str = ""  # how the case would be or was imported, in words
    case_id: str | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    source: str
    applied: bool
    rows: list[RowResult]
    ignored_columns: list[str]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def has_problems(self) -> bool:
        return any(r.status == "problem" for r in self.rows)


@dataclass
class _Planned:
    result: RowResult
    fields: dict[str, Any]
    imported: dict[str, Any]
    visit: date


# -- reading the spreadsheet ---------------------------------------------------------------------

def _header_key(text: str) -> str:
    """A header as compared: full-width folded, spaces and required-marks (*) gone."""
    return re.sub(r"[\s*]", "", unicodedata.normalize("NFKC", text))


_BY_HEADER: dict[str, str] = {}
for _name, _headers in COLUMNS.items():
    for _header in _headers:
        _BY_HEADER.setdefault(_header_key(_header), _name)
for _name, _label in REGISTRATION_FIELDS.items():  # the registration's own labels, as register asks for them
    _BY_HEADER.setdefault(_header_key(_label), _name)


def column_of(header: str) -> str | None:
    key = _header_key(header)
    return _BY_HEADER.get(key) or _BY_HEADER.get(re.sub(r"\(.*\)$", "", key))


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The header row and the rows below it, each with its row number as the spreadsheet shows it."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ValidationError(f"“{name}”是旧版 Excel 文件（.xls）：请在 Excel 或 WPS 中另存为 .xlsx 后再导入。")
    if suffix not in SUFFIXES:
        raise ValidationError(f"“{name}”不是 .xlsx 或 .csv 文件：台账请另存为 Excel 工作簿（.xlsx）或 CSV 后导入。")
    if not path.is_file():
        raise ValidationError(f"找不到文件“{path}”。")
    try:
        content = path.read_bytes()
    except OSError:
        raise ValidationError(f"无法读取文件“{name}”。") from None
    if not content.strip():
        raise ValidationError(f"“{name}”是空文件，没有可导入的内容。")
    rows = _xlsx_rows(content, name) if suffix in (".xlsx", ".xlsm") else _csv_rows(content, name)
    for _ in range(_HEADER_SCAN):
        number, cells = next(rows, (0, []))
        if not number:
            break
        headers = [_cell_text(c) for c in cells]
        if sum(1 for h in headers if column_of(h) in REQUIRED_COLUMNS) >= 3:
            return headers, rows
    raise ValidationError(f"“{name}”中找不到表头行（前 {_HEADER_SCAN} 行中没有“缴费人名称或姓名”“联系电话”"
                          "“来访时间”等列名）：请用 disputectl import --template 生成的模板整理台账。")


def _xlsx_rows(content: bytes, name: str) -> Iterator[tuple[int, list[Any]]]:
    import io
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ValidationError(f"无法读取“{name}”：不是有效的 .xlsx 文件（可能已损坏，或只是改了扩展名）。") from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise ValidationError(f"“{name}”中没有工作表。")

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
        book.close()

    return rows()


def _csv_rows(content: bytes, name: str) -> Iterator[tuple[int, list[Any]]]:
    import csv

    text = None
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK (within GB18030)
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise ValidationError(f"无法读取“{name}”：不是 UTF-8 或 GBK 编码的 CSV 文本。")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text.splitlines(), dialect)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from enumerate(reader, start=1)
        except csv.Error:
            raise ValidationError(f"无法读取“{name}”：CSV 格式有误（第 {reader.line_num} 行）。") from None

    return rows()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                      r"(?:\s*[T ]?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})\s*秒?)?)?$")


def parse_cell_datetime(value: Any) -> datetime | None:
    """A date cell, or 2026-08-01, 2026/8/1, 2026年8月1日, 2026.8.1, each with or without a time."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    match = _DATE_RE.match(unicodedata.normalize("NFKC", str(value or "")).strip())
    if not match:
        return None
    y, m, d, hh, mm, ss = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(y, m, d, hh, mm, ss)
    except ValueError:
        return None


# -- one row ------------------------------------------------------------------------------------

def _row_values(headers: list[str], cells: list[Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The row's values by field, and the header each field was read from."""
    values: dict[str, Any] = {}
    where: dict[str, str] = {}
    for header, cell in zip(headers, cells, strict=False):
        name = column_of(header) if header else None
        if name and name not in values:
            values[name], where[name] = cell, header
    return values, where


def _by_name(value: str, names: dict[str, list[str]]) -> str:
    """A code typed as its code or one of its Chinese names (anything else as typed: reported)."""
    from disputectl.rules.filters import code_of

    return code_of(value, names) or value


def _plan_row(s: Session, number: int, headers: list[str], cells: list[Any], source: str) -> _Planned:
    values, where = _row_values(headers, cells)
    config = s.config
    officer = s.officer()
    problems: list[tuple[str, str]] = []
    text = {k: _cell_text(v) for k, v in values.items()}
    fields = {k: text[k] for k in REGISTRATION_FIELDS if text.get(k)}
    visit_at = parse_cell_datetime(values.get("visit_time"))
    if visit_at is not None:
        fields["visit_time"] = visit_at.strftime("%Y-%m-%d %H:%M")
    elif not text.get("visit_time"):
        problems.append(("visit_time", "请填写来访时间（原始受理日期，如 2026-08-01）"))
    if "category" in fields:
        fields["category"] = _by_name(fields["category"], {str(c.code): [c.name] for c in config.categories.values()})
    if "region" in fields:
        fields["region"] = _by_name(fields["region"], {code: [name] for code, name in config.regions.items()})
    registration, reg_problems = registration_problems(fields, config, now=s.now, officer_id=officer.id,
                                                       unit=officer.unit)
    problems += reg_problems
    visit = (datetime.fromisoformat(registration["visit_time"]).date() if registration
             else visit_at.date() if visit_at else date.min)
    if visit != date.min:
        from disputectl.services import earliest_import

        if visit < earliest_import(s.today):
            problems.append(("visit_time", f"来访日期 {visit} 早于 {earliest_import(s.today)}：只能导入三年以内受理的案件"))
    imported: dict[str, Any] = {"source": source, "row": number}
    if text.get("ref"):
        imported["ref"] = text["ref"][:100]
    stage = text.get("stage") or "registered"
    imported["stage"] = _by_name(stage, {code: [label] for code, label in STATUSES.items() if code in IMPORT_STAGES})
    if text.get("unit"):
        imported["unit"] = _by_name(text["unit"], {u.code: [u.name, u.short] for u in config.units.values()})
    elif imported["stage"] == "coordinating":
        imported["unit"] = config.office_unit
    for name in DATE_FIELDS:
        if text.get(name):
            parsed = parse_cell_datetime(values[name])
            imported[name] = parsed.date().isoformat() if parsed else text[name]
    if text.get("reply_method"):
        imported["reply_method"] = text["reply_method"]
    texts = {k: text[k] for k in DECISION_FIELDS if text.get(k)}
    problems += stage_problems(imported, texts, first_unit=officer.unit, visit_day=visit, entry_day=s.today,
                               config=config)
    result = RowResult(number, "new", payer=text.get("payer_name", "")[:40], stage=_describe_stage(s, imported))
    if registration is not None and not problems:
        imported["key"] = import_key(registration)
    result.problems = [_at(number, where, name, message) for name, message in problems]
    if result.problems:
        result.status = "problem"
    return _Planned(result, fields, {**imported, **texts}, visit)


def _at(number: int, where: dict[str, str], name: str, message: str) -> str:
    column = where.get(name) or STAGE_FIELD_LABELS.get(name) or COLUMNS.get(name, (name,))[0]
    return f"第 {number} 行“{column}”：{message}"


def _describe_stage(s: Session, imported: dict[str, Any]) -> str:
    stage = imported.get("stage")
    if stage not in IMPORT_STAGES:
        return ""
    words = stage_label(str(stage))
    unit = imported.get("unit")
    if unit and stage != "registered":
        words += f"（{s.config.unit_label(str(unit)) if unit in s.config.units else unit}"
        since = imported.get("reply_date") or imported.get("concluded") or imported.get("since")
        words += f"，{since}）" if since else "）"
    return words


# -- the use case ---------------------------------------------------------------------------------

def import_ledger(s: Session, path: Path, *, apply: bool = False) -> ImportReport:
    """Check every row of the 台账 at ``path`` and, with ``apply``, import the good ones (one
    commit each). Rows already imported (same key) are reported with their case, never twice."""
    officer = s.officer()
    if not officer.has_role("registrar"):
        raise PermissionDenied(f"{officer.name}不是受理人员，不能导入台账：导入的案件以导入人员为首问责任人。")
    headers, rows = read_rows(path)
    source = path.name
    known = [column_of(h) for h in headers if h]
    missing = [COLUMNS[name][0] for name in REQUIRED_COLUMNS if name not in known]
    if missing:
        raise ValidationError(f"“{source}”缺少必需的列：{'、'.join(missing)}（列名见 disputectl import --template 生成的模板）。")
    doubled = sorted({h for h in headers if h and known.count(column_of(h)) > 1 and column_of(h)})
    if doubled:
        raise ValidationError(f"“{source}”中有表示同一项的多列：{'、'.join(doubled)}，请只保留一列。")
    ignored = [h for h in headers if h and column_of(h) is None]
    planned: list[_Planned] = []
    for number, cells in rows:
        if not any(_cell_text(c) for c in cells):
            continue  # an empty line between blocks of a 台账
        if len(planned) >= MAX_ROWS:
            raise ValidationError(f"“{source}”超过 {MAX_ROWS} 行，请分成几个文件导入。")
        plan = _plan_row(s, number, headers, cells, source)
        if str(plan.imported.get("ref", "")).startswith(EXAMPLE_REF[:2]) and plan.result.status == "new":
            # the template's example row left in: never a case
            plan.result.status = "problem"
            plan.result.problems = [f"第 {number} 行是模板的示例行（原编号“{plan.imported['ref'][:20]}”），未导入：请删除该行"]
        planned.append(plan)
    if not planned:
        raise ValidationError(f"“{source}”表头下没有数据行，没有可导入的内容。")
    _mark_known(s, planned)
    if apply:
        from disputectl.services import register

        for plan in planned:
            if plan.result.status != "new":
                continue
            try:
                outcome = register(s, plan.fields, receipt=False, occurred=plan.visit, imported=plan.imported)
            except ValidationError as exc:
                plan.result.status = "problem"
                plan.result.problems = [f"第 {plan.result.row} 行：{line}" for line in [exc.message, *exc.details]]
                continue
            plan.result.status, plan.result.case_id = "created", outcome.case["id"]
    return ImportReport(source, apply, [p.result for p in planned], ignored)


def _mark_known(s: Session, planned: list[_Planned]) -> None:
    """Rows the store already holds (imported before, from this file or another) and rows that
    repeat an earlier row of the same file."""
    s.index.refresh()
    first_row: dict[str, int] = {}
    for plan in planned:
        key = plan.imported.get("key")
        if not key or plan.result.status != "new":
            continue
        earlier = s.index.imported_as(key)
        if earlier:
            plan.result.status, plan.result.case_id = "exists", earlier[0]
        elif key in first_row:
            plan.result.status = "problem"
            plan.result.problems = [f"第 {plan.result.row} 行：与第 {first_row[key]} 行是同一案件（缴费人、来访时间、"
                                    "类别和反映事项相同），未重复导入"]
        else:
            first_row[key] = plan.result.row



# -- the template ---------------------------------------------------------------------------------

EXAMPLE_REF = "示例（导入前请删除此行）"  # the template's example row: refused, should it be left in
TEMPLATE_COLUMNS = ("ref", "payer_kind", "payer_name", "payer_id", "contact_person", "address", "phone", "visit_time",
                    "channel", "matter", "request", "category", "region", *STAGE_FIELDS)
_TEXT_COLUMNS = ("ref", "payer_id", "phone")  # kept as text: Excel would turn an 18-digit number into 1.1E+17


def template_rows(s: Session) -> tuple[list[str], list[Any], list[tuple[str, str, str]]]:
    """The template's header, its example row, and (column, required, what it takes) for the 说明 sheet."""
    from datetime import timedelta

    from disputectl.rules.validation import CHANNELS
    from disputectl.rules.workflow import DELIVERY_METHODS

    config = s.config
    visit = s.today - timedelta(days=30)
    own = config.officers[s.officer_id].unit if s.officer_id in config.officers else None
    member = next((u for u in config.units.values() if u.kind not in ("office", "platform") and u.code != own), None)
    example = {"ref": EXAMPLE_REF, "payer_kind": "用人单位", "payer_name": "示例科技有限公司", "payer_id": "91110000600037341L",
               "contact_person": "张三", "address": "示例市人民路1号", "phone": "13812345678",
               "visit_time": f"{visit.isoformat()} 09:30", "channel": "来访", "matter": "对缴费基数核定有异议",
               "request": "请求重新核定缴费基数", "category": "3", "region": next(iter(config.regions), ""),
               "stage": STATUSES["handling"], "unit": member.short if member else "",
               "since": (visit + timedelta(days=1)).isoformat()}
    units = "、".join(f"{u.code} {u.short}" for u in config.units.values() if u.kind != "platform")
    notes = {
        "ref": ("否", "台账中原来的编号，记入导入记录"),
        "payer_kind": ("是", "用人单位 或 个人"),
        "payer_name": ("是", "用人单位名称或个人姓名"),
        "payer_id": ("是", "统一社会信用代码（18位）或居民身份证号码（18位），请设为文本格式"),
        "contact_person": ("用人单位必填", "用人单位的联系人"),
        "address": ("是", "地址"),
        "phone": ("是", "手机号11位，或固定电话如 0571-88886666"),
        "visit_time": ("是", "原始来访（受理）时间，如 2026-08-01、2026/8/1、2026年8月1日，可带时间 09:30；三年以内"),
        "channel": ("否", "、".join(CHANNELS) + "（默认来访）"),
        "matter": ("是", "反映主要事项"),
        "request": ("是", "缴费人诉求"),
        "category": ("是", "；".join(f"{c.code} {c.name}" for c in config.categories.values()) + "（填编号或名称）"),
        "region": ("是", "、".join(f"{code} {name}" for code, name in config.regions.items()) + "（填代码或名称）"),
        "stage": ("否", "、".join(stage_label(st) for st in IMPORT_STAGES) + "（默认已登记待流转）"),
        "unit": ("视环节", f"转办、办理中、办结、回复的单位（代码或简称）：{units}"),
        "since": ("视环节", "已转办待签收、单位办理中、领导组办公室梳理中：转办或开始办理的日期"),
        "concluded": ("视环节", "已办结待回复、已书面回复：作出处理意见的日期"),
        "facts": ("视环节", "已办结待回复必填（出具处理结果告知书要用）"),
        "basis": ("视环节", "已办结待回复必填"),
        "decision": ("视环节", "已办结待回复、已书面回复必填"),
        "reply_method": ("视环节", "已书面回复必填：" + "、".join(DELIVERY_METHODS)),
        "reply_date": ("视环节", "已书面回复必填：送达缴费人的日期"),
    }
    header = [COLUMNS[name][0] for name in TEMPLATE_COLUMNS]
    return header, [example.get(name, "") for name in TEMPLATE_COLUMNS], [
        (COLUMNS[name][0], *notes[name]) for name in TEMPLATE_COLUMNS]


def write_template(s: Session, path: Path) -> Path:
    """The template 台账 (.xlsx): the columns with one example row, and a 说明 sheet."""
    import io

    from openpyxl import Workbook

    from disputectl.record.gitstore import atomic_write

    if path.suffix.lower() != ".xlsx":
        raise ValidationError(f"模板是 Excel 工作簿，文件名请以 .xlsx 结尾（“{path.name}”）。")
    if path.exists():
        raise ValidationError(f"“{path}”已存在，为避免覆盖，未写出模板；请换一个文件名。")
    from disputectl.oversight.ledger import check_outside_store

    check_outside_store(path, s.root, "台账模板", "请给出案件库以外的路径")
    header, example, notes = template_rows(s)
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(header)
    sheet.append(example)
    for index, name in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(header[index - 1]) * 2 + 2)
        if name in _TEXT_COLUMNS:
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("说明")
    guide.append(["列名", "是否必填", "填写说明"])
    for line in notes:
        guide.append(list(line))
    guide.append([])
    guide.append(["导入", "", "disputectl import 文件.xlsx 先预览（不做改动），确认无误后加 --apply 导入；"
                  "同一行再次导入时不会重复建立案件。只导入第一个工作表。"])
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    try:
        atomic_write(path, buffer.getvalue())
    except OSError:
        raise ValidationError(f"无法写出“{path}”：请检查文件夹是否存在、能否写入。") from None
    return path
