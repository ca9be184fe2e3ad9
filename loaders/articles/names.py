"""Names the graph does not hold: organisations, facilities and policies found by their form.

A *name* is a run of capitalised words, joined by "of", "the", "and", "for", "on", "&"
("Export Control Law of the People's Republic of China", "European Association of
Automotive Suppliers"). A run becomes a candidate when

- its head (last capitalised word that is a head noun) says what it is: an organisation
  ("Association", "Bank", "Ministry", "Corp", "Ltd", "Resources", …), a facility ("Mine",
  "Refinery", "Plant", …) or a policy ("Act", "Law", "Regulations", "Framework", "Strategy",
  "Programme", …; a financing "Facility" is a policy), or
- the sentence says it is an organisation: "according to X", "X said" (X an acronym),
  "(X) -" in a dateline, or X listed with firms the graph knows ("General Motors, Ford and
  Stellantis"), and
- an acronym in brackets after a name ("the Critical Minerals Facility (CMF)") is that name
  again wherever it appears.

Headline-case lines are not read (every word is capitalised there). Before a name becomes
a candidate it is looked up among the graph's names and aliases (:meth:`GraphIndex.lookup`):
"Lynas Rare Earths Ltd" is firm:lynas. A candidate or graph name that contains a country
or a rare-earth group word ("US" in "US Defense Department", "Rare-Earth" in "JL MAG
Rare-Earth") takes that word with it: it is not a mention of the country or group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from loaders.articles.gazetteer import Gazetteer, norm_name
from loaders.articles.sentences import Sentence, finditer_at, literal_starts
from loaders.articles.spans import SpanIndex

__all__ = ["NameHit", "find_names"]

ORG_HEADS = {
    "Association", "Council", "Bank", "Fund", "Centre", "Center", "Institute", "Army", "Commission",
    "Agency", "Authority", "Survey", "Partners", "Capital", "Investments", "Society", "University",
    "Foundation", "Chamber", "Alliance", "Exchange", "Bureau", "Administration", "Department",
    "Ministry", "Office", "Corporation", "Company", "Co", "Inc", "Ltd", "Limited", "LLC", "Plc", "PLC",
    "Group", "Holdings", "Resources", "Mining", "Minerals", "Metals", "Materials", "Technologies",
    "Technology", "Magnetics", "Industries", "Chemicals", "Chemical", "Corp", "AG", "SA", "NV",
    "GmbH", "Bhd", "Committee", "Organization", "Organisation", "Forum", "Consortium", "Trust",
    "Securities", "Earths", "Motors", "Electric", "Systems", "Laboratory", "Laboratories", "House",
    # government bodies and analysts news cites (issue 14, round 4)
    "Cabinet", "Parliament", "Congress", "Senate", "Embassy", "Court", "Board", "Directorate",
    "Secretariat", "Assembly", "Intelligence", "Analytics", "Consulting", "Advisory", "Research", "Motor",
    "Elements", "Mines", "Steel", "Ventures", "Logistics", "Earth",
}
FACILITY_HEADS = {"Mine", "Project", "Refinery", "Plant", "Facility", "Complex", "Mill", "Smelter",
                  "Factory", "Hub", "Deposit", "Works"}
POLICY_HEADS = {"Act", "Law", "Regulations", "Regulation", "Rules", "Rule", "Order", "Proclamation",
                "Framework", "Agreement", "Accord", "Plan", "Strategy", "Program", "Programme",
                "Initiative", "Directive", "Decree", "Measures", "Catalogue", "Catalog", "List",
                "Treaty", "Memorandum", "Pact", "Deal", "Scheme", "Mechanism", "Roadmap", "Declaration",
                "Guidelines", "Incentive", "Incentives", "Package", "Compact"}
_FINANCE = {"Minerals", "Finance", "Financing", "Loan", "Credit", "Investment", "Funding", "Lending"}
_CONNECT = {"of", "the", "and", "for", "on", "&", "de", "du", "des"}
_LEAD_STOP = {
    "The", "A", "An", "This", "That", "These", "Those", "Its", "Their", "In", "On", "At", "For",
    "And", "But", "As", "While", "Last", "Once", "Formerly", "According", "Under", "After",
    "Before", "Since", "Today", "Now", "Also", "Both", "Each", "Every", "Such", "Other", "New",
    "If", "When", "Where", "With", "From", "By", "To", "Of", "Our", "We", "It", "He", "She",
    "They", "Some", "Many", "Most", "Several", "Meanwhile", "However", "Separately", "Further",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "President",
    "Prime", "Minister", "Secretary", "CEO", "Chairman", "Commissioner", "Mr", "Ms", "Dr",
}
_ABBREV_DOT = {"Inc.", "Corp.", "Co.", "Ltd.", "U.S.", "E.U.", "U.K.", "St.", "Mt.", "Jr.", "No."}
_TOKEN = re.compile(r"[A-Za-z0-9][\w&.'’-]*|\S")
_NESTABLE = {"Country", "Region"}
_DATE_WORDS = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday",
               "Friday", "Saturday", "Sunday", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
               "Sept", "Oct", "Nov", "Dec"}
#: Words that make a policy's kind, not its name: "an Interim Final Rule" names nothing.
_GENERIC_POLICY = {"Interim", "Final", "Rule", "Rules", "Executive", "Order", "New", "Temporary",
                   "General", "License", "Licence", "Proposed", "Draft", "Law", "Act", "Plan", "Deal",
                   "Agreement", "Framework", "Trade", "Joint", "Statement"}
_POSSESSIVE = ("'s", "’s", "'", "’")
_LEGAL_TOKENS = {"LLC", "INC", "PLC", "LTD", "CORP", "CO", "LP", "LLP", "AG", "SA", "NV", "GMBH", "BHD", "PTY"}
_GROUPS = {"material:rare-earths", "material:light-rare-earths", "material:heavy-rare-earths",
           "material:medium-heavy-rare-earths"}


@dataclass
class NameHit:
    """A name found in the text: linked to the graph (``id``) or a candidate (``type``)."""

    start: int
    end: int
    text: str
    type: str
    id: str | None = None
    aliases: list[str] = field(default_factory=list)
    cue: str = "head"


_BODY_OF = re.compile(r"(?:[A-Z][\w-]*\s+)*(?:Ministry|Department|Office|Commission|Committee|Agency|Bureau|"
                      r"Council|Institute)\s+of\s+(?:the\s+)?[A-Z][\w-]*$")
_COMMA_LIST = re.compile(r"(?:,[ \t]+[A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*)?)+,?[ \t]+(?:and|&)[ \t]+[A-Z][\w-]*"
                         r"(?:[ \t]+[A-Z][\w-]*)?")


_ABROAD_BODY = re.compile(r"\b(?:Chamber|Embassy|Consulate|Delegation|Mission)\b")
_IN_PLACE = re.compile(r"[ \t]+in[ \t]+(?:the[ \t]+)?[A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*)?(?![\w-])")


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or (tok[:1].isdigit() and any(c.isupper() for c in tok))


_SMALL_WORDS = _CONNECT | {"a", "an", "to", "in", "with", "at", "as", "by"}
_WORD_RE = re.compile(r"[A-Za-z][\w'’-]*")


#: a labelled field of a notice ("[Issuing Unit] National Security and Control Bureau"): its
#: value is a name, not a headline
_LABEL_LINE = re.compile(r"\s*\[[A-Z][\w ]{1,30}\]\s*[A-Z]")


def _headline(sent: Sentence) -> bool:
    if sent.text.rstrip().endswith((".", "?", "!", '"', "”")):
        return False
    words = _WORD_RE.findall(sent.text)
    if len(words) < 4:
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    caps = sum(w[0].isupper() for w in content)
    return caps >= 0.7 * len(content)


#: a capitalised token: [A-Z] then word characters, or a digit then a token holding a capital.
#: Written with one character class first (so the regex engine skips to the next capital or
#: digit instead of trying the pattern at every character) and possessive tails (what follows
#: a token is a space or tab, which the tails never hold, so giving characters back never
#: helps): the same matches as ``(?:[A-Z][\w&.'’-]*|\d[\w-]*[A-Z][\w-]*)``, faster (speed)
_CAP = r"[A-Z\d](?:(?<=[A-Z])[\w&.'’-]*+|(?<=\d)[\w-]*[A-Z][\w-]*+)"
_RUN_RE = re.compile(_CAP + r"(?:[ \t]+(?:(?:of|the|and|for|on|&|de|du|des)[ \t]+){0,2}" + _CAP + r")+")


def _runs(text: str, lo: int, hi: int) -> list[list[tuple[str, int, int]]]:
    """Maximal runs of capitalised tokens in text[lo:hi] (connectors inside), two tokens or more."""
    out: list[list[tuple[str, int, int]]] = []
    for m in _RUN_RE.finditer(text, lo, hi):
        out += _runs_in(text, m.start(), m.end())
    return out


def _runs_in(text: str, lo: int, hi: int) -> list[list[tuple[str, int, int]]]:
    toks = [(m.group(), m.start() + lo, m.end() + lo) for m in _TOKEN.finditer(text[lo:hi])]
    runs: list[list[tuple[str, int, int]]] = []
    cur: list[tuple[str, int, int]] = []
    i = 0
    while i < len(toks):
        tok, a, b = toks[i]
        if tok in _ABBREV_DOT or (tok.endswith(".") and len(tok) <= 6 and tok.replace(".", "").isupper()
                                  and tok.count(".") >= 2):
            word = tok
        else:
            word = tok.rstrip(".")
        ends_sentence = word != tok
        possessive = word.endswith(_POSSESSIVE)
        if word and _is_cap(word):
            cur.append((word, a, a + len(word)))
            nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
            plural_possessive = word.endswith(("s'", "s’"))
            if ends_sentence or (possessive and not (plural_possessive and nxt[:1].isupper()
                                                     and nxt.rstrip(".") in ORG_HEADS)
                                 and not (cur and len(cur) >= 2 and cur[-2][0] == "the")):
                if possessive:
                    stripped = word[:-2] if word.endswith(("'s", "’s")) else word[:-1]
                    cur[-1] = (stripped, a, a + len(stripped))
                runs.append(cur)
                cur = []
        elif tok in _CONNECT and cur and i + 1 < len(toks) and (
                _is_cap(toks[i + 1][0]) or (toks[i + 1][0] in _CONNECT and i + 2 < len(toks)
                                            and _is_cap(toks[i + 2][0]))):
            cur.append((tok, a, b))
        else:
            if cur:
                runs.append(cur)
            cur = []
        i += 1
    if cur:
        runs.append(cur)
    split: list[list[tuple[str, int, int]]] = []
    for run in runs:
        cur2: list[tuple[str, int, int]] = []
        for item3 in run:
            if item3[0] == "and" and len(cur2) >= 2 and cur2[-1][0] in POLICY_HEADS | FACILITY_HEADS | ORG_HEADS:
                # (a head alone before "and" is the first word of one name: "Energy and Minerals Group")
                split.append(cur2)
                cur2 = []
                continue
            cur2.append(item3)
        if cur2:
            split.append(cur2)
    out = []
    for run in split:
        while run and (run[0][0] in _LEAD_STOP or run[0][0] in _CONNECT):
            run = run[1:]
        while run and run[-1][0] in _CONNECT:
            run = run[:-1]
        if run:
            out.append(run)
    return out


def _classify(run: list[tuple[str, int, int]]) -> tuple[str, int] | None:
    """(type, index of the last token of the name) for a run with a head noun."""
    words = [w.rstrip(".") for w, _, _ in run]
    for k in range(len(words) - 1, -1, -1):
        w = words[k]
        if w in POLICY_HEADS or w in FACILITY_HEADS or w in ORG_HEADS:
            if w == "Earths" and (k == 0 or words[k - 1] != "Rare"):
                continue
            if w == "Earth" and (k < 2 or words[k - 1] != "Rare"):
                continue  # "Jiangxi Rare Earth", "American Rare Earth": a firm, not "Rare Earth" alone
            qualified = k + 1 < len(words) and words[k + 1] in {"of", "on", "for"}
            if k == 0 and not qualified:
                return None
            end = k
            # a qualifier after the head: "Law of the People's Republic of China"
            if k + 1 < len(words) and words[k + 1] in {"of", "on", "for"} and \
                    not (k + 2 < len(words) and words[k + 2] in _DATE_WORDS):
                end = len(words) - 1
            if w in POLICY_HEADS:
                return "Policy", end
            if w in FACILITY_HEADS:
                return ("Policy" if w == "Facility" and words[k - 1] in _FINANCE else "Facility"), end
            return "Firm", end
    return None


_JOINED = re.compile(r"\s(?:and|&)\s|,|^-based\s")


_KIND_BEFORE_NAME = re.compile(
    r"\s+(?:(?:Arabian|African|Korean|Zealand(?:er)?)\s+)?(?:[a-z][\w-]*\s+){0,2}(?:firm|company|miner|group|carmaker|automaker|maker|producer|manufacturer|"
    r"developer|bank|lender|fund|investor|conglomerate|giant|start-?up|refiner|processor|supplier|smelter|"
    r"trader|trading house|utility|chipmaker|agency)\s+([A-Z][\w&.-]*(?:[ \t]+[A-Z][\w&.-]*){0,3})")


#: literal words a cue cannot match without, or a test of the text (a cue not listed is always run)
_CUE_NEEDS: dict[str, Any] = {}


def _ends_in_capitals(text: str) -> bool:
    """Whether a line ends in three capital letters (the credit-line cue needs one)."""
    for line in text.split("\n"):
        tail = line.rstrip(" \t")[-3:]
        if len(tail) == 3 and "A" <= tail[0] <= "Z" and "A" <= tail[1] <= "Z" and "A" <= tail[2] <= "Z":
            return True
    return False


# organisations by what the sentence says of them
_CUES = [
    re.compile(r"\baccording to (?:the[ \t]+)?([A-Z][\w&-]*(?:[ \t]+[A-Z][\w&-]*){0,2})"),
    re.compile(r"(?<![\w.])([A-Z][A-Z0-9&]{2,9})(?:\s*,[^,]{0,60},)?\s+(?:said|says|told|reported|warned|added|noted)\b"),
    re.compile(r"\(([A-Z][A-Za-z]{2,})\)\s*[-–—]"),
    re.compile(r"\bspokes(?:person|man|woman) (?:for|of) (?:the[ \t]+)?([A-Z][\w&-]*(?:[ \t]+[A-Z][\w&-]*){0,3})"),
    re.compile(r"\b(?:director|analyst|chief executive|CEO|head|president|chairman|chairwoman|"
               r"economist|partner|professor|researcher|official|executive|fellow|manager|adviser|"
               r"advisor|strategist)\s+(?:at|of|with)\s+(?:the[ \t]+)?([A-Z][\w&-]*(?:[ \t]+[A-Z][\w&-]*){0,3})"),
]
# news agencies and exchanges cited: "Reuters reported", "told Reuters", "reported by Bloomberg"
_CUES += [
    re.compile(r"(?<![\w.])([A-Z][a-z]{2,}(?:[ \t]+News)?)\s+(?:reported|reports|has reported)\b"),
    re.compile(r"\b(?:told|reported by|quoted by|cited by)\s+(?:the[ \t]+)?([A-Z][A-Za-z]{2,}(?:[ \t]+News)?)(?![\w-]|\s+[A-Z])"),
    # a credit line: "… a national strategy for rare earth minerals. BLOOMBERG"
    re.compile(r"(?:[.!?”\"][ \t]+|^)(?!(?:ENDS|END|UPDATE|FILE|PHOTO|NOTE|EDITOR|ADVERTISEMENT|READ|MORE|"
               r"SHARE|TOPICS|RELATED|SUBSCRIBE|NEWS|BREAKING)\b)([A-Z]{3,12})[ \t]*$", re.M),
    # "suppliers such as Robert Bosch", "automakers including Stellantis"
    re.compile(r"\b(?:companies|firms|suppliers|automakers|carmakers|manufacturers|producers|groups|miners|"
               r"customers|banks|lenders|investors|buyers|refiners|processors)\s+(?:such\s+as|including|like)\s+"
               r"([A-Z][\w&-]*(?:[ \t]+[A-Z][\w&-]*){0,2})"),
]
# an organisation right before a title and a person: "Iluka managing director Tom O'Leary",
# "Benchmark's chief executive Simon Moores" (issue 14, round 4)
_CUES += [
    re.compile(r"(?<![\w.])((?!(?:The|A|An|Its|Their|Former|Then|Deputy|Acting|Interim|New)\b)[A-Z][\w&-]*"
               r"(?:[ \t]+[A-Z][\w&-]*){0,2})(?:['’]s?)?[ \t]+(?:chief[ \t]+executive(?:[ \t]+officer)?|CEO|"
               r"managing[ \t]+director|chairman|chairwoman|spokes(?:person|man|woman)|co-?founder|founder)"
               r"[ \t]+[A-Z][a-z]+"),
]
# an apposition naming the kind: "AlixPartners, a consultancy,", "Solvay, the Belgian chemicals group"
_KINDS_AFTER = (r"firm|company|miner|group|consultancy|bank|lender|fund|investor|producer|maker|manufacturer|"
                r"developer|supplier|refiner|processor|think[ \t-]+tank|association|regulator|brokerage|"
                r"trader|carmaker|automaker|conglomerate|start-?up|agency")
_CUES += [
    re.compile(r"(?<![\w.])(?<!\b[Ii]n )(?<!\b[Aa]t )(?<!\b[Oo]n )(?<!\bof )(?<!\bfrom )(?<!\bto )(?<!\bnear )"
               r"((?!(?:The|A|An|Its|Their|Meanwhile|However|Separately|Also|But|And|In|On|At|For|"
               r"Last|This|That|Today|Now|Earlier|Later|Still|Yet)\b)[A-Z][\w&-]*(?:[ \t]+[A-Z][\w&-]*){0,2})"
               r",[ \t]+(?:a|an|the)[ \t]+(?:[a-zA-Z][\w-]*[ \t]+){0,3}(?:" + _KINDS_AFTER + r")s?\b"),
]
_CUE_NEEDS.update({_CUES[0].pattern: ("according to",), _CUES[3].pattern: ("spokes",),
                   _CUES[1].pattern: ("said", "says", "told", "reported", "warned", "added", "noted"),
                   _CUES[4].pattern: ("director", "analyst", "chief executive", "CEO", "head", "president",
                                      "chairman", "chairwoman", "economist", "partner", "professor",
                                      "researcher", "official", "executive", "fellow", "manager",
                                      "adviser", "advisor", "strategist"),
                   _CUES[5].pattern: ("report",),
                   _CUES[6].pattern: ("told", "reported by", "quoted by", "cited by"),
                   _CUES[7].pattern: _ends_in_capitals,
                   _CUES[8].pattern: ("such", "including", "like"),
                   _CUES[9].pattern: ("chief", "CEO", "managing", "chairman", "chairwoman", "spokes", "founder"),
                   _CUES[10].pattern: (", a ", ", an ", ", the ")})


#: cues scanned only in windows (speed): the cue's literal trigger words (or a regex of its
#: trigger) and a regex of a character no match of the cue can contain. Every match holds a
#: trigger and lies inside one maximal run of characters without such a character, so
#: scanning just the runs that hold a trigger finds exactly what a scan of the whole text
#: finds (a run ends at such a character, which is no word character, so ``\b`` and the
#: look-aheads read the run's end as the text's; look-behinds still see the text before it).
_CUE_WINDOWS: dict[str, tuple[tuple[str, ...] | re.Pattern[str], re.Pattern[str]]] = {
    _CUES[0].pattern: (("according to",), re.compile(r"[^\w& \t-]")),
    _CUES[3].pattern: (("spokes",), re.compile(r"[^\w& \t-]")),
    _CUES[4].pattern: (_CUE_NEEDS[_CUES[4].pattern], re.compile(r"[^\w&\s-]")),
    _CUES[5].pattern: (("report",), re.compile(r"[^\w\s]")),
    _CUES[6].pattern: (_CUE_NEEDS[_CUES[6].pattern], re.compile(r"[^\w\s-]")),
    _CUES[8].pattern: (_CUE_NEEDS[_CUES[8].pattern], re.compile(r"[^\w&\s-]")),
    _CUES[9].pattern: (_CUE_NEEDS[_CUES[9].pattern], re.compile(r"[^\w&'’ \t-]")),
    _CUES[10].pattern: (re.compile(r",[ \t]+(?:a|an|the)[ \t]"), re.compile(r"[^\w&, \t-]")),
}


#: cues whose need test (:data:`_CUE_NEEDS`) their windows make already: no window, no scan
_NEED_IN_WINDOWS = {pattern for pattern, (trigger, _) in _CUE_WINDOWS.items()
                    if trigger == _CUE_NEEDS.get(pattern)} | {_CUES[7].pattern}


def _cue_matches(rx: re.Pattern[str], text: str, rev: str) -> list[re.Match[str]]:
    """``list(rx.finditer(text))``, scanning only the windows around the cue's trigger words
    when the cue has them (:data:`_CUE_WINDOWS`); ``rev`` is ``text[::-1]``."""
    if rx is _CUES[7]:  # a credit line: only lines that end in three capitals can hold one
        out7: list[re.Match[str]] = []
        lo = 0
        for line in text.split("\n"):
            tail = line.rstrip(" \t")[-3:]
            if len(tail) == 3 and "A" <= tail[0] <= "Z" and "A" <= tail[1] <= "Z" and "A" <= tail[2] <= "Z":
                out7 += rx.finditer(text, lo, lo + len(line))  # "^" and "$" see the line's ends
            lo += len(line) + 1
        return out7
    spec = _CUE_WINDOWS.get(rx.pattern)
    if spec is None:
        return list(rx.finditer(text))
    trigger, outside = spec
    if isinstance(trigger, re.Pattern):
        points = [m.start() for m in trigger.finditer(text)]
    else:
        points = literal_starts(text, trigger)
    n = len(text)
    out: list[re.Match[str]] = []
    hi = -1
    for at in points:
        if at < hi:
            continue  # inside the window already scanned
        before = outside.search(rev, n - at)  # the last character before ``at`` outside the run
        lo = n - before.start() if before else 0
        after = outside.search(text, at)
        hi = after.start() if after else n
        out += rx.finditer(text, lo, hi)
    return out


_LISTED_ITEM = r"([A-Z][\w&.-]*(?:[ -][A-Z][\w&.-]*)?)"
_LISTED_AFTER = re.compile(r"(?:,\s*|\s+and\s+|,\s+and\s+)" + _LISTED_ITEM + r"(?=[\s,.;)]|$)")
_LISTED_BEFORE = re.compile(_LISTED_ITEM + r"(?:,\s*|\s+and\s+|,\s+and\s+)$")


_JOINERS = {"and", "&", "or"}


def _coordinated_firms(run: list[tuple[str, int, int]], inside: list[Any]) -> bool:
    """Whether a capitalised run that starts like a facility's longer name is two firms joined
    instead: "Phoenix Tailings and Energy Fuels" (a graph firm after the joiner), or "Phoenix
    Tailings and Acme" (the two prefix words are a graph firm's whole name, then a joiner)."""
    joins = [a for word, a, _ in run[2:] if word in _JOINERS]
    if not joins:
        return False
    if any(m.type == "Firm" and m.start > joins[0] for m in inside):
        return True
    return run[2][0] in _JOINERS and any(
        m.type == "Firm" and m.start == run[0][1] and m.end == run[1][2] for m in inside)


