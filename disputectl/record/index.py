"""A derived SQLite index beside the repository (never committed) for quick reading.

It records the commit it was built from and, on each use, catches up with ``git diff-tree``
(read through ``githistory``), re-parsing only the case files that changed and reading the new
commits' trailers for the per-case history. A missing, corrupt or foreign index is rebuilt,
never trusted. Derived values (status, clocks) also depend on the config and the holiday files,
so a fingerprint of those is kept too: when they change every case is derived again (from the
stored JSON, not from YAML).

A case file that cannot be read or replayed (damaged by hand, committed around the tool) has no
rows, but is remembered in ``unread`` (its case number and path) the same way, caught up with
the same diff: every command that reads many cases can say which cases it is missing without
reading a case file, and a file mended in a later commit leaves ``unread`` and is indexed again.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import json
import os
import re
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from disputectl.errors import DisputeError, StoreError, ValidationError
from disputectl.record.gitcmd import is_ancestor
from disputectl.record.githistory import History, iter_log
from disputectl.record.gitstore import GitStore
from disputectl.record.store_files import CASES_DIR, case_path, parse_case
from disputectl.rules.amend import current_registration
from disputectl.rules.calendar import WorkCalendar
from disputectl.rules.config import CONFIG_FILE, Config
from disputectl.rules.derive import case_facts, derive_state, due_facts
from disputectl.rules.numbering import CASE_ID_RE, parse_doc_number
from disputectl.rules.workflow import CLOSED_STATUSES as _CLOSED_STATUSES
from disputectl.trust.case_sealing import lookup_tokens

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future, ProcessPoolExecutor

ProgressFn = Callable[[int, int], None]  # (case files done, of how many)

INDEX_VERSION = "13"
INDEX_NAME = "disputectl-index.sqlite"
# Each rebuild writes a new file, disputectl-index.<n>.sqlite; this file names the one in use.
POINTER_NAME = "disputectl-index.current"
_GENERATION_RE = re.compile(r"disputectl-index\.([0-9]{1,18})\.sqlite")
_CASE_DEPTH = 4  # cases/YYYY/MM/DD/<id>.yaml

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
  id TEXT PRIMARY KEY, path TEXT NOT NULL, registered_at TEXT NOT NULL, status TEXT NOT NULL,
  unit TEXT NOT NULL, category INTEGER NOT NULL, region TEXT NOT NULL, first_unit TEXT NOT NULL,
  search TEXT NOT NULL, registered_on TEXT NOT NULL, closed_on TEXT, reply_on TEXT, late INTEGER NOT NULL,
  reply_days INTEGER, objections TEXT NOT NULL, lookup TEXT NOT NULL, followed_on TEXT, satisfied INTEGER,
  local INTEGER NOT NULL);
-- lookup: keyed hashes of the payer's identifier and phone (trust.case_sealing.lookup_tokens)
-- the records themselves apart: scans of the narrow rows above (stats, filters) stay quick;
-- due_json: derive.due_facts, all a due list needs of the record
CREATE TABLE IF NOT EXISTS docs (case_id TEXT PRIMARY KEY, case_json TEXT NOT NULL, state_json TEXT NOT NULL,
  due_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clocks (
  case_id TEXT NOT NULL, name TEXT NOT NULL, start TEXT NOT NULL, due TEXT NOT NULL,
  stopped TEXT, late INTEGER);
CREATE TABLE IF NOT EXISTS numbers (case_id TEXT NOT NULL, prefix TEXT NOT NULL, year INTEGER NOT NULL,
  seq INTEGER NOT NULL);
-- the case files at HEAD that could not be read or replayed (no rows above): never left out unsaid
CREATE TABLE IF NOT EXISTS unread (case_id TEXT PRIMARY KEY, path TEXT NOT NULL);
"""
# sha unique through commits_sha (built with the other indexes): a rebuild appends the history as
# git lists it, with no sorting into a key as it goes
_COMMITS_TABLE = """CREATE TABLE IF NOT EXISTS commits (
  sha TEXT NOT NULL, case_id TEXT, action TEXT, actor TEXT, unit TEXT, action_id TEXT,
  author TEXT, email TEXT, at TEXT, subject TEXT, ord INTEGER NOT NULL)"""
# The secondary indexes, apart: a rebuild loads the rows into a new file, then builds them once.
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS cases_status ON cases(status)",
    "CREATE INDEX IF NOT EXISTS cases_unit ON cases(unit)",
    "CREATE INDEX IF NOT EXISTS cases_registered ON cases(registered_at)",
    # covers stats_cells: read in (category, unit, region) order, no table rows, no sort for GROUP BY
    "CREATE INDEX IF NOT EXISTS cases_cells ON cases(category, unit, region, registered_on, closed_on, reply_on, "
    "late, reply_days, objections, id)",
    "CREATE INDEX IF NOT EXISTS clocks_open ON clocks(stopped, due)",
    "CREATE INDEX IF NOT EXISTS clocks_case ON clocks(case_id)",
    # max_number: one seek for the highest number of a block, not a walk over a year's notices
    "CREATE INDEX IF NOT EXISTS numbers_seq ON numbers(prefix, year, seq)",
    "CREATE INDEX IF NOT EXISTS numbers_case ON numbers(case_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS commits_sha ON commits(sha)",
    "CREATE INDEX IF NOT EXISTS commits_case ON commits(case_id, ord)",
    "CREATE INDEX IF NOT EXISTS commits_ord ON commits(ord)",  # max(ord) on each catch-up, not a scan
)
_RETIRED_INDEXES = ("numbers_key",)  # replaced by numbers_seq; dropped from an index made before
_SCHEMA = _TABLES + _COMMITS_TABLE + ";\n" + "".join(f"{statement};\n" for statement in _INDEXES)


