"""Web Push: opting a device in and out, and encrypted delivery to a local push service."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from app import create_app
from app.auth.models import User
from app.extensions import db
from app.push.models import PushSubscription
from app.reports import services as reports
from app.reports.models import Report
from tests.conftest import csrf_token


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushService:
    """A stand-in for a browser vendor's push service: records POSTs, answers with a set status."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status: dict[str, int] = {}
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                recorder.requests.append({"path": self.path, "headers": headers, "body": body})
                self.send_response(recorder.status.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.close()


class Browser:
    """A browser's side of a subscription: its ECDH key pair and auth secret, as PushManager makes them."""

    def __init__(self, endpoint: str):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.endpoint = endpoint
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        self.subscription = {"endpoint": endpoint, "expirationTime": None,
                             "keys": {"p256dh": b64(point), "auth": b64(self.auth_secret)}}

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret,
                                 version="aes128gcm")
        return json.loads(plain)


def subscribe(client, subscription, token=None):
    token = token if token is not None else csrf_token(client, "/")
    return client.post("/push/subscribe", json=subscription, headers={"X-CSRFToken": token})


def unsubscribe(client, endpoint):
    return client.post("/push/unsubscribe", json={"endpoint": endpoint},
                       headers={"X-CSRFToken": csrf_token(client, "/")})


def rows(app) -> list[tuple[int, str]]:
    with app.app_context():
        result = [(s.user_id, s.endpoint) for s in db.session.scalars(
            sa.select(PushSubscription).order_by(PushSubscription.id))]
        db.session.remove()
    return result


def accept(app, report_id: int, official_id: int) -> None:
    with app.app_context():
        reports.accept(db.session.get(Report, report_id), db.session.get(User, official_id), "normal")
        db.session.commit()
        db.session.remove()


def set_locale(app, user_id: int, locale: str | None) -> None:
    with app.app_context():
        db.session.get(User, user_id).locale = locale
        db.session.commit()
        db.session.remove()


# --- opting in and out ----------------------------------------------------------------------

def test_public_key_is_an_uncompressed_p256_point(client):
    response = client.get("/push/key")
    assert response.status_code == 200
    key = base64.urlsafe_b64decode(response.json["publicKey"] + "==")
    assert len(key) == 65 and key[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key)


def test_subscribe_stores_one_row_per_endpoint_and_unsubscribe_removes_it(app, client, make_user, login):
    user = make_user()
    login(client, user)
    browser = Browser("https://fcm.googleapis.com/fcm/send/abc123")
    assert subscribe(client, browser.subscription).status_code == 201
    # The browser sends its subscription again (new keys after a refresh): still one row.
    again = Browser(browser.endpoint)
    assert subscribe(client, again.subscription).status_code == 201
    assert rows(app) == [(user, browser.endpoint)]
    with app.app_context():
        sub = db.session.scalar(sa.select(PushSubscription))
        assert sub.p256dh == again.subscription["keys"]["p256dh"]
        assert sub.auth == again.subscription["keys"]["auth"]
        db.session.remove()

    assert unsubscribe(client, browser.endpoint).status_code == 204
    assert rows(app) == []
    assert unsubscribe(client, browser.endpoint).status_code == 404


def test_an_endpoint_of_another_account_is_never_moved_to_this_one(app, client, make_user, login):
    """Someone who knows (or guessed) an endpoint, without the browser's keys: refused, and the
    owner keeps getting their notifications."""
    first, second = make_user(), make_user()
    browser = Browser("https://web.push.apple.com/QGx0aW5n")
    login(client, first)
    assert subscribe(client, browser.subscription).status_code == 201
    login(client, second)
    other_keys = Browser(browser.endpoint)
    response = subscribe(client, other_keys.subscription)
    assert response.status_code == 409
    assert rows(app) == [(first, browser.endpoint)]


