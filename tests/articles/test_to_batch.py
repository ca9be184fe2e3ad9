"""Article batches into the store, and the CLI's extract command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import DataError
from kg.store.memory import MemoryStore
from loaders.articles import build_article_batches, load_article_file
from tests.articles.fixture import ARTICLES_DIR, data_batch

SEED = ARTICLES_DIR / "seed-2025-us-china-truce.md"


class TestBatch:
    def test_only_the_source_entity(self, graph: MemoryStore) -> None:
        (batch,) = load_article_file(SEED, graph)
        assert [e.type for e in batch.entities] == ["Source"]
        source = batch.entities[0]
        assert source.properties["kind"] == "article"
        assert source.properties["url"].startswith("https://rareearthexchanges.com/")
        mentions = {c.object: c for c in batch.claims if c.predicate == "MENTIONS"}
        assert mentions["country:CN"].properties["count"] >= 8
        for claim in batch.claims:
            assert claim.sources == [source.id]
            assert claim.extractor == "rekg-patterns/0.3"
            assert claim.quote and claim.span_start is not None and claim.span_end is not None
            assert 0 < claim.confidence <= 1

    def test_write_adds_beside_curated_data(self, graph: MemoryStore) -> None:
        before = {c.id: c for c in graph.claims()}
        entities_before = {e.id: e for e in graph.entities()}
        for batch in load_article_file(SEED, graph):
            graph.write(batch)
        after = {c.id: c for c in graph.claims()}
        assert all(after[cid] == claim for cid, claim in before.items())  # nothing overwritten
        assert {e.id: e for e in graph.entities() if e.type != "Source" or e.id in entities_before} \
            == entities_before
        regime = [c for c in graph.claims(subject="policy:cn-export-control-law-2020", predicate="ISSUED_BY")]
        assert len(regime) == 2  # the curated claim and the article's, each with its source
        # loading twice changes nothing
        for batch in load_article_file(SEED, graph):
            graph.write(batch)
        assert {c.id for c in graph.claims()} == set(after)

    def test_source_needs_url_and_date(self, graph: MemoryStore, tmp_path: Path) -> None:
        path = tmp_path / "plain.txt"
        path.write_text("China met the U.S.\n", encoding="utf-8")
        with pytest.raises(DataError, match="no 'url'.*header block"):
            load_article_file(path, graph)

    def test_skipped_entries_are_reported(self, graph: MemoryStore, tmp_path: Path) -> None:
        path = tmp_path / "a.jsonl"
        path.write_text('{"url": "https://example.org/1", "published": "2025-06-11", "title": "t", '
                        '"text": "China and Australia."}\n{broken\n', encoding="utf-8")
        skipped: list[dict[str, str]] = []
        batches = load_article_file(path, graph, skipped=skipped)
        assert len(batches) == 1 and skipped[0]["where"].endswith(":2")

    def test_build_from_entities(self) -> None:
        fx = data_batch()
        batches = build_article_batches([SEED], fx.entities, fx.claims)
        store = MemoryStore()
        fx.extend(batches[0])
        store.replace_all(fx)
        # 8 named entities plus the group concept "rare earths" (material:rare-earths)
        assert store.stats().relations["MENTIONS"] == 9


class TestCli:
    def test_extract_json(self, graph: MemoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("REKG_HOME", str(tmp_path))
        monkeypatch.delenv("REKG_NEO4J_URI", raising=False)
        before = (tmp_path / "graph.json").read_bytes()
        result = CliRunner().invoke(app, ["extract", str(SEED), "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert set(data) >= {"source", "entities", "candidates", "relations"}
        assert data["source"]["published"] == "2025-06"
        rel = data["relations"][0]
        assert set(rel) >= {"subject", "predicate", "object", "properties", "evidence", "confidence"}
        assert set(rel["evidence"]) == {"sentence", "start", "end"}
        ent = next(e for e in data["entities"] if e["id"] == "country:CN")
        assert ent["mentions"][0] == {"start": ent["mentions"][0]["start"],
                                      "end": ent["mentions"][0]["start"] + 5, "text": "China"}
        assert (tmp_path / "graph.json").read_bytes() == before  # nothing written

    def test_extract_bad_file(self, graph: MemoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("REKG_HOME", str(tmp_path))
        empty = tmp_path / "empty.md"
        empty.write_text("", encoding="utf-8")
        result = CliRunner().invoke(app, ["extract", str(empty), "--json"])
        assert result.exit_code == 2


def test_relations_to_candidates_stay_out_of_the_batch(gaz) -> None:  # type: ignore[no-untyped-def]
    """A relation with a candidate end is reported (JSON) but never becomes a claim."""
    from loaders.articles import Article, article_batch, extract_article

    text = ("The loan comes out of the government's Critical Minerals Facility, "
            "run through Export Finance Australia.")
    x = extract_article(Article(text=text, where="t", url="https://example.org/cmf", title="t",
                                published="2024-03-15"), gaz)
    ends = {(r.subject, r.object) for r in x.relations}
    assert ("candidate:Policy:Critical Minerals Facility", "firm:au-efa") in ends
    batch = article_batch(x)
    assert all(not c.subject.startswith("candidate:") and not c.object.startswith("candidate:")
               for c in batch.claims)
