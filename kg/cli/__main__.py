"""``python -m kg.cli …`` is ``rekg …`` (for scripts that run a given interpreter)."""

from kg.cli import app

app()
