"""Throughput of the article extractor (MB of text per second, one core).

    .venv/bin/python bench/articles_throughput.py [--mb 8] [--runs 3] [--join 10] [--root DIR]

Reads the articles under data/articles/ once, then extracts them over and over until
``--mb`` megabytes of text have been processed (sentences, gazetteer matches, candidates,
relation rules), and also times building the Batch (pydantic records). Prints the median of
``--runs`` runs. The gazetteer is built from the graph of the bundled data/ (dataset files).

Besides wall-clock MB/s it prints MB per CPU-second of this process (``time.process_time``),
which a shared machine disturbs less. ``--root DIR`` imports the extractor (and the graph
fixture) from another checkout, e.g. ``git archive <commit> | tar -x -C DIR``, so that two
versions can be measured alternately in the same minutes with the same script.

``--count-pass`` runs one warm pass over the texts (after one pass that fills the caches, as the
repeated runs do) inside ``functools.reduce``, for an instruction count that the load of a
shared machine does not disturb::

    valgrind --tool=callgrind --toggle-collect=functools_reduce --callgrind-out-file=/tmp/cg.out \\
        .venv/bin/python bench/articles_throughput.py --join 10 --count-pass [--root DIR]

(callgrind counts only what runs inside that C function: "Collected" is the pass's instructions).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if "--root" in sys.argv[:-1]:
    _ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(_ROOT))

from loaders.articles import Gazetteer, article_batch, extract_article, read_articles  # noqa: E402
from tests.articles.fixture import ARTICLES_DIR, data_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--join", type=int, default=1,
                        help="join this many articles into one (news articles run 3-10 kB; "
                             "ours are ~0.65 kB paraphrases)")
    parser.add_argument("--root", type=Path, default=_ROOT,
                        help="the checkout to import the extractor from (default: this one)")
    parser.add_argument("--count-pass", action="store_true",
                        help="one warm pass inside functools.reduce, for valgrind (see the docstring)")
    args = parser.parse_args()
    store = data_store()
    t0 = time.perf_counter()
    gaz = Gazetteer.from_store(store)
    build_s = time.perf_counter() - t0
    articles = [a for p in sorted(ARTICLES_DIR.glob("*.md")) if p.name != "README.md"
                for a in read_articles(p).articles]
    if args.join > 1:
        from loaders.articles import Article

        texts = [a.text for a in articles] * args.join
        articles = [Article(text="\n".join(texts[i:i + args.join]), where=f"joined #{i}",
                            url=f"https://example.org/joined/{i}", title=f"joined {i}",
                            published=articles[0].published)
                    for i in range(0, len(texts), args.join)]
    size = sum(len(a.text.encode("utf-8")) for a in articles)
    if args.count_pass:
        for a in articles:  # fill the caches, as the repeated runs below do
            extract_article(a, gaz)
        n = functools.reduce(lambda n, a: n + len(extract_article(a, gaz).relations), articles, 0)
        print(f"text: {len(articles)} articles, {size} bytes, {n} relations: one pass counted")
        return
    reps = max(1, int(args.mb * 1e6 / size))
    total_mb = reps * size / 1e6
    extract_rates, batch_rates, cpu_rates = [], [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        c0 = time.process_time()
        extractions = [extract_article(a, gaz) for _ in range(reps) for a in articles]
        t1 = time.perf_counter()
        cpu_rates.append(total_mb / (time.process_time() - c0))
        sample = extractions[: len(articles) * max(1, reps // 10)]
        for x in sample:
            article_batch(x)
        t2 = time.perf_counter()
        extract_rates.append(total_mb / (t1 - t0))
        sample_mb = sum(len(x.article.text.encode("utf-8")) for x in sample) / 1e6
        batch_rates.append(sample_mb / ((t2 - t1) + (t1 - t0) * sample_mb / total_mb))
    print(f"gazetteer: {len(gaz)} patterns from {len(gaz.entities)} entities, built in {build_s * 1000:.0f} ms")
    print(f"text: {len(articles)} articles, {size / 1000:.1f} kB, repeated {reps}x = {total_mb:.1f} MB")
    print(f"extract (mentions+candidates+relations): median {statistics.median(extract_rates):.2f} MB/s "
          f"over {args.runs} runs ({', '.join(f'{r:.2f}' for r in extract_rates)})")
    print(f"extract, MB per CPU-second of this process: median {statistics.median(cpu_rates):.2f} "
          f"({', '.join(f'{r:.2f}' for r in cpu_rates)})")
    print(f"extract + Batch (pydantic claims), on a tenth of the text: median "
          f"{statistics.median(batch_rates):.2f} MB/s of text")


if __name__ == "__main__":
    main()
