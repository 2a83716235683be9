"""The engine's tests use the field-report factories for real reports."""

from tests.reports.conftest import make_category, make_report  # noqa: F401  (fixtures)
