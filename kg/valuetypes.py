"""The value types of the schema, each one object in one registry.

(Over 400 lines on purpose: one class per value type, each complete in one place, is what
this module is for; splitting them would scatter a type again.)

A property in ``ontology/schema.yaml`` names a value type (``type: quantity``). Everything
rekg does with a value of that type is asked of its :class:`ValueType` here, never branched
on by name elsewhere:

============================  ==============================================================
``clean(spec, raw, field)``   the cleaned Python value, or :class:`~kg.errors.CleanError`
``expected``                  what the cleaner expected (the start of its error message)
``xsd``                       the XSD datatype of its RDF literal
``node(spec)``                what the value is in RDF: a ``"literal"``, an ``"entity"`` IRI
                              or a SKOS ``"concept"`` IRI
``lexical(value)``            the literal's lexical form (for literal nodes)
``shacl(spec)``, ``rules``    SHACL constraints beyond the datatype (:class:`Shacl`)
``rdf_expected(...)``         what a SHACL message says the RDF value must be
``owl_note(...)``, ``note``   the sentence the ontology adds to the property's definition
``unit`` / ``partial_date``   whether it has a unit companion (``p_unit``) or is a partial
                              date written as first day, precision and last day
============================  ==============================================================

:mod:`kg.schema` checks type names against :data:`VALUE_TYPES`; :mod:`kg.model` cleans
through :func:`clean_value`; :mod:`kg.rdf.namespace` (RDF terms and literals),
:mod:`kg.rdf.shapes` (SHACL) and :mod:`kg.rdf.ontology` (OWL) read the rest. A new value
type is one :func:`register` call (see ``tests/test_valuetypes.py``).

This module imports neither the schema nor rdflib: a property spec is anything with the
attributes of :class:`Spec`, and datatypes are IRIs as strings.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Protocol
from urllib.parse import quote

import pycountry

from kg.errors import CleanError
from kg.types import (
    ELEMENTS,
    INT_LIMIT,
    clean_country,
    clean_date,
    clean_element,
    clean_id,
    clean_url,
    date_bounds,
)

__all__ = [
    "LITERAL_ENUMS",
    "VALUE_TYPES",
    "XSD",
    "Shacl",
    "Spec",
    "ValueType",
    "clean_value",
    "date_literals",
    "decimal_lexical",
    "register",
    "registered",
    "uri_lexical",
    "value_type",
]

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_DECIMAL = XSD + "decimal"
XSD_DATETIME = XSD + "dateTime"

#: Enums that stay literals instead of becoming SKOS concept schemes.
LITERAL_ENUMS = frozenset({"unit", "date_precision"})
#: A partial ISO date's precision by its length (YYYY, YYYY-MM, YYYY-MM-DD).
DATE_PRECISIONS: dict[int, str] = {4: "year", 7: "month", 10: "day"}

Node = Literal["literal", "entity", "concept"]


class Spec(Protocol):
    """What a value type reads of a property (:class:`kg.schema.PropertySpec` has it all)."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def enum(self) -> str | None: ...
    @property
    def values(self) -> tuple[str, ...]: ...
    @property
    def range(self) -> tuple[str, ...]: ...
    @property
    def prefixes(self) -> tuple[str, ...]: ...
    @property
    def min(self) -> float | None: ...
    @property
    def max(self) -> float | None: ...


@dataclass(frozen=True)
class Shacl:
    """SHACL constraints on a literal beyond its ``sh:datatype`` (which is the type's ``xsd``)."""

    pattern: str | None = None
    #: inclusive bounds as xsd:decimal lexical forms
    min_inclusive: str | None = None
    max_inclusive: str | None = None
    min_length: int | None = None
    #: the allowed plain-string values (``sh:in``)
    one_of: tuple[str, ...] = ()


# -- RDF lexical forms ---------------------------------------------------------------------

#: Characters RFC 3986 allows in a URI path (and "%", already-escaped octets stay as they are).
_URI_SAFE = ":/?#@!$&'()*+,;=%-._~"


