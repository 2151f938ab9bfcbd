"""Several offices, one store: clones that work offline and meet again through a remote.

``sync`` fetches, merges (case files through the merge driver in ``merge.py``) and pushes, all
under the store lock; local work is never dropped: when the remote cannot be reached, the
commits stay on the local branch and the next ``sync`` sends them.

Case numbers stay unique across clones through a station number per clone, kept in the
clone's ``.git/config`` (``disputectl.station``): the store's first copy is station 0 (``init``),
every clone made with ``disputectl clone`` / ``disputectl setup`` takes the next free number
and records it in the store (``stations/<n>.yaml``) with a push before it is used, so two
clones can never hold the same station — the remote's branch is the arbiter. The station
leads the day's sequence (see ``numbering.next_case_id``).
"""

from __future__ import annotations

import shlex
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from disputectl.errors import PermissionDenied, StoreError
from disputectl.record.gitcmd import (
    BRANCH,
    Identity,
    clone_repository,
    config_get,
    config_set,
    fetch,
    has_remotes,
    is_ancestor,
    is_sparse,
    limit_pack_memory,
    make_sparse,
    merge_into_head,
    push,
    remote_url,
    reset_branch,
    rev_parse,
    tracking_ref,
    update_tracking_ref,
)
from disputectl.record.githistory import count_commits
from disputectl.record.gitstore import GitStore, recover_interrupted
from disputectl.record.merge import ATTRIBUTES_LINE, DRIVER_NAME
from disputectl.rules.config import Config, Officer
from disputectl.trust.signatures import ALLOWED_SIGNERS_FILE

STATION_KEY = "disputectl.station"
STATIONS_DIR = "stations"
MAX_ATTEMPTS = 5
DEFAULT_REMOTE = "origin"


class OfflineError(StoreError):
    """The remote could not be reached; nothing local was changed or lost."""

    exit_code = 7


class SyncRefused(StoreError):
    """The remote's hook refused the push, or the histories cannot be merged."""

    exit_code = 8


@dataclass(frozen=True)
class Incoming:
    case: str
    action: str
    label: str
    officer: str
    officer_name: str
    unit: str
    unit_name: str
    commit: str

    @property
    def new_case(self) -> bool:
        return self.action == "register"


@dataclass(frozen=True)
class SyncReport:
    remote: str
    incoming: list[Incoming] = field(default_factory=list)
    outgoing_commits: int = 0
    outgoing_cases: list[str] = field(default_factory=list)
    merged: bool = False
    head: str | None = None
    recovered: list[str] = field(default_factory=list)  # what an interrupted sync had left, put right

    def as_dict(self) -> dict[str, object]:
        return {
            "recovered": self.recovered,
            "remote": self.remote, "merged": self.merged, "head": self.head,
            "incoming": [{**i.__dict__, "new_case": i.new_case} for i in self.incoming],
            "outgoing": {"commits": self.outgoing_commits, "cases": self.outgoing_cases},
        }


# -- the clone's own settings ------------------------------------------------------------------

def driver_command() -> str:
    return f"{shlex.quote(sys.executable)} -m disputectl.record.merge %O %A %B %P"


def configure_clone(root: Path, station: int | None = None) -> None:
    """What git does not carry from clone to clone: the merge driver, where the allowed signers
    are, and the station number."""
    config_set(root, f"merge.{DRIVER_NAME}.name", "disputectl 案件文件逐条合并")
    config_set(root, f"merge.{DRIVER_NAME}.driver", driver_command())
    config_set(root, "core.quotePath", "false")
    config_set(root, "core.autocrlf", "false")
    # plain git checks the tool's signatures: git verify-commit, git log --show-signature
    config_set(root, "gpg.format", "ssh")
    config_set(root, "gpg.ssh.allowedSignersFile", str(root.resolve() / ALLOWED_SIGNERS_FILE))
    if station is not None:
        config_set(root, STATION_KEY, str(station))


