"""Fixtures of the answer desk: the sample procedures and FAQ, indexed."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.reports.conftest import make_category, make_report  # noqa: F401  (fixtures)


@pytest.fixture
def desk(app):
    from bench.answer_desk import load_sample_data

    with app.app_context():
        load_sample_data()
        db.session.remove()
