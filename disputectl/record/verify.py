"""Replay the store's history and check that every commit is one legal action.

For each commit, oldest first, with the config and holiday files as of that commit:

- an action commit touches one case only (its file and its own folder), appends exactly one
  entry to the case's actions, whose id, action, actor and unit are the commit's trailers and
  whose author is that officer; the action is legal for the case as it was before the commit
  (status transition, role, unit, data and guard: ``authorize`` with today = the action's date);
  the file is schema-valid and its stored state is what the replay of its actions gives;
  an archived case is never touched again;
- a merge commit holds, for every file both sides changed, exactly the merge driver's result;
- other commits (``init``, configuration, station registration, a recorded look at personal
  data) touch nothing under ``cases/``.

Once the store has registered keys (every store made since signing began), the rules in force
before a commit judge it: it carries a valid SSH signature by its actor's key as registered
then; the rules (``disputectl.yaml``, ``allowed_signers``, ``.gitattributes``, ``calendar/``,
``templates/``) change only in a commit of their own signed by an admin; an action is dated
after the case's previous action and close to its commit's time; the bytes of every recorded
file (notice, attachment, archive file) are never changed or removed; only regular files.

In a store that encrypts personal data (``keyring.yaml``), without any key: its cipher suite
never changes; the data key is wrapped exactly for the officers the rules entitle (the age
stanzas' tags are those of their keys); every case file written holds personal values only
sealed, in well-formed boxes of the store's suite and data key; and an admin's ``migrate
encrypt`` or ``key rotate`` changes nothing in a case but how its personal data is sealed.

The same check runs on a server as a pre-receive hook (``--install-hook``), so a bad push is
refused with the reasons printed to whoever pushed.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from disputectl.errors import DisputeError, StoreError
from disputectl.record.gitcmd import is_bare_repository, limit_pack_memory, rev_parse
from disputectl.record.githistory import CLOCK_SKEW, ZERO, Change, Commit, History, commit_time
from disputectl.record.merge import ATTRIBUTES_LINE, MergeConflict, is_case_file, merge_case_bytes
from disputectl.record.store_files import CASES_DIR, case_dir, load_yaml, parse_case, recorded_files
from disputectl.rules.calendar import WorkCalendar
from disputectl.rules.config import CONFIG_FILE, Config, Officer, parse_config
from disputectl.rules.derive import action_day, derive_state, stored_state
from disputectl.rules.numbering import CASE_ID_RE
from disputectl.rules.workflow import ACTIONS, STATUSES, SUPPLEMENT_ACTIONS
from disputectl.trust.sealing import (
    KEYRING_FILE,
    Keyring,
    parse_keyring,
    recipients_for,
    wrong_wraps,
)
from disputectl.trust.signatures import (
    ALLOWED_SIGNERS_FILE,
    public_key_bytes,
    signed_key,
    signers_of,
    split_signed_commit,
)

TRAILER_KEYS = ("Case", "Action", "Actor", "Unit", "Action-Id")
HOOK_MARK = "# disputectl pre-receive hook"
MAIN_REF = "refs/heads/main"
RULE_FILES = (CONFIG_FILE, ALLOWED_SIGNERS_FILE, KEYRING_FILE, ".gitattributes")
RESEAL_CHANGES = ("encrypt", "rotate")  # admin commits that rewrite case files: sealing them anew
RULE_FOLDERS = ("calendar/", "templates/")
STATIONS_FOLDER = "stations/"
CHUNK = 2000  # raw commits read at a time


def is_rule_file(path: str) -> bool:
    return path in RULE_FILES or path.startswith(RULE_FOLDERS)


@dataclass(frozen=True)
class Violation:
    commit: str
    case: str
    reason: str


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    violations: list[Violation]

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "ok": not self.violations, "violations": [asdict(v) for v in self.violations]}


def case_of(path: str) -> str | None:
    """The case a path under ``cases/`` belongs to (its file or its folder), if any."""
    parts = path.split("/")
    if len(parts) < 5 or parts[0] != CASES_DIR:
        return None
    name = parts[4][:-5] if len(parts) == 5 and parts[4].endswith(".yaml") else parts[4]
    if not CASE_ID_RE.match(name) or case_dir(name) != "/".join(parts[:4]):
        return None
    return name


class Verifier:
    def __init__(self, root: Path, *, now: datetime | None = None, current: Config | None = None) -> None:
        self.now = now or datetime.now(UTC)
        self.raw: dict[str, bytes] = {}
        self.history = History(root)
        self.current = current  # the hook: the rules on the server now (a revoked key stays revoked)
        self.times: dict[str, datetime] = {}
        self.roots: list[str] = []
        # (officer, key) of every signed commit, and the commits that revoked an officer or a key
        self.signed: list[tuple[Commit, str, str]] = []
        self.revocations: list[tuple[Commit, str, str | None]] = []
        self._configs: dict[str, Config | str] = {}
        self._keyrings: dict[str, Keyring | str] = {}
        self._calendars: dict[tuple[tuple[str, str], ...], WorkCalendar] = {}
        self.violations: list[Violation] = []
        self.checked = 0

    # -- the store's settings as of a commit ---------------------------------------------------
    def settings(self, commit: str) -> tuple[Config, WorkCalendar] | str:
        files = self.history.tree(commit, [CONFIG_FILE, "calendar"])
        sha = files.get(CONFIG_FILE)
        if sha is None:
            return "没有配置文件 disputectl.yaml"
        if sha not in self._configs:
            try:
                raw = load_yaml(self.history.blob(sha) or b"", source=CONFIG_FILE)
                self._configs[sha] = parse_config(raw if isinstance(raw, dict) else {})
            except DisputeError as exc:
                self._configs[sha] = f"配置文件无效：{exc.message}"
        config = self._configs[sha]
        if isinstance(config, str):
            return config
        years = tuple(sorted((p, s) for p, s in files.items() if p.startswith("calendar/") and p.endswith((".yaml", ".yml"))))
        if years not in self._calendars:
            from disputectl.rules.calendar import parse_year_schedule

            overrides = {}
            contents = self.history.blobs(s for _, s in years)
            for path, blob_sha in years:
                stem = path.rsplit("/", 1)[-1].split(".")[0]
                if stem.isdigit() and len(stem) == 4:
                    try:
                        overrides[int(stem)] = parse_year_schedule(load_yaml(contents[blob_sha], source=path),
                                                                   year=int(stem))
                    except DisputeError as exc:
                        return f"节假日安排文件 {path} 无效：{exc.message}"
            self._calendars[years] = WorkCalendar(overrides)
        return config, self._calendars[years]

    def keyring(self, commit: str | None) -> Keyring | str | None:
        """The keyring as of ``commit``: None in a store kept in clear; a str if it is damaged."""
        if commit is None:
            return None
        sha = self.history.tree(commit, [KEYRING_FILE]).get(KEYRING_FILE)
        if sha is None:
            return None
        if sha not in self._keyrings:
            try:
                self._keyrings[sha] = parse_keyring(load_yaml(self.history.blob(sha) or b"", source=KEYRING_FILE))
            except DisputeError as exc:
                self._keyrings[sha] = f"密钥文件无效：{exc.message}"
        return self._keyrings[sha]

    def keyring_reasons(self, before: Keyring | str | None, after: Keyring | str | None, config: Config) -> Iterator[str]:
        """The keyring after a rules change: same suite, wrapped for exactly those entitled."""
        if isinstance(after, str):
            yield after
            return
        if after is None:
            if before is not None or config.encrypted:
                yield "删除了密钥文件 keyring.yaml（个人信息加密不能取消）"
            return
        if not config.encrypted:
            yield "有密钥文件 keyring.yaml，配置却没有 privacy.encrypted: true"
        if isinstance(before, Keyring) and before.suite.code != after.suite.code:
            yield f"改动了加密算法（{before.suite.code} → {after.suite.code}），算法在建库或加密迁移时确定"
        data, search = recipients_for(config)
        keys = [("数据密钥", after.data, data), ("检索密钥", after.search, search)]
        keys += [(f"早先的数据密钥 {k.id}", k, data) for k in after.previous]
        if isinstance(before, Keyring):
            kept = {k.id for k in after.data_keys}
            dropped = [k.id for k in before.data_keys if k.id not in kept]
            if dropped:
                yield f"丢弃了数据密钥 {'、'.join(dropped)}：用它加密的内容将再也无法解密"
        for label, wrapped, wanted in keys:
            if set(wrapped.recipients) != set(wanted):
                extra = sorted(set(wrapped.recipients) - set(wanted))
                missing = sorted(set(wanted) - set(wrapped.recipients))
                yield (f"{label}的授权人员与配置不符" + (f"：多了 {'、'.join(extra)}" if extra else "")
                       + (f"；缺少 {'、'.join(missing)}" if missing else ""))
            elif wrong_wraps(wrapped, wanted):
                yield f"{label}实际加密给的密钥与登记的人员公钥不符：{'、'.join(wrong_wraps(wrapped, wanted))}"

    # -- walking ---------------------------------------------------------------------------------
    def report(self, commit: Commit, case: str | None, reason: str) -> None:
        self.violations.append(Violation(commit.short, case or "", reason))

    def check(self, commits: list[Commit]) -> VerifyReport:
        for start in range(0, len(commits), CHUNK):
            chunk = commits[start:start + CHUNK]
            self.raw = self.history.blobs(c.sha for c in chunk)  # the commit objects, signatures and all
            for commit in chunk:
                self.checked += 1
                when = commit_time(self.raw.get(commit.sha, b""))
                if when is not None:
                    self.times[commit.sha] = when
                if when is not None and when > self.now + CLOCK_SKEW:
                    self.report(commit, commit.trailers.get("Case"), f"提交时间 {when:%Y-%m-%d %H:%M} 在未来")
                if not commit.parents:
                    self.roots.append(commit.sha)
                    if len(self.roots) > 1 or self.has_history:
                        self.report(commit, None, "另起了一段历史（第二个没有上级的提交）：案件库只有一个建库提交")
                if len(commit.parents) > 1:
                    self.check_merge(commit)
                else:
                    self.check_parent_time(commit, when)
                    self.check_commit(commit)
        self.check_revocations()
        return VerifyReport(self.checked, self.violations)

    has_history = False  # the hook: the server already holds a history (no second root)

    def check_parent_time(self, commit: Commit, when: datetime | None) -> None:
        """Time runs forward along the history: a commit is not dated before its parent."""
        if not commit.parents or when is None:
            return
        parent = commit.parents[0]
        rules = self.settings(parent)
        if isinstance(rules, tuple) and rules[0].demo:
            return  # a demo store's times are set at will (DISPUTECTL_NOW): verify says it is one
        before = self.times.get(parent) or commit_time(self.history.blob(parent) or b"")
        if before is not None and when < before - CLOCK_SKEW:
            self.report(commit, commit.trailers.get("Case"),
                        f"提交时间 {when:%Y-%m-%d %H:%M} 早于其上一个提交（{before:%Y-%m-%d %H:%M}）")

    def check_revocations(self) -> None:
        """An officer disabled, or a key replaced, at commit X signs nothing that X does not
        already contain: a branch started from an older commit cannot bring a revoked key back."""
        for revoked_at, officer_id, key in self.revocations:
            ancestors = self.history.ancestors(revoked_at.sha)
            for commit, signer, used in self.signed:
                if signer == officer_id and (key is None or key == used) and commit.sha not in ancestors:
                    what = "更换的旧密钥" if key else "已停用的身份"
                    self.report(commit, commit.trailers.get("Case"),
                                f"用{what}签名（{officer_id} 已在提交 {revoked_at.short} 中停用或更换密钥）")

    # -- who signed, and what the rules before the commit allow ---------------------------------
    def signer(self, commit: Commit, config: Config) -> Officer | None:
        """The officer whose registered key validly signed ``commit`` (reported otherwise)."""
        payload, armored = split_signed_commit(self.raw.get(commit.sha, b""))
        case = commit.trailers.get("Case")
        if armored is None:
            self.report(commit, case, "提交没有签名（不是用 disputectl 办理的，可能是手工 git commit）")
            return None
        key = signed_key(armored, payload)
        if key is None:
            self.report(commit, case, "提交的签名无效（签名后内容被改动，或不是有效的 SSH 签名）")
            return None
        actor = commit.trailers.get("Actor", "")
        officer = config.officers.get(actor)
        if officer is None:
            self.report(commit, case, f"签名人“{actor[:40]}”不在当时的人员名单中")
            return None
        if not officer.key or public_key_bytes(officer.key) != key:
            self.report(commit, case, f"签名不是 {officer.name}（{actor}）当时登记的密钥")
            return None
        if officer.disabled:
            self.report(commit, case, f"{officer.name}（{actor}）当时已停用")
            return None
        self.signed.append((commit, officer.id, officer.key))
        now = self.current.officers.get(actor) if self.current is not None else None
        if self.current is not None and (now is None or now.disabled or now.key != officer.key):
            self.report(commit, case, f"{officer.name}（{actor}）的身份或密钥已停用或更换，不能再以其签名推送")
        return officer

    def check_admin(self, commit: Commit, changes: list[Change], before: Config, officer: Officer | None) -> None:
        if officer is not None and not officer.has_role("admin"):
            self.report(commit, None, f"{officer.name}（{officer.id}）当时不是系统管理员，不能修改配置")
        reseal = commit.trailers.get("Change") in RESEAL_CHANGES
        outside = [c.path for c in changes if not is_rule_file(c.path) and not (reseal and is_case_file(c.path))]
        if outside:
            self.report(commit, None, "配置变更提交还改动了其他文件：" + "、".join(outside[:5]))
        settings = self.settings(commit.sha)
        if isinstance(settings, str):
            self.report(commit, None, settings)
            return
        config = settings[0]
        parent = commit.parents[0] if commit.parents else None
        before_ring, after_ring = self.keyring(parent), self.keyring(commit.sha)
        for reason in self.keyring_reasons(before_ring, after_ring, config):
            self.report(commit, None, reason)
        if reseal and isinstance(after_ring, Keyring):
            self.check_reseal(commit, [c for c in changes if is_case_file(c.path)], before_ring, after_ring)
        for old in before.officers.values():
            new = config.officers.get(old.id)
            if old.key and (new is None or new.disabled) and not old.disabled:
                self.revocations.append((commit, old.id, None))
            elif old.key and new is not None and new.key != old.key:
                self.revocations.append((commit, old.id, old.key))
        if config.demo != before.demo:
            self.report(commit, None, "改动了“演示案件库”标记（只能在建库时确定）")
        if before.encrypted and not config.encrypted:
            self.report(commit, None, "取消了 privacy.encrypted（个人信息加密不能取消）")
        if not any(o.has_role("admin") and o.key for o in config.officers.values()):
            self.report(commit, None, "配置变更后没有一位登记了公钥、未停用的系统管理员")
        files = self.history.tree(commit.sha, [ALLOWED_SIGNERS_FILE, ".gitattributes"])
        if self.history.blob(files.get(ALLOWED_SIGNERS_FILE)) != signers_of(config):
            self.report(commit, None, "allowed_signers 与配置中登记的公钥不一致")
        attributes = self.history.blob(files.get(".gitattributes")) or b""
        if ATTRIBUTES_LINE.encode() not in attributes:
            self.report(commit, None, ".gitattributes 缺少案件文件的合并方式（merge=disputectl-case）")

    def check_reseal(self, commit: Commit, changes: list[Change], before: Keyring | str | None, after: Keyring) -> None:
        """``migrate encrypt`` / ``key rotate``: each case only sealed anew, under the new key."""
        from disputectl.trust.case_sealing import resealing_problems

        for c in changes:
            case_id = case_of(c.path)
            old, new = self._parse(c.old, c.path), self._parse(c.new, c.path)
            if not isinstance(old, dict) or not isinstance(new, dict):
                self.report(commit, case_id, "加密迁移或换钥提交新增、删除了案件文件，或案件文件读不出")
                continue
            for reason in resealing_problems(old, new, after.suite.code, after.data.id):
                self.report(commit, case_id, reason)

    def check_commit(self, commit: Commit) -> None:
        parent = commit.parents[0] if commit.parents else None
        changes = self.history.changes(parent, commit.sha)
        for c in changes:
            if c.new is not None and c.mode in ("120000", "160000"):
                self.report(commit, case_of(c.path), f"{c.path} 不是普通文件（符号链接或子模块），案件库只接受普通文件")
        rules = self.settings(parent or commit.sha)  # the rules in force before the commit
        signed = isinstance(rules, tuple) and any(o.key for o in rules[0].officers.values())
        action = commit.trailers.get("Action")
        if signed:
            assert isinstance(rules, tuple)
            officer = self.signer(commit, rules[0])
            if action == "init" and parent is not None:
                self.report(commit, None, "建库提交只能是第一个提交")
            if action == "init":
                for reason in self.keyring_reasons(None, self.keyring(commit.sha), rules[0]):
                    self.report(commit, None, reason)
            if action == "admin":
                self.check_admin(commit, changes, rules[0], officer)
                return
            rule_files = [c.path for c in changes if is_rule_file(c.path)]
            if rule_files and action != "init":
                self.report(commit, commit.trailers.get("Case"),
                            f"改动了规则文件（{'、'.join(rule_files[:3])}），但不是系统管理员的配置变更提交")
            stations = [c for c in changes if c.path.startswith(STATIONS_FOLDER)]
            if stations and action != "station":
                self.report(commit, None, "改动了站点登记，但不是站点登记提交")
            if action == "station" and (len(stations) != 1 or stations[0].old is not None):
                self.report(commit, None, "站点登记提交只能新增一个站点")
            elsewhere = [c.path for c in changes if not (is_rule_file(c.path) or c.path.startswith((CASES_DIR + "/", STATIONS_FOLDER))
                                                          or (action == "init" and c.path == "README.md"))]
            if elsewhere:
                self.report(commit, commit.trailers.get("Case"), f"改动了案件库中不该改动的文件：{'、'.join(elsewhere[:3])}")
            if action in ACTIONS and not any(c.path.startswith(CASES_DIR + "/") for c in changes):
                self.report(commit, commit.trailers.get("Case"), "操作提交没有改动任何案件文件")
            if action is None:
                self.report(commit, commit.trailers.get("Case"), "提交说明缺少 Action 标记：不是用 disputectl 办理的操作")
            elif action not in ACTIONS and action not in ("init", "station", "reveal"):
                self.report(commit, commit.trailers.get("Case"), f"“{action[:20]}”不是一项操作（提交须是一项操作或一次配置变更）")
        touched = {case_of(c.path) for c in changes if c.path.startswith(CASES_DIR + "/")}
        if not touched:
            return  # init, configuration, a station, a recorded look: nothing under cases/
        if None in touched:
            stray = next(c.path for c in changes if c.path.startswith(CASES_DIR + "/") and case_of(c.path) is None)
            self.report(commit, None, f"{stray} 不是案件文件，也不在任何案件自己的文件夹中")
            touched.discard(None)
        if len(touched) > 1:
            self.report(commit, "、".join(sorted(t for t in touched if t)), "一次提交改动了多个案件（每次提交只能是一个案件的一项操作）")
            return
        if not touched:
            return
        case_id = str(next(iter(touched)))
        outside = sorted(c.path for c in changes if case_of(c.path) != case_id)
        if outside:
            self.report(commit, case_id, "同时改动了本案以外的文件：" + "、".join(outside[:5]))
        settings = self.settings(parent or commit.sha)
        if isinstance(settings, str):
            self.report(commit, case_id, settings)
            return
        file_path = f"{case_dir(case_id)}/{case_id}.yaml"
        change = next((c for c in changes if c.path == file_path), None)
        old_sha = change.old if change else self.history.tree(parent, [file_path]).get(file_path)
        for reason in self.case_reasons(commit, case_id, file_path, change, old_sha, *settings):
            self.report(commit, case_id, reason)
        for reason in self.file_reasons(case_id, file_path, changes, old_sha, change):
            self.report(commit, case_id, reason)

    def file_reasons(self, case_id: str, path: str, changes: list[Change], old_sha: str | None,
                     change: Change | None) -> Iterator[str]:
        """Recorded files are never changed or removed; a new file is recorded with its sha256."""
        before = self._parse(old_sha, path)
        after = self._parse(change.new if change else old_sha, path)
        kept = recorded_files(before) if isinstance(before, dict) else {}
        vouched = recorded_files(after) if isinstance(after, dict) else {}
        others = [c for c in changes if case_of(c.path) == case_id and c.path != path]
        contents = self.history.blobs(c.new for c in others if c.new)
        for c in others:
            if c.old is not None and c.path in kept:
                yield f"改动或删除了已记录的文件 {c.path}（已出具的文书、附件和归档材料不能改动）"
            elif c.new is not None and vouched.get(c.path) != hashlib.sha256(contents.get(c.new, b"")).hexdigest():
                yield f"{c.path} 未在案件记录中登记，或与登记的校验值不符"
        if isinstance(before, dict) and isinstance(after, dict) and len(after["actions"]) == len(before["actions"]) + 1:
            snapshots = {n.get("path") for n in after["actions"][-1].get("notices", []) if n.get("kind") == "case_record"}
            for c in others:
                if c.path in snapshots and (contents.get(c.new) if c.new else None) != self.history.blob(old_sha):
                    yield f"{c.path} 应是归档前的案件文件，却与之不符"

    def case_reasons(self, commit: Commit, case_id: str, path: str, change: Change | None, old_sha: str | None,
                     config: Config, calendar: WorkCalendar) -> Iterator[str]:
        before = self._parse(old_sha, path)
        before_state = derive_state(before, config, calendar) if isinstance(before, dict) else None
        if (before_state is not None and before_state["status"] == "archived" and not self._settles(change, path)
                and not self._supplements(change, path)):
            yield "案件已归档，之后不能再改动（归档后仍有提交改动了本案的文件）"
            return
        if change is None:
            yield "改动了本案的材料，却没有在案件文件中追加操作记录"
            return
        if change.new is None:
            yield "删除了案件文件"
            return
        after = self._parse(change.new, path)
        if not isinstance(after, dict):
            yield after or "读不到案件文件"
            return
        missing = [k for k in TRAILER_KEYS if not commit.trailers.get(k)]
        if missing:
            yield f"提交说明缺少 {'、'.join(missing)} 标记：不是用 disputectl 办理的操作（可能是手工修改后用 git commit 提交）"
        if after.get("id") != case_id:
            yield f"案件文件中的编号 {after.get('id')} 与文件位置 {path} 不符"
        if isinstance(before, str):
            before = None  # reported with the commit that broke it
        old_actions = before["actions"] if before else []
        new = after["actions"][len(old_actions):]
        if after["actions"][:len(old_actions)] != old_actions:
            yield "改动或删除了已有的操作记录（操作记录只能追加）"
        elif len(new) != 1:
            yield f"一次提交应追加且只追加一项操作，实际追加了 {len(new)} 项"
        elif not missing:
            yield from self.action_reasons(commit, case_id, before, before_state, after, new[0], config, calendar)
        if before and after["registration"] != before["registration"]:
            yield "改动了受理登记信息（登记信息受理后不能更改）"
        ring = self.keyring(commit.parents[0] if commit.parents else None)
        if isinstance(ring, Keyring):
            from disputectl.trust.case_sealing import REGISTRATION, seal_problems

            added = {str(a.get("id")) for a in new} | ({REGISTRATION} if before is None else set())
            yield from seal_problems(after, ring.suite.code, lambda key_id: key_id == ring.data.id, added)
        expected = stored_state(derive_state(after, config, calendar))
        if after["state"] != expected:
            wrong = [k for k in expected if after["state"].get(k) != expected[k]]
            detail = (f"记录为“{STATUSES.get(after['state'].get('status'), after['state'].get('status'))}”，"
                      f"按操作记录应为“{STATUSES[expected['status']]}”") if "status" in wrong else "、".join(wrong)
            yield f"案件文件中的状态与操作记录推演的结果不一致（{detail}）"

    def action_reasons(self, commit: Commit, case_id: str, before: dict[str, Any] | None,
                       before_state: dict[str, Any] | None, after: dict[str, Any], entry: dict[str, Any],
                       config: Config, calendar: WorkCalendar) -> Iterator[str]:
        from disputectl.rules.authorize import authorize

        t = commit.trailers
        recorded = {"Case": case_id, "Action": entry["action"], "Actor": entry["actor"], "Unit": entry["unit"],
                    "Action-Id": entry["id"]}
        differing = [k for k in TRAILER_KEYS if t.get(k) != recorded[k]]
        if differing:
            yield "提交说明中的标记与追加的操作记录不一致：" + "、".join(f"{k}（{t.get(k)} ≠ {recorded[k]}）" for k in differing)
            return
        officer = config.officers.get(entry["actor"])
        if officer is None:
            yield f"操作人“{entry['actor']}”不在当时配置的人员名单中"
            return
        if officer.unit != entry["unit"]:
            yield f"操作人 {officer.name}（{entry['actor']}）属于{config.unit_label(officer.unit)}，却以{config.unit_label(entry['unit'])}的名义办理"
            return
        email = officer.principal
        if commit.email != email:
            yield f"提交作者（{commit.author} <{commit.email}>）不是操作人 {officer.name} <{email}>"
        yield from self.date_reasons(commit, before, entry)
        if entry["action"] not in ACTIONS:
            yield f"没有“{entry['action']}”这项操作"
            return
        yield from self.notice_reasons(case_id, entry, config)
        if before is None or before_state is None:
            yield from self.registration_reasons(case_id, after, entry, officer, config)
            return
        data = dict(entry["data"])
        if entry["action"] == "archive":
            data = {k: v for k, v in data.items() if k in ("retention", "checked_by")}  # code and unit are assigned
        if entry["action"] == "settle":
            data = {k: v for k, v in data.items() if k != "void"}  # worked out from the contradiction
        try:
            _, clean = authorize(entry["action"], officer, before, before_state, data, config, calendar, action_day(entry))
        except DisputeError as exc:
            yield f"操作不合法：{exc}".replace("\n", " ")
            return
        if entry["action"] == "settle" and clean["void"] != entry["data"].get("void"):
            yield "核处记录中搁置的操作与矛盾的操作不符"

    # registration_form: in packages made since the 受理登记表 was added to the archive
    # case_record: the case file as it stood when archived, in packages made since it was added
    ARCHIVE_KINDS = ("registration_form", "archive_index", "archive_note", "history", "case_record", "manifest")

    def notice_reasons(self, case_id: str, entry: dict[str, Any], config: Config) -> Iterator[str]:
        """An action records only the notices it issues: their kinds, numbers and folder."""
        from disputectl.record.store_files import case_files_dir
        from disputectl.rules.workflow import produced_notices

        code = entry["action"]
        data = entry.get("data", {})
        if code == "issue_notice":
            allowed = {str(data.get("kind", "")).partition(":")[0]}
        elif code == "archive":
            allowed = set(self.ARCHIVE_KINDS)
        elif code in SUPPLEMENT_ACTIONS:
            allowed = {"supplement_note", "supplement_manifest"}  # only when the case was archived
        else:
            try:
                allowed = {kind for kind, _ in produced_notices(code, data)}
            except (KeyError, TypeError):
                allowed = set()
        folder = case_files_dir(case_id) + "/"
        for notice in entry.get("notices", []):
            kind, number = notice.get("kind"), notice.get("number")
            if kind not in allowed:
                yield f"“{ACTIONS[code].label}”不出具{kind}，却记录了一份（文书只能由出具它的操作记录）"
            elif number and not str(number).startswith((config.notice_prefix(kind, entry.get("unit")) or "") + "〔"):
                yield f"文号“{str(number)[:30]}”与{kind}的代字不符"
            if not str(notice.get("path", "")).startswith(folder):
                yield f"文书 {str(notice.get('path'))[:60]} 不在本案的文件夹中"

    def date_reasons(self, commit: Commit, before: dict[str, Any] | None, entry: dict[str, Any]) -> Iterator[str]:
        """An action's time runs forward and is the time it was committed (within minutes)."""
        try:
            at = datetime.fromisoformat(str(entry["at"]))
        except ValueError:
            yield f"操作时间“{str(entry['at'])[:30]}”无效"
            return
        when = commit_time(self.raw.get(commit.sha, b""))
        if when is not None and at.tzinfo is not None and abs(when - at) > CLOCK_SKEW:
            yield f"操作时间 {at:%Y-%m-%d %H:%M} 与提交时间 {when:%Y-%m-%d %H:%M} 相差过大（补录请用 --occurred）"
        occurred = entry.get("occurred")
        if occurred:
            if str(occurred) > at.date().isoformat():
                yield f"补录的发生日期 {occurred} 晚于录入时间"
            if before and before["actions"] and action_day(entry) < action_day(before["actions"][-1]):
                yield f"补录的发生日期 {occurred} 早于本案上一项操作"
        if before and before["actions"]:
            try:
                previous = datetime.fromisoformat(str(before["actions"][-1]["at"]))
            except ValueError:
                return
            if at.tzinfo is not None and previous.tzinfo is not None and at < previous:
                yield f"操作时间 {at:%Y-%m-%d %H:%M} 早于本案上一项操作（{previous:%Y-%m-%d %H:%M}）"

    def registration_reasons(self, case_id: str, after: dict[str, Any], entry: dict[str, Any], officer: Any,
                             config: Config) -> Iterator[str]:
        if entry["action"] != "register":
            yield f"新案件的第一项操作应为受理登记，而不是“{ACTIONS[entry['action']].label}”"
            return
        if not officer.has_role("registrar"):
            yield f"操作不合法：{officer.name}不是受理人员，不能受理登记"
        reg = after["registration"]
        if reg["first_officer"] != entry["actor"] or reg["first_unit"] != entry["unit"]:
            yield "首问责任人与办理受理登记的人员或单位不符"
        match = CASE_ID_RE.match(case_id)
        if match and (match.group("unit") != entry["unit"] or match.group("date") != entry["at"][:10].replace("-", "")):
            yield "案件编号中的单位或日期与受理登记不符"
        from disputectl.rules.imported import import_reasons

        yield from import_reasons(after, entry, config)  # a case brought in from a 台账

    def _settles(self, change: Change | None, path: str) -> bool:
        """An archived case takes one more kind of entry: the office settling a contradiction
        that reached it by sync (a supplement; the archive stays as it was)."""
        after = self._parse(change.new, path) if change and change.new else None
        return isinstance(after, dict) and after["actions"][-1]["action"] == "settle"

    def _supplements(self, change: Change | None, path: str) -> bool:
        """An archived case also takes an objection or its outcome, as a 补充归档 entry (the
        action's legality, its files and their checksums are judged as any action's)."""
        after = self._parse(change.new, path) if change and change.new else None
        return isinstance(after, dict) and after["actions"][-1]["action"] in SUPPLEMENT_ACTIONS

    def _parse(self, sha: str | None, path: str) -> dict[str, Any] | str | None:
        if sha is None:
            return None
        try:
            return parse_case(self.history.blob(sha) or b"", source=path)
        except DisputeError as exc:
            return f"案件文件不符合格式：{exc}".replace("\n", " ")

    def check_merge(self, commit: Commit) -> None:
        if len(commit.parents) != 2:
            self.report(commit, None, "不接受两个以上分支的合并提交")
            return
        ours, theirs = commit.parents
        base = self.history.merge_base(ours, theirs)
        if base is None:
            self.report(commit, None, "合并了另起的一段历史（两边没有共同的上级提交）")
            return
        paths = sorted({c.path for c in self.history.changes(ours, commit.sha)}
                       | {c.path for c in self.history.changes(theirs, commit.sha)})
        if not paths:
            return
        trees = [self.history.tree(rev, paths) for rev in (ours, theirs, base, commit.sha)]
        settings = self.settings(commit.sha)
        for path in paths:
            x, y, b, m = (t.get(path) for t in trees)
            if x == y:
                ok = m == x
            elif b == x:
                ok = m == y
            elif b == y:
                ok = m == x
            elif is_case_file(path) and x and y and m and not isinstance(settings, str):
                contents = self.history.blobs([x, y, m])
                try:
                    ok = merge_case_bytes(contents[x], contents[y], *settings, path=path) == contents[m]
                except MergeConflict as exc:
                    self.report(commit, case_of(path), f"合并了不能自动合并的案件文件：{exc.message}")
                    continue
            else:
                ok = False
            if not ok:
                self.report(commit, case_of(path), f"合并结果不是两边记录逐条合并的结果（{path}）")


