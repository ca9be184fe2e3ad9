"""Records to triples: the one place where an entity or a claim becomes RDF.

Each entity becomes a typed resource; each claim becomes both a plain triple
(``firm:lynas rekg:operates facility:mount-weld``) and a qualified claim node (n-ary
pattern, see ``docs/rdf.md``) that carries the qualifiers, ``prov:wasDerivedFrom`` its
sources, its confidence and validity dates. A *description* is one subject and its
(predicate, object) pairs; every serialiser (:mod:`kg.rdf.serializers`) writes
descriptions, so there is no second path from records to RDF.

:func:`describe_dataset` gives the VoID + DCAT description every export carries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD

from kg.errors import SchemaError
from kg.model import Claim, Entity
from kg.rdf.namespace import DCAT_VERSION, STANDARD_PREFIXES, WD, Lit, Obj, PropertyTerm, Vocab

__all__ = [
    "DATA_LICENSE",
    "Description",
    "GraphCounts",
    "describe",
    "describe_claim",
    "describe_dataset",
    "describe_entity",
    "dataset_iri",
]

#: One subject and its (predicate, object) pairs.
Description = tuple[str, list[tuple[str, Obj]]]

#: The licence of rekg's data (the project's choice; see README and data/README.md).
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"

_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_ALT = str(SKOS.altLabel)
_DERIVED = str(PROV.wasDerivedFrom)
_EXACT = str(SKOS.exactMatch)
_SDO_SAME = str(SDO.sameAs)
_CLAIM_FIELDS = ("confidence", "valid_from", "valid_to", "note", "quote", "span_start", "span_end",
                 "extractor")

_Emit = Callable[[Any], list[tuple[str, Obj]]]
#: How one property is written: its IRI and value converter, or (dates) an emitter of
#: several pairs.
_Entry = tuple[str, Callable[[Any], Obj], _Emit | None]


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    if prefix not in STANDARD_PREFIXES:
        raise SchemaError(f"align: {curie!r} uses an unknown prefix; expected one of "
                          f"{', '.join(STANDARD_PREFIXES)}")
    return STANDARD_PREFIXES[prefix] + local


class _Plan:
    """Per-vocabulary lookup tables, so the loop over records does dict lookups only."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.types: dict[str, list[tuple[str, Obj]]] = {}
        self.entity: dict[str, dict[str, _Entry]] = {}
        for name, etype in vocab.schema.entities.items():
            types: list[tuple[str, Obj]] = [(_TYPE, vocab.classes[name])]
            types += [(_TYPE, _expand(a)) for a in etype.align]
            self.types[name] = types
            self.entity[name] = {p: _entry(vocab, t) for p, t in vocab.entity_terms[name].items()}
        self.claim_head: dict[str, list[tuple[str, Obj]]] = {
            r: [(_TYPE, vocab.claim_class), (_TYPE, vocab.claim_classes[r]),
                (vocab.predicate, vocab.relation_props[r])]
            for r in vocab.schema.relations
        }
        self.relation: dict[str, dict[str, _Entry]] = {
            r: {p: _entry(vocab, t) for p, t in terms.items()}
            for r, terms in vocab.relation_terms.items()
        }
        self.claim: dict[str, _Entry] = {p: _entry(vocab, t) for p, t in vocab.claim_terms.items()}


def _entry(vocab: Vocab, term: PropertyTerm) -> _Entry:
    return term.iri, vocab.converter(term), vocab.emitter(term) if term.companions else None


_plans: dict[int, _Plan] = {}


def _plan(vocab: Vocab) -> _Plan:
    plan = _plans.get(id(vocab))
    if plan is None or plan.vocab is not vocab:
        plan = _plans[id(vocab)] = _Plan(vocab)
    return plan


def _values(table: dict[str, _Entry], props: dict[str, Any], owner: str,
            out: list[tuple[str, Obj]]) -> None:
    append = out.append
    for name, value in props.items():
        found = table.get(name)
        if found is None:
            raise SchemaError(f"{owner}: property {name!r} is not in the schema; "
                              "rebuild the graph after changing ontology/schema.yaml")
        iri, conv, emit = found
        if emit is not None:
            for v in value if type(value) is list else (value,):
                out.extend(emit(v))
        elif type(value) is list:
            out.extend([(iri, conv(v)) for v in value])
        else:
            append((iri, conv(value)))


