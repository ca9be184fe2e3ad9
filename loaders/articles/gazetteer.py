# Kept whole (~445 lines): the matcher, its name variants and the GraphIndex built from the same store pass belong together.
"""A multi-pattern matcher (Aho–Corasick, via pyahocorasick) built from the graph's names.

Patterns come from the store's entities: names, aliases, official numbers of policies
("Announcement No. 18"), plus a few documented tables for what entities do not carry:

- country variants and demonyms (:data:`COUNTRY_VARIANTS`, :data:`DEMONYMS`), each
  checked through :func:`kg.types.clean_country` (pycountry) so the ISO code is never
  typed by hand; capitals used for governments ("Beijing") are matched and flagged as
  metonyms (:data:`CAPITALS`);
- element symbols only where unambiguous: ``NdPr`` (neodymium and praseodymium), a
  symbol before ``oxide``/``metal`` ("Dy oxide") or in brackets after a name ("(Dy)");
- blockers: phrases that contain a name but do not name it ("South America",
  "Rare Earth Exchanges" does not mention a firm called "Rare Earth");
- variants of the names themselves: the ways news writes a material (:func:`material_forms`:
  "rare-earth oxides", "NdPr oxides", "separated oxides", "magnet alloy"), British and
  American spellings of any name ("general licenses"), a ministry without its country.

Case: multi-word patterns match in any case; single-word patterns match as written (or
in capitals), except element and material names, which also match in lower case. Single
common English words among aliases (:data:`COMMON_WORDS`) are not used at all, since
"Base" or "Vital" at a sentence start names no firm. Matches must sit on word boundaries;
overlapping matches resolve to the longest (then leftmost).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from kg.errors import CleanError
from kg.model import Claim, Entity
from kg.types import ELEMENTS, clean_country
from loaders.articles.sentences import finditer_at, literal_starts

__all__ = ["CAPITALS", "COMMON_WORDS", "COUNTRY_VARIANTS", "DEMONYMS", "Gazetteer", "Match"]

#: Other ways to write a country's name; each is resolved to ISO alpha-2 by kg.types.clean_country.
COUNTRY_VARIANTS = [
    "U.S.", "US", "U.S.A.", "USA", "America", "the United States", "United States",
    "UK", "U.K.", "Britain", "Great Britain", "PRC", "mainland China", "Russia", "South Korea",
    "Korea", "Vietnam", "Burma", "DRC", "DR Congo", "Laos", "Turkey",
]
#: Adjectives and demonyms → the country name pycountry knows. Matched as mentions, flagged.
DEMONYMS = {
    "Chinese": "China", "American": "United States", "Australian": "Australia",
    "Japanese": "Japan", "Malaysian": "Malaysia", "Canadian": "Canada", "Brazilian": "Brazil",
    "Indian": "India", "British": "United Kingdom", "French": "France", "German": "Germany",
    "Korean": "Korea, Republic of", "South Korean": "Korea, Republic of", "Vietnamese": "Viet Nam",
    "Burmese": "Myanmar", "Thai": "Thailand", "Russian": "Russian Federation",
    "South African": "South Africa", "Greenlandic": "Greenland", "Estonian": "Estonia",
    "Malawian": "Malawi", "Angolan": "Angola", "Tanzanian": "Tanzania", "Ugandan": "Uganda",
    "Chilean": "Chile", "Kazakh": "Kazakhstan", "Saudi": "Saudi Arabia", "Ukrainian": "Ukraine",
    "Belgian": "Belgium", "Dutch": "Netherlands", "Swedish": "Sweden", "Norwegian": "Norway",
    "Finnish": "Finland", "Spanish": "Spain", "Italian": "Italy", "Swiss": "Switzerland",
    "Austrian": "Austria", "Danish": "Denmark", "Polish": "Poland", "Mexican": "Mexico",
    "Indonesian": "Indonesia", "Mongolian": "Mongolia", "Greenlander": "Greenland",
}
#: Region names news uses, → region id (when the graph has it), with a flag or None.
REGION_VARIANTS = {"Europe": ("region:eu", None), "European": ("region:eu", "demonym"),
                   "the EU": ("region:eu", None), "E.U.": ("region:eu", None)}
#: Capitals written for their government; kept only where kg.types flags them as metonyms.
CAPITALS = ["Beijing", "Washington", "Tokyo", "Canberra", "Moscow", "Ottawa", "Seoul",
            "New Delhi", "Hanoi", "Naypyidaw"]
#: Phrases that contain a name but do not mention its entity.
BLOCKERS = [
    "North America", "South America", "Latin America", "Central America", "North American",
    "South American", "Latin American", "Central American", "Rare Earth Exchanges",
    "Washington Post", "Washington State", "American Express", "Indian Ocean", "Chinese New Year",
    "Korean Peninsula", "Australian dollar", "Australian dollars", "Canadian dollar",
    "Greater China", "Western Australia", "South Australia", "Eastern Europe", "Western Europe",
    "Central Europe", "Northern Europe", "Southern Europe", "European Parliament",
    "graphite anode", "graphite anodes", "artificial graphite", "synthetic graphite", "US$", "U.S.$",
]
#: Single words too common to be taken as a name when they stand alone.
COMMON_WORDS = {
    "base", "vital", "rainbow", "cyclic", "independence", "other", "world", "commerce", "glass",
    "electronics", "kingston hub", "china customs",
}
#: Symbols that, in a chemistry context, name a rare-earth element unambiguously.
_SAFE_SYMBOLS = ["Nd", "Pr", "Dy", "Tb", "Sm", "Gd", "Lu", "Yb", "Ce", "La", "Eu", "Ho", "Er",
                 "Tm", "Sc"]
_SYMBOL_RE = re.compile(
    r"\b(NdPr|PrNd)\b|\b(" + "|".join(_SAFE_SYMBOLS) + r")(?=(?:\s|-)(?:oxides?|metals?)\b)"
    r"|\((" + "|".join(_SAFE_SYMBOLS) + r")\)"
)
assert all(1 <= len(sym) <= 2 for sym in _SAFE_SYMBOLS)


def _symbol_starts(text: str) -> list[int]:
    """Every place a match of :data:`_SYMBOL_RE` can start (speed: the pattern is tried only
    there): "NdPr"/"PrNd", "(", and one or two letters before a space or hyphen and
    "oxide"/"metal" (a symbol is one or two letters long)."""
    starts = literal_starts(text, ("NdPr", "PrNd", "("))
    for at in literal_starts(text, ("oxide", "metal")):
        starts += [x for x in (at - 3, at - 2) if x >= 0]
    return sorted(set(starts))


_TYPE_PRIORITY = {"Country": 0, "Element": 1, "Material": 2, "Policy": 3, "Firm": 4,
                  "Facility": 5, "Region": 6}


@dataclass(frozen=True, slots=True)
class Match:
    """A stretch of text that names entities. ``ids`` is empty for blockers."""

    start: int
    end: int
    text: str
    ids: tuple[str, ...]
    flag: str | None = None  # "metonym", "demonym", "symbol", "contextual"


@dataclass
class _Pattern:
    surface: str
    ids: set[str] = field(default_factory=set)
    exact: set[str] | None = None  # allowed surfaces when case matters
    flag: str | None = None


_MINISTRY_OF_COUNTRY = re.compile(r"^((?:Ministry|Department|Agency|Office)\s+of\s+.+?)\s+of\s+(?:the\s+)?"
                                  r"(?:China|Japan|India|Korea|Malaysia|Australia|Canada|Vietnam|Brazil|"
                                  r"(?:the\s+)?(?:People's\s+)?Republic\s+of\s+\w+)$")


def _variants(entity: Entity) -> list[str]:
    names = [entity.name, *entity.aliases]
    props = entity.properties
    if entity.type == "Policy" and props.get("number"):
        number = str(props["number"])
        names.append(number)
        m = re.search(r"(Announcement|Decree|Order)\s+No\.\s*(\d+)(?:\s+of\s+(\d{4}))?", number)
        if m:
            kind, num, year = m.groups()
            names += [f"{kind} No. {num}", f"{kind} No.{num}", f"{kind} Number {num}"]
            if year:
                names += [f"{kind} No. {num} of {year}"]
    if entity.type == "Firm" and props.get("legal_name"):
        names.append(str(props["legal_name"]))
    extra = []
    for name in names:
        for prefix in ("U.S. ", "US ", "The "):
            if name.startswith(prefix) and len(name) > len(prefix) + 8:
                extra.append(name[len(prefix):])
        stripped = re.sub(r"\s+(?:of China|\([^)]*\))$", "", name)
        if stripped != name and len(stripped) > 6:
            extra.append(stripped)
        # "Ministry of Economy, Trade and Industry of Japan" is written without its country
        m = _MINISTRY_OF_COUNTRY.match(name)
        if m:
            extra.append(m.group(1))
    for name in names + list(extra):
        # "Ministry of Commerce" is also written "Commerce Ministry"; same for departments
        m = re.match(r"^(?:U\.S\. |US )?(Ministry|Department) of ([A-Z]\w+)$", name)
        if m:
            extra.append(f"{m.group(2)} {m.group(1)}")
        # place-name abbreviations: "Mount Weld" = "Mt Weld" = "Mt. Weld" ("St.", "Ft." alike)
        for full, short in (("Mount", "Mt"), ("Saint", "St"), ("Fort", "Ft")):
            m = re.match(rf"^(?:{full}|{short}\.?) (\S.*)$", name)
            if m and entity.type in {"Facility", "Firm"}:
                extra += [f"{form} {m.group(1)}" for form in (full, short, short + ".")]
        # a facility's one-word alias ("Independence") is only safe with its noun after it
        if entity.type == "Facility" and " " not in name and name.lower() in COMMON_WORDS:
            extra += [f"{name} {noun}" for noun in ("facility", "plant", "mine", "refinery", "project")]
    if entity.type == "Element":
        extra.append(entity.name.lower())
    if entity.type == "Material":  # "rare earth oxides" is also written "rare earth oxide products"
        for name in list(names):
            if " " in name and re.search(r"[a-z]{3,}s$", name) and not name.endswith("ss"):
                extra.append(name[:-1])
        extra += material_forms(names)
    # British and American spellings of the same name ("General licences" / "general licenses")
    for name in names + list(extra):
        swapped = _SPELLING_WORD.sub(lambda m: _swap_spelling(m.group(0)), name)
        if swapped != name:
            extra.append(swapped)
    return [n for n in dict.fromkeys(names + extra) if n]


_SPELLINGS = {"licence": "license", "licences": "licenses", "programme": "program", "programmes": "programs",
              "defence": "defense", "centre": "center", "organisation": "organization",
              "organisations": "organizations"}
_SPELLINGS.update({v: k for k, v in list(_SPELLINGS.items())})
_SPELLING_WORD = re.compile(r"(?i)\b(?:" + "|".join(sorted(_SPELLINGS, key=len, reverse=True)) + r")\b")


def _swap_spelling(word: str) -> str:
    other = _SPELLINGS[word.lower()]
    return other.capitalize() if word[0].isupper() else other


#: heads of material names that news puts in the plural ("NdPr oxides", "NdFeB alloys")
_COUNT_HEADS = {"oxide", "metal", "alloy", "magnet", "concentrate", "carbonate", "chloride", "technology"}
_GROUP_WORD = re.compile(r"(?i)\brare(?:[- ])earths?\b")
#: a chemical formula or symbol string as the first word: "NdFeB", "Nd2Fe14B", "NdPr"
_FORMULA = re.compile(r"^(?=\w*[a-z0-9])(?:[A-Z][a-z]?\d*){2,}$")


def material_forms(names: list[str]) -> list[str]:
    """Other ways news writes a material's names (graph names and aliases in, variants out):

    - "rare-earth" and "rare earth" for each other, and other hyphens between words as spaces
      ("rare-earth oxides", "neodymium praseodymium oxide");
    - the plural of a countable head ("NdPr oxides", "dysprosium oxides", "NdFeB alloys");
    - without the group word after a qualifier ("separated oxides", "mixed concentrate"),
      without a leading "mixed" ("rare earth carbonate", "rare-earth concentrate"), without a
      leading formula ("NdFeB magnet alloy" → "magnet alloy");
    - a bracketed short name between the long one and the shared head: "neodymium-praseodymium
      (NdPr) oxide" from "neodymium-praseodymium oxide" and "NdPr oxide";
    - "permanent" before a magnet head ("NdFeB permanent magnets");
    - for a technology, the group word with the head alone or with "related": "rare earth
      technologies", "rare earth-related technology".
    Every variant keeps at least two words, so no single common word becomes a name.
    """
    out: list[str] = []
    for name in names:
        words = name.split()
        if len(words) < 2 or " and " in name:
            continue  # "rare earth compounds and metals" in text is mostly a coordination
        forms = [name]
        if _GROUP_WORD.search(name):
            forms.append(re.sub(r"(?i)\b(rare)([- ])(earths?)\b",
                                lambda m: m.group(1) + (" " if m.group(2) == "-" else "-") + m.group(3), name))
        if re.search(r"[a-z]-[a-z]", name) and not _GROUP_WORD.search(name):
            forms.append(re.sub(r"(?<=[a-z])-(?=[a-z])", " ", name))
        for form in list(forms):
            w = form.split()
            lw = [x.lower() for x in w]
            if len(w) >= 3 and lw[0] in {"separated", "mixed", "individual"} and _GROUP_WORD.fullmatch(
                    " ".join(w[1:3]) if lw[1] == "rare" else w[1]):
                rest = w[3:] if lw[1] == "rare" else w[2:]
                if rest:
                    forms.append(" ".join([w[0], *rest]))
            if len(w) >= 3 and lw[0] == "mixed":
                forms.append(" ".join(w[1:]))
            if len(w) >= 3 and _FORMULA.match(w[0]):
                forms.append(" ".join(w[1:]))
            if lw[-1] == "technology" and _GROUP_WORD.match(form):
                group = _GROUP_WORD.match(form)
                assert group is not None
                for tail in ("technology", "technologies", "related technology", "related technologies",
                             "-related technology", "-related technologies"):
                    sep = "" if tail.startswith("-") else " "
                    forms.append(group.group(0) + sep + tail)
        for form in list(forms):
            w = form.split()
            # "NdFeB permanent magnets", "samarium-cobalt permanent magnet" (not after the group
            # word: "rare earth permanent magnet production" names the group)
            if len(w) == 2 and w[-1].lower() in {"magnet", "magnets"} and not _GROUP_WORD.search(form):
                forms += [f"{w[0]} permanent {w[1]}", f"{w[0]} permanent {w[1].rstrip('s')}"]
        for form in list(forms):
            w = form.split()
            if len(w) >= 2 and w[-1].lower() in _COUNT_HEADS:
                plural = "technologies" if w[-1].lower() == "technology" else w[-1] + "s"
                forms.append(" ".join([*w[:-1], plural]))
        out += forms[1:]
    # "neodymium-praseodymium (NdPr) oxide": a long and a short name with the same head
    for a in names:
        for b in names:
            wa, wb = a.split(), b.split()
            if a != b and len(wa) == 2 and len(wb) == 2 and wa[1].lower() == wb[1].lower() and \
                    _FORMULA.match(wb[0]) and not _FORMULA.match(wa[0]):
                out.append(f"{wa[0]} ({wb[0]}) {wa[1]}")
                if wa[1].lower() in _COUNT_HEADS:
                    out.append(f"{wa[0]} ({wb[0]}) {wa[1]}s")
    return out


class Gazetteer:
    """Names of the graph's entities, compiled into one automaton.

    Build it once per store state (:meth:`from_store`), then call :meth:`find` per text.
    ``claims`` (optional) let generic references such as "the U.S.-China trade deal" resolve
    to the agreement between those countries in force at the article's date.
    """

    def __init__(self, entities: Iterable[Entity], claims: Iterable[Claim] = ()) -> None:
        self.entities: dict[str, Entity] = {}
        patterns: dict[str, _Pattern] = {}

        def add(surface: str, entity_id: str | None, flag: str | None = None,
                case_free: bool | None = None) -> None:
            surface = " ".join(surface.split())
            if len(surface) < 2 or surface.lower() in COMMON_WORDS:
                return
            key = surface.lower()
            pat = patterns.setdefault(key, _Pattern(surface, flag=flag))
            if entity_id:
                pat.ids.add(entity_id)
            if flag and not pat.flag:
                pat.flag = flag
            free = case_free if case_free is not None else (" " in surface or "-" in surface)
            if not free:
                allowed = {surface, surface.upper()} if len(surface) > 2 else {surface}
                if pat.exact is None:
                    pat.exact = allowed
                else:
                    pat.exact |= allowed
            elif pat.exact is not None and free:
                pat.exact = None

        countries: dict[str, str] = {}
        for entity in entities:
            self.entities[entity.id] = entity
            if entity.type == "Source":
                continue
            lower_ok = entity.type in {"Element", "Material"}
            for name in _variants(entity):
                if lower_ok and name.isalpha() and not name.isupper() and len(name) > 2:
                    add(name, entity.id, case_free=True)
                else:
                    add(name, entity.id)
            if entity.type == "Country":
                countries[entity.properties.get("iso2", entity.id.split(":")[1])] = entity.id
        for variant in COUNTRY_VARIANTS:
            iso2 = _iso2(variant)
            if iso2 in countries:
                add(variant, countries[iso2], case_free=(" " in variant and variant[0].islower()))
        for demonym, country in DEMONYMS.items():
            iso2 = _iso2(country)
            if iso2 in countries:
                add(demonym, countries[iso2], flag="demonym",
                    case_free=False if " " not in demonym else None)
        for capital in CAPITALS:
            try:
                match = clean_country(capital)
            except CleanError:
                continue
            if match.metonym and match.iso2 in countries:
                add(capital, countries[match.iso2], flag="metonym")
        for variant, (rid, flag) in REGION_VARIANTS.items():
            if rid in self.entities:
                add(variant, rid, flag=flag, case_free=False)
        for blocker in BLOCKERS:
            add(blocker, None, case_free=True)
        self._patterns = patterns
        #: the entity a pattern names, chosen once (:meth:`_pick`); keyed by the pattern object
        self._picked: dict[int, tuple[str, ...]] = {}
        self._automaton = ahocorasick.Automaton()
        for key, pat in patterns.items():
            # (length, ends in a letter or digit, pattern, the entity ids it names): read per match
            self._automaton.add_word(key, (len(key), key[-1].isalnum(), pat))
        if patterns:
            self._automaton.make_automaton()
        self._symbols = {sym: f"element:{sym}" for sym in ELEMENTS
                         if f"element:{sym}" in self.entities}
        claims = list(claims)
        self.agreement_parties = _agreement_parties(self.entities, claims)
        self.index = GraphIndex(self.entities, claims)
        #: policies with an announcement date, the pool described policies are resolved in
        self.announced_policies = [e for e in self.entities.values()
                                   if e.type == "Policy" and e.properties.get("announced")]
        #: every facility id, sorted (the pool described facilities without an owner are read in)
        self.facility_ids = sorted(f for f in self.entities if self.entities[f].type == "Facility")
        #: values the mention finders derive from the graph alone, computed once per gazetteer
        #: (a gazetteer is built per store state, so this is a cache keyed on the graph's state)
        self.memo: dict[object, object] = {}

    @classmethod
    def from_store(cls, store: object) -> Gazetteer:
        """Build from a store's entities and the claims the extractor resolves references with:
        agreement parties and issuers (AFFECTS, ISSUED_BY), who operates which facility,
        where facilities are and where firms have their seat (OPERATES, LOCATED_IN,
        HEADQUARTERED_IN)."""
        entities = list(store.entities())  # type: ignore[attr-defined]
        claims: list[Claim] = []
        for pred in GRAPH_PREDICATES:
            claims.extend(store.claims(predicate=pred))  # type: ignore[attr-defined]
        return cls(entities, claims)

    def __len__(self) -> int:
        return len(self._patterns)

    def find(self, text: str) -> list[Match]:
        """All entity names in ``text``, longest-leftmost, without overlaps (blockers dropped)."""
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters change length when lowered
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        found: list[tuple[int, int, _Pattern]] = []
        n = len(text)
        if self._patterns:
            for end, (length, alnum_end, pat) in self._automaton.iter(lowered):
                start = end - length + 1
                stop = end + 1
                if start > 0:
                    before = text[start - 1]
                    if before.isalnum() or before == "_":
                        continue
                if alnum_end and stop < n:
                    after = text[stop]
                    if after.isalnum() or after == "_":
                        continue
                if pat.exact is not None and text[start:stop] not in pat.exact:
                    continue
                found.append((start, stop, pat))
        for m in finditer_at(_SYMBOL_RE, text, _symbol_starts(text)):
            if m.group(1):
                ids = tuple(self._symbols[s] for s in ("Nd", "Pr") if s in self._symbols)
                span = m.span(1)
            else:
                sym = m.group(2) or m.group(3)
                ids = (self._symbols[sym],) if sym in self._symbols else ()
                span = m.span(2) if m.group(2) else m.span(3)
            if ids:
                found.append((span[0], span[1], _Pattern(text[span[0]:span[1]], set(ids), flag="symbol")))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        out: list[Match] = []
        last_end = -1
        for start, stop, pat in found:
            if start < last_end:
                continue
            last_end = stop
            if not pat.ids:
                continue
            picked = self._picked.get(id(pat)) if pat.flag != "symbol" else None
            if picked is None:
                picked = self._pick(pat.ids)
                if pat.flag != "symbol":
                    self._picked[id(pat)] = picked
            out.append(Match(start, stop, text[start:stop], picked, pat.flag))
        return out

    def _pick(self, ids: set[str]) -> tuple[str, ...]:
        """One entity per mention: the highest-priority type; several only for NdPr-like symbols."""
        if len(ids) == 1:
            return (next(iter(ids)),)
        ranked = sorted(ids, key=lambda i: (_TYPE_PRIORITY.get(self.entities[i].type, 9), i)
                        if i in self.entities else (9, i))
        types = {self.entities[i].type for i in ids if i in self.entities}
        if types == {"Element"}:
            return tuple(ranked)
        best_type = self.entities[ranked[0]].type if ranked[0] in self.entities else None
        same = [i for i in ranked if i in self.entities and self.entities[i].type == best_type]
        if len(same) > 1:  # same type, same name: ambiguous, name nothing rather than guess
            return ()
        return (ranked[0],)

    def agreement_between(self, a: str, b: str, as_of: str | None) -> str | None:
        """The latest agreement announced on or before ``as_of`` whose parties include a and b;
        for an undated text (``as_of`` None), the only one the graph has between them."""
        if as_of is None:
            only = [pid for pid, parties in self.agreement_parties.items() if {a, b} <= parties]
            return only[0] if len(only) == 1 else None
        best: tuple[str, str] | None = None
        for pid, parties in self.agreement_parties.items():
            if {a, b} <= parties:
                announced = str(self.entities[pid].properties.get("announced") or "")
                if announced and announced[: len(as_of)] <= as_of and (best is None or announced > best[0]):
                    best = (announced, pid)
        return best[1] if best else None


#: Claims the gazetteer reads from a store (see :meth:`Gazetteer.from_store`).
GRAPH_PREDICATES = ("AFFECTS", "ISSUED_BY", "OPERATES", "LOCATED_IN", "HEADQUARTERED_IN")

_NUMBER_RE = re.compile(r"(Announcement|Decree|Order|Executive Order|Proclamation)\s+(?:No\.\s*)?(\d+)"
                        r"(?:\s+of\s+(\d{4}))?", re.I)
_NAME_STOP = re.compile(r"\b(?:inc|ltd|corp|corporation|co|company|llc|plc|limited|sa|ag|nv|gmbh|bhd|"
                        r"pty|group|the|of)\b")


_SPELLING = {"defence": "defense", "programme": "program", "organisation": "organization",
             "centre": "center", "licence": "license"}


@functools.lru_cache(maxsize=65536)
def norm_name(name: str) -> str:
    """A name reduced for alias look-ups: lower case, ASCII letters and digits, no legal
    suffix, no "the"/"of", no "US" prefix ("Lynas Rare Earths Ltd" → "lynas rare earths"),
    "United States"/"U.S.A." as "us", British spellings as American ("Department of Defence"),
    no "of the People's Republic of China" inside a Chinese law's name.
    Pure, so its results are cached (the same names recur in every article)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"\b(?:united states(?: of america)?|u s a|usa|u s)\b", "us", text)
    text = re.sub(r"^\s*(?:the\s+)?us\s+", " ", text)
    # a Chinese law or regulation's official long form: "Regulations of the People's Republic of
    # China on Export Control of Dual-Use Items" is the "Regulations on … Dual-Use Items"
    text = re.sub(r"\b(?:of\s+)?(?:the\s+)?people\s+republic\s+of\s+china\b", " ", text)
    words = [_SPELLING.get(w, w) for w in _NAME_STOP.sub(" ", f" {text} ").split()]
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


