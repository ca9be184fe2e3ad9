"""Records of one extraction and the hedging test every claim passes.

:class:`Mention`, :class:`Candidate`, :class:`RelationHit` and :class:`Extraction` are what
:func:`loaders.articles.extract.extract_article` returns; :class:`RuleContext` is the
per-article state the relation rules (:mod:`rules_policy`, :mod:`rules_chain`) emit through,
where the schema's domain and range and :func:`assess` (negation, epistemic cues, hedges)
decide whether a hit becomes a claim and at what confidence. :func:`valid_from` reads the
date a claim starts from its sentence.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kg.schema import load_schema
from loaders.articles.gazetteer import Gazetteer
from loaders.articles.readers import Article
from loaders.articles.sentences import Sentence

__all__ = ["EXTRACTOR", "POSSESSIVE", "Candidate", "Extraction", "Mention", "RelationHit", "RuleContext",
           "assess", "rel_span", "valid_from"]

#: Name and version of this extractor, recorded on every claim it makes (0.3: issue 14 round 5,
#: FUNDS and the forms of change sets 13a-i).
EXTRACTOR = "rekg-patterns/0.3"
_DROP_CUES = re.compile(
    r"\b(no details|whether|unclear|not clear|remains? to be seen|unconfirmed|rumou?r\w*|"
    r"speculat\w*|denied|deny|denies|hypothetical\w*|if\s+(?:china|beijing|the)|in talks|"
    r"considering|consider\w*\s+whether|weigh\w*)\b", re.I)
_NEGATION = re.compile(r"\b(not|no(?!\.?\s*\d)|never|neither|nor|without|none|cannot|refus\w*|"
                       r"fail\w* to)\b|n't\b", re.I)
_HEDGES = re.compile(
    r"\b(reportedly|reported|expected to|expects? to|plans? to|planned|"
    r"aims? to|intends? to|likely|possibly|potential\w*|proposed|said to|seeks? to|hopes? to|"
    r"set to|to be|projected|slated|sources said)\b", re.I)


#: Conditionals and unbinding words: the claim is kept at half the confidence (below 0.5 for
#: every rule, :data:`kg.model.ASSERTED`): it is stored with its quote, and the analyses, which
#: use asserted claims only (``Claim.stands``), leave it out.
_STRONG_HEDGES = re.compile(r"\b(would|could|may|might|non-binding|negotiat\w*|memorandum of understanding|"
                            r"MoU|letter of (?:intent|interest))\b", re.I)
#: a reporting verb after a comma opens a new clause: in "MP Materials, which operates Mountain
#: Pass, said it would expand" the hedge belongs to what was said, not to the relative clause
_DEAL_HEDGES = re.compile(r"\b(non-binding|memorandum of understanding|MoU|letter of (?:intent|interest))\b", re.I)
_ADVERB_HEDGES = re.compile(r"\b(reportedly|reported|likely|possibly|potential\w*|proposed|sources said|allegedly)\b", re.I)
_CLAUSE_BREAK = re.compile(r"[;:—–]|,\s+(?:but|while|although|though|whereas)\b|\bbut\b"
                           r"|,\s+(?:said|says|told|added|noted|announced)\b")


#: relations a control policy has with what it controls and whom
_CONTROL_PREDICATES = {"TARGETS", "AFFECTS"}
#: the words of a prohibition, which a negation test would read as a denial
_PROHIBITION = re.compile(
    r"\b(?:(?:may|shall|must|can|will|were|was|are|is|be)\s+)?(?:not|never|no\s+longer)\s+(?:be\s+)?"
    r"(?:permitted|allowed|authori[sz]ed|exported|shipped|sold|licensed)\b"
    r"(?:\s+without\s+(?:[\w-]+\s+){0,3}?(?:approval|licen[cs]es?|permission|authori[sz]ation))?"
    r"|\bwithout\s+(?:(?:an?|prior|export|government|official)\s+){0,2}(?:approval|licen[cs]es?|permission|"
    r"authori[sz]ation)\b|\bcannot\s+be\s+exported\b", re.I)


@functools.lru_cache(maxsize=8192)
def assess(text: str, lo: int, hi: int) -> tuple[bool, float, str | None]:
    """Whether the statement spanning ``text[lo:hi]`` is asserted, and a confidence factor.

    Returns ``(keep, factor, reason)``: a negation within the clause or an epistemic cue in
    the sentence drops the statement; a conditional or unbinding word ("may", "would",
    "non-binding", "memorandum of understanding") halves the factor, and each other hedge
    ("reportedly", "plans to") multiplies it by 0.75 (at most twice).

    >>> assess("No details have emerged on whether Nd will be exempt.", 0, 50)[0]
    False
    >>> assess("China may restrict dysprosium.", 0, 29)[:2]
    (True, 0.5)
    """
    if _DROP_CUES.search(text):
        return False, 0.0, "the text says this is not known"
    start = 0
    for brk in _CLAUSE_BREAK.finditer(text, 0, lo):
        start = brk.end()
    end = len(text)
    after = _CLAUSE_BREAK.search(text, hi)
    if after:
        end = after.start()
    clause = text[start:end]
    if _NEGATION.search(clause):
        return False, 0.0, "negated"
    # a modal after the statement's last word modifies what follows it ("MOFCOM announced that
    # No. 61 would take effect …": the announcement is asserted); sentence adverbs
    # ("reportedly") and words about the deal ("non-binding") count anywhere in the clause
    cut = max(hi, start)
    while cut < end and text[cut].isalnum():  # not inside a word
        cut += 1
    before, after_hi = text[start:cut], text[cut:end]
    strong = len(_STRONG_HEDGES.findall(before)) + len(_DEAL_HEDGES.findall(after_hi))
    hedges = len(_HEDGES.findall(before)) + len(_ADVERB_HEDGES.findall(after_hi))
    factor = 0.5 ** min(strong, 1) * 0.75 ** min(hedges, 2)
    return True, factor, ("hedged" if hedges or strong else None)


@dataclass(slots=True)
class Mention:
    """A named entity in the text (``ids`` has two entries only for "NdPr"-like symbols)."""

    start: int
    end: int
    text: str
    id: str
    type: str
    sentence: int
    flag: str | None = None


@dataclass(slots=True)
class Candidate:
    """An organisation- or facility-like name that is not in the graph."""

    name: str
    type: str
    mentions: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class RelationHit:
    subject: str
    predicate: str
    object: str
    sentence: Sentence
    confidence: float
    rule: str
    properties: dict[str, Any] = field(default_factory=dict)
    action: str | None = None
    hedge: str | None = None
    valid_from: str | None = None

    def key(self) -> tuple[str, str, str, str]:
        return (self.subject, self.predicate, self.object, repr(sorted(self.properties.items())))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "subject": self.subject, "predicate": self.predicate, "object": self.object,
            "properties": dict(self.properties),
            "evidence": {"sentence": self.sentence.text, "start": self.sentence.start,
                         "end": self.sentence.end},
            "confidence": round(self.confidence, 3), "extractor": EXTRACTOR, "rule": self.rule,
        }
        if self.action:
            out["action"] = self.action
        if self.hedge:
            out["hedge"] = self.hedge
        if self.valid_from:
            out["valid_from"] = self.valid_from
        return out


@dataclass
class Extraction:
    """What one article yields; :meth:`to_json` is the ``rekg extract --json`` shape."""

    article: Article
    sentences: list[Sentence]
    mentions: list[Mention]
    candidates: list[Candidate]
    relations: list[RelationHit]
    dropped: list[dict[str, Any]]
    names: dict[str, tuple[str, str]]  # id -> (type, name)

    def entity_ids(self) -> list[str]:
        return sorted({m.id for m in self.mentions})

    def mention_counts(self) -> Counter[str]:
        return Counter(m.id for m in self.mentions)

    def to_json(self) -> dict[str, Any]:
        by_id: dict[str, list[Mention]] = {}
        for m in self.mentions:
            by_id.setdefault(m.id, []).append(m)
        entities = []
        for eid in sorted(by_id):
            etype, name = self.names[eid]
            item: dict[str, Any] = {"id": eid, "type": etype, "name": name, "mentions": [
                {"start": m.start, "end": m.end, "text": m.text} | ({"flag": m.flag} if m.flag else {})
                for m in by_id[eid]]}
            entities.append(item)
        return {
            "source": self.article.meta(),
            "entities": entities,
            "candidates": [{"name": c.name, "type": c.type, "mentions": c.mentions}
                           for c in self.candidates],
            "relations": [r.to_json() for r in self.relations],
            "not_asserted": self.dropped,
        }


class RuleContext:
    """Per-article state for the rules: mentions by sentence, last firm and policy seen."""

    def __init__(self, text: str, sentences: list[Sentence], mentions: list[Mention],
                 gaz: Gazetteer, published: str | None) -> None:
        self.text = text
        self.sentences = sentences
        self.gaz = gaz
        self.published = published
        self.by_sentence: dict[int, list[Mention]] = {}
        for m in mentions:
            self.by_sentence.setdefault(m.sentence, []).append(m)
        self.hits: list[RelationHit] = []
        self.dropped: list[dict[str, Any]] = []
        self.schema = load_schema()
        self.types: dict[str, str] = {}  # candidate ids ("candidate:Firm:Name") → type

    def instrument(self, pid: str) -> str | None:
        entity = self.gaz.entities.get(pid)
        return entity.properties.get("instrument") if entity else None

    def emit(self, subject: Mention | str, predicate: str, obj: Mention | str, index: int,
             lo: int, hi: int, base: float, rule: str, local: bool = False, **extra: Any) -> None:
        sent = self.sentences[index]
        sid = subject if isinstance(subject, str) else subject.id
        oid = obj if isinstance(obj, str) else obj.id
        if sid == oid:
            return
        rel = self.schema.relation(predicate)
        stype = self.gaz.entities[sid].type if sid in self.gaz.entities else self.types.get(sid)
        otype = self.gaz.entities[oid].type if oid in self.gaz.entities else self.types.get(oid)
        if stype not in rel.domain or otype not in rel.range:
            return
        lo, hi = max(lo, 0), min(hi, len(sent.text))
        text = sent.text
        if predicate in _CONTROL_PREDICATES and stype == "Policy" and _PROHIBITION.search(text):
            # what a control forbids is its content, not a denial: "exports of gallium to the
            # United States were not permitted", "may not be exported without approval"
            text = _PROHIBITION.sub(lambda m: " " * len(m.group(0)), text)
        if local:  # a noun phrase ("China's export regime") is asserted whatever the verb says
            keep, factor, reason = assess(text[lo:hi], 0, hi - lo)
        else:
            keep, factor, reason = assess(text, lo, hi)
        if not keep:
            self.dropped.append({"subject": sid, "predicate": predicate, "object": oid,
                                 "reason": reason, "evidence": {"sentence": sent.text,
                                                                "start": sent.start, "end": sent.end}})
            return
        props = {k: v for k, v in extra.pop("properties", {}).items() if v is not None}
        hit = RelationHit(sid, predicate, oid, sent, round(base * factor, 3), rule, props,
                          hedge=reason, **extra)
        self.hits.append(hit)


#: a possessive right after a name ("Canada's Neo", "Lynas' plant"): the name determines the
#: next noun phrase; ``POSSESSIVE.match(s, end)`` at the name's end
POSSESSIVE = re.compile(r"['’]s?\s")


def rel_span(m: Mention, sent: Sentence) -> tuple[int, int]:
    return m.start - sent.start, m.end - sent.start


_DATE = re.compile(r"\b(?:on|from|since|effective|as of)\s+(?:(\d{1,2})\s+)?(January|February|March|April|"
                   r"May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|"
                   r"Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
                   r"(?:\s+(\d{1,2}))?(?:,?\s+(20\d\d))?\b")
_MONTHS = {m[:3].lower(): i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def valid_from(text: str, published: str | None) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    day = m.group(1) or m.group(3)
    month = _MONTHS[m.group(2)[:3].lower()]
    year = m.group(4) or (published[:4] if published else None)
    if not year:
        return None
    return f"{year}-{month:02d}-{int(day):02d}" if day else f"{year}-{month:02d}"
