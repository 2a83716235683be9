"""WCAG 2.1 AA checks with axe-core (vendored, MPL-2.0) in Debian Chromium: every main page in both
languages, both colour schemes, at a phone's width and a laptop's."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.main_pages import LANGS, SCHEMES, seed_main_pages, storage_states, visit_each

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    """axe's WCAG 2.1 A and AA violations on the page, one line each: rule, help, first nodes."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate(
        "opts => axe.run(document, opts).then(r => r.violations.map(v => "
        "v.id + ': ' + v.help + ' @ ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))",
        {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]},
    )
    return result


# Phone and desktop widths: 390 px is a common phone, 1280 px a laptop.
WIDTHS = ((390, 844), (1280, 800))


def test_every_main_page_has_no_axe_violations(browser, live_server, app):
    """Every main page (and the style page where there is one), in both languages, both colour
    schemes, at a phone's and a laptop's width: one seeding, one login per role."""
    pages = seed_main_pages(app)
    states = storage_states(browser, live_server, [p.role for p in pages])
    found = {}
    for lang in LANGS:
        for scheme in SCHEMES:
            for width, height in WIDTHS:
                for main, page in visit_each(browser, live_server, pages, states, lang=lang, scheme=scheme,
                                             width=width, height=height, init_script=AXE, bypass_csp=True):
                    result = violations(page)
                    if result:
                        found[f"{main.path} ({lang}, {scheme}, {width} px)"] = result
    assert found == {}, f"axe violations on {len(found)} page runs:\n" + "\n".join(
        f"{where}: {'; '.join(result)}" for where, result in found.items())


def test_the_checker_catches_a_violation(browser):
    """Guard against a checker that silently finds nothing."""
    page = browser.new_page()
    page.set_content('<html lang="vi"><body><main><input type="text"><img src="x.png"></main></body></html>')
    found = violations(page)
    page.close()
    assert any(v.startswith("label") for v in found) and any(v.startswith("image-alt") for v in found)
