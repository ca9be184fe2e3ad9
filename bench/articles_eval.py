"""Entity and relation precision/recall of the article loader on the annotated set.

    .venv/bin/python bench/articles_eval.py [--json] [--verbose]

Gold: tests/articles/gold.yaml (articles in data/articles/, entity inventory in
tests/articles/fixtures). Entities are scored as (article, entity id) pairs; relations as
(article, subject, predicate, object) triples, properties not scored. MENTIONS claims are
not relations here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.articles import Gazetteer, extract_article, read_articles  # noqa: E402
from tests.articles.fixture import ARTICLES_DIR, fixture_store, load_gold  # noqa: E402


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "tp": tp, "fp": fp, "fn": fn}


def evaluate(verbose: bool = False) -> dict[str, object]:
    gold = load_gold()
    gaz = Gazetteer.from_store(fixture_store())
    ent = {"tp": 0, "fp": 0, "fn": 0}
    rel = {"tp": 0, "fp": 0, "fn": 0}
    errors: list[str] = []
    for name, want in gold.items():
        article = read_articles(ARTICLES_DIR / name).articles[0]
        x = extract_article(article, gaz)
        got_e = set(x.entity_ids())
        want_e = set(want["entities"])
        got_r = {(r.subject, r.predicate, r.object) for r in x.relations}
        want_r = {tuple(t) for t in want["relations"]}
        for key, got, exp in (("entity", got_e, want_e), ("relation", got_r, want_r)):
            acc = ent if key == "entity" else rel
            acc["tp"] += len(got & exp)
            acc["fp"] += len(got - exp)
            acc["fn"] += len(exp - got)
            errors += [f"{name}: {key} FP {item}" for item in sorted(got - exp, key=str)]
            errors += [f"{name}: {key} FN {item}" for item in sorted(exp - got, key=str)]
    result = {"articles": len(gold), "entities": _prf(**ent), "relations": _prf(**rel)}
    if verbose:
        result["errors"] = errors
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="list every false positive/negative")
    args = parser.parse_args()
    result = evaluate(args.verbose)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"articles: {result['articles']}")
    for key in ("entities", "relations"):
        m = result[key]
        print(f"{key:9s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} "
              f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']})")
    for line in result.get("errors", []):
        print("  " + line)


if __name__ == "__main__":
    main()