def local_station(root: Path) -> int:
    """This clone's station number (0 for the store's first copy)."""
    value = config_get(root, STATION_KEY)
    if value is None:
        if has_remotes(root):
            raise StoreError("本副本尚未登记站点号（多处同时受理时用它避免案件编号重复），不能受理登记："
                             "请先运行 disputectl setup（需要能连接远端）。")
        return 0
    if not value.isdigit():
        raise StoreError(f".git/config 中的站点号“{value[:10]}”无效，请运行 disputectl setup 重新登记。")
    return int(value)


def known_stations(git: GitStore, commit: str | None) -> set[int]:
    names = git.list_dir(commit, STATIONS_DIR)
    return {0} | {int(n[:-5]) for n in names if n.endswith(".yaml") and n[:-5].isdigit()}


def _system_identity(root: Path) -> Identity:
    station = config_get(root, STATION_KEY)
    who = f"station-{station}" if station else "disputectl"
    return Identity("disputectl" + (f" 站点{station}" if station else ""), f"{who}@localhost.invalid")


# -- sync ---------------------------------------------------------------------------------------

def _require_remote(root: Path, remote: str) -> None:
    if remote_url(root, remote) is None:
        raise StoreError(f"案件库没有名为“{remote}”的远端：请先运行 git -C {root} remote add {remote} 远端地址，"
                         "或用 disputectl clone 复制案件库。")


def _fetch_or_fail(root: Path, remote: str, pending: int) -> None:
    fetched, message = fetch(root, remote)
    if not fetched:
        kept = f"本地尚未送出的 {pending} 个提交都已保留" if pending else "本地记录未受影响"
        raise OfflineError(f"无法连接远端“{remote}”，本次未能同步：{kept}；网络恢复后再次运行 disputectl sync 即可补上。"
                           f"（git：{message.splitlines()[-1][:200] if message else '无输出'}）")


def _pending(root: Path, remote: str, head: str | None) -> int:
    if head is None:
        return 0
    known = rev_parse(root, tracking_ref(remote))
    return count_commits(root, f"{known}..{head}" if known else head)


def _describe_incoming(git: GitStore, config: Config, head: str | None, theirs: str) -> list[Incoming]:
    """What the other clones did: one entry per action commit that is new to this clone."""
    from disputectl.rules.workflow import ACTIONS

    found = []
    for info in reversed(git.log(rev=f"{head}..{theirs}" if head else theirs)):
        t = info.trailers
        code = t.get("Action", "")
        if code not in ACTIONS or not t.get("Case"):
            continue
        officer = config.officers.get(t.get("Actor", ""))
        unit = t.get("Unit", "")
        found.append(Incoming(t["Case"], code, ACTIONS[code].label, t.get("Actor", ""),
                              officer.name if officer else info.author, unit, config.unit_label(unit), info.sha[:10]))
    return found


def _outgoing(git: GitStore, theirs: str | None, head: str) -> tuple[int, list[str]]:
    """Commits (merges aside) and cases the remote does not have yet."""
    commits = git.log(rev=f"{theirs}..{head}" if theirs else head, merges=False)
    return len(commits), sorted({c.trailers.get("Case", "") for c in commits} - {"", "-"})


