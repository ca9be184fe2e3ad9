"""Relation rules read off the schema's domain and range and the graph, not one article's words.

- :func:`rules_conjuncts` (after every other rule): a relation found for one member of a
  coordinated list holds for the others of the same type: "offtake agreements with Hyundai
  Motor Company and Kia in South Korea and Siemens Gamesa in Germany" gives one SUPPLIES per
  buyer, "controls on gallium, germanium and antimony" one TARGETS per material. Only mentions
  of the same entity type joined by ",", "and", "or", "as well as" (with an optional
  "in <Country>" after a member) count as a list.
- :func:`rules_hq_more`: HEADQUARTERED_IN from the forms news uses for a firm's home besides
  "Australia's Lynas": an apposition ("Lynas, the Australian miner,"), "<Country>-based",
  "based/headquartered in <Country>", and "<Firm> in/of/from <Country>" when the graph
  records that country as the firm's seat (so "Lynas in Malaysia", its plant, is not read
  as a seat). Never for government agencies.
- :func:`rules_owns_more`: OWNS from ownership nouns: "A's (wholly owned) subsidiary B",
  "B, a unit of A", "its subsidiary, B" (A the nearest firm, or the firm the sentence goes on
  to name after "Through its subsidiary, B,"), "A-owned B", "B, (which is) owned by A",
  "A completed the acquisition of B", "B's parent (company) A".

Size (~400 lines): the seat, ownership and supply rules share the list, apposition and
"its" helpers and the speed prefilters; split by predicate they would import each other.

The pair loops of the seat, ownership, supply and production-noun rules go through
:func:`_ordered_pairs` (they differ only in which mentions may stand between the two ends);
the OWNS patterns of this module and of :mod:`rules_chain` live in :mod:`ownership`.

Every hit goes through :meth:`RuleContext.emit` (domain and range of the schema, negation and
hedges), except conjuncts, which copy a checked hit to an entity of the same type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from loaders.articles import ownership as own
from loaders.articles.records import POSSESSIVE, Mention, RelationHit, RuleContext, rel_span
from loaders.articles.references import firm_is_agency
from loaders.articles.sentences import Sentence, finditer_at, has_any, literal_starts, lowered

__all__ = ["rules_conjuncts", "rules_exports", "rules_hq_more", "rules_owns_more", "rules_production_nouns", "rules_supplies_more",
           "rules_supply_deals"]

_CONJ = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|as\s+well\s+as|&)\s+)(?:the\s+)?")
_IN_PLACE = re.compile(r"\s+(?:in|of|from)\s+(?:the\s+)?")

_BASED = re.compile(r"^-?\s?(?:based|headquartered|registered|domiciled)\s+(?:[a-z][\w-]*\s+){0,3}$")
_SEAT_AFTER = re.compile(r"^\s*,?\s+(?:which\s+is\s+|is\s+)?(?:based|headquartered)\s+in\s+(?:the\s+)?"
                         r"(?:[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?,\s+)?$")
_LEGAL_TAIL = r"(?:\s+(?:Ltd|Limited|Inc|Corp|Corporation|Co|plc|PLC|LLC|AG|SA|NV|Pty|Bhd|Holdings)\.?)*"
_APPOS_BEFORE_DEMONYM = re.compile(r"^" + _LEGAL_TAIL + r"(?:\s*\([^()]{0,30}\))?\s*(?:,|\s(?:is|was))\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}$")
#: "JL Mag, China's largest magnet maker", "Vulcan Elements, a US magnet maker"
_APPOS_BEFORE_COUNTRY = re.compile(r"^" + _LEGAL_TAIL + r"(?:\s*\([^()]{0,30}\))?\s*,\s+(?:(?:a|an|the)\s+)?$")
_GRAPH_SEAT = re.compile(r"^\s+(?:in|of|from)\s+(?:the\s+)?$")

_DEAL_WITH = re.compile(r"\b(?P<kind>supply|sales?|purchase|procurement)\s+(?:agreement|deal|contract|pact|arrangement)s?"
                        r"\s+with\s+(?:the\s+)?$", re.I)
_PRODUCTION_AFTER = re.compile(r"\s+(?:production|output)\b")
#: where the end-anchored "its subsidiary" / "its customers" searches may start
_ITS_WORD = re.compile(r"(?i)\b(?:its|their)\b")
_DEAL_KIND_WORD = re.compile(r"(?i)supply|sale|purchase|procurement")
_DEAL_KINDS = ("supply", "sale", "purchase", "procurement")  # the same test as substrings of the lowered text
#: a superset of the words the SUPPLIES patterns need, to skip sentences without any (speed)
_SUPPLY_WORDS = ("suppl", "provid", "customer", "client", "buyer", "offtake", "receiv", "get", "obtain")


#: rules that read a possessive or a pre-modifier: its scope over a list is ambiguous
#: ("the Australian government's Strategy and the G7 Plan", "Australia's Lynas and MP")
_NOT_SPREAD = {"possessive-issuer", "country-firm", "country-s-facility", "its-facility",
               "possessive-facility", "described-facility-owner", "known-location"}


class _Partner(NamedTuple):
    """One mention paired with an anchor by :func:`_ordered_pairs` (spans relative to the sentence)."""

    m: Mention
    start: int
    end: int
    gap: str  # the sentence text between the two mentions
    first: bool  # ``m`` stands before the anchor


def _ordered_pairs(anchor: Mention, others: list[Mention], sent: Sentence, *,
                   before: Sequence[Mention] | None = None,
                   after: Sequence[Mention] | None = None) -> Iterator[_Partner]:
    """The mentions of ``others`` (in their order, other entities than ``anchor``'s) that stand
    wholly before or wholly after ``anchor`` with no mention of a blocking list starting between
    the two. ``before`` blocks the partners that stand before the anchor, ``after`` those after
    it; ``None`` (the default) leaves out that side altogether, an empty list blocks nothing.
    Overlapping mentions are never paired. The rules differ only in what may stand between
    the two ends ("A, a unit of B" allows no other firm; "Lynas' NdPr production" anything).
    """
    s, off = sent.text, sent.start
    xs, xe = anchor.start - off, anchor.end - off
    for m in others:
        if m.id == anchor.id:
            continue
        ms, me = m.start - off, m.end - off
        if me <= xs:
            if before is None or any(me <= o.start - off < xs for o in before):
                continue
            yield _Partner(m, ms, me, s[me:xs], True)
        elif xe <= ms:
            if after is None or any(xe <= o.start - off < ms for o in after):
                continue
            yield _Partner(m, ms, me, s[xe:ms], False)


def _anchored(rx: re.Pattern[str], s: str, starts: list[int], end: int) -> re.Match[str] | None:
    """``rx.search(s[:end])`` for a pattern that starts with "its"/"their" and ends with ``$``,
    tried only where those words start (the same leftmost match, found without scanning)."""
    for p in starts:
        if p >= end:
            break
        m = rx.match(s, p, end)
        if m:
            return m
    return None


def _its_at(s: str) -> list[int]:
    """Where "its"/"their" start as words (``_ITS_WORD``), the pattern tried only where the
    letters occur in the lowered sentence (speed)."""
    low = lowered(s)
    found = _ITS_WORD.finditer(s) if low is None else finditer_at(_ITS_WORD, s, literal_starts(low, ("its", "their")))
    return [m.start() for m in found]


def _sentence_index(ctx: RuleContext) -> dict[int, int]:
    return {s.start: k for k, s in enumerate(ctx.sentences)}


def _list_mates(ms: list[Mention], m: Mention, sent: Sentence, other: str) -> list[Mention]:
    """Mentions coordinated with ``m`` in its sentence, of the same type (both directions);
    a place after a member is skipped over unless it is the relation's other end."""
    s = sent.text
    order = [x for x in ms if x.type == m.type or x.type == "Country"]
    pos = {id(x): k for k, x in enumerate(order)}
    out: list[Mention] = []
    for step in (1, -1):
        cur = m
        while True:
            k = pos[id(cur)]
            j = k + step
            nxt = order[j] if 0 <= j < len(order) else None
            if nxt is None:
                break
            from_end = cur.end
            # a country right after a member ("Kia in South Korea") is skipped over
            if nxt.type == "Country" and m.type != "Country":
                if nxt.id == other:
                    break
                if step == 1 and _IN_PLACE.fullmatch(s[cur.end - sent.start:nxt.start - sent.start]) and \
                        0 <= j + 1 < len(order) and order[j + 1].type == m.type and \
                        _CONJ.fullmatch(s[nxt.end - sent.start:order[j + 1].start - sent.start]):
                    from_end = nxt.end
                    nxt = order[j + 1]
                else:
                    break
            left, right = (cur, nxt) if step == 1 else (nxt, cur)
            gap = s[(from_end if step == 1 else left.end) - sent.start:right.start - sent.start]
            if nxt.type != m.type or left.end > right.start or not _CONJ.fullmatch(gap):
                break
            if nxt.id != m.id:
                out.append(nxt)
            cur = nxt
    return out


def rules_conjuncts(ctx: RuleContext) -> None:
    """Copies each hit to the other members of a list its subject or object is part of."""
    where = _sentence_index(ctx)
    seen = {(h.subject, h.predicate, h.object) for h in ctx.hits}
    cache: dict[tuple[int, str, str], list[Mention]] = {}  # one list per sentence, end and other end
    for hit in list(ctx.hits):
        if hit.rule in _NOT_SPREAD:
            continue
        i = where.get(hit.sentence.start)
        if i is None:
            continue
        ms = ctx.by_sentence.get(i, [])
        for end in ("subject", "object"):
            ref = getattr(hit, end)
            other = hit.object if end == "subject" else hit.subject
            m = next((x for x in ms if x.id == ref), None)
            if m is None:
                continue
            key = (i, ref, other)
            mates = cache.get(key)
            if mates is None:
                # a mate is another entity of m's type in the sentence: none, no list (speed)
                mates = cache[key] = _list_mates(ms, m, hit.sentence, other) if any(
                    x.type == m.type and x.id != ref for x in ms) else []
            if mates:
                for mate in mates:
                    if mate.id in (other, ref):
                        continue
                    new = (mate.id, hit.predicate, other) if end == "subject" else (other, hit.predicate, mate.id)
                    if new in seen:
                        continue
                    seen.add(new)
                    ctx.hits.append(RelationHit(new[0], new[1], new[2], hit.sentence, hit.confidence,
                                                hit.rule + "+conjunct", dict(hit.properties),
                                                action=hit.action, hedge=hit.hedge))


def rules_hq_more(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """HEADQUARTERED_IN by apposition, "-based", "based in", and graph-confirmed "X in Country"."""
    s = sent.text
    countries = [m for m in ms if m.type == "Country"]
    if not countries:
        return
    firms = [m for m in ms if m.type == "Firm" and not firm_is_agency(ctx.gaz, m.id)]
    seats = ctx.gaz.index.hq
    # "Country … Firm": no firm or facility between them; "Firm … Country": no country either
    block_before = [o for o in ms if o.type in {"Firm", "Facility"}]
    block_after = [o for o in ms if o.type in {"Firm", "Country", "Facility"}]
    for f in firms:
        fs, fe = rel_span(f, sent)
        for c, cs, ce, gap, first in _ordered_pairs(f, countries, sent, before=block_before, after=block_after):
            if first:
                if c.flag != "demonym" and _BASED.match(gap):
                    ctx.emit(f, "HEADQUARTERED_IN", c, i, cs, fe, 0.7, "country-based-firm", local=True)
                continue
            if f.id.startswith("candidate:"):
                continue  # a name found by its form: only "<Country>-based <name>" places it
            if c.flag == "demonym" and _APPOS_BEFORE_DEMONYM.match(gap) and \
                    re.match(r"\s+[a-z]", s[ce:ce + 3]):
                ctx.emit(f, "HEADQUARTERED_IN", c, i, fs, ce, 0.7, "firm-apposition-demonym", local=True)
            elif c.flag != "demonym" and _APPOS_BEFORE_COUNTRY.match(gap) and re.match(r"-based\b", s[ce:ce + 7]):
                ctx.emit(f, "HEADQUARTERED_IN", c, i, fs, ce + 6, 0.7, "firm-apposition-based", local=True)
            elif c.flag is None and _APPOS_BEFORE_COUNTRY.match(gap) and \
                    re.match(r"(?:['’]s)?\s+(?:[a-z][\w-]*\s+){0,3}(?:maker|producer|miner|company|firm|group|"
                             r"manufacturer|developer|refiner|processor|supplier|smelter|giant|conglomerate|"
                             r"corporation|enterprise|start-?up)s?\b", s[ce:]):
                ctx.emit(f, "HEADQUARTERED_IN", c, i, fs, ce + 30, 0.7, "firm-apposition-country", local=True)
            elif c.flag != "demonym" and _SEAT_AFTER.match(gap):
                ctx.emit(f, "HEADQUARTERED_IN", c, i, fs, ce, 0.75, "firm-based-in", local=True)
            elif c.flag is None and _GRAPH_SEAT.match(gap) and c.id in seats.get(f.id, set()):
                ctx.emit(f, "HEADQUARTERED_IN", c, i, fs, ce, 0.65, "firm-in-seat-country", local=True)


def rules_owns_more(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention],
                    last_firm: Mention | None) -> None:
    """OWNS from ownership nouns and phrases (see the module docstring)."""
    s = sent.text
    low = s.lower()
    if not has_any(low, own.OWNS_WORDS):
        return  # every pattern below needs one of these words (speed)
    firms = [m for m in ms if m.type == "Firm"]
    owned = [m for m in ms if m.type in {"Firm", "Facility"}]
    if not firms or not owned:
        return
    owners = firms + [m for m in ms if m.type == "Country"]
    # the end-anchored "its subsidiary" search is costly: only when its words are in the sentence
    its_at = _its_at(s)
    its_sub_possible = bool(its_at) and own.SUB_WORD.search(s) is not None
    for b in owned:
        bs, be = rel_span(b, sent)
        # "A … B": no other firm or facility between; "B … A": no other firm
        for a, as_, ae, gap, first in _ordered_pairs(b, owners, sent, before=owned, after=firms):
            if first:
                pct = own.PCT_OF.match(gap)
                if pct and float(pct.group(1)) <= 100:
                    ctx.emit(a, "OWNS", b, i, as_, be, 0.7, "owns-percent-of",
                             properties={"share": round(float(pct.group(1)) / 100, 4)})
                elif a.type == "Country" and a.flag == "demonym" and own.A_OWNED_B.match(gap):
                    # "French-owned Carester": owners of that nationality, not the state; the seat
                    ctx.emit(b, "HEADQUARTERED_IN", a, i, as_, be, 0.65, "demonym-owned", local=True)
                elif own.A_S_SUB_B.match(gap) or own.A_OWNED_B.match(gap) or own.ACQUIRED.match(gap):
                    ctx.emit(a, "OWNS", b, i, as_, be, 0.7, "owner-noun", local=own.ACQUIRED.match(gap) is None)
                elif own.STAKE_NOUN.match(gap):  # "Shenghe's 8% stake in MP Materials"
                    ctx.emit(a, "OWNS", b, i, as_, be, 0.7, "possessive-stake", local=True)
                elif a.type == "Country" and own.STATE_OWNED.match(gap):  # "Chinese state-owned miner X"
                    ctx.emit(a, "OWNS", b, i, as_, be, 0.65, "state-owned", local=True)
                elif own.HAS_STAKE.match(gap) or own.IS_OWNER_OF.match(gap):
                    ctx.emit(a, "OWNS", b, i, as_, be, 0.7, "has-stake-in")
                elif own.WHICH_OWNS.match(gap) or own.OWNER_OF.match(gap):
                    ctx.emit(a, "OWNS", b, i, as_, be, 0.7, "owner-which-owns", local=True)
                elif re.fullmatch(r"\s*,\s+", gap) and own.OWNER_S.match(s, be):
                    # "Shenghe, MP Materials' largest shareholder, …"
                    ctx.emit(a, "OWNS", b, i, as_, be + 40, 0.7, "owner-apposition", local=True)
            elif a.type == "Country" and POSSESSIVE.match(s, ae):
                continue  # "a division of Canada's Neo Performance Materials": the firm owns it
            elif (own.IN_WHICH.match(gap) and own.HOLDS_STAKE.match(s, ae)) or own.JV_OF.match(gap) or \
                    own.PCT_OWNED_BY.match(gap) or own.OWNER_AFTER_B.match(gap):
                ctx.emit(a, "OWNS", b, i, bs, ae + 40, 0.7, "in-which-owner", local=True)
            elif own.IS_SUB_OF.match(gap):  # "Less Common Metals is a unit of USA Rare Earth"
                ctx.emit(a, "OWNS", b, i, bs, ae, 0.7, "is-unit-of")
            elif own.B_SUB_OF_A.match(gap) or own.OWNED_BY.match(gap):
                ctx.emit(a, "OWNS", b, i, bs, ae, 0.7, "owned-by-noun", local=True)
            elif own.PARENT.match(gap):
                ctx.emit(a, "OWNS", b, i, bs, ae, 0.7, "parent-of", local=True)
        its = _anchored(own.ITS_SUB, s, its_at, bs) if b.type == "Firm" and its_sub_possible else None
        if its:
            pool = [f for f in reversed(firms) if f.end - sent.start <= its.start()]
            if re.match(r"\s*Through\b", s[:its.start()], re.I) or not pool:
                after = [f for f in firms if f.start - sent.start >= be and f.id != b.id]
                pool = after[:1] if after and re.match(r"\s*,", s[be:]) else pool
            if not pool and last_firm is not None and not [f for f in firms if f is not b]:
                pool = [last_firm]  # the firm of the sentences before, when this one names no other
            if pool and pool[0].id != b.id:
                ctx.emit(pool[0], "OWNS", b, i, its.start(), be, 0.65, "its-subsidiary", local=True)


def _producer(ctx: RuleContext, eid: str) -> bool:
    """Whether the graph knows ``eid`` as a firm that runs a facility (a producer, so in a
    supply deal it is the side that sells)."""
    return bool(ctx.gaz.index.operated.get(eid))


def rules_supply_deals(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """"A signed a supply agreement with B": the side the graph knows as a producer supplies
    the other; "a purchase agreement with B": B supplies A. Undecided pairs are left alone."""
    s = sent.text
    if " with " not in s:
        return
    low = lowered(s)
    if not (_DEAL_KIND_WORD.search(s) if low is None else has_any(low, _DEAL_KINDS)):
        return  # the end-anchored deal search needs one of these words (speed)
    actors = [m for m in ms if m.type in {"Firm", "Country"} and m.flag != "demonym"]
    for b in actors:
        bs, be = rel_span(b, sent)
        deal = _DEAL_WITH.search(s[:bs])
        if deal is None or deal.end() != bs:
            continue
        before = [a for a in actors if a.end - sent.start <= deal.start() and a.id != b.id]
        if not before:
            continue
        a = before[-1]
        as_, ae = rel_span(a, sent)
        if any(ae <= o.start - sent.start < bs for o in actors if o is not a):
            continue
        if deal.group("kind").lower() in {"purchase", "procurement"}:
            seller, buyer = b, a
        elif _producer(ctx, a.id) and not _producer(ctx, b.id):
            seller, buyer = a, b
        elif _producer(ctx, b.id) and not _producer(ctx, a.id):
            seller, buyer = b, a
        else:
            continue
        material = next((m.id for m in ms if m.type == "Material"), None)
        ctx.emit(seller, "SUPPLIES", buyer, i, as_, be, 0.65, "supply-deal-with", properties={"material": material})


#: "<product> separation plant at <facility>", "its rare earths production line at the La Rochelle facility"
_PLANT_AT = re.compile(r"\s+(?:(?:separation|processing|refining|production|manufacturing|magnet|metal|oxide)\s+)?"
                       r"(?:plant|facility|line|refinery|circuit|factory|capacity)\s+(?:[\w-]+\s+){0,2}?"
                       r"(?:at|in)\s+(?:the\s+|its\s+)?$", re.I)


def rules_production_nouns(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """"Lynas' NdPr production", "Mountain Pass's rare earth oxide output" → PRODUCES (a firm
    or a facility; a country's output counts only as a share, see the share rule); "a light
    rare earth separation plant at Silmet", "its rare earths production line for permanent
    magnets at the La Rochelle facility" → PRODUCES (the named facility, the product before
    the plant noun)."""
    s = sent.text
    for fac in (m for m in ms if m.type == "Facility" and not m.id.startswith("candidate:")):
        fs, fe = rel_span(fac, sent)
        for q in ms:
            if q.type not in {"Material", "Element"} or q.end > fac.start:
                continue
            qs, qe = rel_span(q, sent)
            gap = s[qe:fs]
            if re.search(r"(?:^|\s)[A-Z0-9][\w-]*\s+$", s[:qs]):
                continue  # "The Phase 1 REE separation circuit": inside a name
            if len(gap) > 90 or not (_PLANT_AT.fullmatch(gap) or re.fullmatch(
                    r"\s+(?:production|separation|processing|refining)\s+line\s+(?:for\s+(?:[\w-]+\s+){1,3})?"
                    r"(?:at|in)\s+(?:the\s+|its\s+)?", gap, re.I)):
                continue
            ctx.emit(fac, "PRODUCES", q, i, qs, fe, 0.6, "product-plant-at", local=True)
    if "production" not in s and "output" not in s:
        return
    makers = [m for m in ms if m.type in {"Firm", "Facility"}]
    products = [m for m in ms if m.type in {"Material", "Element"}]
    for p in makers:
        ps, pe = rel_span(p, sent)
        for q, _qs, qe, gap, _first in _ordered_pairs(p, products, sent, after=()):
            if not re.fullmatch(r"['’]s?\s+(?:[a-z][\w-]*\s+){0,2}", gap):
                continue
            tail = _PRODUCTION_AFTER.match(s, qe)
            if tail is None:
                continue
            group = [q] + [o for o in products if o.start == q.start and o.id != q.id]  # "NdPr"
            for obj in group:
                ctx.emit(p, "PRODUCES", obj, i, ps, tail.end(), 0.65, "possessive-production", local=True)


_SUPPLY_DIRECT = re.compile(r"^\s+(?:(?:[\w$.,%-]+\s+){0,8}?to\s+|will\s+|would\s+|also\s+|now\s+|currently\s+|"
                            r"(?:has\s+)?agreed\s+to\s+|is\s+set\s+to\s+)?"
                            r"(?:supply|supplies|supplied|supplying|provide|provides|provided|providing)\s+(?:the\s+)?$", re.I)
_SUPPLIER_OF_B = re.compile(r"^['’]s?\s+(?:main\s+|largest\s+|biggest\s+|key\s+|sole\s+|only\s+|primary\s+|major\s+|"
                            r"first\s+|new\s+)?(?:[\w-]+\s+){0,2}suppliers?\s*,?\s+(?:the\s+)?$", re.I)
_IS_SUPPLIER = re.compile(r"^\s+(?:is|was|became|has\s+become|remains)\s+(?:now\s+)?(?:the\s+|a\s+)?$", re.I)
_CUSTOMERS = re.compile(r"^(?:['’]s?|\s*,\s+whose)\s+(?:[\w-]+\s+){0,2}(?:customers?|clients?|buyers?|offtakers?|offtake\s+partners?)"
                        r"\s*(?:,|\s(?:include|includes|included|are|is|such\s+as|like))\s+(?:the\s+)?$"
                        r"|^['’]s?\s+(?:[\w-]+\s+){0,2}(?:customer|client|buyer|offtaker)\s+(?:the\s+)?$", re.I)
_RECEIVES_FROM = re.compile(r"^\s+(?:will\s+|would\s+|to\s+|also\s+)?(?:receive|receives|received|get|gets|obtain|obtains|"
                            r"obtained)\s+[^.;]{0,60}?\bfrom\s+(?:the\s+)?$", re.I)
_ITS_CUSTOMER = re.compile(r"\b(?:its|their)\s+(?:[\w.-]+\s+){0,2}(?:customers?|clients?|buyers?|offtakers?)\s*,?\s+$", re.I)


def rules_supplies_more(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention],
                        last_firm: Mention | None) -> None:
    """SUPPLIES in the forms rules_chain does not read: "A will supply B (with …)", "B's main
    supplier, A", "A is B's supplier", "A's customers include B", "one of its US customers,
    B" (its: the nearest firm before, else the firm of the sentences before)."""
    s = sent.text
    low = s.lower()
    if not has_any(low, _SUPPLY_WORDS):
        return  # every pattern below needs one of these words (speed)
    actors = [m for m in ms if m.type in {"Firm", "Facility", "Country"} and m.flag != "demonym"]
    if len(actors) < 1:
        return
    its_at = _its_at(s)
    for b in actors:
        bs, be = rel_span(b, sent)
        for a, as_, _ae, gap, _first in _ordered_pairs(b, actors, sent, before=actors):  # "A … B", no actor between
            if _SUPPLY_DIRECT.match(gap) and not POSSESSIVE.match(s, be):
                ctx.emit(a, "SUPPLIES", b, i, as_, be, 0.7, "a-supplies-b")
            elif _RECEIVES_FROM.match(gap) and a.type != "Facility" and b.type != "Facility":
                ctx.emit(b, "SUPPLIES", a, i, as_, be, 0.65, "receives-from")
            elif _CUSTOMERS.match(gap):
                ctx.emit(a, "SUPPLIES", b, i, as_, be, 0.7, "customers-include", local=True)
            elif _IS_SUPPLIER.match(gap) and \
                    re.match(r"['’]s?\s+(?:[\w-]+\s+){0,3}suppliers?\b", s[be:]):
                ctx.emit(a, "SUPPLIES", b, i, as_, be + 40, 0.7, "is-b-s-supplier", local=True)
            elif _SUPPLIER_OF_B.match(gap):  # "B's main supplier, A": here a is B
                ctx.emit(b, "SUPPLIES", a, i, as_, be, 0.7, "b-s-supplier", local=True)
        its = _anchored(_ITS_CUSTOMER, s, its_at, bs) if its_at and b.type in {"Firm", "Country"} else None
        if its:
            pool = [f for f in reversed(actors) if f.type == "Firm" and f.end - sent.start <= its.start()]
            subject = [f for f in pool if f.start - sent.start < 25 and not f.id.startswith("candidate:")]
            pool = subject[-1:] or pool  # "Lynas told the ASX it signed with one of its customers"
            if not pool and last_firm is not None:
                pool = [last_firm]
            if pool and pool[0].id != b.id:
                ctx.emit(pool[0], "SUPPLIES", b, i, its.start(), be, 0.65, "its-customer", local=True)


#: "exports", "shipments", "export destinations" (the nouns of a country's trade figures)
_EXPORT_NOUN = re.compile(r"\b(?:exports|shipments|export\s+volumes?)\b", re.I)
#: "… to the United States": a destination after "to" within the clause of the export noun
_TO_DEST = re.compile(r"\b(?:exports|shipments|exported|shipped|sales)\s+(?:[\w%.,-]+\s+){0,6}?to\s+(?:the\s+)?$", re.I)
#: "Germany, the U.S. and India were the top five export destinations for Chinese magnets"
_DESTINATIONS = re.compile(r"^\s*(?:were|are|was|is|remained|became)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}"
                           r"(?:export\s+)?(?:destinations|markets|buyers|importers)\s+(?:for|of)\s+", re.I)


#: the rest of a list of countries up to "were the top … (export) destinations"
_LIST_BEFORE_DESTINATIONS = re.compile(
    r"(?:\s*,\s*(?:and\s+)?(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})*"
    r"(?:\s*,?\s+and\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?\s*"
    r"(?:were|are|was|is|remained|became)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:export\s+)?")


def rules_exports(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """A country's exports and where they go, from trade figures: "China's rare earth magnet
    exports fell 5.2%, but shipments to the United States surged" and "Germany, the U.S. and
    India were the top five export destinations for Chinese rare earth magnets" → SUPPLIES
    (exporter, destination), with the material named in the sentence.

    The exporter is a country written with a possessive right before the export noun
    ("China's … exports", up to four words between) or as a demonym right before the material
    after "destinations for"; a destination is a country after "to" in the same clause as an
    export noun, or a country listed before "were the … destinations for". Confidence 0.6.
    """
    s = sent.text
    low = s.lower()
    if not ("export" in low or "shipment" in low):
        return
    countries = [m for m in ms if m.type == "Country"]
    if not countries:
        return
    material = next((m.id for m in ms if m.type == "Material"), None)
    exporter: Mention | None = None
    product: tuple[int, int] = (0, 0)  # where the exported product is named
    for c in countries:
        ce = rel_span(c, sent)[1]
        noun = re.match(r"['’]s\s+((?:[\w-]+\s+){0,4}?)(?:exports|shipments)\b", s[ce:], re.I)
        if c.flag != "demonym" and noun:
            exporter, product = c, (ce + noun.start(1), ce + noun.end(1))
            break
    dests = re.search(r"\b(?:destinations|markets|buyers|importers)\s+(?:for|of)\s+", s)
    if exporter is None and dests is not None:
        after = [c for c in countries if c.flag == "demonym" and rel_span(c, sent)[0] >= dests.end()
                 and rel_span(c, sent)[0] - dests.end() <= 4]
        if after:
            exporter = after[0]
            ae = rel_span(exporter, sent)[1]
            product = (ae, ae + 40)
    if exporter is None:
        return
    es, ee = rel_span(exporter, sent)
    # what a country exports it makes: "China's rare earth magnet exports" → PRODUCES magnets
    for q in ms:
        if q.type in {"Material", "Element"} and product[0] <= q.start - sent.start < product[1] and \
                q.id != "material:rare-earths":
            ctx.emit(exporter, "PRODUCES", q, i, es, rel_span(q, sent)[1], 0.55, "exporter-produces", local=True)
    for d in countries:
        if d.id == exporter.id or d.flag == "demonym":
            continue
        ds, de = rel_span(d, sent)
        before = s[max(0, ds - 80):ds]
        if _TO_DEST.search(before) and not re.search(r"[;:]|\bfrom\b", before[-40:]):
            ctx.emit(exporter, "SUPPLIES", d, i, min(es, ds), max(ee, de), 0.6, "exports-to",
                     properties={"material": material})
            continue
        if dests is not None and de <= dests.start():
            # a member of the list before "were the … destinations"
            if _DESTINATIONS.match(s[de:]) or _LIST_BEFORE_DESTINATIONS.fullmatch(s[de:dests.start()]):
                ctx.emit(exporter, "SUPPLIES", d, i, ds, max(ee, de), 0.6, "export-destinations",
                         properties={"material": material})

