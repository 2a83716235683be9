"""The main pages of the product, as the screenshot, reflow and axe browser tests visit them.

One seeding of demo content and one login per role per test: a test builds its browser contexts
(language × colour scheme × width) from the saved storage states instead of logging in again.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tests.e2e.conftest import log_in_as

LANGS = ("vi", "en")
SCHEMES = ("light", "dark")
# Who sees each page: a visitor, or the demo identity the VNeID sandbox logs in as.
ROLES = {
    "citizen": "demo-citizen-lan",
    "official": "demo-ward-hoankiem",
    "admin": "demo-admin",
}


@dataclass(frozen=True)
class MainPage:
    name: str  # short and file-name safe: it names the screenshots
    role: str | None  # a key of ROLES, or None for a visitor
    path: str


def seed_main_pages(app) -> list[MainPage]:
    """Demo content on every service (a smaller set of field reports than ``flask demo seed``),
    then the main pages with the ids of the objects they show. Takes a few seconds."""
    from app.answers.seed import seed as seed_answers
    from app.auth.models import OidcIdentity, User
    from app.demo.alerts_surveys import seed_alerts, seed_surveys
    from app.demo.lookups import seed_lookups
    from app.demo.reception_business import seed_reception_and_business
    from app.demo.reports import seed_reports
    from app.demo.services import seed_people, seed_ward_centres
    from app.extensions import db
    from app.places import services as places
    from app.procedures.seed import load_procedures, seed_demo_complaint
    from app.reports.models import Report
    from app.reports.seed import load_categories

    with app.app_context():
        seed_people()
        seed_ward_centres()
        load_categories()
        seed_reports(count=30)
        load_procedures()
        seed_answers()
        lan = db.session.scalar(sa.select(User).join(OidcIdentity).where(OidcIdentity.subject == "demo-citizen-lan"))
        seed_demo_complaint(lan)
        seed_reception_and_business()
        seed_alerts()
        seed_surveys()
        seed_lookups()
        db.session.commit()
        hoan_kiem = places.ward_by_codename("phuong_hoan_kiem").id
        # The richest report: the last one resolved (photos before and after, a timeline).
        report_id = db.session.scalar(sa.select(Report.id).where(Report.resolved_at.is_not(None))
                                      .order_by(Report.id.desc()).limit(1))
        case_id = db.session.scalar(sa.select(Report.id).where(Report.unit_ward_id == hoan_kiem)
                                    .order_by(Report.id.desc()).limit(1))
        db.session.remove()
        # The living style page of the design system, where this app has it (development and tests).
        style = [MainPage("style", None, "/dev/ui")] if "dev_ui.style_page" in app.view_functions else []
    return [
        *style,
        MainPage("home", None, "/"),
        MainPage("login", None, "/auth/login"),
        MainPage("home-citizen", "citizen", "/"),
        MainPage("feed", None, "/reports"),
        MainPage("report", None, f"/reports/{report_id}"),
        MainPage("new-report", "citizen", "/reports/new"),
        MainPage("my-reports", "citizen", "/reports/mine"),
        MainPage("notifications", "citizen", "/notifications"),
        MainPage("account", "citizen", "/account/"),
        MainPage("stats", None, "/stats"),
        MainPage("console-inbox", "official", "/console/"),
        MainPage("console-case", "official", f"/console/reports/{case_id}"),
        MainPage("admin-audit", "admin", "/admin/audit"),
        MainPage("procedures", None, "/procedures"),
        MainPage("procedure-complaints", "citizen", "/procedures/complaints"),
        MainPage("answers", "citizen", "/ask"),
        MainPage("reception", "citizen", "/reception/"),
        MainPage("business", "citizen", "/business/"),
        MainPage("alerts", None, "/alerts"),
        MainPage("surveys", "citizen", "/surveys"),
        MainPage("lookups", None, "/lookups/"),
    ]


def storage_states(browser, live_server, roles) -> dict[str | None, dict]:
    """Log in once per role through the sandbox; the cookies each later context starts with."""
    states: dict[str | None, dict] = {None: {"cookies": [], "origins": []}}
    for role in sorted({r for r in roles if r is not None}):
        context = browser.new_context(base_url=live_server)
        page = context.new_page()
        log_in_as(page, ROLES[role])
        states[role] = context.storage_state()
        context.close()
    return states


def visit_each(browser, live_server, pages, states, *, lang: str, scheme: str, width: int, height: int,
               init_script: str | None = None, **options):
    """Open every main page in one browser context (one language, colour scheme and viewport),
    changing only the cookies between roles; yields ``(main_page, page)`` once each has loaded.
    ``init_script`` runs in every page before its own scripts; ``options`` go to ``browser.new_context``."""
    context = browser.new_context(base_url=live_server, color_scheme=scheme, service_workers="block",
                                  viewport={"width": width, "height": height},
                                  locale="vi-VN" if lang == "vi" else "en-GB", **options)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    role: object = object()
    try:
        for main in sorted(pages, key=lambda p: p.role or ""):
            if main.role != role:
                role = main.role
                context.clear_cookies()
                context.add_cookies([*states[role]["cookies"],
                                     {"name": "lang", "value": lang, "url": live_server}])
            response = page.goto(main.path)
            assert response is not None and response.ok, f"{main.path}: {response and response.status}"
            yield main, page
    finally:
        context.close()


def css_path_script() -> str:
    """JavaScript statement declaring ``cssPath(el)``, a short selector that names an element in a
    report; to be placed inside the body of the function given to ``page.evaluate``."""
    return """
    function cssPath(el) {
      const parts = [];
      for (; el && el !== document.body && parts.length < 4; el = el.parentElement) {
        let part = el.localName;
        if (el.id) { parts.unshift(part + '#' + el.id); break; }
        const cls = [...el.classList].slice(0, 2).join('.');
        if (cls) part += '.' + cls;
        const same = el.parentElement ? [...el.parentElement.children].filter(c => c.localName === el.localName) : [];
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(el) + 1) + ')';
        parts.unshift(part);
      }
      return parts.join(' > ');
    }
    """
