"""What every oversight list and figure starts from: the cases and their states replayed for
``today``, who is responsible for a clock, and the working days left or late."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from disputectl.errors import StoreError
from disputectl.record.index import unreadable_message
from disputectl.record.session import Session, case_states
from disputectl.rules.derive import CLOSING_ACTIONS, action_day

Record = tuple[dict[str, Any], dict[str, Any]]  # a case and its state replayed now

URGENCY = {"overdue": 0, "due_soon": 1, "ok": 2}
ROUTING = {"route_self": "本单位办理", "route_transfer": "转办", "route_office": "流转领导组办公室"}
TRIAGE = {"general": "一般事项", "major": "重大疑难事项"}
GROUPINGS = {"category": "争议类别", "unit": "承办单位", "region": "属地", "intake": "受理单位"}


def load_records(s: Session) -> list[Record]:
    return case_states(s)


def unreadable_cases(s: Session) -> list[tuple[str, str]]:
    """(case number, path) of the case files at HEAD that cannot be read: every list, count and
    export from the index lacks them. Remembered by the index: no case file is read here."""
    s.index.refresh()
    return s.index.unreadable()


def refuse_unreadable(s: Session, consequence: str) -> None:
    """For figures and exports that would be wrong without them: refused while any case file
    cannot be read, naming them (``consequence``: what would be wrong, and that nothing was made)."""
    files = unreadable_cases(s)
    if files:
        raise StoreError(unreadable_message(files, consequence))


def open_due_facts(s: Session, today: date, include_all: bool) -> list[dict[str, Any]]:
    """``derive.due_facts`` of the cases a due list can show: every case with a clock running
    (an open stage, and after the reply 及时归档 and 回访), and unless ``--all`` only those with
    a clock near its limit."""
    s.index.refresh()
    if include_all:
        return s.index.due_facts("id IN (SELECT case_id FROM clocks WHERE stopped IS NULL)")
    horizon = s.calendar.add_workdays(today, s.config.clocks["warn_days"] + 1).isoformat()
    return s.index.due_facts("id IN (SELECT case_id FROM clocks WHERE stopped IS NULL AND due <= ?)", (horizon,))


def registered_on(case: dict[str, Any]) -> date:
    return action_day(case["actions"][0])


def closed_on(case: dict[str, Any]) -> date | None:
    """The day of the action that closed the case (回复、移交、撤回), by the action's own date."""
    return next((action_day(a) for a in case["actions"] if a["action"] in CLOSING_ACTIONS), None)


def officer_name(s: Session, officer_id: str | None) -> str:
    if not officer_id:
        return "—"
    officer = s.config.officers.get(officer_id)
    return officer.name if officer else officer_id


def clock_unit(clock: dict[str, Any], state: dict[str, Any]) -> str:
    """The unit a clock waits on: an opinion clock's own unit, otherwise the holding unit."""
    _, _, unit = clock["name"].partition(":")
    return unit or state["unit"]


def responsible_officer(s: Session, facts: dict[str, Any], unit: str) -> str | None:
    """The 首问责任人 while registered; else whoever last acted for ``unit`` (``derive.due_facts``)."""
    if facts["status"] == "registered":
        return str(facts["first_officer"])
    known = s.config.units.get(unit)
    if known is not None and known.external:  # the platform is followed up by the office
        unit = s.config.office_unit
    acted: dict[str, str] = facts["acted"]
    return acted.get(unit)


def late_now(s: Session, clock: dict[str, Any], today: date) -> int:
    due = date.fromisoformat(clock["due"])
    if clock["calendar_days"]:
        return max(0, (today - due).days)
    return s.calendar.workdays_late(due, today)


def remaining_workdays(s: Session, clock: dict[str, Any], today: date) -> int:
    due = date.fromisoformat(clock["due"])
    if clock["calendar_days"]:
        return max(0, (due - today).days)
    return s.calendar.workdays_between(today, due)


def missing_years(s: Session, clocks: Iterable[dict[str, Any]]) -> list[int]:
    years: set[int] = set()
    for clock in clocks:
        if not clock["calendar_days"]:
            years.update(s.calendar.missing_years(date.fromisoformat(clock["start"]),
                                                  date.fromisoformat(clock["due"])))
    return sorted(years)
