"""CLI for the article loader: ``rekg extract FILE [--json]`` (reads, never writes).

The lead wires :func:`register` into ``kg/cli.py``; ``rekg load`` and ``rekg build`` call
:func:`loaders.articles.load_article_file` / :func:`loaders.articles.build_article_batches`
for article files (``.txt .md .html .xml .rss .atom .jsonl``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["register", "extract_file"]


def extract_file(path: Path, store: Any) -> dict[str, Any]:
    """The ``rekg extract --json`` document for one file.

    A file with one article gives the DESIGN.md shape (``source``, ``entities``,
    ``candidates``, ``relations``) plus ``skipped``; a feed or JSONL file gives
    ``{"articles": [that shape, …], "skipped": [{"where", "reason"}]}``.
    """
    from kg.ids import source_id_for_url
    from loaders.articles import Gazetteer, extract_article, read_articles

    gaz = Gazetteer.from_store(store)
    result = read_articles(path)
    docs = []
    for article in result.articles:
        doc = extract_article(article, gaz).to_json()
        doc["source"]["id"] = source_id_for_url(article.url) if article.url else None
        docs.append(doc)
    if len(docs) == 1 and path.suffix.lower() not in {".xml", ".rss", ".atom", ".jsonl"}:
        return docs[0] | {"skipped": result.skipped}
    return {"articles": docs, "skipped": result.skipped}


def register(app: typer.Typer) -> None:
    """Add ``extract`` to the main app."""

    @app.command()
    def extract(
        file: Annotated[Path, typer.Argument(help="An article: .txt .md .html .xml (RSS/Atom) .jsonl")],
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    ) -> None:
        """Extract entities, candidates and claims from an article without writing anything."""
        from rich.table import Table

        from kg.cli import _fail, _print_json, _store, console
        from kg.errors import RekgError

        try:
            with _store() as store:
                data = extract_file(file, store)
            if json_out:
                _print_json(data)
                return
            for doc in data.get("articles", [data]):
                src = doc["source"]
                console.print(f"[bold]{src.get('title') or file.name}[/]  {src.get('url') or ''}  "
                              f"{src.get('published') or ''}")
                table = Table(title="entities")
                for col in ("id", "type", "name", "mentions"):
                    table.add_column(col)
                for ent in doc["entities"]:
                    table.add_row(ent["id"], ent["type"], ent["name"], str(len(ent["mentions"])))
                console.print(table)
                if doc["candidates"]:
                    console.print("candidates (not in the graph): " + "; ".join(
                        f"{c['name']} ({c['type']})" for c in doc["candidates"]))
                rel = Table(title="claims")
                for col in ("subject", "predicate", "object", "confidence", "sentence"):
                    rel.add_column(col)
                for r in doc["relations"]:
                    rel.add_row(r["subject"], r["predicate"], r["object"], f"{r['confidence']:.2f}",
                                r["evidence"]["sentence"][:90])
                console.print(rel)
            for item in data["skipped"]:
                console.print(f"skipped {item['where']}: {item['reason']}")
        except RekgError as exc:
            _fail(exc)
