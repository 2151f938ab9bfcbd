"""The git module, writing side: commits, the branch, the store's lock and repairs.

With ``githistory.py`` (reading history) and ``gitcmd.py`` (the git process itself and the
remotes) the only code that runs git: this part makes commits and moves the branch;
``githistory.py`` reads what was committed (commits in a range, what each changed, trees,
blobs, the log). Nothing else in ``disputectl`` starts git.

Commits are built from objects: a blob per changed file, new trees only along the changed
paths, a commit object, then ``git update-ref NEW OLD`` as a compare-and-swap of the branch.
No index of the whole tree is involved in making a commit, so an action costs the same in a
store of 100 cases as in one of 100,000. Objects are read through one ``git cat-file --batch`` kept open and written as loose objects,
as git writes them (no GitPython: its import alone took a quarter of a second per action).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import subprocess
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from disputectl.errors import StoreError, git_failure_cause
from disputectl.record.faults import crash_point
from disputectl.record.gitcmd import (
    REF,
    Identity,
    is_sparse,
    no_index,
    run_git,
    safe_ident,
    start_git,
)

if TYPE_CHECKING:
    from disputectl.record.githistory import CommitInfo

LOCK_NAME = "disputectl.lock"
_BLOB_MODE = 0o100644
_TREE_MODE = 0o040000
HOUSEKEEPING_EVERY = 16  # commits, on average, between two ``git gc --auto`` (see GitStore.housekeep)


class GitStore:
    """A case store's git repository."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._reader: subprocess.Popen[bytes] | None = None
        self._sparse: bool | None = None

    @property
    def sparse(self) -> bool:
        """Whether git's index holds ``cases/`` as one entry (stores made by this version)."""
        if self._sparse is None:
            self._sparse = is_sparse(self.root)
        return self._sparse

    def close(self) -> None:
        if self._reader is not None:
            if self._reader.stdin:
                self._reader.stdin.close()
            self._reader.wait()
            if self._reader.stdout:
                self._reader.stdout.close()
            self._reader = None

    def git_dir(self) -> Path:
        return self.root / ".git"

    def head(self) -> str | None:
        proc = run_git(self.root, "rev-parse", "--verify", "--quiet", f"{REF}^{{commit}}", check=False)
        out = proc.stdout.decode().strip()
        return out or None

    def _write(self, kind: bytes, data: bytes) -> bytes:
        """Store a loose object as git does (zlib of "<kind> <size>\\0<data>", named by its SHA-1)."""
        raw = b"%s %d\0" % (kind, len(data)) + data
        binsha = hashlib.sha1(raw).digest()  # noqa: S324 - git's object names
        name = binsha.hex()
        target = self.git_dir() / "objects" / name[:2] / name[2:]
        try:
            # there already (from an earlier attempt?): kept fresh, as git does, so git's prune
            # (of unreachable objects over two weeks old) cannot take it now that it is used
            os.utime(target)
        except OSError:  # not there, or not this user's to touch: written (anew), as git does
            target.parent.mkdir(exist_ok=True)
            tmp = target.parent / f"tmp_obj_{os.getpid()}_{time.monotonic_ns()}"
            with open(tmp, "wb") as fh:
                fh.write(zlib.compress(raw, 1))
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)
        return binsha

    def _read(self, binsha: bytes) -> tuple[bytes, bytes]:
        """(kind, content) of an object, through one ``git cat-file --batch`` kept open."""
        if self._reader is None:
            self._reader = start_git(self.root, "cat-file", "--batch")
        assert self._reader.stdin is not None and self._reader.stdout is not None
        self._reader.stdin.write(binsha.hex().encode() + b"\n")
        self._reader.stdin.flush()
        header = self._reader.stdout.readline().split()
        if len(header) != 3:
            raise StoreError(f"案件库缺少 git 对象 {binsha.hex()[:10]}（仓库可能已损坏，请运行 git fsck）。")
        content = self._reader.stdout.read(int(header[2]))
        self._reader.stdout.read(1)
        return header[1], content

    def read_commit(self, sha: str) -> bytes:
        """The raw commit object ``sha`` (its headers: tree, parents, author, committer, signature)."""
        return self._read(bytes.fromhex(sha))[1]

    def _tree_entries(self, tree_sha: bytes | None) -> list[tuple[bytes, int, str]]:
        if tree_sha is None:
            return []
        kind, data = self._read(tree_sha)
        if kind != b"tree":
            raise StoreError("案件库的目录结构已损坏（期望目录对象）。")
        entries, pos = [], 0
        while pos < len(data):  # "<octal mode> <name>\0<20-byte sha>" after one another
            space = data.index(b" ", pos)
            nul = data.index(b"\0", space)
            entries.append((data[nul + 1:nul + 21], int(data[pos:space], 8), data[space + 1:nul].decode("utf-8")))
            pos = nul + 21
        return entries

    def _commit_tree(self, commit: str) -> bytes:
        kind, data = self._read(bytes.fromhex(commit))
        if kind != b"commit" or not data.startswith(b"tree "):
            raise StoreError(f"提交 {commit[:10]} 已损坏。")
        return bytes.fromhex(data[5:45].decode())

    def _lookup(self, commit: str | None, path: str) -> tuple[bytes, int] | None:
        if commit is None:
            return None
        sha, mode = self._commit_tree(commit), _TREE_MODE
        for part in path.strip("/").split("/"):
            if mode != _TREE_MODE:
                return None
            found = next(((s, m) for s, m, n in self._tree_entries(sha) if n == part), None)
            if found is None:
                return None
            sha, mode = found
        return sha, mode

    def read_file(self, commit: str | None, path: str) -> bytes | None:
        found = self._lookup(commit, path)
        if found is None or found[1] == _TREE_MODE:
            return None
        return self._read(found[0])[1]

    def list_dir(self, commit: str | None, path: str) -> list[str]:
        """Names in a folder at ``commit`` (folders end with ``/``); empty if there is none."""
        found = self._lookup(commit, path) if path.strip("/") else (
            (self._commit_tree(commit), _TREE_MODE) if commit else None)
        if found is None or found[1] != _TREE_MODE:
            return []
        return [n + "/" if m == _TREE_MODE else n for _, m, n in self._tree_entries(found[0])]

    def _build_tree(self, base: bytes | None, changes: Mapping[str, Any]) -> bytes | None:
        entries = {name: (sha, mode) for sha, mode, name in self._tree_entries(base)}
        for name, change in changes.items():
            if isinstance(change, dict):
                old = entries.get(name)
                sub = self._build_tree(old[0] if old and old[1] == _TREE_MODE else None, change)
                if sub is None:
                    entries.pop(name, None)
                else:
                    entries[name] = (sub, _TREE_MODE)
            elif change is None:
                entries.pop(name, None)
            else:
                entries[name] = (self._write(b"blob", change), _BLOB_MODE)
        if not entries:
            return None
        # git orders tree entries as if folder names ended with "/"
        ordered = sorted(entries.items(), key=lambda kv: kv[0].encode() + (b"/" if kv[1][1] == _TREE_MODE else b""))
        data = b"".join(b"%o %s\0" % (mode, name.encode("utf-8")) + sha for name, (sha, mode) in ordered)
        return self._write(b"tree", data)

    def commit_files(self, parent: str | None, files: Mapping[str, bytes | None], message: str,
                     author: Identity, when: datetime, sign: Callable[[bytes], bytes] | None = None) -> str:
        """Write a commit on top of ``parent`` changing ``files`` (None deletes); returns its sha.

        With ``sign``, the commit carries its SSH signature in a ``gpgsig`` header, as
        ``git commit -S`` with ``gpg.format=ssh`` writes it (the signature is of the commit
        without that header). The branch is not moved: call :meth:`compare_and_swap`.
        """
        nested: dict[str, Any] = {}
        for path, content in files.items():
            parts = path.strip("/").split("/")
            node = nested
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = content
        base = self._commit_tree(parent) if parent else None
        tree = self._build_tree(base, nested)
        if tree is None:
            tree = self._write(b"tree", b"")
        stamp = f"{int(when.timestamp())} {when.strftime('%z') or '+0000'}"
        ident = f"{safe_ident(author.name)} <{safe_ident(author.email)}> {stamp}"
        lines = [f"tree {tree.hex()}"]
        if parent:
            lines.append(f"parent {parent}")
        lines += [f"author {ident}", f"committer {ident}"]
        body = "\n".join(lines).encode("utf-8") + b"\n\n" + (message.rstrip("\n") + "\n").encode("utf-8")
        if sign is not None:
            signature = sign(body).decode("ascii").rstrip("\n").split("\n")
            header = "gpgsig " + "\n ".join(signature)
            lines.append(header)
            body = "\n".join(lines).encode("utf-8") + b"\n\n" + (message.rstrip("\n") + "\n").encode("utf-8")
        commit = self._write(b"commit", body).hex()
        crash_point("after_objects")
        return commit

    def compare_and_swap(self, new: str, old: str | None) -> bool:
        """Move the branch to ``new`` only if it is still at ``old``."""
        expected = old or "0" * 40
        crash_point("before_cas")
        proc = run_git(self.root, "update-ref", "-m", "disputectl", REF, new, expected, check=False)
        if proc.returncode != 0:
            cause = git_failure_cause(proc.stderr.decode("utf-8", "replace"))
            if cause:  # not a branch that moved on: the machine could not write the ref
                raise OSError(errno.ENOSPC if "满" in cause else errno.EIO, cause)
        return proc.returncode == 0

    def housekeep(self, commit: str) -> None:
        """Let git pack the loose objects actions write, as ``git commit`` does after each commit.

        Every action writes a few loose objects (a file each): a store of 500,000 commits would
        hold millions, slow to read and taking a disk block each. ``git gc --auto`` does nothing
        until there are ~6,700 of them, then packs them (in the background, so the action does
        not wait). Asked after one commit in ``HOUSEKEEPING_EVERY`` (chosen by the commit's name;
        0: never), once the commit is on the branch and the store's lock is released.
        """
        if HOUSEKEEPING_EVERY and int(commit[:4], 16) % HOUSEKEEPING_EVERY == 0:
            run_git(self.root, "gc", "--auto", "--quiet", check=False)

    def sync_worktree(self, paths: Mapping[str, bytes | None]) -> None:
        """Bring the working tree and git's index in line with a commit just made.

        The commit is already on the branch; this only keeps ``git status`` clean and leaves a
        copy of every file an action wrote (a notice to print, the case file) in the worktree.
        In a sparse store (``cases/`` is not checked out) the copies under ``cases/`` are not
        git's concern, and ``read-tree -m HEAD`` on the small sparse index records the new
        commit; a store checked out in full updates the index entries of ``paths``.
        """
        for rel, content in paths.items():
            target = self.root / rel
            if content is None:
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, content)
        crash_point("after_worktree_files")
        if not paths:
            return
        if self.sparse:
            run_git(self.root, "read-tree", "-m", "-i", REF, check=False)  # -i: no stat of the copies
            return
        index_lines = [f"100644 {_blob_sha(content)}\t{rel}" if content is not None else f"0 {'0' * 40}\t{rel}"
                       for rel, content in paths.items()]
        run_git(self.root, "update-index", "-z", "--index-info",
                input="\0".join(index_lines).encode("utf-8") + b"\0", check=False)

    def refresh_copies(self, old: str | None, new: str) -> None:
        """After a merge in a sparse store: the worktree copies under ``cases/`` of what it changed."""
        if not self.sparse or old == new:
            return
        from disputectl.record.githistory import History

        history = History(self.root)
        changes = history.changes(old, new, "cases/")
        written = dict(history.stream_blobs(new, [c.path for c in changes if c.new is not None]))
        self.sync_worktree({c.path: written.get(c.path) for c in changes})

    # -- locking -----------------------------------------------------------------------------
    @contextmanager
    def lock(self, timeout: float = 30.0) -> Iterator[None]:
        """Serialise writers on this clone; git's own ref lock still guards the branch."""
        path = self.git_dir() / LOCK_NAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreError("案件库正被其他操作占用，请稍后再试。") from None
                    time.sleep(0.02)
            yield
        finally:
            os.close(fd)

    # -- history (read in githistory.py) ---------------------------------------------------
    def log(self, path: str | None = None, rev: str = REF, *, reverse: bool = False,
            merges: bool = True) -> list[CommitInfo]:
        """Commits of ``rev`` (newest first unless ``reverse``); [] when git cannot list them."""
        from disputectl.record.githistory import read_log

        return read_log(self.root, rev, path=path, reverse=reverse, merges=merges)


