"""Working days under the State Council holiday schedule (放假与调休), with store overrides.

Pure: nothing here reads the clock — "today" is always passed in. Days come from the
``chinesecalendar`` data, unless the store supplies ``calendar/<YYYY>.yaml`` for a year, which
then replaces the library for that whole year. A year with neither is counted Monday–Friday
and reported in ``missing_years`` so the caller can warn.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar  # type: ignore[import-untyped]

from disputectl.errors import ValidationError

__all__ = [
    "CLOCK_STATE_LABELS",
    "Explanation",
    "SkippedDay",
    "WorkCalendar",
    "YearSchedule",
    "format_day",
    "missing_schedule_warning",
    "parse_year_schedule",
]

CLOCK_STATE_LABELS = {"ok": "正常", "due_soon": "临期", "overdue": "超期", "done": "已办结"}

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
UNNAMED_HOLIDAY = "法定节假日"
UNNAMED_MAKEUP = "调休上班日"

# chinesecalendar names holidays by their English value; Holiday(value).chinese gives "清明",
# "中秋" …, which read better to officers in their full form.
_FULL_HOLIDAY_NAMES = {
    "new_years_day": "元旦",
    "spring_festival": "春节",
    "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节",
    "dragon_boat_festival": "端午节",
    "national_day": "国庆节",
    "mid_autumn_festival": "中秋节",
    "anti_fascist_70th_day": "抗战胜利70周年纪念日",
}

YEAR_FILE = re.compile(r"^(\d{4})\.yaml$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def format_day(d: date) -> str:
    """``2026年10月13日（周二）`` — how a date is shown to officers."""
    return f"{d.year}年{d.month}月{d.day}日（{WEEKDAY_NAMES[d.weekday()]}）"


def missing_schedule_warning(years: Iterable[int]) -> str:
    """The warning to show when a count used a year without a holiday schedule."""
    names = "、".join(f"{y}年" for y in sorted(set(years)))
    return (
        f"缺少{names}节假日安排，已按周一至周五计算；"
        "可在案件库 calendar/<年份>.yaml 中补充后重新计算。"
    )


def _holiday_reason(name: str) -> str:
    name = name.strip()
    if not name:
        return UNNAMED_HOLIDAY
    if name.endswith(("假期", "节假日")):
        return name
    return f"{name}假期"


def _library_name(value: object) -> str:
    """Chinese name for the holiday label chinesecalendar returns (an English value or enum)."""
    if value is None:
        return ""
    holiday: chinese_calendar.Holiday | None
    if isinstance(value, chinese_calendar.Holiday):
        holiday = value
    else:
        try:
            holiday = chinese_calendar.Holiday(value)
        except ValueError:
            return ""
    return _FULL_HOLIDAY_NAMES.get(holiday.name) or str(getattr(holiday, "chinese", "") or "")


# --------------------------------------------------------------------------- schedules


@dataclass(frozen=True)
class YearSchedule:
    """One year's 放假 and 调休上班 days, as written in the store."""

    year: int
    holidays: dict[date, str] = field(default_factory=dict)  # day off -> holiday name
    workdays: dict[date, str] = field(default_factory=dict)  # make-up working day -> name


def _parse_date(value: object, where: str, problems: list[str]) -> date | None:
    if isinstance(value, datetime):
        problems.append(f"{where}：应为日期（如 2027-01-01），不应包含时间：{value}")
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
        problems.append(f"{where}：日期不存在：{value}")
        return None
    problems.append(f"{where}：应为日期（如 2027-01-01），{_given(value)}")
    return None


def _given(value: object) -> str:
    """What the file holds, quoted as written (not as Python would show it)."""
    return "未填写" if value is None or value == "" else f"实际为“{str(value)[:30]}”"


