"""The pluggable SMS sender."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from app.core import sms
from app.extensions import db

PHONE = "+84912345678"
BODY = "Your Capital Digital Citizen code is 123456. It expires in 5 minutes."

sent: list[tuple[str, str]] = []


def fake_gateway(phone: str, body: str) -> None:
    sent.append((phone, body))


def test_mask_phone():
    assert sms.mask_phone(PHONE) == "+8491****678"
    assert sms.mask_phone("+84861234567") == "+8486****567"
    assert sms.mask_phone("12345") == "*****"


def test_dev_sender_keeps_the_message_and_logs_the_number_masked(app, app_ctx, caplog, monkeypatch):
    from app.devidp.models import DevSmsMessage

    monkeypatch.setitem(app.config, "SMS_BACKEND", "dev")
    caplog.set_level(logging.DEBUG, logger="app.core.sms")
    sms.send_sms(PHONE, BODY)
    stored = db.session.execute(sa.select(DevSmsMessage.phone, DevSmsMessage.body)).all()
    assert stored == [(PHONE, BODY)]
    assert [r.getMessage() for r in caplog.records] == [f"dev SMS to +8491****678: {BODY}"]


def test_log_sender_logs_neither_number_nor_text(app, app_ctx, caplog, monkeypatch):
    from app.devidp.models import DevSmsMessage

    monkeypatch.setitem(app.config, "SMS_BACKEND", "log")
    caplog.set_level(logging.DEBUG, logger="app.core.sms")
    sms.send_sms(PHONE, BODY)
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "912345678" not in message and "123456" not in message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DevSmsMessage)) == 0


def test_a_gateway_is_plugged_by_dotted_path(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_BACKEND", "tests.core.test_sms:fake_gateway")
    sent.clear()
    sms.send_sms(PHONE, BODY)
    assert sent == [(PHONE, BODY)]


@pytest.mark.parametrize("setting", ["twilio", "tests.core.test_sms:nothing_here", "tests.core.test_sms:PHONE",
                                     ":fake_gateway"])
def test_a_bad_setting_is_an_error(app, app_ctx, monkeypatch, setting):
    monkeypatch.setitem(app.config, "SMS_BACKEND", setting)
    with pytest.raises(RuntimeError, match="SMS_BACKEND"):
        sms.send_sms(PHONE, BODY)


def test_the_dev_sender_is_refused_in_production(app, app_ctx, monkeypatch):
    from app.devidp.models import DevSmsMessage

    monkeypatch.setitem(app.config, "SMS_BACKEND", "dev")
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    with pytest.raises(RuntimeError, match="not allowed in production"):
        sms.send_sms(PHONE, BODY)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DevSmsMessage)) == 0
