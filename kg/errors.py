"""Domain errors: each names where the problem is and what was expected."""

from __future__ import annotations

__all__ = [
    "RekgError",
    "CleanError",
    "DataError",
    "SchemaError",
    "ResolveError",
    "AmbiguousNameError",
    "UnknownNameError",
    "NotFoundError",
    "StoreError",
    "StoreUnavailableError",
    "QueryRejectedError",
    "QuerySyntaxError",
    "QueryFailedError",
    "QueryTimeoutError",
    "QueryTooLargeError",
    "QueryBusyError",
]


class RekgError(Exception):
    """Base of every error rekg raises on purpose; its message is meant for a person."""

    #: HTTP status the API maps this error to.
    status_code: int = 400
    #: Stable snake_case code for API clients (RFC 9457 problem ``code`` member).
    code: str = "bad_request"
    #: Extra members for the API's problem document (positions, candidates …).
    extra: dict[str, object] = {}


class SchemaError(RekgError):
    """The schema declaration is inconsistent, or something asks for a type/property it lacks."""

    code = "schema_error"


class CleanError(RekgError, ValueError):
    """A value does not fit its property's type.

    The message names the field, the value and what was expected, e.g.
    ``field 'published': expected an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), got '31/01/2025'``.
    """

    code = "invalid_value"

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"field '{field}': expected {expected}, got {value!r}")


class DataError(RekgError):
    """A data file is malformed. ``location`` is ``FILE:LINE`` (or just ``FILE``)."""

    code = "invalid_data"

    def __init__(self, location: str, message: str) -> None:
        self.location = location
        self.detail = message
        super().__init__(f"{location}: {message}")


class ConflictError(DataError):
    """Input would replace something it may not (an article over a curated source)."""

    status_code = 409


class ResolveError(RekgError):
    """A name could not be turned into exactly one entity id."""

    code = "unresolved_name"


class UnknownNameError(ResolveError):
    status_code = 404
    code = "unknown_name"


class AmbiguousNameError(ResolveError):
    """A name matches several entities; ``candidates`` lists their ids."""

    status_code = 409
    code = "ambiguous_name"

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = candidates
        self.extra = {"candidates": list(candidates)}
        super().__init__(
            f"name {name!r} is ambiguous: it matches {', '.join(candidates)}; use one of these ids"
        )


class NotFoundError(RekgError):
    status_code = 404
    code = "not_found"


class StoreError(RekgError):
    status_code = 500
    code = "store_error"


class StoreUnavailableError(StoreError):
    status_code = 503
    code = "store_unavailable"


class QueryRejectedError(RekgError):
    """A query sent to a read-only endpoint would write, load files or call a procedure
    outside the allowlist."""

    status_code = 403
    code = "query_not_read_only"


class QuerySyntaxError(RekgError):
    """Neo4j could not parse the query; ``extra`` holds its ``line``, ``column`` and ``offset``
    (1-based line and column, 0-based offset, in the query as sent)."""

    code = "cypher_syntax_error"

    def __init__(self, message: str, position: dict[str, int] | None = None) -> None:
        self.extra = dict(position or {})
        super().__init__(message)


class QueryFailedError(RekgError):
    """Neo4j refused to finish the query because of what it asked (division by zero, a missing
    parameter, a type error, the memory limit)."""

    code = "cypher_error"

    def __init__(self, message: str, code: str = "cypher_error") -> None:
        self.code = code
        super().__init__(message)


class QueryTimeoutError(RekgError):
    """The query ran past its time limit and was stopped."""

    status_code = 504
    code = "cypher_timeout"


class QueryTooLargeError(RekgError):
    """The result is larger than the response cap."""

    status_code = 422
    code = "cypher_result_too_large"


class QueryBusyError(RekgError):
    """Every slot for Cypher queries is taken (one may be stuck in the server)."""

    status_code = 503
    code = "cypher_busy"