def _parse_entries(
    data: Mapping[Any, Any], key: str, label: str, year: int | None, problems: list[str]
) -> dict[date, str]:
    entries = data.get(key)
    days: dict[date, str] = {}
    if entries is None:
        return days
    if not isinstance(entries, list):
        problems.append(f"{key}（{label}）应为列表")
        return days
    for index, entry in enumerate(entries, start=1):
        where = f"{key} 第{index}项"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}：应为 {{date: …, name: …}} 或 {{from: …, to: …, name: …}}")
            continue
        unknown = sorted(str(k) for k in entry if k not in ("date", "from", "to", "name"))
        if unknown:
            problems.append(f"{where}：未知字段 {'、'.join(unknown)}")
        name = entry.get("name", "")
        if name is None:
            name = ""
        if not isinstance(name, str):
            problems.append(f"{where}：name 应为文字")
            name = str(name)
        has_single = "date" in entry
        has_range = "from" in entry or "to" in entry
        if has_single == has_range:
            problems.append(f"{where}：须写 date，或同时写 from 和 to（二者择一）")
            continue
        if has_single:
            single = _parse_date(entry["date"], f"{where} date", problems)
            first = last = single
        else:
            if "from" not in entry or "to" not in entry:
                problems.append(f"{where}：from 和 to 须同时填写")
                continue
            first = _parse_date(entry["from"], f"{where} from", problems)
            last = _parse_date(entry["to"], f"{where} to", problems)
        if first is None or last is None:
            continue
        if first > last:
            problems.append(f"{where}：起始日 {first} 晚于结束日 {last}")
            continue
        if year is not None and (first.year != year or last.year != year):
            problems.append(f"{where}：日期 {first}～{last} 不在 {year} 年内")
            continue
        day = first
        while day <= last:
            days[day] = name.strip()
            day += timedelta(days=1)
    return days


def parse_year_schedule(data: object, *, year: int | None = None) -> YearSchedule:
    """Build a schedule from loaded YAML; raise ``ValidationError`` listing every problem.

    ``year`` is the year the file name promises; ``None`` skips that check.
    """
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise ValidationError("节假日安排应为 YAML 映射（year / holidays / workdays）", details=[])
    unknown = sorted(str(k) for k in data if k not in ("year", "holidays", "workdays"))
    if unknown:
        problems.append(f"未知字段 {'、'.join(unknown)}（只允许 year、holidays、workdays）")
    declared = data.get("year")
    if isinstance(declared, bool) or not isinstance(declared, int):
        problems.append(f"year 应为四位年份，{_given(declared)}")
        schedule_year = year
    else:
        schedule_year = declared
        if year is not None and declared != year:
            problems.append(f"year 为 {declared}，与文件名的年份 {year} 不符")
    check_year = year if year is not None else schedule_year
    holidays = _parse_entries(data, "holidays", "放假日", check_year, problems)
    workdays = _parse_entries(data, "workdays", "调休上班日", check_year, problems)
    both = sorted(set(holidays) & set(workdays))
    for day in both:
        problems.append(f"{day} 同时列为放假日和调休上班日")
    if problems or schedule_year is None:
        raise ValidationError("节假日安排有误", details=problems)
    return YearSchedule(year=schedule_year, holidays=holidays, workdays=workdays)


# --------------------------------------------------------------------------- explanations


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason: str  # "周六", "周日", "国庆节假期", "法定节假日" …


