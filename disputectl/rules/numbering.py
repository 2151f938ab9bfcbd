"""Case numbers and document numbers.

A case number is ``<registering unit>-<registration date>-<sequence>`` (``SW-20261126-001``):
unique across units by the prefix, and within a unit by the sequence, which is taken from the
day's folder at commit time (a lost race is retried with the next number). Each clone of the
store has its own station number (``disputectl clone``); it leads the sequence, so two clones
of the same unit registering at the same minute while offline still differ (``SW-20261126-2001``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

CASE_ID_RE = re.compile(r"^(?P<unit>[A-Z]{2,6})-(?P<date>\d{8})-(?P<seq>\d{3,6})$", re.ASCII)
STATION_DAILY_MAX = 999
MAX_STATION = 999


def next_case_id(unit: str, day: date, existing_names: Iterable[str], station: int = 0) -> str:
    """The next number for ``unit`` on ``day`` at this clone's ``station``.

    The sequence is the station number followed by a three-digit count of the day
    (station 0, the store's first copy: ``001``; station 12: ``12001``), so clones that
    register while apart never pick the same number.
    """
    prefix = f"{unit}-{day:%Y%m%d}-"
    mark = str(station) if station else ""
    taken = 0
    for name in existing_names:
        stem = name.removesuffix(".yaml").rstrip("/")
        if stem.startswith(prefix) and CASE_ID_RE.match(stem):
            seq = stem[len(prefix):]
            if len(seq) == len(mark) + 3 and seq.startswith(mark):
                taken = max(taken, int(seq[-3:]))
    if taken >= STATION_DAILY_MAX:
        from disputectl.errors import StoreError

        raise StoreError(f"本站点（{station}）{unit} 当日的案件编号已用完（每日最多 {STATION_DAILY_MAX} 件）。")
    return f"{prefix}{mark}{taken + 1:03d}"


def next_sequence(used: Iterable[int]) -> int:
    return max(used, default=0) + 1


_DOC_NUMBER_RE = re.compile(r"^(?P<prefix>.+)〔(?P<year>\d{4})〕(?P<seq>\d+)号$")


def parse_doc_number(number: str) -> tuple[str, int, int] | None:
    """``社争受〔2026〕12号`` → ("社争受", 2026, 12); None for anything else."""
    match = _DOC_NUMBER_RE.match(number)
    if match is None:
        return None
    return match.group("prefix"), int(match.group("year")), int(match.group("seq"))


# Document numbers (文号) and 档号 件号 are per kind and year across the city; each clone
# (station) draws from its own block so clones working apart never issue the same number:
# station 0 (the store's first copy) uses 1–999999, station 2 uses 2000001–2999999, and so on
# (a city registers tens of thousands of cases a year, each with its 受理回执).
STATION_BLOCK = 1_000_000


def station_block(station: int) -> tuple[int, int]:
    """The lowest and highest sequence number this station may issue."""
    low = station * STATION_BLOCK + 1
    return low, low + STATION_BLOCK - 2
