"""Issue 13, defect 10: schemathesis against the API on the Neo4j store (the embedded store's
run is tests/api/test_schemathesis.py): no server error, every response as documented.
A bounded number of examples per operation keeps it to a minute or two."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from api import create_app
from kg.config import Settings
from tests.conftest import FIXTURE_FILES, FIXTURES, _neo4j_store

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def neo4j_api():
    from loaders.datasets import load_file

    store = _neo4j_store()
    for name in FIXTURE_FILES:
        store.write(load_file(FIXTURES / name))
    app = create_app(Settings(api_key=SecretStr("schemathesis-key"), cypher_timeout=3), store=store)
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    finally:
        store.close()


schema = schemathesis.pytest.from_fixture("neo4j_api")


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_on_neo4j_conforms_to_its_schema(case) -> None:
    from fastapi.testclient import TestClient

    with TestClient(case.operation.schema.app):
        case.call_and_validate(headers={"X-API-Key": "schemathesis-key"},
                               excluded_checks=[positive_data_acceptance, negative_data_rejection])