@dataclass(frozen=True)
class Explanation:
    """How a due date was counted — rendered by ``--explain``."""

    start: date
    days: int
    calendar_days: bool
    due: date
    skipped: tuple[SkippedDay, ...]  # non-working days passed over between start and due
    counted: tuple[date, ...]  # the days counted, day 1..N
    makeup_days: tuple[date, ...]  # 调休 weekend days counted as working days
    missing_years: tuple[int, ...]  # years without a schedule, counted Monday–Friday
    makeup_reasons: tuple[str, ...] = ()  # names of makeup_days, same order

    def lines(self) -> list[str]:
        unit = "日（自然日）" if self.calendar_days else "个工作日"
        out = [
            f"起算日：{format_day(self.start)}，当日为第0日，不计入期限",
            f"期限：{self.days}{unit}，届满日：{format_day(self.due)}（当日结束时届满）",
        ]
        if self.calendar_days:
            out.append("按自然日连续计算，节假日不顺延")
        else:
            makeup = {day: "" for day in self.makeup_days}
            makeup.update(zip(self.makeup_days, self.makeup_reasons, strict=False))
            for number, day in enumerate(self.counted, start=1):
                note = ""
                if day in makeup:
                    note = f"，调休上班（{makeup.get(day) or UNNAMED_MAKEUP}）"
                out.append(f"第{number}个工作日：{format_day(day)}{note}")
            if self.skipped:
                out.append(f"跳过的非工作日（{len(self.skipped)}天）：")
                out.extend(f"  {format_day(s.day)} {s.reason}" for s in self.skipped)
            else:
                out.append("期间没有跳过的非工作日")
        if self.missing_years:
            out.append(missing_schedule_warning(self.missing_years))
        return out


# --------------------------------------------------------------------------- the calendar


@dataclass(frozen=True)
class _YearTable:
    first_ordinal: int  # date(year, 1, 1).toordinal()
    workday: bytes  # 1 per working day, indexed by day of year (0-based)
    cumulative: list[int]  # working days from 1 January up to and including the day

    def index(self, d: date) -> int:
        return d.toordinal() - self.first_ordinal


