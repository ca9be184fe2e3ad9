"""Export the graph as RDF: N-Triples (streamed, sorted), Turtle and JSON-LD.

The export reads only through the :class:`~kg.store.base.Store` interface, so it
works for every store. Each entity becomes a typed resource; each claim becomes
both a plain triple (``firm:lynas rekg:operates facility:mount-weld``) and a
qualified claim node (n-ary pattern, see ``docs/rdf.md``) that carries the
qualifiers, ``prov:wasDerivedFrom`` its sources, its confidence and validity dates.

N-Triples are written with constant memory: triples are formatted while the store
is read, sorted in chunks of ``chunk_lines`` lines spilled to temporary files, and
the chunks are merged block by block into the output, dropping duplicates. The
result is sorted by code point (the order of ``LC_ALL=C sort -u``), so the same
graph always gives a byte-identical file.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal, TextIO

from rdflib.namespace import OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

from kg.errors import RekgError, SchemaError
from kg.model import Claim, Entity
from kg.rdf.namespace import (
    DATE_TYPES,
    LITERAL_ENUMS,
    STANDARD_PREFIXES,
    WD,
    Lit,
    Obj,
    Vocab,
    decimal_lexical,
)

__all__ = [
    "Description",
    "Format",
    "FORMATS",
    "describe",
    "describe_entity",
    "describe_claim",
    "jsonld_context",
    "ntriples_lines",
    "ntriples_records",
    "write_ntriples",
    "write_sorted",
    "write_turtle",
    "write_jsonld",
    "export",
    "export_to_path",
]

Format = Literal["nt", "ttl", "jsonld"]
FORMATS: tuple[str, ...] = ("nt", "ttl", "jsonld")

#: One subject and its (predicate, object) pairs.
Description = tuple[str, list[tuple[str, Obj]]]

_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_ALT = str(SKOS.altLabel)
_DERIVED = str(PROV.wasDerivedFrom)
_SAME = str(OWL.sameAs)
_SDO_SAME = str(SDO.sameAs)
_XSD_STRING = str(XSD.string)

_Conv = Callable[[Any], Obj]
_CLAIM_FIELDS = ("confidence", "valid_from", "valid_to", "note", "quote", "span_start", "span_end",
                 "extractor")


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    if prefix not in STANDARD_PREFIXES:
        raise SchemaError(f"align: {curie!r} uses an unknown prefix; expected one of "
                          f"{', '.join(STANDARD_PREFIXES)}")
    return STANDARD_PREFIXES[prefix] + local


class _Plan:
    """Per-vocabulary lookup tables, so the hot loop does dict lookups only."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.types: dict[str, list[tuple[str, Obj]]] = {}
        self.entity: dict[str, dict[str, tuple[str, _Conv]]] = {}
        for name, etype in vocab.schema.entities.items():
            self.types[name] = [(_TYPE, vocab.classes[name])] + [
                (_TYPE, _expand(a)) for a in etype.align
            ]
            self.entity[name] = {
                p: (t.iri, vocab.converter(t)) for p, t in vocab.entity_terms[name].items()
            }
        self.claim_head: dict[str, list[tuple[str, Obj]]] = {
            r: [(_TYPE, vocab.claim_class), (_TYPE, vocab.claim_classes[r]),
                (vocab.predicate, vocab.relation_props[r])]
            for r in vocab.schema.relations
        }
        self.relation: dict[str, dict[str, tuple[str, _Conv]]] = {
            r: {p: (t.iri, vocab.converter(t)) for p, t in terms.items()}
            for r, terms in vocab.relation_terms.items()
        }
        self.claim: dict[str, tuple[str, _Conv]] = {
            p: (t.iri, vocab.converter(t)) for p, t in vocab.claim_terms.items()
        }


_plans: dict[int, _Plan] = {}


def _plan(vocab: Vocab) -> _Plan:
    plan = _plans.get(id(vocab))
    if plan is None or plan.vocab is not vocab:
        plan = _plans[id(vocab)] = _Plan(vocab)
    return plan


def _values(table: dict[str, tuple[str, _Conv]], props: dict[str, Any], owner: str,
            out: list[tuple[str, Obj]]) -> None:
    for name, value in props.items():
        found = table.get(name)
        if found is None:
            raise SchemaError(f"{owner}: property {name!r} is not in the schema; "
                              "rebuild the graph after changing ontology/schema.yaml")
        iri, conv = found
        if isinstance(value, list):
            out.extend((iri, conv(v)) for v in value)
        else:
            out.append((iri, conv(value)))


