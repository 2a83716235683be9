"""Phone number + one-time SMS code login."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.phone import MAX_ATTEMPTS, normalise_phone
from app.extensions import db
from tests.conftest import csrf_token

PHONE = "+84912345678"
# Every way the number could leak: E.164, without the plus, national, bare subscriber number.
PHONE_FORMS = (PHONE, "84912345678", "0912345678", "912345678", "0912 345 678")


def start(client, phone: str = "0912 345 678", next_: str = "", **kwargs):
    token = csrf_token(client, "/")
    return client.post("/auth/phone", data={"phone": phone, "next": next_, "csrf_token": token},
                       **kwargs)


def last_code(app, phone: str = PHONE) -> str:
    from app.devidp.models import DevSmsMessage

    with app.app_context():
        body = db.session.scalars(
            sa.select(DevSmsMessage.body).where(DevSmsMessage.phone == phone)
            .order_by(DevSmsMessage.id.desc())
        ).first()
        db.session.remove()
    assert body is not None, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", body).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def verify(client, code: str, **kwargs):
    token = csrf_token(client, "/")
    return client.post("/auth/phone/verify", data={"code": code, "csrf_token": token}, **kwargs)


def logged_in_user_id(client) -> int | None:
    with client.session_transaction() as sess:
        key = sess.get("_user_id")
    return int(key.split(":")[0]) if key else None


def otp_rows(app):
    with app.app_context():
        rows = db.session.execute(sa.text("SELECT * FROM otp_codes ORDER BY id")).mappings().all()
        db.session.remove()
    return rows


def alerts(response) -> list[str]:
    return re.findall(r'role="alert">([^<]*)<', response.get_data(as_text=True))


@pytest.fixture
def en(client):
    client.set_cookie("lang", "en")
    return client


# --- normalisation -------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    "0912 345 678", "+84 912345678", "84912345678", "(091) 234-5678", "0912.345.678",
    " 0912345678 ", "+84912345678", "０９１２３４５６７８",
])
def test_vietnamese_formats_normalise_to_e164(raw):
    assert normalise_phone(raw) == PHONE


@pytest.mark.parametrize("raw, expected", [
    ("0862 345 678", "+84862345678"),
    ("0392345678", "+84392345678"),
    ("+84 70 234 5678", "+84702345678"),
])
def test_other_mobile_networks(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", [
    None, "", "   ", "abc", "12345", "0912345", "091234567890",
    "024 3825 1234",          # a Hanoi landline: cannot receive the SMS
    "+1 650 253 0000",        # not Vietnamese
    "+84 912 345 678 ext 9",  # an extension is not a mobile
    "0" * 60,
])
def test_invalid_numbers_are_refused(raw):
    assert normalise_phone(raw) is None


# --- the flow --------------------------------------------------------------------------------


def test_new_number_registers_at_level_1_and_logs_in(app, en):
    from app.audit.models import AuditEntry
    from app.auth.models import IdentityLevel, User

    response = start(en, next_="/account/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/phone/verify"
    page = en.get("/auth/phone/verify")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert '<label for="code">' in html
    assert "no-store" in page.headers["Cache-Control"]

    response = verify(en, last_code(app))
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/"
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.phone == PHONE))
        assert user.identity_level == IdentityLevel.PHONE
        assert user.last_login_method == "phone"
        login = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "auth.login"))
        assert login.details == {"method": "phone"} and login.actor_id == user.id
        user_id = user.id
        db.session.remove()
    assert logged_in_user_id(en) == user_id
    assert en.get("/account/").status_code == 200


def test_existing_account_logs_in_without_a_duplicate(app, client, make_user):
    from app.auth.models import User

    user_id = make_user(phone=PHONE, level=2)
    start(client, "+84 912 345 678")
    response = verify(client, last_code(app))
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert logged_in_user_id(client) == user_id
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
        assert db.session.get(User, user_id).identity_level == 2
        db.session.remove()


def test_offsite_next_is_ignored(app, client):
    start(client, next_="https://evil.example/phish")
    response = verify(client, last_code(app))
    assert response.headers["Location"] == "/"


def test_sms_text_is_in_the_visitors_language(app, client):
    from flask_babel import force_locale, gettext

    from app.devidp.models import DevSmsMessage

    start(client)
    client.set_cookie("lang", "en")
    start(client)
    with app.app_context():
        bodies = db.session.scalars(sa.select(DevSmsMessage.body).order_by(DevSmsMessage.id)).all()
        db.session.remove()
    msgid = "Your Capital Digital Citizen code is %(code)s. It expires in %(minutes)d minutes."
    with app.test_request_context(), force_locale("vi"):
        vietnamese = gettext(msgid, code="CODE", minutes=5)
    assert re.sub(r"\d{6}", "CODE", bodies[0]) == vietnamese
    assert re.sub(r"\d{6}", "CODE", bodies[1]) == "Your Capital Digital Citizen code is CODE. It expires in 5 minutes."


def test_invalid_number_shows_the_error_and_keeps_the_input(app, en):
    response = start(en, "024 3825 1234")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert alerts(response) == ["Enter a Vietnamese mobile phone number, for example 0912 345 678."]
    assert 'value="024 3825 1234"' in html
    assert 'aria-invalid="true"' in html and "phone-error" in html
    assert otp_rows(app) == []


def test_wrong_code_counts_an_attempt_and_does_not_log_in(app, en):
    from app.audit.models import AuditEntry

    start(en)
    code = last_code(app)
    response = verify(en, wrong(code))
    assert response.status_code == 422
    assert alerts(response) == [f"Wrong code. You can try {MAX_ATTEMPTS - 1} more times."]
    html = response.get_data(as_text=True)
    assert f'value="{wrong(code)}"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="code-error"' in html
    assert otp_rows(app)[0]["attempts"] == 1
    assert logged_in_user_id(en) is None
    assert en.get("/account/").status_code == 302
    with app.app_context():
        failure = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "auth.login_failed"))
        assert failure.details == {"method": "phone", "reason": "wrong"}
        db.session.remove()


def test_badly_formed_code_is_refused_without_using_an_attempt(app, en):
    start(en)
    response = verify(en, "12ab")
    assert response.status_code == 422
    assert alerts(response) == ["Enter the 6-digit code from the text message."]
    assert otp_rows(app)[0]["attempts"] == 0


def test_five_wrong_codes_lock_the_code(app, en):
    start(en)
    code = last_code(app)
    for _ in range(MAX_ATTEMPTS - 1):
        verify(en, wrong(code))
    response = verify(en, wrong(code))
    assert alerts(response) == ["Too many wrong codes. Please ask for a new code."]
    response = verify(en, code)
    assert response.status_code == 422
    assert alerts(response) == ["Too many wrong codes. Please ask for a new code."]
    assert logged_in_user_id(en) is None
    assert otp_rows(app)[0]["attempts"] == MAX_ATTEMPTS


def test_expired_code_is_refused(app, en):
    from app.auth.models import OtpCode
    from app.core.models import utcnow

    start(en)
    code = last_code(app)
    with app.app_context():
        db.session.execute(sa.update(OtpCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        db.session.remove()
    response = verify(en, code)
    assert response.status_code == 422
    assert alerts(response) == ["This code has expired. Please ask for a new code."]
    assert logged_in_user_id(en) is None


def test_code_works_only_once(app, client):
    start(client)
    code = last_code(app)
    with client.session_transaction() as sess:
        pending = dict(sess["phone_login"])
    assert verify(client, code).status_code == 303

    # Someone replays the same code with a copy of the pending session.
    other = client.application.test_client()
    other.set_cookie("lang", "en")
    token = csrf_token(other, "/")
    with other.session_transaction() as sess:
        sess["phone_login"] = pending
    response = other.post("/auth/phone/verify", data={"code": code, "csrf_token": token})
    assert response.status_code == 422
    assert alerts(response) == ["This code is no longer valid. Please ask for a new code."]
    assert logged_in_user_id(other) is None


def test_a_new_code_replaces_the_previous_one(app, en):
    start(en)
    first = last_code(app)
    start(en)
    second = last_code(app)
    if first != second:
        assert verify(en, first).status_code == 422
    assert verify(en, second).status_code == 303


def test_code_is_stored_only_as_a_hash(app, client):
    start(client)
    code = last_code(app)
    (row,) = otp_rows(app)
    assert re.fullmatch(r"[0-9a-f]{64}", row["code_hash"])
    assert all(code not in str(value) for value in row.values())
    assert row["expires_at"] is not None and row["attempts"] == 0


def test_inactive_account_cannot_log_in(app, en, make_user):
    from app.auth.models import User

    user_id = make_user(phone=PHONE)
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
        db.session.remove()
    start(en)
    response = verify(en, last_code(app))
    assert response.status_code == 422
    assert alerts(response) == ["This account has been disabled."]
    assert logged_in_user_id(en) is None


def test_verify_page_without_a_pending_number_goes_back_to_login(client):
    response = client.get("/auth/phone/verify")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login"


def test_htmx_gets_errors_inline_and_redirects_by_header(app, en):
    hx = {"HX-Request": "true", "HX-Boosted": "true"}
    response = start(en, headers=hx)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/auth/phone/verify"
    code = last_code(app)
    response = verify(en, wrong(code), headers=hx)
    # htmx swaps only 2xx responses: the error comes back as a whole page with 200.
    assert response.status_code == 200
    assert "<html" in response.get_data(as_text=True)
    assert alerts(response) == [f"Wrong code. You can try {MAX_ATTEMPTS - 1} more times."]
    assert otp_rows(app)[0]["attempts"] == 1
    response = verify(en, code, headers=hx)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/"


# --- personal data -------------------------------------------------------------------------


def test_phone_number_is_never_in_a_url_or_a_log(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    urls = []

    def track(response):
        for header in ("Location", "HX-Redirect"):
            if header in response.headers:
                urls.append(response.headers[header])
        return response

    track(start(client, next_="/account/"))
    page = client.get("/auth/phone/verify")
    urls.extend(re.findall(r'(?:href|action)="([^"]*)"', page.get_data(as_text=True)))
    code = last_code(app)
    track(verify(client, wrong(code)))
    track(verify(client, code, headers={"HX-Request": "true"}))
    track(client.get("/auth/phone/verify"))  # session cleared: back to the login page
    track(start(client, next_="/account/", headers={"HX-Request": "true"}))

    assert urls and "/auth/phone/verify" in urls
    for url in urls:
        for form in PHONE_FORMS:
            assert form.replace(" ", "") not in url.replace("%20", "").replace("+", "")
    assert caplog.records
    for record in caplog.records:
        message = record.getMessage()
        for form in PHONE_FORMS:
            assert form not in message, f"phone number in log: {record.name}"


# --- rate limits ---------------------------------------------------------------------------


def test_codes_per_number_are_limited_across_addresses_and_formats(app, client):
    formats = ["0912 345 678", "+84 912345678", "84912345678"]
    for n, phone in enumerate(formats):
        response = start(client, phone, environ_overrides={"REMOTE_ADDR": f"10.0.0.{n + 1}"})
        assert response.status_code == 303
    response = start(client, "(091) 234-5678", environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 429
    assert len(otp_rows(app)) == 3
    # Another number is not affected.
    assert start(client, "0987 654 321", environ_overrides={"REMOTE_ADDR": "10.0.0.9"}).status_code == 303


def test_codes_per_address_are_limited(app, client):
    for n in range(10):
        assert start(client, f"0912 000 {n:03d}").status_code == 303
    response = start(client, "0912 000 999")
    assert response.status_code == 429
    # Another address still can.
    assert start(client, "0912 000 999", environ_overrides={"REMOTE_ADDR": "10.9.9.9"}).status_code == 303


def test_typos_do_not_use_up_the_sending_limits(app, client):
    for _ in range(12):
        assert start(client, "12345").status_code == 422
    assert start(client).status_code == 303


def test_code_checks_per_address_are_limited(app, client):
    start(client)
    for _ in range(20):
        assert verify(client, "abc").status_code == 422
    assert verify(client, "abc").status_code == 429


def test_rate_limit_page_is_translated(app, client):
    client.set_cookie("lang", "en")
    for _ in range(3):
        start(client)
    response = start(client)
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)


# --- CSRF ----------------------------------------------------------------------------------


def test_sending_a_code_needs_the_csrf_token(app, client):
    response = client.post("/auth/phone", data={"phone": "0912 345 678"})
    assert response.status_code == 400
    assert otp_rows(app) == []


def test_checking_a_code_needs_the_csrf_token(app, client):
    start(client)
    code = last_code(app)
    response = client.post("/auth/phone/verify", data={"code": code})
    assert response.status_code == 400
    assert logged_in_user_id(client) is None
    assert otp_rows(app)[0]["used_at"] is None


# --- development outbox --------------------------------------------------------------------


def test_dev_outbox_shows_the_codes_sent(app, en):
    start(en)
    code = last_code(app)
    page = en.get("/auth/phone/verify").get_data(as_text=True)
    assert 'href="/dev/sms"' in page and "Development: see the codes sent" in page
    response = en.get("/dev/sms")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert code in html and PHONE in html
    assert "no-store" in response.headers["Cache-Control"]


def test_dev_outbox_lists_the_latest_twenty(app, client):
    from app.devidp.models import DevSmsMessage

    with app.app_context():
        db.session.add_all(DevSmsMessage(phone=PHONE, body=f"message {n:03d}") for n in range(25))
        db.session.commit()
        db.session.remove()
    html = client.get("/dev/sms").get_data(as_text=True)
    shown = re.findall(r"message (\d{3})", html)
    assert len(shown) == 20 and "024" in shown and "004" not in shown


@pytest.fixture
def production_app(tmp_path):
    """A production app; the extensions it re-initialises are put back for the other tests."""
    from app import create_app
    from app.core import jobs
    from app.extensions import limiter, oauth

    saved = (dict(vars(limiter)), dict(vars(jobs.huey)), jobs._app, getattr(oauth, "app", None))
    try:
        yield create_app({
            "APP_ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40,
            "DATA_KEY": "k" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/prod.db",
            "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://",
        })
    finally:
        vars(limiter).update(saved[0])
        vars(jobs.huey).update(saved[1])
        jobs._app = saved[2]
        oauth.app = saved[3]


def test_dev_outbox_does_not_exist_in_production(production_app):
    assert production_app.config["DEMO_TOOLS"] is False
    assert not any(rule.rule.startswith("/dev/") for rule in production_app.url_map.iter_rules())
    assert production_app.test_client().get("/dev/sms").status_code == 404
