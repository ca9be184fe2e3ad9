"""The scorers in bench/: one annotation against another (inter-annotator agreement)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.articles_agreement import agreement
from bench.articles_eval import SETS, _CandidateKeys, annotated_sets

GOLD = {
    "entities": ["firm:lynas", "country:MY"],
    "candidates": [["Firm", "Kuantan Port Authority|KPA"]],
    "relations": [["candidate:Firm:Kuantan Port Authority", "HEADQUARTERED_IN", "country:MY"],
                  ["firm:lynas", "HEADQUARTERED_IN", "country:AU"]],
}


def test_a_second_annotators_candidate_matches_by_any_accepted_form() -> None:
    second = {"entities": ["firm:lynas"], "candidates": [["Firm", "KPA|Kuantan port authority"]],
              "relations": [["candidate:Firm:KPA", "HEADQUARTERED_IN", "country:MY"]]}
    cands = _CandidateKeys(GOLD["candidates"])
    g_l, g_c, g_r = annotated_sets(GOLD, cands)
    s_l, s_c, s_r = annotated_sets(second, cands)
    assert s_c == g_c == {"candidate:Firm:Kuantan Port Authority"}
    assert s_r <= g_r and len(g_r - s_r) == 1
    assert s_l < g_l


def test_a_candidate_only_one_annotator_has_does_not_match() -> None:
    second = {"entities": [], "candidates": [["Firm", "Malaysian Atomic Energy Licensing Board"]],
              "relations": []}
    _, s_c, _ = annotated_sets(second, _CandidateKeys(GOLD["candidates"]))
    assert s_c == {"candidate:Firm:malaysian atomic energy licensing board"}


def test_agreement_of_an_annotation_with_itself_less_one_relation(tmp_path: Path) -> None:
    gold = yaml.safe_load(SETS["dev4"][0].read_text(encoding="utf-8"))["articles"]
    names = sorted(gold)[:2]
    second = {n: dict(gold[n]) for n in names}
    second[names[0]]["relations"] = second[names[0]]["relations"][1:]
    path = tmp_path / "second.yaml"
    path.write_text(yaml.safe_dump({"articles": second}), encoding="utf-8")
    result = agreement("dev4", path)
    assert result["articles"] == 2
    pair = result["scores"]["second vs gold"]
    assert pair["entities"]["precision"] == pair["entities"]["recall"] == 1.0
    assert pair["relations"]["fn"] == 1 and pair["relations"]["fp"] == 0
    over = result["overlap"]
    assert over["extractor FP the second annotator asserts"] <= over["extractor FP"]
    assert over["extractor FN the second annotator misses too"] <= over["extractor FN"]