def test_a_shared_phone_stops_pushing_for_the_previous_account(app, client, make_user, login):
    """The same browser (its keys prove it) now used by another account: the old account's row
    goes, nothing is moved, and the browser is told to make a new subscription."""
    first, second = make_user(), make_user()
    browser = Browser("https://web.push.apple.com/QGx0aW5n")
    login(client, first)
    assert subscribe(client, browser.subscription).status_code == 201
    login(client, second)
    assert subscribe(client, browser.subscription).status_code == 409
    assert rows(app) == []
    fresh = Browser("https://web.push.apple.com/bmV3LXN1Yg")
    assert subscribe(client, fresh.subscription).status_code == 201
    assert rows(app) == [(second, fresh.endpoint)]


def logout(client):
    return client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})


def test_logout_removes_this_browsers_subscription_on_the_server(app, make_user, login):
    user = make_user()
    phone, computer = app.test_client(), app.test_client()
    login(phone, user)
    login(computer, user)
    on_phone = Browser("https://fcm.googleapis.com/fcm/send/phone")
    on_computer = Browser("https://updates.push.services.mozilla.com/wpush/v2/computer")
    assert subscribe(phone, on_phone.subscription).status_code == 201
    assert subscribe(computer, on_computer.subscription).status_code == 201

    assert logout(phone).status_code == 303
    assert rows(app) == [(user, on_computer.endpoint)]


def test_logout_on_all_devices_removes_every_subscription(app, make_user, login):
    user, other = make_user(), make_user()
    phone, computer, elsewhere = app.test_client(), app.test_client(), app.test_client()
    login(phone, user)
    login(computer, user)
    login(elsewhere, other)
    assert subscribe(phone, Browser("https://fcm.googleapis.com/fcm/send/1").subscription).status_code == 201
    assert subscribe(computer, Browser("https://fcm.googleapis.com/fcm/send/2").subscription).status_code == 201
    kept = Browser("https://fcm.googleapis.com/fcm/send/3")
    assert subscribe(elsewhere, kept.subscription).status_code == 201
    response = phone.post("/account/logout-everywhere", data={"csrf_token": csrf_token(phone, "/account/")})
    assert response.status_code == 303
    assert rows(app) == [(other, kept.endpoint)]


def test_after_logout_no_push_reaches_the_phone(app, client, make_user, make_report, login, push_service):
    """The issue's story: subscribe, log out, an official accepts the report: nothing arrives."""
    reporter = make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    report_id = make_report(reporter)
    login(client, reporter)
    assert subscribe(client, Browser(f"{push_service.base}/push/lan").subscription).status_code == 201
    logout(client)
    accept(app, report_id, official)
    assert push_service.requests == []


def test_subscribing_needs_login(app, client):
    browser = Browser("https://fcm.googleapis.com/fcm/send/visitor")
    response = subscribe(client, browser.subscription)
    assert response.status_code == 401
    assert unsubscribe(client, browser.endpoint).status_code == 401
    assert rows(app) == []


def test_subscribing_needs_the_csrf_header(app, client, make_user, login):
    login(client, make_user())
    browser = Browser("https://fcm.googleapis.com/fcm/send/nocsrf")
    assert client.post("/push/subscribe", json=browser.subscription).status_code == 400
    assert subscribe(client, browser.subscription, token="forged").status_code == 400
    assert rows(app) == []


INTERNAL_ENDPOINTS = [
    "https://127.1:5198/x", "https://127.0.0.1/x", "https://0x7f.0.0.1/x", "https://0x7f000001/x",
    "https://2130706433/x", "https://017700000001/x", "https://0177.0.0.1/x", "https://127.000.000.001/x",
    "https://0/x", "https://0.0.0.0/x", "https://10.0.0.5/x", "https://10.1/x", "https://172.16.0.1/x",
    "https://192.168.1.1/x", "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/x",
    "https://224.0.0.1/x", "https://240.0.0.1/x", "https://255.255.255.255/x", "https://8.8.8.8/x",
    "https://[::1]/x", "https://[::]/x", "https://[::ffff:127.0.0.1]/x", "https://[::ffff:7f00:1]/x",
    "https://[::127.0.0.1]/x", "https://[64:ff9b::a9fe:a9fe]/x", "https://[2002:7f00:1::]/x",
    "https://[fe80::1]/x", "https://[fc00::1]/x", "https://[fd12:3456::1]/x", "https://[ff02::1]/x",
    "https://127.0.0.1.:443/x", "https://localhost/x", "https://localhost./x", "https://a.localhost/x",
    "https://metadata.internal/x", "https://printer.local/x", "https://intranet/x",
    "http://127.0.0.2:8000/x", "http://localhost:8000/x", "https://user@push.example.org/x",
    "https://internal.example.org/x", "https://mapped.example.org/x", "https://mixed.example.org/x",
    "https://link-local.example.org/x", "https://nowhere.example.org/x", "https://push.example.org:99999/x",
]


