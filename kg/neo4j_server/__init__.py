"""Start, stop and query the status of a local Neo4j Community server run from Maven Central jars.

The server is Neo4j Community 5.26 LTS, pinned in ``neo4j/pom.xml`` and fetched by Maven into a
shared cache (``~/.cache/rekg/neo4j-<version>/lib``); no Docker, no tarball. Each server lives in a
*home* directory::

    H/conf/neo4j.conf          written by start() on every start
    H/data  H/logs  H/run      the server's own files (H/logs/console.log: its stdout/stderr)
    H/plugins  H/import        put plugin jars (e.g. APOC) in H/plugins
    H/run/rekg-neo4j.pid       the JVM's PID, written by start(), removed by stop()
    H/run/rekg-neo4j.json      uri, port, auth, pid, version of the running server

Library use::

    info = start(home, pom_dir=REPO / "neo4j", password="...")   # or auth=False
    ...  neo4j.GraphDatabase.driver(info.uri, auth=("neo4j", "...")) ...
    stop(home)

Command line: ``rekg neo4j start|stop|status|jars`` (:mod:`kg.cli.neo4j`; ``start`` prints
only the URI on stdout, so scripts can do ``uri=$(rekg neo4j start --home H --no-auth)``).

Modules: :mod:`~kg.neo4j_server.jars` (Maven, Java), :mod:`~kg.neo4j_server.conf` (the generated
``neo4j.conf``), :mod:`~kg.neo4j_server.procs` (processes and run files),
:mod:`~kg.neo4j_server.server` (start, stop, status), :mod:`~kg.neo4j_server.importer`
(``neo4j-admin database import full``). This is development tooling: the store
(:mod:`kg.store.neo4j`) talks to any Neo4j and never imports it.

See ``neo4j/README.md`` for the configuration chosen and why.
"""

from kg.neo4j_server.base import DEFAULT_POM_DIR, Neo4jServerError, ServerInfo
from kg.neo4j_server.importer import import_full
from kg.neo4j_server.jars import default_lib_dir, ensure_jars, neo4j_version
from kg.neo4j_server.procs import _is_server_jvm, _server_jvms
from kg.neo4j_server.server import start, status, stop

__all__ = [
    "Neo4jServerError",
    "ServerInfo",
    "DEFAULT_POM_DIR",
    "neo4j_version",
    "default_lib_dir",
    "ensure_jars",
    "start",
    "stop",
    "status",
    "import_full",
    "_is_server_jvm",
    "_server_jvms",
]
