"""Mentions of one article: graph names, numbered and described references, candidates.

:func:`find_all_mentions` runs, in order, the gazetteer (graph names and "U.S.-China deal"-like
agreement references), :func:`~loaders.articles.references.numbered_policies`,
:func:`~loaders.articles.names.find_names` (candidates, graph names by alias), the described
policies, agreements and element groups, short forms of facility names ("Nolans"), described
facilities (with the firm that owns or operates them) and antecedents ("the company"). The
relation rules (:mod:`rules_policy`, :mod:`rules_chain`) start from what it returns.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from loaders.articles.deals import described_deals
from loaders.articles.gazetteer import Gazetteer, Match, norm_name
from loaders.articles.names import find_names
from loaders.articles.readers import Article
from loaders.articles.records import Candidate, Mention
from loaders.articles.references import (
    antecedents,
    coordinated_groups,
    described_agreements,
    described_facilities,
    described_policies,
    numbered_policies,
)
from loaders.articles.sentences import Sentence, finditer_at, literal_starts, split_sentences
from loaders.articles.spans import SpanIndex

__all__ = ["ArticleMentions", "find_all_mentions"]

_AGREEMENT_REF = re.compile(
    r"\b(?P<a>U\.S\.|US|United States|America|Washington|China|Beijing)\s?[-–—‑/]\s?"
    r"(?P<b>China|Chinese|Beijing|U\.S\.|US|United States|Washington)\b"
    r"(?P<mid>(?:\s+[\w-]+){0,3}?)\s+(?P<kw>agreements?|deals?|truce|framework|arrangements?|accord|pact|"
    r"consensus)\b")
#: the words every match of _AGREEMENT_REF starts with (it is tried only where they occur)
_AGREEMENT_REF_FIRST = ("U.S.", "US", "United States", "America", "Washington", "China", "Beijing")
_COUNTRY_OF = {"u.s.": "country:US", "us": "country:US", "united states": "country:US",
               "america": "country:US", "washington": "country:US", "china": "country:CN",
               "chinese": "country:CN", "beijing": "country:CN"}


def _find_mentions(gaz: Gazetteer, text: str, sentences: list[Sentence],
                   published: str | None) -> list[Mention]:
    matches: list[Match] = gaz.find(text)
    starts = [s.start for s in sentences]

    def sentence_of(pos: int) -> int:  # the last sentence starting at or before pos (else the first)
        return max(bisect.bisect_right(starts, pos) - 1, 0)

    out: list[Mention] = []
    for m in matches:
        for eid in m.ids:
            entity = gaz.entities[eid]
            out.append(Mention(m.start, m.end, m.text, eid, entity.type, sentence_of(m.start), m.flag))
    for ref in finditer_at(_AGREEMENT_REF, text, literal_starts(text, _AGREEMENT_REF_FIRST)):
        a = _COUNTRY_OF.get(ref.group("a").lower())
        b = _COUNTRY_OF.get(ref.group("b").lower())
        if not a or not b or a == b:
            continue
        pid = gaz.agreement_between(a, b, published)
        if pid and not any(x.id == pid and x.start <= ref.start() < x.end for x in out):
            span = (ref.start(), ref.end())
            out.append(Mention(span[0], span[1], text[span[0]:span[1]], pid, "Policy",
                               sentence_of(span[0]), "contextual"))
    # any two countries the graph has an agreement between: "the US-Japan framework",
    # "Australia–US critical minerals deal" (the latest one announced by the article's date)
    countries = [m for m in out if m.type == "Country"]
    for ca, cb in zip(countries, countries[1:], strict=False):
        if ca.id == cb.id or not _PAIR_SEP.fullmatch(text, ca.end, cb.start):
            continue
        kw = _PAIR_KW.match(text, cb.end)
        if kw is None:
            continue
        deal = gaz.agreement_between(ca.id, cb.id, published)
        if deal and not any(x.id == deal and x.start < kw.end() and ca.start < x.end for x in out):
            out.append(Mention(ca.start, kw.end(), text[ca.start:kw.end()], deal, "Policy",
                               sentence_of(ca.start), "contextual"))
    out.sort(key=lambda m: (m.start, m.end))
    return _shared_heads(gaz, text, out)


_SHARED_HEAD = re.compile(r"(?i)^([a-z]+)\s+(oxide|metal)s?$")
_CONJ_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|&)\s+)")


def _shared_heads(gaz: Gazetteer, text: str, out: list[Mention]) -> list[Mention]:
    """"dysprosium and terbium oxides", "terbium and dysprosium oxide": elements coordinated
    before a material head name that head's material for each element ("terbium oxide"), when
    the graph has it."""
    for k, m in enumerate(out):
        head = _SHARED_HEAD.match(m.text) if m.type == "Material" else None
        if head is None:
            continue
        j = k - 1
        while j >= 0 and out[j].type == "Element" and out[j].flag is None and \
                _CONJ_GAP.fullmatch(text, out[j].end, out[j + 1].start):
            e = out[j]
            found = gaz.find(f"{e.text} {head.group(2)}")
            ids = found[0].ids if len(found) == 1 else ()
            if len(ids) == 1 and gaz.entities[ids[0]].type == "Material":
                out[j] = Mention(e.start, e.end, e.text, ids[0], "Material", e.sentence, "shared-head")
            j -= 1
    return out


_PAIR_SEP = re.compile(r"\s?[-–—‑/]\s?")
_PAIR_KW = re.compile(r"(?:\s+[\w-]+){0,3}?\s+(?:agreements?|deals?|truce|framework|arrangements?|accord|pact|"
                      r"consensus)\b")


def _mention(gaz: Gazetteer, start: int, end: int, text: str, eid: str,
             sentence_of: Callable[[int], int], flag: str) -> Mention:
    return Mention(start, end, text[start:end], eid, gaz.entities[eid].type, sentence_of(start), flag)


@dataclass
class ArticleMentions:
    """What :func:`find_all_mentions` finds in one article."""

    text: str
    sentences: list[Sentence]
    mentions: list[Mention]  # graph entities, sorted by position
    cand_mentions: list[Mention]  # names the graph does not hold (``candidate:<Type>:<Name>``)
    candidates: list[Candidate]
    owners: dict[tuple[int, str], str]  # (start, facility id) of a described facility → its firm


def find_all_mentions(article: Article, gaz: Gazetteer) -> ArticleMentions:
    """Every mention of one article, graph entities and candidates (see the module docstring)."""
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
    for ref in described_policies(gaz, text, sentences, article.published, mentions, article.horizon) + \
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
        rest = text[after:]
        # (speed: the pattern tried only where the name occurs; a look-behind first defeats
        # the regex engine's literal scan, so finditer tried it at every character)
        rx = re.compile(rf"(?<![\w-]){re.escape(short)}(?![\w-])")
        for x in finditer_at(rx, rest, literal_starts(rest, (short,))):
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
    # funding deals described by their parties ("a $150 million loan from the DoD")
    taken = SpanIndex(mentions)
    for deal in described_deals(gaz, text, sentences, mentions, article.horizon, sentence_of):
        if not taken.overlapping(deal.start, deal.end):
            mentions.append(deal)
    mentions.sort(key=lambda m: (m.start, m.end))
    # "rare earth magnet capacity", "the rare earth magnet supply chain": the singular used as a
    # modifier names the group (material:rare-earths), not the magnets (the annotated sets'
    # convention; "rare earth magnets" as a noun stays NdFeB magnets)
    if "material:rare-earths" in gaz.entities:
        for k, m in enumerate(mentions):
            if m.type == "Material" and _GROUP_MODIFIER.fullmatch(m.text) and \
                    _NOUN_AFTER.match(text, m.end):
                cut = m.start + len(m.text.split()[0]) + (len(m.text.split()[1]) + 1
                                                           if m.text.split()[0].lower() == "rare" else 0)
                mentions[k] = Mention(m.start, cut, text[m.start:cut], "material:rare-earths", "Material",
                                      m.sentence, "modifier")
        # "Iluka Resources' Eneabba rare earths refinery": the lower-case group word inside a
        # facility's description still names the group (a capitalised one is part of a name)
        for m in list(mentions):
            if m.type == "Facility":
                for g in _GROUP_WORD.finditer(m.text):
                    a = m.start + g.start()
                    mentions.append(Mention(a, a + len(g.group(0)), g.group(0), "material:rare-earths",
                                            "Material", m.sentence, "modifier"))
        mentions.sort(key=lambda m: (m.start, m.end))
    # "Lynas USA", "Goldman Sachs Bank USA", "JPMorgan Chase Funding Inc.": a graph firm's name
    # followed by a country or a finance word names another company (a subsidiary): a
    # candidate, unless the whole name is the same graph firm's alias
    for m in list(mentions):
        if m.type != "Firm" or m.flag is not None:
            continue
        sub = _SUBSIDIARY_TAIL.match(text, m.end)
        if sub is None:
            continue
        name = text[m.start:sub.end()].rstrip(".")
        if gaz.index.lookup(name) == m.id:
            continue
        mentions = [x for x in mentions if x is not m]
        sub_firm = next((c for c in candidates if c.type == "Firm" and norm_name(c.name) == norm_name(name)), None)
        if sub_firm is None:
            sub_firm = Candidate(name, "Firm")
            candidates.append(sub_firm)
        sub_firm.mentions.append({"start": m.start, "end": m.start + len(name), "text": name})
        cand_mentions.append(Mention(m.start, m.start + len(name), name, f"candidate:Firm:{sub_firm.name}", "Firm",
                                     m.sentence, "candidate"))
    # "Iluka Resources Ltd (ASX: ILU), an Australian miner": the legal suffix and the ticker
    # belong to the firm's mention, so the rules see the firm next to what follows them
    for m in mentions:
        if m.type == "Firm" and m.flag is None:
            tail = _FIRM_TAIL.match(text, m.end)
            if tail and tail.end() > m.end:
                m.end = tail.end()
                m.text = text[m.start:m.end]
    return ArticleMentions(text, sentences, mentions, cand_mentions, candidates, owners)


_SUBSIDIARY_TAIL = re.compile(r"(?:[ \t]+(?:USA|U\.S\.|UK|Bank|Funding|Capital|Securities|Ventures|Finance|"
                              r"Financial|Asset[ \t]+Management))+(?:[ \t]+(?:Inc|LLC|Ltd|Limited|Corp|N\.A)\.?)?(?![\w-])")
_GROUP_WORD = re.compile(r"(?<!heavy )(?<!light )(?<!medium )\brare[- ]earths?\b")
_GROUP_MODIFIER = re.compile(r"(?i)rare[- ]earths?\s+magnet")
_NOUN_AFTER = re.compile(r"\s+(?!(?:is|are|was|were|will|would|has|have|had|can|could|may|might|made|and|or|"
                         r"from|to|in|of|for|at|by|with)\b)[a-z]")
_FIRM_TAIL = re.compile(r"(?:,?\s+(?:Ltd|Limited|Inc|Corp|Corporation|Co|plc|PLC|LLC|AG|SA|NV|Pty|Bhd)\b\.?)*"
                        r"(?:\s*\((?:ASX|NYSE|NASDAQ|Nasdaq|TSX|TSXV|LSE|AIM|HKEX|SGX|KRX|TSE|OTC\w*)\s*:\s*[A-Z.]{1,6}\))?")
