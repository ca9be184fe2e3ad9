"""Relation rules about policies: ISSUED_BY (and suspensions), TARGETS and AFFECTS (parties).

Each ``rules_*`` function looks at one sentence's mentions (see :mod:`records` for
:class:`~loaders.articles.records.RuleContext`) and emits hits through ``ctx.emit``; the
table of patterns is in the docstring of :mod:`loaders.articles.extract`.
"""

from __future__ import annotations

import re

from loaders.articles.records import Mention, RuleContext, rel_span
from loaders.articles.sentences import Sentence, search_first

__all__ = ["rules_agreement_parties", "rules_destinations", "rules_issued", "rules_issued_more", "rules_issued_said",
           "rules_parties", "rules_targets"]

_ISSUE = re.compile(r"\b(impos\w*|issu\w*|announc\w*|introduc\w*|unveil\w*|enact\w*|adopt\w*|"
                    r"develop\w*|draft\w*|establish\w*|levi\w*|"
                    r"roll\w* out|put in place|plac\w*|expand\w*|tighten\w*|extend\w*|approv\w*|"
                    r"signed|launch\w*|added)\b", re.I)
_SUSPEND = re.compile(r"\b(suspend\w*|paus\w*|lift\w*|halt\w*|delay\w*|defer\w*|scrap\w*|"
                      r"revok\w*|rescind\w*|roll\w* back)\b", re.I)
#: the words every match of _ISSUE / _SUSPEND starts with (lower case), see sentences.search_first
_ISSUE_FIRST = ("impos", "issu", "announc", "introduc", "unveil", "enact", "adopt", "develop", "draft", "establish",
                "levi", "roll", "put", "plac", "expand", "tighten", "extend", "approv", "signed", "launch", "added")
_SUSPEND_FIRST = ("suspend", "paus", "lift", "halt", "delay", "defer", "scrap", "revok", "rescind", "roll")
_COORD = re.compile(r"\s*,?\s*(?:and|&|together with|jointly with|along with|in conjunction with)\s+"
                    r"(?:the\s+)?|\s*,\s*")
_APPOSITIVE_ISSUER = re.compile(r"^\s*,\s*(?:a|an|the)\s+(?:joint\s+)?(?:decision|announcement|notice|measure|order|"
                                r"rule|regulation)s?\s+(?:of|by|from)\s+(?:the\s+)?$")
_SAYS = re.compile(r"^\s*(?:,\s*)?(?:said|says|announced|noted|stated|confirmed|added)\b")
_SAYS_BEFORE = re.compile(r"(?:said|says|announced|noted|stated|confirmed)\s+(?:on\s+\w+\s+)?(?:that\s+)?$")
_CONTROL = re.compile(r"\b(controls?|controlled|restrict\w*|licen[cs]\w*|cover\w*|target\w*|"
                      r"appl\w* to|bans?|banned|curbs?|exports? of|including|such as|list\w*|"
                      r"adds?|added)\b", re.I)
_CONTROL_FIRST = ("control", "restrict", "licen", "cover", "target", "appl", "ban", "curb", "export", "including",
                  "such", "list", "add")
_ANAPHOR = re.compile(r"^\s*(?:The|These|Those|Its|Their)\s+(?:new\s+)?(?:controls?|measures?|"
                      r"rules?|restrictions?|announcement|regime|curbs?|licensing\s+requirements?)\b")
#: a sentence that opens by pointing back at the policy of the sentences before:
#: "According to the announcement, …", "Under the suspended clause, exports of …"
_ANAPHOR_LEAD = re.compile(r"^\s*(?:According\s+to|Under|In|By)\s+(?:the|this|these|those)\s+(?:[\w-]+\s+){0,2}?"
                           r"(?:announcement|notice|decision|measures?|rules?|clause|controls?|regime|order|"
                           r"regulations?|restrictions?)\s*,", re.I)
_USE_CLAUSE = re.compile(r"\b(?:used|crucial|essential|needed|vital|important|key to|found in|"
                         r"widely|demand|prices?|which are|that are)\b", re.I)


