"""Personal data in a case: which fields hold it, how it is masked, and finding it in free text.

Identifiers (居民身份证号码, 统一社会信用代码), telephone numbers and an individual's address are
personal data (个人信息保护法). Stores written since encryption came (``keyring.yaml``) keep them
only sealed (``trust.sealing``): the field itself holds the masked form, and the record's
``sealed`` map holds, under the field's name, the ciphertext and a keyed hash. Free text an
officer types (matter, request, facts, notes…) is searched for identifiers and mobile numbers
at input: text that holds one is stored masked, its full form sealed in the same way.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from disputectl.rules.validation import is_valid_identifier, mask_identifier, mask_phone

_ID_CHAR = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_DIGIT = "0-9\uff10-\uff19"
_D = f"[{_DIGIT}]"
# what people put between groups of digits: spaces (also full-width), dashes, dots, underscores
_SEP = "[ \u3000\\-\uff0d.\uff0e_\u2010-\u2015]?"
# 18 characters, the 3rd to 8th an area code: 居民身份证号码 and 统一社会信用代码 alike
IDENTIFIER_RE = re.compile(f"(?<![{_ID_CHAR}])[{_ID_CHAR}]{{2}}{_D}{{6}}[{_ID_CHAR}]{{10}}(?![{_ID_CHAR}])")
# a 居民身份证号码 however it is written: after letters (ID330106…), in groups (330106 19850312 4811),
# and the old 15-digit form (area, YYMMDD, sequence)
RIC_RE = re.compile(f"(?<!{_D})[1-9\uff11-\uff19]{_D}{{5}}{_SEP}(?:19|20|\uff11\uff19|\uff12\uff10){_D}{{2}}"
                    f"(?:0[1-9]|1[0-2]|\uff10[\uff11-\uff19]|\uff11[\uff10-\uff12]){_D}{{2}}{_SEP}{_D}{{3}}"
                    f"[0-9Xx\uff10-\uff19\uff38\uff58](?![{_DIGIT}])")
OLD_RIC_RE = re.compile(f"(?<!{_D})[1-9]{_D}{{5}}{_D}{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]{_D}|3[01]){_D}{{3}}(?!{_D})")
MOBILE_RE = re.compile(f"(?<!{_D})(?:(?:\\+|00|\uff0b)?(?:86|\uff18\uff16)[ \u3000\\-\uff0d]?)?[(（]?[1\uff11][3-9\uff13-\uff19]{_D}[)）]?"
                       f"{_SEP}{_D}{{4}}{_SEP}{_D}{{4}}(?!{_D})")
LANDLINE_RE = re.compile(f"(?<!{_D})0{_D}{{2,3}}-{_D}{{7,8}}(?!{_D})")
_FINDERS = (IDENTIFIER_RE, RIC_RE, OLD_RIC_RE, MOBILE_RE)

# (where, field, kind of keyed hash or None): the registration's personal fields. An address is
# personal only for an individual (an employer's is public, printed on its licence).
REGISTRATION_FIELDS = (("payer.id_number", "id"), ("phone", "phone"), ("payer.address", None))
# text of the registration that may hold an identifier or mobile an officer typed into it
REGISTRATION_TEXT = ("matter", "request", "payer.name", "payer.contact_person", "payer.address")
# action data that is codes, dates or numbers, never free text
CODE_FIELDS = frozenset({"to_unit", "units", "unit", "kind", "retention", "code", "void", "outcome", "channel",
                         "result", "method", "date", "on_behalf"})


def mask_address(value: str) -> str:
    """``示例市东区解放路8号`` → ``示例市东区****``: the district stays (it routes the case), the rest is hidden."""
    text = value.strip()
    if not text:
        return text
    keep = min(len(text) // 2, 6)
    return text[:keep] + "****"


def mask_personal_data(text: str) -> str:
    """``text`` with every identifier and telephone number in it masked (as on screen)."""
    for finder in (IDENTIFIER_RE, RIC_RE, OLD_RIC_RE):
        text = finder.sub(lambda m: mask_identifier(m.group()), text)
    text = MOBILE_RE.sub(lambda m: mask_phone(m.group()), text)
    return LANDLINE_RE.sub(lambda m: mask_phone(m.group()), text)


def mask_valid_personal_data(text: str) -> str:
    """``text`` (an error message) with every *valid* identifier and every mobile number in it
    masked: what an officer mistyped is quoted as typed, so the mistake can be seen."""
    def identifier(match: re.Match[str]) -> str:
        compact = re.sub(r"[\s\-.]", "", unicodedata.normalize("NFKC", match.group())).upper()
        return mask_identifier(match.group()) if is_valid_identifier(compact) else match.group()

    for finder in (IDENTIFIER_RE, RIC_RE, OLD_RIC_RE):
        text = finder.sub(identifier, text)
    return MOBILE_RE.sub(lambda m: mask_phone(m.group()), text)


def has_personal_data(text: str) -> bool:
    """Free text that holds an identifier or a mobile number (a landline alone is an office's)."""
    return any(finder.search(text) for finder in _FINDERS)


def normalized(kind: str, value: str) -> str:
    """The form a keyed hash is taken of: full-width folded, case and separators ignored."""
    text = unicodedata.normalize("NFKC", value).strip().upper()
    if kind == "phone":
        digits = re.sub(r"[\s-]", "", text)
        return digits[3:] if digits.startswith("+86") else digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
    return re.sub(r"\s", "", text)


def mask_field(field: str, value: str) -> str:
    if field == "payer.id_number":
        return mask_identifier(value)
    if field == "phone":
        return mask_phone(value)
    if field == "payer.address":
        return mask_address(value)
    return mask_personal_data(value)


def personal_fields(registration: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The registration's personal fields (field, hash kind) for this payer."""
    individual = registration.get("payer", {}).get("kind") == "individual"
    return [(f, k) for f, k in REGISTRATION_FIELDS if f != "payer.address" or individual]


def get_field(record: dict[str, Any], field: str) -> Any:
    value: Any = record
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def set_field(record: dict[str, Any], field: str, value: Any) -> None:
    *parents, last = field.split(".")
    target = record
    for part in parents:
        target = target[part]
    target[last] = value


def action_text_fields(data: dict[str, Any]) -> list[str]:
    """The free-text fields of an action's data."""
    return [k for k, v in data.items() if isinstance(v, str) and k not in CODE_FIELDS]
