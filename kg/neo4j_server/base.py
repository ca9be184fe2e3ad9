"""Shared names of the local Neo4j launcher: its error, what a running server is, file names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.config import POM_DIR
from kg.errors import RekgError

__all__ = ["Neo4jServerError", "ServerInfo", "DEFAULT_POM_DIR", "ENTRY_POINT", "ADMIN_TOOL", "USER",
           "PID_FILE", "INFO_FILE", "LOCK_FILE", "CONSOLE_LOG", "LOG_TAIL_LINES"]

#: ``neo4j/`` (the repository's, or the installed copy): the pom that pins the server version.
DEFAULT_POM_DIR = POM_DIR

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
USER = "neo4j"

PID_FILE = "rekg-neo4j.pid"
INFO_FILE = "rekg-neo4j.json"
LOCK_FILE = "rekg-neo4j.lock"
CONSOLE_LOG = "console.log"
LOG_TAIL_LINES = 30



class Neo4jServerError(RekgError, RuntimeError):
    """A local Neo4j server could not be fetched, started or stopped; the message says what to do."""


@dataclass(frozen=True)
class ServerInfo:
    uri: str
    pid: int
    home: Path
    port: int
    auth: bool
    #: HTTP port on 127.0.0.1 serving Neo4j Browser, or None (started with --no-browser).
    http_port: int | None = None

    @property
    def browser_url(self) -> str | None:
        """Neo4j Browser's address, opened already pointed at this server's Bolt URI."""
        if not self.http_port:
            return None
        return f"http://127.0.0.1:{self.http_port}/browser/?dbms={self.uri}"


