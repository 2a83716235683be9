"""The statistics pages, their CSV exports and the officials' scoped dashboard."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest

from tests.stats.conftest import HOAN_KIEM

PERIOD = "from=2026-03-01&to=2026-04-30"


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("lang, heading", [("en", "Report statistics"), ("vi", None)])
def test_public_page_shows_figures_charts_and_tables(client, data_set, lang, heading):
    client.set_cookie("lang", lang)
    response = client.get(f"/stats?{PERIOD}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    if heading:
        assert heading in html
    assert re.search(r'<dd id="stat-received">7</dd>', html)
    assert re.search(r'<dd id="stat-on-time">75\s?%</dd>', html)
    # Times in plain words: median 2.5 h to accept, 90th percentile 7.1 h to resolve.
    if lang == "vi":
        assert '<li id="stat-accept-median">Một nửa số phản ánh được tiếp nhận trong vòng 3 giờ làm việc.</li>' in html
        assert '<li id="stat-resolve-p90">9 trên 10 phản ánh được xử lý trong vòng 1 ngày làm việc.</li>' in html
        assert "phân vị" not in html
    else:
        assert '<li id="stat-accept-median">Half of the reports were accepted within 3 working hours.</li>' in html
        assert '<li id="stat-resolve-p90">9 in 10 reports were resolved within 1 working day.</li>' in html
        assert "percentile" not in html
    # Each data table sits in a scroll box that a keyboard can reach and that has a name.
    boxes = re.findall(r'<div class="table-scroll"[^>]*>', html)
    assert len(boxes) == 3 and all('tabindex="0"' in b and 'role="region"' in b and "aria-label=" in b
                                   for b in boxes)
    assert html.count('<svg class="chart"') == 2
    assert html.count('role="img"') == 2
    assert "<title" in html and "<table" in html
    assert "style=" not in html
    assert "Phường Hoàn Kiếm" in html and "Phường Cửa Nam" in html
    assert "03/2026" in html and "04/2026" in html


def test_public_page_works_with_no_reports_and_bad_dates(client, app):
    client.set_cookie("lang", "en")
    response = client.get("/stats?from=garbage&to=2026-13-45")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "No ward has enough finished reports in this period yet." in html


def test_home_links_to_statistics(client, app):
    assert 'href="/stats"' in client.get("/").get_data(as_text=True)


def test_export_summary_csv(client, data_set):
    response = client.get(f"/stats/export.csv?kind=summary&{PERIOD}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:8] == ["from", "to", "received", "resolved", "rejected", "finished", "resolved_on_time",
                           "on_time_share"]
    summary = dict(zip(rows[0], rows[1], strict=True))
    assert summary["received"] == "7"
    assert summary["on_time_share"] == "0.7500"
    assert summary["accept_median_hours"] == "2.50"
    assert summary["accept_p90_hours"] == "7.90"
    assert summary["resolve_median_hours"] == "3.50"
    assert summary["overdue_now"] == "1"
    assert summary["satisfaction_rate"] == "0.6667"


def test_export_wards_categories_and_months(client, data_set):
    wards = _csv(client.get(f"/stats/export.csv?kind=wards&{PERIOD}"))
    assert wards[0][:4] == ["ward_id", "ward", "received", "resolved"]
    assert [(r[1], r[2]) for r in wards[1:]] == [("Phường Hoàn Kiếm", "5"), ("Phường Cửa Nam", "2")]
    client.set_cookie("lang", "en")
    categories = _csv(client.get(f"/stats/export.csv?kind=categories&{PERIOD}"))
    assert [(r[1], r[2]) for r in categories[1:]] == [("Broken road", "5"), ("Broken light", "2")]
    months = _csv(client.get(f"/stats/export.csv?kind=months&{PERIOD}"))
    assert [(r[0], r[1], r[2]) for r in months[1:]] == [("2026-03", "6", "4"), ("2026-04", "1", "0")]
    assert client.get("/stats/export.csv?kind=people").status_code == 400


def test_reports_csv_has_public_fields_only_and_no_hidden_reports(app, client, data_set):
    from app.auth.models import User
    from app.extensions import db
    from app.reports import services
    from app.reports.models import Report

    with app.app_context():
        report = db.session.get(Report, data_set["ids"]["R3"])
        services.set_hidden(report, db.session.get(User, data_set["hk_official"]), True, "Nội dung xấu")
        reporter = db.session.get(User, report.reporter_id)
        reporter_name, reporter_phone = reporter.full_name, reporter.phone
        db.session.commit()
        db.session.remove()
    response = client.get(f"/stats/reports.csv?{PERIOD}")
    text = response.get_data().decode("utf-8-sig")
    rows = _csv(response)
    assert rows[0] == ["id", "created", "category", "ward", "status", "level", "unit", "due", "resolved",
                       "on_time", "satisfied"]
    ids = data_set["ids"]
    assert [int(r[0]) for r in rows[1:]] == [ids[n] for n in ("R1", "R2", "R4", "R5", "R6", "R7")]
    assert rows[1] == [str(ids["R1"]), "2026-03-02T08:00+07:00", "Đường hỏng", "Phường Hoàn Kiếm", "closed",
                       "urgent", "Phường Hoàn Kiếm", "2026-03-02T14:00+07:00", "2026-03-02T11:00+07:00",
                       "yes", "yes"]
    assert rows[2][9:] == ["no", "no"]
    assert reporter_name not in text and reporter_phone not in text
    assert "Phản ánh" not in text  # descriptions are not exported


def test_officials_dashboard_is_scoped_to_their_ward(client, login, data_set):
    client.set_cookie("lang", "en")
    login(client, data_set["hk_official"])
    response = client.get(f"/console/stats?{PERIOD}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<dd id="stat-received">5</dd>' in html
    assert "Phường Cửa Nam" not in html
    assert "No report of your units is overdue." in html
    assert 'id="accounts-vneid"' not in html
    rows = _csv(client.get(f"/console/stats/export.csv?kind=summary&{PERIOD}"))
    assert rows[1][2] == "5"
    reports = _csv(client.get(f"/console/stats/reports.csv?{PERIOD}"))
    assert len(reports) == 1 + 5


def test_officials_dashboard_lists_their_overdue_reports(client, login, data_set):
    client.set_cookie("lang", "en")
    login(client, data_set["cn_official"])
    html = client.get(f"/console/stats?{PERIOD}").get_data(as_text=True)
    assert '<dd id="stat-received">2</dd>' in html
    assert f'<a href="/console/reports/{data_set["ids"]["R6"]}">#{data_set["ids"]["R6"]}</a>' in html
    assert "Phường Hoàn Kiếm" not in html


def test_inbox_links_to_the_officials_dashboard(client, login, make_user):
    login(client, make_user(role="ward_official", ward=HOAN_KIEM))
    assert 'href="/console/stats"' in client.get("/console/").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/console/stats", "/console/stats/export.csv", "/console/stats/reports.csv"])
def test_officials_dashboard_is_for_officials(client, login, make_user, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    login(client, make_user())
    assert client.get(path).status_code == 403


def test_city_admin_sees_every_ward(client, login, make_user, data_set):
    login(client, make_user(role="city_admin"))
    html = client.get(f"/console/stats?{PERIOD}").get_data(as_text=True)
    assert '<dd id="stat-received">7</dd>' in html
    assert "Phường Cửa Nam" in html and "Phường Hoàn Kiếm" in html


def test_agency_official_sees_no_ward_reports(client, login, make_user, data_set):
    login(client, make_user(role="agency_official", agency="transport"))
    html = client.get(f"/console/stats?{PERIOD}").get_data(as_text=True)
    assert '<dd id="stat-received">0</dd>' in html
    assert "Phường Cửa Nam" not in html and "Phường Hoàn Kiếm" not in html


def test_csv_exports_neutralise_admin_entered_names_that_look_like_formulas(app, client, make_user, make_category,
                                                                           make_report, login):
    """Every export goes through core's CSV cells: a category named by an admin as a formula
    reaches the spreadsheet as text, in the public and in the officials' exports."""
    from datetime import UTC

    from app.stats.services import HANOI

    formula = '=HYPERLINK("http://evil.example";"Ổ gà")'
    category = make_category("formula", name=formula, name_en="@SUM(1+1)")
    official = make_user(role="ward_official", ward=HOAN_KIEM)
    make_report(make_user(), category_id=category, created_at=datetime.now(UTC))
    login(client, official)
    # Periods are Hanoi days (UTC+7): the report's day there, whatever the hour of the run.
    today = datetime.now(UTC).astimezone(HANOI).date().isoformat()
    period = f"from={today}&to={today}"
    for path in ("/stats/reports.csv", "/console/stats/reports.csv", "/stats/export.csv?kind=categories",
                 "/console/stats/export.csv?kind=categories"):
        for lang in ("vi", "en"):
            client.set_cookie("lang", lang)
            rows = _csv(client.get(f"{path}{'&' if '?' in path else '?'}{period}"))
            cells = [cell for row in rows for cell in row]
            assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], (path, lang)
            assert ("'" + formula if lang == "vi" else "'@SUM(1+1)") in cells, (path, lang, rows)


def test_the_period_reads_in_the_one_date_format(client, app):
    """Issue 11, item 7: dd/mm/yyyy everywhere, not CLDR's medium "1 thg 12, 2025"."""
    html = client.get("/stats?from=2026-01-05&to=2026-02-28", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "05/01/2026" in html and "28/02/2026" in html and "thg" not in html
