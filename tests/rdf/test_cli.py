"""The RDF commands through the CLI (typer's runner on the ``rekg`` app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kg.model import Batch
from kg.rdf.generated import ONTOLOGY_DIR
from kg.store.memory import MemoryStore


@pytest.fixture
def app() -> typer.Typer:
    from kg.cli import app as main_app

    return main_app


@pytest.fixture
def env(tmp_path: Path, fixture_batch: Batch, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    home = tmp_path / "home"
    MemoryStore(home / "graph.json").write(fixture_batch)
    for key in ("REKG_NEO4J_URI", "REKG_BASE_IRI"):
        monkeypatch.delenv(key, raising=False)
    return {"REKG_HOME": str(home)}


def run(app: typer.Typer, env: dict[str, str], *args: str):  # noqa: ANN201
    return CliRunner().invoke(app, list(args), env=env)


def test_export_to_stdout_and_file(app: typer.Typer, env: dict[str, str], tmp_path: Path) -> None:
    out = run(app, env, "export", "--format", "nt")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines == sorted(lines) and len(lines) > 100
    target = tmp_path / "g.ttl"
    done = run(app, env, "export", "-f", "ttl", "-o", str(target), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["path"] == str(target)
    assert "@prefix rekg: <https://w3id.org/rekg/ontology#> ." in target.read_text(encoding="utf-8")


def test_export_rejects_unknown_format(app: typer.Typer, env: dict[str, str]) -> None:
    assert run(app, env, "export", "--format", "xml").exit_code == 2


def test_validate_conforms(app: typer.Typer, env: dict[str, str]) -> None:
    out = run(app, env, "validate", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["conforms"] is True


def test_sparql_query_text_and_file(app: typer.Typer, env: dict[str, str], tmp_path: Path) -> None:
    query = "SELECT ?f WHERE { firm:lynas rekg:operates ?f } ORDER BY ?f"
    out = run(app, env, "sparql", query, "--format", "csv")
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[1:] == [
        "https://w3id.org/rekg/id/facility/lynas-malaysia", "https://w3id.org/rekg/id/facility/mount-weld"]
    path = tmp_path / "q.rq"
    path.write_text(query, encoding="utf-8")
    table = run(app, env, "sparql", str(path))
    assert table.exit_code == 0 and "facility:mount-weld" in table.stdout
    as_json = run(app, env, "sparql", str(path), "-f", "json")
    assert len(json.loads(as_json.stdout)["results"]["bindings"]) == 2


def test_sparql_syntax_error_exits_2(app: typer.Typer, env: dict[str, str]) -> None:
    out = run(app, env, "sparql", "SELECT nonsense")
    assert out.exit_code == 2 and "SPARQL query" in out.output


def test_ontology_check_and_regenerate(app: typer.Typer, env: dict[str, str], tmp_path: Path) -> None:
    assert run(app, env, "ontology", "--check").exit_code == 0
    target = tmp_path / "onto"
    assert run(app, env, "ontology", "--check", "--dir", str(target)).exit_code == 1
    assert run(app, env, "ontology", "--dir", str(target)).exit_code == 0
    for name in ("rekg.ttl", "shapes.ttl", "context.jsonld"):
        assert (target / name).read_text(encoding="utf-8") == (ONTOLOGY_DIR / name).read_text(
            encoding="utf-8")
    assert run(app, env, "ontology", "--check", "--dir", str(target)).exit_code == 0
