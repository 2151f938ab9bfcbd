"""Corrections to a registration (更正登记信息).

The registration as first recorded never changes (``verify`` holds it to that): each correction is
an ``amend`` action whose data holds the corrected fields (``fields``, shaped like the
registration) and what they replaced (``before``, masked). The registration in effect is the
first one with the corrections applied in order; everything that reads a case's payer, category
or region reads it through ``current_registration``. The first officer and unit and the time of
the visit are never corrected: they are the record of who took the case in, and when.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from disputectl.errors import ValidationError
from disputectl.rules.config import Config
from disputectl.rules.personal import REGISTRATION_FIELDS as REGISTRATION_PERSONAL
from disputectl.rules.personal import get_field, mask_field, mask_personal_data, personal_fields

# option / fields-file name → where it lives in the registration
AMENDABLE: dict[str, str] = {
    "payer_kind": "payer.kind",
    "payer_name": "payer.name",
    "payer_id": "payer.id_number",
    "contact_person": "payer.contact_person",
    "address": "payer.address",
    "phone": "phone",
    "channel": "channel",
    "matter": "matter",
    "request": "request",
    "category": "category",
    "region": "region",
}
LABELS: dict[str, str] = {
    "payer.kind": "缴费人类型",
    "payer.name": "缴费人名称或姓名",
    "payer.id_number": "证件号码",
    "payer.contact_person": "联系人",
    "payer.address": "地址",
    "phone": "联系电话",
    "channel": "来访方式",
    "matter": "反映主要事项",
    "request": "诉求",
    "category": "争议类别",
    "region": "属地区域",
}
FIELDS_PREFIX = "fields."  # the name of a corrected value in the action's ``sealed`` map


def amendments(case: dict[str, Any], upto: str | None = None) -> list[dict[str, Any]]:
    """The case's corrections in order (those a settlement set aside excluded), up to and
    including the action ``upto``."""
    voided = {v for a in case["actions"] if a["action"] == "settle" for v in a.get("data", {}).get("void", [])}
    out = []
    for action in case["actions"]:
        if action["action"] == "amend" and action["id"] not in voided:
            out.append(action)
        if action["id"] == upto:
            break
    return out


def flat(fields: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"payer": {"name": x}, "phone": y}`` → ``{"payer.name": x, "phone": y}``."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def nested(paths: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in paths.items():
        *parents, last = path.split(".")
        target = out
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return out


def current_registration(case: dict[str, Any], upto: str | None = None) -> dict[str, Any]:
    """The registration in effect: as recorded, with each correction applied in order. A
    corrected personal value comes with its sealed entry (for the keyed hash a search uses);
    its box is opened where it lies, in the action (``trust.case_sealing.opened``). Read only: a
    case never corrected (nearly all; an index rebuild reads each several times) gives its own."""
    corrections = amendments(case, upto)
    if not corrections:
        return case["registration"]  # type: ignore[no-any-return]
    reg = copy.deepcopy(case["registration"])
    for action in corrections:
        sealed = action.get("sealed") or {}
        for path, value in flat(action["data"].get("fields") or {}).items():
            *parents, last = path.split(".")
            target = reg
            for part in parents:
                target = target.setdefault(part, {})
            target[last] = value
            reg.get("sealed", {}).pop(path, None)
            if FIELDS_PREFIX + path in sealed:
                reg.setdefault("sealed", {})[path] = sealed[FIELDS_PREFIX + path]
    return reg


def shown_before(reg: dict[str, Any], path: str) -> Any:
    """A value a correction replaces, as the action keeps it: personal data masked."""
    value = get_field(reg, path)
    if not isinstance(value, str) or not value:
        return value
    if path in dict(personal_fields(reg)):
        return value if "*" in value else mask_field(path, value)
    return mask_personal_data(value)


def amend_data(case: dict[str, Any], given: Mapping[str, Any], reason: Any, config: Config, now: datetime,
               same_as_sealed: Callable[[str, str, str], bool] | None = None) -> dict[str, Any]:
    """The data of an ``amend`` action: the corrected fields (checked as at registration) and the
    values they replace. Every problem is listed at once. ``same_as_sealed(kind, value, hash)``:
    whether a sealed value's keyed hash is that of ``value`` (the value itself is not at hand)."""
    from disputectl.rules.registration import check_fields

    current = current_registration(case)
    wanted = {k: v for k, v in given.items() if v is not None}
    problems: list[str] = []
    for key in sorted(set(wanted) - set(AMENDABLE)):
        problems.append({"visit_time": "来访时间不能更正（它是受理的记录）",
                         "first_officer": "首问责任人不能更正", "first_unit": "首问单位不能更正"}.get(
            key, f"“{str(key)[:30]}”不是可以更正的登记项"))
        wanted.pop(key)
    if not wanted and not problems:
        problems.append("请指明要更正的登记项（如 --phone、--payer-name）")
    if not str(reason or "").strip():
        problems.append("请填写更正理由（--reason）")
    kind = current["payer"]["kind"]
    values, checked = check_fields(wanted, config, now=now, partial=True, kind=kind)
    problems += [message for _, message in checked]
    new_kind = values.get("payer_kind", kind)
    if new_kind != kind:
        if "payer_id" not in wanted:
            problems.append("更改缴费人类型须同时更正证件号码（--payer-id）")
        if new_kind == "individual" and "address" not in wanted:
            problems.append("改为个人的，须同时填写地址（--address）：个人的地址属个人信息，另行加密保存")
        if new_kind == "employer" and not current["payer"].get("contact_person") and "contact_person" not in wanted:
            problems.append("改为用人单位的，须同时填写联系人（--contact-person）")
    changed: dict[str, Any] = {}
    for key, value in values.items():
        path = AMENDABLE[key]
        old = get_field(current, path)
        sealed = (current.get("sealed") or {}).get(path) or {}
        kind_of_hash = dict(personal_fields(current)).get(path)
        if (value == old and not sealed) or (
                sealed.get("hash") and kind_of_hash and same_as_sealed is not None
                and same_as_sealed(kind_of_hash, str(value), str(sealed["hash"]))):
            problems.append(f"{LABELS[path]}与现登记相同，无需更正")
        else:
            changed[path] = value
    if problems:
        raise ValidationError("更正登记信息有误：", details=problems)
    before = {path: shown_before(current, path) for path in changed}
    return {"reason": str(reason).strip(), "fields": nested(changed), "before": nested(before)}


