# Kept whole (~500 lines): every finder shares Ref, the date cues and the graph-resolution helpers, and they are read together.
"""References news makes without a graph name: number lists, descriptions, pronouns, new names.

Each finder returns :class:`Ref` records (a span, the entity it resolves to, a flag); the
extractor turns them into mentions. Everything is resolved through the graph
(:class:`~loaders.articles.gazetteer.GraphIndex`) or not at all:

- **numbered policies** — "Announcements Nos. 55, 56, 57 and 58 of 2025", "Nos. 3–5",
  "Executive Order 14272", "E.O. 14272", "Proclamation 11001": each number is looked up by
  its official number (year stated, else the article's year);
- **described policies** — a control noun ("export controls", "restrictions", "curbs",
  "measures") with a date in the same sentence ("in April", "on October 9", "on Thursday"
  read against the publication date): the graph's policies announced then, narrowed by
  words only one of them has in its name ("superhard", "lithium", "technologies");
- **described facilities** — "its separation plant in Malaysia", "the company's Texas
  plant", "a new magnet manufacturing facility", "northern Myanmar's rare-earths mining
  belt": owner (possessive, "its"/"the company's" → the last firm, or the firm the clause
  is about) + place + stage + status words select among the facilities the graph says that
  owner operates; without an owner, the one facility of that stage in the named country;
- **antecedents** — "the company", "the firm", "the plant", "the ministry": the nearest
  earlier mention of a compatible entity within three sentences.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from loaders.articles.gazetteer import Gazetteer
from loaders.articles.sentences import Sentence, finditer_at, has_any, literal_starts, lowered

__all__ = ["Ref", "antecedents", "coordinated_groups", "described_agreements", "described_facilities",
           "described_policies", "firm_is_agency", "numbered_policies"]


@dataclass
class Ref:
    start: int
    end: int
    id: str
    flag: str
    owner: str | None = None  # facility references: the firm they were resolved through


class _Seen(Protocol):
    """A mention as the finders need it (the extractor's Mention has these fields)."""

    start: int
    end: int
    id: str
    type: str
    sentence: int
    flag: str | None


# --- numbered policies ------------------------------------------------------------------
_NUM_LIST = re.compile(
    r"\b(?P<kind>Announcements?|Decrees?|Orders?)\s+(?P<nums>(?:Nos?\.?\s*|Numbers?\s+)?\d{1,3}\b"
    r"(?:\s*(?:,\s*(?:and\s+)?|\band\b|&|[-–—]|\bto\b)\s*(?:No\.?\s*)?\d+)*)"
    r"(?:\s+of\s+(?:the\s+)?(?:year\s+)?(?P<year>(?:19|20)\d\d))?")
_EXEC = re.compile(r"\b(?P<kind>Executive Order|E\.\s?O\.|EO|Proclamation)\s+(?:No\.\s*)?(?P<num>\d{4,5})\b")
#: the literal words every match of _NUM_LIST / _EXEC starts with (they are tried only there)
_NUM_LIST_FIRST = ("Announcement", "Decree", "Order")
_EXEC_FIRST = ("Executive Order", "E.", "EO", "Proclamation")


def numbered_policies(gaz: Gazetteer, text: str, published: str | None) -> list[Ref]:
    """Policies named by official number, alone or in lists and ranges."""
    default_year = published[:4] if published else None
    out: list[Ref] = []
    for m in finditer_at(_NUM_LIST, text, literal_starts(text, _NUM_LIST_FIRST)):
        kind = m.group("kind").lower().rstrip("s")
        nums = [(n.group(), n.start() + m.start("nums"), n.end() + m.start("nums"))
                for n in re.finditer(r"\d+", m.group("nums"))]
        expanded: list[tuple[str, int, int]] = []
        for k, (num, a, b) in enumerate(nums):
            expanded.append((num, a, b))
            if k + 1 < len(nums):
                gap = text[b:nums[k + 1][1]]
                if re.search(r"[-–—]|\bto\b", gap):
                    lo, hi = int(num), int(nums[k + 1][0])
                    if 0 < hi - lo <= 20:
                        expanded += [(str(x), b, nums[k + 1][1]) for x in range(lo + 1, hi)]
        for num, a, b in expanded:
            pid = gaz.index.policy_by_number(kind, num, m.group("year"), default_year)
            if pid:
                start = m.start() if num == nums[0][0] else a
                out.append(Ref(start, b, pid, "number"))
    for m in finditer_at(_EXEC, text, literal_starts(text, _EXEC_FIRST)):
        kind = "proclamation" if m.group("kind").startswith("Proc") else "executive order"
        pid = gaz.index.policy_by_number(kind, m.group("num"), None, default_year)
        if pid:
            out.append(Ref(m.start(), m.end(), pid, "number"))
    return out


# --- described policies -----------------------------------------------------------------
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE_CUE = re.compile(
    r"\b(?:(?P<day1>\d{1,2})\s+" + _MONTH + r"|" + _MONTH.replace("month", "month2")
    + r"(?:\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?)?)(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"
    r"|\bon\s+(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_CONTROL_NOUN = re.compile(
    r"\b(?:(?:export|trade)\s+)?(?:controls?|restrictions?|curbs?|measures?|bans?|"
    r"licen[cs]ing\s+(?:regime|requirements?|rules?)|rules?|announcements?|notices?)\b", re.I)
_EXPORTISH = re.compile(r"\bexport|\bcontrol|\brestrict|\bcurb|\blicen[cs]", re.I)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_POLICY_STOP = set("""export exports controls control certain items item related relevant rare earth
earths medium heavy light measures measure announcement on of and the for with to in a an
implementing implementation decision strengthening material materials product products element
elements china chinese united states american australia australian japan japanese europe european
malaysia malaysian government national new rule rules announced january february march april
june july august september october november december framework agreement deal consensus
arrangement truce accord pact memorandum
other others some such all any more most its their this that these those into from over under
between about through including include includes regarding concerning covering various
several further additional key major main part use used using based""".split())
#: What a described policy is called → the instruments it can be.
#: stems every alternative of _EXPORTISH, _AGREE and "order|proclamation" contains, and those of
#: each _NOUN_KINDS pattern (substring tests before the case-insensitive regexes: speed)
_POLICY_STEMS = ("export", "control", "restrict", "curb", "licen", "agreement", "deal", "consensus", "framework",
                 "arrangement", "truce", "accord", "pact", "order", "proclamation", "law", "act", "regulation",
                 "legislation", "decree", "plan", "strateg", "stockpile", "reserve")
_NOUN_STEMS = [("executive", "eo"), ("proclamation",),
               ("control", "restriction", "curb", "ban", "licen", "measure"),
               ("agreement", "deal", "consensus", "framework", "arrangement", "truce", "accord", "pact", "memorandum",
                "mou"),
               ("law", "act", "regulation", "legislation", "decree"), ("plan", "strateg"), ("stockpile", "reserve")]
_NOUN_KINDS = [
    (re.compile(r"\b(?:executive\s+order|EO)\b", re.I), {"regulation"}, "Executive Order"),
    (re.compile(r"\bproclamation\b", re.I), {"regulation", "tariff"}, "Proclamation"),
    (re.compile(r"\b(?:(?:export|trade)\s+)?(?:controls?|restrictions?|curbs?|bans?|licen[cs]ing\s+"
                r"(?:regime|requirements?|rules?)|measures?|general\s+licen[cs]es?)\b", re.I),
     {"export-control", "ban", "licence", "quota", "suspension"}, None),
    (re.compile(r"\b(?:agreement|deal|consensus|framework|arrangement|truce|accord|pact|memorandum|MoU)\b", re.I),
     {"agreement"}, None),
    # "A new EU law has set targets to … process 40% of the bloc's critical minerals needs"
    (re.compile(r"\b(?:laws?|[Aa]ct|regulations?|legislation|decree)\b"), {"regulation"}, None),
    (re.compile(r"\b(?:action\s+plan|plan|strategy)\b", re.I), {"strategy"}, None),
    (re.compile(r"\b(?:stockpiles?|strategic\s+reserves?|reserves?)\b", re.I), {"stockpile"}, None),
]
#: kinds (indices in _NOUN_KINDS) an issuer right before the noun names when it has one of them
_BY_ISSUER_KINDS = {4, 5, 6}
_ISSUER_BEFORE_NOUN = re.compile(r"(?:['’]s?)?\s+(?:(?:new|recent|landmark|flagship)\s+)?")
_LAWISH = re.compile(r"\b(?:laws?|[Aa]ct|regulations?|legislation|decree|plan|strategy|stockpiles?|reserves?)\b",
                     re.I)


def _to_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def _date_cue(m: re.Match[str], published: str | None) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) a date cue stands for; month/day None when not stated."""
    pub = _to_date(published) if published else None
    if m.group("weekday"):
        if pub is None:
            return None
        back = (pub.weekday() - _WEEKDAYS.index(m.group("weekday").lower())) % 7
        day = pub - dt.timedelta(days=back)
        return day.year, day.month, day.day
    month_text = m.group("month") or m.group("month2")
    month = _MONTHS[month_text[:3].lower()]
    day_text = m.group("day1") or m.group("day2")
    if m.group("year"):
        year = int(m.group("year"))
    elif published:
        year = int(published[:4])
        if pub is not None and month > pub.month:
            year -= 1
    else:
        return None
    return year, month, int(day_text) if day_text else None


@functools.lru_cache(maxsize=4096)
def _keywords(name: str) -> frozenset[str]:
    words = {w.rstrip("s") if len(w) > 4 else w for w in re.findall(r"[a-z]+", name.lower())}
    return frozenset(w for w in words if len(w) >= 3 and w not in _POLICY_STOP and w + "s" not in _POLICY_STOP)


_OWN_CACHE: dict[tuple[int, str, str], frozenset[str]] = {}


def _own_words(gaz: Gazetteer, pid: str, issuer: str) -> frozenset[str]:
    """Words of a policy's name that no other policy of the same issuer has in its name."""
    key = (id(gaz), pid, issuer)
    if key not in _OWN_CACHE:
        others = [e for e in gaz.entities.values() if e.type == "Policy" and e.id != pid
                  and issuer in gaz.index.issuers.get(e.id, set())]
        words = set(_keywords(gaz.entities[pid].name))
        for o in others:
            words -= _keywords(o.name)
        _OWN_CACHE[key] = frozenset(words - _keywords(gaz.entities[issuer].name))
    return _OWN_CACHE[key]