def fingerprint(root: Path) -> str:
    """What derived values depend on besides the case files: the config and the holiday files."""
    digest = hashlib.sha256(INDEX_VERSION.encode())
    digest.update((root / CONFIG_FILE).read_bytes())
    calendar = root / "calendar"
    if calendar.is_dir():
        for path in sorted(calendar.glob("*.y*ml")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def index_file(git_dir: Path) -> Path:
    """The index file in use in ``git_dir`` (the one the pointer names; at first the plain name)."""
    try:
        name = (git_dir / POINTER_NAME).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        name = ""
    return git_dir / (name if _GENERATION_RE.fullmatch(name) else INDEX_NAME)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _number_rows(case: dict[str, Any]) -> Iterator[tuple[str, str, int, int]]:
    """(case, prefix, year, seq) for every numbered notice and archive code of the case."""
    for action in case["actions"]:
        for notice in action.get("notices", []):
            parsed = parse_doc_number(notice.get("number") or "")
            if parsed:
                yield case["id"], parsed[0], parsed[1], parsed[2]
        if action["action"] == "archive" and action["data"].get("code"):
            prefix, _, seq = str(action["data"]["code"]).rpartition("-")
            if seq.isdigit():
                yield case["id"], prefix + "-", 0, int(seq)


class CaseIndex:
    def __init__(self, git: GitStore, config: Config, calendar: WorkCalendar, *,
                 rebuilding: Callable[[], AbstractContextManager[ProgressFn | None]] | None = None) -> None:
        self.git = git
        self._history = History(git.root)
        self.config = config
        self.calendar = calendar
        self._dir = git.git_dir()
        self.path = index_file(self._dir)  # again on each opening: a rebuild elsewhere moves it on
        self._db: sqlite3.Connection | None = None
        self._closer: Any = None  # weakref.finalize closing the connection (see _open)
        # around a rebuild nobody asked for, of a large store: says so, and may show its progress
        self._rebuilding = rebuilding

    # -- connection -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        """A connection to the index file in use, created if there is none yet.

        A file is opened only if it exists (a rebuild elsewhere may have just switched files and
        removed this one: SQLite would quietly make an empty file of that name); missing, the
        pointer is read again, and only a file it names that does not exist yet is created.
        """
        try:
            db = sqlite3.connect(self.path.absolute().as_uri() + "?mode=rw", uri=True, timeout=30,
                                 isolation_level=None)
        except sqlite3.OperationalError:
            self.path = index_file(self._dir)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        try:
            version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        except sqlite3.OperationalError:  # a new file: no tables yet
            version = None
        if version is None or version[0] == INDEX_VERSION:  # an earlier layout is rebuilt, not indexed
            db.executescript(_SCHEMA)
            retired = db.execute(f"SELECT name FROM sqlite_master WHERE type = 'index' AND name IN "
                                 f"({', '.join('?' * len(_RETIRED_INDEXES))})", _RETIRED_INDEXES).fetchall()
            for (name,) in retired:
                db.execute(f'DROP INDEX IF EXISTS "{name}"')  # another process may drop it first
        return db

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.path = index_file(self._dir)
            try:
                self._db = self._connect()
                self._db.execute("SELECT count(*) FROM meta").fetchone()
            except sqlite3.DatabaseError:
                self._discard()
                self._db = self._connect()
            # Closed when this index is dropped, or at exit: also when the command leaves with
            # os._exit (cli.main.run runs the exit handlers first). The last connection to close
            # folds the write-ahead log into the file and removes it; a log left behind is read
            # again in full by the next command to open the index.
            self._closer = weakref.finalize(self, self._db.close)
        return self._db

    def _discard(self) -> None:
        self.close()
        _remove_database(self.path)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
            if self._closer is not None:
                self._closer.detach()

    def meta(self, key: str) -> str | None:
        row = self._open().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @contextmanager
    def _lock(self) -> Iterator[None]:
        fd = os.open(self._dir / f"{INDEX_NAME}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    # -- catching up ------------------------------------------------------------------------
    def refresh(self, *, force: bool = False, progress: ProgressFn | None = None) -> str:
        """Bring the index to HEAD; returns "current", "incremental" or "rebuilt"."""
        head = self.git.head()
        with self._lock():
            if self._db is not None and index_file(self._dir) != self.path:
                self.close()  # rebuilt by another process since this one opened it: open the new file
            try:
                return self._refresh(head, force=force, progress=progress)
            except sqlite3.DatabaseError:
                self._discard()
                return self._refresh(head, force=True, progress=progress)

    def _refresh(self, head: str | None, *, force: bool, progress: ProgressFn | None) -> str:
        db = self._open()
        if self.meta("version") not in (None, INDEX_VERSION):  # an older layout: start from an empty file
            self._discard()
            db = self._open()
        built = self.meta("built_from")
        print_ = self.meta("fingerprint")
        current_print = fingerprint(self.git.root)
        if not force and built == (head or "") and print_ == current_print and self.meta("version") == INDEX_VERSION:
            return "current"
        if force or self.meta("version") != INDEX_VERSION or not built or head is None or not is_ancestor(self.git.root, built, head):
            # a rebuild nobody is watching (not reindex, which shows its own progress): of a damaged,
            # old or missing index, a minute or more at 100,000 cases: not a silent wait
            if progress is None and head and self._rebuilding is not None and self._history.object_count() >= PARALLEL_FROM * 10:
                with self._rebuilding() as shown:
                    self._rebuild(head, shown)
            else:
                self._rebuild(head, progress)
            outcome = "rebuilt"
        else:
            db.execute("BEGIN IMMEDIATE")
            try:
                self._apply_diff(built, head)
                self._add_commits(f"{built}..{head}")
                if print_ != current_print:
                    self._rederive_all(head)
                self._set_meta(head, current_print)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            outcome = "incremental"
        return outcome

    def _set_meta(self, head: str | None, print_: str) -> None:
        db = self._open()
        db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                       [("built_from", head or ""), ("fingerprint", print_), ("version", INDEX_VERSION)])

    def _rebuild(self, head: str | None, progress: ProgressFn | None) -> None:
        """Build the index afresh in a new file, then switch to it and remove the old one.

        The new file is written without a journal: a rebuild that fails is deleted, there is
        nothing to roll back, and the old rows need no deletes (at 100,000 cases emptying the
        old tables took ~6 s and writing the rows through the write-ahead log ~8 s more). Once
        the file is on disk the pointer file is replaced, atomically. A command still reading
        the old file reads it to its end: every file has its own log and shared-memory names,
        so two files never share them.
        """
        self.close()
        old = index_file(self._dir)
        # numbered above every file there: a name is never used twice (a command may still be
        # reading a file removed since, through its own log and shared memory of that name)
        numbers = [int(found[1]) for path in self._dir.iterdir() if (found := _GENERATION_RE.fullmatch(path.name))]
        new = self._dir / f"disputectl-index.{max(numbers, default=0) + 1}.sqlite"
        self._remove_leftovers(keep=old)  # of rebuilds cut short (this process holds the lock)
        pointer = self._dir / POINTER_NAME
        written = pointer.with_name(POINTER_NAME + ".new")
        db = sqlite3.connect(new, timeout=30, isolation_level=None)
        self._db, self.path = db, new
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.executescript(_TABLES + _COMMITS_TABLE)  # the secondary indexes at the end: sorted, in one pass
            db.execute("BEGIN")
            if head:
                # a store of thousands of cases holds tens of thousands of objects: count those
                # (cheap) to start the parallel rebuild before listing the case files
                if _can_fork() and self._history.object_count() >= PARALLEL_FROM * 10:
                    self._load_in_parallel(head, progress)
                else:
                    files = self._case_files(head)
                    parsed = ((path, case_rows(path, content, self.config, self.calendar))
                              for path, content in self._history.stream_objects(files))
                    self._load_cases(parsed, len(files), progress)
                    self._add_commits(head, whole_history=True)
            self._set_meta(head, fingerprint(self.git.root))
            # the rows are written (no journal: straight to the file): to disk while the indexes
            # are built, so that the last fsync has only the indexes left (~1 GB at 100,000 cases)
            early = threading.Thread(target=_fsync, args=(new,), daemon=True)
            early.start()
            for statement in _INDEXES:
                db.execute(statement)
            db.execute("COMMIT")
            db.execute("PRAGMA journal_mode=WAL")
            db.close()
            early.join()
            _fsync(new)
            with open(written, "w", encoding="ascii") as out:
                out.write(new.name + "\n")
                out.flush()
                os.fsync(out.fileno())
        except BaseException as exc:
            db.close()
            self._db, self.path = None, old
            _remove_database(new)
            written.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.Error):  # not the file in use: that one stays as it was
                raise StoreError(f"重建索引失败（{exc}），原索引未改动。请检查磁盘空间后再运行 disputectl reindex。") from None
            raise
        os.replace(written, pointer)  # the switch: from here on the new file is the index
        self._db = None
        try:
            _fsync(self._dir)  # the replacement itself on disk
        except OSError:
            pass
        self._remove_leftovers(keep=new)

    def _remove_leftovers(self, keep: Path) -> None:
        """Every index file but ``keep``: earlier ones (a command still reading one reads on),
        and what a rebuild cut short left (its new file, its chunks' files, its history file)."""
        for path in self._dir.iterdir():
            if (path.name == INDEX_NAME or _GENERATION_RE.fullmatch(path.name)) and path != keep:
                _remove_database(path)
            elif path.name.startswith((f"{INDEX_NAME}.part-", f"{INDEX_NAME}.history", f"{POINTER_NAME}.new")):
                path.unlink(missing_ok=True)

    def _load_cases(self, parsed: Iterable[tuple[str, _Rows | None]], count: int,
                    progress: ProgressFn | None) -> None:
        done = 0
        loaded: set[str] = set()
        db = self._open()
        for done, (path, rows) in enumerate(parsed, 1):
            case_id = _case_id(path)
            if case_id in loaded:  # one number in two day folders (a hand-made copy): the last one counts
                self._insert(case_id, rows, path)
            else:
                _insert_case(db, case_id, rows, path)
                loaded.add(case_id)
            if progress and done % 500 == 0:
                progress(done, count)
        if progress and done % 500:
            progress(done, count)
        elif progress and not count:
            progress(0, 0)

    def _case_files(self, head: str) -> list[tuple[str, str]]:
        """(path, blob sha) of every case file at ``head``."""
        files = self._history.files_at_depth(head, CASES_DIR, _CASE_DEPTH - 1)
        return [(path, sha) for path, sha in files if _is_case_path(path)]

    def _load_in_parallel(self, head: str, progress: ProgressFn | None) -> None:
        """A cold rebuild of a large store on all cores.

        One worker reads the whole history into a file of its own beside the index while this
        process lists the case files and the other workers read and parse them in chunks, each
        chunk's rows written by its worker into a small file of its own (each worker asks git
        for the blobs itself: neither the files nor their rows pass through this process). This
        process merges the chunks' files in order as they come, and the history as soon as it
        is ready, SQLite copying the rows itself.
        """
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        global _WORKER_SETTINGS
        _WORKER_SETTINGS = (self.git.root, self.config, self.calendar)
        history_file = self._dir / f"{INDEX_NAME}.history"
        workers = _cores()
        copied = False

        def copy_history() -> None:
            nonlocal copied
            history.result()  # a failure in the worker is raised here, as it was raised there
            with self._attached(history_file, "history") as db:  # the same table: copied as it is
                db.execute("INSERT INTO commits SELECT * FROM history.commits")
                for statement in _INDEXES:  # the history is whole: its indexes now, not after the parsing
                    if " ON commits(" in statement:
                        db.execute(statement)
            copied = True

        pool: ProcessPoolExecutor | None = None
        before = set(multiprocessing.active_children())  # whatever else this process runs is not ours to stop
        try:
            try:  # the workers are forked at the first task
                pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                           initializer=_ignore_interrupt)
                history = pool.submit(_write_history, self.git.root, head, str(history_file))
            except OSError as exc:  # no memory or processes left to fork with
                raise StoreError(f"重建索引失败：无法启动子进程（{exc.strerror or exc}），原索引未改动。"
                                 "请关闭其他程序后再运行 disputectl reindex。") from None
            files = self._case_files(head)
            size = max(PARALLEL_MIN_CHUNK, min(PARALLEL_CHUNK, -(-len(files) // (workers * 4))))
            tasks = ((f"{self._dir / INDEX_NAME}.part-{n}", files[start:start + size])
                     for n, start in enumerate(range(0, len(files), size)))
            done = 0
            for part in _bounded(pool, _worker_part, tasks, 2 * workers):
                self._merge_part(Path(part))
                done = min(done + size, len(files))
                if progress:
                    progress(done, len(files))
                if not copied and history.done():  # while the workers go on parsing
                    copy_history()
            if progress and not files:
                progress(0, 0)
            if not copied:
                copy_history()
            pool.shutdown()  # all done: the workers leave
        except BrokenProcessPool:
            # a worker killed (by the system, short of memory; by an officer): the pool says so
            # instead of waiting for ever for the rows of the chunk that worker had
            raise StoreError("重建索引失败：一个子进程意外退出（可能是内存不足被系统终止），原索引未改动。"
                             "请关闭其他程序后再运行 disputectl reindex。") from None
        finally:
            if pool is not None:
                _stop(pool, before)
            history_file.unlink(missing_ok=True)
            self._remove_parts()
            _WORKER_SETTINGS = None

    def _remove_parts(self) -> None:
        for part in self._dir.glob(f"{INDEX_NAME}.part-*"):
            part.unlink(missing_ok=True)

    @contextmanager
    def _attached(self, path: Path, name: str) -> Iterator[sqlite3.Connection]:
        """The file being built, with ``path`` attached as ``name``: outside a transaction, as
        SQLite requires (the file has no journal: committing on the way loses nothing)."""
        db = self._open()
        db.execute("COMMIT")
        db.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
        try:
            yield db
        finally:
            db.execute(f"DETACH DATABASE {name}")
            db.execute("BEGIN")

    def _merge_part(self, path: Path) -> None:
        """A chunk's rows (see ``_worker_part``) into the file being built, and the chunk's file
        removed. A case number already there (a copy in an earlier chunk's day folder) gives way
        to this chunk's copy (or its ``unread`` row, if this one cannot be replayed), as in a
        one-by-one load."""
        with self._attached(path, "part") as db:
            earlier = db.execute("WITH here AS (SELECT id FROM part.cases UNION ALL SELECT case_id FROM part.unread)"
                                 " SELECT id FROM main.cases WHERE id IN (SELECT id FROM here)"
                                 " UNION SELECT case_id FROM main.unread WHERE case_id IN (SELECT id FROM here)").fetchall()
            for (case_id,) in earlier:
                _delete_rows(db, case_id)
            for table, _ in _CASE_TABLES:
                db.execute(f"INSERT INTO main.{table} SELECT * FROM part.{table}")  # noqa: S608 - fixed names
        path.unlink()

    def _apply_diff(self, old: str, new: str) -> None:
        changed: list[str] = []
        for change in self._history.changes(old, new, CASES_DIR + "/"):
            if not _is_case_path(change.path):
                continue
            if change.new is not None:
                changed.append(change.path)
                continue
            case_id = _case_id(change.path)
            if self._indexed_path(case_id) not in (change.path, None):
                continue  # a copy that did not count (a hand-made one in another day's folder)
            self._delete(case_id)
            own = case_path(case_id)
            if own != change.path and own not in changed:
                # the copy that counted removed: the case's own file, if there is one, counts again
                # (read first: a copy changed in the same commits still counts after it)
                changed.insert(0, own)
        for path, content in self._history.stream_blobs(new, changed):  # files not there are skipped
            self._upsert(path, content)

    def _indexed_path(self, case_id: str) -> str | None:
        """The file the case's rows (or its ``unread`` row) were made from."""
        row = self._open().execute("SELECT path FROM cases WHERE id = ? UNION ALL SELECT path FROM unread"
                                   " WHERE case_id = ?", (case_id, case_id)).fetchone()
        return row[0] if row else None

    def _delete(self, case_id: str) -> None:
        _delete_rows(self._open(), case_id)

    def _upsert(self, path: str, content: bytes) -> None:
        self._insert(_case_id(path), case_rows(path, content, self.config, self.calendar), path)

    def _insert(self, case_id: str, rows: _Rows | None, path: str) -> None:
        """The case's rows in place of any it had; none (a file that cannot be replayed): ``unread``."""
        self._delete(case_id)
        _insert_case(self._open(), case_id, rows, path)

    def _insert_rows(self, rows: _Rows) -> None:
        _insert_rows(self._open(), rows)

    def _rederive_all(self, head: str) -> None:
        """Every case derived again (a changed config or calendar), from its stored record; the
        files that could not be replayed are read again (few): the change may have mended them."""
        db = self._open()
        rows = db.execute("SELECT c.path, d.case_json FROM cases c JOIN docs d ON d.case_id = c.id").fetchall()
        for path, case_json in rows:
            self._insert(_case_id(path), _replayed(path, json.loads(case_json), self.config, self.calendar), path)
        unread = [path for (path,) in db.execute("SELECT path FROM unread ORDER BY case_id").fetchall()]
        for path, content in self._history.stream_blobs(head, unread):
            self._upsert(path, content)

    def _add_commits(self, rev_range: str, *, whole_history: bool = False) -> None:
        """Record the commits of ``rev_range``; ``ord`` grows from older to newer commits.

        A whole history is read newest first and numbered down from -1 (`git log --reverse`
        holds every commit of the history in memory first: 550 MB at 564,000 commits); the
        commits caught up with later are few, read oldest first and numbered up from there.
        """
        db = self._open()
        if whole_history:
            numbered: Iterable[tuple[int, Any]] = zip(itertools.count(-1, -1), iter_log(self.git.root, rev_range))
        else:
            start = db.execute("SELECT coalesce(max(ord), 0) FROM commits").fetchone()[0]
            numbered = enumerate(iter_log(self.git.root, rev_range, reverse=True), start + 1)
        _insert_commits(db, numbered)

    # -- queries ----------------------------------------------------------------------------
    def _query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[Any]:
        """Run a read; a damaged index found here is thrown away, rebuilt and asked again."""
        if not isinstance(params, dict):
            params = tuple(params)
        try:
            return self._open().execute(sql, params).fetchall()
        except sqlite3.DatabaseError:
            with self._lock():
                self._discard()
                self._refresh(self.git.head(), force=True, progress=None)
            return self._open().execute(sql, params).fetchall()

    def case_states(self, where: str = "", params: Iterable[Any] = (), *,
                    limit: int = 0) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        sql = "SELECT d.case_json, d.state_json FROM cases JOIN docs d ON d.case_id = cases.id" + (f" WHERE {where}" if where else "")
        sql += " ORDER BY registered_at DESC, id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        return [(json.loads(c), json.loads(s)) for c, s in self._query(sql, params)]

    def due_facts(self, where: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """``derive.due_facts`` of the cases ``where`` selects, newest first."""
        sql = f"SELECT d.due_json FROM cases JOIN docs d ON d.case_id = cases.id WHERE {where}"  # noqa: S608
        sql += " ORDER BY registered_at DESC, id DESC"
        return [json.loads(facts) for (facts,) in self._query(sql, params)]

    def iter_case_states(self, where: str, params: Iterable[Any] = (), *,
                         order: str = "registered_at DESC, id DESC") -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """Like ``case_states`` but one row at a time, for exports of the whole store."""
        db = self._connect()  # its own connection: the caller may query the index meanwhile
        try:
            cursor = db.execute(f"SELECT d.case_json, d.state_json FROM cases JOIN docs d ON d.case_id = cases.id "  # noqa: S608
                                f"WHERE {where} ORDER BY {order}",
                                tuple(params))
            for case_json, state_json in cursor:
                yield json.loads(case_json), json.loads(state_json)
        finally:
            db.close()

    def case_state(self, case_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        rows = self._query("SELECT case_json, state_json FROM docs WHERE case_id = ?", (case_id,))
        return (json.loads(rows[0][0]), json.loads(rows[0][1])) if rows else None

    def stats_cells(self, start: str, end: str, cutoff: str, today: str) -> list[tuple[Any, ...]]:
        """Statistics summed in SQL per (category, unit, region, intake unit): see
        ``oversight.stats.period_stats``.

        Each row: category, unit, region, intake unit, received, closed, closed_on_time,
        closed_late, open, overdue_now, replied, followed up, satisfied, resolved locally, reply
        workdays (comma-joined), objection dates (comma-joined, of the cases that have any). A case
        counts where ``oversight.stats.fact_counts`` says it does; the two are checked against each
        other by the tests.
        """
        params = {"start": start, "end": end, "cutoff": cutoff, "today": today}
        closed_statuses = ", ".join(f"'{status}'" for status in sorted(_CLOSED_STATUSES))
        # Overdue now, counted apart: an IN test against the overdue cases on every row of the
        # main scan cost more than the rest of it.
        overdue = {(r[0], r[1], r[2], r[3]): r[4] for r in self._query(
            "SELECT category, unit, region, first_unit, count(*) FROM cases WHERE registered_on <= :end AND id IN"
            " (SELECT c.case_id FROM clocks c JOIN cases k ON k.id = c.case_id WHERE c.stopped IS NULL"
            f"  AND c.due < :today AND k.status NOT IN ({closed_statuses})) GROUP BY category, unit, region, first_unit",  # noqa: S608
            params)}
        # Only rows that can count for something else are summed: a case registered and closed
        # before the period, with no reply, 回访 or objection in it, adds zero to those figures
        # (most of a store of several years, for this year's figures).
        rows = self._query(
            "WITH f AS (SELECT category, unit, region, first_unit, late, reply_days, objections, satisfied, local,"
            " registered_on >= :start AS received,"
            " closed_on IS NOT NULL AND closed_on BETWEEN :start AND :end AS closed_in,"
            " registered_on <= :cutoff AND (closed_on IS NULL OR closed_on > :cutoff) AS open_,"
            " reply_on IS NOT NULL AND reply_on BETWEEN :start AND :end AND reply_days IS NOT NULL AS replied,"
            " followed_on IS NOT NULL AND followed_on BETWEEN :start AND :end AS followed"
            " FROM cases WHERE registered_on <= :end AND (registered_on >= :start OR closed_on IS NULL"
            "  OR closed_on >= :start OR closed_on > :cutoff OR reply_on >= :start OR followed_on >= :start"
            "  OR objections != ''))"
            " SELECT category, unit, region, first_unit, sum(received), sum(closed_in), sum(closed_in AND NOT late),"
            " sum(closed_in AND late), sum(open_), 0, sum(replied), sum(followed), sum(followed AND satisfied),"
            " sum(replied AND local),"
            " group_concat(CASE WHEN replied THEN reply_days END), group_concat(nullif(objections, ''))"
            " FROM f GROUP BY category, unit, region, first_unit", params)
        cells = {(r[0], r[1], r[2], r[3]): list(r) for r in rows}
        for cell, count in overdue.items():
            cells.setdefault(cell, [*cell, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None])[9] = count
        return [tuple(row) for row in cells.values()]

    def objection_lists(self) -> list[list[dict[str, Any]]]:
        """The objections (with their outcomes) of every case that has any (a few of a store's)."""
        return [json.loads(state)["objections"] for (state,) in self._query(
            "SELECT d.state_json FROM cases JOIN docs d ON d.case_id = cases.id WHERE cases.objections != ''")]

    def clock_spans(self, start: str, end: str) -> list[tuple[str, str, str | None]]:
        """(start, due, stopped) of clocks that could be overdue at some day in ``start``..``end``."""
        return self._query(
            "SELECT start, due, stopped FROM clocks WHERE due < ? AND start <= ? AND (stopped IS NULL OR stopped > ?)",
            (end, end, start))

    def cases_of(self, token: str) -> list[tuple[str, str, str | None]]:
        """(case, status, day closed) of the cases whose payer has this identifier or phone."""
        return [tuple(r) for r in self._query(
            "SELECT id, status, closed_on FROM cases WHERE instr(' ' || lookup || ' ', ?) > 0 ORDER BY registered_at",
            (f" {token} ",))]

    def max_number(self, prefix: str, year: int, low: int = 1, high: int = 2**62) -> int:
        """The highest sequence number in ``low``..``high`` already used for ``prefix`` and ``year`` (0 if none)."""
        rows = self._query("SELECT coalesce(max(seq), 0) FROM numbers WHERE prefix = ? AND year = ? AND seq BETWEEN ? AND ?",
                           (prefix, year, low, high))
        return int(rows[0][0])

    def history(self, case_id: str) -> list[dict[str, Any]]:
        rows = self._query(
            "SELECT sha, at, author, email, subject, case_id, action, actor, unit, action_id FROM commits "
            "WHERE case_id = ? ORDER BY ord DESC", (case_id,))
        keys = ("commit", "when", "author", "email", "subject", "case", "action", "actor", "unit", "action_id")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def count(self) -> int:
        return int(self._query("SELECT count(*) FROM cases")[0][0])

    def unreadable(self) -> list[tuple[str, str]]:
        """(case number, path) of every case file at the indexed commit that could not be read or
        replayed, by case number: what every list, count and export is missing."""
        return [(case_id, path) for case_id, path in self._query("SELECT case_id, path FROM unread ORDER BY case_id")]


UNREADABLE_NAMED = 10  # case numbers a message about unreadable case files names, at most


def unreadable_message(files: list[tuple[str, str]], consequence: str) -> str:
    """What to tell an officer about case files that could not be read (``CaseIndex.unreadable``):
    how many, which case numbers (with the file, if it is not where its number puts it), what it
    means for the command (``consequence``) and what to do."""
    named = [case_id if path == case_path(case_id) else f"{case_id}（{_printable(path)}）"
             for case_id, path in files[:UNREADABLE_NAMED]]
    listed = "、".join(named) + ("等" if len(files) > UNREADABLE_NAMED else "")
    return (f"有 {len(files)} 件案件的文件无法读取，{consequence}：{listed}。"
            "请运行 disputectl verify（列出每个文件的问题和改坏它的提交），并联系领导组办公室修复。")


def _printable(text: str) -> str:
    """A path as it can be shown on a terminal: control and invisible characters escaped."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


_Rows = tuple[tuple[Any, ...], tuple[str, str, str, str], list[tuple[Any, ...]], list[tuple[Any, ...]]]
PARALLEL_FROM = 2000
PARALLEL_CHUNK = 2000  # case files a worker reads (one git cat-file) and parses per task, at most
PARALLEL_MIN_CHUNK = 200  # ... and at least (fewer for more tasks, as the store is smaller)
_WORKER_SETTINGS: tuple[Path, Config, WorkCalendar] | None = None
_INSERT_COMMIT = "INSERT OR REPLACE INTO commits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _cores() -> int:
    """Cores this process may use (its affinity, not the host's count), at most 8."""
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except (AttributeError, OSError):
        return max(1, min(os.cpu_count() or 1, 8))


def _can_fork() -> bool:
    import multiprocessing

    return _cores() >= 2 and "fork" in multiprocessing.get_all_start_methods()


def _ignore_interrupt() -> None:
    """(Pool initializer.) Ctrl-C is the main process's to handle: it stops the pool."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _bounded(pool: Executor, work: Callable[[Any], Any], tasks: Iterable[Any], window: int) -> Iterator[Any]:
    """``work`` of each task, on the pool, in order, with at most ``window`` tasks in flight:
    results do not pile up when taking them is slower than making them."""
    from collections import deque

    pending: deque[Future[Any]] = deque()
    for task in tasks:
        pending.append(pool.submit(work, task))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _stop(pool: ProcessPoolExecutor, before: set[Any]) -> None:
    """The pool's workers gone now, not after the tasks they have (the history: ~20 s at
    100,000 cases), as on Ctrl-C or a failure nothing they write is wanted any more; and gone
    when this returns (none writes a chunk's file after the clean-up)."""
    # the pool's own list, taken before shutdown() lets go of it (after a shutdown it is None);
    # a pool broken by a killed worker has let go of it already: then the children this process
    # forked since the pool began (``before``: the ones it had then)
    import multiprocessing

    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    processes += [p for p in multiprocessing.active_children() if p not in before and p not in processes]
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join()


_CASE_TABLES = (("cases", "id"), ("docs", "case_id"), ("clocks", "case_id"), ("numbers", "case_id"),
                ("unread", "case_id"))


def _delete_rows(db: sqlite3.Connection, case_id: str) -> None:
    for table, column in _CASE_TABLES:
        db.execute(f"DELETE FROM {table} WHERE {column} = ?", (case_id,))  # noqa: S608 - fixed names


def _insert_rows(db: sqlite3.Connection, rows: _Rows) -> None:
    case_row, doc_row, clock_rows, number_rows = rows
    db.execute("INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", case_row)
    db.execute("INSERT INTO docs VALUES (?, ?, ?, ?)", doc_row)
    db.executemany("INSERT INTO clocks VALUES (?, ?, ?, ?, ?, ?)", clock_rows)
    db.executemany("INSERT INTO numbers VALUES (?, ?, ?, ?)", number_rows)


def _insert_case(db: sqlite3.Connection, case_id: str, rows: _Rows | None, path: str) -> None:
    """A case's rows, or, for a file that cannot be replayed, its ``unread`` row."""
    if rows is None:
        db.execute("INSERT INTO unread VALUES (?, ?)", (case_id, path))
    else:
        _insert_rows(db, rows)


def _insert_commits(db: sqlite3.Connection, numbered: Iterable[tuple[int, Any]]) -> None:
    """Commit rows (trailers, author, date, subject, ``ord``), written in batches of 5,000."""
    rows: list[tuple[Any, ...]] = []
    for ord_, info in numbered:
        t = info.trailers
        rows.append((info.sha, t.get("Case"), t.get("Action"), t.get("Actor"), t.get("Unit"), t.get("Action-Id"),
                     info.author, info.email, info.date, info.subject, ord_))
        if len(rows) >= 5000:  # in batches: a full history does not sit in memory
            db.executemany(_INSERT_COMMIT, rows)
            rows.clear()
    db.executemany(_INSERT_COMMIT, rows)


def _write_history(root: Path, head: str, path: str) -> int:
    """(A worker of a parallel rebuild.) The whole history of ``head`` into a new SQLite file."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(_COMMITS_TABLE)
        db.execute("BEGIN")
        _insert_commits(db, zip(itertools.count(-1, -1), iter_log(root, head)))
        db.execute("COMMIT")
        return int(db.execute("SELECT count(*) FROM commits").fetchone()[0])


def case_rows(path: str, content: bytes, config: Config, calendar: WorkCalendar) -> _Rows | None:
    """The index rows of one case file, or None for a file that cannot be replayed.

    The schema check is left to writes, to `show` of a case with no row and to `verify`: it
    would double the cost of a cold rebuild. A file that cannot be replayed is not indexed (it
    gets an ``unread`` row instead: see ``unreadable``).
    """
    try:
        case = parse_case(content, source=path, validate=False)
    except (ValidationError, RecursionError):
        return None
    if case.get("id") != _case_id(path):
        return None
    return _replayed(path, case, config, calendar)


def _replayed(path: str, case: dict[str, Any], config: Config, calendar: WorkCalendar) -> _Rows | None:
    """``_rows_for``, or None if the record cannot be replayed (a field missing or of the wrong
    kind: a file changed by hand; or a config that no longer knows what the file names)."""
    try:
        return _rows_for(path, case, config, calendar)
    except (DisputeError, KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError):
        return None


def _worker_part(task: tuple[str, list[tuple[str, str]]]) -> str:
    """(A worker of a parallel rebuild.) Read a chunk of case files from git, parse them and write
    their rows into a new SQLite file of the chunk's own (``path``), which the main process merges.

    As in a one-by-one load, of one case number found twice the last copy counts; a number whose
    last copy cannot be replayed has an ``unread`` row instead (an earlier chunk's copy is dropped).
    """
    assert _WORKER_SETTINGS is not None
    root, config, calendar = _WORKER_SETTINGS
    path, chunk = task
    seen: set[str] = set()
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.executescript(_TABLES.replace(" PRIMARY KEY", ""))
        db.execute("BEGIN")
        for file, content in History(root).stream_objects(chunk):
            case_id = _case_id(file)
            if case_id in seen:
                _delete_rows(db, case_id)
            _insert_case(db, case_id, case_rows(file, content, config, calendar), file)
            seen.add(case_id)
        db.execute("COMMIT")
    return path


def _rows_for(path: str, case: dict[str, Any], config: Config, calendar: WorkCalendar) -> _Rows:
    case = {k: v for k, v in case.items() if k != "state"}
    state = derive_state(case, config, calendar)
    reg = current_registration(case)
    search = " ".join([case["id"], reg["payer"]["name"], reg["matter"], reg["request"]]).lower()
    facts = case_facts(case, state, calendar)
    case_row = (case["id"], path, case["actions"][0]["at"], state["status"], state["unit"], reg["category"],
                reg["region"], reg["first_unit"], search, facts["registered"].isoformat(), _iso(facts["closed"]),
                _iso(facts["reply"]), int(facts["late"]), facts["reply_days"],
                ",".join(d.isoformat() for d in facts["objections"]), " ".join(lookup_tokens(case)),
                _iso(facts["followed"]), None if facts["satisfied"] is None else int(facts["satisfied"]), int(facts["local"]))
    doc_row = (case["id"], json.dumps(case, ensure_ascii=False), json.dumps(state, ensure_ascii=False),
               json.dumps(due_facts(case, state, config), ensure_ascii=False))
    clock_rows = [(case["id"], c["name"], c["start"], c["due"], c["stopped"], c["late"]) for c in state["clocks"]]
    return case_row, doc_row, clock_rows, list(_number_rows(case))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _is_case_path(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == _CASE_DEPTH + 1 and path.endswith(".yaml") and bool(CASE_ID_RE.match(parts[-1][:-5]))


def _case_id(path: str) -> str:
    return path.rsplit("/", 1)[-1][:-5]
