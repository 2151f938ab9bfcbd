"""One root error: a message for the officer (in Chinese) and an exit code."""

from __future__ import annotations


class DisputeError(Exception):
    """An error the user can act on; the CLI prints ``message`` and exits with ``exit_code``."""

    exit_code = 1

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


class ValidationError(DisputeError):
    """Input that fails validation; ``details`` lists every problem found."""

    exit_code = 2


class PermissionDenied(DisputeError):
    """The officer lacks the role or unit for the action."""

    exit_code = 3


class NotAllowed(DisputeError):
    """The action is not allowed from the case's current status."""

    exit_code = 4


class NotFound(DisputeError):
    exit_code = 5


class StoreError(DisputeError):
    """The store is missing, damaged or busy."""

    exit_code = 6


class SystemProblem(DisputeError):
    """The machine could not do what was asked: no space, no memory, a read-only disk."""

    exit_code = 74  # EX_IOERR


_CAUSES = {
    "ENOSPC": "磁盘空间已满", "EDQUOT": "磁盘配额已用完", "EROFS": "所在的磁盘是只读的",
    "EACCES": "没有写入权限", "EPERM": "没有写入权限", "ENOMEM": "内存不足", "EIO": "磁盘读写出错",
    "ENOENT": "路径不存在", "EISDIR": "这是一个文件夹", "ENOTDIR": "路径中有一段不是文件夹", "EMFILE": "打开的文件过多",
}
_GIT_TEXTS = {"No space left on device": "ENOSPC", "Disk quota exceeded": "EDQUOT", "Read-only file system": "EROFS",
              "Permission denied": "EACCES", "Cannot allocate memory": "ENOMEM", "Out of memory": "ENOMEM",
              "database or disk is full": "ENOSPC", "Input/output error": "EIO"}


def os_error_cause(exc: BaseException) -> str:
    """The cause of an operating-system failure, in Chinese (an OSError, SQLite's or git's text)."""
    import errno

    if isinstance(exc, MemoryError):
        return _CAUSES["ENOMEM"]
    name = errno.errorcode.get(getattr(exc, "errno", None) or 0, "")
    if name in _CAUSES:
        return _CAUSES[name]
    return git_failure_cause(str(exc)) or f"系统错误（{str(exc)[:80]}）"


def git_failure_cause(text: str) -> str | None:
    """The cause named in a failing git's (or SQLite's) message, if it is one of the machine's."""
    for words, name in _GIT_TEXTS.items():
        if words in text:
            return _CAUSES[name]
    return None