@functools.lru_cache(maxsize=4096)
def _word_re(word: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(word)}")


def _has_word(low: str, word: str) -> bool:
    return word in low and _word_re(word).search(low) is not None


_AGREE = re.compile(r"\b(?:agreement|deal|consensus|framework|arrangement|truce|accord|pact)\b", re.I)
_ORDERISH = re.compile(r"(?i)order|proclamation")
#: (pattern, text it is tried in: "low" the lower-cased text or "text" as it is, the words every
#: match starts with): the sentence gate of described policies, then each of _NOUN_KINDS
_GATE_FIRST: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (_EXPORTISH, "low", ("export", "control", "restrict", "curb", "licen")),
    (_AGREE, "low", ("agreement", "deal", "consensus", "framework", "arrangement", "truce", "accord", "pact")),
    (_ORDERISH, "low", ("order", "proclamation")),
    (_LAWISH, "low", ("law", "act", "regulation", "legislation", "decree", "plan", "strategy", "stockpile",
                      "reserve")),
]
_KIND_FIRST: list[tuple[str, tuple[str, ...]]] = [
    ("low", ("executive", "eo")), ("low", ("proclamation",)),
    ("low", ("export", "trade", "control", "restriction", "curb", "ban", "licen", "measure", "general")),
    ("low", ("agreement", "deal", "consensus", "framework", "arrangement", "truce", "accord", "pact",
             "memorandum", "mou")),
    ("text", ("law", "act", "Act", "regulation", "legislation", "decree")),  # case-sensitive pattern
    ("low", ("action", "plan", "strategy")), ("low", ("stockpile", "strategic", "reserve")),
]


