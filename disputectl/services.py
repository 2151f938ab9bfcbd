"""One function per use case: load → check → apply → save → commit.

Nothing here reads the clock or the terminal: ``now`` and the officer come in as values.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from disputectl.errors import NotFound, PermissionDenied, StoreError, ValidationError
from disputectl.record.gitcmd import Identity, init_repository
from disputectl.record.gitstore import GitStore
from disputectl.record.session import (
    Session,
    action_trailers,
    case_states,
    commit_message,
    commit_signed,
    current_state,
    load_case,
)
from disputectl.record.store_files import (
    CALENDAR_DIR,
    CASES_DIR,
    case_files_dir,
    case_path,
    dump_yaml,
    normalize_case_id,
    serialize_case,
)
from disputectl.rules.config import CONFIG_FILE, Officer, default_config, parse_config
from disputectl.rules.derive import derive_state
from disputectl.rules.numbering import next_case_id
from disputectl.rules.workflow import (
    ACTIONS,
    ATTACHING_ACTIONS,
    SUPPLEMENT_ACTIONS,
    produced_notices,
)
from disputectl.trust.signatures import ALLOWED_SIGNERS_FILE, signers_of

if TYPE_CHECKING:
    from disputectl.rules.registration import Attachment



# -- the store -------------------------------------------------------------------------------

_CONFIG_HEADER = """\
# disputectl 案件库配置（社会保险费征缴争议联合处置机制）
# 单位 units、工作人员 officers、区域 regions、争议类别 categories、时限 clocks（工作日）、编号 numbering。
# 标有 sample: true 的工作人员是样例。请勿手工修改本文件：由系统管理员用 disputectl officer / config 命令修改，
# 每次修改都是一个由其签名的提交（本文件中的注释会保留）。
"""

_STORE_README = """\
# 社会保险费征缴争议 案件库

本目录由 `disputectl init` 建立，是一个 git 仓库：每次受理、流转、办理、回复、归档都是一次提交，
`git log` 即审计记录。请通过 `disputectl` 命令操作，不要手工修改案件文件。

- `disputectl.yaml`：单位、人员、区域、争议类别、时限和编号配置
- `cases/年/月/日/<案件编号>.yaml`：案件记录；同名目录存放文书、附件和归档材料
  （为使大案件库也操作迅速，`cases/` 不由 git 检出：这里只有本处操作写出的文件副本，全部案件请用 `disputectl show`、`list`、`export` 查看；确需手工查看某日文件可 `git sparse-checkout add cases/年/月/日`）
- `calendar/<年份>.yaml`：可选，补充或覆盖该年节假日和调休安排（disputectl calendar add|import）
- `templates/<文书种类>.docx`：可选，本地修改过的文书模板，优先于默认模板（disputectl template install）
- `allowed_signers`：由配置生成的签名公钥清单，`git verify-commit` 用它核验每个提交的签名
- `keyring.yaml`：个人信息加密所用的算法和密钥（数据密钥只为可查看完整个人信息的人员和系统管理员加密保存，
  检索密钥为每位登记了公钥的人员加密保存）；案件文件中的证件号码、电话和个人地址只有密文、遮蔽形式和检索用的keyed hash