def uri_lexical(url: str) -> str:
    """``url`` as a valid ``xsd:anyURI`` (RFC 3986): characters a URI may not hold are
    percent-encoded (UTF-8), the rest is left alone, so valid URLs are unchanged. Brackets
    are allowed only around an IPv6 host, so elsewhere they are encoded too (HermiT rejects
    ``…-[[SMM-Analysis]]`` as a malformed literal; a browser sends the encoded form anyway).

    >>> uri_lexical("https://news.example.com/a-[[SMM]] b?q=1")
    'https://news.example.com/a-%5B%5BSMM%5D%5D%20b?q=1'
    >>> uri_lexical("https://ex.org/%E2%82%AC/ok")
    'https://ex.org/%E2%82%AC/ok'
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return quote(url, safe=_URI_SAFE)
    host, slash, path = rest.partition("/")
    return scheme + sep + host + slash + quote(path, safe=_URI_SAFE)


@functools.lru_cache(maxsize=8192)  # the same dates recur across many claims
def date_literals(value: str) -> tuple[str, str, str]:
    """A partial ISO date as RDF: the first day it covers and the last, both as
    ``xsd:dateTime`` lexical forms at midnight without a time zone, and its precision.

    ``xsd:date``, ``gYear`` and ``gYearMonth`` are outside the OWL 2 datatype map (a DL
    reasoner refuses them) and SPARQL cannot compare a gYear with a date; ``xsd:dateTime``
    is in the map and compares everywhere, so each bound is one.

    >>> date_literals("2024-02")
    ('2024-02-01T00:00:00', 'month', '2024-02-29T00:00:00')
    >>> date_literals("2025")[1:], date_literals("2025-04-04")
    (('year', '2025-12-31T00:00:00'), ('2025-04-04T00:00:00', 'day', '2025-04-04T00:00:00'))
    """
    first, last = date_bounds(value)
    return f"{first.isoformat()}T00:00:00", DATE_PRECISIONS[len(value)], f"{last.isoformat()}T00:00:00"


def decimal_lexical(value: Any) -> str:
    """xsd:decimal lexical form of a number (no exponent).

    >>> decimal_lexical(270000.0), decimal_lexical(1e-05), decimal_lexical(3)
    ('270000.0', '0.00001', '3')
    """
    text = repr(value) if type(value) is float else str(value)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


# -- the value types -----------------------------------------------------------------------

class ValueType:
    """One value type. Subclasses override what differs; the defaults describe a non-empty
    plain string. Instances are registered with :func:`register`."""

    #: the name schema.yaml uses (``type: <name>``)
    name: str = ""
    #: what the cleaner expects, as its error message says it
    expected: str = "a non-empty text"
    #: XSD datatype IRI of the RDF literal
    xsd: str = XSD_STRING
    #: what a SHACL message says the RDF literal must be
    rdf_text: str = "a non-empty plain string"
    #: a quantity: the property ``p`` comes with ``p_unit`` from the schema's ``unit`` enum
    unit: bool = False
    #: a partial date: RDF carries its first day, its precision and its last day
    partial_date: bool = False
    #: SHACL constraints on its literal beyond the datatype
    rules: Shacl = Shacl(min_length=1)
    #: the sentence the ontology appends to the definition of a property of this type
    note: str = ""

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        """One cleaned value (lists are split by :func:`clean_value`)."""
        text = " ".join(str(raw).split())
        if not text:
            raise CleanError(field, raw, self.expected)
        return text

    # -- RDF
    def node(self, spec: Spec) -> Node:
        return "literal"

    def lexical(self, value: Any) -> str:
        return value if type(value) is str else str(value)

    def shacl(self, spec: Spec) -> Shacl:
        """SHACL constraints beyond the datatype (most types: their ``rules``)."""
        return self.rules

    def rdf_expected(self, spec: Spec, local: str, companions: bool) -> str:
        """The SHACL message's "expected" part for property term ``local`` of ``spec``."""
        return self.rdf_text

    def owl_note(self, spec: Spec, local: str, primary: bool) -> str:
        """Sentence appended to the OWL definition (``primary``: the term is the value itself,
        not a companion such as a date's last day; most types: their ``note``)."""
        return self.note

    def __repr__(self) -> str:
        return f"<value type {self.name}>"


class _String(ValueType):
    name = "string"


class _Text(ValueType):
    """Free text: kept as written (line breaks too), only stripped."""

    name = "text"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        text = str(raw).strip()
        if not text:
            raise CleanError(field, raw, self.expected)
        return text


_NUMBER_RE = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_INT_RE = re.compile(r"^[+-]?[0-9]+$")


def _check_bounds(spec: Spec, value: float, raw: object, field: str) -> None:
    lo, hi = spec.min, spec.max
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            expected = f"a value from {lo:g} to {hi:g}"
        elif lo is not None:
            expected = f"a value ≥ {lo:g}"
        else:
            expected = f"a value ≤ {hi:g}"
        raise CleanError(field, raw, f"{expected} for {spec.label}")


def _number(raw: object, field: str, expected: str) -> float:
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


class _Integer(ValueType):
    name = "integer"
    expected = "an integer (ASCII digits)"
    xsd = XSD + "integer"
    rdf_text = "an integer typed xsd:integer"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        if isinstance(raw, int) and not isinstance(raw, bool):
            number = raw
        elif isinstance(raw, float) and raw.is_integer():
            number = int(raw)
        elif isinstance(raw, str) and _INT_RE.match(raw.strip()) and len(raw.strip()) <= 20:
            number = int(raw.strip())
        else:
            raise CleanError(field, raw, self.expected)
        if abs(number) > INT_LIMIT:
            raise CleanError(field, raw, f"an integer of magnitude at most {INT_LIMIT}")
        _check_bounds(spec, number, raw, field)
        return number

    def lexical(self, value: Any) -> str:
        return str(int(value))

    rules = Shacl()


