"""YAML as rekg reads it: safe, dates left as text, every failure a :class:`DataError`.

PyYAML's safe loader turns an unquoted ``2025-02-30`` into a ``datetime.date`` and raises a
bare ``ValueError`` when the day does not exist; a document nested a few thousand levels
deep raises ``RecursionError``. Here timestamps stay strings (the schema's date cleaner
parses them strictly, with no rollover) and every failure names the file and line.
"""

from __future__ import annotations

from typing import Any

import yaml

from kg.errors import DataError

__all__ = ["load_yaml", "load_yaml_items"]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp type."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load(text: str, where: str, line_offset: int) -> tuple[Any, list[int]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        lines = ([child.start_mark.line + 1 + line_offset for child in node.value]
                 if isinstance(node, yaml.SequenceNode) else [])
        return data, lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        loc = f"{where}:{mark.line + 1 + line_offset}" if mark else where
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError(loc, f"malformed YAML: {problem}") from None
    except RecursionError:
        raise DataError(where, "YAML nested too deeply to read") from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise DataError(where, f"a YAML value cannot be read ({exc})") from None
    finally:
        loader.dispose()


def load_yaml(text: str, where: str, line_offset: int = 0) -> Any:
    """The YAML document in ``text``; ``where`` (a file name) and ``line_offset`` (lines before
    ``text`` in that file) locate errors."""
    return _load(text, where, line_offset)[0]


def load_yaml_items(text: str, where: str) -> tuple[Any, list[int]]:
    """The document and, when it is a list, the line each item starts on (1-based)."""
    return _load(text, where, 0)