"""


@dataclass(frozen=True)
class FirstAdmin:
    """Who sets up a real store: becomes its first 系统管理员 and signs its first commit."""

    id: str
    name: str
    unit: str | None = None  # the office unit by default


def initial_config(*, demo: bool, admin: FirstAdmin | None) -> dict[str, Any]:
    """The config a new store starts with, the keys it names created on this machine.

    A demo store's sample officers each get a key of this user's (made once, reused by every
    demo store); a real store gets the first admin, with the key of the user running ``init``.
    """
    from disputectl.trust.keys import create_key

    config = default_config()
    if demo:
        config["demo"] = True
        for unit in config["units"]:  # a real store names its own (config set units.SW.arbitration_address …)
            if unit.get("arbitration_body"):
                unit["arbitration_address"] = f"{config['city']}人民路88号"
        for officer in config["officers"]:
            officer["key"] = create_key(officer["id"]).public
        return config
    if admin is None:
        raise ValidationError("请用 --admin 工号 --name 姓名 指明第一位系统管理员（将以其密钥签署建库提交）；"
                              "试用或培训请用 disputectl init --demo。")
    # the sample admin is for demo stores: a real store's admins are real people with keys
    config["officers"] = [o for o in config["officers"] if "admin" not in o["roles"]]
    if admin.id in {o["id"] for o in config["officers"]}:
        raise ValidationError(f"工号“{admin.id}”与样例人员重复，请换一个工号。")
    unit = admin.unit or next(u["code"] for u in config["units"] if u["kind"] == "office")
    config["officers"].append({"id": admin.id, "name": admin.name, "unit": unit, "roles": ["admin"]})
    parse_config(config)  # the id, name and unit as typed, checked before a key is made for them
    config["officers"][-1]["key"] = create_key(admin.id).public
    return config


def init_store(path: Path, *, now: datetime, demo: bool = False, admin: FirstAdmin | None = None,
               cipher: str = "sm4-gcm") -> tuple[Path, bool]:
    """Create a store at ``path``; returns (root, created). An existing store is left alone.
    Personal data is sealed with the ``cipher`` suite (see ``trust.sealing``)."""
    from disputectl.trust.sealing import KEYRING_FILE, new_keyring, recipients_for, suite_of

    path = path.expanduser()
    if (path / CONFIG_FILE).is_file() and (path / ".git").exists():
        return path.resolve(), False
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise StoreError(f"“{path}”已存在且不是空文件夹，也不是案件库；为避免覆盖，未做任何改动。")
    suite = suite_of(cipher)
    raw = initial_config(demo=demo, admin=admin)
    raw["privacy"]["encrypted"] = True
    config = parse_config(raw)
    first = config.officers["bgs-admin" if demo else admin.id]  # type: ignore[union-attr]
    sign = Session.signer_of(first)
    created_dir = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
        root = path.resolve()
        init_repository(root)
        from disputectl.record.sync import configure_clone

        configure_clone(root, station=0)  # the merge driver; the first copy is station 0
        files = {
            CONFIG_FILE: _CONFIG_HEADER.encode("utf-8") + dump_yaml(raw),
            ALLOWED_SIGNERS_FILE: signers_of(config),
            KEYRING_FILE: dump_yaml(new_keyring(suite, *recipients_for(config)).as_dict()),
            "README.md": _STORE_README.encode("utf-8"),
            ".gitattributes": b"*.yaml text eol=lf\n*.docx binary\ncases/**/*.yaml merge=disputectl-case\n",
            f"{CALENDAR_DIR}/README.md": (
                "在此放置 `<年份>.yaml` 补充节假日与调休安排（示例见 disputectl 的 README）。\n".encode()
            ),
        }
        git = GitStore(root)
        subject = "建立演示案件库" if demo else f"建立案件库：系统管理员 {first.name}"
        message = commit_message(subject, {"Action": "init", "Actor": first.id, "Unit": first.unit})
        commit = git.commit_files(None, files, message, Identity(first.name, first.principal), now, sign)
        if not git.compare_and_swap(commit, None):
            raise StoreError("建立案件库时发生冲突。")
        git.sync_worktree(files)
        git.close()
    except Exception:
        if created_dir:
            import shutil

            shutil.rmtree(path, ignore_errors=True)
        else:
            for child in path.iterdir():
                if child.is_dir():
                    import shutil

                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink()
        raise
    return root, True


# -- committing ------------------------------------------------------------------------------

def new_action_id(now: datetime) -> str:
    return f"{now:%Y%m%d%H%M%S}-{secrets.token_hex(4)}"


def _new_action(s: Session, officer: Officer, action: str, data: Mapping[str, Any],
                occurred: date | None = None) -> dict[str, Any]:
    entry = {
        "id": new_action_id(s.now),
        "at": s.now.isoformat(timespec="seconds"),
        "action": action,
        "actor": officer.id,
        "unit": officer.unit,
        "data": dict(data),
    }
    if occurred is not None:
        entry["occurred"] = occurred.isoformat()
    return entry


MAX_LATE_ENTRY_DAYS = 90  # how far back a paper form may be entered (补录)


def check_occurred(s: Session, occurred: date | None, case: dict[str, Any] | None = None, *,
                   imported: bool = False) -> date:
    """The day an action took effect: today, or the day a paper form records (补录), which is
    neither in the future nor before the case's previous action. Clocks count from it.
    ``imported``: a case brought in from a 台账 reaches further back (``earliest_import``)."""
    from disputectl.rules.derive import action_day

    if occurred is None:
        return s.today
    if occurred > s.today:
        raise ValidationError(f"补录日期 {occurred} 在今天（{s.today}）之后。")
    if imported:
        if occurred < earliest_import(s.today):
            raise ValidationError(f"来访日期 {occurred} 早于 {earliest_import(s.today)}：台账只能导入三年以内受理的案件，"
                                  "更早的请联系领导组办公室核处。")
    elif (s.today - occurred).days > MAX_LATE_ENTRY_DAYS:
        raise ValidationError(f"补录日期 {occurred} 早于 {MAX_LATE_ENTRY_DAYS} 天前，请联系领导组办公室核处。")
    if case is not None and case["actions"] and occurred < action_day(case["actions"][-1]):
        raise ValidationError(f"补录日期 {occurred} 早于本案上一项操作的日期 {action_day(case['actions'][-1])}。")
    return occurred


def earliest_import(today: date) -> date:
    """The earliest visit date a 台账 import accepts: the same day three years ago."""
    from disputectl.rules.imported import IMPORT_YEARS

    try:
        return today.replace(year=today.year - IMPORT_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - IMPORT_YEARS, day=28)


def _late_mark(occurred: date | None) -> str:
    return f"【补录，发生于 {occurred}】" if occurred else ""


# -- use cases -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    case: dict[str, Any]
    action: dict[str, Any]
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # register: the payer's other cases
    warnings: list[str] = field(default_factory=list)


def register(s: Session, fields: Mapping[str, Any], attachments: list[Attachment] | None = None, *,
             receipt: bool = True, occurred: date | None = None, imported: Mapping[str, Any] | None = None) -> Outcome:
    """``imported``: a case brought in from a 台账 (``importing``): the import record and the
    decision's texts (rules.imported), recorded on the register action; ``occurred`` is then the
    original visit date, and a case already imported from the same row is refused."""
    from disputectl.rules.registration import build_registration

    officer = s.officer()
    if not officer.has_role("registrar"):
        raise PermissionDenied(f"{officer.name}不是受理人员，不能受理登记。")
    registration = build_registration(fields, s.config, now=s.now, officer_id=officer.id, unit=officer.unit)
    check_occurred(s, occurred, imported=imported is not None)
    data: dict[str, Any] = {}
    if imported is not None:
        data = _import_data(s, registration, imported)
    sealer = s.sealer()
    s.signer(officer)  # the key is checked before it is used to open the search key
    warnings: list[str] = []
    hasher = _hasher_or_warning(s, warnings) if sealer is not None else None
    token = s.lookup_token("id", registration["payer"]["id_number"]) if sealer is None or hasher else None

    from disputectl.record.sync import local_station

    station = local_station(s.root)

    def build(head: str | None) -> tuple[dict[str, bytes | None], str, Outcome]:
        folder = f"{CASES_DIR}/{s.today:%Y/%m/%d}"
        case_id = next_case_id(officer.unit, s.today, s.git.list_dir(head, folder), station)
        if imported is not None:
            s.index.refresh()
            earlier = s.index.imported_as(data["imported"]["key"])
            if earlier:
                raise ValidationError(f"该行已导入为案件 {earlier[0]}，未重复导入。")
        duplicates = repeated_cases(s, token) if token else []  # 重复反映: read from the index, like the notice numbers
        files: dict[str, bytes | None] = {}
        reg = dict(registration)
        reg["attachments"] = []
        for att in attachments or []:
            name = _stored_name(att.name) if sealer is not None else att.name
            rel = f"{case_files_dir(case_id)}/附件/{name}"
            files[rel] = att.content
            reg["attachments"].append({"name": name, "sha256": att.sha256, "size": len(att.content), "path": rel})
        action = _new_action(s, officer, "register", data, occurred)
        if sealer is not None:
            from disputectl.trust.case_sealing import seal_action, seal_registration

            seal_registration(reg, case_id, sealer, hasher)
            if _holds_personal_data(action["data"]):
                seal_action(action, case_id, sealer)
        case: dict[str, Any] = {"schema_version": 1, "id": case_id, "registration": reg, "actions": [action]}
        case["state"] = derive_state(case, s.config, s.calendar)
        if receipt:
            files.update(_issue_notices(s, case, action, [("receipt", None)], head))
        files[case_path(case_id)] = serialize_case(case)
        category = s.config.categories[reg["category"]].name
        subject = f"{_late_mark(occurred)}受理登记 {case_id}：{reg['payer']['name'][:40]}（{category}）"
        if imported is not None:
            source = data["imported"]
            subject = (f"导入（补录，来访于 {occurred}）{case_id}：{reg['payer']['name'][:40]}（{category}），"
                       f"{source['source'][:60]} 第 {source['row']} 行")
        return files, commit_message(subject, action_trailers(case_id, action)), Outcome(case, action, duplicates, warnings)

    return commit_signed(s, officer, build)


def _import_data(s: Session, registration: dict[str, Any], imported: Mapping[str, Any]) -> dict[str, Any]:
    """The register action's data for a case from a 台账: the import record with its key, and the
    decision's texts; the stage checked by the one check verify also runs (rules.imported)."""
    from disputectl.rules.imported import DECISION_FIELDS, import_key, stage_problems

    record = {k: v for k, v in imported.items() if k not in DECISION_FIELDS and v not in (None, "")}
    record["source"] = _stored_name(str(record.get("source", "")))[:200]
    record["key"] = import_key(registration)
    texts = {k: str(imported[k]).strip() for k in DECISION_FIELDS if imported.get(k) not in (None, "")}
    visit = datetime.fromisoformat(registration["visit_time"]).date()
    problems = stage_problems(record, texts, first_unit=registration["first_unit"], visit_day=visit,
                              entry_day=s.today, config=s.config)
    if problems:
        raise ValidationError("导入的办理情况有误：", details=[message for _, message in problems])
    return {"imported": record, **texts}


