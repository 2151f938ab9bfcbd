"""Written notices (书面形式): kinds, document numbers, and rendering templates to .docx / text.

Pure: no git, no terminal. The default templates are the committed ``templates/<kind>.docx``
(built by :mod:`disputectl.documents.notice_templates`); a store may replace any of them with its own
``<store>/templates/<kind>.docx``.

Context: flat strings, dates already formatted with :func:`format_date_cn`. Every numbered kind
needs :data:`COMMON_KEYS`; the kind-specific keys are listed in :data:`KINDS`:

- receipt 受理回执: visit_time, channel, received (how and when it came in: ``于…来访反映的``),
  request, first_officer, phone (masked), route_due, routing (将于…前 / 已于…完成审核分流)
- transfer 转办单: to_unit_name, reason, sign_due
- meeting 联席会议通知: meeting_date (with the time of day when recorded), meeting_place,
  units (list of names), agenda (the 议题)
- opinion_request 征求意见函: to_unit_name, opinion_due, question
- approval_request 重大疑难事项报批单: reason, office_opinion
- referral 移送函: platform_name, sent_date, reason
- extension 延期告知书: original_due, new_due, reason
- result 处理结果告知书: facts, basis, decision, remedy (list, see :func:`remedy_paragraphs`),
  concluding_unit_name, handled (``经本机关调查核实``, ``经…平台协调处理``)
- handover 移交告知书: authority, reason; arbitration (true: the payer applies to the labour
  arbitration body named in authority, at authority_address if known — nothing is handed over)
- archive_index 卷内文件目录 (no number): case_id, archive_code, rows (list of dicts with
  seq, doc_number, author, title, date, pages, remark; doc_number, pages (blank: written by
  hand) and remark may be empty)
- archive_note 备考表 (no number): case_id, archive_code, case_summary, archivist,
  archived_date; checked_by (blank: signed by hand) and remark (default 无) are optional
- registration_form 受理登记表 (no number, not issued: printed for the payer to check and sign,
  and put in the archive): case_id, first_unit_name, first_officer, visit_time, channel,
  payer_kind, payer_name, payer_id_full, contact_person, payer_phone_full, payer_address_full,
  category_name, region_name, matter, request, attachments (list of lines)

Jinja filters for templates: ``paragraphs`` (a text or list -> list of paragraphs), ``clause``
(drop closing punctuation), ``sentence`` (end with "。" unless it ends with other closing punctuation), ``heading_part`` / ``text_part`` (split ``（一）标题。正文``).
Long texts (facts, basis, decision, agenda, question, reason, office_opinion, case_summary)
may hold several paragraphs separated by newlines, or be a list of paragraphs.
"""

from __future__ import annotations

import io
import os
import re
import signal
import zipfile
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from disputectl.errors import DisputeError, StoreError, ValidationError
from disputectl.resources import resource_dir
from disputectl.rules.config import NOTICE_PREFIX_DEFAULTS

if TYPE_CHECKING:
    from jinja2 import Template, UndefinedError, nodes
    from jinja2.sandbox import SandboxedEnvironment

COMMON_KEYS: tuple[str, ...] = (
    "doc_number",
    "issue_date",
    "issuer_name",
    "case_id",
    "payer_name",
    "payer_kind",
    "matter",
    "category_name",
)

FIELD_LABELS: dict[str, str] = {
    "doc_number": "文号",
    "issue_date": "成文日期",
    "issuer_name": "发文单位",
    "case_id": "案件编号",
    "payer_name": "缴费人名称",
    "payer_kind": "缴费人类型",
    "matter": "反映主要事项",
    "category_name": "争议类别",
    "visit_time": "来访时间",
    "channel": "受理渠道",
    "received": "受理渠道和时间",
    "request": "诉求",
    "first_officer": "首问责任人",
    "phone": "联系电话",
    "route_due": "分流期限",
    "routing": "审核分流的期限或完成日期",
    "to_unit_name": "承办单位",
    "reason": "理由",
    "sign_due": "签收期限",
    "meeting_date": "会议时间",
    "meeting_place": "会议地点",
    "units": "参会单位",
    "agenda": "会议议题",
    "opinion_due": "意见反馈期限",
    "question": "征求意见事项",
    "office_opinion": "领导组办公室意见",
    "platform_name": "调处平台名称",
    "sent_date": "移送日期",
    "original_due": "原办理期限",
    "new_due": "延长后期限",
    "facts": "基本事实",
    "basis": "处理依据",
    "decision": "处理决定",
    "remedy": "救济途径",
    "concluding_unit_name": "办结单位",
    "handled": "处理经过（经…调查核实）",
    "authority": "移交机关",
    "arbitration": "是否告知申请劳动人事争议仲裁",
    "authority_address": "仲裁委员会地址",
    "archive_code": "档号",
    "rows": "卷内文件",
    "case_summary": "本卷情况说明",
    "replaces": "更正并替代的文号",
    "payer_id": "证件号码（遮蔽）",
    "payer_address": "缴费人地址（个人的遮蔽）",
    "payer_id_full": "证件号码（完整）",
    "payer_phone_full": "联系电话（完整）",
    "payer_address_full": "缴费人地址（完整）",
    "archivist": "立卷人",
    "archived_date": "立卷日期",
    "checked_by": "检查人",
    "first_unit_name": "受理单位",
    "region_name": "属地区域",
    "contact_person": "联系人",
    "attachments": "附件",
}

