"""Validate RDF against the rekg SHACL shapes with pyshacl.

``validate_store`` exports the store (N-Triples), parses it with rdflib and runs
pyshacl with the shapes generated from the schema. The report lists every
violation with its focus node, path, offending value and the shape's message.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.rdf.export import write_ntriples
from kg.rdf.namespace import Vocab
from kg.rdf.shapes import build_shapes
from kg.store.base import Store

__all__ = ["ValidationResult", "ValidationReport", "validate_graph", "validate_store"]


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: which node broke which shape, and what to do about it."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    shape: str
    constraint: str

    def to_json(self) -> dict[str, Any]:
        return {"focus": self.focus, "path": self.path, "value": self.value,
                "message": self.message, "severity": self.severity, "shape": self.shape,
                "constraint": self.constraint}


@dataclass
class ValidationReport:
    conforms: bool
    triples: int
    results: list[ValidationResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"conforms": self.conforms, "triples": self.triples,
                "violations": len(self.results),
                "results": [r.to_json() for r in self.results]}


def _short(node: Any, vocab: Vocab | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef) and vocab is not None:
        return vocab.qname(str(node)) or str(node)
    return str(node)


def validate_graph(data: Graph, shapes: Graph, vocab: Vocab | None = None, *,
                   inference: Literal["none", "rdfs"] = "none",
                   ontology: Graph | None = None) -> ValidationReport:
    """Validate ``data`` against ``shapes``.

    The export states types explicitly, so no inference is needed (``inference="none"``).
    With ``inference="rdfs"`` and the ``ontology``, pySHACL first closes the data under
    RDFS (as GraphDB or Stardog users run it); the shapes hold either way.
    """
    conforms, results_graph, _ = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference=inference,
        abort_on_first=False, allow_warnings=False, meta_shacl=False, advanced=True,
    )
    results = []
    for node in results_graph.subjects(RDF.type, SH.ValidationResult):
        def one(pred: URIRef, node: Any = node) -> Any:
            return results_graph.value(node, pred)
        path = one(SH.resultPath)
        results.append(ValidationResult(
            focus=_short(one(SH.focusNode), vocab) or "",
            path=_short(path, vocab) if isinstance(path, URIRef) else (str(path) if path else None),
            value=_short(one(SH.value), vocab),
            message=str(one(SH.resultMessage) or "constraint violated"),
            severity=str(one(SH.resultSeverity)).rsplit("#", 1)[-1],
            shape=_short(one(SH.sourceShape), vocab) or "",
            constraint=str(one(SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
        ))
    results.sort(key=lambda r: (r.focus, r.shape, r.path or "", r.value or ""))
    return ValidationReport(bool(conforms), len(data), results)


def validate_store(store: Store, vocab: Vocab, shapes: Graph | None = None) -> ValidationReport:
    """Export ``store`` and validate the export against the shapes of ``vocab``'s schema."""
    with tempfile.TemporaryDirectory(prefix="rekg-validate-") as tmp:
        path = Path(tmp) / "export.nt"
        with path.open("wb") as fh:
            write_ntriples(store.entities(), store.claims(), fh, vocab)
        data = Graph().parse(path, format="nt")
    return validate_graph(data, shapes if shapes is not None else build_shapes(vocab), vocab)
