"""WCAG 2.1 AA checks with axe-core (vendored, MPL-2.0) in Debian Chromium, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import log_in_as

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def data(app):
    """Demo people, categories and a few reports so every page has real content."""
    from app.demo.reports import seed_reports
    from app.demo.services import seed_people
    from app.extensions import db
    from app.reports.seed import load_categories

    with app.app_context():
        seed_people()
        load_categories()
        seed_reports(count=12)
        db.session.commit()
        report_id = db.session.scalar(sa.text("SELECT max(id) FROM reports"))
    return {"report_id": report_id}


def violations(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        "opts => axe.run(document, opts).then(r => r.violations.map(v => "
        "v.id + ': ' + v.help + ' @ ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))",
        {"runOnly": {"type": "tag", "values": TAGS}},
    )
    return result


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_public_and_citizen_pages_have_no_axe_violations(browser, live_server, data, lang):
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = context.new_page()
    found = {}
    for path in ("/", "/auth/login", "/reports", f"/reports/{data['report_id']}"):
        page.goto(path)
        found[path] = violations(page)
    log_in_as(page, "demo-citizen-lan")
    page.goto("/reports/new")
    found["/reports/new"] = violations(page)
    context.close()
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_console_inbox_has_no_axe_violations(browser, live_server, data, lang):
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = context.new_page()
    log_in_as(page, "demo-ward-hoankiem")
    page.goto("/console/")
    found = violations(page)
    context.close()
    assert found == []


def test_the_checker_catches_a_violation(browser):
    """Guard against a checker that silently finds nothing."""
    page = browser.new_page()
    page.set_content('<html lang="vi"><body><main><input type="text"><img src="x.png"></main></body></html>')
    found = violations(page)
    page.close()
    assert any(v.startswith("label") for v in found) and any(v.startswith("image-alt") for v in found)
