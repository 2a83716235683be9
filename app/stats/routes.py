"""Public statistics and their CSV exports; the officials' dashboard scoped to their units."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime

from flask import Response, abort, request, stream_with_context, url_for
from flask_babel import format_decimal, format_percent, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import require
from app.auth.permissions import can_use_console
from app.core.htmx import render
from app.core.pagecache import cached_page
from app.core.text import csv_line
from app.stats import bp, charts, officials_bp, services
from app.stats.services import HANOI, Figures, Period, Row, Scope, Statistics

EXPORT_KINDS = ("summary", "wards", "categories", "months")
FIGURE_COLUMNS = [
    "received", "resolved", "rejected", "finished", "resolved_on_time", "on_time_share",
    "accept_median_hours", "accept_p90_hours", "resolve_median_hours", "resolve_p90_hours",
    "overdue_now", "rated", "satisfied", "satisfaction_rate",
]
REPORT_COLUMNS = ["id", "created", "category", "ward", "status", "level", "unit", "due", "resolved",
                  "on_time", "satisfied"]


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale else "vi"


def share(value: float | None) -> str:
    return "–" if value is None else format_percent(value, "#,##0%")


def hours(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, "#,##0.#")


def within(value: float | None) -> str | None:
    """A time in working hours as a reader says it, rounded up: "3 working hours", "2 working
    days" (a working day is 8 working hours); None stays None."""
    if value is None:
        return None
    if math.ceil(value) < 8:
        return ngettext("%(num)d working hour", "%(num)d working hours", max(1, math.ceil(value)))
    return ngettext("%(num)d working day", "%(num)d working days", math.ceil(value / 8))


def speed_sentences(figures: Figures) -> list[tuple[str, str]]:
    """The four times of the figures in plain words: ``(element id, sentence)``."""
    words = [
        ("stat-accept-median", figures.accept_median, _("Half of the reports were accepted within %(time)s.")),
        ("stat-accept-p90", figures.accept_p90, _("9 in 10 reports were accepted within %(time)s.")),
        ("stat-resolve-median", figures.resolve_median, _("Half of the reports were resolved within %(time)s.")),
        ("stat-resolve-p90", figures.resolve_p90, _("9 in 10 reports were resolved within %(time)s.")),
    ]
    return [(key, (template % {"time": within(value)}) if value is not None else
             _("Not enough reports yet to say how fast they were accepted.") if "accept" in key else
             _("Not enough reports yet to say how fast they were resolved."))
            for key, value, template in words]


def empty_months(period: Period, rows: list[Row]) -> list[str]:
    """The months of the period missing from ``rows`` (the months with reports), runs of them
    joined: ``["01/2026–03/2026", "05/2026"]``."""
    filled = {row.key for row in rows}
    runs: list[list[str]] = []
    previous_empty = False
    for key in period.months():
        if key in filled:
            previous_empty = False
            continue
        if previous_empty:
            runs[-1].append(key)
        else:
            runs.append([key])
        previous_empty = True
    return [month_label(run[0]) if len(run) == 1 else f"{month_label(run[0])}–{month_label(run[-1])}"
            for run in runs]


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{int(month):02d}/{year}"


def _context(stats: Statistics, *, base_url: str, scoped: bool, **extra) -> dict:
    lang = _lang()
    # Months without a report are named in one note, not drawn as empty bars and zero rows.
    months = [m for m in stats.months if m.figures.received]
    month_chart = charts.grouped_bars(
        "chart-months", _("Reports received and resolved per month"),
        [month_label(m.key) for m in months],
        [(_("Received"), "bar-received", [m.figures.received for m in months]),
         (_("Resolved"), "bar-resolved", [m.figures.resolved for m in months])])
    category_chart = charts.share_bars(
        "chart-categories", _("Share resolved on time per category"),
        [(c.display_name(lang), c.figures.on_time_share) for c in stats.categories],
        empty=_("no resolved reports"))
    return {
        "stats": stats, "period": stats.period, "lang": lang, "base_url": base_url, "scoped": scoped,
        "month_chart": month_chart, "category_chart": category_chart, "share": share, "hours": hours,
        "month_label": month_label, "league_min": services.LEAGUE_MIN_FINISHED,
        "speed": speed_sentences(stats.city), "months": months, "empty_months": empty_months(stats.period, months),
        "export_kinds": EXPORT_KINDS, **extra,
    }


def _period() -> Period:
    return Period.parse(request.args.get("from"), request.args.get("to"))