class _Number(ValueType):
    name = "number"
    expected = "a number (digits, '.' for decimals, no thousands separators)"
    xsd = XSD_DECIMAL
    rdf_text = "a number typed xsd:decimal"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        value = _number(raw, field, self.expected)
        _check_bounds(spec, value, raw, field)
        return value

    def lexical(self, value: Any) -> str:
        return decimal_lexical(value)

    rules = Shacl()


class _Quantity(_Number):
    name = "quantity"
    unit = True

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        value = _number(raw, field,
                        f"a number without thousands separators (its unit goes in '{field}_unit')")
        if value < 0:
            raise CleanError(field, raw, "a quantity ≥ 0")
        _check_bounds(spec, value, raw, field)
        return value

    rules = Shacl(min_inclusive="0")

    def rdf_expected(self, spec: Spec, local: str, companions: bool) -> str:
        return f"a number ≥ 0 typed xsd:decimal, its unit in rekg:{local}Unit"

    def owl_note(self, spec: Spec, local: str, primary: bool) -> str:
        return f" Its unit is given by rekg:{local}Unit."


class _Fraction(_Number):
    name = "fraction"
    expected = "a fraction between 0 and 1"
    rdf_text = "a number from 0 to 1 typed xsd:decimal (0.69, not 69)"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        value = _number(raw, field, self.expected)
        if not 0.0 <= value <= 1.0:
            raise CleanError(field, raw, "a fraction between 0 and 1 (0.69, not 69)")
        return value

    rules = Shacl(min_inclusive="0", max_inclusive="1")


class _Boolean(ValueType):
    name = "boolean"
    expected = "a boolean (true/false)"
    xsd = XSD + "boolean"
    rdf_text = "true or false typed xsd:boolean"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        if isinstance(raw, bool):
            return raw
        key = str(raw).strip().casefold()
        if key in {"true", "yes", "1", "y"}:
            return True
        if key in {"false", "no", "0", "n"}:
            return False
        raise CleanError(field, raw, self.expected)

    def lexical(self, value: Any) -> str:
        return "true" if value else "false"

    rules = Shacl()