#: "Treasurer Jim Chalmers", "chief executive Simon Moores": a title, a first name, a surname
_TITLED_PERSON = re.compile(
    r"\b(?:Treasurer|Minister|President|Secretary|Premier|Chancellor|Governor|Senator|Commissioner|"
    r"[Cc]hief\s+[Ee]xecutive|CEO|[Cc]hair(?:man|woman)?|[Ss]pokes(?:person|man|woman)|Mr|Ms|Mrs|Dr)\.?\s+"
    r"[A-Z][a-z]+\s+([A-Z][a-z]+)\b")

#: last words that make a capitalised run a company, whatever it starts with
_FIRM_ENDINGS = {"Group", "Corporation", "Limited", "Holdings", "Company"}  # and the _LEGAL_TOKENS

#: a capitalised word that places the name after it: "Minnesota-based PolarStar Magnetics"
_PLACED = ("-based", "-headquartered", "-listed", "-registered")


def _place_lead(run: list[tuple[str, int, int]], inside: list[Any]) -> int:
    """How many leading tokens of a run place the name instead of being part of it:
    "Minnesota-based PolarStar Magnetics", "China-based Jinan Yuxiao Group", "the UK's Vision
    Blue Resources" (a country the gazetteer found, then a possessive). 0 when none."""
    for k, (word, a, b) in enumerate(run[:-1]):
        if word.endswith(_PLACED):
            return k + 1
        if word.endswith(_POSSESSIVE) and any(
                m.type in {"Country", "Region"} and m.start >= a and m.end <= b for m in inside):
            return k + 1
    return 0


