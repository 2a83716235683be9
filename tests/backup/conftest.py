"""The backup tests build reports with the field-report factories."""

from tests.reports.conftest import make_category, make_report, photo_bytes, report_of  # noqa: F401
