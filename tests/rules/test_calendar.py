"""Working days against the official 2026 schedule (国办发明电〔2025〕7号) and store overrides."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from disputectl.errors import ValidationError
from disputectl.record.store_files import load_calendar
from disputectl.rules.calendar import (
    CLOCK_STATE_LABELS,
    SkippedDay,
    WorkCalendar,
    YearSchedule,
    missing_schedule_warning,
)


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def write_calendar(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


NEW_YEAR_2027 = """\
year: 2027
holidays:
  - {from: 2027-01-01, to: 2027-01-03, name: 元旦}
  - {date: "2027-04-05", name: 清明节}
workdays:
  - {date: 2027-02-20, name: 春节调休}
"""


# --------------------------------------------------------------------------- 2026 facts


def test_2026_national_day_schedule(cal: WorkCalendar) -> None:
    for day in range(1, 8):
        assert not cal.is_workday(date(2026, 10, day))
        assert cal.day_reason(date(2026, 10, day)) == "国庆节假期"
    # 调休: Sunday 20 September and Saturday 10 October are working days.
    assert cal.is_workday(date(2026, 9, 20))
    assert cal.is_workday(date(2026, 10, 10))
    assert cal.day_reason(date(2026, 10, 10)) is None
    assert cal.makeup_reason(date(2026, 10, 10)) == "国庆节调休"
    assert cal.makeup_reason(date(2026, 9, 20)) == "国庆节调休"
    assert cal.is_workday(date(2026, 10, 8))
    # 中秋 2026 falls on Friday 25 September: 25–27 off, separate from 国庆.
    assert [cal.is_workday(date(2026, 9, d)) for d in (24, 25, 26, 27, 28)] == [
        True,
        False,
        False,
        False,
        True,
    ]
    assert cal.day_reason(date(2026, 9, 26)) == "中秋节假期"


def test_day_reasons(cal: WorkCalendar) -> None:
    assert cal.day_reason(date(2026, 9, 19)) == "周六"
    assert cal.day_reason(date(2026, 10, 11)) == "周日"
    assert cal.day_reason(date(2026, 1, 1)) == "元旦假期"
    assert cal.day_reason(date(2026, 9, 30)) is None
    assert cal.makeup_reason(date(2026, 9, 30)) is None
    assert cal.makeup_reason(date(2026, 9, 19)) is None


def test_spec_example_five_workdays_from_30_september(cal: WorkCalendar) -> None:
    # 10-08 (1), 10-09 (2), Saturday 10-10 调休 (3), 10-12 (4), 10-13 (5).
    assert cal.add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 13)


def test_zero_workdays_is_the_start(cal: WorkCalendar) -> None:
    assert cal.add_workdays(date(2026, 10, 3), 0) == date(2026, 10, 3)


def test_negative_workdays_rejected(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        cal.add_workdays(date(2026, 10, 3), -1)


def test_start_on_a_holiday(cal: WorkCalendar) -> None:
    assert cal.add_workdays(date(2026, 10, 3), 1) == date(2026, 10, 8)
    assert cal.add_workdays(date(2026, 10, 3), 3) == date(2026, 10, 10)


def test_one_workday_across_a_weekend(cal: WorkCalendar) -> None:
    assert cal.add_workdays(date(2026, 3, 13), 1) == date(2026, 3, 16)  # Friday -> Monday
    assert cal.add_workdays(date(2026, 3, 14), 1) == date(2026, 3, 16)  # Saturday -> Monday


def test_makeup_days_are_counted(cal: WorkCalendar) -> None:
    assert cal.add_workdays(date(2026, 10, 9), 1) == date(2026, 10, 10)  # Saturday 调休
    assert cal.add_workdays(date(2026, 9, 18), 1) == date(2026, 9, 20)  # Sunday 调休
    assert cal.add_workdays(date(2026, 9, 24), 1) == date(2026, 9, 28)  # over 中秋


def test_add_days_is_calendar_days(cal: WorkCalendar) -> None:
    assert cal.add_days(date(2026, 9, 30), 30) == date(2026, 10, 30)


# --------------------------------------------------------------------------- explanations


def test_explain_lists_skipped_days_and_makeup_days(cal: WorkCalendar) -> None:
    ex = cal.explain(date(2026, 9, 30), 5)
    assert ex.due == date(2026, 10, 13)
    assert ex.start == date(2026, 9, 30)
    assert ex.days == 5
    assert ex.calendar_days is False
    assert ex.counted == (
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
        date(2026, 10, 12),
        date(2026, 10, 13),
    )
    assert ex.skipped == tuple(SkippedDay(date(2026, 10, d), "国庆节假期") for d in range(1, 8)) + (
        SkippedDay(date(2026, 10, 11), "周日"),
    )
    assert ex.makeup_days == (date(2026, 10, 10),)
    assert ex.makeup_reasons == ("国庆节调休",)
    assert ex.missing_years == ()

    lines = ex.lines()
    assert lines[0] == "起算日：2026年9月30日（周三），当日为第0日，不计入期限"
    assert lines[1] == "期限：5个工作日，届满日：2026年10月13日（周二）（当日结束时届满）"
    assert "第3个工作日：2026年10月10日（周六），调休上班（国庆节调休）" in lines
    assert "第5个工作日：2026年10月13日（周二）" in lines
    assert "跳过的非工作日（8天）：" in lines
    assert "  2026年10月1日（周四） 国庆节假期" in lines
    assert "  2026年10月11日（周日） 周日" in lines
    assert not any("缺少" in line for line in lines)


def test_explain_weekend_only(cal: WorkCalendar) -> None:
    ex = cal.explain(date(2026, 3, 13), 1)
    assert ex.skipped == (
        SkippedDay(date(2026, 3, 14), "周六"),
        SkippedDay(date(2026, 3, 15), "周日"),
    )
    assert ex.counted == (date(2026, 3, 16),)
    assert ex.makeup_days == ()


def test_explain_calendar_days(cal: WorkCalendar) -> None:
    ex = cal.explain(date(2026, 9, 30), 30, calendar_days=True)
    assert ex.due == date(2026, 10, 30)
    assert ex.calendar_days is True
    assert ex.skipped == ()
    assert len(ex.counted) == 30
    assert ex.counted[0] == date(2026, 10, 1)
    assert ex.lines()[1] == "期限：30日（自然日），届满日：2026年10月30日（周五）（当日结束时届满）"


# --------------------------------------------------------------------------- years without data


def test_2027_without_data_counts_weekdays(cal: WorkCalendar) -> None:
    assert not cal.has_schedule(2027)
    assert cal.has_schedule(2026)
    ex = cal.explain(date(2026, 12, 28), 5)
    # Tue 29, Wed 30, Thu 31, Fri 2027-01-01, Mon 01-04.
    assert ex.due == date(2027, 1, 4)
    assert cal.add_workdays(date(2026, 12, 28), 5) == date(2027, 1, 4)
    assert ex.missing_years == (2027,)
    assert ex.lines()[-1] == missing_schedule_warning([2027])
    assert missing_schedule_warning([2027]).startswith("缺少2027年节假日安排，已按周一至周五计算")
    assert cal.missing_years(date(2026, 12, 28), date(2027, 1, 4)) == (2027,)
    assert cal.missing_years(date(2026, 1, 1), date(2026, 12, 31)) == ()


def test_2027_override_from_store(tmp_path: Path) -> None:
    folder = write_calendar(tmp_path / "calendar", {"2027.yaml": NEW_YEAR_2027})
    cal = load_calendar(folder)
    assert cal.has_schedule(2027)
    ex = cal.explain(date(2026, 12, 28), 5)
    # 2027-01-01..03 off: Tue 29, Wed 30, Thu 31, Mon 01-04, Tue 01-05.
    assert ex.due == date(2027, 1, 5)
    assert ex.missing_years == ()
    assert SkippedDay(date(2027, 1, 1), "元旦假期") in ex.skipped
    assert SkippedDay(date(2027, 1, 2), "元旦假期") in ex.skipped
    assert cal.day_reason(date(2027, 4, 5)) == "清明节假期"
    assert cal.is_workday(date(2027, 2, 20))  # Saturday 调休
    assert cal.makeup_reason(date(2027, 2, 20)) == "春节调休"
    assert cal.day_reason(date(2027, 2, 21)) == "周日"


def test_override_replaces_library_for_its_year(tmp_path: Path) -> None:
    folder = write_calendar(tmp_path / "calendar", {"2026.yaml": "year: 2026\n"})
    cal = load_calendar(folder)
    assert cal.is_workday(date(2026, 10, 1))
    assert not cal.is_workday(date(2026, 10, 10))
    assert cal.add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 7)


def test_override_in_code_and_unnamed_weekday_holiday() -> None:
    schedule = YearSchedule(year=2030, holidays={date(2030, 3, 6): ""}, workdays={})
    cal = WorkCalendar({2030: schedule})
    assert cal.day_reason(date(2030, 3, 6)) == "法定节假日"
    assert cal.has_schedule(2030)


def test_load_without_folder() -> None:
    assert load_calendar(None).has_schedule(2026)
    assert not load_calendar(Path("/nonexistent/calendar")).has_schedule(2027)


def test_malformed_override_lists_every_problem(tmp_path: Path) -> None:
    folder = write_calendar(
        tmp_path / "calendar",
        {
            "2027.yaml": """\