def rules_issued(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    s = sent.text
    policies = [m for m in ms if m.type == "Policy"]
    issuers = [m for m in ms if m.type in {"Country", "Firm", "Region"}]
    for p in policies:
        ps, pe = rel_span(p, sent)
        for who in issuers:
            ws, we = rel_span(who, sent)
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
                        gap = s[rel_span(prev_i, sent)[1]:rel_span(nxt, sent)[0]]
                        if re.fullmatch(r"[\s\"”’')]*(?:\([^()]{1,30}\))?[\s\"”’')]*,?\s*(?:and|&)\s+(?:the\s+)?", gap):
                            group.append(prev_i)
                            nxt = prev_i
                        elif re.fullmatch(r"\s*\(?[\"“]?", gap) and prev_i.id == nxt.id:
                            nxt = prev_i  # the acronym in brackets after the name
                        else:
                            break
                    for g in group[1:]:
                        ctx.emit(p, "ISSUED_BY", g, i, rel_span(g, sent)[0], pe, 0.75,
                                 "possessive-issuer-coordinated", local=True)
                    # a list after it shares the issuers: "MOFCOM Announcements Nos. 61 and 62"
                    prev = p
                    for q in sorted(policies, key=lambda m: m.start):
                        if q.start < p.end:
                            continue
                        if re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and|&)\s*(?:No\.?\s*)?", s[rel_span(prev, sent)[1]:rel_span(q, sent)[0]]):
                            for g in group:
                                ctx.emit(q, "ISSUED_BY", g, i, rel_span(g, sent)[0], rel_span(q, sent)[1], 0.75,
                                         "possessive-issuer-list", local=True)
                            prev = q
                        else:
                            break
                continue
            if we <= ps and ps - we < 90 and not re.search(r"[;:]", s[we:ps]):
                between = s[we:ps]
                for q in ms:  # verbs inside names do not count ("Announcements Nos. 61")
                    qs, qe = rel_span(q, sent)
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


def rules_issued_more(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """Issuers named around the policy: "No. 18, a joint decision of the Ministry of Commerce
    and the General Administration of Customs"; "the requirements that Beijing introduced";
    "its April export restrictions" (its = the country or agency before)."""
    s = sent.text
    policies = [m for m in ms if m.type == "Policy"]
    issuers = [m for m in ms if m.type in {"Country", "Firm", "Region"} and m.flag != "candidate"]
    for p in policies:
        ps, pe = rel_span(p, sent)
        after = [w for w in issuers if rel_span(w, sent)[0] >= pe]
        if after:
            first = after[0]
            fs, fe = rel_span(first, sent)
            if _APPOSITIVE_ISSUER.match(s[pe:fs]):
                ctx.emit(p, "ISSUED_BY", first, i, ps, fe, 0.75, "appositive-issuer", local=True)
                prev = first
                for w in after[1:]:
                    if _COORD.fullmatch(s[rel_span(prev, sent)[1]:rel_span(w, sent)[0]]):
                        ctx.emit(p, "ISSUED_BY", w, i, ps, rel_span(w, sent)[1], 0.75, "appositive-issuer", local=True)
                        prev = w
                    else:
                        break
            elif re.fullmatch(r"\s+(?:that|which)\s+(?:the\s+)?", s[pe:fs]) and \
                    (_ISSUE.match(s[fe:].strip()) or _SUSPEND.match(s[fe:].strip())):
                ctx.emit(p, "ISSUED_BY", first, i, ps, fe + 15, 0.75, "policy-that-issuer")
        if re.search(r"\b(?:its|their)\s+(?:[\w-]+\s+){0,3}$", s[:ps]):
            before = [w for w in issuers if rel_span(w, sent)[1] <= ps and w.type == "Country"]
            if before:
                ctx.emit(p, "ISSUED_BY", before[-1], i, rel_span(before[-1], sent)[0], pe, 0.65, "its-policy")


def rules_issued_said(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
    """"China will suspend … Announcement No. 46, the Ministry of Commerce said": the sayer
    of a sentence about issuing or suspending a policy issued it."""
    s = sent.text
    policies = [m for m in ms if m.type == "Policy"]
    agencies = [m for m in ms if m.type == "Firm"]
    if not policies or not agencies or not (search_first(_ISSUE, s, _ISSUE_FIRST)
                                            or search_first(_SUSPEND, s, _SUSPEND_FIRST)):
        return
    for a in agencies:
        as_, ae = rel_span(a, sent)
        if _SAYS.match(s[ae:]) and any(rel_span(p, sent)[1] <= as_ for p in policies):
            for p in policies:
                if rel_span(p, sent)[1] <= as_:
                    ctx.emit(p, "ISSUED_BY", a, i, rel_span(p, sent)[0], ae + 8, 0.7, "policy-sayer")
        elif _SAYS_BEFORE.search(s[:as_]) is None and _SAYS.match(s[ae:]) is None:
            continue


_MODIFIED = re.compile(r"[- ]?related\b|\s+(?:technolog|equipment|industr|sector|supply chain|processing|"
                       r"mining|smelting|separation|refining|extraction|recycling|manufactur)")


def rules_targets(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention],
                   recent_policy: Mention | None) -> None:
    s = sent.text
    objects = [m for m in ms if m.type in {"Element", "Material"}]
    if not objects:
        return
    policies = [m for m in ms if m.type == "Policy"]
    anaphoric = False
    if not policies and recent_policy is not None and (_ANAPHOR.match(s) or _ANAPHOR_LEAD.match(s)):
        policies = [recent_policy]
        anaphoric = True
    if not policies:
        return
    # every hit starts at the sentence's first control word (speed: searched once, not per policy)
    ctl = search_first(_CONTROL, s, _CONTROL_FIRST)
    if not ctl:
        return
    shared = {(m.start, m.end) for m in policies if m.flag == "descriptive"}
    shared = {sp for sp in shared if sum(1 for m in policies if (m.start, m.end) == sp) > 1}
    for p in policies[:1] if anaphoric else policies:
        if (p.start, p.end) in shared:
            continue  # "measures on superhard materials, lithium batteries …": which is whose?
        pe = 0 if anaphoric else rel_span(p, sent)[1]
        for o in objects:
            os_, oe = rel_span(o, sent)
            if os_ < pe or os_ < ctl.start():
                continue
            if _MODIFIED.match(s, oe):
                continue  # "rare earth-related technologies", "rare earth mining, smelting and
                # separation": a modifier of a process or an industry, not what is controlled
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


def rules_parties(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention]) -> None:
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
            gap = s[rel_span(a, sent)[1]:rel_span(b, sent)[0]]
            if re.fullmatch(r"\s?[-–—‑/]\s?", gap) or re.fullmatch(r"\s+and\s+(?:the\s+)?", gap):
                before = s[:rel_span(a, sent)[0]]
                if re.fullmatch(r"\s?[-–—‑/]\s?", gap) or re.search(r"\b(?:between|by|among)\s+(?:the\s+)?$", before):
                    parties += [a, b]
    seen: set[str] = set()
    for p in agreements:
        for c in parties:
            if c.id in seen:
                continue
            seen.add(c.id)
            lo, hi = sorted((rel_span(p, sent)[0], rel_span(c, sent)[1]))
            ctx.emit(p.id, "AFFECTS", c, i, lo, hi, 0.75, "agreement-parties",
                     properties={"role": "party"})


