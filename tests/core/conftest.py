"""The hardening tests of core drive real reports through the field-report factories."""

from tests.reports.conftest import make_category, make_report  # noqa: F401
