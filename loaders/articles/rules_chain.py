"""Relation rules about the supply chain: OPERATES, OWNS, SUPPLIES, PRODUCES, FEEDS,
HEADQUARTERED_IN and LOCATED_IN (with quantities, shares and stages where the text gives them).

Size (~420 lines): the supply-chain rules share the sentence context and the emit
helpers; split by predicate they would import each other.

Each ``rules_*`` function looks at one sentence's mentions (and, for some, the last firm or
facility of earlier sentences) and emits hits through ``ctx.emit``; the table of patterns is in
the docstring of :mod:`loaders.articles.extract`.
"""

from __future__ import annotations

import re
from typing import Any

from loaders.articles import ownership as own
from loaders.articles.records import POSSESSIVE, Mention, RuleContext, rel_span
from loaders.articles.references import firm_is_agency
from loaders.articles.sentences import (
    Sentence,
    finditer_at,
    has_any,
    literal_starts,
    lowered,
    search_at,
)

__all__ = ["rules_feeds", "rules_hq", "rules_known_links", "rules_located", "rules_operates", "rules_owns", "rules_produces",
           "rules_supplies", "rules_supply_shares"]

_OPERATE = re.compile(r"\b(operat\w*|runs?|running|built|build\w*|commission\w*|develop\w*|"
                      r"construct\w*|owns and operates)\b", re.I)
_OPERATED_BY = re.compile(r"^\W*(?:\w+\W+){0,2}?(operated|owned|run|developed|built)\s+by\s*$"
                          r"|^\s*(?:,[^,;.]{0,60},\s*|\s+(?:in|at|near)\s+[^,;.]{0,40}?\s+)?"
                          r"(?:is|was|are|were|has\s+been|have\s+been|is\s+being|are\s+being|will\s+be)\s+"
                          r"(?:(?:jointly|currently|now)\s+)?(operated|run|developed|built|"
                          r"constructed|managed)\s+by\s+(?:the\s+)?$", re.I)
_SUPPLY_TO = re.compile(r"\b(suppl(?:y|ies|ied|ying)|supplier(?=s?\s+(?:[\w-]+\s+){0,3}?to\b)|sell\w*|sold|ship\w*|"
                        r"deliver\w*|export\w*)\b", re.I)
_BUY_FROM = re.compile(r"\b(buy\w*|bought|purchas\w*|sourc\w*|procur\w*|offtake|import(?:s|ed|ing)?|"
                       r"secur\w*(?=\s+(?:[\w-]+\s+){0,2}(?:supply|supplies|feedstock|feed)\b))\b", re.I)
_PRODUCE = re.compile(r"\b((?!products?\b)(?!refiner(?:y|ies)\b)produc\w*|output|mak\w*|made|churn\w* out|refin\w*|separat\w*|"
                      r"manufactur\w*)\b", re.I)
#: a producer named by what it does: only "producer of X" says what it produces
_AGENT_NOUN = re.compile(r"(?i)(?:produc|mak|manufactur|refin)ers?")
_CAPACITY = re.compile(r"(?:capacity\s+(?:of|to\s+\w+)\s+(?:up\s+to\s+|about\s+|around\s+)?|"
                       r"capable\s+of\s+\w+\s+(?:up\s+to\s+)?|up\s+to\s+)"
                       r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?:metric\s+)?(tonnes|tons|t)\b", re.I)
_SHARE = re.compile(r"(\d+(?:\.\d+)?)\s?(?:%|per ?cent|percent)\s+of\s+([^.;]{0,90})", re.I)
_SHARE_VERB = re.compile(r"\b(produc\w*|account\w*\s+for|control\w*|suppl\w*|process\w*|refin\w*|"
                         r"min\w*|dominat\w*|mak\w*|hold\w*|command\w*|has|have|represent\w*|"
                         r"output)\b", re.I)
