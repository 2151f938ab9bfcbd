"""Editing the human-written ``disputectl.yaml`` by command, its comments, order and quoting kept.

The config is read on every command by the fast strict reader (``store_files``); only an admin
change goes through ruamel.yaml's round-trip mode, which keeps what a person wrote around the
values it changes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from disputectl.errors import ValidationError


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=2, offset=0)  # the layout init writes (PyYAML's)
    return yaml


def edit_config_text(text: bytes, change: Callable[[Any], None]) -> bytes:
    """``text`` with ``change`` applied to its round-trip document (a CommentedMap)."""
    from ruamel.yaml.error import YAMLError

    yaml = _yaml()
    try:
        document = yaml.load(text.decode("utf-8"))
    except (YAMLError, UnicodeDecodeError) as exc:
        raise ValidationError(f"配置文件 disputectl.yaml 无法读取，未做改动：{str(exc).splitlines()[0][:120]}") from None
    if not isinstance(document, dict):
        raise ValidationError("配置文件 disputectl.yaml 不是映射，未做改动。")
    change(document)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue().encode("utf-8")


def plain(value: Any) -> Any:
    """A round-trip value as plain dicts and lists (for checking with the schema)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
