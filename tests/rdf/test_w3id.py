"""The w3id.org redirect rules cover every kind of rekg IRI and send it to the server's route."""

from __future__ import annotations

import re

import pytest

from kg.rdf.namespace import DEFAULT_BASE_IRI
from kg.rdf.w3id import htaccess, main

HOST = "https://rekg.test/"


def _redirect(path: str, rules: str) -> str | None:
    """Where the rules send ``path`` (relative to w3id.org/rekg/), applying the first match
    as Apache's mod_rewrite would (backreferences $1, $2)."""
    for pattern, target in re.findall(r"^RewriteRule (\S+) (\S+) \[R=303", rules, flags=re.M):
        match = re.match(pattern, path)
        if match:
            groups = ("", *match.groups())
            return re.sub(r"\$(\d)", lambda m, g=groups: g[int(m.group(1))] or "", target)
    return None


@pytest.mark.parametrize(("iri", "expected"), [
    ("id/firm/lynas", HOST + "id/firm/lynas"),
    ("id/claim/4363b196fc7410f3", HOST + "id/claim/4363b196fc7410f3"),
    ("id/facility/mount-weld", HOST + "id/facility/mount-weld"),
    ("ontology", HOST + "ontology"),
    ("vocab/stage/mining", HOST + "ontology"),
    ("shapes", HOST + "ontology"),
    ("dataset", HOST + "export"),
    ("", HOST + "ontology"),
])
def test_every_kind_of_iri_is_redirected(iri: str, expected: str) -> None:
    assert DEFAULT_BASE_IRI == "https://w3id.org/rekg/"
    assert _redirect(iri, htaccess(HOST)) == expected


def test_rules_are_303_and_bad_targets_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    rules = htaccess(HOST)
    assert rules.count("RewriteRule") == rules.count("[R=303") and "RewriteEngine on" in rules
    with pytest.raises(ValueError, match="ending in '/'"):
        htaccess("https://rekg.test")
    assert main(["rekg.test/"]) == 2 and "expected an absolute" in capsys.readouterr().err
    assert main([HOST]) == 0 and capsys.readouterr().out == rules
