"""Working-hours clock for report deadlines (Decision 1207/QĐ-UBND style).

Working time is Mon–Fri 08:00–12:00 and 13:00–17:00 in Asia/Ho_Chi_Minh, minus public
holidays, plus any compensatory working days (a Saturday worked in exchange for a weekday
off). The module knows nothing about the database: the caller passes the holidays in, e.g.
``WorkCalendar(db.session.scalars(sa.select(Holiday.day)))``.

Decisions, so that every caller counts the same way:

* Periods are half-open: 08:00 is working time, 12:00 and 17:00 are not.
* ``add_working_time(start, delta)`` is the *earliest* instant at which ``delta`` of working
  time has elapsed since ``start``. A deadline that uses up a period exactly falls on that
  period's end (Friday 16:00 + 1 h is Friday 17:00, not Monday 08:00), and a zero delta is
  due at ``start`` itself, even outside working hours. So ``working_time_between(start,
  add_working_time(start, delta)) == delta`` always holds.
* A working day is the length of a regular working day (8 hours by default), so "5 working
  days" from Tuesday 10:00 is the following Tuesday 10:00, not the end of a day. Deadlines in
  Decision 1207 are counted in working hours the same way.
* A holiday on a weekend changes nothing; when the state moves the day off to a weekday
  ("nghỉ bù"), that weekday is entered as a holiday. A date that is both a holiday and an
  extra working day is a holiday.
* Overdue means the deadline has passed on the wall clock: a report due Friday 17:00 is
  overdue on Saturday, with zero working time overdue so far.
* Working time is measured on the local wall clock. Asia/Ho_Chi_Minh has no daylight saving;
  in a zone that does, a period that spans a clock change counts its wall-clock length.

Internally an instant maps to a count of working microseconds since 0001-01-01 (a Monday):
whole working days before its local date, computed per week arithmetically and corrected by
the sorted holidays, plus the working time elapsed on its own day. Every operation is a few
bisections, so spans of years cost the same as spans of hours.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

HANOI_TZ = "Asia/Ho_Chi_Minh"
DEFAULT_PERIODS = ((8, 0, 12, 0), (13, 0, 17, 0))
DEFAULT_WORKDAYS = frozenset({0, 1, 2, 3, 4})

_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_MINUTES_PER_DAY = 24 * 60


def _require_aware(dt: datetime) -> None:
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: give a timezone-aware datetime")


def _dates(values: Iterable[date], what: str) -> frozenset[date]:
    days = frozenset(values)
    for day in days:
        # A datetime is a date too, but would never equal the dates it is compared with.
        if not isinstance(day, date) or isinstance(day, datetime):
            raise TypeError(f"{what} must be dates, got {day!r}")
    return days


def _periods(periods: Iterable[tuple[int, int, int, int]]) -> tuple[tuple[int, int, int, int], ...]:
    result = tuple(tuple(p) for p in periods)
    if not result:
        raise ValueError("a calendar needs at least one working period")
    previous_end = 0
    for period in result:
        if len(period) != 4 or not all(isinstance(n, int) for n in period):
            raise ValueError(f"a period is (start_hour, start_minute, end_hour, end_minute), got {period!r}")
        h1, m1, h2, m2 = period
        if not (0 <= m1 < 60 and 0 <= m2 < 60):
            raise ValueError(f"minutes out of range in {period!r}")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (0 <= start < end <= _MINUTES_PER_DAY):
            raise ValueError(f"a period must start before it ends, within one day: {period!r}")
        if start < previous_end:
            raise ValueError("periods must be in order and must not overlap")
        previous_end = end
    return result


@dataclass(frozen=True, slots=True)
class Remaining:
    """Working time left before a deadline, or past it when ``overdue``.

    ``hours`` and ``days`` are whole units, rounded down; a working day is ``day_seconds``
    of working time (8 hours by default).
    """

    overdue: bool
    working_seconds: int
    day_seconds: int = 8 * 3600

    @property
    def hours(self) -> int:
        return self.working_seconds // 3600

    @property
    def days(self) -> int:
        return self.working_seconds // self.day_seconds


@dataclass(frozen=True, slots=True, init=False)
class WorkCalendar:
    """Working hours in one timezone; immutable and hashable, so it can be cached.

    ``periods`` are ``(start_hour, start_minute, end_hour, end_minute)`` in local time, the
    same on every working day; ``workdays`` are ``date.weekday()`` numbers (Monday is 0).
    All methods take timezone-aware datetimes in any zone and return them in UTC.
    """

    holidays: frozenset[date]
    extra_workdays: frozenset[date]
    tz: tzinfo
    periods: tuple[tuple[int, int, int, int], ...]
    workdays: frozenset[int]
    # Derived from the fields above.
    _spans: tuple[tuple[int, int], ...] = field(repr=False, compare=False)
    _day_us: int = field(repr=False, compare=False)
    _per_week: int = field(repr=False, compare=False)
    _week_prefix: tuple[int, ...] = field(repr=False, compare=False)
    _adjust_at: tuple[int, ...] = field(repr=False, compare=False)
    _adjust_sum: tuple[int, ...] = field(repr=False, compare=False)

    def __init__(
        self,
        holidays: Iterable[date] = (),
        *,
        extra_workdays: Iterable[date] = (),
        tz: str | tzinfo = HANOI_TZ,
        periods: Iterable[tuple[int, int, int, int]] = DEFAULT_PERIODS,
        workdays: Iterable[int] = DEFAULT_WORKDAYS,
    ) -> None:
        holidays = _dates(holidays, "holidays")
        extra_workdays = _dates(extra_workdays, "extra working days")
        tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        periods = _periods(periods)
        workdays = frozenset(workdays)
        if not workdays or not workdays <= set(range(7)):
            raise ValueError("workdays must be a non-empty set of weekday numbers 0–6")

        spans = tuple(((h1 * 60 + m1) * _US_PER_MINUTE, (h2 * 60 + m2) * _US_PER_MINUTE) for h1, m1, h2, m2 in periods)
        prefix = [0]
        for weekday in range(7):
            prefix.append(prefix[-1] + (weekday in workdays))
        # Days that differ from the weekly pattern: -1 for a holiday on a workday, +1 for an
        # extra working day on a day off (unless it is also a holiday).
        changes = sorted(
            [(d.toordinal(), -1) for d in holidays if d.weekday() in workdays]
            + [(d.toordinal(), 1) for d in extra_workdays - holidays if d.weekday() not in workdays]
        )
        running = [0]
        for _, change in changes:
            running.append(running[-1] + change)

        set_ = object.__setattr__
        set_(self, "holidays", holidays)
        set_(self, "extra_workdays", extra_workdays)
        set_(self, "tz", tz)
        set_(self, "periods", periods)
        set_(self, "workdays", workdays)
        set_(self, "_spans", spans)
        set_(self, "_day_us", sum(end - start for start, end in spans))
        set_(self, "_per_week", prefix[7])
        set_(self, "_week_prefix", tuple(prefix))
        set_(self, "_adjust_at", tuple(ordinal for ordinal, _ in changes))
        set_(self, "_adjust_sum", tuple(running))

    # -- public API ---------------------------------------------------------------------

    @property
    def day_length(self) -> timedelta:
        """Working time in one regular working day (8 hours by default)."""
        return timedelta(microseconds=self._day_us)

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day.weekday() in self.workdays or day in self.extra_workdays

    def is_working_time(self, dt: datetime) -> bool:
        _require_aware(dt)
        ordinal, moment = self._local(dt)
        return self._is_working_ordinal(ordinal) and any(start <= moment < end for start, end in self._spans)

    def next_working_moment(self, dt: datetime) -> datetime:
        """``dt`` itself during working time, else the start of the next working period."""
        _require_aware(dt)
        ordinal, moment = self._local(dt)
        if self._is_working_ordinal(ordinal):
            for start, end in self._spans:
                if moment < start:
                    return self._instant(ordinal, start)
                if moment < end:
                    return dt.astimezone(UTC)
        # The first ordinal after which one more working day has gone by, minus one, is the
        # next working day.
        following = self._first_ordinal_reaching(self._days_before(ordinal + 1) + 1, ordinal + 1) - 1
        return self._instant(following, self._spans[0][0])

    def add_working_time(self, start: datetime, delta: timedelta) -> datetime:
        """The earliest instant at which ``delta`` of working time has elapsed since ``start``."""
        _require_aware(start)
        if delta < timedelta(0):
            raise ValueError("delta must not be negative")
        if not delta:
            return start.astimezone(UTC)
        ordinal, moment = self._local(start)
        target = self._position(ordinal, moment) + delta // timedelta(microseconds=1)
        # The due day is the one on which the target-th microsecond falls: the day before the
        # first ordinal by which ceil(target / day) whole working days have gone by.
        whole_days = -(-target // self._day_us)
        due_day = self._first_ordinal_reaching(whole_days, ordinal) - 1
        left = target - (whole_days - 1) * self._day_us
        for period_start, period_end in self._spans:
            if left <= period_end - period_start:
                return self._instant(due_day, period_start + left)
            left -= period_end - period_start
        raise AssertionError("unreachable: the remainder never exceeds one working day")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """``days`` × the working day length of working time after ``start`` (see the module notes)."""
        if days < 0:
            raise ValueError("days must not be negative")
        return self.add_working_time(start, days * self.day_length)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        _require_aware(a)
        _require_aware(b)
        return timedelta(microseconds=self._position(*self._local(b)) - self._position(*self._local(a)))

    def remaining(self, now: datetime, due: datetime) -> Remaining:
        """Working time left until ``due``, or how much is overdue once ``due`` has passed."""
        elapsed = self.working_time_between(now, due)
        return Remaining(
            overdue=now > due,
            working_seconds=abs(elapsed) // timedelta(seconds=1),
            day_seconds=self._day_us // _US_PER_SECOND,
        )

    # -- internals ----------------------------------------------------------------------

    def _local(self, dt: datetime) -> tuple[int, int]:
        """(ordinal of the local date, microseconds since local midnight on the wall clock)."""
        local = dt.astimezone(self.tz)
        moment = ((local.hour * 60 + local.minute) * 60 + local.second) * _US_PER_SECOND + local.microsecond
        return local.toordinal(), moment

    def _instant(self, ordinal: int, moment: int) -> datetime:
        local = datetime.combine(date.fromordinal(ordinal), time()) + timedelta(microseconds=moment)
        return local.replace(tzinfo=self.tz).astimezone(UTC)

    def _is_working_ordinal(self, ordinal: int) -> bool:
        return self.is_working_day(date.fromordinal(ordinal))

    def _days_before(self, ordinal: int) -> int:
        """Working days from 0001-01-01 (a Monday) up to, not including, ``ordinal``."""
        weeks, extra = divmod(ordinal - 1, 7)
        regular = weeks * self._per_week + self._week_prefix[extra]
        return regular + self._adjust_sum[bisect_left(self._adjust_at, ordinal)]

    def _position(self, ordinal: int, moment: int) -> int:
        """Working microseconds from 0001-01-01 to the given local date and time."""
        position = self._days_before(ordinal) * self._day_us
        if self._is_working_ordinal(ordinal):
            position += sum(min(max(moment - start, 0), end - start) for start, end in self._spans)
        return position

    def _first_ordinal_reaching(self, days: int, low: int) -> int:
        """The smallest ordinal with ``days`` working days before it; ``low`` has fewer."""
        # Start from the estimate for a holiday-free calendar, then gallop and bisect.
        step = max(1, -(-(days - self._days_before(low)) * 7 // self._per_week))
        high = low + step
        while self._days_before(high) < days:
            low, step = high, step * 2
            high = low + step
        while high - low > 1:
            middle = (low + high) // 2
            if self._days_before(middle) < days:
                low = middle
            else:
                high = middle
        return high