class _PolicySentences:
    """Which sentences a pattern can match in, found with one pass over the whole text (the
    pattern tried only where its first words occur, :func:`finditer_at`) instead of a search
    per sentence. Only white space lies between sentences, so a match of the pattern in a
    sentence is found by the pass too: the pass then finds a match in that sentence or one
    that reaches into it (across white space); the sentences a match touches all count, and
    the caller still runs the pattern on each selected sentence. ``low`` is None when
    lower-casing moves characters (the caller then tests every sentence as before)."""

    def __init__(self, text: str, sentences: list[Sentence]) -> None:
        self.text = text
        self.low = lowered(text)
        self.starts = [x.start for x in sentences]
        self.kinds: dict[int, set[int]] = {}
        self.gate: set[int] = set()
        if self.low is not None:
            for rx, where, first in _GATE_FIRST:
                self.gate |= self._touched(rx, where, first)

    def _touched(self, rx: re.Pattern[str], where: str, first: tuple[str, ...]) -> set[int]:
        assert self.low is not None
        out: set[int] = set()
        for m in finditer_at(rx, self.text, literal_starts(self.low if where == "low" else self.text, first)):
            a = max(bisect.bisect_right(self.starts, m.start()) - 1, 0)
            b = max(bisect.bisect_right(self.starts, m.end() - 1) - 1, 0)
            out.update(range(a, b + 1))
        return out

    def has_kind(self, k: int, kind: int) -> bool:
        found = self.kinds.get(kind)
        if found is None:
            where, first = _KIND_FIRST[kind]
            found = self.kinds[kind] = self._touched(_NOUN_KINDS[kind][0], where, first)
        return k in found


#: a demonym naming a leader, not the state's people or goods: "Australian Prime Minister Anthony
#: Albanese", "Chinese President Xi" (the state acts; "Chinese supplies" names no party)
LEADER = re.compile(r"\s+(?:Prime\s+Minister|President|Premier|Chancellor|leader|Treasurer)\b")