PAYER_KINDS = {"employer": "用人单位", "individual": "个人"}
LIST_KEYS = frozenset({"units", "remedy", "rows"})
ROW_KEYS: tuple[str, ...] = ("seq", "doc_number", "author", "title", "date", "pages", "remark")
ROW_OPTIONAL_KEYS = frozenset({"doc_number", "pages", "remark"})


@dataclass(frozen=True)
class NoticeKind:
    code: str
    title: str
    prefix: str | None
    required: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...] = ()


def _numbered(code: str, title: str, specific: str, defaults: tuple[tuple[str, str], ...] = ()) -> NoticeKind:
    """A numbered kind; its default 发文字号 prefix is the config's (``numbering.notices``)."""
    return NoticeKind(code, title, NOTICE_PREFIX_DEFAULTS[code], COMMON_KEYS + tuple(specific.split()), defaults)


KINDS: dict[str, NoticeKind] = {
    k.code: k
    for k in (
        _numbered(
            "receipt",
            "受理回执",
            "visit_time channel received request first_officer phone route_due routing",
        ),
        _numbered("transfer", "转办单", "to_unit_name reason sign_due"),
        _numbered("meeting", "联席会议通知", "meeting_date meeting_place units agenda"),
        _numbered("opinion_request", "征求意见函", "to_unit_name opinion_due question"),
        _numbered("approval_request", "重大疑难事项报批单", "reason office_opinion"),
        _numbered("referral", "移送函", "platform_name sent_date reason"),
        _numbered("extension", "延期告知书", "original_due new_due reason"),
        _numbered(
            "result", "处理结果告知书", "facts basis decision remedy concluding_unit_name handled"
        ),
        _numbered("handover", "移交告知书", "authority reason", (("arbitration", ""), ("authority_address", ""))),
        NoticeKind("archive_index", "卷内文件目录", None, ("case_id", "archive_code", "rows")),
        NoticeKind(
            "archive_note",
            "备考表",
            None,
            ("case_id", "archive_code", "case_summary", "archivist", "archived_date"),
            # no checker named yet: the line stays blank to be signed by hand
            defaults=(("remark", "无"), ("checked_by", "")),
        ),
        NoticeKind(
            "registration_form",
            "受理登记表",
            None,
            tuple("case_id first_unit_name first_officer visit_time channel payer_kind payer_name payer_id_full "
                  "contact_person payer_phone_full payer_address_full category_name region_name matter request "
                  "attachments".split()),
        ),
    )
}

# Fixed timestamp for documents whose context carries no usable date (zip needs >= 1980).
_FALLBACK_TIME = datetime(2026, 1, 1)
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_INLINE_HEADING = re.compile(r"^(（[一二三四五六七八九十]+）[^。：]{1,20}[。：])(.*)$", re.S)


def format_doc_number(prefix: str, year: int, seq: int) -> str:
    """GB/T 9704 发文字号: ``社争受〔2026〕12号`` — full year in 〔〕, no leading zeros."""
    if seq < 1:
        raise ValueError(f"文号序号必须从1开始：{seq}")
    return f"{prefix}〔{year}〕{seq}号"


def format_date_cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def kind_code(name: str) -> str:
    """A notice kind as an officer may name it: its code (receipt) or its title (受理回执);
    ``name`` as given when it is neither (the caller names the kinds there are)."""
    text = name.strip()
    if text in KINDS:
        return text
    return next((code for code, kind in KINDS.items() if text and text in (kind.title, f"社会保险费征缴争议{kind.title}")),
                text)


def _kind(kind: str) -> NoticeKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValidationError(
            f"未知的通知书类型：{kind}", details=[f"{k}（{v.title}）" for k, v in KINDS.items()]
        ) from None


# Personal data in full: a store's template may ask for it; only an officer who can open the
# store's data key gets it (the notice is then kept sealed), anyone else the masked form, marked.
FULL_FIELDS = frozenset({"payer_id_full", "payer_phone_full", "payer_address_full"})
PARTLY_HIDDEN = "（部分隐去）"


