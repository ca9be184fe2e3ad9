"""Issue 13: hypothesis-generated hostile files against `rekg load` (the real CLI, in process):
each loads or exits 2, the store opens afterwards and holds what it held before (plus the
file, when it loaded). See tests/hardening/fuzz.py; the larger run's counts are in
docs/hardening.md."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from kg.store.memory import MemoryStore
from loaders.datasets import load_file
from tests.conftest import FIXTURE_FILES, FIXTURES
from tests.hardening.fuzz import check_one, hostile_file

COUNTS: Counter = Counter()


def _home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("fuzz-home")
    store = MemoryStore(home / "graph.json")
    for name in FIXTURE_FILES:
        store.write(load_file(FIXTURES / name))
    return home


def test_hostile_files_load_or_exit_2(tmp_path_factory) -> None:
    home = _home(tmp_path_factory)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(hostile_file)
    def run(case: tuple[str, bytes]) -> None:
        check_one(home, case[0], case[1], COUNTS)

    run()
    assert COUNTS["tried"] >= 25 and COUNTS["crashed"] == 0 and COUNTS["unreadable"] == 0
    assert COUNTS["refused"] > 0
