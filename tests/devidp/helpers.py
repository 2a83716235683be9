"""Driving the VNeID sandbox like a browser would, for the provider and the client tests."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

LAN = {
    "sub": "demo-citizen-lan", "name": "Nguyễn Thị Lan", "cccd": "001190012345",
    "birthdate": "1990-04-12", "gender": "female", "phone_number": "+84912000001",
    "label": "Citizen",
}
MINH = {
    "sub": "demo-citizen-minh", "name": "Trần Văn Minh", "cccd": "001085067890",
    "birthdate": "1985-09-30", "gender": "male", "phone_number": "+84912000002",
    "label": "Citizen",
}
CALLBACK = "http://localhost/auth/vneid/callback"


def seed_identities(app, *identities: dict) -> None:
    from app.devidp import store

    with app.app_context():
        store.upsert_identities(list(identities or (LAN, MINH)))


def path_of(url: str) -> str:
    """The path and query of an absolute URL: the test client serves every host."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes: str | None) -> str:
    """``url`` with query parameters replaced (a value of None removes the parameter)."""
    parts = urlsplit(url)
    query = query_of(url)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def form_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def choose_identity(client, authorize_url: str, sub: str | None = LAN["sub"]) -> str:
    """Open the sandbox's page and pick ``sub`` (None: press cancel); returns the redirect."""
    page = client.get(path_of(authorize_url))
    assert page.status_code == 200, page.get_data(as_text=True)
    data = {"csrf_token": form_csrf(page.get_data(as_text=True))}
    data.update({"sub": sub} if sub else {"action": "deny"})
    response = client.post(path_of(authorize_url), data=data)
    assert response.status_code == 302
    return response.headers["Location"]
