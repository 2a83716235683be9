"""Statistics on a fixed data set with answers worked out by hand.

Working hours are Mon–Fri 08:00–12:00 and 13:00–17:00 (Hanoi). Monday 2 March 2026:

report  filed        accepted (to accept)   level   resolved (to resolve)   deadline      on time  rating
R1      Mon 08:00    Mon 09:00 (1 h)        urgent  Mon 11:00 (2 h)         Mon 14:00     yes      satisfied
R2      Mon 08:00    Mon 10:00 (2 h)        urgent  Mon 16:00 (5 h)         Mon 15:00     no       not satisfied
R3      Mon 08:00    Mon 11:00 (3 h)        normal  Tue 11:00 (8 h)         40 h later    yes      satisfied
R4      Mon 08:00    Tue 10:00 (10 h)       normal  Tue 11:00 (1 h)         40 h later    yes      —
R5      Mon 08:00    rejected Mon 09:00
R6      Mon 08:00    (Cửa Nam, category B) still waiting, overdue since Mon 17:00
R7      Wed 1 April 06:00 Hanoi (still 31 March in UTC; Cửa Nam, category B), waiting
R8      Sat 28 February 23:30 Hanoi: before the period

Linear interpolation, value at 0-based position q·(n−1) of the sorted values:
time to accept 1, 2, 3, 10 h → median 2.5 h, 90th percentile 3 + 0.7 × 7 = 7.9 h;
time to resolve 1, 2, 5, 8 h → median 3.5 h, 90th percentile 5 + 0.7 × 3 = 7.1 h.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.core.models import as_of
from app.extensions import db
from app.stats import services as stats
from app.stats.services import Period, Scope
from tests.stats.conftest import BA_DINH, CUA_NAM, HOAN_KIEM, at

MARCH_APRIL = Period(date(2026, 3, 1), date(2026, 4, 30))


def test_transitions_record_deadlines_and_working_time(app, data_set, report_of):
    r1, r2, r4, r5 = (report_of(data_set["ids"][n]) for n in ("R1", "R2", "R4", "R5"))
    assert r1.accept_working_seconds == 3600
    assert r1.resolve_working_seconds == 2 * 3600
    assert r1.resolve_due_at == at(3, 2, 14)
    assert r1.resolved_on_time is True
    assert r2.resolve_due_at == at(3, 2, 15)
    assert (r2.resolve_working_seconds, r2.resolved_on_time) == (5 * 3600, False)
    assert r4.accept_working_seconds == 10 * 3600
    assert r5.accept_working_seconds is None
    assert r5.resolve_working_seconds == 3600
    assert r5.resolve_due_at == at(3, 2, 17)  # the accept deadline it was answered within
    assert r5.resolved_on_time is True


def test_reopening_forgets_the_answer_timing(app, data_set, report_of):
    from app.auth.models import User
    from app.reports import services
    from app.reports.models import Report

    with app.app_context():
        report = db.session.get(Report, data_set["ids"]["R2"])
        reporter = db.session.get(User, report.reporter_id)
        with as_of(at(3, 5, 9)):
            services.request_reopen(report, reporter, "Vẫn còn hỏng")
        db.session.commit()
        db.session.remove()
    r2 = report_of(data_set["ids"]["R2"])
    assert (r2.resolve_due_at, r2.resolved_on_time, r2.resolve_working_seconds) == (None, None, None)
    assert r2.accept_working_seconds == 2 * 3600


def test_city_figures(app, data_set):
    with app.app_context():
        city = stats.compute(MARCH_APRIL).city
    assert (city.received, city.resolved, city.rejected, city.finished) == (7, 4, 1, 5)
    assert city.on_time == 3 and city.on_time_share == 0.75
    assert city.accept_median == pytest.approx(2.5)
    assert city.accept_p90 == pytest.approx(7.9)
    assert city.resolve_median == pytest.approx(3.5)
    assert city.resolve_p90 == pytest.approx(7.1)
    assert city.overdue == 1
    assert (city.rated, city.satisfied) == (3, 2)
    assert city.satisfaction == pytest.approx(2 / 3)


def test_period_bounds_are_in_hanoi_time(app, data_set):
    with app.app_context():
        march = stats.compute(Period(date(2026, 3, 1), date(2026, 3, 31))).city
        february = stats.compute(Period(date(2026, 2, 1), date(2026, 2, 28))).city
    # R7 was filed on 1 April in Hanoi (31 March in UTC); R8 on 28 February.
    assert march.received == 6
    assert february.received == 1


def test_figures_per_ward_category_and_month(app, data_set):
    with app.app_context():
        result = stats.compute(MARCH_APRIL)
    wards = {row.name: row.figures for row in result.wards}
    assert set(wards) == {"Phường Hoàn Kiếm", "Phường Cửa Nam"}
    hk, cn = wards["Phường Hoàn Kiếm"], wards["Phường Cửa Nam"]
    assert (hk.received, hk.resolved, hk.rejected, hk.on_time, hk.overdue) == (5, 4, 1, 3, 0)
    assert hk.accept_median == pytest.approx(2.5)
    assert (cn.received, cn.resolved, cn.overdue, cn.accept_median) == (2, 0, 1, None)

    categories = {row.name_en: row.figures for row in result.categories}
    assert categories["Broken road"].received == 5
    assert categories["Broken road"].resolve_median == pytest.approx(3.5)
    assert categories["Broken light"].received == 2
    assert categories["Broken light"].on_time_share is None

    months = [(row.key, row.figures.received, row.figures.resolved) for row in result.months]
    assert months == [("2026-03", 6, 4), ("2026-04", 1, 0)]
    assert result.months[0].figures.resolve_p90 == pytest.approx(7.1)


def test_scoped_to_an_officials_ward(app, data_set):
    from app.auth.models import User

    with app.app_context():
        official = db.session.get(User, data_set["cn_official"])
        result = stats.compute(MARCH_APRIL, Scope.of_user(official))
    assert result.city.received == 2
    assert [row.name for row in result.wards] == ["Phường Cửa Nam"]
    assert result.accounts == {}


def test_accounts_by_login_method(app, make_user):
    from app.auth.models import User

    ids = [make_user() for _ in range(4)]
    with app.app_context():
        for user_id, method in zip(ids, ("vneid", "vneid", "phone", None), strict=True):
            db.session.get(User, user_id).last_login_method = method
        db.session.commit()
        counts = stats.accounts()
    assert counts == {"vneid": 2, "phone": 1, "never": 1, "total": 4}


def test_league_ranks_only_wards_with_twenty_finished_reports(app, bulk_reports):
    filed = at(3, 10, 9)
    bulk_reports(HOAN_KIEM, 20, on_time=15, filed=filed)  # 75 % on time
    bulk_reports(CUA_NAM, 20, on_time=16, rejected=2, filed=filed)  # 16 of 18 resolved: 89 %
    bulk_reports(BA_DINH, 19, on_time=19, filed=filed)  # 100 %, but one report short
    with app.app_context():
        result = stats.compute(MARCH_APRIL)
    assert [(row.name, row.figures.finished) for row in result.league] == [
        ("Phường Cửa Nam", 20), ("Phường Hoàn Kiếm", 20)]
    assert [(row.name, row.figures.finished) for row in result.not_ranked] == [("Phường Ba Đình", 19)]
    assert result.league[0].figures.on_time_share == pytest.approx(16 / 18)


def test_percentiles_of_one_and_of_an_odd_count(app, bulk_reports):
    """One value is its own median; 1, 1, 1 h → 1 h (every rank holds the same value)."""
    bulk_reports(HOAN_KIEM, 1, on_time=1, filed=at(3, 10, 9))
    with app.app_context():
        city = stats.compute(MARCH_APRIL).city
    assert (city.accept_median, city.accept_p90, city.resolve_median) == (1.0, 1.0, 1.0)


def test_figures_are_cached_until_cleared(app, bulk_reports):
    def received() -> int:
        with app.app_context():
            count = stats.statistics(MARCH_APRIL).city.received
            db.session.remove()
        return count

    bulk_reports(HOAN_KIEM, 2, on_time=2, filed=at(3, 10, 9))
    assert received() == 2
    bulk_reports(HOAN_KIEM, 1, on_time=1, filed=at(3, 10, 9))
    assert received() == 2
    stats.clear_cache()
    assert received() == 3


def test_public_reports_leave_out_hidden_ones_and_personal_data(app, data_set):
    from app.auth.models import User
    from app.reports import services
    from app.reports.models import Report

    with app.app_context():
        report = db.session.get(Report, data_set["ids"]["R3"])
        services.set_hidden(report, db.session.get(User, data_set["hk_official"]), True, "Nội dung xấu")
        db.session.commit()
        rows = list(stats.public_reports(MARCH_APRIL))
        with_hidden = list(stats.public_reports(MARCH_APRIL, include_hidden=True))
    assert [r.id for r in rows] == [data_set["ids"][n] for n in ("R1", "R2", "R4", "R5", "R6", "R7")]
    assert len(with_hidden) == 7
    first = rows[0]
    assert (first.category, first.ward, first.unit, first.on_time, first.satisfied) == (
        "Đường hỏng", "Phường Hoàn Kiếm", "Phường Hoàn Kiếm", True, True)
    assert not hasattr(first, "reporter_id")


def test_default_period_is_the_last_twelve_months():
    period = Period.default(date(2026, 3, 15))
    assert (period.start, period.end) == (date(2025, 4, 1), date(2026, 3, 15))
    assert len(period.months()) == 12
    assert Period.parse("2026-04-30", "2026-03-01") == MARCH_APRIL
    assert Period.parse("nonsense", None, today=date(2026, 3, 15)) == period