def asks_for_full(kind: str, store_root: Path | None) -> bool:
    """Whether the store's own template of ``kind`` uses a full identifier (the defaults never do)."""
    path = template_path(kind, store_root)
    if store_root is None or not path.is_relative_to(store_root):
        return False
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    try:
        names = DocxTemplate(path).get_undeclared_template_variables(_environment())
    except (TemplateError, zipfile.BadZipFile, KeyError, ValueError):
        return False  # a broken template is refused, with its reason, when it is rendered
    return bool(set(names) & FULL_FIELDS)


def template_path(kind: str, store_root: Path | None = None) -> Path:
    """The store's own ``templates/<kind>.docx`` if present, else the default template."""
    _kind(kind)
    if store_root is not None:
        override = Path(store_root) / "templates" / f"{kind}.docx"
        if override.is_file():
            return override
    return resource_dir("templates") / f"{kind}.docx"


def remedy_paragraphs(concluding_unit_kind: str, government_name: str, *, you: str = "你",
                      tax_review_body: str = "", review_body: str = "", court: str = "",
                      arbitration_body: str = "") -> list[str]:
    """救济途径 for a 处理结果告知书 (行政复议法 art. 20, 行政诉讼法 art. 46), addressed to ``you``.

    ``concluding_unit_kind``: "tax" (税务), "hrss" (人社), "medical" (医保), or "office" /
    "platform" (领导组办公室 / 调处平台 — the act may be any department's, so both bodies).
    The bodies are named where the store's config names them (``tax_review_body``: the tax
    bureau's 上一级税务机关; ``review_body``: 人社/医保's, else ``government_name``; the court; the
    labour arbitration body), otherwise the generic wording.
    """
    tax = f"向{tax_review_body.strip() or '上一级税务机关'}申请行政复议"
    gov = f"向{review_body.strip() or government_name.strip()}申请行政复议"
    within = "可以自收到本告知书之日起60日内"
    if concluding_unit_kind == "tax":
        review = f"{within}{tax}。"
    elif concluding_unit_kind in ("hrss", "medical", "office", "platform"):
        if not (government_name.strip() or review_body.strip()):
            raise ValidationError("救济途径缺少本级人民政府名称", details=["government_name"])
        if concluding_unit_kind == "hrss":
            review = f"对人力资源社会保障部门作出的行政行为不服的，{within}{gov}。"
        elif concluding_unit_kind == "medical":
            review = f"对医疗保障部门作出的行政行为不服的，{within}{gov}。"
        else:
            review = (
                f"对税务机关作出的行政行为不服的，{within}{tax}；"
                f"对人力资源社会保障部门、医疗保障部门作出的行政行为不服的，{within}{gov}。"
            )
    else:
        raise ValidationError(
            f"未知的办结单位类型：{concluding_unit_kind}",
            details=["tax", "hrss", "medical", "office", "platform"],
        )
    return [
        f"{you}对本处理结果有异议的，可以按照规定选择以下途径依法维护自身合法权益：",
        "（一）申请调解。可以向社会保险费征缴争议联合处置领导组办公室申请调解，"
        "或者通过政法委“一站式”矛盾纠纷调处平台申请调解。",
        "（二）申请行政复议。根据《中华人民共和国行政复议法》第二十条规定，" + review,
        f"（三）申请仲裁。涉及劳动关系的，可以依法{'向' + arbitration_body.strip() if arbitration_body.strip() else ''}"
        "申请劳动人事争议仲裁。",
        "（四）提起行政诉讼。根据《中华人民共和国行政诉讼法》第四十六条规定，"
        f"可以自收到本告知书之日起6个月内，依法向{court.strip() or '人民法院'}提起行政诉讼；"
        "法律、法规规定应当先申请行政复议的，依照其规定。",
    ]


