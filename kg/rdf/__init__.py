"""RDF for rekg: the OWL ontology and SHACL shapes generated from the schema, validated
export to N-Triples / Turtle / JSON-LD, and SPARQL over the export.

See ``docs/rdf.md`` for the IRI scheme and the claim pattern. (The function
``kg.rdf.export.export`` is not re-exported here: it would hide the module.)
"""

from __future__ import annotations

from kg.rdf.export import (
    FORMATS,
    describe,
    export_to_path,
    jsonld_context,
    write_jsonld,
    write_ntriples,
    write_turtle,
)
from kg.rdf.namespace import DEFAULT_BASE_IRI, Lit, Vocab, vocab_for
from kg.rdf.ontology import build_ontology, drifted, write_generated
from kg.rdf.shapes import build_shapes

__all__ = [
    "DEFAULT_BASE_IRI",
    "FORMATS",
    "Lit",
    "Vocab",
    "build_ontology",
    "build_shapes",
    "describe",
    "drifted",
    "export_to_path",
    "jsonld_context",
    "vocab_for",
    "write_generated",
    "write_jsonld",
    "write_ntriples",
    "write_turtle",
]
