"""Crash injection for the crash tests: ``DISPUTECTL_CRASH_AT=<point>`` kills the process there.

The points sit between the steps of an action (objects written, branch moved, files written)
so the tests can show the store is always either before or after the action.
"""

from __future__ import annotations

import os
import signal

POINTS = ("after_objects", "before_cas", "after_cas", "after_worktree_files")


def crash_point(name: str) -> None:
    if os.environ.get("DISPUTECTL_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
