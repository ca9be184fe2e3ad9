"""Funding deals described instead of named, resolved through the graph.

News rarely names a loan or an equity deal; it says who gives what to whom: "The Pentagon
will take a stake of up to 15% in MP Materials", "a $150 million loan from the DoD",
"the project … will get up to $30 million from the Defense Production Act program". The
graph records such deals as policies with an ``instrument`` (loan, investment, subsidy,
offtake, price-floor), their issuer (ISSUED_BY) and their beneficiaries (AFFECTS). A
sentence that names a funding word, an issuer of a deal and one of its beneficiaries is a
mention of that deal when exactly one deal of a fitting instrument, announced by the
article's date, joins them. :func:`rules_deal_parties` then gives the deal its issuer and
beneficiary as named in that sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from loaders.articles.gazetteer import Gazetteer
from loaders.articles.records import Mention, RuleContext, rel_span
from loaders.articles.sentences import Sentence, has_any

__all__ = ["described_deals", "rules_deal_parties"]

_DEAL_WORD = re.compile(
    r"\b(?:(?P<loan>loans?|debt financing|lend\w*)|(?P<equity>equity(?:\s+investment)?|stake|preferred\s+(?:stock|shares)|"
    r"investment|invest(?:s|ed|ing)?)|(?P<grant>grants?|funding|award(?:s|ed)?|"
    r"Defense\s+Production\s+Act|DPA)|(?P<offtake>off-?take|(?:buy|purchase)\s+(?:all|100\s?%)(?=\s+(?:of\s+)?the\b))|"
    r"(?P<floor>price\s+floor|floor\s+price))\b", re.I)
#: equity deals are left out: the annotated sets read "the Pentagon will take a stake in MP
#: Materials" as OWNS, not as a mention of the equity deal (measured on the dev sets)
#: stems every alternative of _DEAL_WORD contains (a cheap test before the regex)
_DEAL_STEMS = ("loan", "debt", "lend", "equity", "stake", "preferred", "invest", "grant", "funding", "award",
               "defense", "dpa", "take", "price", "buy", "purchase")
#: instruments specific enough to be named by their beneficiary alone ("a price floor for MP
#: Materials' NdPr products"): a firm rarely has two of them
_BY_RECEIVER = {"floor", "offtake"}
#: deal words that make a mention of the deal but no ISSUED_BY/AFFECTS (see described_deals)
_REF_ONLY = re.compile(r"(?i)floor\s+price|buy|purchase")
_KINDS = {"loan": {"loan"}, "equity": set(), "grant": {"subsidy"},
          "offtake": {"offtake"}, "floor": {"price-floor"}}


def _deals_for(gaz: Gazetteer, kinds: set[str], funders: set[str], receivers: set[str],
               published: str | None) -> list[tuple[str, str, str]]:
    """(policy, funder, receiver) for deals of these instruments joining a funder and a receiver."""
    index = gaz.index
    out = []
    for pid, affected in index.affected.items():
        if not (receivers & affected):
            continue  # (speed: checked first, it is the rarest condition)
        entity = gaz.entities.get(pid)
        if entity is None or entity.properties.get("instrument") not in kinds:
            continue
        announced = str(entity.properties.get("announced") or "")
        if published and announced and announced[:len(published)] > published:
            continue
        for f in funders & index.issuers.get(pid, set()):
            for r in receivers & affected:
                out.append((pid, f, r))
    return out


def _deals_by_receiver(gaz: Gazetteer, kinds: set[str], receivers: set[str],
                       published: str | None) -> list[tuple[str, str, str]]:
    """(policy, "", receiver) for deals of these instruments whose beneficiaries include a receiver."""
    out = []
    for pid, affected in gaz.index.affected.items():
        entity = gaz.entities.get(pid)
        if not (receivers & affected) or entity is None or entity.properties.get("instrument") not in kinds:
            continue
        announced = str(entity.properties.get("announced") or "")
        if published and announced and announced[:len(published)] > published:
            continue
        out += [(pid, "", r) for r in receivers & affected]
    return out


def described_deals(gaz: Gazetteer, text: str, sentences: Sequence[Sentence], mentions: Sequence[Any],
                    published: str | None, sentence_of: Callable[[int], int]) -> list[Mention]:
    """Mentions (flag ``deal``) of funding deals described by their parties (see the module)."""
    out: list[Mention] = []
    by_sentence: dict[int, list[Any]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    for k, sent in enumerate(sentences):
        low = sent.text.lower()
        if not has_any(low, _DEAL_STEMS) or not _DEAL_WORD.search(sent.text):
            continue  # (speed: the sets below only matter with a deal word)
        ms = by_sentence.get(k, [])
        firms = {m.id for m in ms if m.type == "Firm"}
        funders = firms | {m.id for m in ms if m.type == "Country"}
        receivers = firms | {m.id for m in ms if m.type == "Facility"}
        # a party named only in the sentence before: "MP Materials announced a partnership with
        # the DoD. The agreement includes a 10-year magnet offtake agreement."
        before = by_sentence.get(k - 1, []) if k > 0 else []
        firms_before = {m.id for m in before if m.type == "Firm"}
        funders_before = funders | firms_before | {m.id for m in before if m.type == "Country"}
        receivers_before = receivers | firms_before | {m.id for m in before if m.type == "Facility"}
        if not (firms | firms_before) or len(funders_before | receivers_before) < 2 and not receivers:
            continue
        named = {m.id for m in ms if m.type == "Policy"}
        for word in _DEAL_WORD.finditer(sent.text):
            kind = next(g for g, v in word.groupdict().items() if v)
            if not _KINDS[kind]:
                continue
            found = _deals_for(gaz, _KINDS[kind], funders, receivers, published) \
                if firms and len(funders | receivers) >= 2 else []
            # the sentence states who gives it to whom only when both parties are in it; the
            # forms added in issue 14 round 4 name the deal without the dev gold's relations
            stated = bool(found) and not _REF_ONLY.match(word.group(0))
            if not found:
                found = _deals_for(gaz, _KINDS[kind], funders_before, receivers_before, published)
            if not found and kind in _BY_RECEIVER and receivers:
                found = _deals_by_receiver(gaz, _KINDS[kind], receivers, published)
            pids = {pid for pid, _, _ in found}
            if len(pids) != 1 or pids & named:
                continue
            pid = pids.pop()
            start, end = sent.start + word.start(), sent.start + word.end()
            out.append(Mention(start, end, text[start:end], pid, "Policy", k, "deal" if stated else "deal-ref"))
            named.add(pid)
    return out


def rules_deal_parties(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """A deal found by :func:`described_deals` is ISSUED_BY its funder and AFFECTS (role
    beneficiary) its receiver, as the sentence names them; a country funds only when no
    agency of it is named."""
    index = ctx.gaz.index
    for p in (m for m in ms if m.type == "Policy" and m.flag == "deal"):
        issuers = index.issuers.get(p.id, set())
        affected = index.affected.get(p.id, set())
        funders = [m for m in ms if m.id in issuers and m.type in {"Firm", "Country"}]
        if any(f.type == "Firm" for f in funders):
            funders = [f for f in funders if f.type == "Firm"]
        ps, pe = rel_span(p, sent)
        for f in funders:
            fs, fe = rel_span(f, sent)
            ctx.emit(p, "ISSUED_BY", f, i, min(ps, fs), max(pe, fe), 0.65, "deal-funder")
        for r in (m for m in ms if m.id in affected and m.type in {"Firm", "Facility"}):
            rs, re_ = rel_span(r, sent)
            ctx.emit(p, "AFFECTS", r, i, min(ps, rs), max(pe, re_), 0.65, "deal-beneficiary",
                     properties={"role": "beneficiary"})
