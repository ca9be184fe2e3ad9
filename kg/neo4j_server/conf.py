"""The generated ``neo4j.conf`` and the JVM's memory and flags."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from kg.neo4j_server.base import Neo4jServerError

__all__ = ["HEAP_INITIAL", "HEAP_MAX", "PAGECACHE", "JVM_FLAGS", "server_config", "write_config",
           "jvm_memory"]

#: Memory for a 2-core / 24 GiB machine shared with the test suite (see neo4j/README.md).
HEAP_INITIAL = "512m"
HEAP_MAX = "1g"
PAGECACHE = "512m"

#: JVM flags. The --add-opens are the ones Neo4j's own launcher passes on Java 17+: without
#: java.nio the page cache falls back to a slower mode (it logs a WARN, it does not fail), without
#: sun.nio.ch / java.io the native transaction-log preallocation and fadvise calls fail with
#: "Incorrect file descriptor". The rest mirror the launcher's defaults.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)

_MEMORY_RE = re.compile(r"^\s*(\d+)\s*([kKmMgGtT]?)[bB]?\s*$")



def server_config(home: Path, port: int, auth: bool, extra: Mapping[str, str] | None,
                  http_port: int | None = None) -> dict[str, str]:
    """The settings of a local server: Bolt on loopback; with ``http_port`` also the HTTP
    connector on loopback, which serves Neo4j Browser at ``/browser/`` (its jar is on the
    classpath, from neo4j/pom.xml)."""
    conf = {
        # Bolt on loopback; HTTP (Neo4j Browser) on loopback too, or off (--no-browser).
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.advertised_address": f"127.0.0.1:{port}",
        "server.http.enabled": "true" if http_port else "false",
        "server.https.enabled": "false",
        # Small, fixed memory: the machine is shared with the test suite and other services.
        "server.memory.heap.initial_size": HEAP_INITIAL,
        "server.memory.heap.max_size": HEAP_MAX,
        "server.memory.pagecache.size": PAGECACHE,
        # A runaway query must not hang a test run or the API.
        "db.transaction.timeout": "60s",
        # Memory per transaction and for all of them: a query that builds huge lists or
        # aggregations is stopped by the server (issue 13) before it starves the heap.
        "db.memory.transaction.max": "256m",
        "dbms.memory.transaction.total.max": "600m",
        "db.lock.acquisition.timeout": "60s",
        "db.tx_log.rotation.retention_policy": "1G size",
        "dbms.security.auth_enabled": "true" if auth else "false",
        # No traffic leaves this machine (Browser included: no product analytics).
        "dbms.usage_report.enabled": "false",
        "client.allow_telemetry": "false",
        # Browser opens guides (`:guide <url>`) only from these hosts: rekg serve's cookbook
        # guide (/web/neo4j-guide.html) on this machine, by name or by address.
        "browser.remote_content_hostname_whitelist": "guides.neo4j.com,localhost,127.0.0.1",
        # Everything under the home.
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        "server.directories.run": str(home / "run"),
        "server.directories.plugins": str(home / "plugins"),
        "server.directories.import": str(home / "import"),
        "server.directories.lib": str(home / "lib"),
        # Bolt's shutdown otherwise waits 2 x 5 s for idle connections and Netty's quiet period:
        # stop() takes ~1.5 s instead of ~12 s.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
        "internal.dbms.bolt.netty_server_shutdown_timeout": "2",
        "internal.server.bolt.connection_shutdown_wait_time": "1s",
        "internal.server.bolt.thread_pool_shutdown_wait_time": "1s",
    }
    if http_port:
        conf["server.http.listen_address"] = f"127.0.0.1:{http_port}"
        conf["server.http.advertised_address"] = f"127.0.0.1:{http_port}"
    if extra:
        conf.update({str(k): str(v) for k, v in extra.items()})
    return conf


def write_config(home: Path, conf: Mapping[str, str]) -> Path:
    path = home / "conf" / "neo4j.conf"
    lines = ["# Written by kg/neo4j_server on every start: edits here are overwritten.",
             "# Pass extra settings with start(..., config={...}) instead.", ""]
    lines += [f"{k}={v}" for k, v in conf.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def jvm_memory(value: str) -> str:
    """'512m' / '1g' / '1GiB' in neo4j.conf -> '512m' / '1g' for -Xms/-Xmx."""
    m = _MEMORY_RE.match(value.replace("i", "").replace("I", ""))
    if not m:
        raise Neo4jServerError(f"cannot read the memory size {value!r} (use e.g. 512m or 1g)")
    return m.group(1) + m.group(2).lower()


# --------------------------------------------------------------------------- processes
