"""The files generated from ``ontology/schema.yaml``: ``rekg.ttl`` (OWL), ``shapes.ttl``
(SHACL) and ``context.jsonld`` (JSON-LD context) — writing them, and detecting drift.

This module sits above :mod:`kg.rdf.ontology`, :mod:`kg.rdf.shapes` and
:mod:`kg.rdf.serializers`, which do not import one another's generators.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from kg.config import ONTOLOGY_DIR
from kg.rdf.namespace import Vocab
from kg.rdf.ontology import ontology_turtle
from kg.rdf.serializers import jsonld_context
from kg.rdf.shapes import shapes_turtle

__all__ = ["ONTOLOGY_DIR", "drifted", "generated_files", "graphs_equal", "write_generated"]



def graphs_equal(a: Graph, b: Graph) -> bool:
    """Whether two graphs hold the same triples (blank nodes matched up)."""
    return len(a) == len(b) and isomorphic(a, b)


def generated_files(vocab: Vocab) -> dict[str, str]:
    """File name (under ``ontology/``) → text, for every file generated from the schema."""
    context = {"@context": jsonld_context(vocab)}
    return {
        "rekg.ttl": ontology_turtle(vocab),
        "shapes.ttl": shapes_turtle(vocab),
        "context.jsonld": json.dumps(context, ensure_ascii=False, indent=2) + "\n",
    }


def drifted(vocab: Vocab, directory: Path = ONTOLOGY_DIR) -> list[str]:
    """Names of generated files that are missing or differ from what the schema gives."""
    out = []
    for name, text in generated_files(vocab).items():
        path = directory / name
        # The files are generated, never edited: any difference from the generated text is
        # drift (an rdflib upgrade that reformats them is fixed by regenerating).
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            out.append(name)
    return out


def write_generated(vocab: Vocab, directory: Path = ONTOLOGY_DIR) -> list[Path]:
    """Write every generated file into ``directory``; returns their paths."""
    written = []
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in generated_files(vocab).items():
        path = directory / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(path)
        written.append(path)
    return written
