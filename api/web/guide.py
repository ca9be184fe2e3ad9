"""The Cypher cookbook (docs/cypher.md) as a Neo4j Browser guide, served at
``/web/neo4j-guide.html``.

Neo4j Browser 5 opens a guide from a URL in its sidebar with ``:guide <url>`` (or a Browser
address with ``?cmd=guide&arg=<url>``): an HTML page whose ``<slide>`` elements are the pages
of the guide, where clicking a ``<pre class="runnable">`` puts its text into the editor. Each
recipe is one slide: its question, a ``:param`` line when it takes parameters, the query, and
what "Today" says. The queries are the ones ``tests/neo4j/test_cookbook.py`` runs and checks.

Browser fetches the guide from its own page (another origin: the Neo4j server's HTTP port),
with ``Pragma``/``Cache-Control`` (and Sentry's tracing) headers, so this route answers the CORS preflight and allows
any origin: the page is public documentation and carries no credentials. Browser also checks
the guide's host against the server's ``browser.remote_content_hostname_whitelist`` (its name in Neo4j 5.26); the
server of ``rekg neo4j start`` allows ``localhost`` and ``127.0.0.1`` (before a connection
Browser knows only its default list, ``localhost``, so links made here name ``localhost``).
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

__all__ = ["router", "GUIDE_PATH", "guide_url", "guide_link", "cypher_map"]

router = APIRouter(include_in_schema=False)

GUIDE_PATH = "/web/neo4j-guide.html"
_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, OPTIONS",
         "Access-Control-Allow-Headers": "pragma, cache-control", "Access-Control-Max-Age": "600"}


def cypher_map(params_json: str) -> str:
    """The JSON parameters of a recipe as a Cypher map literal for Browser's ``:param``
    (``{"date": "2025-06-01"}`` -> ``{date: '2025-06-01'}``)."""
    def lit(v: Any) -> str:
        if isinstance(v, str):
            return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None:
            return "null"
        if isinstance(v, list):
            return "[" + ", ".join(lit(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"`{k}`: {lit(x)}" if not str(k).isidentifier() else f"{k}: {lit(x)}"
                                   for k, x in v.items()) + "}"
        return json.dumps(v)

    return lit(json.loads(params_json))


def guide_url(request: Request) -> str:
    """This server's guide address; a loopback IP becomes ``localhost``, which Browser allows
    by default even before it has read the server's allowlist."""
    url = urlsplit(str(request.url_for("neo4j_guide")))
    host = url.hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        netloc = "localhost" + (f":{url.port}" if url.port else "")
        url = url._replace(netloc=netloc)
    return urlunsplit(url)


def guide_link(browser: str, guide: str) -> str:
    """A Neo4j Browser address that opens ``guide`` in its sidebar."""
    sep = "&" if "?" in browser else "?"
    return f"{browser}{sep}cmd=guide&arg={quote(guide, safe='')}"


@router.options(GUIDE_PATH)
def neo4j_guide_preflight(request: Request) -> Response:
    """The CORS preflight: Browser's fetch sends ``pragma``, ``cache-control`` and its error
    reporter's ``sentry-trace`` / ``baggage``; the headers asked for are allowed (no
    credentials are involved)."""
    asked = request.headers.get("access-control-request-headers")
    return Response(status_code=204, headers=_CORS | ({"Access-Control-Allow-Headers": asked} if asked else {}))


@router.get(GUIDE_PATH, response_class=HTMLResponse, name="neo4j_guide")
def neo4j_guide(request: Request) -> HTMLResponse:
    from api.web.views import cookbook, templates

    recipes = cookbook()
    for r in recipes:
        r["param_line"] = f":param {cypher_map(r['params'])}" if r["params"] else None
    response = templates.TemplateResponse(request, "neo4j-guide.html", {"recipes": recipes})
    response.headers.update(_CORS)
    return response
