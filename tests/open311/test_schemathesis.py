"""Schemathesis against /open311/openapi.json, in-process: every response, errors included,
must match the description, and invalid input must be rejected."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from app.open311.openapi import document
from tests.reports.conftest import HOAN_KIEM

# The document is built without an app so the tests can be generated at import; the test below
# checks it is exactly what /open311/openapi.json serves, and the cases run against the app.
schema = schemathesis.openapi.from_dict(document("/open311"))


def test_the_served_description_is_the_one_tested(client):
    assert client.get("/open311/openapi.json").get_json() == document("/open311")


@pytest.fixture
def seeded(app, make_user, make_category, make_report, make_api_key):
    """A few categories, public and hidden reports, and a valid key for the POST."""
    make_category("road_damage", questions=[{"code": "size", "kind": "single", "required": True,
                                             "options": [{"value": "small", "label": "Nhỏ", "label_en": "Small"}]}])
    reporter = make_user()
    make_report(reporter, ward=HOAN_KIEM, lat=21.0287, lon=105.8524)
    make_report(reporter, status="resolved")
    make_report(reporter, hidden=True)
    _key_id, raw = make_api_key()
    return raw


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_open311_conforms_to_its_description(case, app, seeded):
    case.operation.schema.app = app
    excluded = []
    if case.path == "/v2/requests.{format}":
        # Rules across fields that OpenAPI cannot state make some well-formed requests a 400:
        # a date range over 90 days or ending before it starts, lat without long, the attributes
        # the chosen service requires, an unknown ward. Every 400 is still checked against the
        # documented error body, and schema-violating input must still be rejected.
        excluded.append(positive_data_acceptance)
    if case.method == "POST":
        # The form's text is normalised before it is checked, as documented (NFC, control
        # characters dropped, trimmed): a field that breaks a limit only with control characters
        # or blanks around it is rightly accepted.
        excluded.append(negative_data_rejection)
        case.query = {**(case.query or {}), "api_key": seeded}
    # The in-process client does not decompress, as a real HTTP client would.
    case.call_and_validate(app=app, headers={"Accept-Encoding": "identity"}, excluded_checks=excluded)


def test_open311_stateful_links(app, seeded):
    """The stateful phase: follow the document's links (services → a service's definition,
    a created or listed request → that request) and check every answer on the way."""
    stateful_schema = schemathesis.openapi.from_dict(document("/open311"))
    stateful_schema.app = app
    base = stateful_schema.as_state_machine()
    assert base.schema.statistic.transitions.total >= 3

    class Open311Workflow(base):  # type: ignore[misc, valid-type]
        def before_call(self, case):
            if case.method == "POST":
                case.query = {**(case.query or {}), "api_key": seeded}

        def get_call_kwargs(self, case):
            return {"app": app, "headers": {"Accept-Encoding": "identity"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # The same exclusions, for the same reasons, as the test above.
            excluded = []
            if case.path == "/v2/requests.{format}":
                excluded.append(positive_data_acceptance)
            if case.method == "POST":
                excluded.append(negative_data_rejection)
            case.validate_response(response, additional_checks=additional_checks, excluded_checks=excluded,
                                   transport_kwargs=kwargs or None, recorder=getattr(self, "recorder", None))

    Open311Workflow.run(settings=settings(max_examples=20, stateful_step_count=4, deadline=None,
                                          suppress_health_check=list(HealthCheck)))
