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

from kg.schema import load_schema
from loaders.articles.gazetteer import Gazetteer
from loaders.articles.records import Mention, RuleContext, rel_span
from loaders.articles.sentences import (
    Sentence,
    finditer_at,
    has_any,
    literal_starts,
    lowered,
    search_at,
)

__all__ = ["described_deals", "rules_deal_parties", "rules_funds"]

_DEAL_WORD = re.compile(
    r"\b(?:(?P<loan>loans?|debt financing|lend\w*)|(?P<equity>equity(?:\s+investment)?|stake|preferred\s+(?:stock|shares)|"
    r"investment|invest(?:s|ed|ing)?)|(?P<grant>grants?|funding|award(?:s|ed)?|"
    r"Defense\s+Production\s+Act|DPA)|(?P<offtake>off-?take|(?:buy|purchase)\s+(?:all|100\s?%)(?=\s+(?:of\s+)?the\b))|"
    r"(?P<floor>price\s+floor|floor\s+price))\b", re.I)
#: equity deals are left out: the annotated sets read "the Pentagon will take a stake in MP
#: Materials" as OWNS, not as a mention of the equity deal (measured on the dev sets)
#: the words every match of _DEAL_WORD starts with (lower case)
_DEAL_FIRST = ("loan", "debt", "lend", "equity", "stake", "preferred", "invest", "grant", "funding", "award",
               "defense", "dpa", "off", "buy", "purchase", "price", "floor")
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
    """Mentions (flag ``deal``) of funding deals described by their parties (see the module).
    ``published`` only rules out deals announced after it (an undated page's copyright year
    will do: :attr:`Article.horizon`)."""
    out: list[Mention] = []
    by_sentence: dict[int, list[Any]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    for k, sent in enumerate(sentences):
        low = sent.text.lower()
        if not has_any(low, _DEAL_STEMS):
            continue  # (speed: the sets below only matter with a deal word)
        # (speed) the deal words' places: the pattern is tried only where their first words start
        at = lowered(sent.text)
        starts = literal_starts(at, _DEAL_FIRST) if at is not None else None
        if not (_DEAL_WORD.search(sent.text) if starts is None else search_at(_DEAL_WORD, sent.text, starts)):
            continue
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
        for word in (_DEAL_WORD.finditer(sent.text) if starts is None else finditer_at(_DEAL_WORD, sent.text, starts)):
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


#: the graph's policy instruments → the FUNDS claim's funding_instrument (an offtake is a sale,
#: not funding)
_INSTRUMENT_FUNDS = {"loan": "loan", "subsidy": "grant", "investment": "equity", "price-floor": "price-floor"}


def rules_deal_parties(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """A deal found by :func:`described_deals` is ISSUED_BY its funder and AFFECTS (role
    beneficiary) its receiver, as the sentence names them; a country funds only when no
    agency of it is named. The funder also FUNDS the receiver (with the deal as its policy)."""
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
        instrument = _INSTRUMENT_FUNDS.get(str(ctx.instrument(p.id)))
        for r in (m for m in ms if m.id in affected and m.type in {"Firm", "Facility"}):
            rs, re_ = rel_span(r, sent)
            ctx.emit(p, "AFFECTS", r, i, min(ps, rs), max(pe, re_), 0.65, "deal-beneficiary",
                     properties={"role": "beneficiary"})
            for f in funders if instrument else ():
                fs, fe = rel_span(f, sent)
                ctx.emit(f, "FUNDS", r, i, min(fs, rs), max(fe, re_), 0.65, "deal-funds",
                         properties={"funding_instrument": instrument, "policy": p.id, **_amount(sent.text)})


#: money: "$565 million", "US$1.2 billion", "A$1.05 billion", "€30m", "JPY 10 billion"
_MONEY = re.compile(r"(?:(?:US|A|C|NZ|HK)?\$|€|£|¥|\b(?:USD|AUD|EUR|CAD|JPY|GBP)\s?)\s?(\d[\d,]*(?:\.\d+)?)"
                    r"(?:\s*(million|billion|bn|mn|m|b)\b)?", re.I)
_MONEY_SIGNS = ("$", "€", "£", "¥", "usd", "aud", "eur", "cad", "jpy", "gbp")
_SCALE = {"million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9}
_CURRENCY = {"$": "USD", "us$": "USD", "a$": "AUD", "c$": "CAD", "nz$": "NZD", "hk$": "HKD", "€": "EUR",
             "£": "GBP", "¥": "JPY"}


def _amount(text: str) -> dict[str, Any]:
    """The first sum of money in a text as FUNDS properties ``amount`` and ``amount_unit``
    (empty when there is none or its currency is not a unit the schema lists)."""
    low = lowered(text)
    if low is not None and not has_any(low, _MONEY_SIGNS):
        return {}  # (speed: every match has one of these signs or codes)
    m = _MONEY.search(text)
    if m is None:
        return {}
    sign = m.group(0)[: m.start(1) - m.start()].strip().lower()
    unit = _CURRENCY.get(sign, sign.upper() if sign.isalpha() else "USD")
    if unit not in load_schema().enums["unit"]:
        return {}
    value = float(m.group(1).replace(",", "")) * _SCALE.get((m.group(2) or "").lower(), 1)
    return {"amount": value, "amount_unit": unit}


#: words that say money is given, and the instrument they name (first group that matches)
_FUND_WORD = re.compile(
    r"\b(?:(?P<loan>loans?|debt|credit\s+facility|financing\s+facility|lend\w*|lent|financing|financed|finance)|"
    r"(?P<grant>grants?|award(?:s|ed)?|funding|funded|subsid\w+)|"
    r"(?P<equity>equity|(?:preferred|convertible)\s+(?:stock|shares)|invest(?:s|ed|ing|ment)?))\b", re.I)
_FUND_STEMS = ("loan", "debt", "credit", "financ", "lend", "lent", "grant", "award", "fund", "subsid", "equity",
               "stock", "shares", "invest")
#: the words every match of _FUND_WORD starts with (lower case)
_FUND_FIRST = ("loan", "debt", "credit", "financ", "lend", "lent", "grant", "award", "fund", "subsid", "equity",
               "preferred", "convertible", "invest")
#: "<receiver> secured/received/won … <money word> … from <funder>"
_GETS = re.compile(r"\b(?:secured|secures|securing|received|receives|receive|won|wins|obtained|obtains|"
                   r"gets|got|get|landed|lands|raised|raises|was\s+awarded|has\s+been\s+awarded|"
                   r"will\s+use|use[sd]?|backed\s+by\s+a|drew|draws)\b", re.I)
#: "<funder> will lend/provide/invest … (to|in|into|for) <receiver>"
_GIVES = re.compile(r"\b(?:lend|lends|lent|provide[sd]?|providing|invest(?:s|ed|ing)?|grant(?:s|ed)?|"
                    r"award(?:s|ed)?|extend(?:s|ed)?|approved?|approves|committed|commits|pledged?|"
                    r"pledges|offer(?:s|ed)|agreed|agrees|signed|signs|finances|financed|funds|funded|"
                    r"announce[sd]?)\b", re.I)
#: "<funder> (agreed to) buy $400 million of <receiver>'s preferred stock"
_BUYS_STOCK = re.compile(r"\b(?:buy|buying|buys|bought|purchase[sd]?|purchasing|acquire[sd]?|acquiring)\s+"
                         r"(?:up\s+to\s+)?\S*\d\S*(?:\s+(?:million|billion|bn|m))?\s+(?:of|in)\s+", re.I)
_STOCK = re.compile(r"\s*(?:(?:preferred|common|convertible|new)\s+)?(?:stock|shares|equity)\b", re.I)
_CLAUSE_BREAK = re.compile(r"[;:]|,\s*(?:while|but|and\s+(?:it|the|a)\b|which|who)\b|\bwhile\b")


def _subject_firm(ctx: RuleContext, i: int, back: int = 8) -> Mention | None:
    """The graph firm that opens the nearest of the ``back`` sentences before sentence ``i``
    that opens with one: what a list of deal terms under it is about ("MP Materials has executed a
    partnership with the DoD. … - A $150 million loan.")."""
    for k in range(i - 1, max(-1, i - back - 1), -1):
        sent = ctx.sentences[k]
        firms = [m for m in ctx.by_sentence.get(k, []) if m.type == "Firm" and not m.id.startswith("candidate:")
                 and re.fullmatch(r"[-*•\s]*(?:on\s+[^,]{3,25},\s+)?(?:the\s+)?", ctx.text[sent.start:m.start], re.I)]
        if firms:
            return firms[0]
    return None


def _instrument(words: str) -> str | None:
    m = _FUND_WORD.search(words)
    if m is None:
        return None
    return next(k for k, v in m.groupdict().items() if v)


def rules_funds(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """FUNDS(funder, receiver) where the sentence says who gives money to whom, whether or not
    the graph holds the deal:

    - "Serra Verde secured a $565 million loan from the US International Development Finance
      Corporation", "the company will use the funding from the DFC" (receiver, a getting verb,
      a money word, then "from" the funder);
    - "A $1 billion financing facility from JPMorgan and Goldman Sachs" (a sentence or list item
      that names no receiver) for the firm that opens the nearest earlier sentence opening with
      one (:func:`_subject_firm`), and "$400 million of preferred stock purchased by the DoD";
    - "The DFC will lend $100 million to Aclara", "Iwatani and JOGMEC invested in Caremag"
      (the funder, a giving verb, a money word or the verb itself, then to/in the receiver);
    - "the Department of Defense agreed to buy $400 million of MP Materials preferred stock"
      (equity bought by the funder).

    A deal the graph resolves gets its FUNDS from :func:`rules_deal_parties`.

    The instrument comes from the money word (loan/debt/financing → loan, grant/award/funding →
    grant, equity/investment/preferred stock → equity); the amount is the first sum in the
    sentence. Confidence 0.6; hedges ("could", "is in talks") apply as for every rule.
    """
    s = sent.text
    low = s.lower()
    if not has_any(low, _FUND_STEMS):
        return
    at = lowered(s)
    if not (_FUND_WORD.search(s) if at is None else search_at(_FUND_WORD, s, literal_starts(at, _FUND_FIRST))):
        return  # (the same test, tried only where the money words start)
    funders = [m for m in ms if m.type in {"Firm", "Country"}]
    receivers = [m for m in ms if m.type in {"Firm", "Facility"}]
    if not funders:
        return
    amount = _amount(s)
    # the firm of a list of deal terms, looked up only when a form below needs it (speed)
    found: list[Mention | None] = []

    def subject_firm() -> Mention | None:
        if not found:
            found.append(_subject_firm(ctx, i))
        return found[0]

    for f in funders:
        fs, fe = rel_span(f, sent)
        # "… from <funder>": the receiver is before, with a getting verb, or the sentence's subject
        before = s[:fs]
        frm = re.search(r"\bfrom\s+(?:the\s+)?(?:[\w.-]+\s+){0,2}$", before) if "from" in before else None
        if frm and (f.flag != "demonym"):
            word = _FUND_WORD.search(before[max(0, frm.start() - 80):frm.start()])
            if word is not None:
                lo = max(0, frm.start() - 80) + word.start()
                for r in receivers:
                    rs, re_ = rel_span(r, sent)
                    if re_ > lo or r.id == f.id:
                        continue
                    between = s[re_:lo]
                    if _CLAUSE_BREAK.search(between) or any(o.type in {"Firm", "Facility"} and re_ < o.start - sent.start < lo
                                                             and o.id != r.id for o in receivers):
                        continue
                    if _GETS.search(between) or re.fullmatch(r"['’]s?\s+(?:[\w$.,-]+\s+){0,5}", between):
                        ctx.emit(f, "FUNDS", r, i, rs, fe, 0.6, "funds-from",
                                 properties={"funding_instrument": _instrument(s[lo:frm.start()]), **amount})
                        break
                else:
                    # a list item or a sentence about the firm before: "A committed financing
                    # facility of at least $1 billion from JPMorgan and Goldman Sachs."
                    subject = subject_firm()
                    if subject is not None and subject.id != f.id and \
                            not any(r.id != f.id and r.start < f.start and r not in funders for r in receivers) and \
                            not re.search(r"\b(?:it|they|we|he|she)\b", before[:lo], re.I) and \
                            re.match(r"(?i)\s*(?:[-*•]\s*)?(?:an?|the)\s", s):
                        ctx.emit(f, "FUNDS", subject, i, lo, fe, 0.55, "funds-from-subject",
                                 properties={"funding_instrument": _instrument(s[lo:frm.start()]), **amount})
        # "$400 million of … preferred stock purchased by the DoD" (a list item about the firm before)
        if not any(r.type == "Firm" and r.id != f.id for r in receivers) \
                and (subject := subject_firm()) is not None and subject.id != f.id \
                and re.search(r"\b(?:stock|shares|equity)\s+(?:(?:was|were|is|are|to\s+be)\s+)?"
                              r"(?:purchased|bought|acquired|taken)\s+by\s+(?:the\s+)?$", before, re.I) \
                and _MONEY.match(s.lstrip("-*• ")):
            ctx.emit(f, "FUNDS", subject, i, 0, fe, 0.55, "funds-stock-bought-by",
                     properties={"funding_instrument": "equity", **amount})
        # "<funder> will lend $N to <receiver>"
        for r in receivers:
            rs, re_ = rel_span(r, sent)
            if rs <= fe or r.id == f.id:
                continue
            between = s[fe:rs]
            if len(between) > 120 or _CLAUSE_BREAK.search(between) or \
                    any(o.type in {"Firm", "Country"} and o.flag != "demonym" and fe < o.start - sent.start < rs
                        for o in ms):
                continue
            buys = _BUYS_STOCK.search(between)
            if buys is not None and re.fullmatch(r"(?:the\s+)?", between[buys.end():]) and \
                    _STOCK.match(s, re_ + (2 if s[re_:re_ + 2] in {"'s", "’s"} else 0)):
                ctx.emit(f, "FUNDS", r, i, fs, re_, 0.6, "funds-buys-stock",
                         properties={"funding_instrument": "equity", **amount})
                continue
            verb = _GIVES.search(between)
            if verb is None or not re.search(r"\b(?:to|in|into|for|with)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", between):
                continue
            kind = _instrument(between)
            if kind is None:
                continue
            ctx.emit(f, "FUNDS", r, i, fs, re_, 0.6, "funds-to",
                     properties={"funding_instrument": kind, **amount})
