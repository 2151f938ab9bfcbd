"""JSON Schema validation of config and case files, with problems worded in Chinese."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from .resources import resource_dir

_TYPE_NAMES = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
    "array": "列表",
    "object": "映射",
    "null": "空值",
}


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    path = resource_dir("schemas") / f"{name}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _where(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "（顶层）"


def _describe(error: Any) -> str:
    where = _where(error.absolute_path)
    v = error.validator
    if v == "required":
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        return f"{where}：缺少必填项 {'、'.join(missing)}"
    if v == "type":
        expected = error.validator_value
        names = [_TYPE_NAMES.get(str(t), str(t)) for t in (expected if isinstance(expected, list) else [expected])]
        return f"{where}：应为{'或'.join(names)}"
    if v == "enum":
        return f"{where}：取值“{error.instance}”无效，可用：{'、'.join(map(str, error.validator_value))}"
    if v == "const":
        return f"{where}：应为 {error.validator_value}"
    if v == "pattern":
        return f"{where}：格式不对（“{error.instance}”）"
    if v in ("minLength", "minItems"):
        return f"{where}：不能为空"
    if v in ("maxLength", "maxItems"):
        return f"{where}：过长（最多 {error.validator_value}）"
    if v == "additionalProperties":
        return f"{where}：有不认识的字段（{error.message.split('(')[-1].rstrip(')')}）"
    if v in ("minimum", "maximum"):
        return f"{where}：数值超出范围"
    return f"{where}：{error.message}"


def schema_errors(name: str, instance: Mapping[str, Any] | Any) -> list[str]:
    validator = _validator(name)
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    return [_describe(e) for e in errors]
