"""Point 9 of issue 10 (masking): phone and ID numbers typed into public text are masked on the
public pages; the console shows officials the original."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests.reports.conftest import HOAN_KIEM

PHONE, PHONE_MASKED = "0912 345 678", "•••• ••• 678"
INTL, INTL_MASKED = "+84 987.654.321", "+84 •••.•••.321"
CCCD, CCCD_MASKED = "001190012345", "•••••••••345"


@pytest.fixture
def question_category(make_category):
    return make_category("contact_road", questions=[{"code": "contact", "label": "Liên hệ", "label_en": "Contact",
                                             "kind": "text"}])


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_public_report_page_masks_every_free_text_field(app, client, make_user, make_report, login,
                                                         question_category):
    from app.auth.models import User
    from app.reports import services
    from app.reports.models import Report

    reporter = make_user()
    official = make_user(role="ward_official", ward=HOAN_KIEM)
    rated = make_report(reporter, status="resolved", official_id=official, category_id=question_category,
                        description=f"Ổ gà to, gọi tôi {PHONE} nhé", address=f"Ngõ 5, SĐT {INTL}",
                        answers={"contact": f"CCCD {CCCD}"}, answer=f"Đã vá, hỏi thêm {PHONE}")
    reopened = make_report(reporter, status="resolved", official_id=official)
    rejected = make_report(reporter, status="rejected", official_id=official,
                           reject_text=f"Gọi đường dây nóng {INTL} để được hướng dẫn")
    with app.app_context():
        user = db.session.get(User, reporter)
        services.rate(db.session.get(Report, rated), user, False, f"Chưa ổn, gọi {PHONE}")
        services.request_reopen(db.session.get(Report, reopened), user, f"Vẫn hỏng, liên hệ {INTL}")
        db.session.commit()
        db.session.remove()

    for viewer in (None, reporter, official):
        if viewer is not None:
            login(client, viewer)
        page = _page(client, f"/reports/{rated}")
        for original in (PHONE, INTL, CCCD):
            assert original not in page
        # Description, answer and rating comment, each also in the timeline but the description.
        assert page.count(PHONE_MASKED) == 5, re.findall(".{60}" + PHONE_MASKED, page)
        assert INTL_MASKED in page and CCCD_MASKED in page
        page = _page(client, f"/reports/{reopened}")
        assert INTL not in page and INTL_MASKED in page
        page = _page(client, f"/reports/{rejected}")
        assert INTL not in page and INTL_MASKED in page

    feed = _page(client, "/reports")
    assert PHONE not in feed and PHONE_MASKED in feed

    login(client, official)
    console = _page(client, f"/console/reports/{rated}")
    assert PHONE in console and INTL in console and CCCD in console
    assert INTL in _page(client, f"/console/reports/{reopened}")
