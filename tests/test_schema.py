from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import SchemaError
from kg.schema import load_schema


class TestLoadSchema:
    def test_entity_types(self) -> None:
        schema = load_schema()
        assert {"Element", "Material", "Country", "Firm", "Facility", "Policy", "Source"} <= set(schema.entities)

    def test_relation_types_from_design(self) -> None:
        schema = load_schema()
        for name in ["LOCATED_IN", "OPERATES", "OWNS", "HEADQUARTERED_IN", "PRODUCES", "CONSUMES",
                     "SUPPLIES", "CONTAINS", "FEEDS", "EXPORTS_TO", "HAS_RESERVES", "ISSUED_BY",
                     "TARGETS", "AFFECTS", "MENTIONS"]:
            assert name in schema.relations

    def test_domains_and_ranges_name_entity_types(self) -> None:
        schema = load_schema()
        for rel in schema.relations.values():
            assert set(rel.domain) <= set(schema.entities)
            assert set(rel.range) <= set(schema.entities)

    def test_prefixes_unique(self) -> None:
        schema = load_schema()
        assert len(schema.by_prefix) == len(schema.entities)

    def test_camel_case(self) -> None:
        assert load_schema().relation("HAS_RESERVES").camel == "hasReserves"

    def test_unknown_type(self) -> None:
        with pytest.raises(SchemaError, match="unknown entity type 'Mine'"):
            load_schema().entity("Mine")

    def test_type_of_id(self) -> None:
        assert load_schema().type_of_id("firm:lynas").name == "Firm"
        with pytest.raises(SchemaError, match="known type prefix"):
            load_schema().type_of_id("company:lynas")

    def test_bad_declaration_is_rejected(self, tmp_path: Path) -> None:
        bad = tmp_path / "schema.yaml"
        bad.write_text(
            "enums: {unit: {values: [t]}}\nclaim_properties: {}\n"
            "entities: {A: {prefix: a, properties: {x: {type: colour}}}}\nrelations: {}\n"
        )
        with pytest.raises(SchemaError, match="unknown value type 'colour'"):
            load_schema.__wrapped__(bad)

    def test_reference_range_must_name_entity_types(self, tmp_path: Path) -> None:
        bad = tmp_path / "schema.yaml"
        bad.write_text(
            "enums: {unit: {values: [t]}}\nclaim_properties: {}\n"
            "entities: {A: {prefix: a, properties: {x: {type: ref, range: Mine}}}}\nrelations: {}\n"
        )
        with pytest.raises(SchemaError, match=r"A\.x: range names unknown entity type 'Mine'"):
            load_schema.__wrapped__(bad)

    def test_references_know_their_prefixes(self) -> None:
        schema = load_schema()
        assert schema.entity("Region").properties["members"].prefixes == ("country",)
        assert schema.claim_properties["sources"].prefixes == ("source",)
