"""JSON Schema validation of config and case files, with problems worded in Chinese.

Every action checks a case file twice (as read and as written). jsonschema takes ~0.1 s to
import, more than the rest of an action, so case files are first checked by a validator
generated from ``schemas/case.schema.json`` with fastjsonschema (``disputectl/case_check.py``,
``python -m disputectl.rules.schema`` writes it again; a test keeps it in step with the schema). Only a
file it refuses is checked again by jsonschema, whose errors are worded for the officer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from disputectl.resources import resource_dir

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
        known = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        extra = [str(k) for k in (error.instance or {}) if k not in known] if isinstance(error.instance, dict) else []
        return f"{where}：有不认识的字段（{'、'.join(extra) or '未知'}）" + (f"，可用：{'、'.join(sorted(known))}" if known else "")
    if v in ("minimum", "maximum"):
        low, high = error.schema.get("minimum"), error.schema.get("maximum")
        bounds = f"（应在 {low} 至 {high} 之间）" if low is not None and high is not None else ""
        return f"{where}：数值超出范围{bounds}"
    return f"{where}：{error.message}"


def schema_errors(name: str, instance: Mapping[str, Any] | Any) -> list[str]:
    validator = _validator(name)
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    return list(dict.fromkeys(_describe(e) for e in errors))  # one "缺少" line per object, not per key


def case_errors(case: Mapping[str, Any] | Any) -> list[str]:
    """Problems of a case record against the case schema ([] when it conforms)."""
    from disputectl.rules.case_check import JsonSchemaValueException as SchemaViolation
    from disputectl.rules.case_check import validate

    try:
        validate(case)
    except SchemaViolation as exc:
        # jsonschema words the problems; the generated check is the stricter of the two (a
        # pattern's ``$`` does not match before a final line break there), so keep its word.
        where = exc.message.split(" ", 1)[0].removeprefix("data").lstrip(".") or "（顶层）"
        return schema_errors("case", case) or [f"{where}：格式不对（含多余的换行等）"]
    return []


# The generated check raises its own error: it imports nothing of disputectl's, so that this
# module may import it without a circle.
_EXCEPTION_CLASS = """\
class JsonSchemaValueException(ValueError):
    \"\"\"A case file the schema refuses (fastjsonschema's name for it).\"\"\"

    def __init__(self, message, *args, **kwargs):
        super().__init__(message)
        self.message = message


JsonSchemaValuesException = JsonSchemaValueException  # caught where an if/then tries its condition
"""


def _generated_header(schema_bytes: bytes) -> str:
    import hashlib

    return ("# Generated from schemas/case.schema.json by `python -m disputectl.rules.schema` (fastjsonschema).\n"
            "# Do not edit: change the schema and generate again (tests/test_schema_check.py checks).\n"
            f"# schema sha256: {hashlib.sha256(schema_bytes).hexdigest()}\n"
            "# ruff: noqa\n"
            "# mypy: ignore-errors\n")


def generate_case_check() -> str:
    """The source of ``disputectl/case_check.py``."""
    import fastjsonschema

    raw = (resource_dir("schemas") / "case.schema.json").read_bytes()
    schema = json.loads(raw)
    schema.pop("$id", None)  # a relative $id would be fetched as a URL
    code = fastjsonschema.compile_to_code(_const_as_enum(schema), use_default=False, detailed_exceptions=False)
    imports = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException"
    if imports not in code:
        raise RuntimeError("fastjsonschema's generated code changed shape: review generate_case_check")
    code = code.replace(imports, _EXCEPTION_CLASS)
    code = "\n".join(line for line in code.splitlines() if not line.startswith("VERSION = "))
    return _generated_header(raw) + code.strip() + "\n"


def _const_as_enum(node: Any) -> Any:
    # {"const": x} is {"enum": [x]}; fastjsonschema words a failed const only in detailed mode
    if isinstance(node, dict):
        out = {k: _const_as_enum(v) for k, v in node.items() if k != "const"}
        if "const" in node:
            out["enum"] = [node["const"]]
        return out
    if isinstance(node, list):
        return [_const_as_enum(v) for v in node]
    return node


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).with_name("case_check.py")
    target.write_text(generate_case_check(), encoding="utf-8")
    print(f"wrote {target.name}")
