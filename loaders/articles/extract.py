"""Extraction from one article: mentions, candidate names, and pattern-based relations.

Relations are found sentence by sentence from the entities mentioned in it and trigger
words between them (no statistical model, so every claim can be traced to a rule):

========== ==================================================================================
ISSUED_BY  "China's export control regime"; "MOFCOM Announcements Nos. 61 and 62"; "No. 18, a joint
           decision of the Ministry of Commerce and …"; "the requirements that Beijing introduced";
           "its April export restrictions"; "…, the ministry said" (sayer of an issuing sentence); "Beijing imposed Announcement No. 18"; "… issued
           by MOFCOM"; suspensions ("China suspended …") are ISSUED_BY with ``action=suspend``
TARGETS    a policy and the elements/materials after a control word ("controls on dysprosium")
AFFECTS    parties to an agreement: "the U.S.-China trade deal", "between A and B"
OPERATES   "Lynas' Malaysian plant …", "MP Materials operates Mountain Pass", "its X plant"
OWNS       "took a 15% stake in", "became the largest shareholder in"
SUPPLIES   "A will supply B", "B buys … from A", offtakes; ``material`` when one is named
PRODUCES   "X produces Y", "first production of Y at X", capacities ("23,000 tonnes a year"),
           shares ("China produces about 90 % of …", as ``share`` with a ``stage``),
           "4,440 tonnes a year of NdPr oxide production"
HEADQUARTERED_IN "Australia's Lynas", "Australian miner Lynas" (not for agencies)
LOCATED_IN "a plant in Malaysia", "Myanmar's mining belt", "In the U.S., Mountain Pass …"
FEEDS      "… processes concentrate from the Mt Weld mine", "That plant will receive material from …"
SUPPLIES   also "A accounted for 57% of B's imports", "B imported … from A"
========== ==================================================================================

Mentions come from the gazetteer (graph names) and from :mod:`references` (policy numbers in
lists and ranges, policies, agreements and facilities described instead of named, "the
company"/"the plant"/"the ministry") and :mod:`names` (candidates found by form, graph names
found by alias). A relation may end at a candidate (``candidate:<Type>:<Name>``): it is in the
``--json`` output but never becomes a claim (the store holds only graph entities).


Hedged or negated statements are not asserted: a negation in the clause of the trigger
("did not impose"), or a cue that the text does not know ("no details have emerged on
whether", "unclear") drops the claim; hedges ("may", "reportedly", "plans to") lower its
confidence. Each relation keeps its sentence and the sentence's span in the article.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kg.schema import load_schema
from loaders.articles.gazetteer import Gazetteer, Match, norm_name
from loaders.articles.names import find_names
from loaders.articles.readers import Article
from loaders.articles.references import (
    antecedents,
    coordinated_groups,
    described_agreements,
    described_facilities,
    described_policies,
    firm_is_agency,
    numbered_policies,
)
from loaders.articles.sentences import Sentence, split_sentences
from loaders.articles.spans import SpanIndex

__all__ = ["EXTRACTOR", "Candidate", "Extraction", "Mention", "RelationHit", "assess", "extract_article"]

#: Name and version of this extractor, recorded on every claim it makes.
EXTRACTOR = "rekg-patterns/0.2"

# --- hedging and negation ------------------------------------------------------------
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
#: every rule), so a consumer that keeps claims at confidence ≥ 0.5 does not assert it.
_STRONG_HEDGES = re.compile(r"\b(would|could|may|might|non-binding|negotiat\w*|memorandum of understanding|"
                            r"MoU|letter of (?:intent|interest))\b", re.I)
_CLAUSE_BREAK = re.compile(r"[;:—–]|,\s+(?:but|while|although|though|whereas)\b|\bbut\b")


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
    strong = len(_STRONG_HEDGES.findall(clause))
    hedges = len(_HEDGES.findall(clause))
    factor = 0.5 ** min(strong, 1) * 0.75 ** min(hedges, 2)
    return True, factor, ("hedged" if hedges or strong else None)


# --- records ---------------------------------------------------------------------------
@dataclass
class Mention:
    """A named entity in the text (``ids`` has two entries only for "NdPr"-like symbols)."""

    start: int
    end: int
    text: str
    id: str
    type: str
    sentence: int
    flag: str | None = None


@dataclass
class Candidate:
    """An organisation- or facility-like name that is not in the graph."""

    name: str
    type: str
    mentions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
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


# --- mentions ----------------------------------------------------------------------------
_AGREEMENT_REF = re.compile(
    r"\b(?P<a>U\.S\.|US|United States|America|Washington|China|Beijing)\s?[-–—‑/]\s?"
    r"(?P<b>China|Chinese|Beijing|U\.S\.|US|United States|Washington)\b"
    r"(?P<mid>(?:\s+[\w-]+){0,3}?)\s+(?P<kw>agreements?|deals?|truce|framework|arrangements?|accord|pact|"
    r"consensus)\b")
_COUNTRY_OF = {"u.s.": "country:US", "us": "country:US", "united states": "country:US",
               "america": "country:US", "washington": "country:US", "china": "country:CN",
               "chinese": "country:CN", "beijing": "country:CN"}


def _find_mentions(gaz: Gazetteer, text: str, sentences: list[Sentence],
                   published: str | None) -> list[Mention]:
    matches: list[Match] = gaz.find(text)
    starts = [s.start for s in sentences]

    def sentence_of(pos: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    out: list[Mention] = []
    for m in matches:
        for eid in m.ids:
            entity = gaz.entities[eid]
            out.append(Mention(m.start, m.end, m.text, eid, entity.type, sentence_of(m.start), m.flag))
    for ref in _AGREEMENT_REF.finditer(text):
        a = _COUNTRY_OF.get(ref.group("a").lower())
        b = _COUNTRY_OF.get(ref.group("b").lower())
        if not a or not b or a == b:
            continue
        pid = gaz.agreement_between(a, b, published)
        if pid and not any(x.id == pid and x.start <= ref.start() < x.end for x in out):
            span = (ref.start(), ref.end())
            out.append(Mention(span[0], span[1], text[span[0]:span[1]], pid, "Policy",
                               sentence_of(span[0]), "contextual"))
    out.sort(key=lambda m: (m.start, m.end))
    return out


_ORG_SUFFIX = (r"(?:Ltd\.?|Limited|Inc\.?|Corp\.?|Corporation|Plc|PLC|LLC|Co\.|Group|Holdings|"
               r"Resources|Rare Earths?|Metals|Mining|Minerals|Materials|Technologies|Magnetics|"
               r"Magnets|Industries|Chemicals?|Bhd|AG|SA|NV|GmbH)")
_CAND_ORG = re.compile(r"\b((?:[A-Z][\w&.'’-]*\s+){1,4}" + _ORG_SUFFIX + r")(?![\w])")
_CAND_AGENCY = re.compile(r"\b((?:Department|Ministry|Office|Agency|Administration|Bureau) of "
                          r"(?:the )?(?:[A-Z][\w-]*)(?:\s+(?:and\s+)?[A-Z][\w-]*){0,3})")
_CAND_FACILITY = re.compile(r"\b((?:[A-Z][\w'’-]*\s+){1,3}(?:Mine|Project|Refinery|Plant|Facility|Complex|Mill))\b")
_CAND_STOP = {"The", "A", "An", "This", "That", "These", "Its", "In", "On", "At", "For", "And",
              "But", "As", "While", "US", "U.S.", "China", "Chinese", "American", "Australian"}


def _find_candidates(text: str, mentions: list[Mention]) -> list[Candidate]:
    taken = [(m.start, m.end) for m in mentions]
    found: dict[str, Candidate] = {}
    for regex, ctype in ((_CAND_ORG, "Firm"), (_CAND_AGENCY, "Firm"), (_CAND_FACILITY, "Facility")):
        for m in regex.finditer(text):
            start, end = m.span(1)
            words = text[start:end].split()
            while words and (words[0] in _CAND_STOP or words[0].endswith(("’s", "'s"))):
                start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
                words = words[1:]
            if len(words) < 2 or "\n" in text[start:end]:
                continue
            if any(a < end and start < b for a, b in taken):
                continue
            name = " ".join(words)
            cand = found.setdefault(name.lower(), Candidate(name, ctype))
            cand.mentions.append({"start": start, "end": end, "text": text[start:end]})
            taken.append((start, end))
    return sorted(found.values(), key=lambda c: c.mentions[0]["start"])


# --- relation rules ----------------------------------------------------------------------
_ISSUE = re.compile(r"\b(impos\w*|issu\w*|announc\w*|introduc\w*|unveil\w*|enact\w*|adopt\w*|"
                    r"develop\w*|draft\w*|establish\w*|levi\w*|"
                    r"roll\w* out|put in place|plac\w*|expand\w*|tighten\w*|extend\w*|approv\w*|"
                    r"signed|launch\w*|added)\b", re.I)
_SUSPEND = re.compile(r"\b(suspend\w*|paus\w*|lift\w*|halt\w*|delay\w*|defer\w*|scrap\w*|"
                      r"revok\w*|rescind\w*|roll\w* back)\b", re.I)
_CONTROL = re.compile(r"\b(controls?|controlled|restrict\w*|licen[cs]\w*|cover\w*|target\w*|"
                      r"appl\w* to|bans?|banned|curbs?|exports? of|including|such as|list\w*|"
                      r"adds?|added)\b", re.I)
_ANAPHOR = re.compile(r"^\s*(?:The|These|Those|Its|Their)\s+(?:new\s+)?(?:controls?|measures?|"
                      r"rules?|restrictions?|announcement|regime|curbs?|licensing\s+requirements?)\b")
_OPERATE = re.compile(r"\b(operat\w*|runs?|running|built|build\w*|commission\w*|develop\w*|"
                      r"owns and operates)\b", re.I)
_OPERATED_BY = re.compile(r"^\W*(?:\w+\W+){0,2}?(operated|owned|run|developed|built)\s+by\s*$", re.I)
_STAKE = re.compile(r"\b(stake|equity|shares|preferred stock|interest)\b", re.I)
_STAKE_VERB = re.compile(r"\b(tak\w*|took|acquir\w*|receiv\w*|hold\w*|bought|buy\w*|purchas\w*|"
                         r"get|gets|obtain\w*)\b", re.I)
_SHAREHOLDER = re.compile(r"\b(largest|biggest|major|top|controlling)\s+(shareholder|stakeholder|"
                          r"owner)\s+(?:in|of)\b", re.I)
_BECOME_OWNER = re.compile(r"\b(?:become|becomes|became|is|was)\s+(?:the\s+)?$")
_OWNER_AFTER = re.compile(r"^['’]s?\s+(?:largest|biggest|major|top|controlling)\s+(?:shareholder|owner|stakeholder)\b", re.I)
_SHARE_PCT = re.compile(r"(\d+(?:\.\d+)?)\s?(?:%|per ?cent|percent)\s+(?:stake|equity|interest|of the shares)"
                        r"|(?:stake|interest)\s+of\s+(?:up\s+to\s+|about\s+|around\s+)?(\d+(?:\.\d+)?)\s?"
                        r"(?:%|per ?cent|percent)", re.I)
_STOCK_AFTER = re.compile(r"^['’]?s?\s+(?:convertible\s+)?(?:preferred\s+|common\s+)?(?:stock|shares|equity)\b",
                          re.I)
_SUPPLY_TO = re.compile(r"\b(suppl(?:y|ies|ied|ying)|sell\w*|sold|ship\w*|deliver\w*|export\w*)\b", re.I)
_BUY_FROM = re.compile(r"\b(buy\w*|bought|purchas\w*|sourc\w*|procur\w*|offtake)\b", re.I)
_PRODUCE = re.compile(r"\b((?!products?\b)(?!refiner(?:y|ies)\b)produc\w*|output|mak\w*|made|churn\w* out|refin\w*|separat\w*|"
                      r"manufactur\w*)\b", re.I)
_CAPACITY = re.compile(r"(?:capacity\s+(?:of|to\s+\w+)\s+(?:up\s+to\s+|about\s+|around\s+)?|"
                       r"capable\s+of\s+\w+\s+(?:up\s+to\s+)?|up\s+to\s+)"
                       r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?:metric\s+)?(tonnes|tons|t)\b", re.I)
_SHARE = re.compile(r"(\d+(?:\.\d+)?)\s?(?:%|per ?cent|percent)\s+of\s+([^.;]{0,90})", re.I)
_SHARE_VERB = re.compile(r"\b(produc\w*|account\w*\s+for|control\w*|suppl\w*|process\w*|refin\w*|"
                         r"min\w*|dominat\w*|mak\w*|hold\w*|command\w*|has|have|represent\w*|"
                         r"output)\b", re.I)
_YEAR = re.compile(r"\b(20[0-3]\d)\b")
_DATE = re.compile(r"\b(?:on|from|since|effective|as of)\s+(?:(\d{1,2})\s+)?(January|February|March|April|"
                   r"May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|"
                   r"Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
                   r"(?:\s+(\d{1,2}))?(?:,?\s+(20\d\d))?\b")
_MONTHS = {m[:3].lower(): i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


class _Context:
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
        if local:  # a noun phrase ("China's export regime") is asserted whatever the verb says
            keep, factor, reason = assess(sent.text[lo:hi], 0, hi - lo)
        else:
            keep, factor, reason = assess(sent.text, lo, hi)
        if not keep:
            self.dropped.append({"subject": sid, "predicate": predicate, "object": oid,
                                 "reason": reason, "evidence": {"sentence": sent.text,
                                                                "start": sent.start, "end": sent.end}})
            return
        props = {k: v for k, v in extra.pop("properties", {}).items() if v is not None}
        hit = RelationHit(sid, predicate, oid, sent, round(base * factor, 3), rule, props,
                          hedge=reason, **extra)
        self.hits.append(hit)


_AGENCY_NAME = re.compile(r"\b(?:Ministry|Department|Agency|Bureau|Administration|Office|Commission|"
                          r"Government|Council|Customs|Survey|Parliament|Assembly)\b")
_USE_CLAUSE = re.compile(r"\b(?:used|crucial|essential|needed|vital|important|key to|found in|"
                         r"widely|demand|prices?|which are|that are)\b", re.I)
_COORD = re.compile(r"\s*,?\s*(?:and|&|together with|jointly with|along with|in conjunction with)\s+"
                    r"(?:the\s+)?|\s*,\s*")


def _rel(m: Mention, sent: Sentence) -> tuple[int, int]:
    return m.start - sent.start, m.end - sent.start


def _rules_issued(ctx: _Context, i: int, sent: Sentence, ms: list[Mention]) -> None:
    s = sent.text
    policies = [m for m in ms if m.type == "Policy"]
    issuers = [m for m in ms if m.type in {"Country", "Firm", "Region"}]
    for p in policies:
        ps, pe = _rel(p, sent)
        for who in issuers:
            ws, we = _rel(who, sent)
            if we <= ps and (re.fullmatch(r"(?:\s+(?:government|administration|authorities))?['’]s?\s+"
                                          r"(?:[\w-]+\s+){0,3}", s[we:ps], re.I)
                             or (who.type == "Firm" and re.fullmatch(r"\s+", s[we:ps]))):
                if p.flag != "contextual":
                    ctx.emit(p, "ISSUED_BY", who, i, ws, pe, 0.8, "possessive-issuer", local=True)
                    # "the Ministry of Commerce ("MOFCOM") and the General Administration of
                    # Customs Announcements 55, 56": issuers coordinated before it too
                    group = [who]
                    nxt = who
                    for prev_i in sorted((o for o in issuers if o.end <= who.start), key=lambda o: -o.start):
                        gap = s[_rel(prev_i, sent)[1]:_rel(nxt, sent)[0]]
                        if re.fullmatch(r"[\s\"”’')]*(?:\([^()]{1,30}\))?[\s\"”’')]*,?\s*(?:and|&)\s+(?:the\s+)?", gap):
                            group.append(prev_i)
                            nxt = prev_i
                        elif re.fullmatch(r"\s*\(?[\"“]?", gap) and prev_i.id == nxt.id:
                            nxt = prev_i  # the acronym in brackets after the name
                        else:
                            break
                    for g in group[1:]:
                        ctx.emit(p, "ISSUED_BY", g, i, _rel(g, sent)[0], pe, 0.75,
                                 "possessive-issuer-coordinated", local=True)
                    # a list after it shares the issuers: "MOFCOM Announcements Nos. 61 and 62"
                    prev = p
                    for q in sorted(policies, key=lambda m: m.start):
                        if q.start < p.end:
                            continue
                        if re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and|&)\s*(?:No\.?\s*)?", s[_rel(prev, sent)[1]:_rel(q, sent)[0]]):
                            for g in group:
                                ctx.emit(q, "ISSUED_BY", g, i, _rel(g, sent)[0], _rel(q, sent)[1], 0.75,
                                         "possessive-issuer-list", local=True)
                            prev = q
                        else:
                            break
                continue
            if we <= ps and ps - we < 90 and not re.search(r"[;:]", s[we:ps]):
                between = s[we:ps]
                for q in ms:  # verbs inside names do not count ("Announcements Nos. 61")
                    qs, qe = _rel(q, sent)
                    if we <= qs and qe <= ps:
                        between = between[:qs - we] + " " * (qe - qs) + between[qe - we:]
                sus = _SUSPEND.search(between)
                iss = _ISSUE.search(between)
                if sus or iss:
                    between_p = [q for q in policies if we <= q.start - sent.start < ps and q.id != p.id]
                    if between_p and not re.fullmatch(r"(?:\s*(?:,|and|&)\s*(?:No\.?\s*)?\d*)*\s*",
                                                      s[between_p[0].end - sent.start:ps]
                                                      if len(between_p) == 1 else "x"):
                        if not all(re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and|&)\s*(?:No\.?\s*)?",
                                                s[a.end - sent.start:b.start - sent.start])
                                   for a, b in zip(between_p + [p], (between_p + [p])[1:], strict=False)):
                            continue
                    nearer = [o for o in issuers if we <= o.start - sent.start < ps]
                    if nearer and not _COORD.fullmatch(s[we:nearer[0].start - sent.start]):
                        continue
                    ctx.emit(p, "ISSUED_BY", who, i, ws, pe, 0.75,
                             "issuer-verb-policy", action="suspend" if sus else None)
            elif pe <= ws and re.fullmatch(r",?\s*(?:\w+\s+)?(?:issued|announced|imposed|adopted|"
                                           r"introduced|enacted|administered|run|managed|overseen)\s+"
                                           r"(?:jointly\s+)?(?:by|through)\s+(?:the\s+)?",
                                           s[pe:ws]):
                ctx.emit(p, "ISSUED_BY", who, i, ps, we, 0.8, "policy-issued-by")


def _rules_targets(ctx: _Context, i: int, sent: Sentence, ms: list[Mention],
                   recent_policy: Mention | None) -> None:
    s = sent.text
    policies = [m for m in ms if m.type == "Policy"]
    anaphoric = False
    if not policies and recent_policy is not None and _ANAPHOR.match(s):
        policies = [recent_policy]
        anaphoric = True
    objects = [m for m in ms if m.type in {"Element", "Material"}]
    if not policies or not objects:
        return
    shared = {(m.start, m.end) for m in policies if m.flag == "descriptive"}
    shared = {sp for sp in shared if sum(1 for m in policies if (m.start, m.end) == sp) > 1}
    for p in policies[:1] if anaphoric else policies:
        if (p.start, p.end) in shared:
            continue  # "measures on superhard materials, lithium batteries …": which is whose?
        pe = 0 if anaphoric else _rel(p, sent)[1]
        ctl = _CONTROL.search(s, 0)
        if not ctl:
            continue
        for o in objects:
            os_, oe = _rel(o, sent)
            if os_ < pe or os_ < ctl.start():
                continue
            if re.match(r"[- ]?related\b|\s+(?:technolog|equipment|industr|sector|supply chain|processing)", s[oe:]):
                continue  # "rare earth-related technologies": a modifier, not what is controlled
            gap = s[max(ctl.start(), pe):os_]
            if len(gap) > 160 or _USE_CLAUSE.search(gap):
                continue  # "… such as dysprosium, crucial for magnets used in wind turbines"
            others = [q for q in policies if q is not p and pe <= q.start - sent.start < os_]
            if others:
                continue
            if not anaphoric and any(pe <= q.start - sent.start < os_ for q in ms
                                     if q.type in {"Country", "Firm", "Region"} and q.flag != "demonym"
                                     and re.search(r"(?:,\s*|\band\s+|\bwhile\s+)$", s[pe:q.start - sent.start])):
                continue  # "… its Affiliates Rule, and China suspended … rare earth controls"
            ctx.emit(p.id, "TARGETS", o, i, min(ctl.start(), pe), oe,
                     0.6 if anaphoric else 0.7, "policy-control-object")


def _rules_parties(ctx: _Context, i: int, sent: Sentence, ms: list[Mention]) -> None:
    s = sent.text
    agreements = [m for m in ms if m.type == "Policy" and ctx.instrument(m.id) == "agreement"]
    if not agreements:
        return
    countries = [m for m in ms if m.type == "Country" and m.flag != "demonym"]
    parties: list[Mention] = []
    for a in countries:
        for b in countries:
            if a is b:
                continue
            gap = s[_rel(a, sent)[1]:_rel(b, sent)[0]]
            if re.fullmatch(r"\s?[-–—‑/]\s?", gap) or re.fullmatch(r"\s+and\s+(?:the\s+)?", gap):
                before = s[:_rel(a, sent)[0]]
                if re.fullmatch(r"\s?[-–—‑/]\s?", gap) or re.search(r"\b(?:between|by|among)\s+(?:the\s+)?$", before):
                    parties += [a, b]
    seen: set[str] = set()
    for p in agreements:
        for c in parties:
            if c.id in seen:
                continue
            seen.add(c.id)
            lo, hi = sorted((_rel(p, sent)[0], _rel(c, sent)[1]))
            ctx.emit(p.id, "AFFECTS", c, i, lo, hi, 0.75, "agreement-parties",
                     properties={"role": "party"})


def _rules_operates(ctx: _Context, i: int, sent: Sentence, ms: list[Mention],
                    last_firm: Mention | None) -> None:
    s = sent.text
    firms = [m for m in ms if m.type == "Firm"]
    facilities = [m for m in ms if m.type == "Facility"]
    if not facilities or (not firms and last_firm is None):
        return
    for fac in facilities:
        xs, xe = _rel(fac, sent)
        done = False
        for f in firms:
            fs, fe = _rel(f, sent)
            if fe <= xs and re.fullmatch(r"['’]s?\s+(?:[\w-]+\s+){0,3}", s[fe:xs]):
                ctx.emit(f, "OPERATES", fac, i, fs, xe, 0.75, "possessive-facility", local=True)
                done = True
            elif fe <= xs and xs - fe < 60 and _OPERATE.search(s[fe:xs]) and \
                    not any(fe <= o.start - sent.start < xs for o in firms) and \
                    not re.search(r"\b(?:by|with|from|to)\s+(?:the\s+)?$", s[:fs]) and \
                    (not re.match(r"\s*,", s[fe:]) or re.match(r"\s*,\s*(?:which|who|that)\b", s[fe:])) \
                    or (fe <= xs and xs - fe < 60 and _OPERATE.search(s[fe:xs])
                                                      and re.match(r"\s*,[^,]{0,60},", s[fe:xs])
                                                      and not re.search(r"\b(?:by|with|from|to)\s+(?:the\s+)?$", s[:fs])
                                                      and not any(fe <= o.start - sent.start < xs for o in firms)):
                ctx.emit(f, "OPERATES", fac, i, fs, xe, 0.7, "firm-operates-facility")
                done = True
            elif xe <= fs and (_OPERATED_BY.match(s[xe:fs]) or (
                    re.search(r",\s+where\s+(?:the\s+)?$", s[xe:fs]) and fs - xe < 40
                    and _OPERATE.match(s[fe:fe + 20].strip()))):
                ctx.emit(f, "OPERATES", fac, i, xs, fe, 0.8, "facility-operated-by")
                done = True
        if not done and re.search(r"\bits\s+(?:[\w-]+\s+){0,3}$", s[:xs]):
            pool = [f for f in reversed(firms) if f.end - sent.start <= xs]
            if last_firm is not None:
                pool.append(last_firm)
            known = ctx.gaz.index.operator.get(fac.id, set())
            if known:  # the graph knows who runs it: "its" is that one, if it is in view
                pool = [f for f in pool if f.id in known]
            owner = pool[0] if pool else None
            if owner is not None:
                ctx.emit(owner, "OPERATES", fac, i, max(xs - 40, 0), xe, 0.65, "its-facility")


def _rules_owns(ctx: _Context, i: int, sent: Sentence, ms: list[Mention]) -> None:
    s = sent.text
    if not (_STAKE_VERB.search(s) or re.search(r"(?i)\bown|holder\b", s)):
        return
    owners = [m for m in ms if m.type in {"Firm", "Country"}]
    owned = [m for m in ms if m.type in {"Firm", "Facility"}]
    if not owners or not owned or len({m.id for m in owners + owned}) < 2:
        return
    pct = _SHARE_PCT.search(s)
    value = float(pct.group(1) or pct.group(2)) if pct else None
    share = value / 100 if value is not None and value <= 100 else None
    for o in owners:
        os_, oe = _rel(o, sent)
        for t in owned:
            ts, te = _rel(t, sent)
            if t.id == o.id or ts < oe:
                continue
            between = s[oe:ts]
            if len(between) > 120 or any(oe <= q.start - sent.start < ts for q in owners
                                         if q.id not in (t.id, o.id)):
                continue
            stake = (_STAKE_VERB.search(between) and _STAKE.search(between)
                     and re.search(r"\b(in|of)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", between))
            stock = _STAKE_VERB.search(between) and _STOCK_AFTER.match(s[te:te + 40])
            direct = re.fullmatch(r"\s+(?:also\s+)?(?:owns|owned|acquired|has acquired|bought)\s+(?:the\s+)?",
                                  between)
            reverse = _BECOME_OWNER.search(between[-40:]) and _OWNER_AFTER.match(s[te:te + 40])
            if stake or stock or direct or reverse or _SHAREHOLDER.search(between):
                ctx.emit(o, "OWNS", t, i, os_, te, 0.7, "stake-in",
                         properties={"share": share if (stake or stock) else None})


def _rules_supplies(ctx: _Context, i: int, sent: Sentence, ms: list[Mention]) -> None:
    s = sent.text
    if not (_SUPPLY_TO.search(s) or _BUY_FROM.search(s)):
        return
    actors = [m for m in ms if m.type in {"Firm", "Facility", "Country"} and m.flag != "demonym"]
    if len(actors) < 2:
        return
    material = next((m.id for m in ms if m.type == "Material"), None)
    for a in actors:
        as_, ae = _rel(a, sent)
        for b in actors:
            bs, be = _rel(b, sent)
            if a is b or bs < ae:
                continue
            between = s[ae:bs]
            if len(between) > 120 or any(ae <= q.start - sent.start < bs for q in actors
                                         if q is not b and q is not a):
                continue
            if _SUPPLY_TO.search(between) and re.search(r"\bto\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", between):
                ctx.emit(a, "SUPPLIES", b, i, as_, be, 0.7, "a-supplies-to-b",
                         properties={"material": material})
            elif _BUY_FROM.search(between) and (
                    re.search(r"\bfrom\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", between)
                    or re.search(r"\b(?:made|produced|manufactured)\s+(?:at|in|by)\s+(?:the\s+)?"
                                 r"(?:[\w-]+\s+){0,3}$", between)
                    or re.search(r"\boff-?take\s+(?:agreement|deal|contract)s?\s+with\s+$", between)):
                ctx.emit(b, "SUPPLIES", a, i, as_, be, 0.7, "b-buys-from-a",
                         properties={"material": material})


def _stage(text: str) -> str | None:
    t = text.lower()
    if re.search(r"refin|process|separat", t):
        return "separation"
    if re.search(r"\bmin(e|ed|ing)\b|mine production|extraction", t):
        return "mining"
    if "magnet" in t:
        return "magnet"
    return None


def _rules_produces(ctx: _Context, i: int, sent: Sentence, ms: list[Mention],
                    last_firm: Mention | None) -> None:
    s = sent.text
    producers = [m for m in ms if m.type in {"Country", "Firm", "Facility", "Region"}
                 and m.flag != "demonym"]
    products = [m for m in ms if m.type in {"Material", "Element"}]
    if not producers and last_firm is None:
        return
    if not products and "%" not in s and "cent" not in s:
        return
    year = _YEAR.search(s)
    # shares of world output
    for sh in _SHARE.finditer(s):
        value = float(sh.group(1))
        rest = sh.group(2)
        if value > 100 or not re.search(r"\b(global|world\w*|international)\b", s, re.I):
            continue
        if re.match(r"\s*(?:the\s+)?(?:world['’]s\s+|global\s+)?(?:demand|consumption|imports|needs)\b", rest, re.I):
            continue
        who = [p for p in producers if p.end - sent.start <= sh.start() and p.type in {"Country", "Firm"}]
        if not who:
            continue
        subj = who[-1]
        between = s[subj.end - sent.start:sh.start()]
        if not _SHARE_VERB.search(between) or len(between) > 80:
            continue
        objs = [p for p in products if sh.start(2) <= p.start - sent.start < sh.end(2)]
        if objs and objs[0].id == "material:rare-earths" and "material:reo" in ctx.gaz.entities:
            objs = []  # a share of world output of "rare earths" is of the REO-equivalent total
        obj_id = objs[0].id if objs else ("material:reo" if "material:reo" in ctx.gaz.entities
                                          and re.search(r"rare[- ]earth", rest, re.I) else None)
        if obj_id is None:
            continue
        ctx.emit(subj, "PRODUCES", obj_id, i, subj.start - sent.start, sh.end(), 0.7, "share-of-world",
                 properties={"share": round(value / 100, 4), "basis": "share",
                             "stage": _stage(between + " " + rest),
                             "year": int(year.group(1)) if year else None})
    # capacities: "a magnet facility with a capacity of 10,000 tonnes a year of NdFeB magnets"
    cap = _CAPACITY.search(s)
    if cap and not _PRODUCE.search(s):
        objs = [p for p in products if 0 <= p.start - sent.start - cap.end() < 40]
        subj_c = [p for p in producers if p.type in {"Firm", "Facility"}
                  and p.end - sent.start <= cap.start()]
        if objs and subj_c:
            props_c = {"quantity": float(cap.group(1).replace(",", "")), "quantity_unit": "t/yr",
                       "basis": "capacity"}
            ctx.emit(subj_c[-1], "PRODUCES", objs[0], i, subj_c[-1].start - sent.start,
                     objs[0].end - sent.start, 0.65, "capacity-of-product", properties=dict(props_c))
            if subj_c[-1].type == "Facility":  # the firm that runs it, named in the sentence
                runs = [f for f in subj_c[:-1] if f.type == "Firm"
                        and (subj_c[-1].id in ctx.gaz.index.operated.get(f.id, set())
                             or _OPERATE.search(s[f.end - sent.start:subj_c[-1].start - sent.start]))]
                if runs:
                    ctx.emit(runs[-1], "PRODUCES", objs[0], i, runs[-1].start - sent.start,
                             objs[0].end - sent.start, 0.6, "capacity-of-product-operator",
                             properties=dict(props_c))
    # "… 4,440 tonnes a year of NdPr oxide production"
    for q in (_QTY_OF.finditer(s) if " of " in s and ("tonnes" in s or "tons" in s) else ()):
        objs = [p for p in products if p.start - sent.start == q.end()
                and re.match(r"\s+(?:production|output)\b", s[p.end - sent.start:])]
        subj_q = [p for p in producers if p.type in {"Firm", "Facility"} and p.end - sent.start <= q.start()]
        if objs and subj_q:
            ctx.emit(subj_q[-1], "PRODUCES", objs[0], i, subj_q[-1].start - sent.start, objs[0].end - sent.start,
                     0.65, "quantity-of-production",
                     properties={"quantity": float(q.group(1).replace(",", "")), "quantity_unit": "t/yr",
                                 "basis": "capacity"})
    # production statements
    inside = [(m.start - sent.start, m.end - sent.start) for m in ms]
    for verb in _PRODUCE.finditer(s):
        if any(a <= verb.start() < b for a, b in inside):
            continue  # "Eneabba Refinery", "Lynas Rare Earths Producer": a name, not a verb
        listed = [p for p in products if p.start - sent.start >= verb.end()]
        after = [p for p in listed if p.start - sent.start - verb.end() < 60
                 or any(q.end - sent.start <= p.start - sent.start and q.start - sent.start - verb.end() < 60
                        and re.fullmatch(r"[\s,()]*(?:and\s+|or\s+)?", s[q.end - sent.start:p.start - sent.start])
                        for q in listed)]
        after = [p for p in after
                 if not re.search(r"\bfrom\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", s[verb.end():p.start - sent.start])
                 and not re.search(r"\bfrom\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", s[verb.end():p.start - sent.start])]
        if not after:
            continue
        before = [p for p in producers if p.end - sent.start <= verb.start()
                  and not (p.type in {"Country", "Region"} and (
                      re.search(r"\b(?:in|at|from|of|across|throughout)\s+(?:the\s+)?$", s[:p.start - sent.start])
                      or re.match(r"['’]s?\s", s[p.end - sent.start:])))]
        at_fac = [p for p in producers if p.type == "Facility" and p.start - sent.start > verb.end()
                  and re.search(r"\bat\s+(?:its\s+|the\s+)?(?:[\w-]+\s+){0,3}$",
                                s[verb.end():p.start - sent.start])]
        subjects: list[Mention] = []
        if before and verb.start() - (before[-1].end - sent.start) <= 80 and not (
                before[-1].type in {"Country", "Region"} and not re.search(r"\d", s)):
            subjects.append(before[-1])
        elif last_firm is not None and re.search(r"\bits\b", s[verb.start():], re.I):
            subjects.append(last_firm)
        subjects += at_fac[:1]
        if not subjects:
            continue
        cap = _CAPACITY.search(s)
        props: dict[str, Any] = {}
        if cap:
            props = {"quantity": float(cap.group(1).replace(",", "")), "quantity_unit": "t/yr",
                     "basis": "capacity"}
        if _SHARE.search(s):  # "produces 90% of the world's rare earths": the share rule's
            after = [o for o in after if o.id != "material:rare-earths"]
        for subj in subjects:
            for obj in after[:8]:
                ctx.emit(subj, "PRODUCES", obj, i, min(max(subj.start - sent.start, 0), verb.start()),
                         obj.end - sent.start, 0.7, "producer-verb-product", properties=dict(props))
        break


def _valid_from(text: str, published: str | None) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    day = m.group(1) or m.group(3)
    month = _MONTHS[m.group(2)[:3].lower()]
    year = m.group(4) or (published[:4] if published else None)
    if not year:
        return None
    return f"{year}-{month:02d}-{int(day):02d}" if day else f"{year}-{month:02d}"


_QTY_OF = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?:metric\s+)?(?:tonnes|tons|t)\s+(?:a|per)\s+"
                     r"(?:year|annum)\s+of\s+")
_SAYS = re.compile(r"^\s*(?:,\s*)?(?:said|says|announced|noted|stated|confirmed|added)\b")
_SAYS_BEFORE = re.compile(r"(?:said|says|announced|noted|stated|confirmed)\s+(?:on\s+\w+\s+)?(?:that\s+)?$")
_HQ_GAP = re.compile(r"(?:['’]s?)?\s+(?:[a-z][\w-]*\s+){0,4}")
_FEEDS_CUE = re.compile(r"\b(?:receiv\w*|tak\w*|get\w*|sourc\w*|ship\w*|feed\w*|fed|process\w*|suppl\w*|"
                        r"comes?|coming)\b[^.;]{0,60}?\bfrom\s+(?:the\s+|its\s+|[A-Z][\w.-]*['’]s?\s+)?"
                        r"(?:[\w-]+\s+){0,3}$")


_APPOSITIVE_ISSUER = re.compile(r"^\s*,\s*(?:a|an|the)\s+(?:joint\s+)?(?:decision|announcement|notice|measure|order|"
                                r"rule|regulation)s?\s+(?:of|by|from)\s+(?:the\s+)?$")


def _rules_issued_more(ctx: _Context, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """Issuers named around the policy: "No. 18, a joint decision of the Ministry of Commerce
    and the General Administration of Customs"; "the requirements that Beijing introduced";
    "its April export restrictions" (its = the country or agency before)."""
    s = sent.text
    policies = [m for m in ms if m.type == "Policy"]
    issuers = [m for m in ms if m.type in {"Country", "Firm", "Region"} and m.flag != "candidate"]
    for p in policies:
        ps, pe = _rel(p, sent)
        after = [w for w in issuers if _rel(w, sent)[0] >= pe]
        if after:
            first = after[0]
            fs, fe = _rel(first, sent)
            if _APPOSITIVE_ISSUER.match(s[pe:fs]):
                ctx.emit(p, "ISSUED_BY", first, i, ps, fe, 0.75, "appositive-issuer", local=True)
                prev = first
                for w in after[1:]:
                    if _COORD.fullmatch(s[_rel(prev, sent)[1]:_rel(w, sent)[0]]):
                        ctx.emit(p, "ISSUED_BY", w, i, ps, _rel(w, sent)[1], 0.75, "appositive-issuer", local=True)
                        prev = w
                    else:
                        break
            elif re.fullmatch(r"\s+(?:that|which)\s+(?:the\s+)?", s[pe:fs]) and \
                    (_ISSUE.match(s[fe:].strip()) or _SUSPEND.match(s[fe:].strip())):
                ctx.emit(p, "ISSUED_BY", first, i, ps, fe + 15, 0.75, "policy-that-issuer")
        if re.search(r"\b(?:its|their)\s+(?:[\w-]+\s+){0,3}$", s[:ps]):
            before = [w for w in issuers if _rel(w, sent)[1] <= ps and w.type == "Country"]
            if before:
                ctx.emit(p, "ISSUED_BY", before[-1], i, _rel(before[-1], sent)[0], pe, 0.65, "its-policy")


def _rules_issued_said(ctx: _Context, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """"China will suspend … Announcement No. 46, the Ministry of Commerce said": the sayer
    of a sentence about issuing or suspending a policy issued it."""
    s = sent.text
    policies = [m for m in ms if m.type == "Policy"]
    agencies = [m for m in ms if m.type == "Firm"]
    if not policies or not agencies or not (_ISSUE.search(s) or _SUSPEND.search(s)):
        return
    for a in agencies:
        as_, ae = _rel(a, sent)
        if _SAYS.match(s[ae:]) and any(_rel(p, sent)[1] <= as_ for p in policies):
            for p in policies:
                if _rel(p, sent)[1] <= as_:
                    ctx.emit(p, "ISSUED_BY", a, i, _rel(p, sent)[0], ae + 8, 0.7, "policy-sayer")
        elif _SAYS_BEFORE.search(s[:as_]) is None and _SAYS.match(s[ae:]) is None:
            continue


def _rules_hq(ctx: _Context, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """"Australia's Lynas", "Australian rare earths producer Lynas" → HEADQUARTERED_IN."""
    s = sent.text
    countries = [m for m in ms if m.type == "Country"]
    firms = [m for m in ms if m.type == "Firm" and not firm_is_agency(ctx.gaz, m.id)
             and not (m.id.startswith("candidate:") and _AGENCY_NAME.search(m.text))]
    for c in countries:
        cs, ce = _rel(c, sent)
        for f in firms:
            fs, fe = _rel(f, sent)
            if fs < ce:
                continue
            gap = s[ce:fs]
            possessive = re.match(r"['’]s?\s", gap) is not None
            if not (possessive or c.flag == "demonym") or not _HQ_GAP.fullmatch(gap):
                continue
            if any(ce <= o.start - sent.start < fs for o in ms if o.type in {"Firm", "Country", "Facility"}):
                continue
            ctx.emit(f, "HEADQUARTERED_IN", c, i, cs, fe, 0.7, "country-firm", local=True)


def _rules_located(ctx: _Context, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """"a plant in Malaysia", "Myanmar's mining belt", "Located … in Australia's Northern
    Territory, Nolans" → LOCATED_IN."""
    s = sent.text
    countries = [m for m in ms if m.type in {"Country", "Region"} and m.flag != "demonym"]
    facilities = [m for m in ms if m.type == "Facility"]
    for f in facilities:
        fs, fe = _rel(f, sent)
        for c in countries:
            cs, ce = _rel(c, sent)
            if cs >= fe and re.fullmatch(r"(?:\s+(?:rare earths?\s+)?(?:project|mine|plant|facility|refinery|mill|"
                                         r"operations?|site|deposit))?"
                                         r"\s*,?\s*(?:(?:which is\s+|is\s+)?(?:located|based)\s+)?(?:in|at|near)\s+"
                                         r"(?:the\s+)?(?:(?:north|south|east|west|central)\w*\s+)?", s[fe:cs]):
                ctx.emit(f, "LOCATED_IN", c, i, fs, ce, 0.7, "facility-in-country", local=True)
            elif ce <= fs and re.match(r"['’]s?\s", s[ce:fs]) and _HQ_GAP.fullmatch(s[ce:fs]):
                ctx.emit(f, "LOCATED_IN", c, i, cs, fe, 0.65, "country-s-facility", local=True)
            elif ce <= fs and re.match(r"\s*In\s+(?:the\s+)?$", s[:cs]) and re.match(r"\s*,", s[ce:]):
                ctx.emit(f, "LOCATED_IN", c, i, cs, fe, 0.65, "in-country-facility", local=True)
            elif re.match(r"\s*Located\b", s) and ce <= fs and fs - ce < 60 and \
                    re.search(r"\bin\s+(?:the\s+)?$", s[:cs]):
                ctx.emit(f, "LOCATED_IN", c, i, 0, fe, 0.65, "located-in", local=True)