@pytest.mark.parametrize("endpoint", INTERNAL_ENDPOINTS)
def test_endpoints_that_reach_internal_hosts_are_refused(app, client, make_user, login, dns, endpoint):
    dns.names.update({
        "internal.example.org": ["10.0.0.5"],
        "mapped.example.org": ["::ffff:192.168.0.1"],
        "mixed.example.org": ["93.184.216.34", "127.0.0.1"],
        "link-local.example.org": ["fe80::1%eth0"],
    })
    login(client, make_user())
    assert subscribe(client, Browser(endpoint).subscription).status_code == 400
    assert rows(app) == []


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/x", "https://push.example.org./x",
    "https://updates.push.services.mozilla.com/wpush/v2/x",
])
def test_endpoints_on_public_hosts_are_accepted(app, client, make_user, login, endpoint):
    login(client, make_user())
    assert subscribe(client, Browser(endpoint).subscription).status_code == 201


def test_production_refuses_even_the_local_push_service(app, client, make_user, login, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOOPBACK", False)
    login(client, make_user())
    assert subscribe(client, Browser("http://127.0.0.1:8000/x").subscription).status_code == 400


@pytest.mark.parametrize("change", [
    {"endpoint": "http://push.example.org/x"},
    {"endpoint": "https://push.example.org/" + "x" * 1000},
    {"endpoint": None},
    {"keys": {"p256dh": b64(b"\x04" + b"\x01" * 64), "auth": b64(os.urandom(16))}},  # not on the curve
    {"keys": {"auth": b64(os.urandom(16))}},
    {"keys": "nope"},
])
def test_invalid_subscriptions_are_refused(app, client, make_user, login, change):
    login(client, make_user())
    subscription = {**Browser("https://push.example.org/ok").subscription, **change}
    assert subscribe(client, subscription).status_code == 400
    assert rows(app) == []


def test_short_auth_secret_is_refused(app, client, make_user, login):
    login(client, make_user())
    subscription = Browser("https://push.example.org/ok").subscription
    subscription["keys"]["auth"] = b64(os.urandom(8))
    assert subscribe(client, subscription).status_code == 400


def test_a_user_cannot_remove_another_users_subscription(app, client, make_user, login):
    owner, other = make_user(), make_user()
    browser = Browser("https://updates.push.services.mozilla.com/wpush/v2/owner")
    login(client, owner)
    assert subscribe(client, browser.subscription).status_code == 201
    login(client, other)
    assert unsubscribe(client, browser.endpoint).status_code == 404
    assert rows(app) == [(owner, browser.endpoint)]


def test_opt_in_section_is_on_the_inbox_for_logged_in_users(client, make_user, login):
    login(client, make_user())
    client.set_cookie("lang", "en")
    html = client.get("/notifications").get_data(as_text=True)
    assert 'id="push-optin" hidden' in html
    assert "Turn on notifications on this phone" in html
    assert "/static/js/push.js?v=" in html
    home = client.get("/").get_data(as_text=True)
    assert "/static/js/push.js?v=" in home  # loaded on every page, so boosted navigation finds it


def test_visitors_get_no_push_script(client):
    assert "push.js" not in client.get("/").get_data(as_text=True)


# --- delivery -------------------------------------------------------------------------------

@pytest.mark.parametrize(("locale", "title", "text"), [
    ("en", "Capital Digital Citizen", "Report #{id} (Pothole 1) was accepted and is being handled."),
    (None, "Công dân Thủ đô số", "Phản ánh #{id} (Ổ gà 1) đã được tiếp nhận và đang được xử lý."),
])
def test_a_status_change_is_pushed_encrypted_in_the_readers_language(
        app, client, make_user, make_report, login, push_service, locale, title, text):
    reporter = make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    report_id = make_report(reporter)
    set_locale(app, reporter, locale)
    browser = Browser(f"{push_service.base}/push/{reporter}")
    login(client, reporter)
    assert subscribe(client, browser.subscription).status_code == 201
    public_key = client.get("/push/key").json["publicKey"]
    assert push_service.requests == []

    accept(app, report_id, official)

    assert len(push_service.requests) == 1
    sent = push_service.requests[0]
    assert sent["path"] == f"/push/{reporter}"
    assert sent["headers"]["content-encoding"] == "aes128gcm"
    assert int(sent["headers"]["ttl"]) > 0
    auth = sent["headers"]["authorization"]
    assert auth.startswith("vapid t=") and f",k={public_key}" in auth
    assert Vapid02.verify(auth)  # signed by the key the browser was given
    assert browser.decrypt(sent["body"]) == {
        "title": title, "body": text.format(id=report_id), "url": f"/reports/{report_id}",
        "tag": f"report-{report_id}",
    }
    with app.app_context():
        assert db.session.scalar(sa.select(PushSubscription)).last_success_at is not None
        db.session.remove()


def test_every_device_of_the_recipient_gets_it_and_no_one_else(app, client, make_user, make_report,
                                                                login, push_service):
    reporter, bystander = make_user(), make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    report_id = make_report(reporter)
    phones = [Browser(f"{push_service.base}/push/phone{i}") for i in range(2)]
    login(client, reporter)
    for phone in phones:
        assert subscribe(client, phone.subscription).status_code == 201
    login(client, bystander)
    assert subscribe(client, Browser(f"{push_service.base}/push/bystander").subscription).status_code == 201

    accept(app, report_id, official)

    assert sorted(r["path"] for r in push_service.requests) == ["/push/phone0", "/push/phone1"]
    for phone in phones:
        body = next(r["body"] for r in push_service.requests if r["path"] == urlpath(phone.endpoint))
        assert phone.decrypt(body)["url"] == f"/reports/{report_id}"


def urlpath(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.mark.parametrize(("status", "kept"), [(410, False), (404, False), (500, True), (429, True)])
def test_a_gone_subscription_is_removed_and_others_kept(app, client, make_user, make_report, login,
                                                        push_service, status, kept, caplog):
    reporter = make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    report_id = make_report(reporter)
    browser = Browser(f"{push_service.base}/push/secret-token-{reporter}")
    push_service.status[urlpath(browser.endpoint)] = status
    login(client, reporter)
    assert subscribe(client, browser.subscription).status_code == 201

    accept(app, report_id, official)

    assert len(push_service.requests) == 1
    assert rows(app) == ([(reporter, browser.endpoint)] if kept else [])
    if kept:
        with app.app_context():
            assert db.session.scalar(sa.select(PushSubscription)).last_success_at is None
            db.session.remove()
    # The endpoint is a bearer secret: it stays out of the logs.
    assert "secret-token" not in caplog.text
    # The inbox keeps the notification whatever the push service said.
    login(client, reporter)
    assert f"/reports/{report_id}" in client.get("/notifications").get_data(as_text=True)


def test_no_subscription_no_push(app, make_user, make_report, push_service):
    reporter = make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    accept(app, make_report(reporter), official)
    assert push_service.requests == []


def test_a_push_job_is_queued_only_for_a_recipient_with_a_device(app, client, make_user, make_report, login,
                                                                push_service, monkeypatch):
    """Issue 15, alert load: 50,000 notifications must not queue 50,000 jobs that find no device."""
    from app.push import tasks

    queued = []
    real = tasks.send_push
    monkeypatch.setattr(tasks, "send_push", lambda nid: (queued.append(nid), real(nid)))
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    accept(app, make_report(make_user()), official)
    assert queued == []
    subscribed = make_user()
    report_id = make_report(subscribed)
    login(client, subscribed)
    assert subscribe(client, Browser(f"{push_service.base}/push/one").subscription).status_code == 201
    accept(app, report_id, official)
    assert len(queued) == 1 and len(push_service.requests) == 1


def store_subscription(app, user_id: int, browser: Browser) -> None:
    """A row as if the host had been public when the browser subscribed."""
    with app.app_context():
        db.session.add(PushSubscription(user_id=user_id, endpoint=browser.endpoint,
                                        p256dh=browser.subscription["keys"]["p256dh"],
                                        auth=browser.subscription["keys"]["auth"]))
        db.session.commit()
        db.session.remove()


def test_delivery_checks_the_address_again_and_connects_only_to_it(app, make_user, make_report,
                                                                   push_service, dns):
    """DNS rebinding: the name's first answer is checked and used; later answers, which point
    elsewhere, are never asked for. Host (and, over TLS, SNI) keep the name."""
    reporter = make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    report_id = make_report(reporter)
    answers = iter([["127.0.0.1"]])  # the local push service, allowed in tests only
    dns.names["rebind.example.org"] = [lambda: next(answers, ["10.0.0.5"])]
    port = push_service.server.server_address[1]
    browser = Browser(f"http://rebind.example.org:{port}/push/lan")
    store_subscription(app, reporter, browser)

    accept(app, report_id, official)

    assert len(push_service.requests) == 1
    assert push_service.requests[0]["headers"]["host"] == f"rebind.example.org:{port}"
    assert browser.decrypt(push_service.requests[0]["body"])["url"] == f"/reports/{report_id}"
    assert dns.calls.count("rebind.example.org") == 1


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "169.254.169.254", "::ffff:127.0.0.1", "::1"])
def test_delivery_refuses_a_host_that_now_resolves_inside(app, make_user, make_report, push_service, dns,
                                                          monkeypatch, caplog, address):
    """Public when the browser subscribed, internal now: no connection, and the row goes."""
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOOPBACK", False)
    reporter = make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    report_id = make_report(reporter)
    dns.names["changed.example.org"] = [address]
    port = push_service.server.server_address[1]
    store_subscription(app, reporter, Browser(f"https://changed.example.org:{port}/push/secret-x"))
    connects = []
    monkeypatch.setattr("urllib3.util.connection.create_connection",
                        lambda *a, **k: connects.append(a) or (_ for _ in ()).throw(OSError("no")))

    accept(app, report_id, official)

    assert connects == [] and push_service.requests == []
    assert rows(app) == []
    assert "secret-x" not in caplog.text


