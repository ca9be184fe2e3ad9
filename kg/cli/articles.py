"""``rekg extract FILE [--json]``: what an article says, without writing anything."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.common import JsonOpt, cli_command, cli_store, console, print_json

__all__ = ["extract"]


@cli_command
def extract(
    file: Annotated[Path, typer.Argument(help="An article: .txt .md .html .xml (RSS/Atom) .jsonl")],
    json_out: JsonOpt = False,
) -> None:
    """Extract entities, candidates and claims from an article without writing anything."""
    from loaders import extract_file

    with cli_store() as store:
        data = extract_file(file, store)
    if json_out:
        print_json(data)
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