def _rules_feeds(ctx: _Context, i: int, sent: Sentence, ms: list[Mention],
                 last_facility: Mention | None) -> None:
    """"The Malaysian plant … processes concentrate from the Mt Weld mine", "That plant will
    receive material from Lynas' Mt Weld mine" → FEEDS(source, plant)."""
    s = sent.text
    facilities = [m for m in ms if m.type == "Facility"]
    for src in facilities:
        ss, se = _rel(src, sent)
        if not _FEEDS_CUE.search(s[:ss]):
            continue
        before = [f for f in facilities if f.id != src.id and _rel(f, sent)[1] <= ss]
        if before:
            dst = before[0]
        elif last_facility is not None and last_facility.id != src.id and \
                re.match(r"\s*(?:That|This|The)\s+(?:[\w-]+\s+){0,2}(?:plant|facility|refinery|mill|project)\b", s):
            dst = last_facility
        else:
            continue
        ctx.emit(src, "FEEDS", dst, i, 0, se, 0.65, "feeds-from")


_SHARE_OF_CUE = re.compile(r"(?i)\baccount|\bsuppl")
_AMOUNT = (r"(?:about\s+|around\s+|nearly\s+|some\s+|roughly\s+|over\s+|more than\s+)?"
           r"(?:\d+(?:\.\d+)?\s?(?:%|per ?cent|percent)|half|a third|a quarter|two-thirds|most|much)"
           r"(?:\s+or\s+more)?")