# -- entry points --------------------------------------------------------------------------------

def verify(root: Path, since: str | None = None) -> VerifyReport:
    verifier = Verifier(root)
    history = verifier.history
    if rev_parse(root, "HEAD") is None:
        return VerifyReport(0, [])
    if since is not None:
        start = rev_parse(root, since)
        if start is None:
            raise StoreError(f"找不到提交“{since[:40]}”。")
        return verifier.check(history.commits(f"{start}..HEAD"))
    return verifier.check(history.commits("HEAD"))


def check_push(root: Path, updates: list[tuple[str, str, str]]) -> VerifyReport:
    """The pre-receive check: every ref update (old, new, ref) of one push."""
    verifier = Verifier(root)
    history = verifier.history
    for old, new, ref in updates:
        where = Commit(new if new != ZERO else old, (), "", "", {})
        if ref != MAIN_REF:
            verifier.report(where, None, f"只接受主分支 main 的推送，不接受 {ref[:60]}（其他分支和标签）")
            continue
        if new == ZERO:
            if ref == "refs/heads/main":
                verifier.report(where, None, "不允许删除主分支 main")
            continue
        if old != ZERO:  # the rules on the server now judge every signer too (a revoked key stays revoked)
            verifier.has_history = True
            rules = verifier.settings(old)
            verifier.current = rules[0] if isinstance(rules, tuple) else None
        if old != ZERO and not history.is_ancestor(old, new):
            verifier.report(where, None, f"不允许改写 {ref} 已有的历史（推送须是在原有记录之后追加）")
            continue
        verifier.check(history.commits(f"{old}..{new}") if old != ZERO else history.commits(new, "--not", "--all"))
    return VerifyReport(verifier.checked, verifier.violations)


