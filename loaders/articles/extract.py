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
SUPPLIES   also "A accounted for 57% of B's imports", "B imported … from A", "B has begun importing
           Dy from A", "securing feedstock from A"; between countries from trade figures
           ("shipments to the United States", "the top export destinations for Chinese magnets")
FUNDS      "R secured a $565 million loan from F", "F will lend $620 million to R", "F agreed to buy
           $400 million of R preferred stock", a funding deal the graph resolves; with
           ``funding_instrument`` (loan/grant/equity), ``amount`` and ``amount_unit``
========== ==================================================================================

:mod:`rules_links` adds forms read off the schema and the graph rather than one article: a
relation found for one member of a list holds for the others ("offtake agreements with Hyundai
and Kia in South Korea and Siemens Gamesa"); seats by apposition, "-based", "based in" and
"X in Country" when the graph records that seat; ownership and customer nouns ("A's 8% stake
in B", "B, a unit of A", "A's customers include B", "one of its customers, B"); supply deals
decided by which side the graph knows as a producer; "Lynas' NdPr production". :mod:`deals`
resolves funding deals described by their parties (a loan, grant, offtake or price floor
between an issuer and a beneficiary the graph records) and gives them ISSUED_BY and AFFECTS,
and reads FUNDS from the sentences that say who gives money to whom.
:func:`~loaders.articles.rules_policy.rules_destinations` makes a control policy AFFECTS (role
target) the country its exports go to.

Mentions come from the gazetteer (graph names) and from :mod:`references` (policy numbers in
lists and ranges, policies, agreements and facilities described instead of named, "the
company"/"the plant"/"the ministry") and :mod:`names` (candidates found by form, graph names
found by alias). A relation may end at a candidate (``candidate:<Type>:<Name>``): it is in the
``--json`` output but never becomes a claim (the store holds only graph entities).


Hedged or negated statements are not asserted: a negation in the clause of the trigger
("did not impose"), or a cue that the text does not know ("no details have emerged on
whether", "unclear") drops the claim; hedges ("may", "reportedly", "plans to") lower its
confidence. Each relation keeps its sentence and the sentence's span in the article.

Where things are: :mod:`mentions` (every mention of an article), :mod:`rules_policy`,
:mod:`rules_chain`, :mod:`rules_links` and :mod:`deals` (the relation rules above), :mod:`records` (the records, hedging and the
rules' per-article context). This module runs them in order; the names it re-exports keep the
import path ``loaders.articles.extract`` working.
"""

from __future__ import annotations

import re

from loaders.articles.deals import rules_deal_parties, rules_funds
from loaders.articles.gazetteer import Gazetteer
from loaders.articles.mentions import find_all_mentions
from loaders.articles.readers import Article
from loaders.articles.records import (
    EXTRACTOR,
    Candidate,
    Extraction,
    Mention,
    RelationHit,
    RuleContext,
    assess,
    valid_from,
)
from loaders.articles.references import LEADER as _LEADER
from loaders.articles.rules_chain import (
    rules_feeds,
    rules_hq,
    rules_known_links,
    rules_located,
    rules_operates,
    rules_owns,
    rules_produces,
    rules_supplies,
    rules_supply_shares,
)
from loaders.articles.rules_links import (
    rules_conjuncts,
    rules_exports,
    rules_hq_more,
    rules_owns_more,
    rules_production_nouns,
    rules_supplies_more,
    rules_supply_deals,
)
from loaders.articles.rules_policy import (
    rules_agreement_parties,
    rules_destinations,
    rules_issued,
    rules_issued_more,
    rules_issued_said,
    rules_parties,
    rules_targets,
)

__all__ = ["EXTRACTOR", "Candidate", "Extraction", "Mention", "RelationHit", "assess", "extract_article"]


def extract_article(article: Article, gaz: Gazetteer) -> Extraction:
    """Mentions, candidates and relations of one article (nothing is written)."""
    found = find_all_mentions(article, gaz)
    text, sentences, mentions, cand_mentions = found.text, found.sentences, found.mentions, found.cand_mentions
    candidates, owners = found.candidates, found.owners
    ctx = RuleContext(text, sentences, sorted(mentions + cand_mentions, key=lambda m: (m.start, m.end)),
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
                rules_deal_parties(ctx, i, sent, ms)
                rules_issued(ctx, i, sent, ms)
                rules_issued_said(ctx, i, sent, ms)
                rules_issued_more(ctx, i, sent, ms)
                rules_parties(ctx, i, sent, ms)
            rules_owns(ctx, i, sent, ms)
            rules_owns_more(ctx, i, sent, ms, last_firm)
            rules_funds(ctx, i, sent, ms)
            rules_supplies(ctx, i, sent, ms)
            rules_supply_deals(ctx, i, sent, ms)
            rules_supplies_more(ctx, i, sent, ms, last_firm)
            rules_production_nouns(ctx, i, sent, ms)
            rules_supply_shares(ctx, i, sent, ms)
            if "Country" in types:
                rules_exports(ctx, i, sent, ms)
                rules_hq(ctx, i, sent, ms)
                rules_hq_more(ctx, i, sent, ms)
            if "Facility" in types:
                rules_located(ctx, i, sent, ms)
        if ms:
            rules_targets(ctx, i, sent, ms, recent_policy if i - recent_policy_at <= 2 else None)
            rules_destinations(ctx, i, sent, ms, recent_policy if i - recent_policy_at <= 2 else None)
            rules_operates(ctx, i, sent, ms, last_firm)
            rules_known_links(ctx, i, sent, ms, last_firm)
            rules_produces(ctx, i, sent, ms, last_firm)
            if any(m.type == "Facility" for m in ms):
                rules_feeds(ctx, i, sent, ms, last_facility)
        for m in ms:
            if m.type == "Firm" and not m.id.startswith("candidate:"):
                last_firm = m
            if m.type == "Facility" and not m.id.startswith("candidate:"):
                last_facility = m
            if m.type == "Policy" and not m.id.startswith("candidate:"):
                recent_policy, recent_policy_at = m, i
    rules_conjuncts(ctx)
    # countries that issue an agreement are its parties (AFFECTS, role party); named only
    # through a leader ("Australian Prime Minister Albanese signed …") they are parties, not
    # issuers ("US and Chinese officials announced a framework" keeps both issuers)
    for hit in list(ctx.hits):
        if hit.predicate == "ISSUED_BY" and ctx.instrument(hit.subject) == "agreement" and \
                hit.object.startswith("country:"):
            named = [m for m in mentions if m.id == hit.object and hit.sentence.start <= m.start < hit.sentence.end]
            if named and all(m.flag == "demonym" and _LEADER.match(text, m.end) for m in named):
                ctx.hits.remove(hit)
            ctx.hits.append(RelationHit(hit.subject, "AFFECTS", hit.object, hit.sentence, hit.confidence,
                                        "agreement-issuer-party", {"role": "party"}))
    rules_agreement_parties(ctx, mentions)
    relations: dict[tuple[str, str, str, str], RelationHit] = {}
    for hit in ctx.hits:
        if hit.predicate == "SUPPLIES" and hit.subject in gaz.index.operator.get(hit.object, set()):
            continue  # a firm's own plant is fed (FEEDS), not supplied: "sourced from Lynas' mine"
        if hit.predicate in {"TARGETS", "AFFECTS", "SUPPLIES", "OWNS"}:
            hit.valid_from = valid_from(hit.sentence.text, article.published)
        prior = relations.get(hit.key())
        if prior is None or hit.confidence > prior.confidence:
            relations[hit.key()] = hit
    names = {m.id: (gaz.entities[m.id].type, gaz.entities[m.id].name) for m in mentions}
    return Extraction(article, sentences, mentions, candidates,
                      sorted(relations.values(), key=lambda h: (h.sentence.start, h.predicate)),
                      ctx.dropped, names)
