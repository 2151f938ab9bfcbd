"""The git module, reading side: with ``gitstore.py`` (writing) and ``gitcmd.py`` the only code that runs git.

``gitstore.py`` makes commits and moves branches; this half reads what was committed: the log
with its trailers, the commits of a range with their parents, what each commit changed, trees
and blobs at a commit. :class:`History` is what ``verify`` replays and what the derived index
catches up through; it keeps a pushed quarantine visible to every call, so the same code
works in the pre-receive hook.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from disputectl.errors import StoreError
from disputectl.record.gitcmd import (
    git_message,
    is_ancestor,
    no_index,
    quarantine_env,
    run_git,
    start_git,
)

if TYPE_CHECKING:
    import subprocess

ZERO = "0" * 40
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_PATHSPECS = 100  # folders per ls-tree: git matches every entry against every pathspec
_LOG_FORMAT = "\x1e".join(["%H", "%an", "%ae", "%aI", "%s", "%(trailers:unfold,only)"]) + "\x1f"


class CommitInfo(NamedTuple):  # a tuple: a rebuild makes one per commit (564,000 at 100,000 cases)
    sha: str
    author: str
    email: str
    date: str  # the author date as git prints it (``%aI``), kept verbatim by the index
    subject: str
    trailers: dict[str, str]

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.date)


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    trailers: dict[str, str]

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass(frozen=True)
class Change:
    old: str | None
    new: str | None
    path: str
    mode: str = "100644"  # of the new file (120000: a symbolic link, 160000: a submodule)


def parse_trailers(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            key = key.strip()
            if key:
                out[key] = value.strip()
    return out


def read_log(root: Path, rev: str, *, path: str | None = None, reverse: bool = False,
             merges: bool = True) -> list[CommitInfo]:
    """Commits of ``rev`` (newest first unless ``reverse``); [] when git cannot list them."""
    args = ["log", f"--format={_LOG_FORMAT}"]
    if reverse:
        args.append("--reverse")
    if not merges:
        args.append("--no-merges")
    args.append(rev)
    if path:
        args += ["--", path]
    proc = run_git(root, *args, env=no_index(root), check=False)
    if proc.returncode != 0:
        return []
    return [_commit_info(record) for record in proc.stdout.decode("utf-8", "replace").split("\x1f")
            if record.strip("\n")]


def iter_log(root: Path, rev: str, *, reverse: bool = False) -> Iterator[CommitInfo]:
    """Like ``read_log`` but streamed, for histories of hundreds of thousands of commits."""
    args = ["log", f"--format={_LOG_FORMAT}"] + (["--reverse"] if reverse else []) + [rev]
    proc = start_git(root, *args, env=no_index(root))
    for record in _streamed_records(proc, b"\x1f"):
        if record.strip(b"\n"):
            yield _commit_info(record.decode("utf-8", "replace"))
    if proc.returncode != 0:  # a history cut short must not pass for the whole of it
        raise StoreError(f"无法读取 {rev[:40]} 的提交历史（git log 失败），案件库可能已损坏，请运行 disputectl doctor。")


def _streamed_records(proc: subprocess.Popen[bytes], separator: bytes) -> Iterator[bytes]:
    """The ``separator``-delimited records a running git writes, read 1 MiB at a time (nothing
    whole in memory); afterwards git has been waited for (``proc.returncode``)."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    pending = b""
    try:
        for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):  # type: ignore[union-attr]
            *records, pending = (pending + chunk).split(separator)
            yield from records
        if pending:
            yield pending
    finally:
        proc.stdout.close()
        proc.wait()


def _commit_info(record: str) -> CommitInfo:
    sha, name, email, when, subject, trailers = record.strip("\n").split("\x1e")
    return CommitInfo(sha, name, email, when, subject, parse_trailers(trailers))


def count_commits(root: Path, rev_range: str) -> int:
    """Commits in ``rev_range``, merges aside (0 when git cannot tell)."""
    proc = run_git(root, "rev-list", "--count", "--no-merges", rev_range, check=False)
    return int(proc.stdout.decode().strip() or 0)


