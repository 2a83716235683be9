"""Fixtures of the public services: the sample procedures, files to attach."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.reports.conftest import make_category, make_report, photo_bytes  # noqa: F401  (fixtures)


@pytest.fixture
def procedures(app) -> dict[str, int]:
    """The sample procedures (and their agencies): ``{code: id}``."""
    from app.procedures.models import Procedure
    from app.procedures.seed import load_procedures

    with app.app_context():
        load_procedures()
        db.session.commit()
        ids = {code: pid for pid, code in db.session.execute(sa.select(Procedure.id, Procedure.code))}
        db.session.remove()
    return ids


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
