"""Turning what an officer typed into a complete, checked 受理登记 record."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from disputectl.errors import ValidationError
from disputectl.rules.config import Config
from disputectl.rules.personal import normalized
from disputectl.rules.validation import (
    CHANNELS,
    CONTROL_RE,
    MOBILE_RE,
    PAYER_KINDS,
    SURROGATE_RE,
    check_name,
    check_phone,
    check_ric,
    check_text,
    check_uscc,
    parse_datetime,
)

REGISTRATION_FIELDS: dict[str, str] = {
    "payer_kind": "缴费人类型（用人单位或个人）",
    "payer_name": "缴费人名称或姓名",
    "payer_id": "统一社会信用代码或居民身份证号码",
    "contact_person": "联系人（用人单位）",
    "address": "地址",
    "phone": "联系电话",
    "visit_time": "来访时间（如 2026-11-26 09:30，默认现在）",
    "channel": "来访方式（" + "/".join(CHANNELS) + "）",
    "matter": "反映主要事项",
    "request": "诉求",
    "category": "争议类别（1-10 或类别名称）",
    "region": "属地区域（代码或名称）",
}
MAX_ATTACHMENT_BYTES = 50_000_000
# what an office scans or receives: documents and images; never programs or archives of files
ATTACHMENT_TYPES = (".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".doc", ".docx", ".wps", ".xls", ".xlsx",
                    ".et", ".txt", ".rtf", ".odt", ".ods", ".mp3", ".m4a", ".wav", ".amr")
_KIND_ALIASES = {"employer": "employer", "用人单位": "employer", "单位": "employer",
                 "individual": "individual", "个人": "individual"}


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def missing_fields(fields: Mapping[str, Any]) -> list[str]:
    optional = {"visit_time", "contact_person", "channel"}
    return [k for k in REGISTRATION_FIELDS if k not in optional and not str(fields.get(k) or "").strip()]


def read_attachments(paths: list[Path], *, documents_only: bool = False) -> list[Attachment]:
    """The files to attach; ``documents_only`` (the files an action records): documents, images
    and recordings only (``ATTACHMENT_TYPES``)."""
    problems: list[str] = []
    out: list[Attachment] = []
    for path in paths:
        name = path.name
        problem = _attachment_name_problem(name)
        if problem:
            problems.append(problem)
            continue
        if not path.exists():
            problems.append(f"找不到附件“{name}”（{str(path)[:80]}）")
            continue
        if path.is_dir():
            problems.append(f"“{name}”是文件夹，请逐个给出要附上的文件")
            continue
        if documents_only and not name.lower().endswith(ATTACHMENT_TYPES):
            problems.append(f"附件“{name[:60]}”的类型不能作为材料保存，可用：" + "、".join(t[1:] for t in ATTACHMENT_TYPES))
            continue
        try:
            if path.stat().st_size > MAX_ATTACHMENT_BYTES:
                problems.append(f"附件“{name}”超过 {MAX_ATTACHMENT_BYTES // 1_000_000} MB")
                continue
            out.append(Attachment(name, path.read_bytes()))
        except OSError:
            problems.append(f"无法读取附件“{name}”")
    names = [a.name for a in out]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(f"附件名“{name}”重复")
    if problems:
        raise ValidationError("附件有误：", details=problems)
    return out


def _attachment_name_problem(name: str) -> str | None:
    """Only the file's own name is kept (never its folders), and it must be a plain file name
    that git can store and no tool mistakes for something else."""
    shown = "".join("?" if ch < " " else ch for ch in CONTROL_RE.sub("?", SURROGATE_RE.sub("?", name)))[:60]
    if (not name or name in (".", "..") or CONTROL_RE.search(name) or SURROGATE_RE.search(name)
            or any(ch < " " for ch in name)):
        return f"附件名“{shown}”无效（含有控制字符或无法识别的字符）"
    if "\\" in name or name.rstrip(". ").lower() == ".git":
        return f"附件名“{shown}”无效（不能含反斜杠，也不能是 .git）"
    if name.startswith(".") and name.endswith(".tmp"):
        return f"附件名“{shown}”无效（以点开头、.tmp 结尾的是写到一半的临时文件名）"
    if len(name.encode("utf-8")) > 240:
        return f"附件名“{shown}…”过长"
    return None


def check_fields(fields: Mapping[str, Any], config: Config, *, now: datetime, partial: bool = False,
                 kind: str | None = None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The registration fields in ``fields``, checked and normalized, and every problem as
    (field, message). ``partial`` (a correction): only the fields given are checked, ``kind`` is
    the payer's kind when the correction does not change it."""
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    unknown = sorted(set(fields) - set(REGISTRATION_FIELDS) - {"attachments"})
    for key in unknown:
        problems.append(("", f"不认识的登记项“{str(key)[:30]}”"))

    def given(key: str) -> bool:
        return not partial or fields.get(key) is not None

    def text(key: str, label: str, *, required: bool = True, max_length: int = 2000, name: bool = False) -> None:
        if not given(key):
            return
        value = fields.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        check = check_name if name else check_text
        problem = check(label, value, required=required, max_length=max_length)
        if problem:
            problems.append((key, problem))
        else:
            values[key] = value.strip() if isinstance(value, str) else ""

    if given("payer_kind"):
        raw_kind = str(fields.get("payer_kind") or "").strip()
        kind = _KIND_ALIASES.get(raw_kind)
        if kind is None:
            problems.append(("payer_kind", f"缴费人类型“{raw_kind[:20]}”无效，应为 employer（用人单位）或 individual（个人）"
                             if raw_kind else "请填写缴费人类型"))
        else:
            values["payer_kind"] = kind
    text("payer_name", "缴费人名称或姓名", max_length=200, name=True)
    text("payer_id", "统一社会信用代码或居民身份证号码", max_length=40)
    if "payer_id" in values:
        # full-width characters from a Chinese IME (１１０…Ｘ) are the same identifier
        payer_id = unicodedata.normalize("NFKC", values["payer_id"]).upper().replace(" ", "")
        values["payer_id"] = payer_id
        problem = check_uscc(payer_id) if kind == "employer" else check_ric(payer_id) if kind == "individual" else None
        if problem:
            problems.append(("payer_id", problem))
    if given("contact_person"):
        text("contact_person", "联系人", required=(kind == "employer"), max_length=100, name=True)
    text("address", "地址", max_length=300)
    text("phone", "联系电话", max_length=30)
    if "phone" in values:
        phone = unicodedata.normalize("NFKC", values["phone"]).replace(" ", "")
        if MOBILE_RE.match(normalized("phone", phone)):
            phone = normalized("phone", phone)  # +86 139-8888-7777 → 13988887777
        values["phone"] = phone
        problem = check_phone(phone)
        if problem:
            problems.append(("phone", problem))
    visit_value = fields.get("visit_time")
    if not partial:
        visit = now
        if visit_value not in (None, ""):
            parsed = parse_datetime(visit_value)
            if parsed is None:
                problems.append(("visit_time", f"来访时间“{str(visit_value)[:30]}”格式不对（应如 2026-11-26 09:30）"))
            else:
                visit = parsed if parsed.tzinfo else parsed.replace(tzinfo=now.tzinfo)
                if visit > now:
                    problems.append(("visit_time", "来访时间不能晚于现在"))
        values["visit_time"] = visit.isoformat(timespec="seconds")
    if given("channel"):
        channel = str(fields.get("channel") or "来访").strip()
        if channel not in CHANNELS:
            problems.append(("channel", f"来访方式“{channel[:20]}”无效，可选：{'、'.join(CHANNELS)}"))
        values["channel"] = channel
    text("matter", "反映主要事项", max_length=5000)
    text("request", "诉求", max_length=5000)
    if given("category"):
        raw_category = fields.get("category")
        category = category_code(raw_category, config)
        if category is None:
            problems.append(("category",
                             f"争议类别“{str(raw_category or '')[:10]}”无效，应为 1-10（或类别名称）："
                             + "；".join(f"{c.code} {c.name}" for c in config.categories.values())
                             if raw_category not in (None, "") else "请填写争议类别（1-10）"))
        values["category"] = category
    if given("region"):
        raw_region = str(fields.get("region") or "").strip()
        region = region_code(raw_region, config)
        if region is None:
            problems.append(("region", f"属地区域“{raw_region[:20]}”无效，可用：" + "、".join(f"{c}（{n}）" for c, n in config.regions.items())
                             if raw_region else "请填写属地区域"))
        values["region"] = region
    return values, problems


