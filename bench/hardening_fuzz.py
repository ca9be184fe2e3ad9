"""The fuzz run recorded in docs/hardening.md: N hypothesis-generated hostile files against
`rekg load` (the property of tests/hardening/fuzz.py), printing the counts as JSON.

    .venv/bin/python bench/hardening_fuzz.py 150
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.store.memory import MemoryStore  # noqa: E402
from loaders.datasets import load_file  # noqa: E402
from tests.conftest import FIXTURE_FILES, FIXTURES  # noqa: E402
from tests.hardening.fuzz import check_one, hostile_file  # noqa: E402


def main(n: int) -> dict[str, object]:
    counts: Counter = Counter()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store = MemoryStore(home / "graph.json")
        for name in FIXTURE_FILES:
            store.write(load_file(FIXTURES / name))

        @settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(hostile_file)
        def run(case: tuple[str, bytes]) -> None:
            try:
                check_one(home, case[0], case[1], counts)
            except AssertionError as exc:  # count and go on: the report lists them
                failures.append(str(exc)[:300])

        started = time.monotonic()
        run()
        counts["seconds"] = round(time.monotonic() - started)
    return {"counts": dict(counts), "failures": failures}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 150), indent=2))