def _blob_sha(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def atomic_write(target: Path, content: bytes, mode: int = 0o666) -> None:
    """``content`` at ``target`` in one step (``mode``, less the umask: 0o600 for what only its
    reader may read)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with open(fd, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def keep_out_of_git(store: GitStore, path: str) -> None:
    """A file of this machine's only (a decrypted copy) that no ``git add`` is to pick up."""
    exclude = store.git_dir() / "info" / "exclude"
    line = "/" + path
    try:
        known = exclude.read_text(encoding="utf-8").splitlines() if exclude.exists() else []
        if line not in known:
            exclude.parent.mkdir(parents=True, exist_ok=True)
            with open(exclude, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
    except OSError:
        pass  # the copy is still written 0600; only git's convenience is lost


def iter_tree_files(store: GitStore, commit: str | None, prefix: str, suffix: str = "") -> Iterator[tuple[str, bytes]]:
    """Every file under ``prefix`` at ``commit`` (path, content), read straight from objects."""
    if commit is None:
        return
    proc = run_git(store.root, "ls-tree", "-r", "-z", commit, "--", prefix, env=no_index(store.root), check=False)
    for record in proc.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, path_bytes = record.partition(b"\t")
        mode, kind, sha = meta.split()
        path = path_bytes.decode("utf-8")
        if kind != b"blob" or not path.endswith(suffix):
            continue
        yield path, store._read(bytes.fromhex(sha.decode()))[1]


# -- repairs (used by `disputectl doctor`) ----------------------------------------------------

GIT_LOCK_FILES = ("index.lock", "HEAD.lock", "packed-refs.lock", "config.lock", f"{REF}.lock")


def stale_git_locks(store: GitStore, older_than: float = 5.0) -> list[Path]:
    """git lock files left by a killed process (the caller holds the store lock)."""
    now = time.time()
    found = []
    for name in GIT_LOCK_FILES:
        path = store.git_dir() / name
        try:
            if now - path.stat().st_mtime >= older_than:
                found.append(path)
        except FileNotFoundError:
            continue
    return found


MERGE_FILES = ("MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "AUTO_MERGE")


def interrupted(store: GitStore) -> bool:
    """Whether a killed command left an unfinished merge or git lock files (cheap: a few stats)."""
    return (store.git_dir() / "MERGE_HEAD").exists() or bool(stale_git_locks(store, older_than=0))


def recover_interrupted(store: GitStore) -> list[str]:
    """What a killed command (a ``sync`` in the middle of its merge, say) left in ``.git``: git's
    lock files and an unfinished merge. The caller holds the store's lock, so no other
    disputectl is at work in this clone: the locks are stale whatever their age, and the merge
    is abandoned (the local record is untouched: a merge commits nothing until it is done).
    Returns what was found and done, in Chinese."""
    done = []
    for path in stale_git_locks(store, older_than=0):
        path.unlink(missing_ok=True)
        done.append(f"删除了中断操作遗留的 git 锁文件 {path.name}")
    git_dir = store.git_dir()
    if (git_dir / "MERGE_HEAD").exists():
        run_git(store.root, "merge", "--abort", check=False)
        if (git_dir / "MERGE_HEAD").exists():
            run_git(store.root, "reset", "--quiet", "--merge", check=False)
        for name in MERGE_FILES:
            (git_dir / name).unlink(missing_ok=True)
        run_git(store.root, "read-tree", "-m", "-i", REF, check=False) if store.sparse else \
            run_git(store.root, "reset", "--quiet", "--hard", REF, check=False)
        done.append("发现上次同步中断留下的未完成合并：已放弃该次合并，本地记录未受影响（再次同步即可补上）")
    return done


def worktree_differences(store: GitStore, *prefixes: str) -> list[tuple[str, str]]:
    """(status, path) of files under ``prefixes`` whose worktree copy differs from HEAD."""
    proc = run_git(store.root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *prefixes, check=False)
    out = []
    for record in proc.stdout.decode("utf-8", "replace").split("\0"):
        if len(record) > 3:
            out.append((record[:2], record[3:]))
    return out


# The rules: changed only by admin commands, never by editing these files (see governance.py).
RULE_PATHS = ("disputectl.yaml", "allowed_signers", "keyring.yaml", ".gitattributes", "calendar", "templates")


def hand_edits(store: GitStore) -> list[tuple[str, str]]:
    """(status, path) of the rules files changed, added or removed in the worktree by hand."""
    return [(status, path) for status, path in worktree_differences(store, *RULE_PATHS)]


def restore_from_head(store: GitStore, paths: list[str]) -> None:
    """Make the index match HEAD, then put ``paths`` back as HEAD has them."""
    if store.sparse:
        run_git(store.root, "read-tree", "-m", "-i", REF, check=False)
    else:
        run_git(store.root, "reset", "--quiet", "--", ".", check=False)
    head = store.head()
    for rel in paths:
        content = store.read_file(head, rel)
        target = store.root / rel
        if content is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, content)
