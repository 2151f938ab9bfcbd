"""An opened store: its config, calendar, git repository and index, and reading its cases.

A ``Session`` is what every use case works on; ``now`` and the officer come in as values, so
nothing here reads the clock or the terminal. The commit message helpers live here too: sync
writes its own commits with the same trailers as the use cases.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from disputectl.errors import (
    NotFound,
    PermissionDenied,
    StoreError,
    SystemProblem,
    ValidationError,
    git_failure_cause,
    os_error_cause,
)
from disputectl.record.faults import crash_point
from disputectl.record.gitcmd import Identity
from disputectl.record.githistory import CLOCK_SKEW, commit_time
from disputectl.record.gitstore import GitStore
from disputectl.record.store_files import (
    CALENDAR_DIR,
    case_path,
    find_store_root,
    load_calendar,
    load_config_file,
    load_keyring,
    normalize_case_id,
    parse_case,
)
from disputectl.rules.calendar import WorkCalendar
from disputectl.rules.config import Config, Officer
from disputectl.rules.derive import derive_state

if TYPE_CHECKING:
    from disputectl.record.index import ProgressFn

T = TypeVar("T")
MAX_COMMIT_ATTEMPTS = 8
SYSTEM_IDENTITY = Identity("disputectl", "disputectl@localhost.invalid")


@dataclass
class Session:
    root: Path
    config: Config
    calendar: WorkCalendar
    git: GitStore
    now: datetime
    officer_id: str | None = None
    # around a rebuild of a large store's index a command (not ``reindex``) has to make first:
    # says so and gives the progress callback, if any (see CaseIndex)
    rebuilding: Callable[[], AbstractContextManager[ProgressFn | None]] | None = None

    _index: Any = None
    recovered: list[str] = field(default_factory=list)  # what a killed command had left, put right

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def index(self) -> Any:
        """The derived SQLite index, brought up to HEAD on first use in this session."""
        if self._index is None:
            from disputectl.record.index import CaseIndex

            self._index = CaseIndex(self.git, self.config, self.calendar, rebuilding=self.rebuilding)
        return self._index

    def officer(self) -> Officer:
        return self.config.officer(self.officer_id)

    # -- personal data (see trust.sealing) -------------------------------------------------------
    _keyring: Any = False

    @property
    def keyring(self) -> Any:
        """The store's keyring, or None for a store that keeps personal data in clear."""
        if self._keyring is False:
            self._keyring = load_keyring(self.root)
        return self._keyring

    def sealer(self) -> Any:
        """What seals personal data; None in a store kept in clear (made before encryption came
        and not yet migrated). A store whose keyring was removed is refused, not run in clear."""
        from disputectl.trust.sealing import KEYRING_FILE, Sealer

        if self.keyring is not None:
            return Sealer(self.keyring)
        if self.config.encrypted:
            raise StoreError(f"本案件库曾加密保存个人信息，但 {KEYRING_FILE} 已被删除：为免个人信息以明文写入，未做任何改动。"
                             "请运行 disputectl verify 查明删除它的提交，并请系统管理员处理。")
        return None

    def _private_key(self, officer: Officer) -> Path:
        from disputectl.trust.keys import private_key_file

        return private_key_file(officer.id, officer.key, officer.name)

    _hasher: Any = None
    _opener: Any = None

    def hasher(self) -> Any:
        """The keyed hash of this store (opened with the officer's own key, once a session)."""
        if self._hasher is None:
            from disputectl.trust.sealing import Hasher, unwrap

            officer = self.officer()
            ring = self.keyring
            key = unwrap(ring.search, officer.id, self._private_key(officer), what="检索密钥")
            self._hasher = Hasher(ring.suite, ring.search.id, key)
        return self._hasher

    def opener(self) -> Any:
        """Opens sealed values: only for an officer the data key is wrapped for (opened once a session)."""
        if self._opener is None:
            from disputectl.trust.sealing import Opener, open_data_keys

            officer = self.officer()
            self._opener = Opener(self.keyring, open_data_keys(self.keyring, self._private_key(officer), officer.id))
        return self._opener

    def lookup_token(self, kind: str, value: str) -> str:
        """What the index holds for a payer's identifier or phone: a keyed hash, or in a store
        kept in clear the value itself."""
        from disputectl.trust.sealing import clear_token

        if self.keyring is None:
            return clear_token(kind, value)
        return self.hasher().token(kind, value)

    def identity(self, officer: Officer) -> Identity:
        return Identity(officer.name, officer.principal)

    def signer(self, officer: Officer) -> Callable[[bytes], bytes]:
        return self.signer_of(officer)

    @staticmethod
    def signer_of(officer: Officer) -> Callable[[bytes], bytes]:
        """Signs a commit as ``officer``: refused (nothing done) unless this user holds the
        private key of the public key registered for the officer."""
        from disputectl.trust.keys import signing_key

        if officer.disabled:
            raise PermissionDenied(f"{officer.name}（{officer.id}）的账号已停用，不能再办理。")
        return signing_key(officer.id, officer.key, officer.name).sign


HAND_EDIT_HELP = ("人员用 disputectl officer add|edit|roles|key，配置用 disputectl config set，节假日用 "
                  "disputectl calendar add|import，文书模板用 disputectl template install|reset（均由系统管理员办理）")


