"""Companion files: ``<data>.meta.yaml`` beside a dataset in a foreign layout says which
source it is and what its columns mean where the layout itself does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.errors import DataError
from kg.yamlio import load_yaml
from loaders.datasets.tabular import read_text

__all__ = ["read_meta"]


def read_meta(data_path: Path, required: tuple[str, ...] = ("source",)) -> dict[str, Any]:
    """The companion of ``data_path`` (``x.csv`` → ``x.meta.yaml``), with required keys checked."""
    path = data_path.with_suffix(".meta.yaml")
    if not path.exists():
        raise DataError(str(data_path), f"needs a companion {path.name} naming at least "
                                        f"{', '.join(required)} (see data/FORMAT.md)")
    meta = load_yaml(read_text(path), str(path)) or {}
    if not isinstance(meta, dict):
        raise DataError(str(path), "expected a mapping")
    for key in required:
        if not meta.get(key):
            raise DataError(str(path), f"key {key!r} is required")
    return meta
