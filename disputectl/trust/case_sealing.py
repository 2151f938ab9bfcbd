"""Sealing a case's personal data in place, and opening it for an officer allowed to see it.

The field keeps the masked form (what every list, notice and report shows); beside it, the
record's ``sealed`` map holds ``{field: {box, hash}}`` (see ``trust.sealing``). The registration
is one record (``registration``), each action another (its id): the associated data of a box
names the case, the record and the field.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from disputectl.rules.amend import FIELDS_PREFIX, current_registration, flat
from disputectl.rules.personal import (
    REGISTRATION_TEXT,
    action_text_fields,
    get_field,
    has_personal_data,
    mask_field,
    mask_personal_data,
    personal_fields,
    set_field,
)
from disputectl.trust.sealing import (
    Hasher,
    Opener,
    OpenError,
    Sealer,
    aad_for,
    box_parts,
    clear_token,
)

REGISTRATION = "registration"


def seal_registration(reg: dict[str, Any], case_id: str, sealer: Sealer, hasher: Hasher | None) -> None:
    """Replace the registration's personal values by their masked forms, sealed beside them."""
    sealed: dict[str, Any] = {}
    for name, kind in personal_fields(reg):
        value = get_field(reg, name)
        if not isinstance(value, str) or not value:
            continue
        entry = {"box": sealer.seal(value, aad_for(case_id, REGISTRATION, name))}
        if kind and hasher is not None:
            entry["hash"] = hasher.token(kind, value)
        sealed[name] = entry
        set_field(reg, name, mask_field(name, value))
    for name in REGISTRATION_TEXT:
        value = get_field(reg, name)
        if name not in sealed and isinstance(value, str) and has_personal_data(value):
            sealed[name] = {"box": sealer.seal(value, aad_for(case_id, REGISTRATION, name))}
            set_field(reg, name, mask_personal_data(value))
    if sealed:
        reg["sealed"] = sealed


def seal_action(entry: dict[str, Any], case_id: str, sealer: Sealer, hasher: Hasher | None = None,
                registration: dict[str, Any] | None = None) -> None:
    """Free text of an action that holds an identifier or mobile number: masked, sealed beside.
    A correction of the registration (``amend``) seals its corrected personal values as the
    registration's own, with their keyed hash; ``registration``: the one in effect after it."""
    sealed: dict[str, Any] = {}
    if entry["action"] == "amend" and registration is not None:
        sealed.update(_seal_amendment(entry, case_id, sealer, hasher, registration))
    for name in action_text_fields(entry["data"]):
        value = entry["data"][name]
        if has_personal_data(value):
            sealed[name] = {"box": sealer.seal(value, aad_for(case_id, entry["id"], name))}
            entry["data"][name] = mask_personal_data(value)
    if sealed:
        entry["sealed"] = sealed


def _seal_amendment(entry: dict[str, Any], case_id: str, sealer: Sealer, hasher: Hasher | None,
                    registration: dict[str, Any]) -> dict[str, Any]:
    sealed: dict[str, Any] = {}
    personal = dict(personal_fields(registration))
    for path, value in flat(entry["data"].get("fields") or {}).items():
        name = FIELDS_PREFIX + path
        if not isinstance(value, str) or not value:
            continue
        if path in personal:
            box: dict[str, Any] = {"box": sealer.seal(value, aad_for(case_id, entry["id"], name))}
            if personal[path] and hasher is not None:
                box["hash"] = hasher.token(str(personal[path]), value)
            sealed[name] = box
            set_field(entry["data"], name, mask_field(path, value))
        elif path in REGISTRATION_TEXT and has_personal_data(value):
            sealed[name] = {"box": sealer.seal(value, aad_for(case_id, entry["id"], name))}
            set_field(entry["data"], name, mask_personal_data(value))
    return sealed


def strip_sealed(case: dict[str, Any]) -> dict[str, Any]:
    """``case`` (opened) without its sealed maps: as it would be in a store kept in clear."""
    case.get("registration", {}).pop("sealed", None)
    for action in case.get("actions", []):
        action.pop("sealed", None)
    return case


