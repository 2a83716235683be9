"""Log in, or register, with a mobile phone number and a one-time code sent by SMS.

1. ``POST /auth/phone``: the number is normalised to E.164, a 6-digit code is stored as an
   HMAC only and texted; the number waits in the signed session (never in a URL) and the
   browser goes to
2. ``GET /auth/phone/verify``: the code form;
3. ``POST /auth/phone/verify``: the code is checked (5 minutes, 5 attempts, once); a new number
   becomes a level-1 account.

A form with errors is answered 422 (200 to htmx, see :func:`app.auth.forms.invalid_status`).
The request's own commit is skipped for error statuses, so a wrong code commits its attempt
count and audit row itself before answering: a guess must count even though it failed.

The development outbox page (``/dev/sms``) lives here too; :func:`register_dev_pages`
registers it only when ``DEMO_TOOLS`` is on (never in production).
"""

from __future__ import annotations

import functools
import hmac
import logging
import re
import secrets
import unicodedata
from datetime import timedelta

import phonenumbers
import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, flash, g, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import HiddenField, StringField
from wtforms.validators import ValidationError

from app.audit import services as audit
from app.auth import bp, services
from app.auth.forms import invalid_status
from app.auth.models import IdentityLevel, OtpCode, User
from app.core import crypto, sms
from app.core.database import after_commit
from app.core.forms import BaseForm
from app.core.htmx import redirect_to, render
from app.core.models import utcnow
from app.extensions import db, limiter

log = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 5

# Codes cost money and reach a person's phone: few per number, a few more per network address
# (mobile carriers put many people behind one address, so that limit stays loose). Only codes
# actually sent count. Guessing is bounded by MAX_ATTEMPTS per code and by the address limit.
SEND_LIMIT_PER_PHONE = "3 per 15 minutes;10 per day"
SEND_LIMIT_PER_IP = "10 per hour"
VERIFY_LIMIT_PER_IP = "20 per 15 minutes"

_PENDING = "phone_login"
_CODE_CONTEXT = b"otp_codes.code"
_RATE_CONTEXT = b"ratelimit.phone"