def sync(store: Path, *, remote: str = DEFAULT_REMOTE, officer_id: str | None = None, now: datetime) -> SyncReport:
    """Fetch, merge, push — one clone meeting the others. Raises OfflineError when apart."""
    from disputectl.record.session import open_session

    s = open_session(store, now=now, officer_id=officer_id)
    root, git = s.root, s.git
    author = s.identity(s.officer()) if officer_id else _system_identity(root)
    signing_key = _merge_key(s.officer()) if officer_id else None
    _require_remote(root, remote)
    with git.lock():
        recovered = recover_interrupted(git)
        configure_clone(root)
        incoming: list[Incoming] = []
        merged = False
        first_head = git.head()
        for _ in range(MAX_ATTEMPTS):
            head = git.head()
            _fetch_or_fail(root, remote, _pending(root, remote, head))
            theirs = rev_parse(root, tracking_ref(remote))
            if theirs and head and theirs != head and not is_ancestor(root, theirs, head):
                incoming += _describe_incoming(git, s.config, head, theirs)
                merged = _merge(root, remote, theirs, head, author, now, signing_key) or merged
                head = git.head()
            elif theirs and head is None:
                raise StoreError("本地案件库没有任何记录，请用 disputectl clone 复制案件库。")
            if head is None or head == theirs:
                return SyncReport(remote, incoming, 0, [], merged, head, recovered)
            out_commits, out_cases = _outgoing(git, theirs, head)
            outcome = push(root, remote)
            if outcome.status == "ok":
                update_tracking_ref(root, remote, head)
                return SyncReport(remote, incoming, out_commits, out_cases, merged, head, recovered)
            if outcome.status == "declined":
                raise SyncRefused(f"远端拒绝了推送（本地记录都已保留，未送出）：\n{outcome.message}")
            if outcome.status == "offline":
                kept = _pending(root, remote, head)
                note = "已合并收到的记录，" if git.head() != first_head else ""
                raise OfflineError(f"无法向远端“{remote}”推送：{note}本地尚未送出的 {kept} 个提交都已保留；"
                                   f"网络恢复后再次运行 disputectl sync 即可补上。（git：{outcome.message[-200:]}）")
            # "behind": someone pushed between our fetch and our push; fetch and merge again.
        raise StoreError("远端在同步期间不断变化，本次未能推送；本地记录都已保留，请稍后再运行 disputectl sync。")


def _merge_key(officer: Officer) -> Path:
    """The key that signs the merge commits of ``sync --as`` (refused unless this user holds it)."""
    from disputectl.record.session import Session
    from disputectl.trust.keys import signing_key

    Session.signer_of(officer)  # a disabled officer, or one without a key here, is refused
    return signing_key(officer.id, officer.key, officer.name).sign_with


def _merge(root: Path, remote: str, theirs: str, head: str | None, author: Identity, now: datetime,
           signing_key: Path | None = None) -> bool:
    """Merge the remote's branch into ours; True if a merge commit was made (False: fast-forward)."""
    fast_forward = head is not None and is_ancestor(root, head, theirs)
    message = (f"同步合并：收到远端“{remote}”的记录\n\n"
               f"Action: merge\nActor: {author.email.split('@')[0]}\nUnit: -\n")
    done, text = merge_into_head(root, theirs, message, author, now, signing_key)
    if done:
        GitStore(root).refresh_copies(head, rev_parse(root, f"refs/heads/{BRANCH}") or theirs)
    if not done:
        reasons = [line.split("disputectl：", 1)[1] for line in text.splitlines() if "disputectl：" in line]
        detail = "\n".join(f"  - {r}" for r in reasons) or text[-400:]
        raise SyncRefused("收到的记录与本地记录不能自动合并，已放弃本次合并，本地记录都已保留、未送出；"
                          f"请联系领导组办公室核处：\n{detail}")
    return not fast_forward


# -- clone and setup ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SetupReport:
    root: Path
    station: int
    registered: bool


def clone(url: str, path: Path, *, name: str | None = None, officer_id: str | None = None,
          now: datetime) -> SetupReport:
    """``git clone`` the store, configure the merge driver and take a station number."""
    path = path.expanduser()
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise StoreError(f"“{path}”已存在且不是空文件夹；为避免覆盖，未做任何改动。")
    path.parent.mkdir(parents=True, exist_ok=True)
    clone_repository(url, path)
    root = path.resolve()
    if rev_parse(root, f"refs/heads/{BRANCH}") is None:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        raise StoreError(f"远端“{url}”还没有案件库：请先在建立案件库的电脑上 git remote add 后运行 disputectl sync。")
    try:
        return setup(root, name=name, officer_id=officer_id, now=now)
    except OfflineError:
        raise
    except Exception:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        raise


