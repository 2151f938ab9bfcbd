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
