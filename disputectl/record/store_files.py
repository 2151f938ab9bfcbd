"""The only code that reads and writes case files (and the store's config).

A case file is YAML in one canonical form (fixed indent, width and key order) so that a diff
shows only what changed. Loading never constructs Python objects (safe loader only), refuses
duplicate keys, aliases and tags, and validates against ``schemas/case.schema.json``.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from disputectl.errors import NotFound, StoreError, ValidationError
from disputectl.record.canonical_yaml import GIVE_UP
from disputectl.rules.calendar import YEAR_FILE, WorkCalendar, YearSchedule, parse_year_schedule
from disputectl.rules.config import CONFIG_FILE, Config, parse_config
from disputectl.rules.numbering import CASE_ID_RE

CASES_DIR = "cases"
CALENDAR_DIR = "calendar"
CASE_SCHEMA_VERSION = 1
MAX_YAML_BYTES = 5_000_000
# Top-level key order of a case file; anything else sorts after, alphabetically.
_CASE_KEY_ORDER = ["schema_version", "id", "registration", "actions", "state"]


def normalize_case_id(text: str) -> str:
    # Full-width input from a Chinese IME (ＳＷ－２０２６…) is the same number; nothing else is.
    case_id = unicodedata.normalize("NFKC", text).strip().upper()
    if not CASE_ID_RE.fullmatch(case_id):
        raise NotFound(f"案件编号“{text[:40]}”格式不对（应如 SW-20261126-001）。")
    return case_id


def case_dir(case_id: str) -> str:
    """``SW-20261126-001`` → ``cases/2026/11/26``: one small leaf folder per registration day."""
    d = CASE_ID_RE.match(case_id)
    if d is None:
        raise NotFound(f"案件编号“{case_id[:40]}”格式不对。")
    day = d.group("date")
    return f"{CASES_DIR}/{day[:4]}/{day[4:6]}/{day[6:]}"


def case_path(case_id: str) -> str:
    return f"{case_dir(case_id)}/{case_id}.yaml"


def case_files_dir(case_id: str) -> str:
    """Folder beside the case file for its notices, attachments and archive package."""
    return f"{case_dir(case_id)}/{case_id}"


def _ordered(value: Any, top: bool = False) -> Any:
    """Canonical order: known top-level keys first, every other mapping sorted by key."""
    if isinstance(value, Mapping):
        if top:
            keys = [k for k in _CASE_KEY_ORDER if k in value] + sorted(k for k in value if k not in _CASE_KEY_ORDER)
        else:
            keys = sorted(value)
        return {k: _ordered(value[k]) for k in keys}
    if isinstance(value, list | tuple):
        return [_ordered(v) for v in value]
    return value


def dump_yaml(data: Mapping[str, Any], *, case: bool = False) -> bytes:
    """Canonical YAML: block style, two-space indent, width 100, keys in a fixed order, UTF-8."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(_ordered(data, top=case) if case else dict(data), Dumper=dumper, allow_unicode=True,
                     sort_keys=False, default_flow_style=False, width=100, indent=2)
    return text.encode("utf-8")


_ALLOWED_TAGS = frozenset({
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
})