# Longer input is not a phone number, and phonenumbers need not parse it.
_MAX_PHONE_INPUT = 40
_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_phone(raw: str | None) -> str | None:
    """A Vietnamese mobile number in E.164 (``+84912345678``), or None if ``raw`` is not one.

    Accepts the ways people write them: ``0912 345 678``, ``+84 912345678``, ``84912345678``,
    ``(091) 234-5678``. Landlines, foreign numbers and extensions are refused: the code goes
    out by SMS through a Vietnamese gateway.
    """
    if not raw:
        return None
    raw = unicodedata.normalize("NFKC", raw).strip()
    if not raw or len(raw) > _MAX_PHONE_INPUT:
        return None
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        return None
    if (
        number.country_code != 84
        or number.extension
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_format(phone: str) -> str:
    """``+84912345678`` → ``091 234 56 78``, the way the person wrote it."""
    return phonenumbers.format_number(phonenumbers.parse(phone), phonenumbers.PhoneNumberFormat.NATIONAL)


# --- forms -------------------------------------------------------------------------------


class PhoneStartForm(BaseForm):
    phone = StringField(_l("Mobile phone number"), filters=[lambda v: v.strip() if isinstance(v, str) else v])
    next = HiddenField()

    #: The number in E.164, once the form validated.
    e164: str | None = None

    def validate_phone(self, field) -> None:
        self.e164 = normalise_phone(field.data)
        if self.e164 is None:
            raise ValidationError(_l("Enter a Vietnamese mobile phone number, for example 0912 345 678."))


class PhoneCodeForm(BaseForm):
    code = StringField(_l("Code from the SMS"), filters=[lambda v: re.sub(r"\s+", "", v) if isinstance(v, str) else v])

    def validate_code(self, field) -> None:
        if not re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", field.data or "", flags=re.ASCII):
            raise ValidationError(_l("Enter the 6-digit code from the text message."))


# --- codes -------------------------------------------------------------------------------


class CodeRejected(Exception):
    """A code that does not log in; ``reason`` goes to the audit log, :meth:`message` to the page."""

    def __init__(self, reason: str, remaining: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.remaining = remaining

    def message(self) -> str:
        if self.reason == "wrong":
            return ngettext("Wrong code. You can try %(num)d more time.",
                            "Wrong code. You can try %(num)d more times.", self.remaining)
        if self.reason == "locked":
            return _("Too many wrong codes. Please ask for a new code.")
        if self.reason == "expired":
            return _("This code has expired. Please ask for a new code.")
        return _("This code is no longer valid. Please ask for a new code.")


def code_hash(phone: str, code: str) -> str:
    return crypto.lookup_hash(f"{phone}:{code}", _CODE_CONTEXT)


def issue_code(phone: str) -> str:
    """Store a new code for ``phone`` (its HMAC only) and return it; older codes stop working."""
    now = utcnow()
    db.session.execute(
        sa.update(OtpCode)
        .where(OtpCode.phone == phone, OtpCode.used_at.is_(None), OtpCode.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    db.session.add(OtpCode(phone=phone, code_hash=code_hash(phone, code), created_at=now,
                           expires_at=now + CODE_LIFETIME))
    db.session.flush()
    return code


def check_code(phone: str, code: str) -> None:
    """Accept the latest code of ``phone`` once, or raise :class:`CodeRejected`."""
    otp = db.session.scalar(
        sa.select(OtpCode).where(OtpCode.phone == phone).order_by(OtpCode.id.desc()).limit(1)
    )
    if otp is None:
        raise CodeRejected("missing")
    if otp.used_at is not None:
        raise CodeRejected("used")
    now = utcnow()
    if otp.expires_at <= now:
        raise CodeRejected("expired")
    # Count the attempt before comparing, in one statement, so parallel guesses cannot go
    # past the limit.
    counted = db.session.execute(
        sa.update(OtpCode)
        .where(OtpCode.id == otp.id, OtpCode.attempts < MAX_ATTEMPTS)
        .values(attempts=OtpCode.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:
        raise CodeRejected("locked")
    if not hmac.compare_digest(otp.code_hash, code_hash(phone, code)):
        remaining = MAX_ATTEMPTS - otp.attempts - 1
        raise CodeRejected("wrong" if remaining > 0 else "locked", remaining)
    used = db.session.execute(
        sa.update(OtpCode)
        .where(OtpCode.id == otp.id, OtpCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise CodeRejected("used")


def user_for_phone(phone: str) -> User:
    """The account of ``phone``, created at level 1 on its first login."""
    user = db.session.scalar(sa.select(User).where(User.phone == phone))
    if user is None:
        user = services.new_user(phone=phone, identity_level=IdentityLevel.PHONE)
        audit.record("auth.registered", user, actor=user, method="phone")
    return user


# --- rate limits -------------------------------------------------------------------------


def _form_phone() -> str | None:
    if "_form_phone" not in g:
        g._form_phone = normalise_phone(request.form.get("phone"))
    return g._form_phone


def _phone_limit_key() -> str:
    # Hashed: limiter keys sit in Redis and appear in the limiter's own log lines.
    return "phone:" + crypto.lookup_hash(_form_phone() or "", _RATE_CONTEXT)


def _no_valid_phone() -> bool:
    return _form_phone() is None


def _code_sent(response) -> bool:
    return bool(g.get("sms_code_sent"))


# --- views -------------------------------------------------------------------------------


def _login_page(form: PhoneStartForm):
    response = render(
        "auth/login.html",
        next=services.safe_next(form.next.data, ""),
        phone_form=form,
        vneid_configured=bool(current_app.config.get("OIDC_ISSUER")),
    )
    response.status_code = invalid_status()
    return response


@bp.post("/phone")
@limiter.limit(SEND_LIMIT_PER_IP, deduct_when=_code_sent)
@limiter.limit(SEND_LIMIT_PER_PHONE, key_func=_phone_limit_key, exempt_when=_no_valid_phone,
               deduct_when=_code_sent)
def phone_start():
    form = PhoneStartForm()
    if not form.validate_on_submit():
        return _login_page(form)
    phone = form.e164
    code = issue_code(phone)
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    body = _("Your Capital Digital Citizen code is %(code)s. It expires in %(minutes)d minutes.",
             code=code, minutes=minutes)
    after_commit(functools.partial(sms.send_sms, phone, body))
    g.sms_code_sent = True
    session[_PENDING] = {"phone": phone, "next": services.safe_next(form.next.data, "")}
    return redirect_to(url_for("auth.phone_verify"))


def _verify_page(form: PhoneCodeForm, pending: dict, status: int = 200):
    response = render(
        "auth/phone_verify.html",
        form=form,
        phone=pending["phone"],
        phone_display=national_format(pending["phone"]),
        next=pending.get("next") or "",
        minutes=int(CODE_LIFETIME.total_seconds() // 60),
    )
    response.status_code = status
    response.cache_control.no_store = True
    return response


@bp.route("/phone/verify", methods=["GET", "POST"])
@limiter.limit(VERIFY_LIMIT_PER_IP, methods=["POST"])
def phone_verify():
    pending = session.get(_PENDING)
    if not pending or not pending.get("phone"):
        flash(_("Enter your phone number to receive a code."), "info")
        return redirect_to(url_for("auth.login"))
    form = PhoneCodeForm()
    if request.method == "GET":
        return _verify_page(form, pending)
    if not form.validate_on_submit():
        return _verify_page(form, pending, invalid_status())
    phone = pending["phone"]
    try:
        check_code(phone, form.code.data)
        user = user_for_phone(phone)
        if not user.active:
            raise CodeRejected("inactive")
    except CodeRejected as rejected:
        services.record_login_failure("phone", rejected.reason)
        db.session.commit()
        if rejected.reason == "inactive":
            form.form_errors.append(_("This account has been disabled."))
        else:
            form.code.errors.append(rejected.message())
        return _verify_page(form, pending, invalid_status())
    services.complete_login(user, "phone")
    return redirect_to(services.landing_url(user, pending.get("next")))


# --- development outbox ------------------------------------------------------------------

dev_bp = Blueprint("dev_sms", __name__, url_prefix="/dev")


@dev_bp.get("/sms")
def sms_outbox():
    from app.core.sms import DevSmsMessage

    messages = db.session.scalars(
        sa.select(DevSmsMessage).order_by(DevSmsMessage.created_at.desc(), DevSmsMessage.id.desc()).limit(20)
    ).all()
    response = render("dev/sms.html", messages=messages)
    response.cache_control.no_store = True
    return response


def register_dev_pages(app: Flask) -> None:
    """The SMS outbox, only where ``DEMO_TOOLS`` is on (production forces it off)."""
    if app.config.get("DEMO_TOOLS"):
        app.register_blueprint(dev_bp)
