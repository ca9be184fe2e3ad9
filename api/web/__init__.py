"""The analysts' web page: server-rendered HTML (Jinja2) over the same store and
:mod:`kg.service` results as the JSON API, for people who do not write Cypher.

Pages (none of them in the OpenAPI schema):

- ``/``                      search with type filters
- ``/web/entity/{id}``       properties, relations grouped by predicate, every claim with its
                             sources (title, publisher, date, link), confidence, validity, quote;
                             an interactive neighbourhood graph (cytoscape.js)
- ``/web/graph/{id}``        the neighbourhood as cytoscape.js elements (JSON; the graph
                             expands with it when a node is opened)
- ``/web/spof``              single points of failure for a consumer, element and date
- ``/web/scenario``          shortfall per consumer when a country restricts exports
- ``/web/policies``          the policy timeline
- ``/web/report``            the headline report
- ``/web/neo4j-guide.html``  the Cypher cookbook as a Neo4j Browser guide (api/web/guide.py)

Every page works without JavaScript (plain links and GET forms, so the back button and
bookmarks work); the graphs are drawn by the vendored cytoscape.js under
``/web/static/vendor`` (no CDN at run time), with a table beside each graph holding the same
facts for keyboard and screen-reader users.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web.guide import router as guide_router
from api.web.views import router

__all__ = ["install_web", "STATIC_DIR"]

STATIC_DIR = Path(__file__).parent / "static"


def install_web(app: FastAPI) -> None:
    """Add the web pages and their static files (styles, scripts, vendored libraries)."""
    app.include_router(router)
    app.include_router(guide_router)  # the cookbook as a Neo4j Browser guide
    app.mount("/web/static", StaticFiles(directory=STATIC_DIR), name="web-static")
