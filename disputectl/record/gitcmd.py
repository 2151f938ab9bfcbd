"""Running git: the one place that starts a git process, and the plumbing around the branch.

``gitstore.py`` builds commits from objects on top of this; ``githistory.py`` reads what was
committed. Every git process gets a clean environment (no personal settings, no hook's
GIT_DIR), so the store behaves the same on every officer's machine.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from disputectl.errors import StoreError

BRANCH = "main"
REF = f"refs/heads/{BRANCH}"


@dataclass(frozen=True)
class Identity:
    name: str
    email: str


def _clean_env() -> dict[str, str]:
    """Git must not pick up the officer's personal settings or a hook's GIT_DIR."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["LC_ALL"] = "C"
    return env


def no_index(root: Path) -> dict[str, str]:
    """For reading history: with a pathspec, git would otherwise load the worktree's index and,
    in a sparse store, expand it to every file of the tree (0.5 s at 10,000 cases, 1.5 GB at
    100,000) for commands that never use it. An index file that does not exist is an empty one."""
    return {"GIT_INDEX_FILE": str(root / ".git" / "disputectl-no-index")}


def run_git(root: Path, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[bytes]:
    full_env = _clean_env()
    if env:
        full_env.update(env)
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], input=input, capture_output=True, env=full_env, check=False)
    except FileNotFoundError:
        raise StoreError("找不到 git 命令，请先安装 git。") from None
    if check and proc.returncode != 0:
        raise StoreError(f"git {args[0]} 失败：{proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc


def start_git(root: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """A git that keeps running, fed through stdin and read from stdout (``cat-file --batch``)."""
    full_env = _clean_env()
    if env:
        full_env.update(env)
    try:
        return subprocess.Popen(["git", "-C", str(root), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                env=full_env)
    except FileNotFoundError:
        raise StoreError("找不到 git 命令，请先安装 git。") from None


def init_repository(root: Path) -> None:
    run_git(root, "init", "--quiet", f"--initial-branch={BRANCH}")
    # Readers see Chinese paths as they are; the store never needs line-ending conversion.
    run_git(root, "config", "core.quotePath", "false")
    run_git(root, "config", "core.autocrlf", "false")
    limit_pack_memory(root)
    make_sparse(root)


# git maps pack files into memory in windows and by default keeps up to 8 GiB of them mapped:
# at 100,000 cases (a 1.2 GB pack) `git log` over the history, `cat-file --batch` and fetch grew
# to 1.3-1.5 GB resident. With these limits `git log` stays under 300 MB and is no slower.
PACK_MEMORY = {"core.packedGitLimit": "64m", "core.packedGitWindowSize": "8m", "core.deltaBaseCacheLimit": "32m"}


def limit_pack_memory(root: Path) -> None:
    for key, value in PACK_MEMORY.items():
        run_git(root, "config", key, value)


# Checked out in a store's worktree: the files at its top (config, README, .gitattributes) and
# these folders. ``cases/`` stays a single "sparse directory" entry in git's index, so keeping
# the index in step with a commit costs the same at 100 cases as at 100,000 (a full index of
# a large store is 700,000 entries, about a second to read and write on every action).
CHECKED_OUT = ("calendar", "templates", "stations")


def make_sparse(root: Path) -> None:
    """Cone-mode sparse checkout with a sparse index; case files are read through disputectl."""
    # disputectl itself leaves copies of the files its actions wrote under cases/; git is to
    # take them for what they are, not as checked-out files (git 2.38+).
    run_git(root, "config", "sparse.expectFilesOutsideOfPatterns", "true")
    if config_get(root, "core.splitIndex") is not None:  # a store of an earlier version: git keeps a split index full
        run_git(root, "config", "--unset", "core.splitIndex", check=False)
        run_git(root, "update-index", "--no-split-index", check=False)
    run_git(root, "sparse-checkout", "set", "--cone", "--sparse-index", *CHECKED_OUT)


def is_sparse(root: Path) -> bool:
    proc = run_git(root, "config", "--get-regexp", r"^(core\.sparsecheckout|core\.sparsecheckoutcone|index\.sparse)$",
                   check=False)
    values = dict(line.split(" ", 1) for line in proc.stdout.decode().splitlines() if " " in line)
    return all(values.get(k) == "true" for k in ("core.sparsecheckout", "core.sparsecheckoutcone", "index.sparse"))


def safe_ident(text: str) -> str:
    return "".join(ch for ch in text if ch not in "<>\n\r\0")


# -- remotes (used by `disputectl sync`, `clone` and `setup`) ---------------------------------

REMOTE_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o ConnectTimeout=15"}
# The objects of a push under check live in a quarantine the pre-receive hook is told about.
QUARANTINE_VARS = ("GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH")


@dataclass(frozen=True)
class PushOutcome:
    status: str  # "ok" | "behind" (the remote moved on) | "declined" (its hook refused) | "offline"
    message: str


def quarantine_env() -> dict[str, str]:
    return {k: os.environ[k] for k in QUARANTINE_VARS if k in os.environ}


def git_message(proc: subprocess.CompletedProcess[bytes]) -> str:
    return proc.stderr.decode("utf-8", "replace").strip()


def config_get(root: Path, key: str) -> str | None:
    proc = run_git(root, "config", "--get", key, check=False)
    return (proc.stdout.decode("utf-8").strip() or None) if proc.returncode == 0 else None


def config_set(root: Path, key: str, value: str) -> None:
    run_git(root, "config", key, value)


def remote_url(root: Path, remote: str) -> str | None:
    proc = run_git(root, "remote", "get-url", remote, check=False)
    return (proc.stdout.decode("utf-8").strip() or None) if proc.returncode == 0 else None


def has_remotes(root: Path) -> bool:
    return bool(run_git(root, "remote", check=False).stdout.strip())


def tracking_ref(remote: str) -> str:
    return f"refs/remotes/{remote}/{BRANCH}"


def rev_parse(root: Path, rev: str) -> str | None:
    proc = run_git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    return proc.stdout.decode().strip() or None


def is_ancestor(root: Path, old: str, new: str, env: Mapping[str, str] | None = None) -> bool:
    return run_git(root, "merge-base", "--is-ancestor", old, new, env=env, check=False).returncode == 0


def update_tracking_ref(root: Path, remote: str, head: str) -> None:
    """Record that ``remote`` now has ``head`` (what a fetch would have written)."""
    run_git(root, "update-ref", tracking_ref(remote), head, check=False)


def is_bare_repository(root: Path) -> bool:
    proc = run_git(root, "rev-parse", "--is-bare-repository", check=False)
    return proc.returncode == 0 and proc.stdout.decode().strip() == "true"


def fetch(root: Path, remote: str) -> tuple[bool, str]:
    # A glob refspec: an empty remote (nothing pushed yet) is not an error.
    proc = run_git(root, "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/*:refs/remotes/{remote}/*",
                   env=REMOTE_ENV, check=False)
    return proc.returncode == 0, git_message(proc)


def push(root: Path, remote: str) -> PushOutcome:
    proc = run_git(root, "push", "--porcelain", remote, f"{REF}:{REF}", env=REMOTE_ENV, check=False)
    text = git_message(proc) + "\n" + proc.stdout.decode("utf-8", "replace")
    if proc.returncode == 0:
        return PushOutcome("ok", "")
    remote_lines = "\n".join(line[len("remote:"):].strip() for line in text.splitlines()
                             if line.startswith("remote:") and line[len("remote:"):].strip())
    if "hook declined" in text:
        return PushOutcome("declined", remote_lines)
    if "[rejected]" in text or "non-fast-forward" in text or "fetch first" in text:
        return PushOutcome("behind", remote_lines)
    return PushOutcome("offline", git_message(proc))


def merge_into_head(root: Path, rev: str, message: str, author: Identity, when: datetime,
                    signing_key: Path | None = None) -> tuple[bool, str]:
    """``git merge`` in the worktree (case files go through the store's merge driver); signed
    with ``signing_key`` (git's own ``-S`` with ``gpg.format=ssh``) when given."""
    stamp = f"{int(when.timestamp())} {when.strftime('%z') or '+0000'}"
    env = {"GIT_AUTHOR_NAME": safe_ident(author.name), "GIT_AUTHOR_EMAIL": safe_ident(author.email),
           "GIT_COMMITTER_NAME": safe_ident(author.name), "GIT_COMMITTER_EMAIL": safe_ident(author.email),
           "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    run_git(root, "update-index", "-q", "--refresh", check=False)
    signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={signing_key}"] if signing_key else []
    proc = run_git(root, *signing, "merge", "--quiet", "--no-edit", "-s", "ort", "-X", "no-renames",
                   *(["-S"] if signing_key else []), "-m", message, rev, env=env, check=False)
    if proc.returncode == 0:
        return True, ""
    text = (proc.stdout + b"\n" + proc.stderr).decode("utf-8", "replace").strip()
    if rev_parse(root, "MERGE_HEAD"):
        run_git(root, "merge", "--abort", check=False)
    return False, text


def reset_branch(root: Path, new: str, old: str) -> bool:
    """Move the branch back or forth (compare-and-swap) and make the worktree follow it."""
    if run_git(root, "update-ref", "-m", "disputectl", REF, new, old, check=False).returncode != 0:
        return False
    run_git(root, "reset", "--quiet", "--hard", new, check=False)
    return True


def clone_repository(url: str, path: Path) -> None:
    """A sparse clone (see :data:`CHECKED_OUT`): only the config, calendar and templates are checked out."""
    proc = run_git(path.parent, "clone", "--quiet", "--no-tags", "--no-checkout", "--origin", "origin",
                   "--branch", BRANCH, url, str(path), env=REMOTE_ENV, check=False)
    if proc.returncode != 0:
        raise StoreError(f"无法复制案件库“{url}”：{git_message(proc)}")
    limit_pack_memory(path)
    make_sparse(path)
    run_git(path, "checkout", "--quiet", BRANCH)


# -- the merge driver (``python -m disputectl.record.merge``, run by git) ------------------------------

def show_toplevel(path: Path) -> Path:
    """The top folder of the working tree ``path`` is in (``.`` when git cannot tell)."""
    proc = run_git(path, "rev-parse", "--show-toplevel", check=False)
    return Path(proc.stdout.decode("utf-8").strip() or ".")


def merge_file(root: Path, ours: Path, base: Path, theirs: Path) -> bool:
    """Merge line by line into ``ours`` in place (``git merge-file``); False if conflicts were left."""
    proc = run_git(root, "merge-file", "-L", "ours", "-L", "base", "-L", "theirs",
                   str(ours.resolve()), str(base.resolve()), str(theirs.resolve()), check=False)
    return proc.returncode == 0
