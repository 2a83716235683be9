"""Lookups: the bus network (GTFS), airport bus tickets, parking lots, exam scores, schools,
and the two kinds of case citizens file here (monthly bus pass, school enrollment)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import Case
from app.core import pagecache
from app.core.models import utcnow
from app.extensions import db

# --- bus network (GTFS) -------------------------------------------------------------------
# Rows of every feed carry its id; readers only ever see the active feed, and an import
# swaps the active feed in the same transaction that loads the new one (the old keeps
# serving until then). Ids of the big tables are given by the importer (bulk inserts).


class GtfsFeed(db.Model):
    __tablename__ = "gtfs_feeds"

    @property
    def count_labels(self) -> list[tuple[str, int]]:
        """The counts of the import with translated names ("điểm dừng 23"), never table names."""
        from app.lookups.gtfs import COUNT_LABELS

        return [(str(COUNT_LABELS.get(k, k)), v) for k, v in (self.counts or {}).items()]

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=False, index=True)
    source_name: Mapped[str] = mapped_column(sa.String(200))
    agencies: Mapped[list] = mapped_column(sa.JSON, default=list)
    counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    warnings: Mapped[list] = mapped_column(sa.JSON, default=list)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    sample: Mapped[bool] = mapped_column(default=False)


class BusRoute(db.Model):
    __tablename__ = "bus_routes"
    __table_args__ = (sa.Index("ix_bus_routes_feed_search", "feed_id", "search_name"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    feed_id: Mapped[int] = mapped_column(sa.ForeignKey("gtfs_feeds.id", ondelete="CASCADE"))
    route_id: Mapped[str] = mapped_column(sa.String(64))
    short_name: Mapped[str] = mapped_column(sa.String(50))
    long_name: Mapped[str] = mapped_column(sa.String(255))
    search_name: Mapped[str] = mapped_column(sa.String(320))
    route_type: Mapped[int] = mapped_column(default=3)
    color: Mapped[str | None] = mapped_column(sa.String(6))


class BusStop(db.Model):
    __tablename__ = "bus_stops"
    __table_args__ = (sa.Index("ix_bus_stops_feed_lat", "feed_id", "lat"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    feed_id: Mapped[int] = mapped_column(sa.ForeignKey("gtfs_feeds.id", ondelete="CASCADE"))
    stop_id: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(255))
    search_name: Mapped[str] = mapped_column(sa.String(255))
    lat: Mapped[float]
    lon: Mapped[float]


class BusTrip(db.Model):
    __tablename__ = "bus_trips"
    __table_args__ = (sa.Index("ix_bus_trips_route", "route_pk", "direction_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    feed_id: Mapped[int] = mapped_column(sa.ForeignKey("gtfs_feeds.id", ondelete="CASCADE"), index=True)
    trip_id: Mapped[str] = mapped_column(sa.String(64))
    route_pk: Mapped[int] = mapped_column(sa.ForeignKey("bus_routes.id", ondelete="CASCADE"))
    service_id: Mapped[str] = mapped_column(sa.String(64))
    direction_id: Mapped[int] = mapped_column(default=0)
    headsign: Mapped[str] = mapped_column(sa.String(255), default="")


class BusStopTime(db.Model):
    """Times are seconds after the service day's noon minus 12 h, so 25:10:00 is 90600."""

    __tablename__ = "bus_stop_times"
    __table_args__ = (sa.Index("ix_bus_stop_times_stop", "stop_pk", "departure_s"),)

    trip_pk: Mapped[int] = mapped_column(sa.ForeignKey("bus_trips.id", ondelete="CASCADE"), primary_key=True)
    stop_sequence: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    feed_id: Mapped[int] = mapped_column(sa.ForeignKey("gtfs_feeds.id", ondelete="CASCADE"), index=True)
    stop_pk: Mapped[int] = mapped_column(sa.ForeignKey("bus_stops.id", ondelete="CASCADE"))
    arrival_s: Mapped[int]
    departure_s: Mapped[int]


class BusService(db.Model):
    """calendar.txt: the weekdays (``days``, Monday first, "1111100") between two dates."""

    __tablename__ = "bus_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(sa.ForeignKey("gtfs_feeds.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[str] = mapped_column(sa.String(64))
    days: Mapped[str] = mapped_column(sa.String(7))
    start_date: Mapped[date]
    end_date: Mapped[date]


class BusServiceException(db.Model):
    """calendar_dates.txt: 1 adds the service on that day, 2 removes it."""

    __tablename__ = "bus_service_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(sa.ForeignKey("gtfs_feeds.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[date]
    exception_type: Mapped[int]


# --- Nội Bài airport bus ------------------------------------------------------------------


