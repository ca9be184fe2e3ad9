"""Property-based API testing against the app's own OpenAPI: no server error, no response
that breaks its schema (schemathesis, in-process over ASGI, embedded store).

Writes are exercised too (the fixture app has an API key configured and sends it).
Two of schemathesis's default checks are left out on purpose: a request that fits the
schema may still be refused with a documented 400 when its *meaning* is wrong (the date
0000-68-83, a year with no data), and pydantic accepts lax forms such as ``0`` for false.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from api import create_app
from kg.config import Settings
from kg.model import Batch
from kg.store.memory import MemoryStore
from tests.conftest import FIXTURE_FILES, FIXTURES


def _app():
    from loaders.datasets import load_file

    merged = Batch(origin="fixtures")
    for name in FIXTURE_FILES:
        merged.extend(load_file(FIXTURES / name))
    store = MemoryStore()
    store.write(merged)
    return create_app(Settings(api_key=SecretStr("schemathesis-key")), store=store)


APP = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case) -> None:
    from fastapi.testclient import TestClient

    with TestClient(APP):  # runs the lifespan so the store is on app.state
        case.call_and_validate(headers={"X-API-Key": "schemathesis-key"},
                               excluded_checks=[positive_data_acceptance, negative_data_rejection])
