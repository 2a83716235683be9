"""Statistics of field reports, computed by SQL aggregates and cached for a short time.

Definitions, so that the page, the CSV exports and the tests count the same way:

* Every figure is about the reports *received* in the period (filed from ``start`` 00:00 to
  ``end`` 24:00, Hanoi time): what became of them so far. Months are the months of receipt.
* resolved: answered as fixed (``resolved_at`` set and not rejected); rejected: turned down;
  finished: resolved or rejected (closed ones included).
* on time: resolved no later than the resolve deadline in force at that moment
  (``Case.resolved_on_time``, recorded by ``app.cases.services.resolve``); the share is of the
  resolved reports.
* time to accept: working time from filing to acceptance; time to resolve: working time from
  the (latest) acceptance to the answer. Both are recorded at the transition with the
  working-hours clock, and shown in working hours.
* median and 90th percentile: linear interpolation between the closest ranks, as
  PostgreSQL's ``percentile_cont`` and Excel's ``PERCENTILE.INC``: the value at 0-based
  position ``q·(n−1)`` of the sorted values. Computed with window functions so that SQLite and
  PostgreSQL give the same answer.
* overdue now: reports still open and flagged overdue; satisfaction: satisfied ÷ rated.
* Hidden reports count (hiding is moderation of content, not of the work done on them).
* The ward league table ranks the wards *in charge* (reports routed to a ward) with at least
  ``LEAGUE_MIN_FINISHED`` finished reports, by on-time share, then satisfaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.cases import queries
from app.cases.kinds import case_type
from app.cases.models import OPEN_STATUSES, Case
from app.cases.permissions import scope_clause
from app.core.dates import parse_day
from app.extensions import db
from app.places.models import Agency, Ward
from app.reports import kind as _report_kind  # noqa: F401  (the report kind is registered)
from app.reports.models import Category, Report, UnitType

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# Hanoi keeps UTC+7 all year (no daylight saving), so SQLite can shift by a fixed offset.
HANOI_OFFSET_HOURS = 7
LEAGUE_MIN_FINISHED = 20
CACHE_SECONDS = 60
OPEN = tuple(OPEN_STATUSES)


# --- period and scope -------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def default(cls, today: date | None = None) -> Period:
        """The last 12 months: from the first day of the month 11 months ago to today."""
        today = today or datetime.now(HANOI).date()
        month = today.year * 12 + today.month - 1 - 11
        return cls(date(month // 12, month % 12 + 1, 1), today)

    @classmethod
    def parse(cls, start: str | None, end: str | None, today: date | None = None) -> Period:
        """From ``YYYY-MM-DD`` strings; a missing, malformed or out-of-range bound (see
        :mod:`app.core.dates`) falls back to the default."""
        default = cls.default(today)
        a, b = parse_day(start) or default.start, parse_day(end) or default.end
        return cls(min(a, b), max(a, b))

    def bounds(self) -> tuple[datetime, datetime]:
        """Half-open UTC bounds of the period in Hanoi time."""
        start = datetime.combine(self.start, datetime.min.time(), HANOI)
        end = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), HANOI)
        return start.astimezone(UTC), end.astimezone(UTC)

    def months(self) -> list[str]:
        first = self.start.year * 12 + self.start.month - 1
        last = self.end.year * 12 + self.end.month - 1
        return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]


@dataclass(frozen=True)
class Scope:
    """Which reports count: all of them (public, city admins), or an official's units."""

    key: Hashable = "city"
    clause: sa.ColumnElement | None = field(default=None, compare=False, hash=False)

    @property
    def is_city(self) -> bool:
        return self.clause is None

    @classmethod
    def of_user(cls, user) -> Scope:
        from app.auth.permissions import is_city_admin

        if is_city_admin(user):
            return cls()
        key = ("units", tuple(sorted(user.ward_ids)), tuple(sorted(user.agency_ids)))
        return cls(key, scope_clause(user))


CITY = Scope()


# --- figures ----------------------------------------------------------------------------

@dataclass
class Figures:
    received: int = 0
    resolved: int = 0
    rejected: int = 0
    finished: int = 0
    on_time: int = 0
    overdue: int = 0
    rated: int = 0
    satisfied: int = 0
    # Working hours.
    accept_median: float | None = None
    accept_p90: float | None = None
    resolve_median: float | None = None
    resolve_p90: float | None = None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.resolved if self.resolved else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


@dataclass
class Row:
    """Figures of one group: a ward, a category or a month."""

    key: int | str
    name: str
    name_en: str
    figures: Figures

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name


@dataclass
class Statistics:
    period: Period
    city: Figures
    wards: list[Row]
    categories: list[Row]
    months: list[Row]
    league: list[Row]
    not_ranked: list[Row]
    accounts: dict[str, int]


def _count_if(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, sa.literal_column("1")),
                                                else_=sa.literal_column("0"))), 0)