#: the words every match of _PRODUCE starts with (lower case): its prefilter, and where it is tried
_PRODUCE_STEMS = ("produc", "output", "mak", "made", "churn", "refin", "separat", "manufactur")
_YEAR = re.compile(r"\b(20[0-3]\d)\b")
_DIGIT = re.compile(r"\d")
_QTY_OF = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?:metric\s+)?(?:tonnes|tons|t)\s+(?:a|per)\s+"
                     r"(?:year|annum)\s+of\s+")
_HQ_GAP = re.compile(r"(?:['’]s?)?\s+(?:(?:Arabian|African|Korean|Zealand(?:er)?)\s+)?(?:[a-z][\w-]*\s+){0,4}")
_FEEDS_CUE = re.compile(r"\b(?:receiv\w*|tak\w*|get\w*|sourc\w*|ship\w*|feed\w*|fed|process\w*|suppl\w*|"
                        r"comes?|coming)\b[^.;]{0,60}?\bfrom\s+(?:the\s+|its\s+|[A-Z][\w.-]*['’]s?\s+)?"
                        r"(?:[\w-]+\s+){0,3}$")
_AGENCY_NAME = re.compile(r"\b(?:Ministry|Department|Agency|Bureau|Administration|Office|Commission|"
                          r"Government|Council|Customs|Survey|Parliament|Assembly)\b")
#: words before a participle that make it an adjective ("supply refined oxides", "the separated oxides")
_ATTRIBUTIVE_BEFORE = re.compile(r"(?i)\b(?:the|a|an|its|their|of|for|on|and|or|with|suppl\w*|sell\w*|sold|buy\w*|"
                                 r"bought|ship\w*|deliver\w*|export\w*|import\w*|purchas\w*)\s+$")
#: a country naming a plant's place, not an actor: "the US plant", "Malaysian refinery"
_FACILITY_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,2}(?:plant|mine|facility|refinery|project|site|operations?)s?\b")
#: the words every match of _SUPPLY_TO / _BUY_FROM starts with (lower case)
_SUPPLY_TO_FIRST = ("suppl", "sell", "sold", "ship", "deliver", "export")
_BUY_FROM_FIRST = ("buy", "bought", "purchas", "sourc", "procur", "offtake", "import", "secur")
#: the words every match of _CAPACITY starts with (lower case)
_CAPACITY_FIRST = ("capacity", "capable", "up")
#: stems the prefilter of rules_supplies needs (a cheap test before its regexes; OWNS: loaders.articles.ownership)
_SUPPLY_STEMS = ("suppl", "sell", "sold", "ship", "deliver", "export", "buy", "bought", "purchas", "sourc",
                 "procur", "offtake", "import", "feedstock")
_SHARE_OF_CUE = re.compile(r"(?i)\baccount|\bsuppl")
_AMOUNT = (r"(?:about\s+|around\s+|nearly\s+|some\s+|roughly\s+|over\s+|more than\s+)?"
           r"(?:\d+(?:\.\d+)?\s?(?:%|per ?cent|percent)|half|a third|a quarter|two-thirds|most|much)"
           r"(?:\s+or\s+more)?")
_SHARE_OF = re.compile(r"\b(?:accounted|accounts|account)\s+for\s+" + _AMOUNT + r"\s+of\s+(?:the\s+)?$"
                       r"|\bsuppl(?:y|ies|ied)\s+" + _AMOUNT + r"\s+of\s+(?:the\s+)?$")


