"""Dataset loaders: the generic schema-driven CSV/YAML reader and source-specific layouts."""

from loaders.datasets.registry import discover, load_file

__all__ = ["discover", "load_file"]
