"""Snapshot of the article extractor's full output, to show a speed change leaves it unchanged.

    .venv/bin/python bench/articles_snapshot.py --write /tmp/before.json
    .venv/bin/python bench/articles_snapshot.py --check /tmp/before.json

Extracts every article of every set (data/articles/ = ``dev``, tests/articles/dev/ = ``dev2``,
tests/articles/dev3/, tests/articles/dev4/ — outputs only: no gold is read) and, so that
long texts are covered too, the bundled articles joined 10 at a time as
``bench/articles_throughput.py --join 10`` builds them. For each it records
:meth:`Extraction.to_json` plus what that leaves out (sentence spans, every mention in order
with its sentence and flag, the relations' rules in order). ``--check`` rewrites the snapshot in
memory and compares it byte for byte with the file, printing the first articles that differ.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.articles import Article, Gazetteer, extract_article, read_articles  # noqa: E402
from tests.articles.fixture import ARTICLES_DIR, data_store  # noqa: E402

HERE = Path(__file__).resolve().parent.parent / "tests" / "articles"
FOLDERS = {"dev": ARTICLES_DIR, "dev2": HERE / "dev", "dev3": HERE / "dev3", "dev4": HERE / "dev4"}


def _articles() -> list[tuple[str, Article]]:
    out: list[tuple[str, Article]] = []
    for name, folder in FOLDERS.items():
        for path in sorted(folder.iterdir()):
            if path.name == "README.md" or not path.is_file():
                continue
            for k, article in enumerate(read_articles(path).articles):
                out.append((f"{name}/{path.name}#{k}", article))
    bundled = [a for p in sorted(ARTICLES_DIR.glob("*.md")) if p.name != "README.md"
               for a in read_articles(p).articles]
    texts = [a.text for a in bundled] * 10
    for i in range(0, len(texts), 10):
        out.append((f"joined/{i}", Article(text="\n".join(texts[i:i + 10]), where=f"joined #{i}",
                                           url=f"https://example.org/joined/{i}", title=f"joined {i}",
                                           published=bundled[0].published)))
    return out


def snapshot() -> dict[str, object]:
    gaz = Gazetteer.from_store(data_store())
    result: dict[str, object] = {}
    for key, article in _articles():
        x = extract_article(article, gaz)
        result[key] = {
            "json": x.to_json(),
            "sentences": [[s.start, s.end] for s in x.sentences],
            "mentions": [[m.start, m.end, m.id, m.type, m.sentence, m.flag] for m in x.mentions],
            "rules": [[r.subject, r.predicate, r.object, r.rule, r.confidence] for r in x.relations],
        }
    return result


def dump(result: dict[str, object]) -> str:
    return json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--check", type=Path)
    args = parser.parse_args()
    result = snapshot()
    text = dump(result)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"{len(result)} articles, {len(text.encode())} bytes → {args.write}")
        return
    before = json.loads(args.check.read_text(encoding="utf-8"))
    if text == args.check.read_text(encoding="utf-8"):
        print(f"identical: {len(result)} articles, {len(text.encode())} bytes")
        return
    differ = [k for k in sorted(set(before) | set(result)) if before.get(k) != result.get(k)]
    print(f"DIFFERENT: {len(differ)} of {len(result)} articles, e.g. {differ[:5]}")
    sys.exit(1)


if __name__ == "__main__":
    main()