class _Date(ValueType):
    name = "date"
    expected = "an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
    xsd = XSD_DATETIME
    partial_date = True

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        return clean_date(raw, field)

    def lexical(self, value: Any) -> str:
        return date_literals(value)[0]

    rules = Shacl(pattern=r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T00:00:00$")

    def rdf_expected(self, spec: Spec, local: str, companions: bool) -> str:
        return ("a day as xsd:dateTime at midnight without a time zone (2025-04-01T00:00:00)"
                + (f", the first day of the date (its precision in rekg:{local}Precision, its "
                   f"last day in rekg:{local}Latest)" if companions else ""))

    def owl_note(self, spec: Spec, local: str, primary: bool) -> str:
        if not primary:
            return ""
        return (f" An xsd:dateTime at midnight without a time zone: the first day of the date "
                f"as the sources give it (a year or month is its first day); "
                f"rekg:{local}Precision keeps its precision and rekg:{local}Latest its last day.")


class _Url(ValueType):
    name = "url"
    expected = "an absolute http(s) URL"
    xsd = XSD + "anyURI"
    rdf_text = "an absolute http(s) URL typed xsd:anyURI"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        return clean_url(raw, field)

    def lexical(self, value: Any) -> str:
        return uri_lexical(str(value))

    rules = Shacl(pattern=r"^https?://\S+$")


class _Qid(ValueType):
    name = "qid"
    expected = "a Wikidata id such as Q1388"
    rdf_text = "a Wikidata id such as Q1388, as a plain string"
    _RE = re.compile(r"^Q[1-9][0-9]*$")

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        text = str(raw).strip()
        if not self._RE.match(text):
            raise CleanError(field, raw, self.expected)
        return text

    rules = Shacl(pattern=r"^Q[1-9][0-9]*$")

    note = (" The item is linked to Wikidata with skos:exactMatch and "
                "schema:sameAs (not owl:sameAs: rekg does not claim identity).")


class _Iso2(ValueType):
    name = "iso2"
    expected = "a country name or ISO 3166-1 code"
    rdf_text = "an ISO 3166-1 alpha-2 code in capitals such as CN, as a plain string"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        return clean_country(raw, field).iso2

    rules = Shacl(pattern=r"^[A-Z]{2}$")

    note = " The ISO 3166-1 alpha-2 code."


class _Iso3(ValueType):
    name = "iso3"
    expected = "an ISO 3166-1 alpha-3 code"
    rdf_text = "an ISO 3166-1 alpha-3 code in capitals such as CHN, as a plain string"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        try:
            return pycountry.countries.lookup(str(raw).strip()).alpha_3
        except LookupError:
            raise CleanError(field, raw, self.expected) from None

    rules = Shacl(pattern=r"^[A-Z]{3}$")

    note = " The ISO 3166-1 alpha-3 code."


class _Element(ValueType):
    name = "element"
    expected = "a rare-earth element name or symbol (one of the 17 REEs)"
    rdf_text = "the symbol of one of the 17 rare-earth elements (" + ", ".join(ELEMENTS) + ")"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        return clean_element(raw, field)

    rules = Shacl(one_of=tuple(ELEMENTS))


class _Enum(ValueType):
    """A value of a schema enum: a SKOS concept in RDF, or a plain string for the enums in
    :data:`LITERAL_ENUMS`."""

    name = "enum"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        text = str(raw).strip()
        if text in spec.values:
            return text
        folded = {v.casefold(): v for v in spec.values}
        if text.casefold() in folded:
            return folded[text.casefold()]
        raise CleanError(field, raw, f"one of {', '.join(spec.values)}")

    def node(self, spec: Spec) -> Node:
        return "literal" if spec.enum in LITERAL_ENUMS else "concept"

    def shacl(self, spec: Spec) -> Shacl:
        return Shacl(one_of=spec.values)

    def rdf_expected(self, spec: Spec, local: str, companions: bool) -> str:
        if self.node(spec) == "concept":
            return (f"a concept of the {spec.enum!r} scheme: "
                    + ", ".join(f"{spec.enum}:{v}" for v in spec.values))
        return "a plain string, one of: " + ", ".join(repr(v) for v in spec.values)

    def owl_note(self, spec: Spec, local: str, primary: bool) -> str:
        return " One of: " + ", ".join(spec.values) + "." if self.node(spec) == "literal" else ""


class _Ref(ValueType):
    """The id of another entity (``prefix:slug``); an IRI in RDF."""

    name = "ref"
    expected = "an entity id such as 'firm:lynas' or 'country:CN'"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        return clean_id(raw, field, spec.prefixes)

    def node(self, spec: Spec) -> Node:
        return "entity"

    def rdf_expected(self, spec: Spec, local: str, companions: bool) -> str:
        types = spec.range
        text = types[0] if len(types) == 1 else ", ".join(types[:-1]) + " or " + types[-1]
        article = "an " if text[:1] in "AEIOU" else "a "
        return (f"the IRI of {article}{text} in the graph (an entity typed "
                + " or ".join(f"rekg:{t}" for t in types) + ")")


#: name -> value type, in the order they were registered.
VALUE_TYPES: dict[str, ValueType] = {}


def register(vtype: ValueType) -> ValueType:
    """Add a value type to the registry (its ``name`` must be new)."""
    if not vtype.name or vtype.name in VALUE_TYPES:
        raise ValueError(f"value type name {vtype.name!r} is empty or already registered")
    VALUE_TYPES[vtype.name] = vtype
    return vtype


@contextmanager
def registered(vtype: ValueType) -> Iterator[ValueType]:
    """Register ``vtype`` for the ``with`` block only (tests and trials)."""
    register(vtype)
    try:
        yield vtype
    finally:
        del VALUE_TYPES[vtype.name]


for _vt in (_String(), _Text(), _Integer(), _Number(), _Fraction(), _Boolean(), _Date(), _Url(),
            _Qid(), _Iso2(), _Iso3(), _Enum(), _Ref(), _Element(), _Quantity()):
    register(_vt)


def value_type(name: str) -> ValueType:
    """The registered value type called ``name`` (KeyError if there is none)."""
    return VALUE_TYPES[name]


class _Typed(Spec, Protocol):
    @property
    def type(self) -> str: ...
    @property
    def list(self) -> bool: ...


def clean_value(spec: _Typed, raw: Any, field: str | None = None) -> Any:
    """Clean ``raw`` by ``spec``; lists come as Python lists or ``|``-separated text.

    >>> from kg.schema import load_schema
    >>> clean_value(load_schema().entity("Facility").properties["stages"], "mining|separation")
    ['mining', 'separation']
    """
    name = field or spec.name
    vtype = VALUE_TYPES.get(spec.type)
    if vtype is None:
        raise CleanError(name, raw, f"a value of known type (schema type {spec.type!r} has no cleaner)")
    clean: Callable[[Spec, Any, str], Any] = vtype.clean
    if spec.list:
        items: Sequence[Any] = raw if isinstance(raw, list | tuple) else str(raw).split("|")
        cleaned = [clean(spec, item, name) for item in items if str(item).strip() != ""]
        return list(dict.fromkeys(cleaned))
    return clean(spec, raw, name)
