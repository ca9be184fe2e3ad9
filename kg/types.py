"""Value cleaning: every raw value passes through its property's type on the way in.

Code downstream of the loaders never re-parses strings: dates are ISO strings of
known precision, countries are ISO 3166-1 alpha-2 codes from pycountry, elements
are chemical symbols, quantities are floats beside a unit from the schema.
A bad value raises :class:`~kg.errors.CleanError` naming field, value and expectation.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pycountry

from kg.errors import CleanError
from kg.schema import PropertySpec, load_schema

__all__ = [
    "ELEMENTS",
    "CountryMatch",
    "clean_country",
    "clean_date",
    "clean_element",
    "clean_value",
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
# a decimal number in ASCII digits (no other scripts' digits, no thousands separators)
_NUMBER_RE = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
#: Integers beyond this magnitude are refused (JSON, JavaScript and Neo4j keep them exactly).
INT_LIMIT = 2**53
_URI_SAFE = ":/?#@!$&'()*+,;=%-._~"
_QID_RE = re.compile(r"^Q[1-9][0-9]*$")
_ID_RE = re.compile(r"^[a-z]+:[A-Za-z0-9][A-Za-z0-9.\-]*$")


def normalize_name(name: str) -> str:
    """Fold case and accents and collapse punctuation, for matching names.

    >>> normalize_name("  Bayan  Obo ")
    'bayan obo'
    >>> normalize_name("Société Générale")
    'societe generale'
    """
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w&+.]+", " ", stripped.casefold()).split())


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


def _clean_bool(raw: object, field: str) -> bool:
    if isinstance(raw, bool):
        return raw
    key = str(raw).strip().casefold()
    if key in {"true", "yes", "1", "y"}:
        return True
    if key in {"false", "no", "0", "n"}:
        return False
    raise CleanError(field, raw, "a boolean (true/false)")


def _clean_number(
    raw: object, field: str, expected: str = "a number (digits, '.' for decimals, no thousands separators)"
) -> float:
    if isinstance(raw, bool):
        raise CleanError(field, raw, expected)
    if isinstance(raw, int):
        if abs(raw) > INT_LIMIT:
            raise CleanError(field, raw, f"a number of magnitude at most {INT_LIMIT}")
        return float(raw)
    if isinstance(raw, float):
        value = raw
    elif isinstance(raw, str) and _NUMBER_RE.match(raw.strip()):
        value = float(raw.strip())
    else:
        raise CleanError(field, raw, expected)
    if not math.isfinite(value):
        raise CleanError(field, raw, "a finite number (not NaN or infinity)")
    return value


def _check_bounds(spec: PropertySpec, value: float, raw: object, field: str) -> None:
    lo, hi = spec.min, spec.max
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            expected = f"a value from {lo:g} to {hi:g}"
        elif lo is not None:
            expected = f"a value ≥ {lo:g}"
        else:
            expected = f"a value ≤ {hi:g}"
        raise CleanError(field, raw, f"{expected} for {spec.label}")


def _clean_scalar(spec: PropertySpec, raw: Any, field: str) -> Any:
    kind = spec.type
    if kind in {"string", "text"}:
        text = " ".join(str(raw).split()) if kind == "string" else str(raw).strip()
        if not text:
            raise CleanError(field, raw, "a non-empty text")
        return text
    if kind == "integer":
        if isinstance(raw, int) and not isinstance(raw, bool):
            number = raw
        elif isinstance(raw, float) and raw.is_integer():
            number = int(raw)
        elif isinstance(raw, str) and _INT_RE.match(raw.strip()) and len(raw.strip()) <= 20:
            number = int(raw.strip())
        else:
            raise CleanError(field, raw, "an integer (ASCII digits)")
        if abs(number) > INT_LIMIT:
            raise CleanError(field, raw, f"an integer of magnitude at most {INT_LIMIT}")
        _check_bounds(spec, number, raw, field)
        return number
    if kind == "number":
        value = _clean_number(raw, field)
        _check_bounds(spec, value, raw, field)
        return value
    if kind == "quantity":
        value = _clean_number(
            raw, field, f"a number without thousands separators (its unit goes in '{field}_unit')"
        )
        if value < 0:
            raise CleanError(field, raw, "a quantity ≥ 0")
        _check_bounds(spec, value, raw, field)
        return value
    if kind == "fraction":
        value = _clean_number(raw, field, "a fraction between 0 and 1")
        if not 0.0 <= value <= 1.0:
            raise CleanError(field, raw, "a fraction between 0 and 1 (0.69, not 69)")
        return value
    if kind == "boolean":
        return _clean_bool(raw, field)
    if kind == "date":
        return clean_date(raw, field)
    if kind == "url":
        text = str(raw).strip()
        parts = urlsplit(text)
        if parts.scheme not in {"http", "https"} or not parts.netloc or " " in text:
            raise CleanError(field, raw, "an absolute http(s) URL")
        # Characters RFC 3986 does not allow outside the host ("[[SMM-Analysis]]" in a news
        # site's path) are percent-encoded, so the URL is a valid xsd:anyURI for RDF tools.
        return parts.scheme + "://" + parts.netloc + quote(text[len(parts.scheme) + 3
                                                                  + len(parts.netloc):],
                                                             safe=_URI_SAFE)
    if kind == "qid":
        text = str(raw).strip()
        if not _QID_RE.match(text):
            raise CleanError(field, raw, "a Wikidata id such as Q1388")
        return text
    if kind == "iso2":
        code = clean_country(raw, field).iso2
        return code
    if kind == "iso3":
        try:
            return pycountry.countries.lookup(str(raw).strip()).alpha_3
        except LookupError:
            raise CleanError(field, raw, "an ISO 3166-1 alpha-3 code") from None
    if kind == "element":
        return clean_element(raw, field)
    if kind == "enum":
        text = str(raw).strip()
        if text in spec.values:
            return text
        folded = {v.casefold(): v for v in spec.values}
        if text.casefold() in folded:
            return folded[text.casefold()]
        raise CleanError(field, raw, f"one of {', '.join(spec.values)}")
    if kind == "ref":
        return clean_ref(raw, field, spec.range)
    raise CleanError(field, raw, f"a value of known type (schema type {kind!r} has no cleaner)")


def clean_ref(raw: object, field: str, allowed: tuple[str, ...] = ()) -> str:
    """An entity id ``prefix:slug`` whose prefix names a type in ``allowed`` (any if empty)."""
    text = str(raw).strip()
    if not _ID_RE.match(text):
        raise CleanError(field, raw, "an entity id such as 'firm:lynas' or 'country:CN'")
    schema = load_schema()
    prefix = text.split(":", 1)[0]
    etype = schema.by_prefix.get(prefix)
    if etype is None or (allowed and etype.name not in allowed):
        names = allowed or tuple(schema.entities)
        prefixes = ", ".join(schema.entities[n].prefix + ":" for n in names)
        raise CleanError(field, raw, f"an id starting with {prefixes}")
    return text


def clean_value(spec: PropertySpec, raw: Any, field: str | None = None) -> Any:
    """Clean ``raw`` by ``spec``; lists come as Python lists or ``|``-separated text.

    >>> from kg.schema import load_schema
    >>> clean_value(load_schema().entity("Facility").properties["stages"], "mining|separation")
    ['mining', 'separation']
    """
    name = field or spec.name
    if spec.list:
        items = raw if isinstance(raw, list | tuple) else str(raw).split("|")
        cleaned = [_clean_scalar(spec, item, name) for item in items if str(item).strip() != ""]
        return list(dict.fromkeys(cleaned))
    return _clean_scalar(spec, raw, name)


def clean_unit(raw: object, field: str) -> str:
    """A unit from the schema's ``unit`` enum (``t REO``, ``t/yr``, ``USD`` …)."""
    units = load_schema().enums["unit"]
    text = " ".join(str(raw).split())
    if text in units:
        return text
    folded = {u.casefold(): u for u in units}
    if text.casefold() in folded:
        return folded[text.casefold()]
    raise CleanError(field, raw, f"a unit, one of {', '.join(units)}")