def describe_entity(entity: Entity, vocab: Vocab) -> Description:
    """The triples of one entity, as its IRI and (predicate, object) pairs."""
    plan = _plan(vocab)
    pairs = list(plan.types[entity.type])
    pairs.append((_LABEL, Lit(entity.name)))
    pairs.extend((_ALT, Lit(a)) for a in entity.aliases)
    _values(plan.entity[entity.type], entity.properties, entity.id, pairs)
    qid = entity.properties.get("qid")
    if qid:
        pairs.append((_EXACT, WD + qid))
        pairs.append((_SDO_SAME, WD + qid))
    id_base = vocab.id_base
    pairs.extend((_DERIVED, id_base + s.replace(":", "/", 1)) for s in entity.sources)
    return id_base + entity.id.replace(":", "/", 1), pairs


def describe_claim(claim: Claim, vocab: Vocab) -> tuple[Description, Description]:
    """The qualified claim node and the plain triple of one claim."""
    plan = _plan(vocab)
    id_base = vocab.id_base
    subject = id_base + claim.subject.replace(":", "/", 1)
    obj = id_base + claim.object.replace(":", "/", 1)
    pairs = list(plan.claim_head[claim.predicate])
    pairs.append((vocab.subject, subject))
    pairs.append((vocab.object, obj))
    _values(plan.relation[claim.predicate], claim.properties, claim.id, pairs)
    pairs.extend((_DERIVED, id_base + s.replace(":", "/", 1)) for s in claim.sources)
    table = plan.claim
    for key in _CLAIM_FIELDS:
        value = getattr(claim, key)
        if value is not None:
            iri, conv, emit = table[key]
            if emit is not None:
                pairs.extend(emit(value))
            else:
                pairs.append((iri, conv(value)))
    node = id_base + claim.id.replace(":", "/", 1)
    return (node, pairs), (subject, [(vocab.relation_props[claim.predicate], obj)])


@dataclass
class GraphCounts:
    """What :func:`describe` saw: entities, claims and the sources, for the description."""

    entities: int = 0
    claims: int = 0
    sources: list[str] = field(default_factory=list)  # source entity ids


def describe(entities: Iterable[Entity], claims: Iterable[Claim], vocab: Vocab,
             counts: GraphCounts | None = None) -> Iterator[Description]:
    """Every description of a graph: entities first, then claim nodes and plain triples.

    A plain triple stated by several claims is described once per claim; the export
    removes the repeats (:mod:`kg.rdf.sorting`). ``counts``, when given, is filled in.
    """
    counts = counts if counts is not None else GraphCounts()
    for entity in entities:
        counts.entities += 1
        if entity.type == "Source":
            counts.sources.append(entity.id)
        yield describe_entity(entity, vocab)
    for claim in claims:
        counts.claims += 1
        node, plain = describe_claim(claim, vocab)
        yield node
        yield plain


def dataset_iri(vocab: Vocab) -> str:
    """The IRI of the dataset (the export as a whole): ``<base>dataset``."""
    return vocab.base + "dataset"


def describe_dataset(vocab: Vocab, counts: GraphCounts, triples: int, created: dt.datetime,
                     version: str) -> list[Description]:
    """The VoID + DCAT description of an export (its own triples included in ``triples``).

    ``triples`` counts the graph's distinct triples without the description;
    ``void:triples`` adds the description's own. The claim count is a VoID class
    partition (``void:class rekg:Claim``), the entity count ``void:entities``.
    """
    iri = dataset_iri(vocab)
    claims_part = iri + "#claims"
    integer = str(XSD.integer)
    stamp = created.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat()
    pairs: list[tuple[str, Obj]] = [
        (_TYPE, str(VOID.Dataset)),
        (_TYPE, str(DCAT.Dataset)),
        (str(DCTERMS.title), Lit("rekg: rare-earth supply chain knowledge graph")),
        (str(DCTERMS.description), Lit(
            "Elements, materials, countries, regions, firms, facilities, policies and sources "
            "of the rare-earth supply chain, and the claims between them, each with its "
            "sources, confidence and validity dates.")),
        (str(DCTERMS.license), DATA_LICENSE),
        (str(DCTERMS.created), Lit(stamp + "Z", str(XSD.dateTime))),
        (DCAT_VERSION, Lit(version)),
        (str(DCTERMS.conformsTo), f"{vocab.ontology_iri}/{vocab.schema.version}"),
        (str(VOID.vocabulary), vocab.term_base),
        (str(VOID.uriSpace), Lit(vocab.id_base)),
        (str(VOID.entities), Lit(str(counts.entities), integer)),
        (str(VOID.classPartition), claims_part),
    ]
    pairs += [(_DERIVED, vocab.entity_iri(s)) for s in sorted(set(counts.sources))]
    part: list[tuple[str, Obj]] = [
        (str(VOID["class"]), vocab.claim_class),
        (str(VOID.entities), Lit(str(counts.claims), integer)),
    ]
    own = len(pairs) + len(part) + 1  # + void:triples itself
    pairs.append((str(VOID.triples), Lit(str(triples + own), integer)))
    return [(iri, pairs), (claims_part, part)]