class AirportTrip(db.Model):
    __tablename__ = "airport_trips"
    __table_args__ = (
        # The database itself refuses an oversold trip, whatever the code does.
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= seats_total", name="seats"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    route_name: Mapped[str] = mapped_column(sa.String(120))
    origin: Mapped[str] = mapped_column(sa.String(200))
    destination: Mapped[str] = mapped_column(sa.String(200))
    departs_at: Mapped[datetime] = mapped_column(index=True)
    seats_total: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    price_vnd: Mapped[int] = mapped_column(default=0)
    sample: Mapped[bool] = mapped_column(default=False)

    @property
    def seats_left(self) -> int:
        return self.seats_total - self.seats_taken


class AirportTicket(db.Model):
    __tablename__ = "airport_tickets"
    __table_args__ = (
        sa.CheckConstraint("seats BETWEEN 1 AND 4", name="seats"),
        sa.CheckConstraint("status IN ('booked', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(sa.ForeignKey("airport_trips.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    seats: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(10), default="booked")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    boarded_at: Mapped[datetime | None]

    trip: Mapped[AirportTrip] = relationship()


# --- parking ------------------------------------------------------------------------------


class ParkingOperator(db.Model):
    __tablename__ = "parking_operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # SHA-256 of the API token; the token itself is shown once, when it is made.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)


class ParkingLot(db.Model):
    __tablename__ = "parking_lots"
    __table_args__ = (
        sa.CheckConstraint("free_spaces IS NULL OR (free_spaces >= 0 AND free_spaces <= capacity)",
                           name="free_spaces"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    search_name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300))
    ward_id: Mapped[int] = mapped_column(sa.ForeignKey("wards.id"), index=True)
    lat: Mapped[float]
    lon: Mapped[float]
    capacity: Mapped[int]
    vehicle_types: Mapped[str] = mapped_column(sa.String(100))
    prices: Mapped[str] = mapped_column(sa.String(300))
    opening_hours: Mapped[str] = mapped_column(sa.String(100))
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parking_operators.id"))
    free_spaces: Mapped[int | None]
    free_updated_at: Mapped[datetime | None]
    sample: Mapped[bool] = mapped_column(default=False)

    ward = relationship("Ward")
    operator: Mapped[ParkingOperator | None] = relationship()


# --- exam scores --------------------------------------------------------------------------


class ExamScore(db.Model):
    __tablename__ = "exam_scores"
    __table_args__ = (sa.UniqueConstraint("year", "candidate_number", name="candidate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    candidate_number: Mapped[str] = mapped_column(sa.String(8))
    full_name: Mapped[str] = mapped_column(sa.String(120))
    birth_date: Mapped[date]
    scores: Mapped[dict] = mapped_column(sa.JSON)


# --- schools and enrollment ---------------------------------------------------------------


class School(db.Model):
    __tablename__ = "schools"
    __table_args__ = (
        sa.CheckConstraint("level IN ('kindergarten', 'grade1', 'grade6', 'grade10')", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    level: Mapped[str] = mapped_column(sa.String(12), index=True)
    ward_id: Mapped[int] = mapped_column(sa.ForeignKey("wards.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    quota: Mapped[int]
    # Ward ids whose children this school takes first.
    catchment_ward_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    sample: Mapped[bool] = mapped_column(default=False)

    ward = relationship("Ward")


class EnrollmentApplication(Case):
    """A parent's registration of a child at up to three schools, in order."""

    __tablename__ = "enrollment_applications"
    __mapper_args__ = {"polymorphic_identity": "enrollment", "polymorphic_load": "selectin"}

    id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    school_level: Mapped[str] = mapped_column(sa.String(12))
    child_name: Mapped[str] = mapped_column(sa.String(120))
    child_birth_date: Mapped[date]
    # The child's personal ID number, encrypted like the CCCD (app.core.crypto), and its keyed hash.
    child_id_encrypted: Mapped[bytes] = mapped_column(sa.LargeBinary)
    child_id_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    school_ids: Mapped[list] = mapped_column(sa.JSON)

    @property
    def level_label(self) -> str:
        from app.lookups.forms import LEVELS

        return str(LEVELS.get(self.school_level, self.school_level))

    @property
    def school_names(self) -> list[str]:
        """The chosen schools' names, in the parent's order."""
        rows = {s.id: s.name for s in db.session.scalars(sa.select(School).where(
            School.id.in_(self.school_ids or [0])))}
        return [rows[i] for i in self.school_ids or [] if i in rows]


# --- monthly bus pass ---------------------------------------------------------------------


class BusPassApplication(Case):
    __tablename__ = "bus_pass_applications"
    __mapper_args__ = {"polymorphic_identity": "bus_pass", "polymorphic_load": "selectin"}
    __table_args__ = (
        sa.CheckConstraint("pass_type IN ('single', 'all')", name="pass_type"),
        sa.CheckConstraint("pass_type = 'all' OR route_short_name IS NOT NULL", name="route_given"),
    )

    id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    pass_type: Mapped[str] = mapped_column(sa.String(10))
    route_short_name: Mapped[str | None] = mapped_column(sa.String(50))
    priority_group: Mapped[str] = mapped_column(sa.String(20))
    proof_photo_key: Mapped[str | None] = mapped_column(sa.String(512))
    portrait_key: Mapped[str] = mapped_column(sa.String(512))
    pickup_point: Mapped[str] = mapped_column(sa.String(40))
    month: Mapped[date]

    @property
    def priority_label(self) -> str:
        from app.lookups.forms import PRIORITY_GROUPS

        return str(PRIORITY_GROUPS.get(self.priority_group, self.priority_group))

    @property
    def pickup_label(self) -> str:
        from app.lookups.forms import PICKUP_POINTS

        return str(PICKUP_POINTS.get(self.pickup_point, self.pickup_point))


# See app.core.pagecache: the public lookup pages show these.
for _model in (GtfsFeed, BusRoute, BusStop, BusTrip, BusService, AirportTrip, ParkingLot, School):
    pagecache.watch(_model, "lookups")