_LOCATIVE = re.compile(r"(?i)\b(?:in|at)\s+(?:the\s+)?$")


def _named_states(here: Iterable[_Seen], text: str) -> tuple[set[str], set[str]]:
    """Countries a sentence (``here``: its mentions) names as actors — by name, capital or a
    leader's demonym ("Australian Prime Minister …"), not by a demonym of people or goods
    ("Chinese supplies") — and countries it names as places ("at a summit in South Korea")."""
    actors, places = set(), set()
    for m in here:
        if m.type != "Country":
            continue
        if _LOCATIVE.search(text, max(m.start - 12, 0), m.start):
            places.add(m.id)
        elif m.flag != "demonym" or LEADER.match(text, m.end):
            actors.add(m.id)
    return actors, places


def _parties_fit(gaz: Gazetteer, pid: str, named: tuple[set[str], set[str]]) -> bool:
    """An agreement fits a sentence unless the sentence names a state that is not its party
    ("Trump and Australian Prime Minister Albanese signed an agreement" is not a US-China deal),
    or places the deal in a state that has an agreement of its own with one of the parties
    ("signed an agreement in Japan" is the US-Japan one; "at a summit in South Korea" fits)."""
    parties = gaz.agreement_parties.get(pid)
    if not parties:
        return True
    actors, places = named
    if not actors <= set(parties):
        return False
    return not any(c not in parties and any(c in other and set(other) & set(parties) - {c}
                                            for other in gaz.agreement_parties.values())
                   for c in places)


#: "the framework", "this deal": a definite agreement noun, read as the agreement named just before
_DEFINITE = re.compile(r"(?i)\b(?:the|this|that|its|their)\s+(?:[\w-]+\s+){0,3}$")