def _attach(s: Session, case_id: str, entry: dict[str, Any], attachments: list[Attachment]) -> dict[str, bytes | None]:
    """The action's files under the case's 附件 folder (prefixed with the action's id: never two of
    the same name), recorded with their checksums on the action."""
    files: dict[str, bytes | None] = {}
    entry["attachments"] = []
    for att in attachments:
        name = f"{entry['id']}-" + (_stored_name(att.name) if s.keyring is not None else att.name)
        rel = f"{case_files_dir(case_id)}/附件/{name}"
        files[rel] = att.content
        entry["attachments"].append({"name": name, "sha256": att.sha256, "size": len(att.content), "path": rel})
    return files


def _stored_name(name: str) -> str:
    """An attachment's name as stored: a scan named after the ID number it shows (张三身份证
    330106….pdf) keeps only the masked number in the name (the name is a path every clone has)."""
    from disputectl.rules.personal import mask_personal_data

    return mask_personal_data(name).replace("*", "x")  # no '*' in a file name: shells and Windows refuse it


DUPLICATE_WINDOW_DAYS = 180  # a case closed this recently still counts as the payer's 重复反映


def repeated_cases(s: Session, token: str) -> list[tuple[str, str]]:
    """(case, status) of the payer's open cases and of those closed in the last 180 days."""
    from datetime import timedelta

    from disputectl.rules.workflow import CLOSED_STATUSES

    since = (s.today - timedelta(days=DUPLICATE_WINDOW_DAYS)).isoformat()
    s.index.refresh()
    return [(case_id, status) for case_id, status, closed in s.index.cases_of(token)
            if status not in CLOSED_STATUSES or (closed or "") >= since]