def amendment_problems(case: dict[str, Any], data: Mapping[str, Any]) -> list[str]:
    """What ``verify`` (through ``authorize``) holds an ``amend`` action's data to: only fields
    that may be corrected, and the values they replace as the registration then stood."""
    fields, before = data.get("fields"), data.get("before")
    if not isinstance(fields, dict) or not isinstance(before, dict) or not fields:
        return ["更正登记信息的记录不完整（缺少更正内容或更正前的值）"]
    paths = flat(fields)
    problems = [f"“{path[:30]}”不是可以更正的登记项" for path in paths if path not in LABELS]
    current = current_registration(case)
    if flat(before) != {path: shown_before(current, path) for path in paths}:
        problems.append("记录的更正前的值与当时的登记信息不符")
    return problems


def describe_amendment(data: Mapping[str, Any], config: Any = None) -> str:
    """``联系电话 138****1234 → 139****5678；理由：…`` (personal values masked, as on screen; the
    payer's kind, the category and the region by their names where ``config`` gives them)."""
    before = flat(data.get("before") or {})
    fields = flat(data.get("fields") or {})
    # an address is personal data only of an individual (one who is one, or becomes one here)
    individual = fields.get("payer.kind") == "individual" or (
        "payer.kind" not in fields and "*" in str(before.get("payer.address", "")))
    personal = {p for p in dict(REGISTRATION_PERSONAL) if p != "payer.address" or individual}
    parts = []
    for path, value in fields.items():
        new = value
        if isinstance(value, str) and "*" not in value:
            new = mask_field(path, value) if path in personal else mask_personal_data(value)
        parts.append(f"{LABELS.get(path, path)} {_short(_named(path, before.get(path), config))} → "
                     f"{_short(_named(path, new, config))}")
    return "；".join(parts) + f"；理由：{_short(data.get('reason'))}"


def _named(path: str, value: Any, config: Any) -> Any:
    from disputectl.rules.validation import PAYER_KINDS

    if path == "payer.kind":
        return PAYER_KINDS.get(str(value), value)
    categories, regions = getattr(config, "categories", {}), getattr(config, "regions", {})
    if path == "category" and value in categories:
        return f"{value} {categories[value].name}"
    if path == "region" and value in regions:
        return regions[value]
    return value


def _short(value: Any) -> str:
    text = "（空）" if value in (None, "") else str(value).replace("\n", " ")
    return text if len(text) <= 40 else text[:40] + "…"


def summary(data: Mapping[str, Any]) -> str:
    """``联系电话、缴费人名称或姓名``: what a correction changed, for the commit and the timeline."""
    return "、".join(LABELS.get(path, path) for path in flat(data.get("fields") or {}))


def issued_before(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The notices issued before the last correction: they keep the registration as it then
    stood (``show`` lists them, so nobody mistakes them for the corrected text)."""
    corrections = {id(action) for action in amendments(case)}
    last = next((i for i in range(len(case["actions"]) - 1, -1, -1) if id(case["actions"][i]) in corrections), None)
    if last is None:
        return []
    replaced = {n.get("replaces") for a in case["actions"] for n in a.get("notices", [])}
    return [n for a in case["actions"][:last] for n in a.get("notices", [])
            if (n.get("number") or n.get("path")) and n.get("number") not in replaced]