def refuse_hand_edits(git: GitStore) -> None:
    """Rules edited by hand are never committed: this office alone would work by them, the
    others never see them, and verify refuses the actions they allow."""
    from disputectl.record.gitstore import hand_edits

    edited = hand_edits(git)
    if edited:
        names = "、".join(path for _, path in edited[:5]) + ("等" if len(edited) > 5 else "")
        raise PermissionDenied(f"{names} 有未经命令的手工修改，未做任何操作：手工修改不进入记录，其他单位也看不到。"
                               f"{HAND_EDIT_HELP}。运行 disputectl doctor 可把手工修改另存后恢复为记录中的版本。")


def open_session(store: Path, *, now: datetime, officer_id: str | None = None, fixed_clock: bool = False,
                 check_rules: bool = True) -> Session:
    """The store at (or above) ``store``. A clock fixed from outside (``DISPUTECTL_NOW``) is
    accepted only by a demo store: in a real one it would let anyone backdate an action. Rules
    files edited by hand are refused (``check_rules=False``: doctor, which repairs them)."""
    root = find_store_root(store)
    from disputectl.record.gitstore import interrupted

    git = GitStore(root)
    if check_rules and not interrupted(git):  # an interrupted merge is recovered first, under the lock
        refuse_hand_edits(git)
    config = load_config_file(root)
    if fixed_clock and not config.demo:
        raise PermissionDenied("环境变量 DISPUTECTL_NOW 只能用于演示案件库（disputectl init --demo 建立）；"
                               "正式案件库一律按本机时钟记录时间。纸质材料晚录入的，请用 --occurred 日期 补录。")
    calendar = load_calendar(root / CALENDAR_DIR)
    return Session(root, config, calendar, git, now, officer_id)


def commit_message(subject: str, trailers: Mapping[str, str], body: str = "") -> str:
    text = subject.replace("\n", " ").strip()
    if body:
        text += "\n\n" + body.strip()
    text += "\n\n" + "\n".join(f"{k}: {v}" for k, v in trailers.items())
    return text + "\n"


def action_trailers(case_id: str, action: dict[str, Any]) -> dict[str, str]:
    return {"Case": case_id, "Action": action["action"], "Actor": action["actor"], "Unit": action["unit"],
            "Action-Id": action["id"]}


def load_case(s: Session, case_id: str, commit: str | None = None) -> dict[str, Any]:
    case_id = normalize_case_id(case_id)
    head = commit or s.git.head()
    data = s.git.read_file(head, case_path(case_id))
    if data is None:
        raise NotFound(f"没有找到案件 {case_id}。")
    return parse_case(data, source=f"案件 {case_id}")


def current_state(s: Session, case: dict[str, Any]) -> dict[str, Any]:
    """The state replayed now (the calendar may have learnt a new year since it was saved)."""
    return derive_state(case, s.config, s.calendar)


def case_states(s: Session, where: str = "", params: tuple[Any, ...] = (), *,
                limit: int = 0) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every case (newest first) with its derived state, from the index brought up to HEAD."""
    s.index.refresh()
    return s.index.case_states(where, params, limit=limit)


def commit_signed(s: Session, officer: Officer, build: Callable[[str | None], tuple[dict[str, bytes | None], str, T]]) -> T:
    """Run ``build`` on the current head and commit its files, signed by ``officer``; retried if
    the branch moved. Without the officer's key nothing is done."""
    from disputectl.record.gitstore import recover_interrupted

    sign = s.signer(officer)
    with s.git.lock():
        s.recovered += recover_interrupted(s.git)
        try:
            for _ in range(MAX_COMMIT_ATTEMPTS):
                head = s.git.head()
                # a demo store's clock is set at will (DISPUTECTL_NOW); a real one runs forward
                last = commit_time(s.git.read_commit(head)) if head and not s.config.demo else None
                if last is not None and s.now < last - CLOCK_SKEW:
                    raise ValidationError(f"本机时间 {s.now:%Y-%m-%d %H:%M} 早于案件库最后一个提交的时间（{last:%Y-%m-%d %H:%M}），"
                                          "未做改动：请核对本机时钟；纸质材料晚录入的请用 --occurred 补录。")
                files, message, result = build(head)
                commit = s.git.commit_files(head, files, message, s.identity(officer), s.now, sign)
                if s.git.compare_and_swap(commit, head):
                    break
            else:
                raise StoreError("案件库正忙（提交多次冲突），未做改动，请稍后重试。")
        except (OSError, MemoryError, sqlite3.OperationalError) as exc:
            if isinstance(exc, sqlite3.OperationalError) and not git_failure_cause(str(exc)):
                raise
            raise SystemProblem(f"未记录：{os_error_cause(exc)}，本次操作没有写入案件库（案件库与操作前相同）；"
                                "腾出空间或排除故障后重新办理即可。") from None
        # Recorded from here on: whatever fails now must not pass for a failed action.
        crash_point("after_cas")
        try:
            s.git.sync_worktree(files)
        except (OSError, MemoryError) as exc:
            s.recovered.append(f"操作已记录，但{os_error_cause(exc)}，本处工作区中的文件副本未能写出；"
                               "排除后运行 disputectl doctor 补上。")
    try:
        s.git.housekeep(commit)
    except (KeyboardInterrupt, OSError):  # the action is done; only git's housekeeping was cut short
        pass
    return result