def perform(s: Session, case_id: str, action: str, data: Mapping[str, Any], *, occurred: date | None = None,
            attachments: list[Attachment] | None = None) -> Outcome:
    """Do one workflow action on one case as the session's officer: one commit or nothing.
    ``attachments``: the document the action records (a scan, a file), kept beside the case."""
    from disputectl.rules.authorize import (
        authorize,  # only writers need the checks (and the ID validators)
    )

    officer = s.officer()
    if action not in ACTIONS or action == "register":
        raise NotFound(f"没有“{action}”这项操作。")
    if attachments and action not in ATTACHING_ACTIONS:
        raise ValidationError(f"“{ACTIONS[action].label}”不附材料；可附材料的是："
                              + "、".join(ACTIONS[a].label for a in ATTACHING_ACTIONS) + "。")

    warnings: list[str] = []

    def build(head: str | None) -> tuple[dict[str, bytes | None], str, Outcome]:
        warnings.clear()
        case = load_case(s, case_id, head)
        state = derive_state(case, s.config, s.calendar)
        last = datetime.fromisoformat(case["actions"][-1]["at"])
        if s.now < last:
            raise ValidationError(f"本机时间 {s.now:%Y-%m-%d %H:%M} 早于本案上一项操作的时间（{last:%Y-%m-%d %H:%M}），"
                                  "未做改动：请核对本机时钟；纸质材料晚录入的请用 --occurred 补录。")
        day = check_occurred(s, occurred, case)
        if action == "amend":  # the corrected fields, checked as at registration, and what they replace
            from disputectl.rules.amend import amend_data

            def same(kind: str, value: str, token: str) -> bool:
                try:
                    return s.lookup_token(kind, value) == token
                except PermissionDenied:
                    return False  # no search key at hand: not compared

            data_ = amend_data(case, data.get("fields") or {}, data.get("reason"), s.config, s.now, same)
        elif action == "issue_notice":  # named by its title (受理回执) or its code (receipt): recorded by its code
            from disputectl.documents.notices import kind_code

            kind, _, unit = str(data.get("kind") or "").partition(":")
            data_ = {**data, "kind": kind_code(kind) + (f":{unit}" if unit else "")}
        else:
            data_ = dict(data)
        _, clean = authorize(action, officer, case, state, data_, s.config, s.calendar, day)
        if action == "archive":
            clean = _archive_data(s, case, state, clean, head)
        entry = _new_action(s, officer, action, clean, occurred)
        if (action == "amend" or _holds_personal_data(entry["data"])) and (sealer := s.sealer()) is not None:
            from disputectl.rules.amend import current_registration
            from disputectl.trust.case_sealing import seal_action

            after = current_registration({**case, "actions": [*case["actions"], entry]})
            hasher = _hasher_or_warning(s, warnings) if action == "amend" else None
            seal_action(entry, case["id"], sealer, hasher, after)
        case["actions"].append(entry)
        case["state"] = derive_state(case, s.config, s.calendar)
        files: dict[str, bytes | None] = {}
        if attachments:
            files.update(_attach(s, case["id"], entry, attachments))
        wanted = _wanted_notices(s, case, action, clean)
        if wanted:
            files.update(_issue_notices(s, case, entry, wanted, head))
        if action == "archive":
            files.update(archive_package(s, case, head))
        elif action in SUPPLEMENT_ACTIONS and state["status"] == "archived":
            from disputectl.documents.archive import supplement_package

            files.update(supplement_package(s, case, head))  # 补充归档
        files[case_path(case["id"])] = serialize_case(case)
        subject = f"{_late_mark(occurred)}{ACTIONS[action].label} {case['id']}：{_summary(s, action, clean)}"
        return files, commit_message(subject, action_trailers(case["id"], entry)), Outcome(case, entry, warnings=warnings)

    return commit_signed(s, officer, build)


