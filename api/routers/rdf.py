"""RDF: GET /export (Turtle, N-Triples, JSON-LD by content negotiation, streamed),
GET /ontology (the OWL ontology generated from the schema) and GET /id/{type}/{slug}
(one entity's IRI resolved: Turtle, JSON-LD, N-Triples or an HTML page)."""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from api.deps import SettingsDep, StoreDep
from api.errors import ApiError

router = APIRouter(tags=["rdf"])

MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
_BY_MEDIA = {v: k for k, v in MEDIA_TYPES.items()} | {"application/json": "jsonld", "text/plain": "nt"}
_HTML_MEDIA = {"text/html": "html", "application/xhtml+xml": "html"}

if TYPE_CHECKING:
    from kg.rdf.namespace import Obj, Vocab
    from kg.rdf.triples import Description


def _negotiate(accept: str | None, html_too: bool = False) -> str:
    """The first acceptable format in the Accept header (q-values respected); Turtle for */*.
    With ``html_too``, text/html is one of them (a browser gets the page)."""
    by_media = _BY_MEDIA | (_HTML_MEDIA if html_too else {})
    if not accept:
        return "ttl"
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, i, media.lower()))
    offered = [*MEDIA_TYPES.values(), *(["text/html"] if html_too else [])]
    for q, _, media in sorted(ranked):
        if q == 0:
            continue
        if media in by_media:
            return by_media[media]
        if media in ("*/*", "text/*", "application/*"):
            return "ttl"
    raise ApiError(406, f"cannot produce {accept!r}; ask for one of {', '.join(offered)}")


def _stream(path: Path, chunk: int = 1 << 16) -> Iterator[bytes]:
    try:
        with path.open("rb") as fh:
            while data := fh.read(chunk):
                yield data
    finally:
        path.unlink(missing_ok=True)


@router.get("/export", summary="The graph as RDF (Turtle, N-Triples or JSON-LD)",
            response_class=StreamingResponse,
            responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()},
                             "description": "The export, streamed."},
                       406: {"description": "No acceptable format."}})
def export(
    store: StoreDep, settings: SettingsDep,
    format: Annotated[Literal["ttl", "nt", "jsonld"] | None,
                      Query(description="Overrides the Accept header.")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Written to a temporary file first (N-Triples sorted in bounded memory), then streamed,
    so a failed export never sends half a graph."""
    from kg.rdf import export_to_path, vocab_for

    fmt = format or _negotiate(accept)
    fd, name = tempfile.mkstemp(prefix="rekg-export-", suffix=f".{fmt}")
    os.close(fd)
    path = Path(name)
    try:
        export_to_path(store, fmt, path, vocab_for(settings.base_iri))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    filename = f"rekg.{fmt if fmt != 'jsonld' else 'jsonld'}"
    return StreamingResponse(_stream(path), media_type=MEDIA_TYPES[fmt],
                             headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/ontology", summary="The OWL ontology (Turtle), generated from the schema",
            response_class=Response, responses={200: {"content": {"text/turtle": {}}}})
def ontology(settings: SettingsDep) -> Response:
    from kg.rdf import vocab_for
    from kg.rdf.ontology import ontology_turtle

    return Response(ontology_turtle(vocab_for(settings.base_iri)), media_type="text/turtle")


@router.get("/id/{type}/{slug}", summary="Resolve an entity or claim IRI (<base>id/{type}/{slug})",
            response_class=Response,
            responses={200: {"content": {**{m: {} for m in MEDIA_TYPES.values()}, "text/html": {}},
                             "description": "The entity, its claims and its neighbours' names."},
                       404: {"description": "No such entity or claim."},
                       406: {"description": "No acceptable format."}})
def resolve_id(
    type: str, slug: str, store: StoreDep, settings: SettingsDep,
    format: Annotated[Literal["ttl", "nt", "jsonld", "html"] | None,
                      Query(description="Overrides the Accept header.")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """The path of every entity IRI under the configured base: ``firm:lynas`` is
    ``<base>id/firm/lynas``, served here as ``GET /id/firm/lynas``. The description holds the
    entity's triples, the claims it is the subject or object of (claim node and plain
    triple) and the type and label of the entities they link it to."""
    from kg.errors import NotFoundError
    from kg.rdf import vocab_for
    from kg.rdf.resource import resource_descriptions, serialize

    vocab = vocab_for(settings.base_iri)
    prefixes = sorted(e.prefix for e in vocab.schema.entities.values()) + ["claim"]
    if type not in prefixes:
        raise NotFoundError(f"/id/{type}/…: {type!r} is not a type of rekg id; expected one of "
                            f"{', '.join(prefixes)}")
    fmt = format or _negotiate(accept, html_too=True)
    resource_id = f"{type}:{slug}"
    descriptions = resource_descriptions(store, resource_id, vocab)
    headers = {"Vary": "Accept"}
    if fmt == "html":
        return HTMLResponse(_page(resource_id, descriptions, vocab), headers=headers)
    return Response(serialize(descriptions, fmt, vocab), media_type=MEDIA_TYPES[fmt],
                    headers=headers)


def _page(resource_id: str, descriptions: list[Description], vocab: Vocab) -> str:
    """A plain HTML page of the descriptions: one table per subject, links that stay here."""
    from kg.rdf.triples import DATA_LICENSE

    iri = vocab.entity_iri(resource_id)
    labels = {s: str(o[0]) for s, pairs in descriptions for p, o in pairs
              if p == "http://www.w3.org/2000/01/rdf-schema#label" and not isinstance(o, str)}
    esc = html.escape

    def link(target: str) -> str:
        text = labels.get(target) or vocab.qname(target) or target
        href = "/id/" + target[len(vocab.id_base):] if target.startswith(vocab.id_base) else target
        return f'<a href="{esc(href)}">{esc(text)}</a>'

    def cell(obj: Obj) -> str:
        return link(obj) if isinstance(obj, str) else esc(obj.lexical)

    title = labels.get(iri, resource_id)
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)} · rekg</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}"
        "td{border-top:1px solid #ddd;padding:.25rem .5rem;vertical-align:top}"
        "td:first-child{width:30%;color:#555}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p><code>{esc(iri)}</code> · also as "
        + ", ".join(f'<a href="?format={f}">{n}</a>' for f, n in
                    (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples")))
        + f' · data licence <a href="{DATA_LICENSE}">CC BY 4.0</a></p>',
    ]
    ordered = sorted(descriptions, key=lambda d: (d[0] != iri, d[0]))
    for subject, pairs in ordered:
        heading = "this entity" if subject == iri else link(subject)
        parts.append(f"<h2>{heading}</h2><table>")
        for pred, obj in pairs:
            parts.append(f"<tr><td>{esc(vocab.qname(pred) or pred)}</td><td>{cell(obj)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
