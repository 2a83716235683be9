"""Opting a browser in and out of push; called by static/js/push.js with the CSRF header."""

from __future__ import annotations

from flask import abort, current_app, jsonify, request, session
from flask_login import current_user

from app.core.errors import answers_json
from app.extensions import db
from app.push import bp, services
from app.push.vapid import push_enabled


def _guard():
    if not push_enabled():
        abort(404)
    if not current_user.is_authenticated:
        return jsonify(error="login required"), 401
    return None


@bp.get("/key")
@answers_json
def public_key():
    if not push_enabled():
        abort(404)
    return jsonify(publicKey=current_app.config["VAPID_PUBLIC_KEY"])


@bp.post("/subscribe")
@answers_json
def subscribe():
    if (denied := _guard()) is not None:
        return denied
    try:
        info = services.parse_subscription(request.get_json(silent=True),
                                           allow_local=current_app.config["PUSH_ALLOW_LOOPBACK"])
    except services.InvalidSubscription:
        return jsonify(error="invalid subscription"), 400
    try:
        sub = services.subscribe(current_user, info, request.user_agent.string)
    except services.SubscriptionTaken:
        # Commit what subscribe() decided (the other account's row may be gone).
        db.session.commit()
        return jsonify(error="subscription belongs to another account"), 409
    session[services.SESSION_KEY] = sub.id
    return jsonify(subscribed=True), 201


@bp.post("/unsubscribe")
@answers_json
def unsubscribe():
    if (denied := _guard()) is not None:
        return denied
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not services.unsubscribe(current_user, endpoint):
        return jsonify(error="no such subscription"), 404
    session.pop(services.SESSION_KEY, None)
    return "", 204
