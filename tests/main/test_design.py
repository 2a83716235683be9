"""The design system (issue 11): tiles, navigation, badges, the deadline chip, the style page,
colour contrast of both schemes, the icon sprite, and where officials land after login."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template_string

from app.cases.models import Status
from tests.auth.test_phone import last_code, production_app, start, verify  # noqa: F401  (fixture)
from tests.reports.conftest import make_category, make_report  # noqa: F401  (fixtures)

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"
TEMPLATES = STATIC.parent / "templates"
CSS = (STATIC / "css" / "app.css").read_text()


def nav(html: str) -> str:
    return html[html.index('<nav class="tabbar"'):html.index("</nav>", html.index('<nav class="tabbar"'))]


# --- home tiles -------------------------------------------------------------------------------

EVERY_SERVICE = ["report", "feed", "ask", "procedures", "complaint", "health", "reception", "business",
                 "alerts", "surveys", "lookups", "stats"]


def test_home_has_a_tile_per_service_report_first_and_largest(client):
    client.set_cookie("lang", "vi")
    html = client.get("/").get_data(as_text=True)
    ids = re.findall(r'class="tile" href="[^"]+" id="action-([a-z]+)"', html)
    assert ids[0] == "report" and sorted(ids) == sorted(EVERY_SERVICE)
    first = html[html.index('class="tiles actions"'):]
    assert first.index('class="tile-primary"') < first.index('id="action-report"') < first.index("</li>")
    assert "Phản ánh, kiến nghị" in html and '#megaphone"' in html


def test_tiles_only_for_services_the_app_serves(app, client, monkeypatch):
    from app.main import tiles

    monkeypatch.setattr(tiles, "_TILES", dict(tiles._TILES))
    tiles.register_tile(tiles.Tile("ghost", "ghost.index", "Ghost service", "Not installed.", "info", 5))
    tiles.register_tile(tiles.Tile("health-check", "main.healthz", "Health", "Is it up?", "info", 5))
    html = client.get("/").get_data(as_text=True)
    assert 'id="action-ghost"' not in html and "Ghost service" not in html
    assert 'id="action-health-check"' in html and 'href="/healthz"' in html


# --- navigation ------------------------------------------------------------------------------

def test_visitors_tab_bar_home_reports_new_report_and_log_in(client):
    client.set_cookie("lang", "en")
    bar = nav(client.get("/").get_data(as_text=True))
    links = re.findall(r'<a href="([^"]+)"', bar)
    assert links == ["/", "/reports", "/reports/new", "/auth/login"]
    assert 'href="/" aria-current="page"' in bar and "Log in" in bar
    assert 'href="/reports/new" hx-boost="false"' in bar  # the form's scripts need a real load
    assert "/notifications" not in bar and "Console" not in client.get("/").get_data(as_text=True)


def test_tab_bar_of_a_citizen_counts_unread_notifications(app, client, make_user, login):
    from app.extensions import db
    from app.notifications.models import Notification

    user_id = make_user()
    with app.app_context():
        for n in range(3):
            db.session.add(Notification(user_id=user_id, kind="accepted", subject_type="case", subject_id=n + 1))
        db.session.commit()
    login(client, user_id)
    client.set_cookie("lang", "vi")
    bar = nav(client.get("/reports").get_data(as_text=True))
    links = re.findall(r'<a href="([^"]+)"', bar)
    assert links == ["/", "/reports", "/reports/new", "/notifications", "/account/"]
    assert 'href="/reports" aria-current="page"' in bar
    assert re.search(r'<span class="count" id="unread-count"><span aria-hidden="true">3</span>'
                     r'<span class="visually-hidden">3 chưa đọc</span>', bar)
    assert "Tài khoản của tôi" in bar
    assert 'form method="post" action="/auth/logout"' in client.get("/").get_data(as_text=True)


def test_officials_get_console_link_citizens_do_not(client, make_user, login):
    login(client, make_user(role="ward_official", ward="phuong_hoan_kiem"))
    assert 'href="/console/"' in client.get("/").get_data(as_text=True)
    login(client, make_user())
    assert 'href="/console/"' not in client.get("/").get_data(as_text=True)


# --- landing after login -------------------------------------------------------------------

def test_an_official_lands_on_the_console_after_login(app, client, make_user):
    make_user(role="ward_official", ward="phuong_hoan_kiem", phone="+84912345678")
    start(client)
    response = verify(client, last_code(app))
    assert response.status_code in (302, 303) and response.headers["Location"] == "/console/"


def test_a_citizen_lands_home_and_a_next_page_wins_for_officials(app, client, make_user):
    make_user(phone="+84912345678")
    start(client)
    assert verify(client, last_code(app)).headers["Location"] == "/"
    official = app.test_client()
    make_user(role="ward_official", ward="phuong_hoan_kiem", phone="+84912345679")
    start(official, "0912 345 679", next_="/reports")
    assert verify(official, last_code(app, "+84912345679")).headers["Location"] == "/reports"


# --- status badges and the deadline chip -----------------------------------------------------

def fake_case(status="accepted", due_at=None, overdue_since=None):
    return SimpleNamespace(id=7, status=status, is_open=status in ("submitted", "accepted"),
                           due_at=due_at, overdue_since=overdue_since)


def render_macro(app, lang: str, call: str, **context) -> str:
    source = '{% from "cases/_macros.html" import status_badge, deadline_chip %}' + call
    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        return render_template_string(source, **context)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_badge_for_every_status_with_its_own_style(app, lang):
    from app.cases.display import STATUS_LABELS

    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        labels = {s: str(STATUS_LABELS[s]) for s in Status}
    assert len(set(labels.values())) == len(Status)
    for status in Status:
        html = render_macro(app, lang, "{{ status_badge(case) }}", case=fake_case(status))
        assert f'<span class="status status-{status}">{labels[status]}</span>' in html
        assert re.search(rf"\.status-{status}\b[^{{]*\{{[^}}]*background", CSS), f"no style for {status}"
    assert "Đang xử lý" in render_macro(app, "vi", "{{ status_badge(case) }}", case=fake_case("accepted"))


# Monday 30 November 2026, 09:00 in Hanoi: one working hour into the week.
MONDAY_9 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
CHIPS = [
    # due, state, Vietnamese, English
    (datetime(2026, 11, 30, 5, 0, tzinfo=UTC), "soon", "Còn 3 giờ làm việc", "3 working hours left"),
    (datetime(2026, 12, 3, 2, 0, tzinfo=UTC), "ok", "Còn 3 ngày làm việc", "3 working days left"),
    # Thursday 09:00: Thursday 7 h + Friday 8 h + Monday 1 h = two working days late.
    (datetime(2026, 11, 26, 2, 0, tzinfo=UTC), "overdue", "Quá hạn 2 ngày làm việc", "Overdue by 2 working days"),
    # Friday 16:00: one hour on Friday, one on Monday morning.
    (datetime(2026, 11, 27, 9, 0, tzinfo=UTC), "overdue", "Quá hạn 2 giờ làm việc", "Overdue by 2 working hours"),
]


@pytest.mark.parametrize(("due", "state", "vi", "en"), CHIPS)
def test_deadline_chip_counts_working_time_in_both_languages(app, monkeypatch, due, state, vi, en):
    from app.cases import display

    monkeypatch.setattr(display, "utcnow", lambda: MONDAY_9)
    case = fake_case(due_at=due, overdue_since=due if state == "overdue" else None)
    for lang, text in (("vi", vi), ("en", en)):
        html = render_macro(app, lang, "{{ deadline_chip(case) }}", case=case)
        assert f'class="chip chip-deadline chip-{state}"' in html
        assert html.rstrip().endswith(f"{text}</span>"), html
        assert '#clock"' in html and 'aria-hidden="true"' in html


def test_no_chip_for_a_closed_case_or_one_without_deadline(app):
    for case in (fake_case("resolved", due_at=MONDAY_9), fake_case("accepted", due_at=None)):
        assert render_macro(app, "vi", "{{ deadline_chip(case) }}", case=case).strip() == ""


# --- lists as cards ---------------------------------------------------------------------------

def test_my_reports_and_home_show_cards_with_badge_and_chip(client, make_user, make_report, login):  # noqa: F811
    reporter = make_user()
    open_id = make_report(reporter, status="accepted", overdue=True)
    done_id = make_report(reporter, status="resolved")
    login(client, reporter)
    client.set_cookie("lang", "vi")
    mine = client.get("/reports/mine").get_data(as_text=True)
    assert "<table" not in mine and 'class="card-list" id="my-reports"' in mine
    assert f"#{open_id}" in mine and f"#{done_id}" in mine and "chip-overdue" in mine and "Quá hạn" in mine
    home = client.get("/").get_data(as_text=True)
    cards = home[home.index('id="open-cases"'):]
    assert f"#{open_id}</a>" in cards and f"#{done_id}</a>" not in cards  # only open cases
    assert "status-accepted" in cards and "chip-overdue" in cards


# --- the style page --------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "words"), [("vi", ["Hướng dẫn giao diện", "Chờ tiếp nhận", "Đã đóng"]),
                                             ("en", ["Style guide", "Awaiting acceptance", "Closed"])])
def test_style_page_renders_every_component_in_the_language(client, lang, words):
    client.set_cookie("lang", lang)
    response = client.get("/dev/ui")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{lang}">' in html
    for word in words:
        assert word in html
    for status in Status:
        assert f"status-{status}" in html
    for piece in ("chip-ok", "chip-soon", "chip-overdue", 'aria-invalid="true"', "flash-error", "empty-state",
                  'class="tabs"', 'class="timeline"', 'class="before-after"', 'role="img" aria-label='):
        assert piece in html, piece
    # The language switch comes back to this page.
    assert 'name="next" value="/dev/ui"' in html


def test_style_page_does_not_exist_in_production(production_app):  # noqa: F811
    assert production_app.test_client().get("/dev/ui").status_code == 404


# --- tokens: contrast in both schemes, hidden, focus ring ---------------------------------------

def tokens(block: str) -> dict[str, str]:
    found = re.findall(r"--([\w-]+):\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", block)
    return {name: "#" + (value if len(value) == 6 else "".join(c * 2 for c in value)) for name, value in found}


def schemes() -> dict[str, dict[str, str]]:
    light = tokens(CSS[CSS.index(":root {"):CSS.index("}", CSS.index(":root {"))])
    start_ = CSS.index("@media (prefers-color-scheme: dark)")
    dark = {**light, **tokens(CSS[start_:CSS.index("}", start_)])}
    return {"light": light, "dark": dark}


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


TEXT_PAIRS = [("ink", "bg"), ("ink", "card"), ("muted", "card"), ("muted", "bg"), ("red-dark", "card"),
              ("red-dark", "bg"), ("on-accent", "accent"), ("danger", "card"), ("ok", "card"), ("warn", "card"),
              ("ink", "surface-2"), *[(f"st-{s}", f"st-{s}-bg") for s in Status]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_both_colour_schemes_pass_contrast(scheme):
    colours = schemes()[scheme]
    colours.setdefault("white", "#ffffff")
    for fg, bg in TEXT_PAIRS:
        assert contrast(colours[fg], colours[bg]) >= 4.5, (scheme, fg, bg)
    assert contrast("#ffffff", colours["red"]) >= 4.5, "white text on the red header"
    # WCAG 1.4.11: the focus ring against the page, the cards and the red header.
    for bg in ("bg", "card"):
        assert contrast(colours["focus"], colours[bg]) >= 3, (scheme, "focus", bg)
    assert contrast(colours["focus-on-brand"], colours["red"]) >= 3, (scheme, "focus in the header")


def test_hidden_attribute_beats_display_rules_and_the_header_ring_is_white():
    assert "[hidden] { display: none !important; }" in CSS
    assert ".top :focus-visible { outline-color: var(--focus-on-brand); }" in CSS
    # On phones the tab bar is on the page's surface (though inside the header): the page's ring.
    phone = CSS[:CSS.index("@media (min-width: 48rem)")]
    assert ".top .tabbar a:focus-visible { outline-color: var(--focus);" in phone


# --- icons ----------------------------------------------------------------------------------

def test_every_icon_used_is_in_the_sprite_with_its_licence():
    sprite = (STATIC / "icons" / "sprite.svg").read_text()
    symbols = set(re.findall(r'<symbol id="([^"]+)"', sprite))
    used = set()
    for path in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"icon\('([\w-]+)'", path.read_text()))
    from app.main import tiles

    used |= {t.icon for t in tiles._TILES.values()}
    assert used and used <= symbols, used - symbols
    assert len(sprite.encode()) < 12_000
    assert "ISC License" in (STATIC / "icons" / "LICENSE.lucide").read_text()
