"""Push subscriptions (one per browser) and delivery of one notification to them."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass

import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app, session
from flask_babel import force_locale, gettext
from py_vapid import Vapid

from app.core import netguard
from app.core.models import utcnow
from app.core.urls import path_for
from app.extensions import db
from app.push.models import PushSubscription

log = logging.getLogger(__name__)

# A user rarely has more devices than this; past it the oldest subscriptions go.
MAX_PER_USER = 10
# A push the phone could not take now is kept by the push service this long (seconds).
PUSH_TTL = 24 * 60 * 60
PUSH_TIMEOUT = 10


# Where this browser's subscription id is kept in the session, so that logging out removes it.
SESSION_KEY = "push_subscription"


class InvalidSubscription(ValueError):
    pass


class SubscriptionTaken(Exception):
    """The endpoint is registered to another account; it is not moved."""


@dataclass(frozen=True)
class SubscriptionInfo:
    endpoint: str
    p256dh: str
    auth: str


def _b64url_bytes(value) -> bytes:
    if not isinstance(value, str) or not value or len(value) > 200:
        raise InvalidSubscription("key")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as e:
        raise InvalidSubscription("key") from e


def _check_endpoint(endpoint, allow_local: bool) -> str:
    if not isinstance(endpoint, str) or len(endpoint) > 1000:
        raise InvalidSubscription("endpoint")
    try:
        netguard.check_url(endpoint, allow_loopback=allow_local)
    except netguard.BlockedAddress as e:
        raise InvalidSubscription("endpoint") from e
    return endpoint


def parse_subscription(data, *, allow_local: bool = False) -> SubscriptionInfo:
    """Check a browser's ``PushSubscription.toJSON()``: an https endpoint, a P-256 key, a 16-byte secret."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise InvalidSubscription("shape")
    endpoint = _check_endpoint(data.get("endpoint"), allow_local)
    p256dh, auth = data["keys"].get("p256dh"), data["keys"].get("auth")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64url_bytes(p256dh))
    except ValueError as e:
        raise InvalidSubscription("p256dh") from e
    if len(_b64url_bytes(auth)) != 16:
        raise InvalidSubscription("auth")
    return SubscriptionInfo(endpoint, p256dh.rstrip("="), auth.rstrip("="))


def subscribe(user, info: SubscriptionInfo, user_agent: str | None = None) -> PushSubscription:
    """Store a browser's subscription for ``user``.

    An endpoint registered to another account is never moved to this one (the phone would
    silently start showing one person's notifications to another): :class:`SubscriptionTaken`.
    When the request also carries that subscription's keys, it proves it comes from the
    browser that holds it, which now belongs to someone else: the other account's row is
    removed, so that phone stops getting its pushes. The browser then makes a new
    subscription (a new endpoint) for this account; static/js/push.js does that.
    """
    sub = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint == info.endpoint))
    if sub is not None and sub.user_id != user.id:
        if (sub.p256dh, sub.auth) == (info.p256dh, info.auth):
            log.info("push subscription %s left by its account: the browser now has another", sub.id)
            db.session.delete(sub)
            db.session.flush()
        raise SubscriptionTaken
    if sub is None:
        sub = PushSubscription(endpoint=info.endpoint, user_id=user.id)
        db.session.add(sub)
    sub.p256dh, sub.auth = info.p256dh, info.auth
    sub.user_agent = (user_agent or "")[:200] or None
    db.session.flush()
    stale = db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user.id)
                               .order_by(PushSubscription.id.desc()).offset(MAX_PER_USER))
    for old in stale:
        db.session.delete(old)
    return sub


def unsubscribe(user, endpoint) -> bool:
    """Remove ``user``'s subscription for ``endpoint``; another user's is left alone."""
    if not isinstance(endpoint, str):
        return False
    result = db.session.execute(sa.delete(PushSubscription).where(
        PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id))
    return bool(result.rowcount)


def forget_this_browser(sender, user=None, **extra) -> None:
    """On logout (Flask-Login's ``user_logged_out``): this browser's subscription goes, even
    when the page's script could not remove it."""
    sub_id = session.pop(SESSION_KEY, None)
    if user is not None and isinstance(sub_id, int):
        db.session.execute(sa.delete(PushSubscription).where(
            PushSubscription.id == sub_id, PushSubscription.user_id == user.id))


def forget_every_device(sender, user=None, **extra) -> None:
    """On "log out on all devices": no phone of the account gets its pushes any more."""
    if user is not None:
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.user_id == user.id))


def subscriptions_of(user_id: int) -> list[PushSubscription]:
    return list(db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user_id)
                                   .order_by(PushSubscription.id)))


def payload(notification, user) -> dict:
    """What the phone shows: the inbox's sentence, in the reader's language, and where a tap goes."""
    from app.notifications.services import describe

    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        [(_note, described)] = describe([notification])
        return {
            "title": gettext("Capital Digital Citizen"),
            "body": described.text,
            "url": described.url or path_for("notifications.inbox"),
            "tag": described.tag or f"notification-{notification.id}",
        }


def deliver(sub: PushSubscription, data: dict, key: Vapid) -> bool:
    """Send one push. A subscription the push service calls gone (404/410) is deleted; other
    failures are logged and the subscription kept. Logs carry the row id, never the endpoint."""
    # Imported here, in the job worker that sends: pywebpush 2 pulls in aiohttp (about 20 MB a
    # process), which no web worker needs (issue 15: memory per worker).
    from pywebpush import WebPushException, webpush

    # Only to the public address checked when connecting; no redirects, no proxies.
    http = netguard.guarded_session(allow_loopback=current_app.config["PUSH_ALLOW_LOOPBACK"])
    try:
        webpush(
            subscription_info={"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
            data=json.dumps(data, ensure_ascii=False),
            vapid_private_key=key,
            vapid_claims={"sub": current_app.config["VAPID_SUBJECT"]},
            ttl=PUSH_TTL,
            timeout=PUSH_TIMEOUT,
            requests_session=http,
        )
    except WebPushException as e:
        if e.status_code in (404, 410):
            log.info("push subscription %s is gone (HTTP %s); removed", sub.id, e.status_code)
            db.session.delete(sub)
        else:
            log.warning("push to subscription %s failed: HTTP %s", sub.id, e.status_code)
        return False
    except netguard.BlockedAddress as e:
        # Its host now leads somewhere the server must not go: it can never be delivered.
        log.warning("push subscription %s removed: its host is not public (%s)", sub.id, e)
        db.session.delete(sub)
        return False
    except requests.RequestException as e:
        log.warning("push to subscription %s failed: %s", sub.id, type(e).__name__)
        return False
    finally:
        http.close()
    sub.last_success_at = utcnow()
    return True
