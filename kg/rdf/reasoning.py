"""Reasoners over the ontology and an export: HermiT (OWL 2 DL) and an OWL 2 RL closure.

Both are run by the tests on the bundled data (``tests/rdf/test_reasoning.py``):

- :func:`hermit_check` loads ontology + data into owlready2 and runs HermiT (bundled with
  owlready2, on the installed Java). HermiT accepts only the datatypes of the OWL 2
  datatype map, so this also checks that the export uses no other. The result says
  whether the whole is consistent and which classes are unsatisfiable.
- :func:`owlrl_closure` expands ontology + data under the OWL 2 RL rules (owlrl) and
  reports the members of ``owl:Nothing`` and owlrl's inconsistency messages.

owlready2 and owlrl are development dependencies, imported here only when called.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL, RDF

__all__ = ["HermitReport", "RlReport", "hermit_check", "owlrl_closure"]


@dataclass
class HermitReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    message: str = ""


@dataclass
class RlReport:
    triples_before: int
    triples_after: int
    nothing: list[str] = field(default_factory=list)  # members of owl:Nothing
    errors: list[str] = field(default_factory=list)  # owlrl's inconsistency messages


def hermit_check(ontology: Graph, data: Graph) -> HermitReport:
    """Run HermiT on ``ontology`` + ``data`` (one owlready2 world, thrown away after).

    Raises owlready2's error when HermiT refuses the input (an unsupported datatype, a
    construct outside OWL 2 DL): that is a failure of the check, not a result.
    """
    import owlready2

    world = owlready2.World()
    with tempfile.TemporaryDirectory(prefix="rekg-hermit-") as tmp:
        path = Path(tmp) / "whole.nt"
        (ontology + data).serialize(path, format="nt", encoding="utf-8")
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return HermitReport(False, message=str(exc))
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes())
    return HermitReport(True, unsatisfiable)


def owlrl_closure(ontology: Graph, data: Graph) -> tuple[Graph, RlReport]:
    """The OWL 2 RL closure of ``ontology`` + ``data`` and what it found."""
    import owlrl

    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    for triple in data:
        graph.add(triple)
    before = len(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(graph)
    error_type = owlrl.Closure.ERRNS.ErrorMessage
    errors = sorted(str(graph.value(node, owlrl.Closure.ERRNS.error))
                    for node in graph.subjects(RDF.type, error_type))
    nothing = sorted(str(s) for s in graph.subjects(RDF.type, OWL.Nothing))
    return graph, RlReport(before, len(graph), nothing, errors)
