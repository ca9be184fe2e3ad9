"""Serialisers: descriptions to N-Triples lines, and sorted N-Triples to Turtle and JSON-LD.

The export (:mod:`kg.rdf.export`) writes every format from one sorted, duplicate-free
N-Triples stream, so all formats hold exactly the same triples, none of them twice.

- N-Triples lines are formatted here from :mod:`kg.rdf.triples` descriptions, as
  records for :mod:`kg.rdf.sorting` (a ``"<subject> "`` head and line rests).
- Turtle is pyoxigraph's serializer with the rekg prefixes (``bench/rdf_export.py``
  measured it against the hand-written writer it replaced: see ``bench/README.md``).
- JSON-LD is written here: pyoxigraph's JSON-LD writer gives expanded IRIs, while rekg's
  JSON-LD uses the short terms of ``ontology/context.jsonld`` (``"atomicNumber"``,
  ``"rekgid:firm/lynas"``), which no library here compacts in a stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import pyoxigraph as ox
from rdflib.namespace import RDF, XSD

from kg.rdf.namespace import STANDARD_PREFIXES, WD, Lit, Obj, Vocab
from kg.rdf.sorting import Record
from kg.rdf.triples import Description

__all__ = [
    "jsonld_context",
    "nt_record",
    "nt_records",
    "read_sorted",
    "write_jsonld",
    "write_turtle",
]

_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)

# -- N-Triples ---------------------------------------------------------------------------
_NT_ESCAPE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _escape(text: str) -> str:
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        return text.translate(_NT_ESCAPE)
    return text


_PRED: dict[str, str] = {}
_TAIL: dict[str | None, str] = {None: '" .\n', _XSD_STRING: '" .\n'}


def nt_record(description: Description) -> Record:
    """One description as an N-Triples record: ``("<subject> ", ["<p> o .\\n", …])``."""
    subject, pairs = description
    rests: list[str] = []
    append = rests.append
    pred_cache, tail_cache = _PRED, _TAIL
    for pred, obj in pairs:
        p = pred_cache.get(pred)
        if p is None:
            p = pred_cache[pred] = f"<{pred}> "
        if isinstance(obj, str):
            append(p + "<" + obj + "> .\n")
            continue
        lexical, datatype = obj
        tail = tail_cache.get(datatype)
        if tail is None:
            tail = tail_cache[datatype] = f'"^^<{datatype}> .\n'
        append(p + '"' + _escape(lexical) + tail)
    return "<" + subject + "> ", rests


def nt_records(descriptions: Iterable[Description]) -> Iterator[Record]:
    """:func:`nt_record` of each description."""
    return map(nt_record, descriptions)


def read_sorted(path: Path) -> Iterator[tuple[str, list[tuple[str, Obj]]]]:
    """The triples of a sorted N-Triples file, grouped by subject, as descriptions
    (parsed by pyoxigraph)."""
    with path.open("rb") as fh:
        triples = ox.parse(fh, format=ox.RdfFormat.N_TRIPLES)
        for subject, group in groupby(triples, key=lambda t: t.subject):
            pairs: list[tuple[str, Obj]] = []
            for t in group:
                o = t.object
                if isinstance(o, ox.NamedNode):
                    pairs.append((t.predicate.value, o.value))
                else:
                    dtype = o.datatype.value
                    pairs.append((t.predicate.value,
                                  Lit(o.value, None if dtype == _XSD_STRING else dtype)))
            yield subject.value, pairs


# -- Turtle ------------------------------------------------------------------------------
def write_turtle(sorted_nt: Path, out: BinaryIO, vocab: Vocab) -> None:
    """Turtle of a sorted N-Triples file with the rekg prefixes (pyoxigraph's serializer,
    streamed: each subject's triples are consecutive, so they share one block)."""
    with sorted_nt.open("rb") as fh:
        ox.serialize(ox.parse(fh, format=ox.RdfFormat.N_TRIPLES), out,
                     format=ox.RdfFormat.TURTLE, prefixes=dict(vocab.prefixes))


# -- JSON-LD ----------------------------------------------------------------------------
def jsonld_context(vocab: Vocab) -> dict[str, Any]:
    """The JSON-LD context (``ontology/context.jsonld``): prefixes, class and property terms.

    Entity ids are compact IRIs under ``rekgid:`` (``rekgid:firm/lynas``) and concepts
    under ``rekgv:`` (``rekgv:stage/mining``), so no prefix can clash with a term.
    """
    ctx: dict[str, Any] = {p: ns for p, ns in STANDARD_PREFIXES.items() if p != "sh"}
    ctx["rekg"] = vocab.term_base
    ctx["rekgid"] = vocab.id_base
    ctx["rekgv"] = vocab.vocab_base
    for name in vocab.schema.entities:
        ctx[name] = f"rekg:{name}"
    ctx["Claim"] = "rekg:Claim"
    for iri in vocab.claim_classes.values():
        local = iri[len(vocab.term_base):]
        ctx[local] = f"rekg:{local}"
    ctx["label"] = {"@id": "rdfs:label"}
    ctx["altLabel"] = {"@id": "skos:altLabel"}
    ctx["wasDerivedFrom"] = {"@id": "prov:wasDerivedFrom", "@type": "@id"}
    ctx["exactMatch"] = {"@id": "skos:exactMatch", "@type": "@id"}
    for local in ("subject", "predicate", "object"):
        ctx[local] = {"@id": f"rekg:{local}", "@type": "@id"}
    for rel in vocab.schema.relations.values():
        ctx[rel.camel] = {"@id": f"rekg:{rel.camel}", "@type": "@id"}
    terms = sorted({t.local: t for t in vocab.all_terms()}.values(), key=lambda t: t.local)
    for term in terms:
        definition: dict[str, str] = {"@id": f"rekg:{term.local}"}
        if term.kind == "object":
            definition["@type"] = "@id"
        elif term.datatype and term.datatype != _XSD_STRING:
            definition["@type"] = "xsd:" + term.datatype.rsplit("#", 1)[1]
        ctx[term.local] = definition
    return ctx


class _JsonLdTerms:
    def __init__(self, vocab: Vocab, ctx: dict[str, Any]) -> None:
        self.vocab = vocab
        expand = {p: ns for p, ns in ctx.items() if isinstance(ns, str) and ns.endswith(("/", "#"))}
        # predicate IRI -> (key, coercion: "@id", a datatype IRI, or None)
        self.keys: dict[str, tuple[str, str | None]] = {}
        self.types: dict[str, str] = {}
        for key, value in ctx.items():
            if isinstance(value, str) and not value.endswith(("/", "#")):
                prefix, _, local = value.partition(":")
                self.types[expand[prefix] + local] = key
            elif isinstance(value, dict):
                prefix, _, local = value["@id"].partition(":")
                coerce = value.get("@type")
                if coerce and coerce != "@id":
                    cp, _, cl = coerce.partition(":")
                    coerce = expand[cp] + cl
                self.keys[expand[prefix] + local] = (key, coerce)
        self.compact_ns = [(vocab.id_base, "rekgid:"), (vocab.vocab_base, "rekgv:"),
                           (vocab.term_base, "rekg:"), (WD, "wd:")]
        self.compact_ns += [(ns, p + ":") for p, ns in STANDARD_PREFIXES.items() if p != "sh"]

    def iri(self, iri: str) -> str:
        for ns, prefix in self.compact_ns:
            if iri.startswith(ns):
                return prefix + iri[len(ns):]
        return iri

    def value(self, obj: Obj, coerce: str | None) -> Any:
        if isinstance(obj, str):
            return self.iri(obj) if coerce == "@id" else {"@id": self.iri(obj)}
        lexical, datatype = obj
        datatype = datatype or _XSD_STRING
        if coerce == datatype or (coerce is None and datatype == _XSD_STRING):
            return lexical
        return {"@value": lexical, "@type": self.iri(datatype)}

    def node(self, subject: str, pairs: list[tuple[str, Obj]]) -> dict[str, Any]:
        node: dict[str, Any] = {"@id": self.iri(subject)}
        types = [self.types.get(o, self.iri(o)) for p, o in pairs if p == _TYPE and isinstance(o, str)]
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for pred, obj in pairs:
            if pred == _TYPE:
                continue
            key, coerce = self.keys.get(pred, (self.iri(pred), None))
            value = self.value(obj, coerce)
            if key in node:
                if not isinstance(node[key], list):
                    node[key] = [node[key]]
                node[key].append(value)
            else:
                node[key] = value
        return node


def write_jsonld(descriptions: Iterable[Description], out: TextIO, vocab: Vocab) -> int:
    """Write JSON-LD (a ``@graph`` of node objects, the context inline); returns triples."""
    ctx = jsonld_context(vocab)
    terms = _JsonLdTerms(vocab, ctx)
    out.write('{\n"@context": ')
    out.write(json.dumps(ctx, ensure_ascii=False, indent=1))
    out.write(',\n"@graph": [')
    written = 0
    sep = "\n"
    for subject, pairs in descriptions:
        out.write(sep + json.dumps(terms.node(subject, pairs), ensure_ascii=False))
        sep = ",\n"
        written += len(pairs)
    out.write("\n]\n}\n")
    return written
