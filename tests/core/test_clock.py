"""The working-hours clock: deadlines in working hours, Hanoi time, holidays.

Every date is written with its weekday and checked, so a wrong date fails loudly instead of
testing something else.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.core.clock import Remaining, WorkCalendar

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
H = timedelta(hours=1)


def day(y: int, m: int, d: int, on: str) -> date:
    result = date(y, m, d)
    assert WEEKDAYS[result.weekday()] == on, f"{result} is a {WEEKDAYS[result.weekday()]}, not a {on}"
    return result


def at(y: int, m: int, d: int, on: str, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    """A Hanoi wall-clock time on a date whose weekday is checked."""
    return datetime.combine(day(y, m, d, on), time(hh, mm, ss), HANOI)


def local(dt: datetime) -> datetime:
    assert dt.tzinfo is UTC, "the clock returns UTC"
    return dt.astimezone(HANOI)


# The holidays are given to the calendar, so these only need to be plausible, not official.
NATIONAL_DAY_2026 = day(2026, 9, 2, "Wed")
NEW_YEAR_2027 = day(2027, 1, 1, "Fri")
TET_2027 = [day(2027, 2, n, on) for n, on in zip(range(8, 13), WEEKDAYS[:5], strict=True)]
SOME_HOLIDAYS = {
    day(2026, 1, 1, "Thu"),
    *(day(2026, 2, n, on) for n, on in zip(range(16, 21), WEEKDAYS[:5], strict=True)),
    day(2026, 4, 27, "Mon"),
    day(2026, 4, 30, "Thu"),
    day(2026, 5, 1, "Fri"),
    day(2026, 9, 1, "Tue"),
    NATIONAL_DAY_2026,
    NEW_YEAR_2027,
    *TET_2027,
    day(2027, 4, 16, "Fri"),
    day(2027, 4, 30, "Fri"),
    day(2027, 5, 3, "Mon"),
    day(2027, 9, 2, "Thu"),
    day(2027, 9, 3, "Fri"),
}
SOME_EXTRA_WORKDAYS = {day(2026, 2, 28, "Sat"), day(2027, 2, 20, "Sat")}

plain = WorkCalendar()


# -- is_working_time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (at(2026, 3, 9, "Mon", 7, 59, 59), False),
        (at(2026, 3, 9, "Mon", 8), True),
        (at(2026, 3, 9, "Mon", 11, 59, 59), True),
        (at(2026, 3, 9, "Mon", 12), False),
        (at(2026, 3, 9, "Mon", 12, 59, 59), False),
        (at(2026, 3, 9, "Mon", 13), True),
        (at(2026, 3, 9, "Mon", 16, 59, 59), True),
        (at(2026, 3, 9, "Mon", 17), False),
        (at(2026, 3, 13, "Fri", 10), True),
        (at(2026, 3, 14, "Sat", 10), False),
        (at(2026, 3, 15, "Sun", 10), False),
    ],
)
def test_working_periods_are_half_open(moment, working):
    assert plain.is_working_time(moment) is working


def test_holidays_are_not_working_time_and_extra_workdays_are():
    cal = WorkCalendar([NATIONAL_DAY_2026], extra_workdays=[day(2026, 5, 9, "Sat")])
    assert not cal.is_working_time(at(2026, 9, 2, "Wed", 10))
    assert cal.is_working_time(at(2026, 5, 9, "Sat", 10))
    assert not cal.is_working_time(at(2026, 5, 9, "Sat", 12, 30))
    assert not cal.is_working_day(NATIONAL_DAY_2026)
    assert cal.is_working_day(day(2026, 5, 9, "Sat"))
    assert not cal.is_working_day(day(2026, 5, 10, "Sun"))


def test_a_holiday_wins_over_an_extra_working_day():
    saturday = day(2026, 5, 9, "Sat")
    cal = WorkCalendar([saturday], extra_workdays=[saturday])
    assert not cal.is_working_day(saturday)
    assert local(cal.add_working_time(at(2026, 5, 8, "Fri", 16), 2 * H)) == at(2026, 5, 11, "Mon", 9)


# -- next_working_moment -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 9, "Mon", 9, 15, 30), at(2026, 3, 9, "Mon", 9, 15, 30)),
        (at(2026, 3, 9, "Mon", 8), at(2026, 3, 9, "Mon", 8)),
        (at(2026, 3, 9, "Mon", 6), at(2026, 3, 9, "Mon", 8)),
        (at(2026, 3, 9, "Mon", 12), at(2026, 3, 9, "Mon", 13)),
        (at(2026, 3, 9, "Mon", 12, 45), at(2026, 3, 9, "Mon", 13)),
        (at(2026, 3, 9, "Mon", 17), at(2026, 3, 10, "Tue", 8)),
        (at(2026, 3, 9, "Mon", 23, 59), at(2026, 3, 10, "Tue", 8)),
        (at(2026, 3, 13, "Fri", 17), at(2026, 3, 16, "Mon", 8)),
        (at(2026, 3, 14, "Sat", 10), at(2026, 3, 16, "Mon", 8)),
        (at(2026, 3, 15, "Sun", 0), at(2026, 3, 16, "Mon", 8)),
    ],
)
def test_next_working_moment(moment, expected):
    assert local(plain.next_working_moment(moment)) == expected


def test_next_working_moment_skips_holidays_and_takes_extra_workdays():
    tet = WorkCalendar(TET_2027)
    assert local(tet.next_working_moment(at(2027, 2, 5, "Fri", 17, 30))) == at(2027, 2, 15, "Mon", 8)
    swap = WorkCalendar(extra_workdays=[day(2026, 5, 9, "Sat")])
    assert local(swap.next_working_moment(at(2026, 5, 8, "Fri", 18))) == at(2026, 5, 9, "Sat", 8)


# -- add_working_time --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "delta", "due"),
    [
        # Within a morning period.
        (at(2026, 3, 9, "Mon", 9), 2 * H, at(2026, 3, 9, "Mon", 11)),
        # Across the lunch break.
        (at(2026, 3, 9, "Mon", 11, 30), H, at(2026, 3, 9, "Mon", 13, 30)),
        # A period used up exactly ends at its end, not at the start of the next one.
        (at(2026, 3, 9, "Mon", 10), 2 * H, at(2026, 3, 9, "Mon", 12)),
        (at(2026, 3, 9, "Mon", 15), 2 * H, at(2026, 3, 9, "Mon", 17)),
        (at(2026, 3, 13, "Fri", 16), H, at(2026, 3, 13, "Fri", 17)),
        (at(2026, 3, 9, "Mon", 8), 8 * H, at(2026, 3, 9, "Mon", 17)),
        # Starting outside working time: counting starts at the next period.
        (at(2026, 3, 9, "Mon", 12, 30), H, at(2026, 3, 9, "Mon", 14)),
        (at(2026, 3, 9, "Mon", 6), H, at(2026, 3, 9, "Mon", 9)),
        (at(2026, 3, 9, "Mon", 18), H, at(2026, 3, 10, "Tue", 9)),
        (at(2026, 3, 7, "Sat", 10), H, at(2026, 3, 9, "Mon", 9)),
        (at(2026, 3, 8, "Sun", 10), 4 * H, at(2026, 3, 9, "Mon", 12)),
        # Across a weekend: 1 h + 4 h on Friday, 3 h on Monday.
        (at(2026, 3, 6, "Fri", 11), 8 * H, at(2026, 3, 9, "Mon", 11)),
        (at(2026, 3, 6, "Fri", 16, 30), timedelta(minutes=45), at(2026, 3, 9, "Mon", 8, 15)),
        # Seconds are kept.
        (at(2026, 3, 9, "Mon", 11, 59, 30), timedelta(seconds=45), at(2026, 3, 9, "Mon", 13, 0, 15)),
    ],
)
def test_add_working_time(start, delta, due):
    assert local(plain.add_working_time(start, delta)) == due


def test_a_holiday_in_the_middle_is_skipped():
    cal = WorkCalendar([NATIONAL_DAY_2026])
    start = at(2026, 9, 1, "Tue", 16)
    assert local(plain.add_working_time(start, 2 * H)) == at(2026, 9, 2, "Wed", 9)
    assert local(cal.add_working_time(start, 2 * H)) == at(2026, 9, 3, "Thu", 9)


def test_a_week_of_tet_holidays_is_skipped():
    cal = WorkCalendar(TET_2027)
    assert local(cal.add_working_time(at(2027, 2, 5, "Fri", 15), 4 * H)) == at(2027, 2, 15, "Mon", 10)
    assert local(cal.add_working_time(at(2027, 2, 10, "Wed", 9), H)) == at(2027, 2, 15, "Mon", 9)


def test_a_compensatory_working_saturday_counts():
    swap = WorkCalendar(extra_workdays=[day(2026, 5, 9, "Sat")])
    start = at(2026, 5, 8, "Fri", 16)
    assert local(swap.add_working_time(start, 4 * H)) == at(2026, 5, 9, "Sat", 11)
    assert local(plain.add_working_time(start, 4 * H)) == at(2026, 5, 11, "Mon", 11)


def test_year_end_with_new_year_holiday():
    cal = WorkCalendar([NEW_YEAR_2027])
    # 1 h on Thursday 31 Dec, Friday 1 Jan off, 3 h on Monday 4 Jan.
    assert local(cal.add_working_time(at(2026, 12, 31, "Thu", 16), 4 * H)) == at(2027, 1, 4, "Mon", 11)


def test_zero_delta_is_due_at_the_start_itself():
    saturday = at(2026, 3, 7, "Sat", 10)
    assert plain.add_working_time(saturday, timedelta(0)) == saturday
    assert plain.add_working_time(saturday, timedelta(0)).tzinfo is UTC
    assert plain.working_time_between(saturday, plain.add_working_time(saturday, timedelta(0))) == timedelta(0)


def test_negative_delta_is_refused():
    with pytest.raises(ValueError, match="negative"):
        plain.add_working_time(at(2026, 3, 9, "Mon", 9), -H)
    with pytest.raises(ValueError, match="negative"):
        plain.add_working_days(at(2026, 3, 9, "Mon", 9), -1)


def test_add_working_days_counts_eight_working_hours_a_day():
    assert plain.day_length == 8 * H
    start = at(2026, 3, 10, "Tue", 10)
    assert local(plain.add_working_days(start, 1)) == at(2026, 3, 11, "Wed", 10)
    assert local(plain.add_working_days(start, 5)) == at(2026, 3, 17, "Tue", 10)
    assert plain.add_working_days(start, 0) == start
    assert local(plain.add_working_days(at(2026, 3, 9, "Mon", 8), 5)) == at(2026, 3, 13, "Fri", 17)


# -- timezones ---------------------------------------------------------------------------


def test_input_in_any_timezone_gives_the_same_result_in_utc():
    half_past_seven = datetime(2026, 3, 9, 0, 30, tzinfo=UTC)
    assert half_past_seven == at(2026, 3, 9, "Mon", 7, 30)
    paris = half_past_seven.astimezone(ZoneInfo("Europe/Paris"))
    tokyo = half_past_seven.astimezone(timezone(timedelta(hours=9)))
    for moment in (half_past_seven, at(2026, 3, 9, "Mon", 7, 30), paris, tokyo):
        assert not plain.is_working_time(moment)
        assert plain.next_working_moment(moment) == datetime(2026, 3, 9, 1, 0, tzinfo=UTC)
        due = plain.add_working_time(moment, H)
        assert due == datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
        assert due.tzinfo is UTC
        assert plain.working_time_between(moment, due) == H


def test_a_utc_evening_can_be_the_next_local_morning():
    # 01:30 UTC on Monday is 08:30 in Hanoi, although it is still Sunday evening in New York.
    new_york = datetime(2026, 3, 8, 21, 30, tzinfo=ZoneInfo("America/New_York"))
    assert new_york == at(2026, 3, 9, "Mon", 8, 30)
    assert plain.is_working_time(new_york)
    assert local(plain.add_working_time(new_york, H)) == at(2026, 3, 9, "Mon", 9, 30)


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 3, 9, 9, 0)
    aware = at(2026, 3, 9, "Mon", 9)
    calls = [
        lambda: plain.is_working_time(naive),
        lambda: plain.next_working_moment(naive),
        lambda: plain.add_working_time(naive, H),
        lambda: plain.add_working_days(naive, 1),
        lambda: plain.working_time_between(naive, aware),
        lambda: plain.working_time_between(aware, naive),
        lambda: plain.remaining(naive, aware),
        lambda: plain.remaining(aware, naive),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="naive"):
            call()


# -- working_time_between ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (at(2026, 3, 9, "Mon", 9), at(2026, 3, 9, "Mon", 9), timedelta(0)),
        (at(2026, 3, 9, "Mon", 9), at(2026, 3, 9, "Mon", 11, 0, 1), timedelta(hours=2, seconds=1)),
        (at(2026, 3, 9, "Mon", 11), at(2026, 3, 9, "Mon", 14), 2 * H),
        (at(2026, 3, 9, "Mon", 12, 10), at(2026, 3, 9, "Mon", 12, 50), timedelta(0)),
        (at(2026, 3, 6, "Fri", 11), at(2026, 3, 9, "Mon", 11), 8 * H),
        (at(2026, 3, 7, "Sat", 0), at(2026, 3, 8, "Sun", 23, 59), timedelta(0)),
        (at(2026, 3, 9, "Mon", 0), at(2026, 3, 16, "Mon", 0), 40 * H),
        (at(2026, 3, 9, "Mon", 11), at(2026, 3, 6, "Fri", 11), -8 * H),
        (at(2026, 3, 9, "Mon", 14), at(2026, 3, 9, "Mon", 11), -2 * H),
    ],
)
def test_working_time_between(a, b, expected):
    assert plain.working_time_between(a, b) == expected


def test_working_time_between_leaves_out_holidays_and_counts_extra_workdays():
    cal = WorkCalendar(TET_2027, extra_workdays=[day(2027, 2, 20, "Sat")])
    week_before, week_after = at(2027, 2, 1, "Mon", 0), at(2027, 2, 22, "Mon", 0)
    assert plain.working_time_between(week_before, week_after) == 15 * 8 * H
    assert cal.working_time_between(week_before, week_after) == 11 * 8 * H


def reference_between(a: datetime, b: datetime, holidays=frozenset(), extra=frozenset()) -> timedelta:
    """Day by day and period by period: slow, but plainly right."""
    if b < a:
        return -reference_between(b, a, holidays, extra)
    total = timedelta(0)
    current, last = a.astimezone(HANOI).date(), b.astimezone(HANOI).date()
    while current <= last:
        if current not in holidays and (current.weekday() < 5 or current in extra):
            for first, until in ((8, 12), (13, 17)):
                low = max(a, datetime.combine(current, time(first), HANOI))
                high = min(b, datetime.combine(current, time(until), HANOI))
                if high > low:
                    total += high - low
        current += timedelta(days=1)
    return total


def random_moment(rng: random.Random) -> datetime:
    """A moment in 2026–2027, often right on a period boundary."""
    moment = at(2026, 1, 1, "Thu") + timedelta(seconds=rng.randrange(730 * 86400))
    if rng.random() < 0.3:
        moment = moment.replace(hour=rng.choice((7, 8, 12, 13, 17)), minute=0, second=0)
    return moment


def random_delta(rng: random.Random) -> timedelta:
    if rng.random() < 0.3:
        return timedelta(hours=rng.randrange(0, 120))
    return timedelta(seconds=rng.randrange(0, 15 * 8 * 3600))


def test_random_spans_match_a_day_by_day_count():
    rng = random.Random(1207)
    cal = WorkCalendar(SOME_HOLIDAYS, extra_workdays=SOME_EXTRA_WORKDAYS)
    for _ in range(300):
        a, b = random_moment(rng), random_moment(rng)
        expected = reference_between(a, b, SOME_HOLIDAYS, SOME_EXTRA_WORKDAYS)
        assert cal.working_time_between(a, b) == expected, (a, b)
        assert cal.working_time_between(b, a) == -expected, (a, b)


def test_add_working_time_and_working_time_between_are_inverses():
    rng = random.Random(1207)
    cal = WorkCalendar(SOME_HOLIDAYS, extra_workdays=SOME_EXTRA_WORKDAYS)
    for _ in range(300):
        start, delta = random_moment(rng), random_delta(rng)
        due = cal.add_working_time(start, delta)
        assert cal.working_time_between(start, due) == delta, (start, delta)
        assert reference_between(start, due, SOME_HOLIDAYS, SOME_EXTRA_WORKDAYS) == delta, (start, delta)
        if delta:
            # The earliest such moment: on a working day, after a period start, at most its end.
            assert cal.working_time_between(start, due - timedelta(seconds=1)) < delta, (start, delta)
            due_local = local(due)
            assert cal.is_working_day(due_local.date()), (start, delta)
            assert time(8) < due_local.time() <= time(12) or time(13) < due_local.time() <= time(17), (start, delta)
        else:
            assert due == start


def test_time_between_then_added_back_lands_at_or_before_the_end():
    rng = random.Random(2026)
    cal = WorkCalendar(SOME_HOLIDAYS, extra_workdays=SOME_EXTRA_WORKDAYS)
    for _ in range(300):
        a, b = sorted((random_moment(rng), random_moment(rng)))
        back = cal.add_working_time(a, cal.working_time_between(a, b))
        assert back <= b, (a, b)
        assert cal.working_time_between(back, b) == timedelta(0), (a, b)
        if cal.is_working_time(b - timedelta(seconds=1)) and cal.is_working_time(b):
            assert back == b, (a, b)


def test_long_spans_are_exact():
    # Speed is measured in bench/, never asserted here: the machines are shared and noisy.
    cal = WorkCalendar(SOME_HOLIDAYS, extra_workdays=SOME_EXTRA_WORKDAYS)
    a, b = at(2024, 1, 1, "Mon", 9), at(2029, 12, 31, "Mon", 15)
    span = cal.working_time_between(a, b)
    assert cal.add_working_time(a, span) == b
    assert span == reference_between(a, b, SOME_HOLIDAYS, SOME_EXTRA_WORKDAYS)


# -- remaining ---------------------------------------------------------------------------


def test_remaining_before_the_deadline():
    left = plain.remaining(at(2026, 3, 9, "Mon", 9), at(2026, 3, 9, "Mon", 12))
    assert left == Remaining(overdue=False, working_seconds=3 * 3600, day_seconds=8 * 3600)
    assert (left.hours, left.days) == (3, 0)
    # Friday 11:00 to Wednesday 11:30: 8 h to Monday 11:00, 8 h each to Tuesday and Wednesday 11:00,
    # and half an hour.
    left = plain.remaining(at(2026, 3, 6, "Fri", 11), at(2026, 3, 11, "Wed", 11, 30))
    assert (left.overdue, left.working_seconds, left.hours, left.days) == (False, 24 * 3600 + 1800, 24, 3)


def test_remaining_after_the_deadline():
    late = plain.remaining(at(2026, 3, 12, "Thu", 9), at(2026, 3, 9, "Mon", 17))
    assert (late.overdue, late.working_seconds, late.hours, late.days) == (True, 17 * 3600, 17, 2)


def test_remaining_at_and_just_past_the_deadline():
    due = at(2026, 3, 13, "Fri", 17)
    assert plain.remaining(due, due) == Remaining(overdue=False, working_seconds=0)
    # Overdue on the wall clock from the weekend on, with no working time lost yet.
    weekend = plain.remaining(at(2026, 3, 14, "Sat", 10), due)
    assert (weekend.overdue, weekend.working_seconds) == (True, 0)
    monday = plain.remaining(at(2026, 3, 16, "Mon", 8, 0, 59), due)
    assert (monday.overdue, monday.working_seconds) == (True, 59)


def test_remaining_rounds_seconds_down():
    left = plain.remaining(at(2026, 3, 9, "Mon", 9), at(2026, 3, 9, "Mon", 9) + timedelta(seconds=1.9))
    assert left.working_seconds == 1


# -- the deadlines of a field report -----------------------------------------------------


def test_report_deadlines_from_a_friday_afternoon_filing():
    # A Monday day off after the weekend, and Thursday–Friday of the following week off too.
    cal = WorkCalendar([day(2026, 4, 27, "Mon"), day(2026, 4, 30, "Thu"), day(2026, 5, 1, "Fri")])
    filed = at(2026, 4, 24, "Fri", 15)
    # Accept within 8 working hours: 2 h on Friday, 6 h on Tuesday.
    assert local(cal.add_working_time(filed, 8 * H)) == at(2026, 4, 28, "Tue", 15)
    # Urgent, 4 working hours: 2 h on Friday, 2 h on Tuesday.
    assert local(cal.add_working_time(filed, 4 * H)) == at(2026, 4, 28, "Tue", 10)
    # Normal, 5 working days = 40 h: Fri 2, Tue 8, Wed 8, (Thu, Fri off), Mon 8, Tue 8, Wed 6.
    assert local(cal.add_working_days(filed, 5)) == at(2026, 5, 6, "Wed", 15)
    # Complex, 10 working days = 80 h: 40 h more, which is five whole working days.
    assert local(cal.add_working_days(filed, 10)) == at(2026, 5, 13, "Wed", 15)
    due = cal.add_working_days(filed, 5)
    assert cal.remaining(filed, due).days == 5
    assert cal.remaining(at(2026, 5, 8, "Fri", 15), due) == Remaining(overdue=True, working_seconds=2 * 8 * 3600)


# -- the calendar itself -----------------------------------------------------------------


def test_calendars_are_immutable_hashable_and_compare_by_value():
    a = WorkCalendar([NATIONAL_DAY_2026, NEW_YEAR_2027])
    b = WorkCalendar({NEW_YEAR_2027, NATIONAL_DAY_2026}, tz=HANOI)
    assert a == b and hash(a) == hash(b)
    assert a != plain
    assert a.holidays == frozenset({NATIONAL_DAY_2026, NEW_YEAR_2027})
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.holidays = frozenset()  # type: ignore[misc]


def test_custom_periods_and_workdays():
    # Half a day on Saturdays is not expressible (periods are the same every day), but six
    # full days are, as are other hours.
    cal = WorkCalendar(periods=((7, 30, 11, 30), (13, 30, 17, 0)), workdays={0, 1, 2, 3, 4, 5})
    assert cal.day_length == timedelta(hours=7, minutes=30)
    assert local(cal.add_working_time(at(2026, 3, 13, "Fri", 16), 2 * H)) == at(2026, 3, 14, "Sat", 8, 30)
    assert local(cal.next_working_moment(at(2026, 3, 14, "Sat", 12))) == at(2026, 3, 14, "Sat", 13, 30)
    # A whole day from the start of one ends at its close, not at the next morning.
    assert local(cal.add_working_days(at(2026, 3, 14, "Sat", 7, 30), 1)) == at(2026, 3, 14, "Sat", 17)
    assert local(cal.add_working_days(at(2026, 3, 14, "Sat", 9), 1)) == at(2026, 3, 16, "Mon", 9)
    assert cal.remaining(at(2026, 3, 14, "Sat", 7, 30), at(2026, 3, 16, "Mon", 7, 30)).days == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"periods": ()},
        {"periods": ((8, 0, 8, 0),)},
        {"periods": ((13, 0, 17, 0), (8, 0, 12, 0))},
        {"periods": ((8, 0, 12, 0), (11, 0, 17, 0))},
        {"periods": ((8, 60, 12, 0),)},
        {"periods": ((8, 0, 24, 30),)},
        {"periods": ((8, 0, 12),)},
        {"workdays": ()},
        {"workdays": {5, 7}},
    ],
)
def test_invalid_calendars_are_refused(kwargs):
    with pytest.raises(ValueError):
        WorkCalendar(**kwargs)


def test_holidays_must_be_dates():
    with pytest.raises(TypeError):
        WorkCalendar([datetime(2026, 9, 2, tzinfo=HANOI)])
    with pytest.raises(TypeError):
        WorkCalendar(extra_workdays=["2026-05-09"])