def category_code(raw: object, config: Config) -> int | None:
    """A 争议类别 by its number (03 too) or its name (as a 台账 or an officer may write it)."""
    from disputectl.rules.filters import code_of

    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    if text.isascii() and text.isdigit():  # not "1_0", "+3" or "٣"
        return int(text) if int(text) in config.categories else None
    code = code_of(text, {str(c.code): [c.name] for c in config.categories.values()})
    return int(code) if code is not None else None


def region_code(raw: str, config: Config) -> str | None:
    """A 属地区域 by its code (any case) or its name."""
    from disputectl.rules.filters import code_of

    return code_of(raw, {code: [name] for code, name in config.regions.items()})


def build_registration(fields: Mapping[str, Any], config: Config, *, now: datetime, officer_id: str,
                       unit: str) -> dict[str, Any]:
    """Check every field and return the registration record; every problem is listed at once."""
    record, problems = registration_problems(fields, config, now=now, officer_id=officer_id, unit=unit)
    if record is None:
        raise ValidationError("受理登记信息有误，请逐条修改：", details=[message for _, message in problems])
    return record


def registration_problems(fields: Mapping[str, Any], config: Config, *, now: datetime, officer_id: str,
                          unit: str) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The registration record, or None and every problem as (field, message): the field is a key
    of ``REGISTRATION_FIELDS`` (an import names its column), "" for an unknown item."""
    values, problems = check_fields(fields, config, now=now)
    if problems:
        return None, problems
    payer: dict[str, Any] = {"kind": values["payer_kind"], "name": values["payer_name"], "id_number": values["payer_id"],
                             "address": values["address"]}
    if values.get("contact_person"):
        payer["contact_person"] = values["contact_person"]
    return {
        "payer": payer,
        "phone": values["phone"],
        "visit_time": values["visit_time"],
        "channel": values["channel"],
        "matter": values["matter"],
        "request": values["request"],
        "category": values["category"],
        "region": values["region"],
        "first_officer": officer_id,
        "first_unit": unit,
        "attachments": [],
    }, []


def payer_kind_label(kind: str) -> str:
    return PAYER_KINDS.get(kind, kind)