class WorkCalendar:
    """Which days are working days, and counting with them."""

    def __init__(self, overrides: Mapping[int, YearSchedule] | None = None) -> None:
        self._overrides: dict[int, YearSchedule] = dict(overrides or {})
        self._tables: dict[int, _YearTable] = {}
        self._library_years: dict[int, bool] = {}


    # ---- single days

    def has_schedule(self, year: int) -> bool:
        return year in self._overrides or self._library_has(year)

    def is_workday(self, d: date) -> bool:
        table = self._table(d.year)
        return bool(table.workday[table.index(d)])

    def day_reason(self, d: date) -> str | None:
        """``None`` for a working day; otherwise why the day is off, in Chinese."""
        if self.is_workday(d):
            return None
        schedule = self._overrides.get(d.year)
        if schedule is not None:
            if d in schedule.holidays:
                return _holiday_reason(schedule.holidays[d])
        elif self._library_has(d.year):
            _, label = chinese_calendar.get_holiday_detail(d)
            name = _library_name(label)
            if name:
                return _holiday_reason(name)
        if d.weekday() >= 5:
            return WEEKDAY_NAMES[d.weekday()]
        return UNNAMED_HOLIDAY

    def makeup_reason(self, d: date) -> str | None:
        """For a weekend day that is a 调休 working day, its name; otherwise ``None``."""
        if d.weekday() < 5 or not self.is_workday(d):
            return None
        schedule = self._overrides.get(d.year)
        if schedule is not None:
            name = schedule.workdays.get(d, "")
        elif self._library_has(d.year):
            _, label = chinese_calendar.get_holiday_detail(d)
            name = _library_name(label)
            name = f"{name}调休" if name else ""
        else:
            name = ""
        return name or UNNAMED_MAKEUP

    # ---- counting

    def add_days(self, start: date, n: int) -> date:
        return start + timedelta(days=n)

    def add_workdays(self, start: date, n: int) -> date:
        """The end of the ``n``-th working day after ``start`` (``start`` itself is day 0)."""
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return start
        table = self._table(start.year)
        # The wanted day is the first whose running count reaches start's count + n.
        target = table.cumulative[table.index(start)] + n
        year = start.year
        while target > table.cumulative[-1]:
            target -= table.cumulative[-1]
            year += 1
            table = self._table(year)
        return date.fromordinal(table.first_ordinal + bisect_left(table.cumulative, target))

    def workdays_between(self, a: date, b: date) -> int:
        """Working days ``d`` with ``a < d <= b``; 0 when ``b <= a``."""
        if b <= a:
            return 0
        first = self._table(a.year)
        if a.year == b.year:
            return first.cumulative[first.index(b)] - first.cumulative[first.index(a)]
        count = first.cumulative[-1] - first.cumulative[first.index(a)]
        for year in range(a.year + 1, b.year):
            count += self._table(year).cumulative[-1]
        last = self._table(b.year)
        return count + last.cumulative[last.index(b)]

    def workdays_late(self, due: date, done: date) -> int:
        """Working days ``done`` is past ``due``; 0 when on time.

        Finishing on a day off after the due date still counts as one day late, so that
        "超期" and "late by N ≥ 1 days" always agree.
        """
        if done <= due:
            return 0
        return max(1, self.workdays_between(due, done))

    def clock_state(
        self, due: date, today: date, *, warn_days: int = 2, stopped: date | None = None
    ) -> str:
        """``ok`` / ``due_soon`` (临期) / ``overdue`` (超期) / ``done`` (stopped in time)."""
        if stopped is not None:
            return "done" if stopped <= due else "overdue"
        if today > due:
            return "overdue"
        if self.workdays_between(today, due) <= warn_days:
            return "due_soon"
        return "ok"

    def missing_years(self, start: date, end: date) -> tuple[int, ...]:
        low, high = min(start, end).year, max(start, end).year
        return tuple(y for y in range(low, high + 1) if not self.has_schedule(y))

    def explain(self, start: date, n: int, *, calendar_days: bool = False) -> Explanation:
        if calendar_days:
            due = self.add_days(start, n)
            every_day = tuple(start + timedelta(days=i) for i in range(1, n + 1))
            return Explanation(start, n, True, due, (), every_day, (), ())
        due = self.add_workdays(start, n)
        skipped: list[SkippedDay] = []
        counted: list[date] = []
        makeup: list[date] = []
        makeup_names: list[str] = []
        day = start
        while day < due:
            day += timedelta(days=1)
            reason = self.day_reason(day)
            if reason is not None:
                skipped.append(SkippedDay(day, reason))
                continue
            counted.append(day)
            name = self.makeup_reason(day)
            if name is not None:
                makeup.append(day)
                makeup_names.append(name)
        missing = self.missing_years(start + timedelta(days=1), due) if n else ()
        return Explanation(
            start=start,
            days=n,
            calendar_days=False,
            due=due,
            skipped=tuple(skipped),
            counted=tuple(counted),
            makeup_days=tuple(makeup),
            missing_years=missing,
            makeup_reasons=tuple(makeup_names),
        )

    # ---- internals

    def _library_has(self, year: int) -> bool:
        known = self._library_years.get(year)
        if known is None:
            try:
                chinese_calendar.is_workday(date(year, 6, 1))
                known = True
            except NotImplementedError:
                known = False
            self._library_years[year] = known
        return known

    def _table(self, year: int) -> _YearTable:
        # One table per year makes is_workday a lookup and workdays_between O(years),
        # which matters when clocks for many cases are computed in one run.
        table = self._tables.get(year)
        if table is None:
            table = self._build_table(year)
            self._tables[year] = table
        return table

    def _build_table(self, year: int) -> _YearTable:
        schedule = self._overrides.get(year)
        library = schedule is None and self._library_has(year)
        flags = bytearray()
        cumulative: list[int] = []
        running = 0
        day = date(year, 1, 1)
        while day.year == year:
            if schedule is not None:
                works = day in schedule.workdays or (
                    day.weekday() < 5 and day not in schedule.holidays
                )
            elif library:  # chinese_calendar.is_workday's rule, read from its tables directly
                # (is_workday checks the year against every holiday it knows, on each call)
                works = day in chinese_calendar.workdays or (day.weekday() < 5 and day not in chinese_calendar.holidays)
            else:
                works = day.weekday() < 5
            flags.append(1 if works else 0)
            running += works
            cumulative.append(running)
            day += timedelta(days=1)
        return _YearTable(date(year, 1, 1).toordinal(), bytes(flags), cumulative)


def _short(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 160 else text[:157] + "…"