class GraphIndex:
    """What the extractor looks up in the graph besides names.

    - ``numbered[(kind, number)]``: policies by official number ("Announcement", 18) with
      the year of each ("MOFCOM/GACC Announcement No. 18 of 2025");
    - ``operated[firm]`` / ``operator[facility]``: OPERATES claims; ``located[facility]``:
      countries from LOCATED_IN claims; ``hq[firm]``: countries from HEADQUARTERED_IN claims;
      ``affected[policy]``: its parties and beneficiaries (AFFECTS claims);
    - ``issuers[policy]``: ISSUED_BY objects; ``by_norm[name]``: entity ids by a reduced
      name or alias (:func:`norm_name`), for names found by the candidate detector.
    """

    def __init__(self, entities: dict[str, Entity], claims: Iterable[Claim]) -> None:
        self.entities = entities
        self.numbered: dict[tuple[str, str], list[tuple[str | None, str]]] = {}
        self.operated: dict[str, set[str]] = {}
        self.operator: dict[str, set[str]] = {}
        self.located: dict[str, set[str]] = {}
        self.hq: dict[str, set[str]] = {}
        self.affected: dict[str, set[str]] = {}
        self.issuers: dict[str, set[str]] = {}
        self.by_norm: dict[str, set[str]] = {}
        #: first two words of a facility's longer names ("Round Top") → the facility, if unique
        self.facility_prefixes: dict[tuple[str, str], str] = {}
        seen_prefix: dict[tuple[str, str], set[str]] = {}
        for entity in entities.values():
            if entity.type == "Facility":
                for name in [entity.name, *entity.aliases]:
                    words = name.split()
                    if len(words) >= 3 and all(w[:1].isupper() for w in words[:2]) and \
                            not any(w.lower() in {"the", "rare", "earth", "mine", "plant", "project"} for w in words[:2]):
                        seen_prefix.setdefault((words[0], words[1]), set()).add(entity.id)
        self.facility_prefixes = {k: next(iter(v)) for k, v in seen_prefix.items() if len(v) == 1}
        for entity in entities.values():
            if entity.type == "Source":
                continue
            if entity.type == "Policy" and entity.properties.get("number"):
                for m in _NUMBER_RE.finditer(str(entity.properties["number"])):
                    kind = m.group(1).lower()
                    kind = "executive order" if kind == "order" and "executive" in m.group(0).lower() else kind
                    self.numbered.setdefault((kind, m.group(2)), []).append((m.group(3), entity.id))
            if entity.type in {"Firm", "Facility", "Policy", "Region", "Country"}:
                names = [entity.name, *entity.aliases]
                if entity.properties.get("legal_name"):
                    names.append(str(entity.properties["legal_name"]))
                for name in names:
                    key = norm_name(name)
                    if len(key) >= 3:
                        self.by_norm.setdefault(key, set()).add(entity.id)
        # issuers also from what a policy's id and number say: "policy:cn-…" → country:CN,
        # "MOFCOM/GACC Announcement …" → the firms with those names or aliases
        short: dict[str, str] = {}
        for entity in entities.values():
            if entity.type == "Firm":
                for name in [entity.name, *entity.aliases]:
                    if name.isupper() and len(name) >= 3:
                        short.setdefault(name, entity.id)
        for entity in entities.values():
            if entity.type != "Policy":
                continue
            prefix = entity.id.split(":", 1)[1].split("-", 1)[0].upper()
            if f"country:{prefix}" in entities:
                self.issuers.setdefault(entity.id, set()).add(f"country:{prefix}")
            for token in re.findall(r"[A-Z]{3,}", str(entity.properties.get("number") or "")):
                if token in short:
                    self.issuers.setdefault(entity.id, set()).add(short[token])
        for claim in claims:
            if claim.predicate == "OPERATES":
                self.operated.setdefault(claim.subject, set()).add(claim.object)
                self.operator.setdefault(claim.object, set()).add(claim.subject)
            elif claim.predicate == "LOCATED_IN":
                self.located.setdefault(claim.subject, set()).add(claim.object)
            elif claim.predicate == "HEADQUARTERED_IN":
                self.hq.setdefault(claim.subject, set()).add(claim.object)
            elif claim.predicate == "AFFECTS" and claim.properties.get("role") in (None, "party", "beneficiary"):
                self.affected.setdefault(claim.subject, set()).add(claim.object)
            elif claim.predicate == "ISSUED_BY":
                self.issuers.setdefault(claim.subject, set()).add(claim.object)

    def lookup(self, name: str) -> str | None:
        """The one graph entity whose reduced name or alias equals ``name``'s, if exactly one."""
        ids = self.by_norm.get(norm_name(name), set())
        return next(iter(ids)) if len(ids) == 1 else None

    def policy_by_number(self, kind: str, number: str, year: str | None,
                         default_year: str | None) -> str | None:
        """The policy with this official number: the stated year, else the article's year,
        else the only one with that number."""
        found = self.numbered.get((kind.lower(), number), [])
        if year:
            hits = [pid for y, pid in found if y == year]
            return hits[0] if len(hits) == 1 else None
        if default_year:
            hits = [pid for y, pid in found if y == default_year]
            if len(hits) == 1:
                return hits[0]
        return found[0][1] if len(found) == 1 else None


def _iso2(name: str) -> str | None:
    try:
        return clean_country(name).iso2
    except CleanError:
        return None


def _agreement_parties(entities: dict[str, Entity], claims: Iterable[Claim]) -> dict[str, set[str]]:
    parties: dict[str, set[str]] = {}
    for claim in claims:
        entity = entities.get(claim.subject)
        if entity is None or entity.type != "Policy":
            continue
        if entity.properties.get("instrument") != "agreement":
            continue
        if claim.predicate == "AFFECTS" and claim.properties.get("role") not in (None, "party"):
            continue
        if claim.predicate in {"AFFECTS", "ISSUED_BY"} and claim.object.startswith("country:"):
            parties.setdefault(claim.subject, set()).add(claim.object)
    return parties