HOOK_SCRIPT = """#!/bin/sh
{mark}: every pushed commit must be one legal action (disputectl verify).
exec {python} -m disputectl.record.verify --pre-receive
"""


def install_hook(bare: Path) -> Path:
    import shlex

    root = bare.expanduser().resolve()
    if not is_bare_repository(root):
        raise StoreError(f"“{bare}”不是 git 裸仓库（git init --bare 建立的远端仓库）。")
    hook = root / "hooks" / "pre-receive"
    if hook.exists() and HOOK_MARK not in hook.read_text(encoding="utf-8", errors="replace"):
        raise StoreError(f"{hook} 已有其他 pre-receive 钩子，为避免覆盖，未做改动。")
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(HOOK_SCRIPT.format(mark=HOOK_MARK, python=shlex.quote(sys.executable)), encoding="utf-8")
    hook.chmod(0o755)
    # the hub serves every fetch and takes every push: its git must not map the whole pack either
    limit_pack_memory(root)
    return hook


def format_violation(v: Violation) -> str:
    return f"{v.commit} {v.case + ' ' if v.case else ''}{v.reason}"


def _pre_receive() -> int:
    updates = [tuple(line.split()[:3]) for line in sys.stdin.read().splitlines() if len(line.split()) >= 3]
    try:
        report = check_push(Path.cwd(), updates)  # type: ignore[arg-type]
    except DisputeError as exc:
        print(f"disputectl：无法核对本次推送：{exc}", file=sys.stderr)
        return 1
    if not report.violations:
        return 0
    print(f"disputectl：推送被拒绝，{len(report.violations)} 处不合规（每个提交须是一项合法的操作）：", file=sys.stderr)
    for v in report.violations:
        print("  " + format_violation(v), file=sys.stderr)
    return 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--pre-receive"]:
        sys.exit(_pre_receive())
    print("用法：python -m disputectl.record.verify --pre-receive（由 pre-receive 钩子调用）", file=sys.stderr)
    sys.exit(2)
