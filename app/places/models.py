from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core import pagecache
from app.extensions import db


class Ward(db.Model):
    """A commune-level unit (phường/xã) of Hanoi; ``id`` is the official code."""

    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(120))
    division_type: Mapped[str] = mapped_column(sa.String(20))
    codename: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # Lower-case, diacritics removed, for "hoan kiem" finding "Phường Hoàn Kiếm".
    search_name: Mapped[str] = mapped_column(sa.String(120), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # The ward's centre, kept by city admins: no ward polygons exist offline, so this is what
    # places a position in a ward (nearest centre) and flags a pin far from its ward.
    centre_lat: Mapped[float | None]
    centre_lon: Mapped[float | None]

    __table_args__ = (
        sa.CheckConstraint("(centre_lat IS NULL) = (centre_lon IS NULL)", name="centre_complete"),
    )

    @property
    def centre(self) -> tuple[float, float] | None:
        if self.centre_lat is None or self.centre_lon is None:
            return None
        return self.centre_lat, self.centre_lon

    def __repr__(self) -> str:
        return f"<Ward {self.id} {self.codename}>"


class Agency(db.Model):
    """A city agency that can be in charge of reports (Sở GTVT, Công an TP, …)."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


# What a page shows of wards and agencies (filters, names): see app.core.pagecache.
pagecache.watch(Ward, "places")
pagecache.watch(Agency, "places")