def _strict_loader() -> Any:
    """libyaml's safe loader, refusing aliases, explicit tags and duplicate keys.

    Only plain data is ever built: mappings, lists, strings, numbers, booleans, null and dates.
    The document is built in one direct walk over libyaml's nodes (PyYAML's generic
    constructor spends most of a case file's load in bookkeeping this data never needs), and
    the implicit type of a plain scalar is remembered by its text: a store's files repeat the
    same keys and values thousands of times.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    scalar, sequence = yaml.ScalarNode, yaml.SequenceNode
    str_tag, merge_tag = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"
    resolved: dict[tuple[str, Any], str] = {}

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not scalar:
                return super().resolve(kind, value, implicit)
            key = (value, implicit)
            tag = resolved.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(resolved) > 200_000:
                    resolved.clear()
                resolved[key] = tag
            return tag

        def construct_document(self, node: Any) -> Any:
            return self._build(node, set())

        def _build(self, node: Any, seen: set[int]) -> Any:
            if id(node) in seen:  # the composer hands an alias back as the very node it names
                raise ValidationError("使用了 YAML 锚点或别名（& / *），本工具不接受。")
            seen.add(id(node))
            tag = node.tag
            if tag not in _ALLOWED_TAGS:
                raise ValidationError("使用了 YAML 标签（!…），本工具不接受。")
            if node.__class__ is scalar:
                return node.value if tag == str_tag else self.yaml_constructors[tag](self, node)
            if node.__class__ is sequence:
                return [self._build(child, seen) for child in node.value]
            mapping: dict[Any, Any] = {}
            raw_keys: set[str] = set()
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if key_node.tag == merge_tag:
                    raise ValidationError(f"第 {line} 行：使用了 YAML 合并键（<<），本工具不接受。")
                if key_node.__class__ is not scalar:
                    raise ValidationError(f"第 {line} 行：键应为简单的文字或数字。")
                if key_node.value in raw_keys:
                    raise ValidationError(f"第 {line} 行：有重复的键“{str(key_node.value)[:30]}”")
                raw_keys.add(key_node.value)
                mapping[self._build(key_node, seen)] = self._build(value_node, seen)
            if len(mapping) != len(node.value):  # different spellings of one key: 1 / 0x1, yes / true
                raise ValidationError(f"第 {node.start_mark.line + 1} 行起：有重复的键（写法不同但值相同）")
            return mapping

    return StrictLoader


_LOADER: Any = None
_CANONICAL: Any = None


def load_yaml(data: bytes, *, source: str) -> Any:
    """Parse YAML safely; a problem becomes a ValidationError naming ``source``.

    A file in the shape ``dump_yaml`` writes is read by ``canonical_yaml`` (a fraction of the
    time); any other is read by the strict loader, as the canonical reader gives up on it.
    """
    import yaml

    global _LOADER, _CANONICAL
    if _LOADER is None:
        from disputectl.record.canonical_yaml import Reader

        _LOADER = _strict_loader()
        _CANONICAL = Reader(lambda text: yaml.load(text, Loader=_LOADER))  # noqa: S506 - strict safe loader
    if len(data) > MAX_YAML_BYTES:
        raise ValidationError(f"{source} 过大（超过 {MAX_YAML_BYTES // 1_000_000} MB），拒绝读取。")
    quick = _CANONICAL.load(data)
    if quick is not GIVE_UP:
        return quick
    try:
        return yaml.load(data, Loader=_LOADER)  # noqa: S506 - a strict subclass of the safe loader
    except ValidationError as exc:
        raise ValidationError(f"{source} {exc.message}") from None
    except yaml.reader.ReaderError:
        raise ValidationError(f"{source} 含有无法识别的字符：请以 UTF-8 编码保存（如从 GBK 转换），且不含控制字符。") from None
    except yaml.YAMLError as exc:
        raise ValidationError(f"{source} 不是有效的 YAML：{_yaml_problem(exc)}") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise ValidationError(f"{source} 内容无效：{str(exc)[:100]}") from None


# libyaml's words for what is wrong, as an officer reads them (the rest: 格式有误)
_YAML_PROBLEMS = {
    "did not find expected node content": "此处缺少内容",
    "did not find expected key": "缩进或冒号有误，找不到应有的键",
    "did not find expected '-' indicator": "列表项缩进有误",
    "mapping values are not allowed here": "此处不能有冒号（含冒号的文字请加引号）",
    "found character that cannot start any token": "有不能出现在此处的字符（如制表符或 @、`）",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    "found undefined alias": "使用了未定义的别名",
    "could not find expected ':'": "缺少冒号",
    "found unexpected ':'": "多余的冒号",
    "expected <block end>, but found": "缩进有误",
    "while scanning a quoted scalar": "引号未闭合",
    "found duplicate anchor": "锚点重复",
}


def _yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = str(getattr(exc, "context", None) or "")
    words = next((cn for en, cn in _YAML_PROBLEMS.items() if en in problem or en in context),
                 problem if not problem.isascii() else "格式有误")
    return f"第 {mark.line + 1} 行：{words}" if mark is not None else words


def validate_case(case: Mapping[str, Any], *, source: str) -> None:
    from disputectl.rules.schema import case_errors

    problems = case_errors(case)
    if problems:
        raise ValidationError(f"{source} 不符合案件文件格式：", details=problems[:20])


def parse_case(data: bytes, *, source: str, validate: bool = True) -> dict[str, Any]:
    """A case file's record; ``validate=False`` (the derived index only) skips the JSON Schema check."""
    case = load_yaml(data, source=source)
    if not isinstance(case, dict):
        raise ValidationError(f"{source} 不是案件记录。")
    if validate:
        validate_case(case, source=source)
    return case


def serialize_case(case: Mapping[str, Any]) -> bytes:
    """The case file's bytes: the record, the actions and the stored part of the derived state."""
    from disputectl.rules.derive import stored_state

    record = {**case, "state": stored_state(case["state"])}
    validate_case(record, source=f"案件 {case.get('id', '?')}")
    return dump_yaml(record, case=True)


DEFAULT_STORE_NAME = "cases"


def is_store(folder: Path) -> bool:
    return (folder / CONFIG_FILE).is_file() and (folder / ".git").exists()