_SHARE_OF = re.compile(r"\b(?:accounted|accounts|account)\s+for\s+" + _AMOUNT + r"\s+of\s+(?:the\s+)?$"
                       r"|\bsuppl(?:y|ies|ied)\s+" + _AMOUNT + r"\s+of\s+(?:the\s+)?$")


def _rules_supply_shares(ctx: _Context, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """"Myanmar accounted for 57% of China's rare earth imports", "China supplies 95% of the
    EU's rare earth needs", "Chinese imports of … from Myanmar" → SUPPLIES(A, B)."""
    s = sent.text
    if "import" not in s and not _SHARE_OF_CUE.search(s):
        return
    places = [m for m in ms if m.type in {"Country", "Region", "Firm"}]
    for a in places:
        as_, ae = _rel(a, sent)
        for b in places:
            bs, be = _rel(b, sent)
            if a.id == b.id:
                continue
            if bs > ae and a.flag != "demonym" and _SHARE_OF.search(s[ae:bs]) and \
                    re.match(r"['’]s?\s+(?:[\w-]+\s+){0,4}(?:imports?|needs|demand|supply|supplies|purchases|consumption|inputs|feedstock)\b",
                             s[be:]):
                ctx.emit(a, "SUPPLIES", b, i, as_, be + 40, 0.65, "share-of-imports",
                         properties={"material": next((m.id for m in ms if m.type == "Material"), None)})
            elif as_ > be and (re.fullmatch(r"(?:['’]s)?\s+imports?\s+of\s+[^.;]{0,60}?\bfrom\s+", s[be:as_])
                               or re.fullmatch(r"\s+(?:\w+\s+){0,3}imported\s+[^.;]{0,80}?\b(?:from|coming from)\s+",
                                               s[be:as_])):
                ctx.emit(a, "SUPPLIES", b, i, bs, ae, 0.65, "imports-from",
                         properties={"material": next((m.id for m in ms if m.type == "Material"), None)})


def _mention(gaz: Gazetteer, start: int, end: int, text: str, eid: str,
             sentence_of: Callable[[int], int], flag: str) -> Mention:
    return Mention(start, end, text[start:end], eid, gaz.entities[eid].type, sentence_of(start), flag)


def extract_article(article: Article, gaz: Gazetteer) -> Extraction:
    """Mentions, candidates and relations of one article (nothing is written)."""
    text = article.text
    sentences = split_sentences(text)
    starts = [x.start for x in sentences]

    def sentence_of(pos: int) -> int:
        return max(bisect.bisect_right(starts, pos) - 1, 0)

    mentions = _find_mentions(gaz, text, sentences, article.published)
    # policies by number lists and ranges, executive orders and proclamations
    spans = {(m.start, m.id) for m in mentions}
    taken = SpanIndex(mentions)
    for ref in numbered_policies(gaz, text, article.published):
        if not any(m.id == ref.id for m in taken.overlapping(ref.start, ref.start + 1)) and \
                (ref.start, ref.id) not in spans:
            mentions.append(_mention(gaz, ref.start, ref.end, text, ref.id, sentence_of, ref.flag))
    mentions.sort(key=lambda m: (m.start, m.end))
    # names by their form: candidates, graph names by alias, and words nested in names
    hits, nested = find_names(gaz, text, sentences, mentions)
    mentions = [m for k, m in enumerate(mentions) if k not in nested]
    taken = SpanIndex(mentions)
    cand_mentions: list[Mention] = []
    found: dict[tuple[str, str], Candidate] = {}
    canon: dict[str, str] = {}
    for h in hits:
        if h.id is not None:
            if not taken.overlapping(h.start, h.end):
                new = _mention(gaz, h.start, h.end, text, h.id, sentence_of, "alias")
                mentions.append(new)
                taken.add(new)
            continue
        base = h.cue[6:] if h.cue.startswith("again:") else h.text
        key = (h.type, norm_name(base))
        cand = found.setdefault(key, Candidate(canon.setdefault(base, base), h.type))
        cand.mentions.append({"start": h.start, "end": h.end, "text": h.text})
        cid = f"candidate:{h.type}:{cand.name}"
        cand_mentions.append(Mention(h.start, h.end, h.text, cid, h.type, sentence_of(h.start), "candidate"))
    candidates = sorted(found.values(), key=lambda c: c.mentions[0]["start"])
    # descriptions resolved through the graph: policies, facilities, then "the company"
    mentions.sort(key=lambda m: (m.start, m.end))
    taken = SpanIndex(mentions)
    for ref in described_policies(gaz, text, sentences, article.published, mentions) + \
            described_agreements(gaz, text, sentences, article.published, mentions) + \
            coordinated_groups(gaz, text):
        if not any(m.id == ref.id for m in taken.overlapping(ref.start, ref.end)):
            new = _mention(gaz, ref.start, ref.end, text, ref.id, sentence_of, ref.flag)
            mentions.append(new)
            taken.add(new)
            # a described policy wins over a generic candidate name ("an Executive Order (EO)")
            gone = {c.id for c in cand_mentions if c.type == "Policy" and c.start < ref.end and ref.start < c.end}
            if gone:
                cand_mentions = [c for c in cand_mentions if c.id not in gone]
                candidates = [c for c in candidates if f"candidate:{c.type}:{c.name}" not in gone]
    # a facility named once in full is then named short: "the Nolans project" … "Nolans"
    taken = SpanIndex(mentions + cand_mentions)
    shorts: dict[str, tuple[int, str]] = {}
    for m in mentions:
        if m.type != "Facility" or m.flag:
            continue
        short = re.sub(r"(?i)\s+(?:rare earths?\s+)?(?:project|mine|plant|facility|refinery|mill|operations?)$", "", m.text)
        if short != m.text and len(short) >= 5 and short[0].isupper() and " " not in short:
            shorts.setdefault(short, (m.end, m.id))
    for short, (after, fid) in shorts.items():
        for x in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text[after:]):
            a = after + x.start()
            if not taken.overlapping(a, a + len(short)):
                new = _mention(gaz, a, a + len(short), text, fid, sentence_of, "short")
                mentions.append(new)
                taken.add(new)
    owners: dict[tuple[int, str], str] = {}
    for ref in described_facilities(gaz, text, sentences, mentions, sentence_of):
        if not taken.any_overlap(ref.start, ref.end, lambda m: m.type == "Facility"):
            mentions.append(_mention(gaz, ref.start, ref.end, text, ref.id, sentence_of, ref.flag))
            if ref.owner:
                owners[(ref.start, ref.id)] = ref.owner
    mentions.sort(key=lambda m: (m.start, m.end))
    taken = SpanIndex(mentions)
    for ref in antecedents(gaz, text, mentions, sentence_of):
        if not taken.overlapping(ref.start, ref.end):
            mentions.append(_mention(gaz, ref.start, ref.end, text, ref.id, sentence_of, ref.flag))
    mentions.sort(key=lambda m: (m.start, m.end))
    ctx = _Context(text, sentences, sorted(mentions + cand_mentions, key=lambda m: (m.start, m.end)),
                   gaz, article.published)
    ctx.types = {m.id: m.type for m in cand_mentions}
    for m in mentions:
        owner = owners.get((m.start, m.id))
        if owner:
            sent = sentences[m.sentence]
            owner_at = [o for o in mentions if o.id == owner and o.sentence == m.sentence and o.end <= m.start]
            clause = text[owner_at[-1].end:m.start] if owner_at else ""
            pred = "OWNS" if re.search(r"\bown(?:s|ed)?\b", clause) else "OPERATES"
            possessive = re.match(r"(?i)(?:its|their|the (?:company|firm|group)['’]s|[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3}['’]s?)\s", m.text)
            lo = m.start - sent.start if possessive else max(m.start - sent.start - 60, 0)
            ctx.emit(owner, pred, m, m.sentence, lo, m.end - sent.start, 0.7, "described-facility-owner", local=True)
    last_firm: Mention | None = None
    last_facility: Mention | None = None
    recent_policy: Mention | None = None
    recent_policy_at = -10
    for i, sent in enumerate(sentences):
        ms = ctx.by_sentence.get(i, [])
        # every rule relates two entities (one may come from an earlier sentence)
        if len(ms) >= 2:
            types = {m.type for m in ms}
            if "Policy" in types:
                _rules_issued(ctx, i, sent, ms)
                _rules_issued_said(ctx, i, sent, ms)
                _rules_issued_more(ctx, i, sent, ms)
                _rules_parties(ctx, i, sent, ms)
            _rules_owns(ctx, i, sent, ms)
            _rules_supplies(ctx, i, sent, ms)
            _rules_supply_shares(ctx, i, sent, ms)
            if "Country" in types:
                _rules_hq(ctx, i, sent, ms)
            if "Facility" in types:
                _rules_located(ctx, i, sent, ms)
        if ms:
            _rules_targets(ctx, i, sent, ms, recent_policy if i - recent_policy_at <= 2 else None)
            _rules_operates(ctx, i, sent, ms, last_firm)
            _rules_produces(ctx, i, sent, ms, last_firm)
            if any(m.type == "Facility" for m in ms):
                _rules_feeds(ctx, i, sent, ms, last_facility)
        for m in ms:
            if m.type == "Firm" and not m.id.startswith("candidate:"):
                last_firm = m
            if m.type == "Facility" and not m.id.startswith("candidate:"):
                last_facility = m
            if m.type == "Policy" and not m.id.startswith("candidate:"):
                recent_policy, recent_policy_at = m, i
    # countries that issue an agreement are its parties
    for hit in list(ctx.hits):
        if hit.predicate == "ISSUED_BY" and ctx.instrument(hit.subject) == "agreement" and \
                hit.object.startswith("country:"):
            ctx.hits.append(RelationHit(hit.subject, "AFFECTS", hit.object, hit.sentence, hit.confidence,
                                        "agreement-issuer-party", {"role": "party"}))
    relations: dict[tuple[str, str, str, str], RelationHit] = {}
    for hit in ctx.hits:
        if hit.predicate in {"TARGETS", "AFFECTS", "SUPPLIES", "OWNS"}:
            hit.valid_from = _valid_from(hit.sentence.text, article.published)
        prior = relations.get(hit.key())
        if prior is None or hit.confidence > prior.confidence:
            relations[hit.key()] = hit
    names = {m.id: (gaz.entities[m.id].type, gaz.entities[m.id].name) for m in mentions}
    return Extraction(article, sentences, mentions, candidates,
                      sorted(relations.values(), key=lambda h: (h.sentence.start, h.predicate)),
                      ctx.dropped, names)
