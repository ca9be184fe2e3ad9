"""Which reader handles which file, and the order ``rekg build`` reads ``data/`` in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.errors import DataError
from kg.model import Batch
from loaders.datasets import comtrade, tabular, usgs

__all__ = ["discover", "load_file", "CSV_READERS"]

#: Readers for CSV layouts other than rekg's own, tried in order: (sniff(header), read(path)).
CSV_READERS: list[tuple[Callable[[list[str]], bool], Callable[[Path], Batch]]] = [
    (usgs.is_usgs_world, usgs.read_usgs_world),
    (comtrade.is_comtrade, comtrade.read_comtrade),
]

_SKIP_NAMES = {"README.md", "FORMAT.md"}


def _header(path: Path) -> list[str]:
    text = tabular.read_text(path)
    first = text.splitlines()[0] if text.strip() else ""
    return [h.strip().strip('"') for h in first.split(",")]


def load_file(path: Path) -> Batch:
    """Read one data file into a batch (nothing is written)."""
    if not path.exists():
        raise DataError(str(path), "no such file")
    if path.is_dir():
        raise DataError(str(path), "is a directory; pass files, or use `rekg build` for data/")
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return tabular.read_sources_yaml(path)
    if suffix == ".csv":
        header = _header(path)
        for sniff, read in CSV_READERS:
            if sniff(header):
                return read(path)
        return tabular.read_csv(path)
    raise DataError(str(path), f"unknown file type {suffix or '(none)'!r}; expected .csv or "
                               "sources .yaml (articles: .txt, .md, .html, .xml, .jsonl)")


def discover(data_dir: Path) -> list[Path]:
    """The dataset files under ``data_dir`` in load order: sources first, then CSVs.

    Companion files (``*.meta.yaml``) and documentation are skipped; ``articles/`` is the
    article loader's.
    """
    if not data_dir.is_dir():
        raise DataError(str(data_dir), "data directory not found")
    files = [
        p for p in sorted(data_dir.rglob("*"))
        if p.is_file() and p.name not in _SKIP_NAMES and "articles" not in p.relative_to(data_dir).parts
        and not p.name.endswith(".meta.yaml") and p.suffix.lower() in {".csv", ".yaml", ".yml"}
    ]
    sources = [p for p in files if p.suffix.lower() in {".yaml", ".yml"}]
    return sources + [p for p in files if p not in sources]
