"""RDF: GET /export (Turtle, N-Triples, JSON-LD by content negotiation, streamed) and
GET /ontology (the OWL ontology generated from the schema)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response, StreamingResponse

from api.deps import SettingsDep, StoreDep
from api.errors import ApiError

router = APIRouter(tags=["rdf"])

MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
_BY_MEDIA = {v: k for k, v in MEDIA_TYPES.items()} | {"application/json": "jsonld", "text/plain": "nt"}


def _negotiate(accept: str | None) -> str:
    """The first acceptable format in the Accept header (q-values respected); Turtle for */*."""
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
    for _, _, media in sorted(ranked):
        if media in _BY_MEDIA:
            return _BY_MEDIA[media]
        if media in ("*/*", "text/*", "application/*"):
            return "ttl"
    raise ApiError(406, f"cannot produce {accept!r}; ask for one of {', '.join(MEDIA_TYPES.values())}")


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