# --- context -------------------------------------------------------------------------------


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return len(value) == 0 or all(_is_empty(v) for v in value)
    return False


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        minutes = f"{value.minute}分" if value.minute else ""
        return f"{format_date_cn(value.date())}{value.hour}时{minutes}"
    if isinstance(value, date):
        return format_date_cn(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _label(key: str) -> str:
    return f"{key}（{FIELD_LABELS[key]}）" if key in FIELD_LABELS else key


def _prepare(kind: NoticeKind, context: Mapping[str, object]) -> dict[str, object]:
    prepared: dict[str, object] = {k: v for k, v in kind.defaults}
    prepared["replaces"] = ""  # the number a corrected notice replaces; none by default
    for key, value in context.items():
        if key in prepared and _is_empty(value):
            continue
        prepared[key] = _plain(value)
    if prepared.get("payer_kind") in PAYER_KINDS:
        prepared["payer_kind"] = PAYER_KINDS[str(prepared["payer_kind"])]
    missing = [key for key in kind.required if _is_empty(prepared.get(key))]
    if missing:
        raise ValidationError(
            "通知书缺少必填内容：" + "、".join(missing), details=[_label(k) for k in missing]
        )
    problems: list[str] = []
    for key in LIST_KEYS & set(kind.required):
        value = prepared[key]
        if isinstance(value, str) or not isinstance(value, list | tuple):
            problems.append(f"{_label(key)} 应为列表")
        elif key == "rows":
            prepared[key] = [_row(i, row, problems) for i, row in enumerate(value, 1)]
        else:
            prepared[key] = [str(_plain(v)) for v in value if not _is_empty(v)]
    if problems:
        raise ValidationError("通知书内容格式不正确", details=problems)
    return prepared


def _row(index: int, row: object, problems: list[str]) -> dict[str, str]:
    if not isinstance(row, Mapping):
        problems.append(f"rows 第{index}行应为字典")
        return {}
    clean = {key: "" if row.get(key) is None else str(_plain(row.get(key))) for key in ROW_KEYS}
    for key in ROW_KEYS:
        if key not in ROW_OPTIONAL_KEYS and not clean[key].strip():
            problems.append(f"rows 第{index}行缺少 {key}")
    return clean


# --- jinja ---------------------------------------------------------------------------------


def _paragraphs(value: object) -> list[str]:
    """Split a long text into paragraphs: newlines in a string, or the items of a list."""
    items = value if isinstance(value, list | tuple) else str(value).splitlines()
    return [str(item).strip() for item in items if str(item).strip()]


def clause(value: object) -> str:
    """A text without its closing punctuation, to sit inside a sentence."""
    return str(value).strip().rstrip("。；;，,.！!").strip()


_CLOSING = "。！？!?；;：:…"
_QUOTES = "”’」』）)》"


def sentence(value: object) -> str:
    """A paragraph ending in "。" — unless it already ends with closing punctuation (also inside a
    closing quote: ``……。”``); a trailing comma or full stop typed in ASCII becomes "。"."""
    text = str(value).rstrip()
    if not text:
        return text
    inner = text.rstrip(_QUOTES)
    if inner and inner[-1] in _CLOSING:
        return text
    if text[-1] in "，,、.":
        return text[:-1] + "。"
    return text + "。"


def _heading_part(text: object) -> str:
    """The inline 二级 heading of ``（一）申请调解。…`` (set in 楷体), or ``""``."""
    match = _INLINE_HEADING.match(str(text))
    return match.group(1) if match else ""


def _text_part(text: object) -> str:
    match = _INLINE_HEADING.match(str(text))
    return match.group(2) if match else str(text)


# --- limits ------------------------------------------------------------------------------
# Every template runs in Jinja's sandbox with the limits below. A store's own template, which
# reaches every office, also runs in a forked child (where there is fork) that is killed after
# RENDER_TIMEOUT seconds and may use RENDER_MEMORY bytes more than it started with; the packaged
# templates are part of the program and render in this process (a child costs some 15 ms).

RENDER_TIMEOUT = 5.0  # seconds for a whole render
RENDER_MEMORY = 256 * 2**20  # bytes
MAX_RANGE = 10_000  # items of a template's range()
MAX_CHARS = 5_000_000  # characters of a rendered part (or of a macro's or block's text)
MAX_PRODUCT = 5_000_000  # characters or items of a text or list built with *
MAX_POWER_BITS = 100_000  # of an integer built with **


class _TemplateLimit(Exception):
    """A template went past a limit; ``problem`` says how, in Chinese."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise _TemplateLimit(f"使用的 range 过大（超过 {MAX_RANGE} 项）")
    return numbers


def _bounded_concat(parts: Iterable[str]) -> str:
    """``"".join`` that stops once the text is longer than MAX_CHARS (before it is built)."""
    kept: list[str] = []
    size = 0
    for part in parts:
        size += len(part)
        if size > MAX_CHARS:
            raise _TemplateLimit(f"生成的内容过长（超过 {MAX_CHARS} 个字符）")
        kept.append(part)
    return "".join(kept)


def _check_binop(operator: str, left: object, right: object) -> None:
    """Refuse ``*`` and ``**`` whose result would be huge, before computing it."""
    if operator == "*":
        for value, times in ((left, right), (right, left)):
            if isinstance(value, str | bytes | list | tuple) and isinstance(times, int) and len(value) * times > MAX_PRODUCT:
                raise _TemplateLimit(f"用乘法生成的内容过大（超过 {MAX_PRODUCT} 个字符或项）")
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right * abs(left).bit_length() > MAX_POWER_BITS:
        raise _TemplateLimit("乘方的结果过大")


def _environment() -> SandboxedEnvironment:
    """Jinja's sandbox with the limits above; a template may not include, import or extend another."""
    from jinja2 import StrictUndefined, nodes
    from jinja2.sandbox import SandboxedEnvironment

    references = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from … import",
                  nodes.Extends: "extends"}

    class BoundedEnvironment(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})  # through call_binop, never folded while compiling

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _check_binop(operator, left, right)
            return super().call_binop(context, operator, left, right)

        def from_string(self, source: str | nodes.Template, globals: MutableMapping[str, Any] | None = None,
                        template_class: type[Template] | None = None) -> Template:
            tree = self.parse(source) if isinstance(source, str) else source
            for node in tree.find_all(tuple(references)):  # refused even where it would not run
                raise _TemplateLimit(f"引用了其他模板（不能使用 {{% {references[type(node)]} %}}）")
            return super().from_string(tree, globals, template_class)

    env = BoundedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.concat = _bounded_concat  # type: ignore[method-assign]  # the output, and each macro's and block's
    env.globals["range"] = _bounded_range
    env.filters["paragraphs"] = _paragraphs
    env.filters["clause"] = clause
    env.filters["sentence"] = sentence
    env.filters["heading_part"] = _heading_part
    env.filters["text_part"] = _text_part
    return env


