"""Report factories, for the tests of shared machinery that need reports (uploads, caching)."""

from tests.reports.conftest import make_category, make_report  # noqa: F401  (fixtures)