def describe_entity(entity: Entity, vocab: Vocab) -> Description:
    """The triples of one entity, as its IRI and (predicate, object) pairs."""
    plan = _plan(vocab)
    pairs = list(plan.types[entity.type])
    pairs.append((_LABEL, Lit(entity.name)))
    pairs.extend((_ALT, Lit(a)) for a in entity.aliases)
    _values(plan.entity[entity.type], entity.properties, entity.id, pairs)
    qid = entity.properties.get("qid")
    if qid:
        pairs.append((_SAME, WD + qid))
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
            iri, conv = table[key]
            pairs.append((iri, conv(value)))
    node = id_base + claim.id.replace(":", "/", 1)
    return (node, pairs), (subject, [(vocab.relation_props[claim.predicate], obj)])


def describe(entities: Iterable[Entity], claims: Iterable[Claim], vocab: Vocab) -> Iterator[Description]:
    """Every description of a graph: entities first, then claim nodes and plain triples."""
    for entity in entities:
        yield describe_entity(entity, vocab)
    for claim in claims:
        node, plain = describe_claim(claim, vocab)
        yield node
        yield plain


# -- N-Triples -------------------------------------------------------------------------
_NT_ESCAPE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _escape(text: str) -> str:
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        return text.translate(_NT_ESCAPE)
    return text


def _nt_object(obj: Obj) -> str:
    if type(obj) is str:
        return f"<{obj}>"
    lexical, datatype = obj
    if datatype is None or datatype == _XSD_STRING:
        return f'"{_escape(lexical)}"'
    return f'"{_escape(lexical)}"^^<{datatype}>'


class _NtPlan:
    """N-Triples fragments precomputed per vocabulary: a line is ``head + rest`` where
    ``head`` is ``"<subject> "`` and ``rest`` is ``"<predicate> object .\n"``."""

    def __init__(self, vocab: Vocab) -> None:
        plan = _plan(vocab)
        self.vocab = vocab
        self.id_base = vocab.id_base

        def rest(pred: str, obj: Obj) -> str:
            return f"<{pred}> {_nt_object(obj)} .\n"

        self.types = {t: [rest(p, o) for p, o in pairs] for t, pairs in plan.types.items()}
        self.claim_head = {r: [rest(p, o) for p, o in pairs] for r, pairs in plan.claim_head.items()}
        self.entity = {t: {n: self._conv(vocab, term) for n, term in terms.items()}
                       for t, terms in vocab.entity_terms.items()}
        self.relation = {r: {n: self._conv(vocab, term) for n, term in terms.items()}
                         for r, terms in vocab.relation_terms.items()}
        self.claim = {n: self._conv(vocab, term) for n, term in vocab.claim_terms.items()}
        self.label = f"<{_LABEL}> \""
        self.alt = f"<{_ALT}> \""
        self.derived = f"<{_DERIVED}> <{self.id_base}"
        self.same = f"<{_SAME}> <{WD}"
        self.sdo_same = f"<{_SDO_SAME}> <{WD}"
        self.subject = f"<{vocab.subject}> <{self.id_base}"
        self.object = f"<{vocab.object}> <{self.id_base}"
        self.relation_rest = {r: f"<{iri}> <{self.id_base}" for r, iri in vocab.relation_props.items()}

    @staticmethod
    def _conv(vocab: Vocab, term: Any) -> Callable[[Any], str]:
        """A function from a cleaned value to ``"<predicate> object .\n"``."""
        spec = term.spec
        pred = f"<{term.iri}> "
        if spec.type == "ref":
            head = pred + "<" + vocab.id_base
            return lambda v: head + v.replace(":", "/", 1) + "> .\n"
        if spec.type == "enum" and spec.enum not in LITERAL_ENUMS:
            head = pred + "<" + vocab.vocab_base + str(spec.enum) + "/"
            return lambda v: head + v + "> .\n"
        if spec.type == "date":
            tails = {n: f'"^^<{dt}> .\n' for n, dt in DATE_TYPES.items()}
            return lambda v: pred + '"' + v + tails[len(v)]
        if term.datatype == _XSD_STRING:
            return lambda v: pred + '"' + _escape(str(v)) + '" .\n'
        tail = f'"^^<{term.datatype}> .\n'
        if spec.type == "boolean":
            yes, no = pred + '"true' + tail, pred + '"false' + tail
            return lambda v: yes if v else no
        if spec.type == "integer":
            return lambda v: pred + '"' + str(int(v)) + tail
        if term.datatype == str(XSD.decimal):
            return lambda v: pred + '"' + decimal_lexical(v) + tail
        return lambda v: pred + '"' + _escape(str(v)) + tail