def sealed_entries(case: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, str, dict[str, Any]]]:
    """(record, record id, field, sealed entry) of every sealed value in the case."""
    reg = case.get("registration", {})
    for name, entry in (reg.get("sealed") or {}).items():
        yield reg, REGISTRATION, name, entry
    for action in case.get("actions", []):
        for name, entry in (action.get("sealed") or {}).items():
            yield action["data"], str(action.get("id")), name, entry


def opened(case: dict[str, Any], opener: Opener) -> dict[str, Any]:
    """A copy of ``case`` with every sealed value in clear (``OpenError`` names a bad one)."""
    out = copy.deepcopy(case)
    for record, record_id, name, entry in sealed_entries(out):
        try:
            value = opener.open(str(entry.get("box")), aad_for(case["id"], record_id, name))
        except OpenError as exc:
            raise OpenError(f"{case['id']} 的 {name}：{exc}") from None
        set_field(record, name, value)
    return out


def lookup_tokens(case: dict[str, Any]) -> list[str]:
    """What ``list --payer-id/--phone`` and the 重复反映 check look for: the keyed hashes of a
    sealed case; of a case kept in clear, the normalized values."""
    reg = current_registration(case)  # as corrected: a corrected ID is found by the corrected one
    sealed = reg.get("sealed") or {}
    out = []
    for name, kind in personal_fields(reg):
        if not kind:
            continue
        if name in sealed:
            if sealed[name].get("hash"):
                out.append(str(sealed[name]["hash"]))
        elif isinstance(value := get_field(reg, name), str) and value and "*" not in value:
            out.append(clear_token(kind, value))
    return out


def seal_problems(case: dict[str, Any], suite: str, key_ids: Callable[[str], bool],
                  new_records: set[str] | None = None) -> Iterator[str]:
    """What verify finds without any key, in a store that encrypts: personal values in clear
    and boxes that are not well formed or not of the store's suite and keys. ``new_records``:
    only these records are checked (the ones a commit added)."""
    reg = case.get("registration") or {}
    sealed = reg.get("sealed") or {}
    if new_records is None or REGISTRATION in new_records:
        for name, _ in personal_fields(reg):
            value = get_field(reg, name)
            if isinstance(value, str) and value and name not in sealed:
                yield f"登记信息的 {name} 是明文（本案件库的个人信息应加密保存）"
            elif name in sealed and isinstance(value, str) and value != _masked_shape(name, value):
                yield f"登记信息的 {name} 不是遮蔽后的形式"
        for name in REGISTRATION_TEXT:
            value = get_field(reg, name)
            if name not in sealed and isinstance(value, str) and has_personal_data(value):
                yield f"登记信息的 {name} 含有明文的证件号码或手机号"
        for attachment in reg.get("attachments") or []:
            if has_personal_data(str(attachment.get("name", ""))):
                yield "附件名含有明文的证件号码或手机号"
    for action in case.get("actions", []):
        if new_records is not None and str(action.get("id")) not in new_records:
            continue
        for attachment in action.get("attachments") or []:
            if has_personal_data(str(attachment.get("name", "")).split("-", 2)[-1]):
                yield "附件名含有明文的证件号码或手机号"
    for _, record_id, name, entry in sealed_entries(case):
        if new_records is not None and record_id not in new_records:
            continue
        parts = box_parts(entry.get("box") if isinstance(entry, dict) else None)
        if parts is None:
            yield f"{name} 的密文格式不对（被改动过？）"
        elif parts[0] != suite:
            yield f"{name} 用 {parts[0]} 加密，而本案件库用 {suite}"
        elif not key_ids(parts[1]):
            yield f"{name} 由不属于本案件库的数据密钥（{parts[1]}）加密"
    for action in case.get("actions", []):
        if new_records is not None and str(action.get("id")) not in new_records:
            continue
        for name in action_text_fields(action.get("data") or {}):
            if has_personal_data(action["data"][name]):
                yield f"操作记录的 {name} 含有明文的证件号码或手机号"
        if action.get("action") == "amend":
            yield from _amendment_seal_problems(case, action)


