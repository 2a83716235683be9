from tests.reports.conftest import make_category, make_report  # noqa: F401