def _run_bounded(work: Callable[[], bytes], untrusted: bool) -> bytes:
    """``work()``; if ``untrusted``, in a forked child killed after RENDER_TIMEOUT seconds (in this
    process where there is no fork: the sandbox's limits hold there, the time and memory ceilings not)."""
    if not untrusted or not hasattr(os, "fork"):
        return work()
    import pickle

    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:  # no memory or processes left to fork with
        os.close(read_end)
        os.close(write_end)
        raise StoreError(f"无法启动生成文书的子进程（{exc.strerror or exc}），未出具文书。请关闭其他程序后重试。") from None
    if pid == 0:  # the child: answers through the pipe and leaves, running none of the parent's cleanup
        try:
            os.close(read_end)
            answer = pickle.dumps(_outcome(work))
            with open(write_end, "wb") as pipe:
                pipe.write(answer)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        answer = _read_until(read_end, RENDER_TIMEOUT)
    finally:
        os.close(read_end)
        os.kill(pid, signal.SIGKILL)  # it has exited, or is stuck
        os.waitpid(pid, 0)
    try:
        outcome, value = pickle.loads(answer)
    except (EOFError, pickle.UnpicklingError):  # killed without a (whole) word, e.g. for its memory
        raise _TemplateLimit("生成时意外中止") from None
    if outcome == "done":
        return bytes(value)
    if outcome == "error":
        raise value
    raise _TemplateLimit(str(value))


def _read_until(fd: int, timeout: float) -> bytes:
    """All a pipe holds until its writer closes it, or _TemplateLimit after ``timeout`` seconds."""
    import selectors
    import time

    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    # a selector, not select(): select() refuses a descriptor numbered 1024 or more, which a
    # long-running process (a test worker, a service) may well hand out
    with selectors.DefaultSelector() as waiting:
        waiting.register(fd, selectors.EVENT_READ)
        while waiting.select(max(0.0, deadline - time.monotonic())):
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    raise _TemplateLimit(f"运行超时（超过 {timeout:g} 秒）")


def _outcome(work: Callable[[], bytes]) -> tuple[str, object]:
    """(In the child.) ("done", bytes), ("error", DisputeError) or ("limit", problem)."""
    try:
        _limit_memory()
        return ("done", work())
    except _TemplateLimit as exc:
        return ("limit", exc.problem)
    except DisputeError as exc:
        return ("error", exc)
    except MemoryError:
        return ("limit", f"占用内存过多（超过 {RENDER_MEMORY >> 20} MB）")
    except BaseException as exc:  # whatever stopped it, the parent says so
        return ("limit", f"无法生成（{type(exc).__name__}: {exc}）")