def find_store_root(path: Path) -> Path:
    """The store at ``path``; for the default (``cases``, no --store or DISPUTECTL_STORE given)
    also the store that holds the current folder, as git finds its repository from inside it."""
    root = path.expanduser()
    if is_store(root):
        return root.resolve()
    if str(path) == DEFAULT_STORE_NAME:
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            if is_store(folder):
                return folder
    raise StoreError(f"“{path}”不是案件库：请先运行 disputectl init {path}，或用 --store 指明案件库位置。")


def load_config_file(root: Path) -> Config:
    path = root / CONFIG_FILE
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"无法读取配置文件 {CONFIG_FILE}：{exc.strerror}") from None
    # Parsing the YAML and the schema check cost more than the rest of a reading command: the
    # checked config is kept as JSON beside the repository and read from there until the file,
    # the config schema or this code (its version, the copy's layout) changes. The
    # cross-reference checks always run.
    import hashlib
    import json

    from disputectl import __version__
    from disputectl.resources import resource_dir

    digest = hashlib.sha256(b"\0".join([
        data, (resource_dir("schemas") / "config.schema.json").read_bytes(), f"{__version__}/1".encode()])).hexdigest()
    cache = root / ".git" / "disputectl-config.json"
    raw: Any = None
    try:
        saved = json.loads(cache.read_bytes())
        if isinstance(saved, dict) and saved.get("sha256") == digest and isinstance(saved.get("config"), dict):
            raw = saved["config"]
    except (OSError, ValueError):
        pass
    checked = raw is not None
    if raw is None:
        raw = load_yaml(data, source=CONFIG_FILE)
        if not isinstance(raw, dict):
            raise ValidationError(f"配置文件 {CONFIG_FILE} 应为映射。")
    config = parse_config(raw, schema_checked=checked)
    if not checked:
        try:
            text = json.dumps({"sha256": digest, "config": raw}, ensure_ascii=False)
        except (TypeError, ValueError):
            return config  # e.g. a YAML date in it: read it from the file each time
        if json.loads(text)["config"] == raw:  # only what JSON gives back unchanged
            partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
            try:
                partial.write_text(text, encoding="utf-8")
                os.replace(partial, cache)
                cache.with_name("disputectl-config.checked").unlink(missing_ok=True)  # what earlier versions kept
            except OSError:
                partial.unlink(missing_ok=True)
    return config


def load_calendar(folder: Path | None) -> WorkCalendar:
    """The store's working-day calendar: every ``folder/<YYYY>.yaml`` over the State Council's
    schedule; a missing folder means no overrides."""
    if folder is None or not folder.is_dir():
        return WorkCalendar()
    overrides: dict[int, YearSchedule] = {}
    problems: list[str] = []
    bad_files: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
            continue
        match = YEAR_FILE.match(path.name)
        if not match:
            bad_files.append(path.name)
            problems.append(f"{path.name}：文件名应为四位年份，如 2027.yaml")
            continue
        year = int(match.group(1))
        try:
            data = load_yaml(path.read_bytes(), source=path.name)
        except ValidationError as e:
            bad_files.append(path.name)
            problems.append(e.message.replace(f"{path.name} ", f"{path.name}：", 1))
            continue
        try:
            overrides[year] = parse_year_schedule(data, year=year)
        except ValidationError as e:
            bad_files.append(path.name)
            problems.extend(f"{path.name}：{d}" for d in (e.details or [e.message]))
    if problems:
        files = "、".join(f"{folder.name}/{name}" for name in bad_files)
        raise ValidationError(f"节假日安排文件有误：{files}", details=problems)
    return WorkCalendar(overrides)


def recorded_files(case: Mapping[str, Any]) -> dict[str, str]:
    """{path: sha256} of every file the case record vouches for: attachments, issued notices,
    the archive package. Their bytes never change once recorded."""
    found = {a["path"]: a["sha256"] for a in case["registration"].get("attachments", []) if a.get("path")}
    for action in case["actions"]:
        for notice in action.get("notices", []):
            if notice.get("path") and notice.get("sha256"):
                found[notice["path"]] = notice["sha256"]
        for attachment in action.get("attachments", []):
            if attachment.get("path") and attachment.get("sha256"):
                found[attachment["path"]] = attachment["sha256"]
    return found


def load_keyring(root: Path) -> Any:
    """The store's keyring (``trust.sealing.Keyring``), or None: personal data kept in clear."""
    from disputectl.trust.sealing import KEYRING_FILE, parse_keyring

    try:
        data = (root / KEYRING_FILE).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"无法读取密钥文件 {KEYRING_FILE}：{exc.strerror}") from None
    try:
        return parse_keyring(load_yaml(data, source=KEYRING_FILE))
    except ValidationError as exc:
        raise StoreError(f"密钥文件 {KEYRING_FILE} 已损坏：{exc.message}。请运行 disputectl doctor，或从其他单位的副本同步。") from None
