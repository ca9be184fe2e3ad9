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
from tests.conftest import FIXTURE_FILES, FIXTURES, neo4j_test_uri

pytestmark = pytest.mark.neo4j

URI = neo4j_test_uri()
if not URI:
    pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI",
                allow_module_level=True)

SETTINGS = Settings(api_key=SecretStr("schemathesis-key"), cypher_timeout=3, neo4j_uri=URI,
                    neo4j_password=SecretStr("unused-auth-off"))
APP = create_app(SETTINGS)  # the lifespan opens the Neo4j store, as `rekg serve` does
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
_LOADED: list[bool] = []


def _load_fixtures_once() -> None:
    """The other Neo4j tests clear the database; this module's cases run one after another,
    so the fixture graph is written before its first case."""
    if _LOADED:
        return
    from kg.store.neo4j import Neo4jStore
    from loaders.datasets import load_file

    with Neo4jStore.from_settings(SETTINGS) as store:
        store.clear()
        for name in FIXTURE_FILES:
            store.write(load_file(FIXTURES / name))
    _LOADED.append(True)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_on_neo4j_conforms_to_its_schema(case) -> None:
    from fastapi.testclient import TestClient

    _load_fixtures_once()
    with TestClient(APP):
        case.call_and_validate(headers={"X-API-Key": "schemathesis-key"},
                               excluded_checks=[positive_data_acceptance, negative_data_rejection])