def _limit_memory() -> None:
    """Cap this process's address space at its present size plus RENDER_MEMORY (Linux)."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + RENDER_MEMORY
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (ImportError, OSError, ValueError):
        pass  # no such limit here: the time limit still holds


# --- rendering -----------------------------------------------------------------------------


def _document_time(context: Mapping[str, object]) -> datetime:
    for key in ("issue_date", "archived_date", "visit_time"):
        match = _CN_DATE.search(str(context.get(key, "")))
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return datetime(year, month, day)
            except ValueError:
                continue
    return _FALLBACK_TIME


def stable_zip(data: bytes, when: datetime) -> bytes:
    """Re-pack a .docx with fixed member timestamps so equal content gives equal bytes."""
    out = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in dict.fromkeys(src.namelist()):  # each name once: the entry a reader sees (the last)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def _standard_core_properties(document: Any) -> None:
    """LibreOffice (its "Office Open XML" filter) relates ``docProps/core.xml`` by another spelling of
    the relationship type (``…/officedocument/2006/relationships/metadata/core-properties``); python-docx
    looks for the standard one only and would add a second ``docProps/core.xml`` to the package:
    relate the same part by the standard type."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.parts.coreprops import CorePropertiesPart

    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype != RT.CORE_PROPERTIES and not rel.is_external and isinstance(rel.target_part, CorePropertiesPart):
            del package.rels[rid]
            package.relate_to(rel.target_part, RT.CORE_PROPERTIES)


def _undefined_name(exc: UndefinedError) -> str:
    match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(exc))
    return next((g for g in match.groups() if g), str(exc)) if match else str(exc)


def render_docx(kind: str, context: Mapping[str, object], store_root: Path | None = None) -> bytes:
    """The filled-in .docx of ``kind``; a template going past a limit (see ``# --- limits``) is
    refused with one message naming it."""
    # python-docx, docxtpl and jinja2 are heavy to import: only commands that write a notice pay
    # for them, once, here (not again in each child that renders a store's template).
    import docxtpl  # noqa: F401
    import jinja2.sandbox  # noqa: F401

    notice_kind = _kind(kind)
    prepared = _prepare(notice_kind, context)
    path = template_path(kind, store_root)
    if not path.is_file():
        raise ValidationError(f"找不到通知书模板：{path}")
    own = store_root is not None and path.is_relative_to(store_root)  # the store's, not the package's
    try:
        return _run_bounded(lambda: _fill(notice_kind, prepared, path), own)
    except _TemplateLimit as exc:
        shown = path.relative_to(store_root).as_posix() if store_root and own else path
        raise ValidationError(f"文书模板“{notice_kind.title}”（{shown}）{exc.problem}，未出具文书。") from None


