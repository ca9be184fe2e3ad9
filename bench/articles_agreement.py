"""Inter-annotator agreement on the held-out set, and the extractor against both annotators.

    .venv/bin/python bench/articles_agreement.py [--json]

A second annotator annotated 14 of heldout3's 28 articles again, from the text alone, under the
same written guidelines (the head of tests/articles/heldout3.yaml), without seeing the first
annotation or the extractor's output: tests/articles/heldout3-second.yaml. On those articles
this prints, scored exactly like ``bench/articles_eval.py`` (entities as graph ids plus
candidates matched by any accepted surface form, relations on both ends and the predicate):

- **second vs gold**: the second annotation scored as if it were an extraction against the gold
  (precision = share of the second annotator's items the gold has; recall = share of the gold's
  items the second annotator found) — how far two careful humans agree, the ceiling an
  extractor can be expected to reach against one annotator;
- **extractor vs gold** and **extractor vs second** on the same articles;
- how many of the extractor's false positives against the gold the second annotator asserted,
  and how many of its misses the second annotator missed as well.

Only aggregate counts are printed (heldout3 stays held out: no single error is shown).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from bench.articles_eval import (  # noqa: E402
    SETS,
    _CandidateKeys,
    _prf,
    annotated_sets,
    extracted_sets,
)
from loaders.articles import Gazetteer, extract_article, read_articles  # noqa: E402
from tests.articles.fixture import data_store  # noqa: E402

SECOND = SETS["heldout3"][0].with_name("heldout3-second.yaml")


def _add(acc: dict[str, dict[str, int]], key: str, got: set[Any], exp: set[Any]) -> None:
    bucket = acc.setdefault(key, {"tp": 0, "fp": 0, "fn": 0})
    bucket["tp"] += len(got & exp)
    bucket["fp"] += len(got - exp)
    bucket["fn"] += len(exp - got)


def agreement(which: str = "heldout3", second_path: Path = SECOND) -> dict[str, Any]:
    """Scores of the second annotation, and of the extractor, on the articles annotated twice."""
    gold_path, folder = SETS[which]
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))["articles"]
    second = yaml.safe_load(second_path.read_text(encoding="utf-8"))["articles"]
    unknown = sorted(set(second) - set(gold))
    if unknown:
        raise SystemExit(f"{second_path}: articles not in {gold_path.name}: {unknown}")
    gaz = Gazetteer.from_store(data_store())
    acc: dict[str, dict[str, dict[str, int]]] = {}
    overlap = {"extractor FP the second annotator asserts": 0, "extractor FP": 0,
               "extractor FN the second annotator misses too": 0, "extractor FN": 0}
    for name in sorted(second):
        cands = _CandidateKeys(gold[name].get("candidates") or [])
        g_l, g_c, g_r = annotated_sets(gold[name], cands)
        s_l, s_c, s_r = annotated_sets(second[name], cands)
        x = extract_article(read_articles(folder / name).articles[0], gaz)
        x_l, x_c, x_r = extracted_sets(x, cands)
        for pair, (a_l, a_c, a_r), (b_l, b_c, b_r) in (
                ("second vs gold", (s_l, s_c, s_r), (g_l, g_c, g_r)),
                ("extractor vs gold", (x_l, x_c, x_r), (g_l, g_c, g_r)),
                ("extractor vs second", (x_l, x_c, x_r), (s_l, s_c, s_r))):
            scores = acc.setdefault(pair, {})
            _add(scores, "entities", a_l | a_c, b_l | b_c)
            _add(scores, "graph ids", a_l, b_l)
            _add(scores, "candidates", a_c, b_c)
            _add(scores, "relations", a_r, b_r)
        overlap["extractor FP"] += len(x_r - g_r)
        overlap["extractor FP the second annotator asserts"] += len((x_r - g_r) & s_r)
        overlap["extractor FN"] += len(g_r - x_r)
        overlap["extractor FN the second annotator misses too"] += len((g_r - x_r) - s_r)
    return {"articles": len(second),
            "scores": {pair: {k: _prf(**v) for k, v in scores.items()} for pair, scores in acc.items()},
            "overlap": overlap}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = agreement()
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"heldout3 articles annotated twice: {result['articles']}")
    for pair, scores in result["scores"].items():
        print(pair)
        for key, m in scores.items():
            print(f"  {key:11s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} "
                  f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']})")
    for key, count in result["overlap"].items():
        print(f"{key}: {count}")


if __name__ == "__main__":
    main()