def described_policies(gaz: Gazetteer, text: str, sentences: list[Sentence],
                       published: str | None, seen: Sequence[_Seen],
                       horizon: str | None = None) -> list[Ref]:
    """Policies described by what they are, when, and what they control ("the April export
    controls on seven medium and heavy rare earths", "an Executive Order on April 15, 2025",
    "Malaysia will ban exports of rare earth raw materials"), among the graph's policies.
    ``published`` dates relative cues ("on Thursday"); ``horizon`` (default ``published``: an
    undated page's copyright year) rules out policies announced after the text."""
    policies = gaz.announced_policies
    named = [(m.start, m.sentence) for m in seen if m.type == "Policy"]
    named_sentences = {sidx for _, sidx in named}
    pools: dict[int, list] = {}
    by_sentence: dict[int, list] = {}
    for m in seen:
        by_sentence.setdefault(m.sentence, []).append(m)
    out: list[Ref] = []
    # (speed) the sentences the tests below can pass, found in one pass over the text
    select = _PolicySentences(text, sentences)
    for k, sent in enumerate(sentences):
        s = sent.text
        lowered = s.lower()
        if select.low is not None:
            if k not in select.gate:
                continue
        elif not has_any(lowered, _POLICY_STEMS):
            continue  # none of the words the tests below need (speed)
        elif not _EXPORTISH.search(s) and not _AGREE.search(s) and not _ORDERISH.search(s) \
                and not _LAWISH.search(s):
            continue
        low = ""
        cues = None
        for kind, (rx, instruments, marker) in enumerate(_NOUN_KINDS):
            if select.low is not None:
                if not select.has_kind(k, kind):
                    continue  # (speed: the kind's nouns do not occur in the sentence)
            elif not has_any(lowered, _NOUN_STEMS[kind]):
                continue  # (speed: the kind's nouns cannot match)
            nouns = list(rx.finditer(s))
            if not nouns:
                continue
            if not low:
                low = s.lower()
                for m in by_sentence.get(k, []):  # words of names are not what a policy is about
                    if m.type in ("Material", "Element"):
                        continue  # … except the controlled items ("rare earth-related technologies", "holmium")
                    a, b = m.start - sent.start, m.end - sent.start
                    low = low[:a] + " " * (b - a) + low[b:]
            if instruments & {"export-control"} and not _EXPORTISH.search(s):
                continue
            if kind not in pools:
                pools[kind] = gaz.memo.get(("described-policy-pool", kind))  # type: ignore[assignment]
                if pools[kind] is None:
                    pools[kind] = gaz.memo[("described-policy-pool", kind)] = [
                        e for e in policies if e.properties.get("instrument") in instruments
                        and (marker is None
                             or marker.lower() in str(e.properties.get("number") or e.name).lower())]
            pool = pools[kind]
            if not pool:
                continue
            dated = resolved = False
            if cues is None:
                cues = list(_DATE_CUE.finditer(s))
            for cue in cues:
                when = _date_cue(cue, published)
                if when is None:
                    continue
                dated = True
                year, month, day = when
                cands = []
                for e in pool:
                    d = str(e.properties["announced"])
                    if d[:4] != str(year) or (month and d[5:7] != f"{month:02d}"):
                        continue
                    if day and d[8:10] and d[8:10] != f"{day:02d}":
                        continue
                    cands.append(e)
                if len(cands) == 1:
                    chosen = cands
                else:
                    chosen = []
                    for e in cands:
                        others = set().union(*(_keywords(o.name) for o in cands if o is not e))
                        if any(_has_word(low, w) for w in _keywords(e.name) - others):
                            chosen.append(e)
                near = [n for n in nouns if abs(n.start() - cue.start()) <= 160]
                states = _named_states(by_sentence.get(k, []), text)
                chosen = [e for e in chosen if e.properties.get("instrument") != "agreement"
                          or _parties_fit(gaz, e.id, states)]
                for e in chosen:
                    for n in near:
                        out.append(Ref(sent.start + n.start(), sent.start + n.end(), e.id, "descriptive"))
                        resolved = True
            if dated and resolved:
                continue
            # a date that fits no policy is the statement's ("…, the minister said on Tuesday"):
            # the sentence is read as undated
            # no date: an issuer named in the sentence, and a word of the policy's name that no
            # other policy of that issuer has ("superhard", "lithium", "raw")
            if any(abs(sidx - k) <= 2 for sidx in named_sentences):
                continue
            here = {m.id for m in by_sentence.get(k, [])}
            latest = published or horizon
            pub_year = latest[:4] if latest else None
            by_issuer: dict[str, list] = {}
            for e in pool:
                for c in gaz.index.issuers.get(e.id, set()) & here:
                    by_issuer.setdefault(c, []).append(e)
            hits = []
            for c, group in by_issuer.items():
                for e in group:
                    if pub_year and str(e.properties["announced"])[:4] > pub_year:
                        continue
                    if e.id in gaz.agreement_parties:
                        continue  # agreements by their parties and place (described_agreements)
                    own = _own_words(gaz, e.id, c)
                    if own and any(_has_word(low, w) for w in own):
                        hits.append(e)
                # "a new EU law", "the US stockpile": the issuer right before the noun, and the
                # issuer has one policy of that kind
                if kind in _BY_ISSUER_KINDS and not hits:
                    known = [e for e in group if not (pub_year and str(e.properties["announced"])[:4] > pub_year)]
                    if len(known) == 1 and any(
                            m.id == c and _ISSUER_BEFORE_NOUN.fullmatch(s[m.end - sent.start:n.start()])
                            for m in by_sentence.get(k, []) for n in nouns if m.end - sent.start <= n.start()):
                        hits.append(known[0])
            n = nouns[0]
            for e in {h.id: h for h in hits}.values():
                out.append(Ref(sent.start + n.start(), sent.start + n.end(), e.id, "descriptive"))
    return out




def described_agreements(gaz: Gazetteer, text: str, sentences: list[Sentence],
                         published: str | None, seen: Sequence[_Seen]) -> list[Ref]:
    """"the consensus reached by China and the United States at the Kuala Lumpur talks": an
    agreement noun with two parties in its sentence → the latest agreement between them at
    the article's date; a place named in the sentence must appear in the agreement's name."""
    out: list[Ref] = []
    with_nouns = _agreement_nouns(text, sentences)
    noun_sentences = {k for k, _, _ in with_nouns}
    for k, sent, nouns in with_nouns:
        parties = sorted({m.id for m in seen if m.sentence == k and m.type == "Country"})
        if len(parties) < 2 or any(m.sentence == k and m.type == "Policy" for m in seen):
            continue
        if _DEFINITE.search(text, max(nouns[0].start() - 40, 0), nouns[0].start()) and (
                {k - 1, k - 2} & noun_sentences or any(
                    m.type == "Policy" and k - 2 <= m.sentence < k and gaz.agreement_parties.get(m.id)
                    for m in seen)):
            continue  # "… signed an agreement. The framework aims to cut US dependence on China"
        states = _named_states((m for m in seen if m.sentence == k), text)
        for i, a in enumerate(parties):
            for b in parties[i + 1:]:
                pid = gaz.agreement_between(a, b, published)
                if pid is None:
                    continue
                e = gaz.entities[pid]
                places = re.findall(r"\b(?:at|in)\s+(?:the\s+)?((?:[A-Z][a-z]+\s?){1,3})", sent.text)
                hay = " ".join([e.name, *e.aliases, str(e.properties.get("summary") or "")])
                if places and not any(pl.strip() in hay for pl in places):
                    continue
                if not (places and any(pl.strip() in hay for pl in places)) and not states[0] <= {a, b}:
                    continue  # another state named as an actor, and no place to tell which deal
                n = nouns[0]
                out.append(Ref(n.start(), n.end(), pid, "contextual"))
    return out