_nt_plans: dict[int, _NtPlan] = {}


def _nt_plan(vocab: Vocab) -> _NtPlan:
    plan = _nt_plans.get(id(vocab))
    if plan is None or plan.vocab is not vocab:
        plan = _nt_plans[id(vocab)] = _NtPlan(vocab)
    return plan


def _unknown(owner: str, name: str) -> None:
    raise SchemaError(f"{owner}: property {name!r} is not in the schema; "
                      "rebuild the graph after changing ontology/schema.yaml")


#: One subject's N-Triples: its ``"<subject> "`` head and the lines' rests
#: (``"<predicate> object .\n"``); a line is ``head + rest``.
Record = tuple[str, list[str]]


def ntriples_records(entities: Iterable[Entity], claims: Iterable[Claim],
                     vocab: Vocab) -> Iterator[Record]:
    """The N-Triples of a graph as records: one per entity, and two per claim (its node,
    and its plain triple under the claim's subject). Unsorted; the same triples as
    :func:`describe`."""
    plan = _nt_plan(vocab)
    id_base = plan.id_base
    label, alt, derived = plan.label, plan.alt, plan.derived
    entity_tables, relation_tables = plan.entity, plan.relation
    for entity in entities:
        rests = plan.types[entity.type] + [label + _escape(entity.name) + '" .\n']
        for a in entity.aliases:
            rests.append(alt + _escape(a) + '" .\n')
        props = entity.properties
        table = entity_tables[entity.type]
        for name, value in props.items():
            conv = table.get(name)
            if conv is None:
                _unknown(entity.id, name)
            if type(value) is list:
                rests.extend(map(conv, value))
            else:
                rests.append(conv(value))
        qid = props.get("qid")
        if qid:
            rests.append(plan.same + qid + "> .\n")
            rests.append(plan.sdo_same + qid + "> .\n")
        for src in entity.sources:
            rests.append(derived + src.replace(":", "/", 1) + "> .\n")
        yield "<" + id_base + entity.id.replace(":", "/", 1) + "> ", rests
    claim_table = plan.claim
    for claim in claims:
        subject = claim.subject.replace(":", "/", 1)
        obj = claim.object.replace(":", "/", 1)
        rests = plan.claim_head[claim.predicate] + [
            plan.subject + subject + "> .\n", plan.object + obj + "> .\n"]
        table = relation_tables[claim.predicate]
        for name, value in claim.properties.items():
            conv = table.get(name)
            if conv is None:
                _unknown(claim.id, name)
            if type(value) is list:
                rests.extend(map(conv, value))
            else:
                rests.append(conv(value))
        for src in claim.sources:
            rests.append(derived + src.replace(":", "/", 1) + "> .\n")
        for key in _CLAIM_FIELDS:
            value = getattr(claim, key)
            if value is not None:
                rests.append(claim_table[key](value))
        yield "<" + id_base + claim.id.replace(":", "/", 1) + "> ", rests
        yield "<" + id_base + subject + "> ", [plan.relation_rest[claim.predicate] + obj + "> .\n"]


def ntriples_lines(entities: Iterable[Entity], claims: Iterable[Claim],
                   vocab: Vocab) -> Iterator[str]:
    """Every N-Triples line of a graph, unsorted (a plain triple stated by several claims
    appears once per claim)."""
    for head, rests in ntriples_records(entities, claims, vocab):
        for rest in rests:
            yield head + rest


#: Files merged at once; more chunks than this are merged in rounds.
MAX_FANIN = 256


_WRITE_BLOCK = 4_096  # lines joined per write call: far fewer trips through the text layer


def _write_lines(out: TextIO, lines: list[str]) -> None:
    for i in range(0, len(lines), _WRITE_BLOCK):
        out.write("".join(lines[i:i + _WRITE_BLOCK]))


