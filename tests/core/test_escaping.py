"""Point 8 of issue 10: a translated message never turns a parameter into markup.

Every kind of parameterised message is injected once: lazy form errors (422 pages), Python
`gettext` in flash messages, error pages with a detail, and `_()` inside templates.
"""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import gettext, lazy_gettext
from markupsafe import escape

from tests.conftest import csrf_token
from tests.reports.conftest import HOAN_KIEM

MARKUP = '"><img src=x onerror=alert(1)>'
ESCAPED = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"


def _safe(html: str) -> None:
    assert "<img src=x" not in html
    assert ESCAPED in html or "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_kind_of_message_escapes_its_parameters_when_rendered(app, lang):
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        lazy = lazy_gettext("No single ward matches “%(query)s”: choose one from the list.", query=MARKUP)
        eager = gettext("Key for %(name)s revoked.", name=MARKUP)
        assert str(escape(lazy)).count("&lt;img") == 1
        for html in (
            render_template_string("<p>{{ m }}</p>", m=lazy),
            render_template_string("<p>{{ m }}</p>", m=eager),
            render_template_string("<p>{{ _('Key for %(name)s revoked.', name=n) }}</p>", n=MARKUP),
            render_template_string("<p>{{ m|e }}</p>", m=lazy),
        ):
            _safe(html)
        # The translation itself stays text too: nothing of it is taken as markup.
        assert render_template_string("{{ m }}", m=lazy_gettext("Choose a date.")) in (
            "Choose a date.", "Vui lòng chọn ngày.") or "<" not in str(lazy_gettext("Choose a date."))


def test_transfer_search_is_escaped_in_the_422_page(app, client, make_user, login, make_report):
    official = make_user(role="ward_official", ward=HOAN_KIEM)
    report_id = make_report(make_user(), official_id=official)
    login(client, official)
    token = csrf_token(client, f"/console/reports/{report_id}")
    for lang in ("vi", "en"):
        client.set_cookie("lang", lang)
        response = client.post(f"/console/reports/{report_id}/transfer",
                               data={"csrf_token": token, "q": MARKUP, "ward_id": "", "reason": "Sai phường"})
        assert response.status_code == 422
        _safe(response.get_data(as_text=True))


def test_flash_with_an_admin_entered_name_is_escaped(client, make_user, login):
    login(client, make_user(role="city_admin"))
    token = csrf_token(client, "/admin/api-keys")
    response = client.post("/admin/api-keys", data={"csrf_token": token, "name": MARKUP})
    assert response.status_code == 200
    _safe(response.get_data(as_text=True))


def test_error_page_detail_is_escaped(app, client):
    """The sandbox's 400 page quotes the refused redirect URI (OAuth error texts allow no quote)."""
    from urllib.parse import urlencode

    query = urlencode({"response_type": "code", "client_id": app.config["DEV_IDP_CLIENT_ID"],
                       "redirect_uri": "http://127.0.0.1:9/<img src=x onerror=alert(1)>", "scope": "openid",
                       "code_challenge": "x" * 43, "code_challenge_method": "S256"})
    response = client.get("/dev-idp/authorize?" + query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<img src=x" not in html and "/&lt;img src=x onerror=alert(1)&gt;" in html
