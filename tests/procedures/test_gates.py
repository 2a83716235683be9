"""Identity levels on every route of the public services: a visitor (level 0), a phone account
(level 1) and an identity-verified account (level 2)."""

from __future__ import annotations

import pytest

# path, what a visitor gets, a level-1 account, a level-2 account (a citizen with no role).
ROUTES = [
    ("/procedures", 200, 200, 200),
    ("/procedures/{birth}", 200, 200, 200),
    ("/procedures/new", 302, 403, 403),
    ("/procedures/{birth}/edit", 302, 403, 403),
    ("/procedures/{birth}/history", 302, 403, 403),
    ("/procedures/complaints/new", 302, 403, 200),
    ("/procedures/complaints", 302, 200, 200),
    ("/health-book", 200, 403, 200),
    ("/ask", 200, 200, 200),
    ("/ask?q=lam+the+can+cuoc", 200, 200, 200),
    ("/ask/questions", 302, 200, 200),
    ("/console/faq", 302, 403, 403),
    ("/console/faq/new", 302, 403, 403),
]


@pytest.mark.parametrize(("path", "visitor", "phone", "verified"), ROUTES)
def test_identity_levels(client, procedures, make_user, login, path, visitor, phone, verified):
    path = path.format(birth=procedures["birth"])
    response = client.get(path)
    assert response.status_code == visitor
    if visitor == 302:
        assert "/auth/login" in response.headers["Location"]
    login(client, make_user(level=1))
    assert client.get(path).status_code == phone
    login(client, make_user(level=2))
    assert client.get(path).status_code == verified


def test_posts_need_their_level(client, procedures):
    for path in ("/procedures/complaints/new", "/ask/questions", "/console/faq/new", "/procedures/new"):
        response = client.post(path, data={})
        # CSRF refuses a form without its token before anything else; with one, visitors log in.
        assert response.status_code in (302, 400)