# --- CSV --------------------------------------------------------------------------------

def _csv_response(lines: Iterator[str], filename: str) -> Response:
    """Stream the lines; generators get the language up front, since the request's session
    (and its user) is closed by the time they run."""

    def body():
        # A byte order mark so that Excel reads the file as UTF-8 (Vietnamese names).
        yield "\ufeff"
        yield from lines

    response = Response(stream_with_context(body()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _figure_values(f: Figures) -> list:
    return [f.received, f.resolved, f.rejected, f.finished, f.on_time, _number(f.on_time_share, 4),
            _number(f.accept_median), _number(f.accept_p90), _number(f.resolve_median),
            _number(f.resolve_p90), f.overdue, f.rated, f.satisfied, _number(f.satisfaction, 4)]


def _figures_csv(stats: Statistics, kind: str, lang: str) -> Iterator[str]:
    period = stats.period
    if kind == "summary":
        yield csv_line(["from", "to", *FIGURE_COLUMNS])
        yield csv_line([period.start.isoformat(), period.end.isoformat(), *_figure_values(stats.city)])
        return
    rows: list[Row] = {"wards": stats.wards, "categories": stats.categories, "months": stats.months}[kind]
    key = {"wards": "ward", "categories": "category", "months": "month"}[kind]
    yield csv_line([f"{key}_id" if kind != "months" else key, *([key] if kind != "months" else []),
                     *FIGURE_COLUMNS])
    for row in rows:
        names = [row.display_name(lang)] if kind != "months" else []
        yield csv_line([row.key, *names, *_figure_values(row.figures)])


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(HANOI).isoformat(timespec="minutes")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _reports_csv(period: Period, scope: Scope, include_hidden: bool, lang: str) -> Iterator[str]:
    yield csv_line(REPORT_COLUMNS)
    for r in services.public_reports(period, scope, include_hidden=include_hidden):
        yield csv_line([
            r.id, _iso(r.created_at), r.category_en if lang == "en" else r.category, r.ward, r.status,
            r.level or "", r.unit_en if lang == "en" else r.unit, _iso(r.due_at), _iso(r.resolved_at),
            _yes_no(r.on_time), _yes_no(r.satisfied)])


def _filename(prefix: str, period: Period) -> str:
    return f"{prefix}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"


def _export_figures(scope: Scope, prefix: str):
    kind = request.args.get("kind", "summary")
    if kind not in EXPORT_KINDS:
        abort(400)
    stats = services.statistics(_period(), scope)
    return _csv_response(_figures_csv(stats, kind, _lang()), _filename(f"{prefix}-{kind}", stats.period))


def _export_reports(scope: Scope, prefix: str, include_hidden: bool):
    period = _period()
    return _csv_response(_reports_csv(period, scope, include_hidden, _lang()), _filename(prefix, period))


# --- public -----------------------------------------------------------------------------

@bp.get("")
@cached_page("stats", "categories", "places", "holidays")
def dashboard():
    stats = services.statistics(_period())
    return render("stats/dashboard.html", **_context(stats, base_url=url_for("stats.dashboard"), scoped=False,
                                                     export_url=url_for("stats.export_figures"),
                                                     reports_url=url_for("stats.export_reports")))


@bp.get("/export.csv")
def export_figures():
    return _export_figures(services.CITY, "stats")


@bp.get("/reports.csv")
def export_reports():
    return _export_reports(services.CITY, "reports", include_hidden=False)


# --- officials --------------------------------------------------------------------------

@officials_bp.get("", endpoint="dashboard")
@require(can_use_console)
def dashboard_officials():
    scope = Scope.of_user(current_user)
    stats = services.statistics(_period(), scope)
    return render("stats/console.html", **_context(
        stats, base_url=url_for("console_stats.dashboard"), scoped=not scope.is_city,
        export_url=url_for("console_stats.export_figures"),
        reports_url=url_for("console_stats.export_reports"),
        overdue=services.overdue_reports(current_user)))


@officials_bp.get("/export.csv", endpoint="export_figures")
@require(can_use_console)
def export_figures_officials():
    return _export_figures(Scope.of_user(current_user), "unit-stats")


@officials_bp.get("/reports.csv", endpoint="export_reports")
@require(can_use_console)
def export_reports_officials():
    # Officials see their hidden reports in the console too, so they are in their export.
    return _export_reports(Scope.of_user(current_user), "unit-reports", include_hidden=True)