def rules_operates(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention],
                    last_firm: Mention | None) -> None:
    s = sent.text
    firms = [m for m in ms if m.type == "Firm"]
    facilities = [m for m in ms if m.type == "Facility"]
    if not facilities or (not firms and last_firm is None):
        return
    for fac in facilities:
        xs, xe = rel_span(fac, sent)
        done = False
        for f in firms:
            fs, fe = rel_span(f, sent)
            if fe <= xs and re.fullmatch(r"['’]s?\s+(?:[\w-]+\s+){0,3}", s[fe:xs]):
                ctx.emit(f, "OPERATES", fac, i, fs, xe, 0.75, "possessive-facility", local=True)
                done = True
            elif fe <= xs and xs - fe < 60 and _OPERATE.search(s[fe:xs]) and \
                    not any(fe <= o.start - sent.start < xs for o in firms) and \
                    not re.search(r"\b(?:by|with|from|to)\s+(?:the\s+)?(?:[A-Z][\w.]*\s+)?$", s[:fs]) and \
                    not firm_is_agency(ctx.gaz, f.id) and \
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
        its = re.search(r"\bits\s+(?:[\w-]+\s+){0,3}$", s[:xs]) if not done and "its" in s else None
        if its:
            pool = [f for f in reversed(firms) if f.end - sent.start <= xs]
            if last_firm is not None:
                pool.append(last_firm)
            known = ctx.gaz.index.operator.get(fac.id, set())
            if known:  # the graph knows who runs it: "its" is that one, if it is in view
                pool = [f for f in pool if f.id in known]
            owner = pool[0] if pool else None
            if owner is not None:
                # "its La Rochelle plant": the noun phrase asserts who runs it, whatever the
                # verb of the sentence hedges ("its plant would be upgraded")
                ctx.emit(owner, "OPERATES", fac, i, its.start(), xe, 0.65, "its-facility", local=True)


