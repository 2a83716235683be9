"""Statistics in plain words: times as working hours or days, empty months as one note."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale

from app.stats.routes import empty_months, within
from app.stats.services import Period, Row


def test_times_read_as_working_hours_then_days(app):
    with app.test_request_context(), force_locale("vi"):
        assert within(0.2) == "1 giờ làm việc"
        assert within(2.5) == "3 giờ làm việc"
        assert within(7.1) == "1 ngày làm việc"
        assert within(17) == "3 ngày làm việc"
        assert within(None) is None
    with app.test_request_context(), force_locale("en"):
        assert within(2.5) == "3 working hours" and within(24) == "3 working days"


def test_months_without_reports_are_one_note(app, client, data_set):
    rows = [Row(key=key, name="", name_en="", figures=None) for key in ("2026-03", "2026-06")]
    period = Period(date(2026, 1, 1), date(2026, 8, 31))
    assert empty_months(period, rows) == ["01/2026–02/2026", "04/2026–05/2026", "07/2026–08/2026"]
    client.set_cookie("lang", "vi")
    html = client.get("/stats?from=2026-01-01&to=2026-04-30").get_data(as_text=True)
    assert '<p class="stats-empty-months" id="empty-months">Không có phản ánh nào trong 01/2026.</p>' in html
