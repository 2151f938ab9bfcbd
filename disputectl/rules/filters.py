"""What an officer types into a filter (``list --unit 税务局``, ``--status 已归档``) as the code the
record uses: a code or a Chinese name alike; anything else is an error that lists the valid ones,
never a silent empty list."""

from __future__ import annotations

import unicodedata

from disputectl.errors import ValidationError
from disputectl.rules.config import Config
from disputectl.rules.workflow import STATUSES


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def code_of(value: str, choices: dict[str, list[str]]) -> str | None:
    """The code ``value`` names, by the code itself (any case) or one of its names; None if none."""
    typed = _norm(value)
    for code, names in choices.items():
        if typed and (typed.upper() == code.upper() or typed in {_norm(n) for n in names}):
            return code
    return None


def _pick(value: str, what: str, choices: dict[str, list[str]], labels: dict[str, str]) -> str:
    code = code_of(value, choices)
    if code is not None:
        return code
    typed = _norm(value)
    listed = "、".join(f"{code}（{labels[code]}）" for code in choices)
    raise ValidationError(f"{what}“{typed[:30]}”无效，可用：{listed}")


def status_code(value: str) -> str:
    return _pick(value, "状态", {code: [label] for code, label in STATUSES.items()}, STATUSES)


def unit_code(value: str, config: Config) -> str:
    units = config.units
    return _pick(value, "单位", {u.code: [u.name, u.short] for u in units.values()}, {u.code: u.short for u in units.values()})


def region_code(value: str, config: Config) -> str:
    return _pick(value, "区域", {code: [name] for code, name in config.regions.items()}, dict(config.regions))


def category_code(value: str, config: Config) -> int:
    cats = config.categories
    return int(_pick(value, "争议类别", {str(c.code): [c.name] for c in cats.values()}, {str(c.code): c.name for c in cats.values()}))


def officer_id(value: str, config: Config) -> str:
    officers = config.officers
    return _pick(value, "工作人员", {o.id: [o.name] for o in officers.values()}, {o.id: o.name for o in officers.values()})