def rules_owns(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    s = sent.text
    low = s.lower()
    if not has_any(low, own.OWNS_STEMS):
        return  # none of the words the tests below need (speed)
    at = lowered(s)
    if at is None:
        if not (own.STAKE_VERB.search(s) or re.search(r"(?i)\bown|holder\b", s)):
            return
    elif not (search_at(own.STAKE_VERB, s, literal_starts(at, own.STAKE_VERB_FIRST))
              or (("own" in at or "holder" in at) and re.search(r"(?i)\bown|holder\b", s))):
        return  # (the same test, the verb pattern tried only where its first words start)
    owners = [m for m in ms if m.type in {"Firm", "Country"}]
    owned = [m for m in ms if m.type in {"Firm", "Facility"}]
    if not owners or not owned or len({m.id for m in owners + owned}) < 2:
        return
    # (speed) every form of SHARE_PCT needs "%", "per cent" or "percent"
    pct = None if at is not None and "%" not in s and "cent" not in at else own.SHARE_PCT.search(s)
    value = float(pct.group(1) or pct.group(2)) if pct else None
    share = value / 100 if value is not None and value <= 100 else None
    for o in owners:
        os_, oe = rel_span(o, sent)
        for t in owned:
            ts, te = rel_span(t, sent)
            if t.id == o.id or ts < oe:
                continue
            between = s[oe:ts]
            if len(between) > 120 or any(oe <= q.start - sent.start < ts for q in owners
                                         if q.id not in (t.id, o.id)):
                continue
            verb = own.STAKE_VERB.search(between)  # (speed: once for both forms)
            stake = (verb and own.STAKE.search(between)
                     and re.search(r"\b(in|of)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", between))
            stock = verb and own.STOCK_AFTER.match(s[te:te + 40])
            direct = re.fullmatch(r"\s+(?:also\s+)?(?:owns|owned|acquired|has acquired|bought)\s+(?:the\s+)?",
                                  between)
            reverse = own.BECOME_OWNER.search(between[-40:]) and own.OWNER_AFTER.match(s[te:te + 40])
            if stake or stock or direct or reverse or own.SHAREHOLDER.search(between):
                ctx.emit(o, "OWNS", t, i, os_, te, 0.7, "stake-in",
                         properties={"share": share if (stake or stock) else None})


def rules_supplies(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    s = sent.text
    low = s.lower()
    if not has_any(low, _SUPPLY_STEMS):
        return  # none of the words the tests below need (speed)
    at = lowered(s)
    if at is None:
        if not (_SUPPLY_TO.search(s) or _BUY_FROM.search(s)):
            return
    elif not (search_at(_SUPPLY_TO, s, literal_starts(at, _SUPPLY_TO_FIRST))
              or search_at(_BUY_FROM, s, literal_starts(at, _BUY_FROM_FIRST))):
        return  # (the same test, the patterns tried only where their first words start)
    actors = [m for m in ms if m.type in {"Firm", "Facility", "Country"} and m.flag != "demonym"]
    if len(actors) < 2:
        return
    material = next((m.id for m in ms if m.type == "Material"), None)
    for a in actors:
        as_, ae = rel_span(a, sent)
        for b in actors:
            bs, be = rel_span(b, sent)
            if a is b or bs < ae:
                continue
            between = s[ae:bs]
            if len(between) > 120:
                continue
            # literal words each branch below needs (speed; the same tests, cheapest first)
            to = "to" in between
            take = "take" in between
            if not (to or take or "from" in between or "made" in between or "produced" in between
                    or "manufactured" in between):
                continue
            if any(ae <= q.start - sent.start < bs for q in actors if q is not b and q is not a):
                continue
            if to and _SUPPLY_TO.search(between) and re.search(r"\bto\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", between):
                ctx.emit(a, "SUPPLIES", b, i, as_, be, 0.7, "a-supplies-to-b",
                         properties={"material": material})
            elif take and re.search(r"\boff-?take\s+(?:agreement|deal|contract|partner)s?\s+with\s+(?:the\s+)?$", between) and \
                    not (a.type == "Country" or firm_is_agency(ctx.gaz, a.id)):
                # "Arafura has binding offtake agreements with Hyundai": the offtaker buys the
                # output of the firm that holds the agreements (a government holding one buys)
                ctx.emit(a, "SUPPLIES", b, i, as_, be, 0.7, "offtake-with",
                         properties={"material": material})
            elif (buy := _BUY_FROM.search(between)) and \
                    not (buy.group(1)[0] in "iIsS" and (buy.start() > 40 or any(
                        ae <= q.start - sent.start < bs for q in ms if q.type in {"Region", "Country"}))) and \
                    not any(q is not b and q.type in {"Firm", "Country"} and q.start == b.start for q in actors) and (
                    re.search(r"\bfrom\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", between)
                    or re.search(r"\bfrom\s+(?:the\s+)?[\w-]+-based\s+(?:[\w-]+\s+){0,2}$", between)
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


def rules_produces(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention],
                    last_firm: Mention | None) -> None:
    s = sent.text
    producers = [m for m in ms if m.type in {"Country", "Firm", "Facility", "Region"}
                 and m.flag != "demonym"]
    products = [m for m in ms if m.type in {"Material", "Element"}]
    if not producers and last_firm is None:
        return
    if not products and "%" not in s and "cent" not in s:
        return
    # every quantity pattern below needs a digit; most sentences have none (speed)
    digits = _DIGIT.search(s) is not None
    if not products and not digits:
        return  # only the share rule can end without a named product, and it needs a digit (speed)
    year = _YEAR.search(s) if digits else None
    # shares of world output
    for sh in (_SHARE.finditer(s) if digits else ()):
        value = float(sh.group(1))
        rest = sh.group(2)
        if value > 100 or not re.search(r"\b(?:(?i:global|world\w*)|international)\b", s):
            continue  # lower-case "international": "Center for … International Studies" is a name
        if re.match(r"[^.;,%]{0,40}?\b(?:demand|consumption|imports?|needs|purchases)\b", rest, re.I):
            continue  # "57% of China's rare earth imports" is a share of imports, not of output
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
    if not products:
        return  # every rule below ends at a named product (speed)
    # capacities: "a magnet facility with a capacity of 10,000 tonnes a year of NdFeB magnets"
    low = lowered(s)
    if not digits:
        cap = None
    elif low is None:
        cap = _CAPACITY.search(s)
    else:  # (the same search, tried only where its first words start)
        cap = search_at(_CAPACITY, s, literal_starts(low, _CAPACITY_FIRST))
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
    if low is not None and not has_any(low, _PRODUCE_STEMS):
        return  # none of the words _PRODUCE needs (speed)
    inside = [(m.start - sent.start, m.end - sent.start) for m in ms]
    for verb in (_PRODUCE.finditer(s) if low is None else finditer_at(_PRODUCE, s, literal_starts(low, _PRODUCE_STEMS))):
        if any(a <= verb.start() < b for a, b in inside):
            continue  # "Eneabba Refinery", "Lynas Rare Earths Producer": a name, not a verb
        if verb.group(0)[0].isupper() and s[:verb.start()].strip():
            continue  # "the Scheme to Promote Manufacturing of Sintered …": a title's word, not a verb
        if _AGENT_NOUN.fullmatch(verb.group(0)) and not re.match(r"\s+of\b", s[verb.end():]):
            continue  # "uranium producer Energy Fuels, which sells it …": a title before a name
        if verb.group(0).lower().endswith("ed") and any(p.start - sent.start == verb.end() + 1 for p in products) \
                and _ATTRIBUTIVE_BEFORE.search(s[:verb.start()]):
            continue  # "will supply refined rare earth oxides": an adjective of the product
        listed = [p for p in products if p.start - sent.start >= verb.end()]
        after = [p for p in listed if p.start - sent.start - verb.end() < 60
                 or any(q.end - sent.start <= p.start - sent.start and q.start - sent.start - verb.end() < 60
                        and re.fullmatch(r"[\s,()]*(?:and\s+|or\s+)?", s[q.end - sent.start:p.start - sent.start])
                        for q in listed)]
        after = [p for p in after  # ("from" tested as a substring first: speed)
                 if "from" not in s[verb.end():p.start - sent.start]
                 or not re.search(r"\bfrom\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", s[verb.end():p.start - sent.start])]
        if not after:
            continue
        before = [p for p in producers if p.end - sent.start <= verb.start()
                  and not (p.type in {"Country", "Region"} and _FACILITY_AFTER.match(s, p.end - sent.start))
                  and not (p.type in {"Country", "Region"} and (
                      re.search(r"\b(?:in|at|from|of|across|throughout|outside|beyond|except|including|than|like)\s+"
                                r"(?:the\s+)?$", s[:p.start - sent.start])
                      or POSSESSIVE.match(s, p.end - sent.start)))]
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
        props: dict[str, Any] = {}  # (cap: the capacity found above, the same search)
        if cap:
            props = {"quantity": float(cap.group(1).replace(",", "")), "quantity_unit": "t/yr",
                     "basis": "capacity"}
        if digits and _SHARE.search(s):  # "produces 90% of the world's rare earths": the share rule's
            after = [o for o in after if o.id != "material:rare-earths"]
        for subj in subjects:
            for obj in after[:8]:
                ctx.emit(subj, "PRODUCES", obj, i, min(max(subj.start - sent.start, 0), verb.start()),
                         obj.end - sent.start, 0.7, "producer-verb-product", properties=dict(props))
        break


def rules_hq(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """"Australia's Lynas", "Australian rare earths producer Lynas" → HEADQUARTERED_IN."""
    s = sent.text
    countries = [m for m in ms if m.type == "Country"]
    firms = [m for m in ms if m.type == "Firm" and not firm_is_agency(ctx.gaz, m.id)
             and not (m.id.startswith("candidate:") and _AGENCY_NAME.search(m.text))]
    for c in countries:
        cs, ce = rel_span(c, sent)
        for f in firms:
            fs, fe = rel_span(f, sent)
            if fs < ce:
                continue
            gap = s[ce:fs]
            possessive = POSSESSIVE.match(gap) is not None
            if not (possessive or c.flag == "demonym") or not _HQ_GAP.fullmatch(gap):
                continue
            if any(ce <= o.start - sent.start < fs for o in ms if o.type in {"Firm", "Country", "Facility"}):
                continue
            ctx.emit(f, "HEADQUARTERED_IN", c, i, cs, fe, 0.7, "country-firm", local=True)


def rules_located(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """"a plant in Malaysia", "Myanmar's mining belt", "Located … in Australia's Northern
    Territory, Nolans" → LOCATED_IN."""
    s = sent.text
    countries = [m for m in ms if m.type in {"Country", "Region"} and m.flag != "demonym"]
    facilities = [m for m in ms if m.type == "Facility"]
    for f in facilities:
        fs, fe = rel_span(f, sent)
        for c in countries:
            cs, ce = rel_span(c, sent)
            if cs >= fe and re.fullmatch(r"(?:\s+(?:rare earths?\s+)?(?:project|mine|plant|facility|refinery|mill|"
                                         r"operations?|site|deposit))?"
                                         r"\s*,?\s*(?:(?:which is\s+|is\s+)?(?:located|based)\s+)?(?:in|at|near)\s+"
                                         r"(?:the\s+)?(?:(?:north|south|east|west|central)\w*\s+)?", s[fe:cs]):
                ctx.emit(f, "LOCATED_IN", c, i, fs, ce, 0.7, "facility-in-country", local=True)
            elif ce <= fs and POSSESSIVE.match(s[ce:fs]) and _HQ_GAP.fullmatch(s[ce:fs]):
                ctx.emit(f, "LOCATED_IN", c, i, cs, fe, 0.65, "country-s-facility", local=True)
            elif ce <= fs and re.match(r"\s*In\s+(?:the\s+)?$", s[:cs]) and re.match(r"\s*,", s[ce:]):
                ctx.emit(f, "LOCATED_IN", c, i, cs, fe, 0.65, "in-country-facility", local=True)
            elif re.match(r"\s*Located\b", s) and ce <= fs and fs - ce < 60 and \
                    re.search(r"\bin\s+(?:the\s+)?$", s[:cs]):
                ctx.emit(f, "LOCATED_IN", c, i, 0, fe, 0.65, "located-in", local=True)


def rules_feeds(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention],
                 last_facility: Mention | None) -> None:
    """"The Malaysian plant … processes concentrate from the Mt Weld mine", "That plant will
    receive material from Lynas' Mt Weld mine" → FEEDS(source, plant)."""
    s = sent.text
    facilities = [m for m in ms if m.type == "Facility"]
    for src in facilities:
        ss, se = rel_span(src, sent)
        if "from" not in s[:ss] or not _FEEDS_CUE.search(s[:ss]):  # ("from": a substring test first)
            continue
        before = [f for f in facilities if f.id != src.id and rel_span(f, sent)[1] <= ss]
        if before:
            dst = before[0]
        elif last_facility is not None and last_facility.id != src.id and \
                re.match(r"\s*(?:That|This|The)\s+(?:[\w-]+\s+){0,2}(?:plant|facility|refinery|mill|project)\b", s):
            dst = last_facility
        else:
            continue
        ctx.emit(src, "FEEDS", dst, i, 0, se, 0.65, "feeds-from")


def rules_supply_shares(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """"Myanmar accounted for 57% of China's rare earth imports", "China supplies 95% of the
    EU's rare earth needs", "Chinese imports of … from Myanmar" → SUPPLIES(A, B)."""
    s = sent.text
    # the literal words each of the two forms below needs (case-sensitive, as their patterns)
    share_of = "account" in s or "suppl" in s
    imports = "import" in s
    if not share_of and not imports:
        return
    if not imports and not _SHARE_OF_CUE.search(s):
        return
    places = [m for m in ms if m.type in {"Country", "Region", "Firm"}]
    for a in places:
        as_, ae = rel_span(a, sent)
        for b in places:
            bs, be = rel_span(b, sent)
            if a.id == b.id:
                continue
            if bs > ae and share_of and a.flag != "demonym" and _SHARE_OF.search(s[ae:bs]) and \
                    re.match(r"['’]s?\s+(?:[\w-]+\s+){0,4}(?:imports?|needs|demand|supply|supplies|purchases|consumption|inputs|feedstock)\b",
                             s[be:]):
                ctx.emit(a, "SUPPLIES", b, i, as_, be + 40, 0.65, "share-of-imports",
                         properties={"material": next((m.id for m in ms if m.type == "Material"), None)})
            elif as_ > be and imports and (re.fullmatch(r"(?:['’]s)?\s+imports?\s+of\s+[^.;]{0,60}?\bfrom\s+", s[be:as_])
                               or re.fullmatch(r"\s+(?:\w+\s+){0,3}imported\s+[^.;]{0,80}?\b(?:from|coming from)\s+",
                                               s[be:as_])):
                ctx.emit(a, "SUPPLIES", b, i, bs, ae, 0.65, "imports-from",
                         properties={"material": next((m.id for m in ms if m.type == "Material"), None)})


def rules_known_links(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention],
                      last_firm: Mention | None) -> None:
    """Links the graph already holds, when the text states them by position rather than verb.

    - OPERATES: the firm that opens the sentence and a facility it does something *at* or
      *in* later in the same clause ("Lynas said it has produced dysprosium oxide at Lynas
      Malaysia", "Solvay inaugurated its line at the La Rochelle facility"), or a facility
      named with "its"/"the" when the sentence before ended on the firm ("… Lynas. Its
      Kalgoorlie plant …"). Only when the graph records that firm as the operator, so the
      rule picks which of the named firms is meant and cannot invent a pair; not when the
      clause speaks of owning, stakes or money ("owns", "stake", "fund").
    - LOCATED_IN: a facility and a country the graph locates it in, written as one phrase:
      "Malaysian plant", "Myanmar's Kachin mines", "the Kachin mines in Myanmar".
    Confidence 0.6; hedges and negation apply as for every rule.
    """
    s = sent.text
    index = ctx.gaz.index
    firms = [m for m in ms if m.type == "Firm" and not m.id.startswith("candidate:")]
    first = ms[0] if ms else None
    for fac in (m for m in ms if m.type == "Facility" and not m.id.startswith("candidate:")):
        xs, xe = rel_span(fac, sent)
        known = index.operator.get(fac.id, set())
        if first is not None and first.type == "Firm" and first.id in known and first.end <= fac.start:
            fs, fe = rel_span(first, sent)
            between = s[fe:xs]
            if re.search(r"\b(?:at|in)\s+(?:the\s+|its\s+)?(?:[\w-]+\s+){0,3}$", s[:xs]) and \
                    not re.search(r"[;:]|\b(?:own\w*|stake|fund\w*|financ\w*|invest\w*|loan)\b", between, re.I) and \
                    not any(fe <= o.start - sent.start < xs for o in firms):
                ctx.emit(first, "OPERATES", fac, i, fs, xe, 0.6, "known-operator-at")
        if last_firm is not None and last_firm.id in known and i > 0 and \
                not any(f.end <= fac.start for f in firms) and \
                re.fullmatch(r"\s*(?:[A-Z]\w*\s+){0,2}(?:its|their|the)\s+(?:[\w-]+\s+){0,3}", s[:xs], re.I) and \
                ctx.by_sentence.get(i - 1) and ctx.by_sentence[i - 1][-1].id == last_firm.id:
            ctx.emit(last_firm, "OPERATES", fac, i, 0, xe, 0.6, "known-operator-antecedent", local=True)
        places = index.located.get(fac.id, set())
        for c in (m for m in ms if m.type == "Country" and m.id in places):
            cs, ce = rel_span(c, sent)
            if (ce <= xs and re.fullmatch(r"(?:['’]s?)?\s+(?:[\w-]+\s+){0,2}", s[ce:xs])) or \
                    (xe <= cs and re.fullmatch(r",?\s+(?:in|at|near)\s+(?:northern\s+|southern\s+|eastern\s+|western\s+)?", s[xe:cs])):
                ctx.emit(fac, "LOCATED_IN", c, i, min(cs, xs), max(ce, xe), 0.6, "known-location", local=True)
