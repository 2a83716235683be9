"""Every main page as people see it: screenshots for review, and reflow at 320 px (WCAG 1.4.10).

The screenshots (360×740 and 1280×800, both languages, both colour schemes) go to ``SCREENSHOT_DIR``
(default ``test-artifacts/screens/`` in the repository, git-ignored); CI keeps them as artifacts.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.main_pages import LANGS, SCHEMES, css_path_script, seed_main_pages, storage_states, visit_each

SIZES = ((360, 740), (1280, 800))
REFLOW_WIDTH = 320

# What runs past a 320 px screen: the page itself, and every visible box that either scrolls
# sideways or reaches past the right edge without an ancestor clipping it. A data table's own
# scroll box (role=region, tabindex=0, around a table) may scroll; what is inside it is its content.
# Only the outermost box of each overflowing chain is named: that is the one to fix.
OVERFLOW = """(width) => {
""" + css_path_script() + """
  const isTableBox = el => el.getAttribute('role') === 'region' && el.getAttribute('tabindex') === '0'
    && el.querySelector('table') !== null;
  const scrolls = el => {
    const x = getComputedStyle(el).overflowX;
    return (x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1;
  };
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if (x !== 'visible' && a.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  const bad = new Map();
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (el.parentElement && el.parentElement.closest('[role=region][tabindex="0"]')
        && isTableBox(el.parentElement.closest('[role=region][tabindex="0"]'))) continue;
    if (scrolls(el) && !isTableBox(el)) {
      bad.set(el, `scrolls sideways (${el.scrollWidth} px of content in ${el.clientWidth} px)`);
    } else if (r.right > width + 1 && !clipped(el)) {
      bad.set(el, `reaches ${Math.round(r.right)} px`);
    }
  }
  const found = [];
  for (const [el, why] of bad) {
    let outer = true;
    for (let a = el.parentElement; a; a = a.parentElement) if (bad.has(a)) { outer = false; break; }
    if (outer) found.push(cssPath(el) + ' ' + why);
  }
  return {page: document.scrollingElement.scrollWidth, boxes: found.slice(0, 8)};
}
"""


def screenshot_dir() -> Path:
    default = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
    return Path(os.environ.get("SCREENSHOT_DIR") or default)


def test_screenshots_of_every_main_page_and_nothing_scrolls_sideways_at_320px(browser, live_server, app):
    pages = seed_main_pages(app)
    states = storage_states(browser, live_server, [p.role for p in pages])
    out = screenshot_dir()
    out.mkdir(parents=True, exist_ok=True)
    taken = []
    for lang in LANGS:
        for scheme in SCHEMES:
            for width, height in SIZES:
                for main, page in visit_each(browser, live_server, pages, states,
                                             lang=lang, scheme=scheme, width=width, height=height):
                    path = out / f"{main.name}-{lang}-{scheme}-{width}.png"
                    page.screenshot(path=str(path), full_page=True, animations="disabled")
                    taken.append(path)
    assert len(taken) == len(pages) * len(LANGS) * len(SCHEMES) * len(SIZES)
    assert all(p.stat().st_size > 1000 for p in taken)
    print(f"\n{len(taken)} screenshots in {out}")

    overflow = {}
    for lang in LANGS:
        for main, page in visit_each(browser, live_server, pages, states,
                                     lang=lang, scheme="light", width=REFLOW_WIDTH, height=740):
            found = page.evaluate(OVERFLOW, REFLOW_WIDTH)
            problems = ([f"the page is {found['page']} px wide"] if found["page"] > REFLOW_WIDTH else [])
            problems += found["boxes"]
            if problems:
                overflow[f"{main.path} ({lang})"] = problems
    assert overflow == {}, "runs past a 320 px screen:\n" + "\n".join(
        f"{where}: {'; '.join(problems)}" for where, problems in overflow.items())


def test_the_reflow_check_finds_a_wide_box_and_spares_a_table_scroll_box(browser):
    """Guard against a check that silently finds nothing, or flags what WCAG allows."""
    page = browser.new_page(viewport={"width": REFLOW_WIDTH, "height": 600})
    page.set_content("""<html lang="en"><body style="margin:0">
      <select id="wide" style="width:386px"><option>x</option></select>
      <div class="code" style="overflow-x:auto"><pre style="width:600px">long</pre></div>
      <div id="ok" role="region" tabindex="0" aria-label="t" style="overflow-x:auto">
        <table style="width:700px"><tr><td>cell</td></tr></table></div>
    </body></html>""")
    found = page.evaluate(OVERFLOW, REFLOW_WIDTH)
    page.close()
    assert found["page"] > REFLOW_WIDTH
    assert any(b.startswith("select#wide reaches 386") for b in found["boxes"]), found
    assert any(b.startswith("div.code") and "scrolls sideways" in b for b in found["boxes"]), found
    assert not any("#ok" in b or "table" in b for b in found["boxes"]), found