year: 2028
holidays:
  - {from: 2027-05-05, to: 2027-05-01, name: 劳动节}
  - {date: 2028-01-01, name: 元旦}
  - {date: "2027-02-30", name: 春节}
  - {date: 2027-10-02, name: 国庆节}
workdays:
  - {date: 2027-10-02, name: 国庆节调休}
  - {date: tomorrow}
""",
        },
    )
    with pytest.raises(ValidationError) as info:
        load_calendar(folder)
    err = info.value
    assert err.message == "节假日安排文件有误：calendar/2027.yaml"
    assert err.details == [
        "2027.yaml：year 为 2028，与文件名的年份 2027 不符",
        "2027.yaml：holidays 第1项：起始日 2027-05-05 晚于结束日 2027-05-01",
        "2027.yaml：holidays 第2项：日期 2028-01-01～2028-01-01 不在 2027 年内",
        "2027.yaml：holidays 第3项 date：日期不存在：2027-02-30",
        "2027.yaml：workdays 第2项 date：应为日期（如 2027-01-01），实际为“tomorrow”",
        "2027.yaml：2027-10-02 同时列为放假日和调休上班日",
    ]
    assert err.exit_code == 2


def test_bad_yaml_and_bad_file_name_are_reported_together(tmp_path: Path) -> None:
    folder = write_calendar(
        tmp_path / "calendar",
        {
            "2027.yaml": "year: 2027\nholidays: [\n",
            "2028.yaml": "!!python/object/apply:os.system ['echo hi']\n",
            "next.yaml": "year: 2029\n",
            "README.md": "not a calendar",
        },
    )
    with pytest.raises(ValidationError) as info:
        load_calendar(folder)
    err = info.value
    assert "calendar/2027.yaml" in err.message
    assert "calendar/2028.yaml" in err.message
    assert "calendar/next.yaml" in err.message
    assert len(err.details) == 3
    assert err.details[0].startswith("2027.yaml：不是有效的 YAML")
    assert err.details[1] == "2028.yaml：使用了 YAML 标签（!…），本工具不接受。"
    assert err.details[2] == "next.yaml：文件名应为四位年份，如 2027.yaml"


def test_entry_shape_problems(tmp_path: Path) -> None:
    folder = write_calendar(
        tmp_path / "calendar",
        {
            "2027.yaml": """\