def find_names(gaz: Gazetteer, text: str, sentences: list[Sentence],
               mentions: list[Any]) -> tuple[list[NameHit], set[int]]:
    """Candidates and graph-linked names found by form; and the indexes of ``mentions``
    (countries, regions, group words) that sit inside a longer name and so do not count."""
    index = SpanIndex.from_spans((m.start, m.end, (idx, m)) for idx, m in enumerate(mentions))
    hits: list[NameHit] = []
    nested: set[int] = set()
    firmish = {"Firm", "Facility", "Policy", "Material", "Element"}

    def overlaps_graph(a: int, b: int) -> list[Any]:
        return [m for _, m in index.overlapping(a, b)]

    def inside_of(a: int, b: int) -> list[tuple[int, Any]]:
        return index.within(a, b)

    surnames: set[str] | None = None

    def add(a: int, b: int, ctype: str, cue: str) -> NameHit | None:
        nonlocal surnames
        name = text[a:b]
        if not norm_name(name) or name.upper() in _LEGAL_TOKENS:
            return None
        if " " not in name.strip():
            word = name.strip().rstrip(".")
            if word in ORG_HEADS or word in POLICY_HEADS or word in FACILITY_HEADS:
                return None  # "a spokesperson for the Ministry": a kind of body, not its name
            if surnames is None:
                surnames = {m.group(1) for m in _TITLED_PERSON.finditer(text)}
            if word in surnames:
                return None  # "a spokesperson for Chalmers" after "Treasurer Jim Chalmers": a person
        inside = overlaps_graph(a, b)
        if any(m.type in firmish and (m.id not in _GROUPS or (m.start, m.end) == (a, b)) for m in inside):
            return None  # a graph name inside; or the whole name is a group ("separated Heavy Rare Earths")
        linked = gaz.index.lookup(name)
        hit = NameHit(a, b, name, ctype, linked, cue=cue)
        for idx, m in inside_of(a, b):
            if m.type in _NESTABLE or m.id in _GROUPS:
                nested.add(idx)
        hits.append(hit)
        return hit

    prefixes = gaz.index.facility_prefixes
    for sent in sentences:
        runs = _runs(text, sent.start, sent.end)
        if not runs or (_headline(sent) and not _LABEL_LINE.match(sent.text)):
            continue
        linked_end = -1
        for run in runs:
            a, b = run[0][1], run[-1][2]
            inside = overlaps_graph(a, b)
            # a facility named by a longer form of its name: the run is that facility
            if len(run) >= 3 and (run[0][0], run[1][0]) in prefixes and \
                    not any(m.type == "Facility" for m in inside) and not _coordinated_firms(run, inside) and \
                    run[-1][0].rstrip(".") not in _FIRM_ENDINGS and \
                    run[-1][0].rstrip(".").upper() not in _LEGAL_TOKENS:  # "Serra Verde Group": the firm, not its mine
                fid = prefixes[(run[0][0], run[1][0])]
                hits.append(NameHit(a, b, text[a:b], "Facility", fid, cue="prefix"))
                for idx, _m in inside_of(a, b):
                    nested.add(idx)
                linked_end = b
                continue
            # ", Lithium and Critical Minerals Project" ends the name before it
            rest = _classify(run) if linked_end >= 0 else None
            if rest is not None and rest[0] != "Firm" and re.fullmatch(r",\s*", text[linked_end:a]):
                hits[-1].end = run[rest[1]][2]
                hits[-1].text = text[hits[-1].start:hits[-1].end]
                linked_end = -1
                continue
            linked_end = -1
            # a graph firm/facility name inside a capitalised run: words glued to it are its
            if any(m.type in {"Firm", "Facility"} for m in inside):
                named = [m for m in inside if m.type in {"Firm", "Facility"}]
                for idx, m in inside_of(a, b):
                    if m.id in _GROUPS or (m.type == "Country" and m.flag != "demonym" and any(
                            not _JOINED.search(text[min(m.end, f.end):max(m.start, f.start)]) for f in named)):
                        nested.add(idx)  # not across "and": "Kia in South Korea and Siemens Gamesa"
            placed = _place_lead(run, inside)
            if placed:
                run = run[placed:]
                while run and (run[0][0] in _LEAD_STOP or run[0][0] in _CONNECT):
                    run = run[1:]
                if len(run) < 2:
                    continue
                a = run[0][1]
            cls = _classify(run)
            if cls is None:
                continue
            if len(run) == 2 and run[1][0] == "Administration" and not run[0][0].isupper():
                continue  # "Trump Administration": a government, not an organisation name
            if run[cls[1]][0] == "House" and re.search(r"\b(?:at|in|outside|to)\s+(?:the\s+)?$", text[max(a - 12, 0):a]):
                continue  # "signed … at the White House": the venue, not the office acting
            ctype, end = cls
            if end < 1 and ctype != "Firm":
                continue
            if ctype == "Policy" and all(w in _GENERIC_POLICY or w in _CONNECT for w, _, _ in run[:end + 1]):
                continue
            add(a, run[end][2], ctype, "head")
    # acronyms in brackets after a name: "Export Finance Australia (EFA)"; a capitalised run
    # whose initials spell the acronym is a name even without a head noun
    for m in re.finditer(r"\(([A-Z][A-Z0-9&]{1,9})\)", text):
        before = [h for h in hits if 0 <= m.start() - h.end <= 2]
        if before:
            before[-1].aliases.append(m.group(1))
            continue
        lead = re.search(r"((?:[A-Z][\w&.'’-]*\s+(?:(?:of|and|for|the|on|&)\s+)*){1,6})$", text[max(0, m.start() - 120):m.start()])
        if not lead:
            continue
        words = lead.group(1).split()
        acro = m.group(1)
        for k in range(len(words)):
            tail = [w for w in words[k:] if w[:1].isupper()]
            if "".join(w[0] for w in tail) == acro and len(tail) >= 2:
                name = " ".join(words[k:])
                a = m.start() - len(lead.group(1)) + len(" ".join(words[:k])) + (1 if k else 0)
                a = text.index(name, max(0, a - 2), m.start())
                if words[k] in _LEAD_STOP or overlaps_graph(a, a + len(name)) and \
                        any(g.type in firmish for g in overlaps_graph(a, a + len(name))):
                    break
                cls = _classify([(w, 0, 0) for w in words[k:]])
                if cls and cls[0] == "Policy" and all(w in _GENERIC_POLICY or w in _CONNECT for w in words[k:]):
                    break  # "Executive Order (EO)": a kind of policy, not a name
                hit = add(a, a + len(name), cls[0] if cls else "Firm", "acronym")
                if hit is not None:
                    hit.aliases.append(acro)
                break
    cues = _CUES
    rev = text[::-1]
    known = {h.text for h in hits}
    # "Swiss firm Glencore", "Canadian miner Aclara Resources": a demonym and a kind of firm
    for m in mentions:
        if m.type != "Country" or m.flag != "demonym":
            continue
        kind = _KIND_BEFORE_NAME.match(text, m.end)
        if kind is None:
            continue
        a, b = kind.span(1)
        name = text[a:b].rstrip(".")
        if name.split()[0] in _LEAD_STOP or name in known or overlaps_graph(a, a + len(name)):
            continue
        if add(a, a + len(name), "Firm", "kind") is not None:
            known.add(name)
    for rx in cues:
        need = _CUE_NEEDS.get(rx.pattern) if rx.pattern not in _NEED_IN_WINDOWS else None
        if need is not None and not (need(text) if callable(need) else any(w in text for w in need)):
            continue  # the cue's literal words are not in the text (speed)
        for m in _cue_matches(rx, text, rev):
            a, b = m.span(1)
            name = m.group(1).rstrip(".")
            b = a + len(name)
            words = name.split()
            if rx is cues[0] and len(words) > 1 and not _classify([(w, 0, 0) for w in words]):
                continue  # "according to Gracelin Baskaran": a person
            if words[0] in _LEAD_STOP or name in known or name.upper() in _LEGAL_TOKENS:
                continue
            if any(g.start <= a and b <= g.end for g in mentions) or \
                    any(h.start <= a and b <= h.end for h in hits):
                continue  # a graph name ("according to Chinese customs data"), or inside a longer name
            if add(a, b, "Firm", "said") is not None:
                known.add(name)
    # names listed with firms the graph knows: "General Motors, Ford and Stellantis"
    firms = [m for m in mentions if m.type == "Firm"]
    for f in firms:
        after_f = _LISTED_AFTER.match(text[f.end:f.end + 60])
        before_f = _LISTED_BEFORE.search(text[max(f.start - 60, 0):f.start])
        for mm, base in ((after_f, f.end), (before_f, max(f.start - 60, 0))):
            if not mm:
                continue
            a, b = base + mm.start(1), base + mm.end(1)
            name = text[a:b]
            if name.split()[0] in _LEAD_STOP or name in known or overlaps_graph(a, b) or \
                    any(h.start <= a and b <= h.end for h in hits):
                continue  # (inside a longer name: "Denham Capital, Energy and Minerals Group")
            add(a, b, "Firm", "listed")
            known.add(name)
    # "Ministry of Economy, Trade and Industry": a comma list after "of" ends the name at "and X"
    for h in list(hits):
        if not any(o is h for o in hits):
            continue  # swallowed by a name extended before it
        if h.id is None and h.type == "Firm" and _BODY_OF.match(h.text):
            more = _COMMA_LIST.match(text, h.end)
            if more and not overlaps_graph(h.end, more.end()):
                h.end = more.end()
                h.text = text[h.start:h.end]
                swallowed = [o for o in hits if o is not h and h.start <= o.start and o.end <= h.end]
                hits[:] = [o for o in hits if not any(o is w for w in swallowed)]
    # "European Chamber of Commerce in China", "the US Embassy in Beijing": a body abroad keeps its place
    for h in hits:
        if h.id is None and h.type == "Firm" and _ABROAD_BODY.search(h.text):
            place = _IN_PLACE.match(text, h.end)
            if place:
                h.end = place.end()
                h.text = text[h.start:h.end]
                nested.update(idx for idx, m in inside_of(h.start, h.end) if m.type == "Country")
    # acronyms and names seen once count wherever they appear again
    extra: list[NameHit] = []
    taken = SpanIndex(hits)
    done: set[str] = set()
    for h in list(hits):
        for alias in h.aliases + ([h.text] if h.cue != "head" else []):
            if alias in done:
                continue
            done.add(alias)
            rx = re.compile(rf"(?<![\w-]){re.escape(alias)}(?![\w-])")
            # (speed: tried only where the alias occurs, see sentences.finditer_at)
            for m in (finditer_at(rx, text, literal_starts(text, (alias,))) if alias else rx.finditer(text)):
                if taken.overlapping(m.start(), m.start() + 1) or overlaps_graph(*m.span()):
                    continue
                hit = NameHit(m.start(), m.end(), alias, h.type, h.id, cue="again:" + h.text)
                extra.append(hit)
                taken.add(hit)
    hits += extra
    hits.sort(key=lambda h: h.start)
    return hits, nested