def _hasher_or_warning(s: Session, warnings: list[str]) -> Any:
    """The search key, to hash a new identifier or phone; an officer whose key is in ssh-agent or
    under a passphrase seals without it (the case is then not found by that value until the
    admin runs ``key rotate``)."""
    try:
        return s.hasher()
    except PermissionDenied as exc:
        warnings.append(f"{exc.message}本案不能按证件号码、电话查找，也未做重复反映检查；系统管理员运行 "
                        "disputectl key rotate 时补上。")
        return None


def _holds_personal_data(data: Mapping[str, Any]) -> bool:
    """Free text of an action holding an ID or mobile number (then sealed, in a store that seals)."""
    from disputectl.rules.personal import action_text_fields, has_personal_data

    return any(has_personal_data(data[name]) for name in action_text_fields(dict(data)))


def _wanted_notices(s: Session, case: dict[str, Any], action: str, data: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The notices an action issues (the kind is on its ActionSpec; one 征求意见函 per unit asked)."""
    if action == "issue_notice":
        from disputectl.documents.notices import KINDS

        kind, _, unit = str(data["kind"]).partition(":")
        if kind not in KINDS:
            raise ValidationError(f"没有“{kind[:20]}”这种文书，可用：" + "、".join(f"{k}（{v.title}）" for k, v in KINDS.items()))
        if kind == "registration_form":
            raise ValidationError(_FORM_NOT_ISSUED)
        return [(kind, unit.upper() or None)]
    return produced_notices(action, data)


def _issue_notices(s: Session, case: dict[str, Any], entry: dict[str, Any], wanted: list[tuple[str, str | None]],
                   head: str | None) -> dict[str, bytes | None]:
    """Render the notices into files and record them (number, path, checksum) on the action."""
    from disputectl.documents.issuing import NoticeContext, issue
    from disputectl.record.sync import local_station
    from disputectl.rules.numbering import parse_doc_number, station_block

    low, high = station_block(local_station(s.root))

    def taken(prefix: str, year: int) -> list[int]:
        s.index.refresh()
        own = [p[2] for a in case["actions"] for n in a.get("notices", [])
               if (p := parse_doc_number(n.get("number") or "")) and p[0] == prefix and p[1] == year
               and low <= p[2] <= high]
        used = max([s.index.max_number(prefix, year, low, high), *own], default=0)
        if used >= high:
            raise StoreError(f"本站点 {year} 年“{prefix}”文号已用完，请联系系统管理员。")
        return [max(used, low - 1)]

    full, sealed_kinds = _full_personal_data(s, case, wanted)
    ctx = NoticeContext(case, case["state"], s.config, s.calendar, s.today, entry["unit"], full)
    if entry["action"] == "issue_notice":  # --corrected: the new notice names the one it replaces
        earlier = [n for a in case["actions"][:-1] for n in a.get("notices", []) if n.get("number")]
        for kind, unit in wanted:
            suffix = f"（{s.config.unit_label(unit)}）.docx" if unit else ""
            same = [n for n in earlier if n["kind"] == kind and (not unit or n["path"].endswith(suffix))]
            if same:
                ctx.replaces[(kind, unit)] = same[-1]["number"]
    issued = issue(ctx, wanted, store_root=s.root, taken=taken, prefixes=s.config.notice_prefixes_for(entry["unit"]))
    if sealed_kinds:
        issued = [_sealed_notice(s, case["id"], i) if i.kind in sealed_kinds else i for i in issued]
    entry["notices"] = [i.entry for i in issued]
    for notice, (kind, unit) in zip(entry["notices"], wanted, strict=True):
        if (kind, unit) in ctx.replaces:
            notice["replaces"] = ctx.replaces[(kind, unit)]
    case["state"] = derive_state(case, s.config, s.calendar)
    return {i.path: i.content for i in issued}


SEALED_SUFFIX = ".sealed"


def _full_personal_data(s: Session, case: dict[str, Any],
                        wanted: list[tuple[str, str | None]]) -> tuple[dict[str, Any] | None, set[str]]:
    """For a store template asking for a full identifier: the registration in clear if this
    officer can open it, and the kinds whose files must then be kept sealed."""
    from disputectl.documents.notices import asks_for_full

    asking = {kind for kind, _ in wanted if asks_for_full(kind, s.root)}
    if not asking:
        return None, set()
    if s.keyring is None:
        from disputectl.rules.amend import current_registration

        return current_registration(case), set()  # a store kept in clear
    from disputectl.trust.case_sealing import opened

    try:
        opener = s.opener()
    except PermissionDenied:
        return None, set()  # masked, and the notice says so
    from disputectl.rules.amend import current_registration

    return current_registration(opened(case, opener)), asking


def _sealed_notice(s: Session, case_id: str, notice: Any) -> Any:
    """A notice holding full personal data is stored only sealed, like the fields it shows."""
    from dataclasses import replace

    from disputectl.trust.sealing import aad_for

    path = notice.path + SEALED_SUFFIX
    box = s.sealer().seal_bytes(notice.content, aad_for(case_id, "notice", path))
    return replace(notice, path=path, content=box.encode("ascii"))


@dataclass(frozen=True)
class Reprint:
    number: str | None
    path: str
    revealed: bool = False  # opened from its sealed copy (a reveal recorded first)


def reprint_notice(s: Session, case_id: str, kind: str) -> Reprint | None:
    """The copy of a notice already issued on the case (same number, same bytes), written out
    again to print; None if none of that kind was issued. Nothing is recorded."""
    import hashlib

    from disputectl.documents.notices import kind_code
    from disputectl.record.gitstore import atomic_write

    kind, _, unit = kind.partition(":")
    kind = kind_code(kind)
    if kind == "opinion_request" and not unit:
        return None  # one letter per unit: which one is for issuing to say
    case = load_case(s, case_id)
    issued = [n for a in case["actions"] for n in a.get("notices", []) if n["kind"] == kind
              and (not unit or f"（{s.config.unit_label(unit.upper())}）" in n["path"])]
    if not issued:
        return None
    notice = issued[-1]
    content = s.git.read_file(s.git.head(), notice["path"])
    if content is None or hashlib.sha256(content).hexdigest() != notice["sha256"]:
        raise StoreError(f"{notice['path']} 与案件记录中的校验值不符，不能重新打印：请运行 disputectl verify 查明。")
    path = notice["path"]
    if path.endswith(SEALED_SUFFIX):  # holds full personal data: opened for an officer allowed to see it
        unseal = revealer(s, True, case_id=case["id"], purpose=f"重新打印{notice.get('number') or kind}")
        assert unseal is not None
        from disputectl.trust.sealing import OpenError, aad_for

        try:
            content = s.opener().open_bytes(content.decode("ascii"), aad_for(case["id"], "notice", path))
        except (OpenError, UnicodeDecodeError):
            raise StoreError(f"{path} 无法解密（已被改动？），不能重新打印：请运行 disputectl verify 查明。") from None
        path = path[:-len(SEALED_SUFFIX)]
        from disputectl.record.gitstore import keep_out_of_git

        keep_out_of_git(s.git, path)
    target = s.root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, content, 0o600 if path != notice["path"] else 0o666)  # full personal data: its reader's only
    return Reprint(notice.get("number"), path, path != notice["path"])


def issued_notice_content(s: Session, notice: Mapping[str, Any]) -> bytes | None:
    """The .docx of a notice just issued (as committed), or None if it is kept sealed."""
    if notice["path"].endswith(SEALED_SUFFIX):
        return None
    content = s.git.read_file(s.git.head(), notice["path"])
    if content is None:
        raise StoreError(f"案件库中找不到 {notice['path']}：请运行 disputectl verify 查明。")
    return bytes(content)


_FORM_NOT_ISSUED = "受理登记表不编文号、不记入案件：请用 disputectl print 案件编号 打印（按当前登记内容生成）。"


@dataclass(frozen=True)
class PrintedForm:
    path: Path
    revealed: bool  # with the payer's identifier, phone and address in full (the look recorded first)


def print_registration_form(s: Session, case_id: str, folder: Path, *, reveal: bool = False) -> PrintedForm:
    """The 受理登记表 written into ``folder`` for the payer to check and sign. Nothing is recorded
    (it has no 文号 and states only the registration), except a look at the full personal data
    when ``reveal`` is asked for by an officer allowed to."""
    from disputectl.documents.registration_form import form_file_name, render_form
    from disputectl.oversight.ledger import check_outside_store, check_writable, write_bytes

    if s.officer_id:
        s.officer()  # an unknown officer is refused, not ignored
    case = load_case(s, case_id)
    target = folder.expanduser() / form_file_name(case["id"])
    check_outside_store(target, s.root, "受理登记表", "请用 -o 指定案件库以外的文件夹，或在案件库外运行")
    check_writable(target)  # before a look is recorded for a file that could not be saved
    unseal = revealer(s, reveal, case_id=case["id"], purpose="打印受理登记表")
    if unseal is not None:
        case = unseal(case)
    write_bytes(target, render_form(case, s.config, s.root, revealed=unseal is not None))
    return PrintedForm(target, unseal is not None)


def preview_notice(s: Session, case_id: str, kind: str) -> str:
    """The plain text a notice would have if issued now (nothing is written)."""
    from disputectl.documents.issuing import NoticeContext
    from disputectl.documents.notices import KINDS, kind_code, render_text

    case = load_case(s, case_id)
    state = current_state(s, case)
    kind, _, unit = kind.partition(":")
    kind = kind_code(kind)
    if kind not in KINDS:
        raise ValidationError(f"没有“{kind[:20]}”这种文书，可用：" + "、".join(f"{k}（{v.title}）" for k, v in KINDS.items()))
    if kind == "registration_form":
        from disputectl.documents.registration_form import form_context

        return render_text(kind, form_context(case, s.config), s.root)
    if kind.startswith("archive"):
        if not state.get("archive"):
            raise ValidationError(f"{KINDS[kind].title}在案卷归档时生成，本案尚未归档。")
        from disputectl.documents.notices import docx_lines

        # the volume's own copy: its 页号 were measured when it was archived
        archived = next((n for a in case["actions"] for n in a.get("notices", []) if n["kind"] == kind), None)
        content = s.git.read_file(s.git.head(), archived["path"]) if archived else None
        if content is None:
            raise NotFound(f"案卷中没有{KINDS[kind].title}。")
        return "\n".join(docx_lines(content)) + "\n"
    issuer = _issuer_of(s, case, state, kind)
    ctx = NoticeContext(case, state, s.config, s.calendar, s.today, issuer)
    prefix = s.config.notice_prefix(kind, issuer) or KINDS[kind].prefix
    number = f"{prefix}〔{s.today.year}〕（待编号）" if prefix else None
    return render_text(kind, ctx.build(kind, number, unit.upper() or None), s.root)


_OFFICE_NOTICES = frozenset({"meeting", "opinion_request", "approval_request", "referral"})


def _issuer_of(s: Session, case: dict[str, Any], state: dict[str, Any], kind: str) -> str:
    """Who signs a previewed notice: whoever issued it before, else the unit whose act it records."""
    for action in reversed(case["actions"]):
        if any(n["kind"] == kind for n in action.get("notices", [])):
            return str(action["unit"])
    if kind in _OFFICE_NOTICES:
        return s.config.office_unit
    if kind in ("receipt", "transfer"):
        return str(case["registration"]["first_unit"])
    if kind == "result" and state.get("decision"):
        return str(state["decision"]["unit"])
    officer = s.config.officers.get(s.officer_id or "")
    unit = officer.unit if officer else state["unit"]
    return unit if unit in s.config.units and not s.config.units[unit].external else s.config.office_unit


def archive_package(s: Session, case: dict[str, Any], head: str | None) -> dict[str, bytes | None]:
    from disputectl.documents.archive import build_package

    return build_package(s, case, head)


RETENTION_CODES = {"永久": "Y", "30年": "D30", "10年": "D10"}


def _archive_data(s: Session, case: dict[str, Any], state: dict[str, Any], data: dict[str, Any],
                  head: str | None) -> dict[str, Any]:
    """档号 in full style: 全宗号-门类代码·年度-保管期限-机构代码-件号 (件号 per year, retention, unit)."""
    retention = data.get("retention") or s.config.default_retention
    unit = state["unit"] if state["unit"] in s.config.units and not s.config.units[state["unit"]].external \
        else s.config.office_unit
    year = s.today.year
    prefix = f"{s.config.fonds}-{s.config.archive_category}·{year}-{RETENTION_CODES[retention]}-{unit}-"
    from disputectl.record.sync import local_station
    from disputectl.rules.numbering import station_block

    low, high = station_block(local_station(s.root))
    s.index.refresh()
    item = max(s.index.max_number(prefix, 0, low, high), low - 1) + 1
    if item > high:
        raise StoreError(f"本站点 {year} 年的档号件号已用完，请联系系统管理员。")
    checker = {"checked_by": data["checked_by"]} if data.get("checked_by") else {}
    return {"retention": retention, "code": f"{prefix}{item:04d}", "unit": unit, **checker}


def _summary(s: Session, action: str, data: Mapping[str, Any]) -> str:
    officer = s.officer()
    who = f"{s.config.unit_label(officer.unit)} {officer.name}"
    if action == "route_transfer":
        return f"{who}转{s.config.unit_label(data['to_unit'])}"
    if "units" in data:
        return f"{who}（{'、'.join(s.config.unit_label(u) for u in data['units'])}）"
    if action == "amend":
        from disputectl.rules.amend import summary

        return f"{who}更正{summary(data)}"
    return who


# -- reading ---------------------------------------------------------------------------------

def may_reveal(s: Session, reveal: bool, *, case_id: str | None = None, purpose: str = "查看案件") -> bool:
    """Full identifiers only for the roles the config names, and every such look is on the record."""
    if not reveal:
        return False
    officer = s.officer()
    if not (officer.roles & s.config.reveal_roles):
        raise PermissionDenied(f"{officer.name}无权查看完整的证件号码和电话（配置 privacy.reveal_roles 未包含其角色）。")
    if s.keyring is not None:
        s.opener()  # refused before anything is recorded if this officer's key cannot open the data key
    record_reveal(s, officer, case_id, purpose)
    return True


def record_reveal(s: Session, officer: Officer, case_id: str | None, purpose: str) -> None:
    """A commit that changes no file: the look at full personal data is in ``git log`` for good."""
    trailers = {"Case": case_id or "-", "Action": "reveal", "Actor": officer.id, "Unit": officer.unit,
                "Action-Id": new_action_id(s.now)}
    subject = f"查看完整个人信息 {case_id or ''}：{s.config.unit_label(officer.unit)} {officer.name}（{purpose}）"

    def build(head: str | None) -> tuple[dict[str, bytes | None], str, None]:
        return {}, commit_message(subject, trailers), None

    commit_signed(s, officer, build)


def case_detail(s: Session, case_id: str, *, reveal: bool = False) -> dict[str, Any]:
    from disputectl.rules.views import case_view

    case_id = normalize_case_id(case_id)
    s.index.refresh()
    found = s.index.case_state(case_id)
    if found is None:
        load_case(s, case_id)  # not indexed: name the damage, or that there is no such case
        raise NotFound(f"没有找到案件 {case_id}。")
    case, state = found
    unseal = revealer(s, reveal, case_id=case_id, purpose="查看案件")
    if unseal is not None:
        case = unseal(case)
        state = derive_state(case, s.config, s.calendar)  # its decision, objections… in clear too
    return case_view(case, state, s.config, s.calendar, s.today, reveal=unseal is not None)


def revealer(s: Session, reveal: bool, *, case_id: str | None = None,
             purpose: str = "查看案件") -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """None, or (for an officer allowed to reveal, the look put on the record first) what turns
    a case into its copy with personal data in clear, opened with the officer's own key."""
    if not may_reveal(s, reveal, case_id=case_id, purpose=purpose):
        return None
    if s.keyring is None:
        return lambda case: case  # a store kept in clear
    from disputectl.trust.case_sealing import opened
    from disputectl.trust.sealing import OpenError

    opener = s.opener()

    def unseal(case: dict[str, Any]) -> dict[str, Any]:
        try:
            return opened(case, opener)
        except OpenError as exc:
            raise StoreError(f"无法解密：{exc}。请运行 disputectl verify 检查案件库。") from None

    return unseal


def list_views(s: Session, *, status: str | None = None, unit: str | None = None, category: int | None = None,
               region: str | None = None, text: str | None = None, limit: int = 0, payer_id: str | None = None,
               phone: str | None = None) -> list[dict[str, Any]]:
    from disputectl.rules.views import summary_view

    clauses: list[str] = []
    params: list[Any] = []
    for kind, wanted in (("id", payer_id), ("phone", phone)):
        if wanted is not None:
            if not wanted.strip() or "*" in wanted:
                raise ValidationError("请输入完整的证件号码或电话（精确查找，不接受遮蔽后的形式）。")
            from disputectl.rules.personal import normalized
            from disputectl.rules.validation import check_phone

            if kind == "phone" and check_phone(normalized("phone", wanted)):
                raise ValidationError(f"“{wanted[:30]}”不是电话号码（手机号11位，固定电话如 0571-88886666）。")
            if kind == "id" and len(normalized("id", wanted)) not in (15, 18):
                raise ValidationError(f"“{wanted[:30]}”不是证件号码（居民身份证号码或统一社会信用代码为18位）。")
            clauses.append("instr(' ' || lookup || ' ', ?) > 0")
            params.append(f" {s.lookup_token(kind, wanted)} ")
    for column, value in (("status", status), ("unit", unit), ("category", category), ("region", region)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if text and text.strip():
        clauses.append("instr(search, ?) > 0")
        params.append(text.strip().lower())
    return [summary_view(case, state, s.config, s.calendar, s.today)
            for case, state in case_states(s, " AND ".join(clauses), tuple(params), limit=limit)]


def sealed_value_problems(s: Session) -> list[tuple[str, str]]:
    """(case, problem) for every sealed value at HEAD that does not open, or whose masked form or
    keyed hash is not that of what it holds, and every sealed notice that does not open. Needs
    an officer who can open the data key; nothing in clear is shown or written."""
    import hashlib

    from disputectl.record.store_files import CASES_DIR
    from disputectl.trust.case_sealing import opening_problems
    from disputectl.trust.sealing import OpenError, aad_for

    if s.keyring is None:
        raise ValidationError("本案件库的个人信息未加密（没有 keyring.yaml），没有可解密核对的内容。")
    opener, hasher = s.opener(), s.hasher()
    s.index.refresh()
    head = s.git.head()
    problems = []
    for case, _ in s.index.iter_case_states("1 = 1", order="id"):
        problems += [(case["id"], p) for p in opening_problems(case, opener, hasher)]
        for action in case["actions"]:
            for notice in action.get("notices", []):
                path = str(notice.get("path", ""))
                if not (path.startswith(CASES_DIR + "/") and path.endswith(SEALED_SUFFIX)):
                    continue
                stored = s.git.read_file(head, path) or b""
                try:
                    content = opener.open_bytes(stored.decode("ascii"), aad_for(case["id"], "notice", path))
                except (OpenError, UnicodeDecodeError):
                    problems.append((case["id"], f"{path}：无法解密（被改动或不属于本案）"))
                    continue
                if not content.startswith(b"PK") or hashlib.sha256(stored).hexdigest() != notice.get("sha256"):
                    problems.append((case["id"], f"{path}：与案件记录不符"))
    return problems


def case_log_view(s: Session, case_id: str) -> list[dict[str, Any]]:
    """The case's audit trail: its commits, read from their trailers (via the index)."""
    case_id = normalize_case_id(case_id)
    s.index.refresh()
    if s.index.case_state(case_id) is None:
        load_case(s, case_id)  # not indexed: name the damage, or that there is no such case
        raise NotFound(f"没有找到案件 {case_id}。")
    return [{**row, "unit_name": s.config.unit_label(row["unit"])} for row in s.index.history(case_id)]