def _sorted_blocks(records: list[Record]) -> list[str]:
    """The records' lines, sorted and without duplicates, as one string per subject.

    Lines sort as (head, rest): no head is a prefix of another (IRIs hold no ``>`` or
    space), so ordering the records by head and each subject's rests orders the lines.
    Sorting records instead of lines sorts ten times fewer items, and each subject's
    lines are built by one ``head.join`` in C instead of a concatenation per line.
    """
    records.sort(key=itemgetter(0))
    blocks: list[str] = []
    append = blocks.append
    head: str | None = None
    rests: list[str] = []
    for next_head, more in records:
        if next_head == head:
            rests = rests + more
            continue
        if rests:
            append(head + head.join(sorted(set(rests))))  # type: ignore[operator]
        head, rests = next_head, more
    if rests:
        append(head + head.join(sorted(set(rests))))  # type: ignore[operator]
    return blocks


def _merge_files(paths: list[Path], sink: Callable[[bytes], object], budget: int) -> int:
    """Merge sorted, duplicate-free files into ``sink`` without duplicates; returns lines.

    A block merge rather than a line-by-line ``heapq.merge``: each file contributes a
    block of lines; every line up to the smallest block end is known to be final, so
    those lines are cut from the blocks (``bisect``), concatenated and sorted (timsort
    merges the sorted runs in C) and handed on. It works on UTF-8 bytes, whose order is
    the code point order, so nothing is decoded. About ``budget`` lines are held at once.
    """
    block = max(1, budget // max(1, len(paths)))
    written = 0
    with ExitStack() as stack:
        readers = [stack.enter_context(p.open("rb", buffering=1 << 20)) for p in paths]
        pending: list[list[bytes]] = [[] for _ in readers]
        active = list(range(len(readers)))
        while active:
            for i in active:
                if not pending[i]:
                    pending[i] = list(islice(readers[i], block))
            active = [i for i in active if pending[i]]
            if not active:
                break
            # Lines after a block's end sort after it, so nothing still unread can come
            # before ``bound``: what is cut here is final, and later rounds come after it.
            bound = min(pending[i][-1] for i in active)
            taken: list[bytes] = []
            for i in active:
                cut = bisect_right(pending[i], bound)
                taken += pending[i][:cut]
                del pending[i][:cut]
            taken.sort()
            lines = list(map(itemgetter(0), groupby(taken)))
            for j in range(0, len(lines), _WRITE_BLOCK):
                sink(b"".join(lines[j:j + _WRITE_BLOCK]))
            written += len(lines)
    return written


def _byte_sink(out: TextIO) -> Callable[[bytes], object]:
    """Where merged bytes go: straight to the binary buffer under a file, else decoded."""
    buffer = getattr(out, "buffer", None)
    encoding = str(getattr(out, "encoding", "")).lower().replace("-", "").replace("_", "")
    if buffer is not None and encoding == "utf8":
        out.flush()
        return buffer.write
    return lambda data: out.write(data.decode("utf-8"))


def write_sorted(records: Iterable[Record], out: TextIO, chunk_lines: int = 250_000,
                 tmp_dir: Path | None = None) -> int:
    """Write the lines of N-Triples ``records`` sorted by code point, without duplicates.

    An external merge sort: records of about ``chunk_lines`` lines are held at once; a
    full buffer is sorted and spilled to a temporary file, and the files are merged
    (:func:`_merge_files`, in rounds of :data:`MAX_FANIN` files) into ``out``. Returns the
    number of lines written.
    """
    if chunk_lines < 1:
        raise RekgError(f"chunk_lines: expected a positive number of lines, got {chunk_lines}")
    with tempfile.TemporaryDirectory(prefix="rekg-nt-", dir=tmp_dir) as tmp:
        chunks: list[Path] = []
        buffer: list[Record] = []
        held = 0
        serial = 0

        def new_path() -> Path:
            nonlocal serial
            serial += 1
            return Path(tmp) / f"chunk-{serial:06d}.nt"

        def spill(blocks: list[str]) -> Path:
            path = new_path()
            with path.open("wb") as fh:
                for i in range(0, len(blocks), _WRITE_BLOCK):
                    fh.write("".join(blocks[i:i + _WRITE_BLOCK]).encode("utf-8"))
            return path

        for record in records:
            buffer.append(record)
            held += len(record[1])
            if held >= chunk_lines:
                chunks.append(spill(_sorted_blocks(buffer)))
                buffer, held = [], 0
        if not chunks:
            blocks = _sorted_blocks(buffer)
            _write_lines(out, blocks)
            return sum(block.count("\n") for block in blocks)
        if buffer:
            chunks.append(spill(_sorted_blocks(buffer)))
            buffer = []
        while len(chunks) > MAX_FANIN:
            rounds = []
            for i in range(0, len(chunks), MAX_FANIN):
                group = chunks[i:i + MAX_FANIN]
                path = new_path()
                with path.open("wb") as fh:
                    _merge_files(group, fh.write, chunk_lines)
                for done in group:
                    done.unlink()
                rounds.append(path)
            chunks = rounds
        return _merge_files(chunks, _byte_sink(out), chunk_lines)


def write_ntriples(entities: Iterable[Entity], claims: Iterable[Claim], out: TextIO, vocab: Vocab,
                   chunk_lines: int = 250_000, tmp_dir: Path | None = None) -> int:
    """Write sorted, duplicate-free N-Triples; returns the number of triples written.

    Memory stays bounded by ``chunk_lines`` lines whatever the graph's size, and the
    same graph always gives the same bytes.
    """
    # The export allocates millions of short-lived containers and makes no reference
    # cycles; the cyclic collector would rescan every live object (a whole in-memory
    # store) again and again for nothing, so it is paused for the duration.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return write_sorted(ntriples_records(entities, claims, vocab), out, chunk_lines, tmp_dir)
    finally:
        if enabled:
            gc.enable()


# -- Turtle -----------------------------------------------------------------------------
def _ttl_iri(iri: str, vocab: Vocab) -> str:
    return vocab.qname(iri) or f"<{iri}>"


def _ttl_object(obj: Obj, vocab: Vocab) -> str:
    if type(obj) is str:
        return _ttl_iri(obj, vocab)
    lexical, datatype = obj
    if datatype is None or datatype == _XSD_STRING:
        return f'"{_escape(lexical)}"'
    return f'"{_escape(lexical)}"^^{_ttl_iri(datatype, vocab)}'


def write_turtle(descriptions: Iterable[Description], out: TextIO, vocab: Vocab) -> int:
    """Write Turtle with the rekg prefixes, one block per subject; returns triples written."""
    for prefix, ns in vocab.prefixes.items():
        out.write(f"@prefix {prefix}: <{ns}> .\n")
    written = 0
    for subject, pairs in descriptions:
        grouped: dict[str, list[str]] = {}
        for pred, obj in pairs:
            grouped.setdefault(pred, []).append(_ttl_object(obj, vocab))
        parts = []
        for pred, objs in grouped.items():
            name = "a" if pred == _TYPE else _ttl_iri(pred, vocab)
            parts.append(f"{name} {', '.join(objs)}")
        out.write(f"\n{_ttl_iri(subject, vocab)} " + " ;\n    ".join(parts) + " .\n")
        written += len(pairs)
    return written


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
    ctx["sameAs"] = {"@id": "owl:sameAs", "@type": "@id"}
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
        if type(obj) is str:
            return self.iri(obj) if coerce == "@id" else {"@id": self.iri(obj)}
        lexical, datatype = obj
        datatype = datatype or _XSD_STRING
        if coerce == datatype or (coerce is None and datatype == _XSD_STRING):
            return lexical
        return {"@value": lexical, "@type": self.iri(datatype)}

    def node(self, subject: str, pairs: list[tuple[str, Obj]]) -> dict[str, Any]:
        node: dict[str, Any] = {"@id": self.iri(subject)}
        types = [self.types.get(o, self.iri(o)) for p, o in pairs if p == _TYPE and type(o) is str]
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


# -- entry points -----------------------------------------------------------------------
def export(store: Any, fmt: str, out: TextIO, vocab: Vocab, chunk_lines: int = 250_000) -> int:
    """Write the store's graph to ``out`` in ``fmt`` (nt, ttl or jsonld); returns triples.

    For nt the count has duplicates removed; for ttl and jsonld it counts every
    triple written (a plain triple stated by two claims is written twice and
    parses as one).
    """
    if fmt == "nt":
        return write_ntriples(store.entities(), store.claims(), out, vocab, chunk_lines=chunk_lines)
    descriptions = describe(store.entities(), store.claims(), vocab)
    if fmt == "ttl":
        return write_turtle(descriptions, out, vocab)
    if fmt == "jsonld":
        return write_jsonld(descriptions, out, vocab)
    raise RekgError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")


def export_to_path(store: Any, fmt: str, path: Path, vocab: Vocab, chunk_lines: int = 250_000) -> int:
    """Export to a file atomically: a temporary file beside it, renamed when complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            count = export(store, fmt, fh, vocab, chunk_lines=chunk_lines)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