year: 2027
extra: 1
holidays:
  - 2027-01-01
  - {date: 2027-01-01, from: 2027-01-01, to: 2027-01-02}
  - {from: 2027-01-01}
  - {date: 2027-01-01 09:00:00}
workdays: yes
""",
        },
    )
    with pytest.raises(ValidationError) as info:
        load_calendar(folder)
    assert info.value.details == [
        "2027.yaml：未知字段 extra（只允许 year、holidays、workdays）",
        "2027.yaml：holidays 第1项：应为 {date: …, name: …} 或 {from: …, to: …, name: …}",
        "2027.yaml：holidays 第2项：须写 date，或同时写 from 和 to（二者择一）",
        "2027.yaml：holidays 第3项：from 和 to 须同时填写",
        "2027.yaml：holidays 第4项 date：应为日期（如 2027-01-01），不应包含时间：2027-01-01 09:00:00",
        "2027.yaml：workdays（调休上班日）应为列表",
    ]


# --------------------------------------------------------------------------- lateness and clocks


def test_workdays_between_and_late(cal: WorkCalendar) -> None:
    due = date(2026, 9, 30)
    assert cal.workdays_between(due, date(2026, 10, 13)) == 5
    assert cal.workdays_between(date(2026, 10, 13), due) == 0
    assert cal.workdays_late(due, due) == 0
    assert cal.workdays_late(due, date(2026, 9, 1)) == 0
    assert cal.workdays_late(due, date(2026, 10, 8)) == 1
    assert cal.workdays_late(due, date(2026, 10, 13)) == 5
    # Done during the holiday after the due date: late, by at least one day.
    assert cal.workdays_late(due, date(2026, 10, 3)) == 1


def test_workdays_between_matches_day_by_day_count(tmp_path: Path) -> None:
    folder = write_calendar(tmp_path / "calendar", {"2027.yaml": NEW_YEAR_2027})
    cal = load_calendar(folder)
    start = date(2024, 12, 20)
    for span in (0, 1, 7, 40, 400, 1200):
        end = start + timedelta(days=span)
        expected = sum(cal.is_workday(start + timedelta(days=i)) for i in range(1, span + 1))
        assert cal.workdays_between(start, end) == expected
        if expected:
            assert cal.add_workdays(start, expected) <= end


def test_clock_state_boundaries(cal: WorkCalendar) -> None:
    due = date(2026, 10, 13)
    assert cal.clock_state(due, date(2026, 10, 9)) == "ok"  # 3 working days before
    assert cal.clock_state(due, date(2026, 10, 10)) == "due_soon"  # 2 before (调休 Saturday)
    assert cal.clock_state(due, date(2026, 10, 11)) == "due_soon"  # Sunday, 2 before
    assert cal.clock_state(due, date(2026, 10, 12)) == "due_soon"
    assert cal.clock_state(due, due) == "due_soon"
    assert cal.clock_state(due, date(2026, 10, 14)) == "overdue"
    assert cal.clock_state(due, date(2026, 10, 9), warn_days=3) == "due_soon"
    assert cal.clock_state(due, date(2026, 10, 12), warn_days=0) == "ok"
    assert cal.clock_state(due, date(2026, 10, 20), stopped=date(2026, 10, 12)) == "done"
    assert cal.clock_state(due, date(2026, 10, 1), stopped=due) == "done"
    assert cal.clock_state(due, date(2026, 10, 20), stopped=date(2026, 10, 14)) == "overdue"
    assert CLOCK_STATE_LABELS == {
        "ok": "正常",
        "due_soon": "临期",
        "overdue": "超期",
        "done": "已办结",
    }


# --------------------------------------------------------------------------- any year


@pytest.mark.parametrize("year", [1900, 1950, 2003, 2004, 2026, 2027, 2090, 2100])
def test_no_year_raises(cal: WorkCalendar, year: int) -> None:
    day = date(year, 12, 24)
    due = cal.add_workdays(day, 10)
    ex = cal.explain(day, 10)
    assert ex.due == due
    assert len(ex.counted) == 10
    for d in [day + timedelta(days=i) for i in range(14)]:
        assert cal.is_workday(d) == (cal.day_reason(d) is None)
    assert cal.workdays_between(date(year, 1, 1), date(year, 12, 31)) > 200
    cal.clock_state(due, day)


def test_far_years_are_weekday_based_and_reported(cal: WorkCalendar) -> None:
    ex = cal.explain(date(1950, 9, 29), 1)  # Friday
    assert ex.due == date(1950, 10, 2)
    assert ex.missing_years == (1950,)
    assert cal.explain(date(2090, 1, 2), 3).missing_years == (2090,)
    assert cal.missing_years(date(1900, 1, 1), date(2100, 1, 1)) == tuple(
        [*range(1900, 2004), *range(2027, 2101)]
    )


def test_every_day_the_library_knows_agrees_with_its_is_workday(cal: WorkCalendar) -> None:
    # the year tables read chinese_calendar's holiday and workday tables directly (its
    # is_workday checks the year on every call); they must give its answer for every day
    import chinese_calendar

    first, last = min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year
    day = date(first, 1, 1)
    checked = 0
    while day.year <= last:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
        checked += 1
    assert checked > 365 * 20
