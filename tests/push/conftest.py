"""Report factories, for push tests that trigger real notifications."""

from tests.reports.conftest import make_category, make_report  # noqa: F401  (fixtures)
