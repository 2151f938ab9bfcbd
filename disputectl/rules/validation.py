"""Checks of what officers type in: identifiers, phone numbers, dates; and masking for display."""

from __future__ import annotations

import re
from datetime import date, datetime

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$", re.ASCII)
# C0 and C1 controls (tab and line breaks allowed), line/paragraph separators, bidi overrides
# and isolates (they reorder what an officer sees), and the two non-characters U+FFFE/U+FFFF.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
# Characters that show nothing: zero-width space, joiners and word joiner, the byte-order mark,
# soft hyphen, invisible operators, Hangul fillers and the like. Text made only of these (and
# spaces) looks empty on the screen and on paper, so it is refused like empty text.
INVISIBLE_RE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2060-\u2064"
                          r"\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
# Invisible characters with no use inside a name (the joiners U+200C/U+200D are kept: some
# scripts and emoji need them between visible characters); a name holding one looks the same
# as the name without it, and would be a second payer that no search finds.
NAME_INVISIBLE_RE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f"
                               r"\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0]")
# Lone surrogates: bytes that were not UTF-8 (e.g. a GBK argument); they cannot be stored.
SURROGATE_RE = re.compile(r"[\ud800-\udfff]")

PAYER_KINDS = {"employer": "用人单位", "individual": "个人"}
CHANNELS = ("来访", "来电", "来信", "网上", "其他部门转来")


def check_uscc(value: str) -> str | None:
    """Return a problem (Chinese) or None for a 统一社会信用代码."""
    # python-stdnum is imported here: only registering needs it, every action imports this module
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError as StdnumError

    try:
        uscc.validate(value)
    except StdnumError:
        return f"统一社会信用代码“{as_typed(value)}”无效（应为18位且校验位正确）"
    return None


def check_ric(value: str) -> str | None:
    if not ric_is_valid(value):
        return f"居民身份证号码“{as_typed(value)}”无效（应为18位且校验位、出生日期正确）"
    return None


def ric_is_valid(value: str) -> bool:
    """18 characters, the check digit right, a real birth date. The district code is not held to
    the list of its birth year (stdnum's ``validate`` does): a number issued where the holder was
    registered, or under a code renamed since, is a real person's all the same."""
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError as StdnumError

    number = value.strip().upper()
    if len(number) != 18 or not number[:-1].isascii() or not number[:-1].isdigit():
        return False
    try:
        return number[-1] == ric.calc_check_digit(number) and ric.get_birth_date(number).year >= 1900
    except StdnumError:
        return False


def check_phone(value: str) -> str | None:
    compact = value.replace(" ", "")
    if MOBILE_RE.match(compact) or LANDLINE_RE.match(compact):
        return None
    return f"联系电话“{as_typed(value)}”无效（手机号11位，固定电话如 0571-88886666）"


def is_valid_identifier(value: str) -> bool:
    """A 统一社会信用代码 or 居民身份证号码 whose check digit (and, for a person, birth date) holds."""
    from stdnum.cn import uscc

    return bool(uscc.is_valid(value) or ric_is_valid(value))


def as_typed(value: str) -> str:
    """A value the check refused, quoted as the officer typed it so the mistake can be seen: an
    invalid number is nobody's personal data. One that is a valid identifier or mobile all the
    same (a person's ID number typed as a company's code) stays masked."""
    shown = CONTROL_RE.sub("?", SURROGATE_RE.sub("?", value.strip()))[:40]
    compact = shown.replace(" ", "").upper()
    if is_valid_identifier(compact):
        return mask_identifier(compact)
    if MOBILE_RE.match(compact):
        return mask_phone(compact)
    return shown


def check_text(label: str, value: object, *, max_length: int = 2000, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"{label}不能为空" if required else None
    if not isinstance(value, str):
        return f"{label}应为文字"
    if SURROGATE_RE.search(value):
        return f"{label}含有无法识别的字符（不是 UTF-8 编码的文字）"
    if CONTROL_RE.search(value):
        return f"{label}含有不可见的控制字符"
    if len(value) > max_length:
        return f"{label}过长（{len(value)} 字，最多 {max_length} 字）"
    if not INVISIBLE_RE.sub("", value).strip():
        return f"{label}只有不可见的字符（如零宽空格），请填写实际内容"
    return None


def check_name(label: str, value: object, *, max_length: int = 200, required: bool = True) -> str | None:
    """A name (of a payer, a contact person): text on one line, with no invisible characters."""
    problem = check_text(label, value, max_length=max_length, required=required)
    if problem or not isinstance(value, str):
        return problem
    text = value.strip()
    if any(ch in "\t\n\r" for ch in text):
        return f"{label}不能含换行或制表符，请写在一行内"
    invisible = NAME_INVISIBLE_RE.search(text)
    if invisible:
        return f"{label}含有不可见的字符（U+{ord(invisible.group()):04X}），请删去后重新输入"
    return None


def parse_date(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


_CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def parse_clock_time(value: object) -> str | None:
    """A time of day typed as ``9:30``/``09:30`` (or with a full-width colon) → ``"09:30"``."""
    match = _CLOCK_TIME.match(str(value).strip())
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def parse_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip().replace(" ", "T", 1)
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None
    return None


def mask_identifier(value: str) -> str:
    """``11010519491231002X`` → ``1101**********002X``; short values are masked whole."""
    if len(value) >= 10:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    return "*" * len(value)


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; landlines keep area code and last four."""
    digits = value.strip()
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) >= 8:  # never the whole number: a 7-digit value kept 3 + 4 in full
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)