def check_template(kind: str, content: bytes, shown: str) -> None:
    """Refuse, before it is installed, a template of ``kind`` whose tags do not all parse (a half
    tag, a block left open, an unknown filter), with the message rendering would give."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError  # type: ignore[import-untyped]

    from disputectl.documents.template_check import TemplateProblem, check_document

    try:
        document = Document(io.BytesIO(content))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, LxmlError):
        raise ValidationError(f"“{shown}”不是有效的 .docx 文件。") from None
    try:
        check_document(document, _environment())
    except TemplateProblem as exc:
        raise ValidationError(f"文书模板“{_kind(kind).title}”（{shown}）{exc.problem}，未启用该模板。") from None


def _fill(notice_kind: NoticeKind, prepared: dict[str, object], path: Path) -> bytes:
    """Render the template at ``path`` if every paragraph of it parses and reaches the output
    (:mod:`template_check`); what is wrong with it is a _TemplateLimit naming the paragraph."""
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SecurityError
    from lxml.etree import LxmlError  # type: ignore[import-untyped]

    from disputectl.documents.template_check import TemplateProblem, check_document, chinese

    template = DocxTemplate(path)
    env = _environment()
    try:
        checked = check_document(template.get_docx(), env)
        _standard_core_properties(template.docx)
        template.render(prepared, jinja_env=env, autoescape=True)
        checked.check_output(template.docx)
    except TemplateProblem as exc:
        raise _TemplateLimit(exc.problem) from None
    except UndefinedError as exc:
        name = _undefined_name(exc)
        where = checked.where_used(name)
        raise _TemplateLimit((f"{where.where}：" if where else "") + f"使用了未提供的内容“{name}”") from None
    except TemplateSyntaxError as exc:
        near = "".join(getattr(exc, "docx_context", [])).strip()
        raise _TemplateLimit(f"标签写法有误（{chinese(exc)}）" + (f"，附近文字：“{near[:40]}”" if near else "")) from None
    except SecurityError:
        raise _TemplateLimit("使用了模板中不允许的操作") from None
    except TemplateError:
        raise _TemplateLimit("生成时出错，请检查模板中的标签") from None
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError) as exc:
        raise ValidationError("通知书模板不是有效的 .docx 文件", details=[str(path)]) from exc
    except LxmlError as exc:
        raise ValidationError(
            "通知书模板生成的文档结构有误", details=[f"模板：{path}", str(exc)]
        ) from exc
    from disputectl.documents.layout import finish_layout

    finish_layout(template.docx)
    when = _document_time(prepared)
    props = template.docx.core_properties
    props.title = notice_kind.title
    props.subject = str(prepared.get("case_id", ""))
    props.keywords = str(prepared.get("doc_number", ""))
    props.author = str(prepared.get("issuer_name", ""))
    props.last_modified_by = props.author
    props.comments = ""
    props.revision = 1
    props.created = props.modified = when
    buffer = io.BytesIO()
    template.save(buffer)
    return stable_zip(buffer.getvalue(), when)


def docx_lines(data: bytes) -> list[str]:
    """Body paragraphs and table rows (cells joined by `` | ``), in order, non-empty."""
    from disputectl.documents.layout import plain_text

    return [plain_text(line) for line in _docx_lines(data)]


def _docx_lines(data: bytes) -> list[str]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text.strip():
                lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = "\n".join(p.text for p in cell.paragraphs).strip()
                    if not cells or text != cells[-1]:  # merged cells repeat
                        cells.append(text)
                if any(cells):
                    lines.append(" | ".join(cells))
    return lines


def render_text(kind: str, context: Mapping[str, object], store_root: Path | None = None) -> str:
    return "\n".join(docx_lines(render_docx(kind, context, store_root))) + "\n"


# --- examples ------------------------------------------------------------------------------

_TAX = "国家税务总局江州市临江区税务局"
_HRSS = "江州市临江区人力资源和社会保障局"
_OFFICE = "江州市社会保险费征缴争议联合处置领导组办公室"
_PLATFORM = "江州市委政法委“一站式”矛盾纠纷调处平台"


def _common(kind: str, seq: int, issued: date, issuer: str) -> dict[str, object]:
    prefix = KINDS[kind].prefix
    assert prefix is not None
    return {
        "doc_number": format_doc_number(prefix, issued.year, seq),
        "issue_date": format_date_cn(issued),
        "issuer_name": issuer,
        "case_id": "SW-2026-000012",
        "payer_name": "江州市恒达机械制造有限公司",
        "payer_kind": "用人单位",
        "matter": "对2026年度社会保险费缴费基数核定结果有异议，认为不应将一次性补发的年终奖计入缴费基数",
        "category_name": "缴费基数申报",
    }


def sample_context(kind: str) -> dict[str, object]:
    """A complete, realistic context for ``kind`` (fictional city 江州市)."""
    _kind(kind)
    d = date
    if kind == "receipt":
        return _common(kind, 12, d(2026, 11, 26), _TAX) | {
            "visit_time": "2026年11月26日9时30分",
            "channel": "来访",
            "received": "于2026年11月26日9时30分来访反映的",
            "request": "重新核定2026年度缴费基数，退还多缴的社会保险费",
            "first_officer": "陈某某",
            "phone": "138****5678",
            "route_due": "2026年11月27日",
            "routing": "本机关将于2026年11月27日前完成审核分流",
        }
    if kind == "transfer":
        return _common(kind, 5, d(2026, 11, 27), _TAX) | {
            "to_unit_name": _HRSS,
            "reason": "该事项涉及年终奖是否属于工资总额的认定，属人力资源社会保障部门职责范围",
            "sign_due": "2026年11月30日",
        }
    if kind == "meeting":
        return _common(kind, 3, d(2026, 12, 1), _OFFICE) | {
            "meeting_date": "2026年12月3日（星期四）上午9时",
            "meeting_place": "江州市政务服务中心三楼第二会议室",
            "units": [_TAX, _HRSS, "江州市临江区医疗保障局", "江州市临江区司法局"],
            "agenda": "研究确定该单位缴费基数争议的处理意见，明确各联办单位职责分工和书面意见提交时限。",
        }
    if kind == "opinion_request":
        return _common(kind, 7, d(2026, 12, 3), _OFFICE) | {
            "to_unit_name": _HRSS,
            "opinion_due": "2026年12月10日",
            "question": [
                "一次性补发的年终奖是否属于2025年度工资总额统计范围；",
                "该单位2026年度缴费基数应如何核定。",
            ],
        }
    if kind == "approval_request":
        return _common(kind, 1, d(2026, 12, 2), _OFFICE) | {
            "reason": "该事项涉及职工120人，争议金额较大，各部门意见分歧，属重大疑难事项。",
            "office_opinion": "建议报请组长同意后，纳入政法委“一站式”矛盾纠纷调处平台处理。",
        }
    if kind == "referral":
        return _common(kind, 1, d(2026, 12, 4), _OFFICE) | {
            "platform_name": _PLATFORM,
            "sent_date": "2026年12月4日",
            "reason": "该事项涉及人数多、争议金额大，需多部门联合调处。",
        }
    if kind == "extension":
        return _common(kind, 2, d(2026, 12, 14), _HRSS) | {
            "case_id": "RS-2026-000034",
            "payer_name": "李某某",
            "payer_kind": "个人",
            "matter": "对养老保险待遇核定中视同缴费年限认定有异议",
            "category_name": "待遇核定和支付",
            "original_due": "2026年12月17日",
            "new_due": "2027年1月8日",
            "reason": "需调取原单位档案并向档案保管部门核实视同缴费年限。",
        }
    if kind == "result":
        return _common(kind, 5, d(2026, 12, 15), _OFFICE) | {
            "concluding_unit_name": _OFFICE,
            "handled": "经本机关会同有关单位调查核实",
            "facts": "经核查，该单位于2026年1月一次性补发2024年度年终奖，"
            "该笔款项已计入2025年度工资总额统计，并据此申报2026年度缴费基数。",
            "basis": "《中华人民共和国社会保险法》第十二条；"
            "国家统计局《关于工资总额组成的规定》第四条。",
            "decision": "该单位2026年度缴费基数核定无误，维持原核定结果；对该单位提出的退费诉求不予支持。",
            "remedy": remedy_paragraphs("office", "江州市临江区人民政府", you="你单位",
                                        tax_review_body="国家税务总局江州市税务局", court="江州市临江区人民法院",
                                        arbitration_body="江州市临江区劳动人事争议仲裁委员会"),
        }
    if kind == "handover":
        return _common(kind, 1, d(2026, 11, 28), _TAX) | {
            "case_id": "SW-2026-000015",
            "matter": "所在单位拖欠劳动报酬并未按时足额支付加班费",
            "category_name": "其他争议事项",
            "authority": "江州市临江区劳动保障监察大队",
            "reason": "该事项属于劳动报酬争议，不属于社会保险费征缴争议。",
        }
    if kind == "archive_index":
        return {
            "case_id": "SW-2026-000012",
            "archive_code": "J015-WS·2026-D30-BGS-0012",
            "issue_date": "2026年12月20日",
            "rows": [
                _index_row(1, "社争受〔2026〕12号", _TAX, "受理回执", "20261126", "1"),
                _index_row(
                    2, "", "江州市恒达机械制造有限公司", "争议事项反映材料", "20261126", "2"
                ),
                _index_row(3, "社争转〔2026〕5号", _TAX, "转办单", "20261127", "5"),
                _index_row(4, "社争会〔2026〕3号", _OFFICE, "联席会议通知", "20261201", "6"),
                _index_row(5, "社争结〔2026〕5号", _OFFICE, "处理结果告知书", "20261215", "8"),
                _index_row(6, "", _OFFICE, "案件登记及办理记录", "20261215", "10", "电子"),
            ],
        }
    if kind == "registration_form":
        return {
            "case_id": "SW-2026-000012",
            "first_unit_name": _TAX,
            "first_officer": "陈某某",
            "visit_time": "2026年11月26日9时30分",
            "channel": "来访",
            "payer_kind": "用人单位",
            "payer_name": "江州市恒达机械制造有限公司",
            "payer_id_full": "9133************1X（部分隐去）",
            "contact_person": "王某某",
            "payer_phone_full": "138****5678（部分隐去）",
            "payer_address_full": "江州市临江区滨江路88号",
            "category_name": "缴费基数申报",
            "region_name": "临江区",
            "matter": "对2026年度社会保险费缴费基数核定结果有异议，认为不应将一次性补发的年终奖计入缴费基数",
            "request": "重新核定2026年度缴费基数，退还多缴的社会保险费",
            "attachments": ["1. 营业执照复印件.pdf", "2. 2025年度工资发放明细.xlsx"],
        }
    return {
        "case_id": "SW-2026-000012",
        "archive_code": "J015-WS·2026-D30-BGS-0012",
        "case_summary": "本卷为江州市恒达机械制造有限公司缴费基数申报争议案件材料，共6件14页，"
        "包括受理回执、转办单、联席会议通知、处理结果告知书及案件办理记录，材料齐全完整。",
        "archivist": "王某某",
        "archived_date": "2026年12月20日",
        "checked_by": "赵某某",
        "remark": "案件办理记录及校验清单以电子形式随卷保存。",
    }


def _index_row(
    seq: int, number: str, author: str, title: str, when: str, pages: str, remark: str = ""
) -> dict[str, str]:
    return {
        "seq": str(seq),
        "doc_number": number,
        "author": author,
        "title": title,
        "date": when,
        "pages": pages,
        "remark": remark,
    }