CLOCK_SKEW = timedelta(minutes=10)  # how far apart times may be: an action's and its commit's, two offices' clocks


def commit_time(raw: bytes) -> datetime | None:
    """The committer time of a raw commit object."""
    for line in raw.split(b"\n\n", 1)[0].split(b"\n"):
        if line.startswith(b"committer "):
            try:
                seconds, offset = line.rsplit(b" ", 2)[-2:]
                sign = -1 if offset.startswith(b"-") else 1
                zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
                return datetime.fromtimestamp(int(seconds), zone)
            except ValueError:
                return None
    return None


class History:
    """Read-only access to a repository's history; every failure of git is a StoreError."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {**quarantine_env(), **no_index(root)}

    def _git(self, *args: str, input: bytes | None = None) -> bytes:
        proc = run_git(self.root, *args, input=input, env=self.env, check=False)
        if proc.returncode != 0:
            raise StoreError(f"git {args[0]} 失败：{git_message(proc)[:300]}")
        return proc.stdout

    def object_count(self) -> int:
        """How many objects the repository holds, loose and packed (``git count-objects``: cheap)."""
        counts = dict(line.split(": ", 1) for line in self._git("count-objects", "-v").decode().splitlines() if ": " in line)
        return int(counts.get("count", 0)) + int(counts.get("in-pack", 0))

    def commits(self, *rev_args: str) -> list[Commit]:
        """The commits ``git log`` lists for ``rev_args``, parents before children."""
        fmt = "%H%x1e%P%x1e%an%x1e%ae%x1e%(trailers:unfold,only)%x1f"
        out = self._git("log", "--reverse", "--topo-order", f"--format={fmt}", *rev_args, "--")
        found = []
        for record in out.decode("utf-8", "replace").split("\x1f"):
            record = record.strip("\n")
            if record:
                sha, parents, author, email, trailers = record.split("\x1e")
                found.append(Commit(sha, tuple(parents.split()), author, email, parse_trailers(trailers)))
        return found

    def changes(self, old: str | None, new: str, prefix: str | None = None) -> list[Change]:
        """Files that differ from ``old`` (None: an empty tree) to ``new``, only under ``prefix`` if given."""
        args = ["diff-tree", "-r", "-z", "--no-renames", old or EMPTY_TREE, new]
        if prefix:
            args += ["--", prefix]
        fields = self._git(*args).split(b"\0")
        out = []
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            if not meta.startswith(b":"):
                continue
            _, mode, a, b, _ = meta.decode().split(" ")
            out.append(Change(None if a == ZERO else a, None if b == ZERO else b, path.decode("utf-8"), mode))
        return out

    def tree(self, commit: str | None, paths: Iterable[str]) -> dict[str, str]:
        """{path: blob sha} at ``commit`` of the files in ``paths`` (files or folders) that exist."""
        paths = list(paths)
        found: dict[str, str] = {}
        if commit is None:
            return found
        for start in range(0, len(paths), 400):
            out = self._git("ls-tree", "-r", "-z", commit, "--", *paths[start:start + 400])
            for record in out.split(b"\0"):
                if record:
                    meta, _, path = record.partition(b"\t")
                    found[path.decode("utf-8")] = meta.split()[2].decode()
        return found

    def files_at_depth(self, commit: str, folder: str, depth: int) -> list[tuple[str, str]]:
        """(path, blob sha) of the files ``depth`` folders below ``folder`` at ``commit``
        (``depth`` 0: its own files), listed one level at a time.

        A store's ``cases/YYYY/MM/DD/`` holds its case files beside the folders of their notices
        and attachments: ``git ls-tree -r`` would read all of those too (690,000 files and
        100,000 folders at 100,000 cases: ~7 s and 300 MB), level by level git reads the day
        folders only (~1 s).
        """
        folders = [folder.rstrip("/")]
        files: list[tuple[str, str]] = []
        for level in range(depth + 1):
            below: list[str] = []
            for start in range(0, len(folders), _PATHSPECS):
                # one folder's contents each (``dir/``); ls-tree takes paths as they are, not as patterns
                try:
                    out = self._git("ls-tree", "-z", commit, "--",
                                    *(f"{name}/" for name in folders[start:start + _PATHSPECS]))
                except StoreError:  # a damaged or missing tree: a listing cut short must not pass for the store
                    raise StoreError(f"无法列出提交 {commit[:10]} 中 {folder} 的文件（git ls-tree 失败），"
                                     "案件库可能已损坏，请运行 disputectl doctor。") from None
                for record in out.split(b"\0"):
                    if record:
                        meta, _, path = record.partition(b"\t")
                        _, kind, sha = meta.split()
                        if level < depth and kind == b"tree":
                            below.append(path.decode("utf-8"))
                        elif level == depth and kind == b"blob":
                            files.append((path.decode("utf-8"), sha.decode()))
            folders = below
            if not folders:
                break
        return files

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """{sha: content} of the objects that exist, read in one ``git cat-file --batch``."""
        wanted = sorted(set(shas))
        if not wanted:
            return {}
        out = self._git("cat-file", "--batch", input="".join(s + "\n" for s in wanted).encode())
        answers = _batch_answers(io.BytesIO(out), len(wanted))
        return {sha: content for sha, (_, content) in zip(wanted, answers, strict=True) if content is not None}

    def blob(self, sha: str | None) -> bytes | None:
        return None if sha is None else self.blobs([sha]).get(sha)

    def stream_blobs(self, commit: str, paths: list[str]) -> Iterator[tuple[str, bytes]]:
        """(path, content) of the files ``paths`` at ``commit``, streamed through one ``git cat-file --batch``.

        Unlike :meth:`blobs` nothing is held in memory, so a whole store can be read this way.
        """
        return self.stream_objects([(path, f"{commit}:{path}") for path in paths])

    def stream_objects(self, wanted: list[tuple[str, str]]) -> Iterator[tuple[str, bytes]]:
        """(label, content) for each (label, object name) in ``wanted`` that names a blob, streamed.

        Named by blob sha (from :meth:`files_at_depth`), git need not walk the trees down to each file.
        """
        if not wanted:
            return
        proc = start_git(self.root, "cat-file", "--batch", env=self.env)
        assert proc.stdin is not None and proc.stdout is not None
        requests = proc.stdin

        def feed() -> None:
            for _, name in wanted:
                requests.write(f"{name}\n".encode())
            requests.close()

        # Fed from a thread: git answers while it reads, and a full pipe either way would stall.
        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        for (label, _), (kind, content) in zip(wanted, _batch_answers(proc.stdout, len(wanted)), strict=True):
            if kind == b"blob" and content is not None:
                yield label, content
        writer.join()
        if proc.wait() != 0:  # git stopped: the files not read must not pass for missing ones
            raise StoreError("无法读取案件库中的文件（git cat-file 失败），案件库可能已损坏，请运行 disputectl doctor。")

    def ancestors(self, sha: str) -> set[str]:
        """Every commit ``sha`` contains (itself included)."""
        return set(self._git("rev-list", sha).decode().split())

    def merge_base(self, a: str, b: str) -> str | None:
        proc = run_git(self.root, "merge-base", a, b, env=self.env, check=False)
        return proc.stdout.decode().strip() or None

    def is_ancestor(self, old: str, new: str) -> bool:
        return is_ancestor(self.root, old, new, env=self.env)


def _batch_answers(out: IO[bytes], count: int) -> Iterator[tuple[bytes, bytes | None]]:
    """The answers of ``git cat-file --batch`` to ``count`` requests: (type, content or None if missing)."""
    for _ in range(count):
        header = out.readline().split()
        if len(header) < 3:
            yield b"", None  # "<name> missing"
            continue
        content = out.read(int(header[2]))
        out.read(1)
        yield header[1], content