def rules_agreement_parties(ctx: RuleContext, mentions: list[Mention]) -> None:
    """Parties of an agreement the text names, when it also names the party countries nearby.

    "Trump and Australian Prime Minister Albanese signed a critical minerals agreement … The
    framework aims to cut US dependence on China": the agreement resolves to the US-Australia
    framework, whose parties the graph records; a recorded party named in the agreement's
    sentence or the next one is AFFECTS (role party). A country the graph does not list as a
    party (China above) is not. Confidence 0.6; hedges and negation apply.
    """
    parties = ctx.gaz.agreement_parties
    for p in mentions:
        if p.type != "Policy" or p.id not in parties:
            continue
        for k in (p.sentence, p.sentence + 1):
            sent = ctx.sentences[k] if k < len(ctx.sentences) else None
            if sent is None:
                break
            for c in ctx.by_sentence.get(k, []):
                if c.type == "Country" and c.id in parties[p.id]:
                    lo = rel_span(c, sent)[0] if k != p.sentence else min(rel_span(c, sent)[0], rel_span(p, sent)[0])
                    hi = rel_span(c, sent)[1] if k != p.sentence else max(rel_span(c, sent)[1], rel_span(p, sent)[1])
                    ctx.emit(p, "AFFECTS", c, k, lo, hi, 0.6, "agreement-named-party", local=True,
                             properties={"role": "party"})


#: a country a measure is aimed at: "exports of … to the United States", "measures against
#: Japan", "tariffs on imports from China"
_AIMED_AT = re.compile(r"(?:\b(?:exports?|shipments?|sales|re-exports?)\b[^.;]{0,80}?\bto|\bagainst|"
                       r"\bimports?\s+(?:of\s+[^.;]{0,60}?\s)?from)\s+(?:the\s+)?$", re.I)


def rules_destinations(ctx: RuleContext, i: int, sent: Sentence, ms: list[Mention],
                       recent_policy: Mention | None) -> None:
    """A control policy AFFECTS (role target) the country its exports go to or come from:
    "Announcement No. 18 requires licences for exports to the United States", "Under the
    suspended clause, exports of gallium … to the United States were not permitted" (the
    policy of the sentence, or the one pointed back at). Not for agreements (their parties
    are found by the party rules)."""
    s = sent.text
    policies = [m for m in ms if m.type == "Policy" and ctx.instrument(m.id) != "agreement"]
    anaphoric = False
    if not policies and recent_policy is not None and ctx.instrument(recent_policy.id) != "agreement" and \
            (_ANAPHOR.match(s) or _ANAPHOR_LEAD.match(s)):
        policies, anaphoric = [recent_policy], True
    if not policies or not search_first(_CONTROL, s, _CONTROL_FIRST):
        return
    p = policies[0]
    pe = 0 if anaphoric else rel_span(p, sent)[1]
    for c in ms:
        if c.type not in {"Country", "Region"} or c.flag == "demonym":
            continue
        cs, ce = rel_span(c, sent)
        if cs < pe or not _AIMED_AT.search(s[pe:cs]):
            continue
        if any(pe <= q.start - sent.start < cs for q in policies if q is not p):
            continue
        if c.id in ctx.gaz.index.issuers.get(p.id, set()):
            continue  # the issuer's own imports/exports
        ctx.emit(p.id, "AFFECTS", c, i, pe, ce, 0.6 if anaphoric else 0.65, "policy-destination",
                 properties={"role": "target"})
