"""The inbox in pages: a "next page" link carries the keyset cursor and the filters, no JavaScript needed."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.console.test_routes import citizen, count, hk_official, rows, sign_in  # noqa: F401  (fixtures)
from tests.reports.conftest import CUA_NAM


@pytest.fixture
def small_pages(monkeypatch):
    from app.console import routes

    monkeypatch.setattr(routes, "INBOX_LIMIT", 2)


def link(html: str, text: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}</a>', html)
    return html_lib.unescape(match.group(1)) if match else None


def test_next_page_links_walk_the_inbox_by_deadline(client, sign_in, citizen, hk_official, make_report,  # noqa: F811
                                                   small_pages):
    base = datetime.now(UTC) + timedelta(days=1)
    ids = [make_report(citizen, photos=0, due_at=base + timedelta(hours=h)) for h in (3, 1, 4, 1, 5)]
    make_report(citizen, photos=0, ward=CUA_NAM)
    by_deadline = [ids[1], ids[3], ids[0], ids[2], ids[4]]  # equal deadlines: by number
    sign_in(hk_official)

    first = client.get("/console/").get_data(as_text=True)
    assert rows(first) == by_deadline[:2]
    assert link(first, "First page (earliest deadlines)") is None
    second_url = link(first, "Next page")
    assert second_url and "after=" in second_url

    second = client.get(second_url).get_data(as_text=True)
    assert rows(second) == by_deadline[2:4]
    assert count(second, "status=submitted") == 5  # the counts cover every page
    assert link(second, "First page (earliest deadlines)") == "/console/"

    third = client.get(link(second, "Next page")).get_data(as_text=True)
    assert rows(third) == by_deadline[4:]
    assert link(third, "Next page") is None


def test_the_next_page_keeps_the_filters(client, sign_in, citizen, hk_official, make_report, small_pages):  # noqa: F811
    accepted = [make_report(citizen, photos=0, status="accepted", level="urgent") for _ in range(3)]
    make_report(citizen, photos=0)
    sign_in(hk_official)
    first = client.get("/console/?status=accepted&level=urgent").get_data(as_text=True)
    next_url = link(first, "Next page")
    assert "status=accepted" in next_url and "level=urgent" in next_url
    second = client.get(next_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in second  # the filter form's htmx swap gets the table alone
    assert sorted(rows(first) + rows(second)) == sorted(accepted)


def test_a_broken_cursor_shows_the_first_page(client, sign_in, citizen, hk_official, make_report,  # noqa: F811
                                              small_pages):
    ids = [make_report(citizen, photos=0) for _ in range(3)]
    sign_in(hk_official)
    for bad in ("x", "1.2.3", "-4", "9" * 60):
        assert rows(client.get(f"/console/?after={bad}").get_data(as_text=True)) == ids[:2]


def test_paging_links_in_vietnamese(client, sign_in, citizen, hk_official, make_report, small_pages):  # noqa: F811
    for _ in range(3):
        make_report(citizen, photos=0)
    sign_in(hk_official)
    client.set_cookie("lang", "vi")
    first = client.get("/console/").get_data(as_text=True)
    second = client.get(link(first, "Trang sau")).get_data(as_text=True)
    assert len(rows(second)) == 1 and link(second, "Trang đầu (hạn xử lý sớm nhất)") == "/console/"


def test_the_caption_counts_every_page_not_only_this_one(client, sign_in, citizen, hk_official, make_report,  # noqa: F811
                                                        small_pages):
    for _ in range(5):
        make_report(citizen, photos=0)
    make_report(citizen, photos=0, ward=CUA_NAM)  # another ward: not his
    sign_in(hk_official)
    first = client.get("/console/").get_data(as_text=True)
    assert "5 reports, earliest deadline first · 2 on this page" in first
    second = client.get(link(first, "Next page")).get_data(as_text=True)
    assert "5 reports, earliest deadline first · 2 on this page" in second
    # A filter the counters are not keyed by (the level): the page's own count.
    assert "on this page" not in client.get("/console/?level=urgent").get_data(as_text=True)
