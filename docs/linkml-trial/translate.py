"""Translate rekg's ontology/schema.yaml into a LinkML schema, for the LinkML trial (issue 19).

Run: ``python docs/linkml-trial/translate.py > docs/linkml-trial/rekg.linkml.yaml`` (needs only
PyYAML), then the LinkML generators on the result (``gen-owl``, ``gen-shacl``,
``gen-jsonld-context``, ``gen-pydantic``; see README.md beside this file for what they gave).

The translation is mechanical and keeps everything the schema says:
- entity types → classes (``id`` is the identifier; ``name``, ``aliases`` and ``sources`` come
  from a mixin ``Named``), each property → a slot local to its class (``attributes``);
- relation types → classes of a ``Claim`` hierarchy (LinkML has no properties on properties):
  ``subject`` / ``object`` slots whose range is the union (``any_of``) of the schema's domain and
  range, plus the claim properties (sources, confidence, valid_from, valid_to, …);
- value types → LinkML types: ``date`` (YYYY, YYYY-MM or YYYY-MM-DD) as a string type with a
  pattern, ``fraction`` as a float in [0, 1], ``qid``/``iso2``/``iso3``/``url`` with patterns,
  ``element`` as an enum of the 17 symbols, ``quantity`` as a float slot plus a ``<name>_unit``
  slot ranging over the unit enum (rekg stores a quantity as two properties);
- enums → enums with permissible values.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
ELEMENTS = ["Sc", "Y", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er",
            "Tm", "Yb", "Lu"]

TYPES: dict[str, dict[str, Any]] = {
    "PartialDate": {"typeof": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                    "description": "An ISO date of year, month or day precision."},
    "Fraction": {"typeof": "float", "minimum_value": 0, "maximum_value": 1},
    "Qid": {"typeof": "string", "pattern": r"^Q[1-9][0-9]*$"},
    "Iso2": {"typeof": "string", "pattern": r"^[A-Z]{2}$"},
    "Iso3": {"typeof": "string", "pattern": r"^[A-Z]{3}$"},
}
SIMPLE = {"string": "string", "text": "string", "integer": "integer", "number": "float",
          "boolean": "boolean", "url": "uri", "date": "PartialDate", "fraction": "Fraction",
          "qid": "Qid", "iso2": "Iso2", "iso3": "Iso3", "element": "ElementSymbol",
          "quantity": "float"}


def slot(name: str, spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, Any] = {}
    kind = spec["type"]
    if kind == "enum":
        out["range"] = _camel(spec["enum"])
    elif kind == "ref":
        rng = spec["range"]
        rng = [rng] if isinstance(rng, str) else rng
        if len(rng) == 1:
            out["range"] = rng[0]
        else:
            out["any_of"] = [{"range": r} for r in rng]
    else:
        out["range"] = SIMPLE[kind]
    if spec.get("list"):
        out["multivalued"] = True
    if spec.get("required"):
        out["required"] = True
    for key in ("description",):
        if spec.get(key):
            out[key] = spec[key]
    if spec.get("label"):
        out["title"] = spec["label"]
    slots = {name: out}
    if kind == "quantity":
        slots[f"{name}_unit"] = {"range": "Unit", "description": f"Unit of {name}."}
    return slots


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def translate(raw: dict[str, Any]) -> dict[str, Any]:
    enums = {_camel(name): {"permissible_values": {str(v): {} for v in spec["values"]}}
             for name, spec in raw["enums"].items()}
    enums["ElementSymbol"] = {"permissible_values": {s: {} for s in ELEMENTS}}
    classes: dict[str, Any] = {
        "Named": {"mixin": True, "attributes": {
            "id": {"identifier": True, "range": "uriorcurie"},
            "name": {"range": "string", "required": True},
            "aliases": {"range": "string", "multivalued": True},
            "sources": {"range": "Source", "multivalued": True, "required": True}}},
    }
    for name, spec in raw["entities"].items():
        attrs: dict[str, Any] = {}
        for pname, pspec in (spec.get("properties") or {}).items():
            attrs.update(slot(pname, pspec))
        classes[name] = {"mixins": ["Named"], "description": spec.get("description", ""),
                         "id_prefixes": [spec["prefix"]], "attributes": attrs}
    claim_attrs: dict[str, Any] = {"id": {"identifier": True, "range": "string"}}
    for pname, pspec in raw["claim_properties"].items():
        claim_attrs.update(slot(pname, pspec))
    classes["Claim"] = {"abstract": True, "attributes": claim_attrs,
                        "description": "A relation with its provenance (sources, confidence, "
                                       "validity)."}
    for name, spec in raw["relations"].items():
        attrs = {
            "subject": {"required": True, "any_of": [{"range": r} for r in spec["domain"]]},
            "object": {"required": True, "any_of": [{"range": r} for r in spec["range"]]},
        }
        for pname, pspec in (spec.get("properties") or {}).items():
            attrs.update(slot(pname, pspec))
        classes[_camel(name.lower())] = {"is_a": "Claim", "title": spec.get("label", name),
                                         "attributes": attrs}
    return {
        "id": "https://w3id.org/rekg/ontology",
        "name": "rekg",
        "title": "rekg: the rare-earth supply chain knowledge graph",
        "version": str(raw.get("version", "0")),
        "license": "https://www.apache.org/licenses/LICENSE-2.0",
        "prefixes": {"rekg": "https://w3id.org/rekg/ontology#", "linkml": "https://w3id.org/linkml/",
                     "schema": "http://schema.org/", "prov": "http://www.w3.org/ns/prov#"},
        "default_prefix": "rekg",
        "default_range": "string",
        "imports": ["linkml:types"],
        "types": TYPES,
        "enums": enums,
        "classes": classes,
    }


if __name__ == "__main__":
    schema = yaml.safe_load((REPO / "ontology" / "schema.yaml").read_text(encoding="utf-8"))
    yaml.safe_dump(translate(schema), sys.stdout, sort_keys=False, allow_unicode=True, width=100)
