"""One resource of the graph as RDF: what ``GET /id/{type}/{slug}`` serves.

An entity's description is its own triples, every claim it is the subject or object of
(the claim node and the plain triple), and the label and type of each entity those
claims link it to, so a reader can name its neighbours without another request. A claim
IRI (``id/claim/<hash>``) gives the claim node, its plain triple and its two ends' labels.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib.namespace import RDF, RDFS

from kg.errors import NotFoundError
from kg.model import Claim, Entity
from kg.rdf.namespace import Lit, Obj, Vocab
from kg.rdf.serializers import nt_record, write_jsonld
from kg.rdf.triples import Description, describe_claim, describe_entity
from kg.store.base import Store

__all__ = ["resource_descriptions", "serialize"]

_TYPE = str(RDF.type)


def _label(entity: Entity, vocab: Vocab) -> Description:
    return vocab.entity_iri(entity.id), [(_TYPE, vocab.classes[entity.type]),
                                         (str(RDFS.label), Lit(entity.name))]


def _merge(descriptions: Iterable[Description]) -> list[Description]:
    """Descriptions of one subject merged, each pair once, subjects and pairs sorted."""
    merged: dict[str, set[tuple[str, Obj]]] = {}
    for subject, pairs in descriptions:
        merged.setdefault(subject, set()).update(pairs)
    return [(s, sorted(merged[s], key=repr)) for s in sorted(merged)]


def resource_descriptions(store: Store, resource_id: str, vocab: Vocab) -> list[Description]:
    """The descriptions served for ``resource_id`` (``firm:lynas`` or ``claim:<hash>``);
    raises :class:`NotFoundError` when the graph has no such entity or claim."""
    out: list[Description] = []
    if resource_id.startswith("claim:"):
        claim = next((c for c in store.claims() if c.id == resource_id), None)
        if claim is None:
            raise NotFoundError(f"no claim with id {resource_id!r} in the graph")
        claims: list[Claim] = [claim]
        ends = {claim.subject, claim.object}
    else:
        entity = store.get(resource_id)
        if entity is None:
            raise NotFoundError(f"no entity with id {resource_id!r}; try GET /search?q=")
        out.append(describe_entity(entity, vocab))
        claims = list(store.claims(subject=resource_id)) + list(store.claims(object=resource_id))
        ends = {c.subject for c in claims} | {c.object for c in claims}
        ends.discard(resource_id)
    for claim in claims:
        out.extend(describe_claim(claim, vocab))
    for other in sorted(ends):
        neighbour = store.get(other)
        if neighbour is not None:
            out.append(_label(neighbour, vocab))
    return _merge(out)


def serialize(descriptions: list[Description], fmt: str, vocab: Vocab) -> bytes:
    """A few descriptions as N-Triples (sorted), Turtle or JSON-LD, like the export."""
    lines = sorted({head + rest for head, rests in map(nt_record, descriptions) for rest in rests})
    nt = "".join(lines).encode("utf-8")
    if fmt == "nt":
        return nt
    if fmt == "ttl":
        turtle = io.BytesIO()
        ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), turtle,
                     format=ox.RdfFormat.TURTLE, prefixes=dict(vocab.prefixes))
        return turtle.getvalue()
    buf = io.StringIO()
    write_jsonld(descriptions, buf, vocab)
    return buf.getvalue().encode("utf-8")