def _station_signer(root: Path, officer_id: str | None) -> tuple[Identity, Callable[[bytes], bytes] | None, dict[str, str]]:
    """Who registers the station: an officer with their key, in a store whose officers sign
    (one made before signing began registers it as the tool did then)."""
    from disputectl.record.session import SYSTEM_IDENTITY, Session
    from disputectl.record.store_files import load_config_file

    config = load_config_file(root)
    if officer_id is None:
        if any(o.key for o in config.officers.values()):
            raise PermissionDenied("请用 --as 工号（或 DISPUTECTL_OFFICER）指明由谁登记本处站点：登记提交须由本人签名。")
        return SYSTEM_IDENTITY, None, {"Actor": "disputectl", "Unit": "-"}
    officer = config.officer(officer_id)
    return Identity(officer.name, officer.principal), Session.signer_of(officer), {"Actor": officer.id, "Unit": officer.unit}


def setup(store: Path, *, remote: str = DEFAULT_REMOTE, name: str | None = None, officer_id: str | None = None,
          now: datetime) -> SetupReport:
    """Configure a clone (merge driver) and register its station number with the remote once."""
    from disputectl.record.session import SYSTEM_IDENTITY, commit_message
    from disputectl.record.store_files import dump_yaml, find_store_root

    root = find_store_root(store)
    configure_clone(root)
    limit_pack_memory(root)
    if not is_sparse(root):  # made by a plain `git clone`: case files are read through disputectl
        make_sparse(root)
    current = config_get(root, STATION_KEY)
    if current is not None and current.isdigit():
        return SetupReport(root, int(current), False)
    _require_remote(root, remote)
    author, sign, who = _station_signer(root, officer_id)
    git = GitStore(root)
    label = (name or socket.gethostname() or "副本")[:60]
    with git.lock():
        for _ in range(MAX_ATTEMPTS):
            head = git.head()
            _fetch_or_fail(root, remote, _pending(root, remote, head))
            theirs = rev_parse(root, tracking_ref(remote))
            if theirs and head and not is_ancestor(root, theirs, head):
                _merge(root, remote, theirs, head, SYSTEM_IDENTITY, now)
                head = git.head()
            station = max(known_stations(git, head)) + 1
            from disputectl.rules.numbering import MAX_STATION

            if station > MAX_STATION:
                raise StoreError(f"站点号已用完（最多 {MAX_STATION} 个）。")
            files: dict[str, bytes | None] = {
                f"{STATIONS_DIR}/{station}.yaml": dump_yaml({"station": station, "name": label,
                                                             "registered_at": now.isoformat(timespec="seconds")}),
            }
            attributes = git.read_file(head, ".gitattributes") or b""
            if ATTRIBUTES_LINE.encode() not in attributes:
                files[".gitattributes"] = attributes.rstrip(b"\n") + b"\n" + ATTRIBUTES_LINE.encode() + b"\n"
            message = commit_message(f"登记站点 {station}：{label}", {"Action": "station", **who, "Station": str(station)})
            commit = git.commit_files(head, files, message, author, now, sign)
            if not git.compare_and_swap(commit, head):
                continue
            git.sync_worktree(files)
            outcome = push(root, remote)
            if outcome.status == "ok":
                config_set(root, STATION_KEY, str(station))
                update_tracking_ref(root, remote, commit)
                return SetupReport(root, station, True)
            # Not on the remote, so not ours: take the commit back and try the next free number.
            if head:
                reset_branch(root, head, commit)
            if outcome.status == "offline":
                raise OfflineError(f"无法连接远端“{remote}”登记站点号：本副本暂不能受理登记（其他操作不受影响），"
                                   "网络恢复后请运行 disputectl setup。")
            if outcome.status == "declined":
                raise SyncRefused(f"远端拒绝了站点登记：\n{outcome.message}")
        raise StoreError("远端在登记站点号期间不断变化，请稍后再运行 disputectl setup。")