_AGREE_WORDS = ("agreement", "deal", "consensus", "framework", "arrangement", "truce", "accord", "pact")


def _agreement_nouns(text: str, sentences: list[Sentence]) -> list[tuple[int, Sentence, list[re.Match[str]]]]:
    """(index, sentence, matches of :data:`_AGREE` in it, positions in ``text``) of each sentence
    that has one. One pass over the text, trying the pattern only where its words occur in the
    lower-cased text: a match is one word, so it never crosses sentences, and every character
    next to a sentence is white space, so ``\\b`` reads the same in the text as in the sentence."""
    low = lowered(text)
    found = _AGREE.finditer(text) if low is None else finditer_at(_AGREE, text, literal_starts(low, _AGREE_WORDS))
    starts = [x.start for x in sentences]
    out: list[tuple[int, Sentence, list[re.Match[str]]]] = []
    for m in found:
        k = bisect.bisect_right(starts, m.start()) - 1
        if k < 0 or m.end() > sentences[k].end:
            continue  # not inside a sentence (cannot happen with split_sentences' sentences)
        if out and out[-1][0] == k:
            out[-1][2].append(m)
        else:
            out.append((k, sentences[k], [m]))
    return out


_ELLIPSIS = re.compile(r"\b(?P<first>light|heavy)\s+(?:and|&|or)\s+(?:heavy|light)\s+rare[- ]earths?\b", re.I)


def coordinated_groups(gaz: Gazetteer, text: str) -> list[Ref]:
    """"light and heavy rare earths": the first group word names its group too."""
    out = []
    low = lowered(text)
    found = _ELLIPSIS.finditer(text) if low is None else \
        finditer_at(_ELLIPSIS, text, literal_starts(low, ("light", "heavy")))
    for m in found:
        gid = f"material:{m.group('first').lower()}-rare-earths"
        if gid in gaz.entities:
            out.append(Ref(m.start("first"), m.end("first"), gid, "coordinated"))
    return out


# --- described facilities ---------------------------------------------------------------
_FAC_NOUN = (r"(?P<noun>plants?|facilit(?:y|ies)|refinery|refineries|mills?|mines?|smelters?|"
             r"factory|factories|operations|project|complex|hub|belt|mining\s+area|circuit|deposits?)")
_FAC_NP = re.compile(
    r"(?P<det>\b(?:its|their|the company['’]s|the firm['’]s|the group['’]s|a|an|the|"
    r"[A-Z][\w.&-]*(?:[ \t]+[A-Z][\w.&-]*){0,3}['’]s?))[ \t]+"
    r"(?P<mods>(?:[\w-]+,?[ \t]+){0,6}?)" + _FAC_NOUN + r"\b"
    r"(?P<post>(?:[ \t]*,?[ \t]+(?:(?:which|that)[ \t]+(?:\w+[ \t]+){0,3}?)?(?:in|at|near)[ \t]+(?:the[ \t]+)?"
    r"(?P<place>[A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*){0,2}))?)")
_FAC_NOUN_RE = re.compile(r"\b" + _FAC_NOUN + r"\b")
#: what every match of _FAC_NOUN_RE starts with (it is tried only there)
_FAC_NOUN_FIRST = ("plant", "facilit", "refiner", "mill", "mine", "mining", "smelter", "factor", "operations",
                   "project", "complex", "hub", "belt", "circuit", "deposit")
_STAGE_WORDS = [
    (re.compile(r"\bmagnets?\b", re.I), {"magnet", "alloy"}),
    (re.compile(r"\bmetal(?:li[sz]ation|s)?\b|\bmetal-making\b", re.I), {"metal"}),
    (re.compile(r"\bseparat\w*|\brefin\w*", re.I), {"separation"}),
    (re.compile(r"\bcracking\b|\bleaching\b|\bconcentrat\w*", re.I), {"concentration"}),
    (re.compile(r"\bprocessing\b", re.I), {"concentration", "separation"}),
    (re.compile(r"\bmin(?:e|es|ing)\b|\bdeposits?\b", re.I), {"mining"}),
    (re.compile(r"\brecycl\w*", re.I), {"recycling"}),
]
_NEW = re.compile(r"\b(new|second|planned|proposed|future|upcoming)\b", re.I)
_AGENCY_WORDS = re.compile(r"\b(Ministry|Department|Agency|Bureau|Administration|Office|Commission|"
                           r"Government|Council|Customs)\b")


