from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import crypto
from app.core.models import utcnow
from app.extensions import db


class IdentityLevel(enum.IntEnum):
    VISITOR = 0
    PHONE = 1
    VERIFIED = 2


class Role(enum.StrEnum):
    WARD_OFFICIAL = "ward_official"
    AGENCY_OFFICIAL = "agency_official"
    CITY_ADMIN = "city_admin"


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"


_CCCD_CONTEXT = b"users.cccd"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("identity_level IN (1, 2)", name="identity_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    full_name: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    identity_level: Mapped[int] = mapped_column(default=IdentityLevel.PHONE)
    # CCCD: AES-256-GCM ciphertext plus an HMAC for look-ups; the plain number is never stored.
    cccd_encrypted: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    cccd_hmac: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    birth_date: Mapped[date | None]
    gender: Mapped[str | None] = mapped_column(sa.String(10))
    identity_source: Mapped[str | None] = mapped_column(sa.String(20))
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    last_login_method: Mapped[str | None] = mapped_column(sa.String(10))
    # Changing it logs out every session of this account.
    session_token: Mapped[str] = mapped_column(sa.String(43))

    identities: Mapped[list[OidcIdentity]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan",
        foreign_keys="RoleGrant.user_id",
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @staticmethod
    def cccd_lookup(cccd: str) -> str:
        return crypto.lookup_hash(cccd, _CCCD_CONTEXT)

    def set_cccd(self, cccd: str | None) -> None:
        if cccd is None:
            self.cccd_encrypted = None
            self.cccd_hmac = None
            return
        self.cccd_encrypted = crypto.encrypt(cccd, _CCCD_CONTEXT)
        self.cccd_hmac = self.cccd_lookup(cccd)

    def get_cccd(self) -> str | None:
        if self.cccd_encrypted is None:
            return None
        return crypto.decrypt(self.cccd_encrypted, _CCCD_CONTEXT)

    @property
    def cccd_masked(self) -> str | None:
        cccd = self.get_cccd()
        return None if cccd is None else "•" * 8 + cccd[-4:]

    @property
    def phone_masked(self) -> str | None:
        if not self.phone:
            return None
        return self.phone[:5] + "•" * (len(self.phone) - 8) + self.phone[-3:]

    @property
    def is_verified(self) -> bool:
        return self.identity_level >= IdentityLevel.VERIFIED

    def has_role(self, role: Role) -> bool:
        return any(g.role == role for g in self.role_grants)

    @property
    def roles(self) -> set[Role]:
        return {Role(g.role) for g in self.role_grants}

    @property
    def ward_ids(self) -> set[int]:
        return {g.ward_id for g in self.role_grants
                if g.role == Role.WARD_OFFICIAL and g.ward_id is not None}

    @property
    def agency_ids(self) -> set[int]:
        return {g.agency_id for g in self.role_grants
                if g.role == Role.AGENCY_OFFICIAL and g.agency_id is not None}

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class OidcIdentity(db.Model):
    """A login at an OpenID provider, identified by (issuer, subject)."""

    __tablename__ = "oidc_identities"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject", name="issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="identities")


class RoleGrant(db.Model):
    """A role with its scope: a ward for ward officials, an agency for agency officials."""

    __tablename__ = "role_grants"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'ward_official' AND ward_id IS NOT NULL AND agency_id IS NULL)"
            " OR (role = 'agency_official' AND agency_id IS NOT NULL AND ward_id IS NULL)"
            " OR (role = 'city_admin' AND ward_id IS NULL AND agency_id IS NULL)",
            name="role_scope",
        ),
        sa.UniqueConstraint("user_id", "role", "ward_id", "agency_id", name="user_role_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    ward_id: Mapped[int | None] = mapped_column(sa.ForeignKey("wards.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Supervisors of a unit are told when its reports run overdue or a fix looks doubtful.
    supervisor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    user: Mapped[User] = relationship(back_populates="role_grants", foreign_keys=[user_id])
    ward = relationship("Ward")
    agency = relationship("Agency")


class UserSession(db.Model):
    """One logged-in browser. Its cookie carries a random secret and only the secret's hash is
    kept here: logging out deletes the row, so a copy of the cookie stops working too."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class OtpCode(db.Model):
    """A one-time SMS code, stored as an HMAC; 5-minute life, 5 attempts."""

    __tablename__ = "otp_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(sa.String(20), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
