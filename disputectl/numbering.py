"""Case numbers and document numbers.

A case number is ``<registering unit>-<registration date>-<sequence>`` (``SW-20261126-001``):
unique across units by the prefix, and within a unit by the sequence, which is taken from the
day's folder at commit time (a lost race is retried with the next number).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from .store import CASE_ID_RE


def next_case_id(unit: str, day: date, existing_names: Iterable[str]) -> str:
    prefix = f"{unit}-{day:%Y%m%d}-"
    taken = 0
    for name in existing_names:
        stem = name.removesuffix(".yaml").rstrip("/")
        if stem.startswith(prefix) and CASE_ID_RE.match(stem):
            taken = max(taken, int(stem[len(prefix):]))
    return f"{prefix}{taken + 1:03d}"


def next_sequence(used: Iterable[int]) -> int:
    return max(used, default=0) + 1


_DOC_NUMBER_RE = re.compile(r"^(?P<prefix>.+)〔(?P<year>\d{4})〕(?P<seq>\d+)号$")


def parse_doc_number(number: str) -> tuple[str, int, int] | None:
    """``社争受〔2026〕12号`` → ("社争受", 2026, 12); None for anything else."""
    match = _DOC_NUMBER_RE.match(number)
    if match is None:
        return None
    return match.group("prefix"), int(match.group("year")), int(match.group("seq"))