def firm_is_agency(gaz: Gazetteer, fid: str) -> bool:
    entity = gaz.entities.get(fid)
    if entity is None:
        return False
    kinds = entity.properties.get("kind") or []
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return "agency" in kinds or bool(_AGENCY_WORDS.search(entity.name))


def _stages(words: str) -> set[str]:
    out: set[str] = set()
    for rx, st in _STAGE_WORDS:
        if rx.search(words):
            out |= st
    return out


def _place_ok(gaz: Gazetteer, fid: str, place: str | None, countries: set[str]) -> bool:
    entity = gaz.entities[fid]
    if countries and not (countries & gaz.index.located.get(fid, set())):
        return False
    if place:
        hay = " ".join([entity.name, *entity.aliases, str(entity.properties.get("location") or "")]).lower()
        if place.lower() not in hay:
            return False
    return True


def described_facilities(gaz: Gazetteer, text: str, sentences: list[Sentence],
                         seen: Sequence[_Seen], sentence_of: Callable[[int], int]) -> list[Ref]:
    """Facilities described by owner, place, stage and status, resolved through the graph."""
    out: list[Ref] = []
    firms = [m for m in seen if m.type == "Firm" and not firm_is_agency(gaz, m.id)]
    countries_at = [m for m in seen if m.type == "Country"]
    facilities_at = [(m.start, m.end) for m in seen if m.type == "Facility"]
    for noun in finditer_at(_FAC_NOUN_RE, text, literal_starts(text, _FAC_NOUN_FIRST)):
        lo = max(0, noun.start() - 140)
        m = None
        for cand in _FAC_NP.finditer(text, lo, min(len(text), noun.end() + 60)):
            if cand.start("noun") == noun.start():
                m = cand
                break
        if m is None:
            continue
        start, end = m.start(), m.end("noun")
        if any(a < end and start < b for a, b in facilities_at):
            continue
        det = m.group("det")
        mods = m.group("mods") or ""
        if "\n" in text[start:m.end()]:
            continue
        sidx = sentence_of(start)
        owner: str | None = None
        if re.match(r"(?i)its|their|the (?:company|firm|group)['’]s", det):
            prior = [f for f in firms if f.start < start and sidx - f.sentence <= 3]
            owner = prior[-1].id if prior else None
        elif det[0].isupper() and det.lower() not in {"a", "an", "the"} and \
                [f for f in firms if f.start >= start and f.end <= start + len(det) + 1]:
            owner = [f for f in firms if f.start >= start and f.end <= start + len(det) + 1][-1].id
        else:
            # "Lynas will build a … plant", "Lynas has a plant in Malaysia": the clause's firm
            before = [f for f in firms if f.sentence == sidx and f.end <= start
                      and not re.search(r"[;:]|\b(?:with|from|for|by)\s*$", text[f.end:start])
                      and start - f.end < 80]
            after = re.match(r"\s+(?:that\s+|which\s+)?([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})\s+"
                             r"(?:is|was|has been|will be)?\s*(?:develop|build|operat|run|own)\w*",
                             text[m.end("noun"):]) or \
                re.match(r",?\s+(?:(?:which|that)\s+is\s+)?(?:operated|owned|run|built|developed)\s+by\s+"
                         r"([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})", text[m.end("noun"):])
            if before:
                owner = before[-1].id
            elif after:
                a0 = m.end("noun") + after.start(1)
                hit = [f for f in firms if a0 <= f.start < a0 + len(after.group(1))]
                owner = hit[0].id if hit else None
        stage = _stages(mods + " " + m.group("noun"))
        place = m.group("place")
        in_np = [c.id for c in countries_at if start <= c.start < m.end()]
        countries = set(in_np)
        place_word = None
        if place and not any(c.start >= m.start("place") and c.end <= m.end("place") for c in countries_at):
            place_word = place
        # a place word inside the modifiers ("the company's Kalgoorlie processing facility")
        for tok in re.findall(r"\b[A-Z][a-z]{3,}\b", mods):
            if not any(c.start <= start + m.start("mods") - m.start() + mods.find(tok) < c.end
                       for c in countries_at):
                place_word = place_word or tok
        if owner is not None:
            pool = sorted(gaz.index.operated.get(owner, set()))
        elif (countries or place_word) and stage:
            pool = gaz.facility_ids
        else:
            continue
        if not (stage or countries or place_word or _NEW.search(mods)):
            if owner is not None and len(pool) == 1 and re.match(r"(?i)its|their|the ", det):
                out.append(Ref(start, end, pool[0], "descriptive", owner))
            continue
        picked = []
        for fid in pool:
            ent = gaz.entities[fid]
            stages = set(ent.properties.get("stages") or [])
            if stage and not (stage & stages):
                continue
            if not _place_ok(gaz, fid, place_word, countries):
                continue
            picked.append(fid)
        indefinite = det.lower() in {"a", "an"}
        if _NEW.search(mods) and (len(picked) > 1 or indefinite):
            # "a new heavy rare earth separation facility in Malaysia": not the plant running there
            newer = [f for f in picked if gaz.entities[f].properties.get("status") in {"planned", "construction"}]
            picked = newer or ([] if indefinite else picked)
        if len(picked) > 1 and owner is None:
            # "Lynas … signed a contract … for a separation facility in Texas": of the Texas
            # separation plants, the one a firm of the same sentence runs
            here = {f.id for f in firms if f.sentence == sidx and f.start < start}
            ran = [fid for fid in picked if gaz.index.operator.get(fid, set()) & here]
            if len(ran) == 1:  # the reference only: what the firm does with it is not said here
                picked = ran
        if len(picked) == 1:
            out.append(Ref(start, end, picked[0], "descriptive", owner))
    return out


