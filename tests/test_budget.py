"""The low-bandwidth budget (issue 4, item 6): a visitor's first visit on a slow phone connection.

Measured with compression on, as a browser asks for it. Per page: the HTML ≤ 14 KB (one round trip of
TCP slow start); HTML plus every same-origin stylesheet, script, icon and manifest it links ≤ 60 KB
(report photos excluded: they are the content); JavaScript ≤ 25 KB; every <img> sized; no web fonts.
Scripts loaded on demand (Leaflet, when the map is opened) are not referenced by the page, so they do
not count.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.reports.conftest import make_category, make_report  # noqa: F401  (fixtures)

KB = 1024
HTML_BUDGET = 14 * KB
TOTAL_BUDGET = 60 * KB
JS_BUDGET = 25 * KB
ACCEPT = {"Accept-Encoding": "br, gzip", "Accept": "text/html,*/*;q=0.8"}
# Photos of reports are the page's content, paid for only when scrolled to (lazy) and not by the budget.
PHOTO_PREFIX = "/reports/photos/"
FONT_FILE = re.compile(r"\.(woff2?|ttf|otf|eot)(\?|$)", re.I)
# Link relations a browser fetches on a first visit.
FETCHED_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "manifest", "preload", "modulepreload"}

DESCRIPTION = ("Ổ gà rất lớn ở giữa làn xe máy trước số {n} phố Hàng Bài, sâu khoảng mười lăm phân, "
               "trời mưa đọng nước nên không nhìn thấy; tối qua đã có hai người ngã xe. Đề nghị phường "
               "cho rào tạm và vá lại mặt đường sớm. Đoạn này gần trường tiểu học, giờ tan học rất đông.")


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.assets: list[tuple[str, str]] = []  # (kind, url)
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("href"):
            rels = set((a.get("rel") or "").lower().split())
            if rels & FETCHED_RELS:
                kind = "style" if "stylesheet" in rels else "script" if "modulepreload" in rels else "link"
                self.assets.append((kind, a["href"]))
        elif tag == "script" and a.get("src"):
            self.assets.append(("script", a["src"]))
        elif tag == "img":
            self.images.append(a)
            if a.get("src"):
                self.assets.append(("image", a["src"]))


@dataclass
class Measure:
    url: str
    html: int = 0
    files: dict[str, int] = field(default_factory=dict)  # url -> bytes on the wire
    js: int = 0
    images: list[dict] = field(default_factory=list)
    css: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.html + sum(self.files.values())

    def report(self) -> str:
        files = ", ".join(f"{u.split('?')[0]} {n / KB:.1f}" for u, n in self.files.items())
        return (f"{self.url}: HTML {self.html / KB:.1f} KB, JS {self.js / KB:.1f} KB, "
                f"total {self.total / KB:.1f} KB [{files}]")


def same_origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("", "http", "https") and parts.netloc in ("", "localhost") and parts.path.startswith("/"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def wire_size(response) -> int:
    # The test client hands over the body as sent: compressed when Content-Encoding says so.
    return len(response.get_data())


def measure(client, url: str) -> Measure:
    response = client.get(url, headers=ACCEPT)
    assert response.status_code == 200, url
    assert response.headers.get("Content-Encoding") in ("br", "gzip"), f"{url} is not compressed"
    m = Measure(url, html=wire_size(response))
    page = Page()
    page.feed(client.get(url).get_data(as_text=True))  # the same page, uncompressed, to read it
    m.images = page.images
    for kind, href in page.assets:
        path = same_origin(href)
        m.links.append(href)
        if path is None or path.startswith(PHOTO_PREFIX) or path in m.files:
            continue
        asset = client.get(path, headers=ACCEPT)
        assert asset.status_code == 200, path
        m.files[path] = wire_size(asset)
        if kind == "script":
            m.js += m.files[path]
        if kind == "style":
            m.css.append(client.get(path).get_data(as_text=True))
    return m


@pytest.fixture
def pages(app, client, make_user, make_report):  # noqa: F811  (the fixture imported above)
    """A feed of twenty reports with photos, some handled; the report page is a resolved one."""
    reporter = make_user(name="Trần Thị Bích Ngọc")
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    ids = []
    for n in range(20):
        status = "resolved" if n % 7 == 0 else "accepted" if n % 3 == 0 else "submitted"
        ids.append(make_report(reporter, status=status, official_id=official if status != "submitted" else None,
                               description=DESCRIPTION.format(n=n + 1), show_name=n % 2 == 0,
                               address=f"Số {n + 1} phố Hàng Bài, Hoàn Kiếm", photos=2 if n % 4 else 1))
    page = make_report(reporter, status="resolved", official_id=official, description=DESCRIPTION.format(n=99) * 3,
                       address="Số 99 phố Hàng Bài, Hoàn Kiếm", show_name=True, photos=3, result_photos=2)
    return ["/", "/reports", f"/reports/{page}"]


def test_first_visit_fits_the_low_bandwidth_budget(client, pages):
    # A visitor on a phone: first visit, nothing cached.
    for url in pages:
        m = measure(client, url)
        report = m.report()
        print(report)
        assert m.html <= HTML_BUDGET, f"HTML over {HTML_BUDGET / KB:.0f} KB: {report}"
        assert m.js <= JS_BUDGET, f"JavaScript over {JS_BUDGET / KB:.0f} KB: {report}"
        assert m.total <= TOTAL_BUDGET, f"transfer over {TOTAL_BUDGET / KB:.0f} KB: {report}"
        unsized = [i.get("src") for i in m.images if not (i.get("width") and i.get("height"))]
        assert not unsized, f"{url}: images without width and height (layout shift): {unsized}"
        fonts = [h for h in m.links if FONT_FILE.search(h)]
        assert not fonts, f"{url}: web fonts linked: {fonts}"
        assert not any("@font-face" in css for css in m.css), f"{url}: @font-face in a stylesheet"
        assert not any(FONT_FILE.search(u) for css in m.css for u in re.findall(r"url\(([^)]*)\)", css)), \
            f"{url}: a stylesheet loads a font file"


def test_the_feed_and_report_page_show_photos(client, pages):
    # The budget is only meaningful if the pages really carry what a visitor sees.
    for url in pages[1:]:
        html = client.get(url).get_data(as_text=True)
        assert PHOTO_PREFIX in html, url


def test_map_scripts_load_only_when_the_map_is_opened(client, pages):
    # lazy-leaflet.js is the small loader; the library itself is named only in data attributes.
    page = Page()
    page.feed(client.get("/reports").get_data(as_text=True))
    assert not [url for _, url in page.assets if "vendor/leaflet/" in url]


def test_service_worker_install_keeps_the_first_visit_in_budget(client, pages):
    """The worker installs during the first visit and precaches files: those bytes count too
    (minus what the page itself already fetched, which the browser's HTTP cache serves)."""
    m = measure(client, "/")
    sw = client.get("/sw.js", headers=ACCEPT)
    assert sw.status_code == 200
    source = client.get("/sw.js").get_data(as_text=True)
    precache = re.search(r"PRECACHE\s*=\s*(\[[^\]]*\])", source)
    assert precache, "the service worker's PRECACHE list was not found"
    urls = json.loads(precache.group(1)) + re.findall(r"importScripts\(\s*['\"]([^'\"]+)['\"]", source)
    extra = {"/sw.js": wire_size(sw)}
    for url in urls:
        path = same_origin(url)
        if path and path not in m.files and path not in extra:
            extra[path] = wire_size(client.get(path, headers=ACCEPT))
    total = m.total + sum(extra.values())
    detail = ", ".join(f"{u.split('?')[0]} {n / KB:.1f}" for u, n in extra.items())
    print(f"/ with the worker's install: {total / KB:.1f} KB [{detail}]")
    assert total <= TOTAL_BUDGET, f"first visit with the worker's install {total / KB:.1f} KB: {detail}"
