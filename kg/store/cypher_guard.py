"""The text half of the read-only Cypher gateway: checks made before Neo4j sees a query.

Neo4j Community has fixed roles, so a user the server itself confines to reads without
admin commands cannot be created there (``CREATE USER … SET ROLE reader`` is Enterprise).
The gateway therefore checks every analyst query twice: here, on its text, with limits
and a list of clause kinds; then on the plan Neo4j compiles (``Neo4jStore.check_read_only``).

On the text (comments, string literals and backquoted names blanked first):

- size: at most ``max_chars`` characters and ``max_depth`` nested brackets (Neo4j's parser
  overflows its stack on a few thousand parentheses and then answers after minutes);
- clause kinds: administration and writing words (``SHOW``, ``TERMINATE``, ``CREATE`` …) are
  refused wherever they stand as a keyword; ``CALL`` must open a subquery or name a
  procedure in the allowlist;
- work Neo4j cannot interrupt: a ``reduce``/list comprehension over ``range(…)`` runs inside
  one expression, where the server does not check for termination (issue 13: a terminated
  ``reduce`` over ``range(1, 20000000)`` kept a core busy until restart). So every
  ``range`` must have literal or parameter bounds and all ranges together at most
  ``max_range`` elements; list parameters are capped the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kg.errors import QueryFailedError, QueryRejectedError

__all__ = ["GuardLimits", "DENIED_KEYWORDS", "check_text", "check_parameters", "strip_literals"]

#: Words that start administration or write clauses; refused as keywords anywhere.
DENIED_KEYWORDS = frozenset({
    "SHOW", "TERMINATE", "CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP",
    "ALTER", "GRANT", "DENY", "REVOKE", "LOAD", "FOREACH", "RENAME", "USE", "PROFILE",
    "EXPLAIN", "INSERT", "DEALLOCATE", "REALLOCATE", "DATABASE", "DATABASES",
    "TRANSACTIONS", "PERIODIC", "ENABLE", "DRYRUN",
})


@dataclass(frozen=True)
class GuardLimits:
    max_chars: int = 4000
    max_depth: int = 24
    max_range: int = 10_000
    max_param_items: int = 10_000
    max_param_chars: int = 2000
    max_param_depth: int = 8


_TOKEN = re.compile(
    r"""(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))"""
    r"""|(?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))"""
    r"""|(?P<quoted>`(?:[^`]|``)*(?:`|\Z))""",
    re.S,
)


def strip_literals(query: str) -> str:
    """``query`` with comments, strings and backquoted names replaced by spaces of equal length
    (so positions still match), leaving only Cypher syntax to inspect."""
    def blank(match: re.Match[str]) -> str:
        kind = match.lastgroup
        text = match.group(0)
        if kind == "string":
            return "'" + " " * max(0, len(text) - 2) + "'" if len(text) >= 2 else " "
        if kind == "quoted":
            return "`" + "x" * max(0, len(text) - 2) + "`" if len(text) >= 2 else " "
        return " " * len(text)
    return _TOKEN.sub(blank, query)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PROC_NAME = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*)")
_RANGE = re.compile(r"\brange\s*\(", re.I)
_INT = re.compile(r"\s*([+-]?[0-9]+)\s*$")
_PARAM = re.compile(r"\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*$")


def _keywords(code: str) -> list[tuple[str, int]]:
    """Words that stand as keywords: not a property (``n.set``), label (``:Show``), parameter
    (``$use``), map key (``{set: 1}``) or function name (``exists(``; no function is named
    like a denied keyword, so ``CREATE (`` still counts)."""
    out = []
    for match in _WORD.finditer(code):
        start, end = match.span()
        before = code[:start].rstrip()[-1:]
        after = code[end:].lstrip()[:1]
        word = match.group(0).upper()
        if before in {".", ":", "$"} or after == ":" or (after == "(" and word not in DENIED_KEYWORDS | {"CALL"}):
            continue
        out.append((word, start))
    return out


def _depth(code: str) -> int:
    depth = best = 0
    for char in code:
        if char in "([{":
            depth += 1
            best = max(best, depth)
        elif char in ")]}":
            depth -= 1
    return best


def _split_args(code: str, open_at: int) -> tuple[list[str], int]:
    """The top-level comma-separated arguments of the call whose '(' is at ``open_at``."""
    depth, args, start = 0, [], open_at + 1
    for i in range(open_at, len(code)):
        char = code[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                args.append(code[start:i])
                return args, i
        elif char == "," and depth == 1:
            args.append(code[start:i])
            start = i + 1
    return args, len(code)


def _range_size(args: list[str], params: dict[str, Any], limits: GuardLimits) -> int:
    values = []
    for arg in args:
        lit, par = _INT.match(arg), _PARAM.match(arg)
        if lit:
            values.append(int(lit.group(1)))
        elif par and isinstance(params.get(par.group(1)), int) and not isinstance(params.get(par.group(1)), bool):
            values.append(params[par.group(1)])
        else:
            raise QueryFailedError(
                "range() takes integer literals or integer parameters here (its size is checked "
                f"before the query runs), got range({', '.join(a.strip() for a in args)})",
                "cypher_too_complex")
    if len(values) not in (2, 3):
        raise QueryFailedError("range() takes a start, an end and an optional step", "cypher_too_complex")
    start, end = values[0], values[1]
    step = values[2] if len(values) == 3 else 1
    if step == 0:
        raise QueryFailedError("range() step must not be 0", "cypher_too_complex")
    return max(0, (end - start) // step + 1)


def check_text(query: str, params: dict[str, Any] | None, procedures: frozenset[str],
               limits: GuardLimits = GuardLimits()) -> None:
    """Refuse (:class:`QueryRejectedError`) a query the gateway does not pass to Neo4j."""
    params = params or {}
    if not query.strip():
        raise QueryRejectedError("the query is empty")
    if len(query) > limits.max_chars:
        raise QueryFailedError(f"the query has {len(query)} characters; at most {limits.max_chars} are accepted",
                               "cypher_too_complex")
    code = strip_literals(query)
    depth = _depth(code)
    if depth > limits.max_depth:
        raise QueryFailedError(f"the query nests brackets {depth} deep; at most {limits.max_depth} levels are accepted",
                               "cypher_too_complex")
    if ";" in code.strip().rstrip(";"):
        raise QueryRejectedError("one statement per query (found ';' between statements)")
    for word, pos in _keywords(code):
        if word in DENIED_KEYWORDS:
            raise QueryRejectedError(
                f"{word} (at offset {pos}) is not allowed: this endpoint runs read queries only "
                "(MATCH, OPTIONAL MATCH, WITH, UNWIND, WHERE, RETURN, UNION, CALL of an allowed "
                "procedure or a read subquery)")
        if word == "CALL":
            rest = code[pos + 4:]
            if rest.lstrip()[:1] in {"{", "("}:
                continue  # a subquery: its clauses are checked like the rest
            name = _PROC_NAME.match(rest)
            proc = re.sub(r"\s+", "", name.group(1)) if name else ""
            if proc not in procedures:
                raise QueryRejectedError(
                    f"procedure {proc or '(none)'} is not allowed; allowed: {', '.join(sorted(procedures))}")
    total = 1
    for match in _RANGE.finditer(code):
        args, _ = _split_args(code, match.end() - 1)
        total *= max(1, _range_size(args, params, limits))
        if total > limits.max_range:
            raise QueryFailedError(
                f"range() calls here would make {total} elements; at most {limits.max_range} are "
                "accepted (Neo4j cannot stop a long computation inside one expression)",
                "cypher_too_complex")


def _bad_parameter(message: str) -> QueryFailedError:
    return QueryFailedError(message, "cypher_bad_parameter")


def _param_size(value: Any, depth: int, limits: GuardLimits, name: str) -> int:
    if depth > limits.max_param_depth:
        raise _bad_parameter(f"parameter {name!r} nests more than {limits.max_param_depth} levels")
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise _bad_parameter(f"parameter {name!r}: integer {value} does not fit in 64 bits")
        return 1
    if isinstance(value, float):
        return 1
    if isinstance(value, str):
        if len(value) > limits.max_param_chars:
            raise _bad_parameter(f"parameter {name!r}: a string of {len(value)} characters; at most "
                                     f"{limits.max_param_chars}")
        return 1
    if isinstance(value, list):
        return 1 + sum(_param_size(v, depth + 1, limits, name) for v in value)
    if isinstance(value, dict):
        return 1 + sum(_param_size(v, depth + 1, limits, name) for v in value.values())
    raise _bad_parameter(f"parameter {name!r}: unsupported value {type(value).__name__}")


def check_parameters(params: dict[str, Any] | None, limits: GuardLimits = GuardLimits()) -> None:
    """Parameters fit in Neo4j's types, and no list can feed a long uninterruptible loop."""
    total = 0
    for name, value in (params or {}).items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(name)):
            raise _bad_parameter(f"parameter name {name!r}: expected letters, digits and '_'")
        total += _param_size(value, 0, limits, name)
        if total > limits.max_param_items:
            raise _bad_parameter(f"parameters hold more than {limits.max_param_items} values")