def _amendment_seal_problems(case: dict[str, Any], action: dict[str, Any]) -> Iterator[str]:
    data = action.get("data") or {}
    sealed = action.get("sealed") or {}
    personal = dict(personal_fields(current_registration(case, upto=str(action.get("id")))))
    for path, value in flat(data.get("fields") or {}).items():
        if not isinstance(value, str) or not value:
            continue
        name = FIELDS_PREFIX + path
        if path in personal and name not in sealed:
            yield f"更正登记信息的 {path} 是明文（本案件库的个人信息应加密保存）"
        elif path in personal and value != _masked_shape(path, value):
            yield f"更正登记信息的 {path} 不是遮蔽后的形式"
        elif name not in sealed and has_personal_data(value):
            yield f"更正登记信息的 {path} 含有明文的证件号码或手机号"
    for path, value in flat(data.get("before") or {}).items():
        if isinstance(value, str) and has_personal_data(value):
            yield f"更正登记信息记录的原值 {path} 含有明文的证件号码或手机号"


def masked(case: dict[str, Any], record_id: str, name: str, value: str) -> str:
    """The masked form a sealed value is shown by: a personal field's own mask (an identifier
    keeps its first and last four), any other text with each ID and mobile in it masked."""
    if record_id == REGISTRATION and name in dict(personal_fields(case.get("registration", {}))):
        return mask_field(name, value)
    if name.startswith(FIELDS_PREFIX):  # a corrected registration value: masked as the registration's
        path = name.removeprefix(FIELDS_PREFIX)
        if path in dict(personal_fields(current_registration(case, upto=record_id))):
            return mask_field(path, value)
    return mask_personal_data(value)


def _masked_shape(name: str, value: str) -> str:
    """A stored masked value is left as it is by masking again; a clear one is not."""
    return mask_field(name, value) if "*" not in value else value



def resealing_problems(old: dict[str, Any], new: dict[str, Any], suite: str, key_id: str) -> Iterator[str]:
    """``migrate encrypt`` / ``key rotate`` of one case: the new file is the old one with its
    personal values (newly) sealed under ``key_id`` and masked as masking the old values gives;
    nothing else differs. Checked without any key."""
    yield from seal_problems(new, suite, lambda k: k == key_id)
    expected, got = copy.deepcopy(old), copy.deepcopy(new)
    actions = {str(a.get("id")): a for a in expected.get("actions", [])}
    for _, record_id, name, _ in list(sealed_entries(got)):
        if record_id == REGISTRATION:
            record = expected.get("registration", {})
            if name in (record.get("sealed") or {}):
                continue  # sealed before: its masked form stays as it was
        else:
            record = (actions.get(record_id) or {}).get("data", {})
        value = get_field(record, name)
        if isinstance(value, str):
            set_field(record, name, masked(expected, record_id, name, value))
    if strip_sealed(expected) != strip_sealed(got):
        yield "除个人信息的加密外还改动了案件内容"


def opening_problems(case: dict[str, Any], opener: Opener, hasher: Hasher) -> Iterator[str]:
    """What only a key can tell (``verify --open``): every box opens where it is, and its masked
    form and keyed hash are those of what it holds."""
    for record, record_id, name, entry in sealed_entries(case):
        try:
            clear = opener.open(str(entry.get("box")), aad_for(case["id"], record_id, name))
        except OpenError as exc:
            yield f"{name}：{exc}"
            continue
        if get_field(record, name) != masked(case, record_id, name, clear):
            yield f"{name}：显示的遮蔽形式与密文中的值不符"
        token = entry.get("hash")
        kind = dict(personal_fields(case["registration"])).get(name) if record_id == REGISTRATION else None
        if kind and not token:
            yield f"{name}：没有检索散列（登记人的密钥无法解开检索密钥时如此；系统管理员运行 disputectl key rotate 补上）"
        if token and hasher.token(str(token).split(":")[1], clear) != token:
            yield f"{name}：检索散列与密文中的值不符（按证件号码或电话查找会找不到或找错）"