def test_delivery_ignores_proxy_settings(app, make_user, make_report, push_service, monkeypatch):
    """A proxy from the environment would be connected to instead of the checked address."""
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.9:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://10.0.0.9:3128")
    reporter = make_user()
    official = make_user(role="ward_official", ward="phuong_hoan_kiem")
    report_id = make_report(reporter)
    store_subscription(app, reporter, Browser(f"{push_service.base}/push/direct"))
    accept(app, report_id, official)
    assert len(push_service.requests) == 1


# --- the key --------------------------------------------------------------------------------

def test_development_key_is_made_once_in_the_instance_folder(tmp_path):
    def public_key():
        app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
        return app.test_client().get("/push/key").json["publicKey"]

    first = public_key()
    path = tmp_path / "vapid_private.pem"
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert public_key() == first


def test_configured_key_wins(tmp_path):
    private = ec.generate_private_key(ec.SECP256R1())
    raw = b64(private.private_numbers().private_value.to_bytes(32, "big"))
    public = b64(private.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint))
    app = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path), "VAPID_PRIVATE_KEY": raw})
    assert app.test_client().get("/push/key").json["publicKey"] == public
    assert not (tmp_path / "vapid_private.pem").exists()
    with pytest.raises(RuntimeError, match="VAPID_PUBLIC_KEY"):
        create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path), "VAPID_PRIVATE_KEY": raw,
                    "VAPID_PUBLIC_KEY": b64(b"\x04" + os.urandom(64))})


def test_production_without_a_key_has_no_push(tmp_path):
    app = create_app({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 32,
                      "DATA_KEY": "d" * 43, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.test_client().get("/push/key").status_code == 404
    assert not (tmp_path / "vapid_private.pem").exists()
