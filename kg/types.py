"""Value cleaning: every raw value passes through its property's type on the way in.

This module holds the cleaners that need no schema (countries, elements, dates, URLs, ids,
units); each schema value type is an object in :mod:`kg.valuetypes` that uses them.

Code downstream of the loaders never re-parses strings: dates are ISO strings of
known precision, countries are ISO 3166-1 alpha-2 codes from pycountry, elements
are chemical symbols, quantities are floats beside a unit from the schema.
A bad value raises :class:`~kg.errors.CleanError` naming field, value and expectation.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pycountry

from kg.errors import CleanError

__all__ = [
    "ELEMENTS",
    "CountryMatch",
    "clean_country",
    "clean_date",
    "clean_element",
    "clean_id",
    "clean_unit",
    "clean_url",
    "date_bounds",
    "normalize_name",
]

# symbol -> (name, atomic number): the 15 lanthanides plus scandium and yttrium.
ELEMENTS: dict[str, tuple[str, int]] = {
    "Sc": ("scandium", 21), "Y": ("yttrium", 39), "La": ("lanthanum", 57),
    "Ce": ("cerium", 58), "Pr": ("praseodymium", 59), "Nd": ("neodymium", 60),
    "Pm": ("promethium", 61), "Sm": ("samarium", 62), "Eu": ("europium", 63),
    "Gd": ("gadolinium", 64), "Tb": ("terbium", 65), "Dy": ("dysprosium", 66),
    "Ho": ("holmium", 67), "Er": ("erbium", 68), "Tm": ("thulium", 69),
    "Yb": ("ytterbium", 70), "Lu": ("lutetium", 71),
}
_ELEMENT_LOOKUP = {sym.lower(): sym for sym in ELEMENTS} | {
    name: sym for sym, (name, _) in ELEMENTS.items()
}

# Names people write that pycountry does not know. Values: ISO alpha-2.
_COUNTRY_ALIASES: dict[str, str] = {
    "u.s.": "US", "u.s.a.": "US", "usa": "US", "us": "US", "america": "US",
    "united states of america": "US", "the united states": "US",
    "burma": "MM", "prc": "CN", "p.r.c.": "CN", "mainland china": "CN",
    "people's republic of china": "CN", "russia": "RU", "uk": "GB", "u.k.": "GB",
    "britain": "GB", "great britain": "GB", "turkey": "TR", "south korea": "KR",
    "korea": "KR", "republic of korea": "KR", "north korea": "KP",
    "democratic republic of the congo": "CD", "dr congo": "CD", "drc": "CD",
    "ivory coast": "CI", "brunei": "BN", "vietnam": "VN", "laos": "LA",
}
# Capitals used for their government ("Beijing retaliated"): resolved, but flagged.
_METONYMS: dict[str, str] = {
    "beijing": "CN", "washington": "US", "tokyo": "JP", "canberra": "AU",
    "moscow": "RU", "kuala lumpur": "MY", "ottawa": "CA",
    "seoul": "KR", "new delhi": "IN", "hanoi": "VN", "naypyidaw": "MM",
}

_DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
#: Years a date may carry: wider than any supply-chain record, narrow enough to catch typos.
YEAR_MIN, YEAR_MAX = 1800, 2100
#: Integers beyond this magnitude are refused (JSON, JavaScript and Neo4j keep them exactly).
INT_LIMIT = 2**53
_URI_SAFE = ":/?#@!$&'()*+,;=%-._~"
_ID_RE = re.compile(r"^[a-z]+:[A-Za-z0-9][A-Za-z0-9.\-]*$")


_NOT_NAME_CHARS = re.compile(r"[^\w&+.]+")


def normalize_name(name: str) -> str:
    """Fold case and accents and collapse punctuation, for matching names.

    >>> normalize_name("  Bayan  Obo ")
    'bayan obo'
    >>> normalize_name("Société Générale")
    'societe generale'
    """
    if not name.isascii():  # ASCII is its own NFKD form and has no combining marks
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_NAME_CHARS.sub(" ", name.casefold()).split())


@dataclass(frozen=True)
class CountryMatch:
    """A cleaned country: ISO alpha-2, and whether the text named it by metonym."""

    iso2: str
    metonym: bool = False


def clean_country(raw: object, field: str = "country") -> CountryMatch:
    """Turn a country name, alias, metonym or ISO code into its ISO 3166-1 alpha-2 code.

    >>> clean_country("U.S.")
    CountryMatch(iso2='US', metonym=False)
    >>> clean_country("Beijing")
    CountryMatch(iso2='CN', metonym=True)
    >>> clean_country("MMR").iso2
    'MM'
    """
    text = str(raw).strip()
    key = text.casefold()
    if key in _COUNTRY_ALIASES:
        return CountryMatch(_COUNTRY_ALIASES[key])
    if key in _METONYMS:
        return CountryMatch(_METONYMS[key], metonym=True)
    try:
        return CountryMatch(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        raise CleanError(field, raw, "a country name or ISO 3166-1 code") from None


def clean_element(raw: object, field: str = "symbol") -> str:
    """Turn a rare-earth element name or symbol into its symbol.

    >>> clean_element("Neodymium"), clean_element("dy")
    ('Nd', 'Dy')
    """
    key = str(raw).strip().casefold()
    if key in _ELEMENT_LOOKUP:
        return _ELEMENT_LOOKUP[key]
    raise CleanError(field, raw, "a rare-earth element name or symbol (one of the 17 REEs)")


def clean_date(raw: object, field: str = "date") -> str:
    """An ISO date of year, month or day precision, as a string.

    >>> clean_date("2025-04"), clean_date(2024), clean_date(dt.date(2025, 4, 4))
    ('2025-04', '2024', '2025-04-04')
    """
    expected = "an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        text = raw.isoformat()
    elif isinstance(raw, str | int) and not isinstance(raw, bool):
        text = str(raw).strip()
    else:
        raise CleanError(field, raw, expected)
    match = _DATE_RE.match(text)
    if not match:
        raise CleanError(field, raw, expected)
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise CleanError(field, raw, expected + " that exists (no month 13, no February 30)") from None
    if not YEAR_MIN <= int(year) <= YEAR_MAX:
        raise CleanError(field, raw, f"a date with a year from {YEAR_MIN} to {YEAR_MAX}")
    return text


def date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """First and last day a partial ISO date covers.

    >>> date_bounds("2024-02")
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    """
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        start = dt.date(parts[0], parts[1], 1)
        nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def clean_url(raw: object, field: str = "url") -> str:
    """An absolute http(s) URL; characters RFC 3986 does not allow outside the host
    ("[[SMM-Analysis]]" in a news site's path) are percent-encoded, so the URL is a valid
    xsd:anyURI for RDF tools.

    >>> clean_url(" https://ex.org/a-[[b]] ")
    'https://ex.org/a-%5B%5Bb%5D%5D'
    """
    text = str(raw).strip()
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc or " " in text:
        raise CleanError(field, raw, "an absolute http(s) URL")
    head = parts.scheme + "://" + parts.netloc
    return head + quote(text[len(head):], safe=_URI_SAFE)


def clean_id(raw: object, field: str, prefixes: tuple[str, ...]) -> str:
    """An entity id ``prefix:slug`` whose prefix is one of ``prefixes`` (the id prefixes of
    the entity types allowed; :func:`kg.model.clean_ref` looks them up in the schema).

    >>> clean_id(" firm:lynas", "owner", ("firm", "country"))
    'firm:lynas'
    """
    text = str(raw).strip()
    if not _ID_RE.match(text):
        raise CleanError(field, raw, "an entity id such as 'firm:lynas' or 'country:CN'")
    if text.split(":", 1)[0] not in prefixes:
        raise CleanError(field, raw, f"an id starting with {', '.join(p + ':' for p in prefixes)}")
    return text


def clean_unit(raw: object, field: str, units: tuple[str, ...]) -> str:
    """A unit from ``units`` (the schema's ``unit`` enum: ``t REO``, ``t/yr``, ``USD`` …)."""
    text = " ".join(str(raw).split())
    if text in units:
        return text
    folded = {u.casefold(): u for u in units}
    if text.casefold() in folded:
        return folded[text.casefold()]
    raise CleanError(field, raw, f"a unit, one of {', '.join(units)}")
