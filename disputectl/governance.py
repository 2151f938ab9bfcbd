"""Changing the rules: officers and their keys, the config, holiday years and templates.

Each change is one commit signed by an officer with the ``admin`` role (as the config stood
before it: a role granted takes effect from the next commit), writing ``disputectl.yaml`` with
its comments kept and the ``allowed_signers`` file that ``git verify-commit`` reads. Nobody edits
these files by hand: a hand edit is never committed, so other offices never see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from disputectl.errors import NotFound, PermissionDenied, ValidationError
from disputectl.record.config_edit import edit_config_text
from disputectl.record.session import Session, commit_message, commit_signed
from disputectl.record.store_files import CALENDAR_DIR, dump_yaml, load_yaml
from disputectl.rules.config import CONFIG_FILE, ROLES, Config, Officer, parse_config
from disputectl.services import FirstAdmin
from disputectl.trust.keys import normalize_public_key
from disputectl.trust.signatures import ALLOWED_SIGNERS_FILE, signers_of

TEMPLATES_DIR = "templates"
MAX_TEMPLATE_BYTES = 5_000_000


@dataclass(frozen=True)
class AdminOutcome:
    summary: str
    commit: str


def require_admin(s: Session) -> Officer:
    officer = s.officer()
    if not officer.has_role("admin"):
        raise PermissionDenied(f"{officer.name}不是系统管理员：人员、配置、节假日和文书模板只能由系统管理员用命令修改。")
    return officer


def _active_admins(config: Config) -> list[str]:
    return [o.id for o in config.officers.values() if o.has_role("admin") and o.key]


def _commit_admin(s: Session, kind: str, summary: str,
                  files_for: Callable[[bytes], dict[str, bytes | None]]) -> AdminOutcome:
    """One signed admin commit; ``files_for`` gets the config at the head and returns the files.
    A change of who may reveal, or of an officer's key, wraps the store's keys anew in it."""
    officer = require_admin(s)
    trailers = {"Action": "admin", "Actor": officer.id, "Unit": officer.unit, "Change": kind}

    def build(head: str | None) -> tuple[dict[str, bytes | None], str, AdminOutcome]:
        current = s.git.read_file(head, CONFIG_FILE) or b""
        files = files_for(current)
        subject = f"配置变更：{summary}（{s.config.unit_label(officer.unit)} {officer.name}）"
        return files, commit_message(subject, trailers), AdminOutcome(summary, "")

    outcome = commit_signed(s, officer, build)
    return AdminOutcome(outcome.summary, s.git.head() or "")


def change_config(s: Session, kind: str, summary: str, change: Callable[[Any], None]) -> AdminOutcome:
    """Apply ``change`` to the config (a round-trip YAML document) in one admin commit."""

    def files_for(current: bytes) -> dict[str, bytes | None]:
        before = parse_config(load_yaml(current, source=CONFIG_FILE))
        text = edit_config_text(current, change)
        raw = load_yaml(text, source=CONFIG_FILE)
        try:
            config = parse_config(raw if isinstance(raw, dict) else {})
        except ValidationError as exc:  # what the admin typed, not the file, is at fault
            raise ValidationError(f"{summary}：修改后的配置有误，未做改动。", details=exc.details) from None
        if config.demo != before.demo:
            raise ValidationError("是否演示案件库在建库时确定，不能修改。")
        if not _active_admins(config):
            raise ValidationError("至少要保留一位登记了公钥、未停用的系统管理员：不能停用、降级或删除最后一位系统管理员。")
        return {CONFIG_FILE: text, ALLOWED_SIGNERS_FILE: signers_of(config), **_rewrapped_keyring(s, config)}

    return _commit_admin(s, kind, summary, files_for)


def _rewrapped_keyring(s: Session, config: Config) -> dict[str, bytes | None]:
    """The keyring wrapped for whom ``config`` entitles (opened with the admin's own key);
    nothing when they are the same people with the same keys."""
    from disputectl.trust.keys import private_key_file
    from disputectl.trust.sealing import KEYRING_FILE, parse_keyring, recipients_for, rewrapped

    raw = s.git.read_file(s.git.head(), KEYRING_FILE)
    if raw is None:
        return {}
    ring = parse_keyring(load_yaml(raw, source=KEYRING_FILE))
    admin = s.officer()
    new = rewrapped(ring, *recipients_for(config), officer=admin.id,
                    private_key=private_key_file(admin.id, admin.key, admin.name))
    return {} if new == ring else {KEYRING_FILE: dump_yaml(new.as_dict())}


# -- officers ------------------------------------------------------------------------------------

def _entry(document: Any, officer_id: str) -> Any:
    for entry in document["officers"]:
        if entry.get("id") == officer_id:
            return entry
    raise NotFound(f"没有工号为“{officer_id}”的工作人员。")


def _roles(text: str) -> list[str]:
    roles = [r.strip() for r in text.replace("，", ",").split(",") if r.strip()]
    by_label = {label: code for code, label in ROLES.items()}
    out = [by_label.get(r, r) for r in roles]
    wrong = [r for r in out if r not in ROLES]
    if wrong or not out:
        raise ValidationError(f"角色“{'、'.join(wrong) or text}”无效，可用：" + "、".join(f"{k}（{v}）" for k, v in ROLES.items()))
    return list(dict.fromkeys(out))


def add_officer(s: Session, officer_id: str, *, name: str, unit: str, roles: str, key: str | None = None,
                email: str | None = None) -> AdminOutcome:
    public = normalize_public_key(key) if key else None
    role_list = _roles(roles)

    def change(document: Any) -> None:
        if any(e.get("id") == officer_id for e in document["officers"]):
            raise ValidationError(f"工号“{officer_id}”已存在；修改请用 disputectl officer edit。")
        entry: dict[str, Any] = {"id": officer_id, "name": name, "unit": unit.upper(), "roles": role_list}
        if email:
            entry["email"] = email
        if public:
            entry["key"] = public
        document["officers"].append(entry)

    return change_config(s, "officer-add", f"新增工作人员 {officer_id} {name}", change)


def edit_officer(s: Session, officer_id: str, *, name: str | None = None, unit: str | None = None,
                 email: str | None = None) -> AdminOutcome:
    if not (name or unit or email):
        raise ValidationError("请至少给出 --name、--unit、--email 之一。")

    def change(document: Any) -> None:
        entry = _entry(document, officer_id)
        for field, value in (("name", name), ("unit", unit.upper() if unit else None), ("email", email)):
            if value:
                entry[field] = value
        entry.pop("sample", None)

    return change_config(s, "officer-edit", f"修改工作人员 {officer_id} 的信息", change)


def set_officer_roles(s: Session, officer_id: str, roles: str) -> AdminOutcome:
    role_list = _roles(roles)

    def change(document: Any) -> None:
        _entry(document, officer_id)["roles"] = role_list

    labels = "、".join(ROLES[r] for r in role_list)
    return change_config(s, "officer-roles", f"工作人员 {officer_id} 的角色改为 {labels}", change)


def disable_officer(s: Session, officer_id: str, *, enable: bool = False) -> AdminOutcome:
    def change(document: Any) -> None:
        entry = _entry(document, officer_id)
        if enable:
            entry.pop("disabled", None)
        else:
            entry["disabled"] = True

    word = "恢复" if enable else "停用"
    return change_config(s, "officer-enable" if enable else "officer-disable", f"{word}工作人员 {officer_id}", change)


def set_officer_key(s: Session, officer_id: str, key: str) -> AdminOutcome:
    """Register (or replace) an officer's public key; a replaced key stays valid for what it signed."""
    public = normalize_public_key(key)
    today = s.today.isoformat()

    def change(document: Any) -> None:
        entry = _entry(document, officer_id)
        old = entry.get("key")
        if old == public:
            raise ValidationError(f"该公钥已登记给 {officer_id}，未做改动。")
        if old:
            entry.setdefault("retired_keys", []).append({"key": old, "until": today})
        entry["key"] = public

    return change_config(s, "officer-key", f"登记工作人员 {officer_id} 的签名公钥", change)


# -- the rest of the config -------------------------------------------------------------------------

_LISTS = {"regions": "code", "units": "code", "categories": "code"}


def _typed(path: str, value: str, old: Any) -> Any:
    if path == "privacy.reveal_roles":
        return _roles(value)
    if path == "policy.first_officer_routes":
        old = False  # a boolean, also when the store's config does not have it yet
    if path == "policy.general_min_units":
        old = 0
    if path.startswith("categories.") and path.endswith(".units"):
        return [u.strip().upper() for u in value.replace("，", ",").split(",") if u.strip()]
    if isinstance(old, bool) or path.endswith(".external"):
        if value not in ("true", "false", "是", "否"):
            raise ValidationError(f"“{path}”应为 true 或 false。")
        return value in ("true", "是")
    if isinstance(old, int) or path.startswith("clocks."):
        if not value.isdigit():
            raise ValidationError(f"“{path}”应为整数（工作日数），收到“{value[:20]}”。")
        return int(value)
    return value


def set_config_value(s: Session, path: str, value: str) -> AdminOutcome:
    """``config set clocks.handle 20``, ``units.SW.name …``, ``regions.BQ.name 北区`` (a new region),
    ``privacy.reveal_roles office,archivist``. Officers have their own commands."""
    parts = path.split(".")
    if parts[0] in ("officers", "demo", "schema_version"):
        raise ValidationError("人员请用 disputectl officer 命令修改；schema_version 和 demo 不能修改。")
    if path == "privacy.encrypted":
        raise ValidationError("个人信息加密在建库或 disputectl migrate encrypt 时开启，不能用 config set 修改，也不能取消。")

    def change(document: Any) -> None:
        node = document
        for i, part in enumerate(parts[:-1]):
            if isinstance(node, list):
                key_name = _LISTS.get(parts[i - 1], "code")
                match = next((e for e in node if str(e.get(key_name)) == part), None)
                if match is None:
                    if parts[i - 1] != "regions":
                        raise NotFound(f"“{'.'.join(parts[:i])}”中没有代码为“{part}”的项。")
                    match = {"code": part}
                    node.append(match)
                node = match
            else:
                if part not in node:
                    if part in ("clocks", "numbering", "privacy", "notices", "policy"):
                        node[part] = {}
                    else:
                        raise NotFound(f"配置中没有“{'.'.join(parts[:i + 1])}”。")
                node = node[part]
        if isinstance(node, list):
            raise ValidationError(f"“{path}”要指明列表中的哪一项（如 units.SW.name）。")
        node[parts[-1]] = _typed(path, value, node.get(parts[-1]))

    return change_config(s, "config-set", f"{path} 设为 {value[:40]}", change)


# -- holidays and templates ---------------------------------------------------------------------------

def add_calendar_year(s: Session, year: int, content: bytes) -> AdminOutcome:
    """``calendar/<year>.yaml`` (checked like the tool reads it) in one admin commit."""
    from disputectl.rules.calendar import parse_year_schedule

    if not 2000 <= year <= 2100:
        raise ValidationError(f"年份“{year}”无效。")
    parse_year_schedule(load_yaml(content, source=f"{year}.yaml"), year=year)
    path = f"{CALENDAR_DIR}/{year}.yaml"
    return _commit_admin(s, "calendar", f"{year} 年节假日安排", lambda _: {path: content})


def add_calendar_entries(s: Session, year: int, holidays: list[tuple[str, str, str]],
                         workdays: list[tuple[str, str]]) -> AdminOutcome:
    """``calendar add``: holidays and make-up working days added to what the year already has."""
    path = f"{CALENDAR_DIR}/{year}.yaml"
    existing = s.git.read_file(s.git.head(), path)
    data = load_yaml(existing, source=path) if existing else {}
    old_holidays = [(str(h["from"]), str(h["to"]), str(h["name"])) for h in (data or {}).get("holidays", []) if "from" in h]
    old_holidays += [(str(h["date"]), str(h["date"]), str(h["name"])) for h in (data or {}).get("holidays", []) if "date" in h]
    old_workdays = [(str(w["date"]), str(w["name"])) for w in (data or {}).get("workdays", [])]
    merged = calendar_yaml(year, list(dict.fromkeys(old_holidays + holidays)), list(dict.fromkeys(old_workdays + workdays)))
    return add_calendar_year(s, year, merged)


def calendar_yaml(year: int, holidays: list[tuple[str, str, str]], workdays: list[tuple[str, str]]) -> bytes:
    """A year file from ``--holiday``/``--workday`` values as typed (checked when it is added)."""
    from disputectl.record.store_files import dump_yaml

    def day(text: str) -> date | str:
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            return text  # parse_year_schedule names it

    return dump_yaml({
        "year": year,
        "holidays": [{"from": day(a), "to": day(b), "name": n} for a, b, n in holidays],
        "workdays": [{"date": day(d), "name": n} for d, n in workdays],
    })


def install_template(s: Session, kind: str, source: Path | None) -> AdminOutcome:
    """The store's own template for ``kind`` (``templates/<kind>.docx``), or back to the default."""
    from disputectl.documents.notices import KINDS, check_template

    if kind not in KINDS:
        raise ValidationError(f"没有“{kind[:20]}”这种文书，可用：" + "、".join(f"{k}（{v.title}）" for k, v in KINDS.items()))
    path = f"{TEMPLATES_DIR}/{kind}.docx"
    if source is None:
        if s.git.read_file(s.git.head(), path) is None:
            raise ValidationError(f"{KINDS[kind].title}本来就使用默认模板，未做改动。")
        return _commit_admin(s, "template-reset", f"{KINDS[kind].title}恢复默认模板", lambda _: {path: None})
    try:
        content = source.read_bytes()
    except OSError as exc:
        raise ValidationError(f"无法读取模板文件“{source}”：{exc.strerror or exc}") from None
    if len(content) > MAX_TEMPLATE_BYTES or not content.startswith(b"PK"):
        raise ValidationError(f"“{source.name}”不是 .docx 文件（或超过 5 MB）。")
    check_template(kind, content, source.name)
    return _commit_admin(s, "template", f"{KINDS[kind].title}使用本库模板", lambda _: {path: content})


# -- personal data: encrypting a store made before, changing its keys ---------------------------

def reseal_store(s: Session, *, cipher: str | None = None) -> AdminOutcome:
    """``cipher``: ``migrate encrypt`` of a store kept in clear; None: ``key rotate``. Either way
    new keys, and every current case file sealed under them in one admin commit; history keeps
    what it held (clear values, or boxes under the old key)."""
    from disputectl.record.githistory import History
    from disputectl.record.store_files import CASES_DIR, parse_case, validate_case
    from disputectl.rules.amend import current_registration
    from disputectl.trust.case_sealing import opened, seal_action, seal_registration, strip_sealed
    from disputectl.trust.sealing import (
        KEYRING_FILE,
        Hasher,
        Sealer,
        new_keys,
        recipients_for,
        suite_of,
        wrap,
    )

    require_admin(s)  # before any key is opened
    head = s.git.head()
    current = s.keyring
    if cipher is not None and current is not None:
        raise ValidationError(f"本案件库已加密保存个人信息（{current.suite.label}），无需迁移；更换密钥请用 disputectl key rotate。")
    if cipher is None and current is None:
        raise ValidationError("本案件库的个人信息尚未加密，请先运行 disputectl migrate encrypt。")
    opener = None
    previous: tuple[Any, ...] = ()
    data_recipients, search_recipients = recipients_for(s.config)
    if current is not None:
        opener = s.opener()  # the admin's own key opens every data key of the keyring
        private = opener.private
        # the earlier keys stay, wrapped for those entitled now: notices sealed under them still open
        previous = tuple(replace(key, wrapped=wrap(private[key.id], data_recipients)) for key in current.data_keys)
    suite = suite_of(cipher) if cipher is not None else current.suite
    ring, _, search = new_keys(suite, data_recipients, search_recipients)
    ring = replace(ring, previous=previous)
    sealer, hasher = Sealer(ring), Hasher(ring.suite, ring.search.id, search)
    files: dict[str, bytes | None] = {KEYRING_FILE: dump_yaml(ring.as_dict())}
    if head is not None:
        from disputectl.record.merge import is_case_file

        history = History(s.root)
        wanted = [(p, sha) for p, sha in history.files_at_depth(head, CASES_DIR, 3) if is_case_file(p)]
        for path, content in history.stream_objects(wanted):
            case = parse_case(content, source=path)
            if opener is not None:
                case = strip_sealed(opened(case, opener))
            seal_registration(case["registration"], case["id"], sealer, hasher)
            for entry in case["actions"]:
                seal_action(entry, case["id"], sealer, hasher, current_registration(case, upto=entry["id"]))
            validate_case(case, source=path)
            files[path] = dump_yaml(case, case=True)  # its stored state as it was: only the sealing changes
    count = len(files) - 1
    kind, summary = (("encrypt", f"个人信息加密保存（{suite.label}），加密现有案件 {count} 件") if cipher is not None
                     else ("rotate", f"更换个人信息密钥，重新加密现有案件 {count} 件"))

    def files_for(config_now: bytes) -> dict[str, bytes | None]:
        if s.git.head() != head:
            raise ValidationError("案件库在此期间有新的提交，请重新运行。")
        if cipher is None:
            return files
        def mark(document: Any) -> None:
            document.setdefault("privacy", {})["encrypted"] = True  # from now on never again in clear

        return {**files, CONFIG_FILE: edit_config_text(config_now, mark)}

    return _commit_admin(s, kind, summary, files_for)


# -- a store made before signing began -------------------------------------------------------------

def start_signing(s: Session, admin: FirstAdmin | None) -> AdminOutcome:
    """Register the first keys of a store whose history predates signing, in one commit signed by
    the first admin; from then on every commit must be signed (``verify`` judges the earlier
    ones by the rules of their time). A demo store gives every officer a key of this user's."""
    from disputectl.trust.keys import create_key

    if any(o.key for o in s.config.officers.values()):
        raise ValidationError("本案件库已启用签名，无需再做；新增人员请用 disputectl officer add。")
    if not s.config.demo and admin is None:
        raise ValidationError("请用 --admin 工号 --name 姓名 指明第一位系统管理员（即运行本命令的人）。")
    keys: dict[str, str] = {}

    def change(document: Any) -> None:
        officers = document["officers"]
        if s.config.demo:
            if not any("admin" in e.get("roles", []) for e in officers):
                officers.append({"id": "bgs-admin", "name": "系统管理员（样例）", "unit": s.config.office_unit,
                                 "roles": ["admin"], "sample": True})
            for entry in officers:
                entry["key"] = keys.setdefault(entry["id"], create_key(entry["id"]).public)
            return
        assert admin is not None
        entry = next((e for e in officers if e.get("id") == admin.id), None)
        if entry is None:
            entry = {"id": admin.id, "name": admin.name, "unit": admin.unit or s.config.office_unit, "roles": []}
            officers.append(entry)
        if "admin" not in entry["roles"]:
            entry["roles"].append("admin")
        entry["key"] = keys.setdefault(admin.id, create_key(admin.id).public)

    current = s.git.read_file(s.git.head(), CONFIG_FILE) or b""
    text = edit_config_text(current, change)
    config = parse_config(load_yaml(text, source=CONFIG_FILE))
    first = next(o for o in config.officers.values() if o.has_role("admin") and o.key
                 and (admin is None or o.id == admin.id))
    files: dict[str, bytes | None] = {CONFIG_FILE: text, ALLOWED_SIGNERS_FILE: signers_of(config)}
    trailers = {"Action": "admin", "Actor": first.id, "Unit": first.unit, "Change": "start-signing"}
    message = commit_message(f"启用签名：登记工作人员的签名公钥（系统管理员 {first.name}）", trailers)

    def build(head: str | None) -> tuple[dict[str, bytes | None], str, AdminOutcome]:
        if (s.git.read_file(head, CONFIG_FILE) or b"") != current:
            raise ValidationError("配置在此期间被修改，请重新运行。")
        return files, message, AdminOutcome("启用签名", "")

    commit_signed(s, first, build)
    return AdminOutcome("启用签名", s.git.head() or "")
