"""The CCCD number and the phone number stay out of the database (in clear), URLs and logs."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from tests.auth.test_phone import PHONE, PHONE_FORMS, last_code, start, verify
from tests.conftest import csrf_token

# 001 Hà Nội, 1 = woman born 1900–1999, 99 = 1999.
CCCD = "001199054321"


def on_postgresql() -> bool:
    return (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


def text_columns_containing(value: str) -> list[str]:
    """Every text-like column (JSON included) of every table whose content contains ``value``."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, sa.String | sa.Text | sa.JSON | sa.Enum):
                continue
            query = sa.select(sa.func.count()).select_from(table).where(
                sa.cast(column, sa.Text).contains(value, autoescape=True))
            if db.session.scalar(query):
                found.append(f"{table.name}.{column.name}")
    return found


def database_bytes() -> bytes:
    path = Path(db.engine.url.database)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_cccd_and_phone_stay_out_of_the_database_and_the_logs(app, client, caplog):
    from app.audit.models import AuditEntry
    from app.auth.models import User

    caplog.set_level(logging.DEBUG)
    # Every logger at DEBUG, except SQLAlchemy's statement echo, which stays at its default
    # (off): when an operator turns it on it prints bound parameters, the phone among them.
    for name in list(logging.root.manager.loggerDict):
        if name != "sqlalchemy" and not name.startswith("sqlalchemy."):
            caplog.set_level(logging.DEBUG, logger=name)
    client.set_cookie("lang", "en")
    urls = []

    start(client, "0912 345 678", next_="/account/verify")
    response = verify(client, last_code(app))
    urls.append(response.headers["Location"])
    assert response.headers["Location"] == "/account/verify"

    token = csrf_token(client, "/")
    bad = client.post("/account/verify", data={
        "cccd": CCCD, "full_name": "Lê Thị Hoa", "birth_date": "1999-09-09", "gender": "male",
        "csrf_token": token})
    assert bad.status_code == 422
    response = client.post("/account/verify", data={
        "cccd": CCCD, "full_name": "Lê Thị Hoa", "birth_date": "1999-09-09", "gender": "female",
        "csrf_token": token})
    assert response.status_code == 303
    urls.append(response.headers["Location"])
    account = client.get(response.headers["Location"])
    assert CCCD not in account.get_data(as_text=True)  # only the masked number is shown
    assert CCCD[-4:] in account.get_data(as_text=True)

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.phone == PHONE))
        assert user.identity_level == 2
        assert user.get_cccd() == CCCD
        assert user.cccd_hmac == User.cccd_lookup(CCCD)
        assert user.cccd_encrypted and CCCD.encode() not in user.cccd_encrypted
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) >= 3

        assert text_columns_containing(CCCD) == []
        # The phone is kept where it must be (the account, its codes, the dev outbox), and
        # nowhere else: not in the audit log.
        assert set(text_columns_containing(PHONE)) <= {
            "users.phone", "otp_codes.phone", "dev_sms_messages.phone"}
        if not on_postgresql():
            db.session.remove()
            content = database_bytes()
            assert CCCD.encode() not in content
            assert CCCD.encode("utf-16-le") not in content
        db.session.remove()

    for url in urls:
        assert CCCD not in url
        assert all(form.replace(" ", "") not in url for form in PHONE_FORMS)
    assert caplog.records, "nothing was logged: the capture is not working"
    for record in caplog.records:
        message = record.getMessage()
        assert CCCD not in message, f"CCCD in a log line of {record.name}"
        for form in PHONE_FORMS:
            assert form not in message, f"phone number in a log line of {record.name}"