# --- antecedents ------------------------------------------------------------------------
_ANAPHOR_NP = re.compile(
    r"\b[Tt]he\s+(?P<noun>company|firm|group|miner|producer|developer|manufacturer|magnet maker|"
    r"ministry|department|agency|bureau|plant|facility|refinery|mill|mine|project|site)\b(?!-)")


def antecedents(gaz: Gazetteer, text: str, seen: Sequence[_Seen],
                sentence_of: Callable[[int], int]) -> list[Ref]:
    """"The company", "the plant", "the ministry" → the nearest earlier compatible mention."""
    out: list[Ref] = []
    ordered = sorted(seen, key=lambda m: m.start)
    for m in finditer_at(_ANAPHOR_NP, text, literal_starts(text, ("the", "The"))):  # tried only there
        noun = m.group("noun").lower()
        sidx = sentence_of(m.start())
        if noun in {"plant", "facility", "refinery", "mill", "mine", "project", "site"}:
            want = lambda e: e.type == "Facility"  # noqa: E731
        elif noun in {"ministry", "department", "agency", "bureau"}:
            word = noun.capitalize()
            named = [e for e in ordered if e.end <= m.start() and sidx - e.sentence <= 3
                     and e.type == "Firm" and word in gaz.entities[e.id].name]
            if named:
                out.append(Ref(m.start(), m.end(), named[-1].id, "anaphor"))
                continue
            want = lambda e: e.type == "Firm" and firm_is_agency(gaz, e.id)  # noqa: E731
        else:
            want = lambda e: e.type == "Firm" and not firm_is_agency(gaz, e.id)  # noqa: E731
        prior = [e for e in ordered if e.end <= m.start() and sidx - e.sentence <= 3 and want(e)]
        if prior:
            out.append(Ref(m.start(), m.end(), prior[-1].id, "anaphor"))
    # "Lynas Rare Earths is an Australian company. It operates the Mount Weld mine.": a
    # sentence-initial "It" (not the expletive "It is/was/seems …") continues the previous
    # sentence's subject when that subject is a firm named at its start
    for m in _IT_SUBJECT.finditer(text):
        p = m.start()
        if not ((p >= 1 and text[p - 1] == "\n")
                or (p >= 2 and text[p - 2] in ".!?" and text[p - 1].isspace())
                or (p >= 3 and text[p - 3] in ".!?" and text[p - 2] in "\"”’" and text[p - 1].isspace())):
            continue  # not at a sentence start (checked here, not by look-behinds: speed)
        sidx = sentence_of(m.start())
        if sidx == 0:
            continue
        before = [e for e in ordered if e.sentence == sidx - 1]
        if before and before[0].type == "Firm" and not firm_is_agency(gaz, before[0].id) and \
                _SUBJECT_LEAD.fullmatch(text[_sentence_start(text, before[0].start):before[0].start]):
            out.append(Ref(m.start(), m.start() + 2, before[0].id, "anaphor"))
    return out


_IT_SUBJECT = re.compile(r"It\s+(?!(?:is|was|'s|remains|seems|appears|"
                         r"means|takes|comes|follows|has\s+been|had\s+been|will\s+be|would\s+be)\b)[a-z]")
_SUBJECT_LEAD = re.compile(r"\s*(?:(?:On|In|Last|This|Earlier)\s+[\w ]{0,20},\s*)?(?:[A-Z][\w.-]*(?:['’]s?)?\s+)?"
                           r"(?:[a-z][\w-]*\s+){0,3}")


def _sentence_start(text: str, pos: int) -> int:
    cut = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), text.rfind("? ", 0, pos), text.rfind("! ", 0, pos))
    return 0 if cut < 0 else cut + (1 if text[cut] == "\n" else 2)
