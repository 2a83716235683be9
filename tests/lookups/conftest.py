"""Fixtures of the lookups: the sample bus network, moments in Hanoi time."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from app.extensions import db

# Monday 30 November 2026, 08:00 in Hanoi.
MONDAY_8AM = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
# Saturday 28 November 2026, 08:00 in Hanoi.
SATURDAY_8AM = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
# Tuesday 1 December 2026, 00:20 in Hanoi: Monday's last trips after midnight still run.
TUESDAY_0020 = datetime(2026, 11, 30, 17, 20, tzinfo=UTC)
# National Day, Wednesday 2 September 2026, 08:00: the weekend timetable.
NATIONAL_DAY_8AM = datetime(2026, 9, 2, 1, 0, tzinfo=UTC)


def sample_bytes(**changes) -> bytes:
    """The sample feed as a ZIP, with files replaced (text) or removed (None)."""
    from app.lookups import sample_feed

    files = sample_feed.sample_files()
    for name, text in changes.items():
        name = name.replace("__", ".")
        if text is None:
            files.pop(name, None)
        else:
            files[name] = text
    return sample_feed.build_zip(files)


@pytest.fixture
def sample_network(app):
    from app.lookups import gtfs

    with app.app_context():
        feed = gtfs.import_feed(io.BytesIO(sample_bytes()), source_name="sample.zip", sample=True)
        db.session.commit()
        feed_id = feed.id
        db.session.remove()
    return feed_id
