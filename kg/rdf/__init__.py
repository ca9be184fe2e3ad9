"""RDF for rekg: the OWL ontology and SHACL shapes generated from the schema, validated
export to N-Triples / Turtle / JSON-LD with a dataset description, and SPARQL over the
export.

Modules, from the bottom up: ``namespace`` (IRIs, terms, value → RDF), ``triples``
(records → triples, the one such path), ``sorting`` (external merge sort of lines),
``serializers`` (N-Triples lines, Turtle, JSON-LD), ``export`` (the pipeline),
``ontology`` and ``shapes`` (generators), ``generated`` (the checked-in files),
``validate`` (pySHACL), ``sparql`` (pyoxigraph), ``reasoning`` (HermiT, OWL-RL),
``resource`` (one entity's description, for ``GET /id/...``).
See ``docs/rdf.md`` for the IRI scheme and the claim pattern. (The function
``kg.rdf.export.export`` is not re-exported here: it would hide the module.)
"""

from __future__ import annotations

from kg.rdf.export import FORMATS, export_to_path, write_ntriples
from kg.rdf.generated import drifted, write_generated
from kg.rdf.namespace import DEFAULT_BASE_IRI, Lit, Vocab, vocab_for
from kg.rdf.ontology import build_ontology
from kg.rdf.serializers import jsonld_context, write_jsonld, write_turtle
from kg.rdf.shapes import build_shapes
from kg.rdf.triples import describe

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