def _resolved(model) -> sa.ColumnElement[bool]:
    return sa.and_(model.resolved_at.is_not(None), model.reject_reason.is_(None))


def _count_columns(model) -> dict[str, sa.ColumnElement]:
    """The counted figures over ``model`` (``Case`` or a kind's model)."""
    resolved = _resolved(model)
    return {
        "received": sa.func.count(),
        "resolved": _count_if(resolved),
        "rejected": _count_if(model.reject_reason.is_not(None)),
        "finished": _count_if(model.resolved_at.is_not(None)),
        "on_time": _count_if(sa.and_(resolved, model.resolved_on_time.is_(True))),
        "overdue": _count_if(sa.and_(model.status.in_(OPEN), model.overdue_since.is_not(None))),
        "rated": _count_if(model.satisfied.is_not(None)),
        "satisfied": _count_if(model.satisfied.is_(True)),
    }


def _month_of(column) -> sa.ColumnElement:
    """The Hanoi-time month (``YYYY-MM``) of a UTC timestamp column, on either engine.

    Constants are literal SQL so that PostgreSQL sees the same expression in SELECT and
    GROUP BY (bound parameters would make them differ).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        local = sa.func.timezone(sa.literal_column("'Asia/Ho_Chi_Minh'"), column)
        return sa.func.to_char(local, sa.literal_column("'YYYY-MM'"))
    return sa.func.strftime(sa.literal_column("'%Y-%m'"), column,
                            sa.literal_column(f"'+{HANOI_OFFSET_HOURS} hours'"))


def _where(period: Period, scope: Scope, model=Report) -> list:
    start, end = period.bounds()
    clauses = [model.created_at >= start, model.created_at < end]
    if scope.clause is not None:
        clauses.append(scope.clause)
    return clauses


def _counts(group, where, model) -> dict:
    """{group key: Figures} with the counts filled in; the key is None without a group."""
    counted = _count_columns(model)
    columns = [c.label(name) for name, c in counted.items()]
    query = sa.select(*columns).select_from(model).where(*where)
    if group is not None:
        query = sa.select(group.label("g"), *columns).select_from(model).where(*where).group_by(group)
    result = {}
    for row in db.session.execute(query).mappings():
        result[row.get("g")] = Figures(**{name: int(row[name]) for name in counted})
    return result


def _percentiles(group, value, where, model, quantiles=(50, 90)) -> dict:
    """{group key: (value at each quantile in percent)} by linear interpolation (see above).

    Ranks come from ``ROW_NUMBER()`` and ``COUNT(*)`` over the group; the value at 0-based
    position ``p = q·(n−1)/100`` is ``x[⌊p⌋]·(1−f) + x[⌊p⌋+1]·f`` with ``f = p − ⌊p⌋``, in
    integer arithmetic (q in percent) so both engines round the same way.
    """
    key = group if group is not None else sa.literal_column("0")
    partition = {"partition_by": group} if group is not None else {}
    ranked = sa.select(
        key.label("g"), value.label("v"),
        (sa.func.row_number().over(order_by=value, **partition) - 1).label("r"),
        sa.func.count().over(**partition).label("n"),
    ).select_from(model).where(*where, value.is_not(None)).subquery()
    columns = []
    for q in quantiles:
        position = sa.literal_column(str(q)) * (ranked.c.n - 1)
        lower = position // 100
        fraction = position % 100
        columns.append(sa.func.sum(sa.case(
            (ranked.c.r == lower, ranked.c.v * (100 - fraction)),
            (ranked.c.r == lower + 1, ranked.c.v * fraction),
            else_=sa.literal_column("0"),
        )).label(f"q{q}"))
    query = sa.select(ranked.c.g, *columns).group_by(ranked.c.g)
    return {(row[0] if group is not None else None): tuple(float(x) / 100 for x in row[1:])
            for row in db.session.execute(query)}


def _grouped(group, where, model=Report) -> dict:
    figures = _counts(group, where, model)
    timings = {
        ("accept_median", "accept_p90"): _percentiles(group, model.accept_working_seconds, where, model),
        ("resolve_median", "resolve_p90"): _percentiles(
            group, model.resolve_working_seconds, [sa.and_(*where, _resolved(model))], model),
    }
    for names, values in timings.items():
        for key, seconds in values.items():
            target = figures.setdefault(key, Figures())
            for name, s in zip(names, seconds, strict=True):
                setattr(target, name, s / 3600)
    return figures


def _named(figures: dict, model, name_en: Callable) -> list[Row]:
    if not figures:
        return []
    objects = db.session.scalars(sa.select(model).where(model.id.in_(list(figures)))).all()
    rows = [Row(o.id, o.name, name_en(o), figures[o.id]) for o in objects]
    return sorted(rows, key=lambda r: (-r.figures.received, r.name))


def _league(figures: dict) -> tuple[list[Row], list[Row]]:
    rows = _named(figures, Ward, lambda w: w.name)
    ranked = [r for r in rows if r.figures.finished >= LEAGUE_MIN_FINISHED]
    ranked.sort(key=lambda r: (-(r.figures.on_time_share or 0), -(r.figures.satisfaction or 0),
                               -r.figures.finished, r.name))
    not_ranked = sorted((r for r in rows if r.figures.finished < LEAGUE_MIN_FINISHED),
                        key=lambda r: (-r.figures.finished, r.name))
    return ranked, not_ranked


def accounts() -> dict[str, int]:
    """Accounts by the way they last logged in: VNeID, phone, or never."""
    counts = {"vneid": 0, "phone": 0, "never": 0}
    rows = db.session.execute(sa.select(User.last_login_method, sa.func.count())
                              .where(User.active).group_by(User.last_login_method))
    for method, n in rows:
        key = method if method in counts else "never"
        counts[key] += n
    counts["total"] = sum(counts.values())
    return counts


def compute(period: Period, scope: Scope = CITY, kind: str | None = "report") -> Statistics:
    """The figures of the cases of ``kind`` received in ``period`` (every kind when None).

    Wards are where a report is; for other kinds (and all kinds together) the ward in charge.
    Categories exist only for field reports.
    """
    model = case_type(kind).model if kind else Case
    where = _where(period, scope, model)
    city = _grouped(None, where, model).get(None, Figures())
    location = model.ward_id if hasattr(model, "ward_id") else model.unit_ward_id
    wards = _named(_grouped(location, where, model), Ward, lambda w: w.name)
    categories = (_named(_grouped(model.category_id, where, model), Category, lambda c: c.name_en)
                  if hasattr(model, "category_id") else [])
    by_month = _grouped(_month_of(model.created_at), where, model)
    months = [Row(m, m, m, by_month.get(m, Figures())) for m in period.months()]
    league, not_ranked = _league(_grouped(
        model.unit_ward_id, [*where, model.unit_type == UnitType.WARD], model))
    return Statistics(period, city, wards, categories, months, league, not_ranked,
                      accounts() if scope.is_city else {})


# --- cache ------------------------------------------------------------------------------

_cache: dict[tuple, tuple[float, Statistics]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def statistics(period: Period, scope: Scope = CITY, kind: str | None = "report") -> Statistics:
    """:func:`compute`, cached per (period, scope, kind) for ``STATS_CACHE_SECONDS`` (60 s)."""
    ttl = current_app.config.get("STATS_CACHE_SECONDS", CACHE_SECONDS)
    key = (period, scope.key, kind)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
    result = compute(period, scope, kind)
    if ttl > 0:
        with _cache_lock:
            # Drop expired entries so that many different periods cannot pile up.
            for stale in [k for k, (expires, _) in _cache.items() if expires <= now]:
                del _cache[stale]
            _cache[key] = (now + ttl, result)
    return result


# --- reports list (public fields only) --------------------------------------------------

@dataclass(frozen=True)
class PublicReport:
    id: int
    created_at: datetime
    category: str
    category_en: str
    ward: str
    status: str
    level: str | None
    unit: str
    unit_en: str
    due_at: datetime | None
    resolved_at: datetime | None
    on_time: bool | None
    satisfied: bool | None


def public_reports(period: Period, scope: Scope = CITY, *, include_hidden: bool = False,
                   batch: int = 500) -> Iterator[PublicReport]:
    """The period's reports, oldest first, as public fields only (never who filed them).

    Streams in batches on the server side, for periods of any size.
    """
    location = aliased(Ward)
    unit_ward = aliased(Ward)
    query = (
        sa.select(
            Report.id, Report.created_at, Category.name, Category.name_en, location.name,
            Report.status, Report.level, unit_ward.name, Agency.name, Agency.name_en,
            sa.func.coalesce(Report.due_at, Report.resolve_due_at), Report.resolved_at,
            Report.resolved_on_time, Report.satisfied,
        )
        .join(Category, Category.id == Report.category_id)
        .outerjoin(location, location.id == Report.ward_id)
        .outerjoin(unit_ward, unit_ward.id == Report.unit_ward_id)
        .outerjoin(Agency, Agency.id == Report.unit_agency_id)
        .where(*_where(period, scope))
        .order_by(Report.id)
    )
    if not include_hidden:
        query = query.where(Report.hidden.is_(False))
    result = db.session.execute(query.execution_options(yield_per=batch))
    for (id_, created, cat, cat_en, ward, status, level, uward, agency, agency_en,
         due, resolved, on_time, satisfied) in result:
        yield PublicReport(id_, created, cat, cat_en, ward, status, level, uward or agency or "",
                           uward or agency_en or "", due, resolved, on_time, satisfied)


def overdue_reports(user, *, limit: int = 50):
    """The official's open cases past their deadline, most overdue first."""
    return queries.inbox(user, queries.InboxFilters(overdue=True), limit=limit)

