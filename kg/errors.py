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
]


class RekgError(Exception):
    """Base of every error rekg raises on purpose; its message is meant for a person."""

    #: HTTP status the API maps this error to.
    status_code: int = 400


class SchemaError(RekgError):
    """The schema declaration is inconsistent, or something asks for a type/property it lacks."""


class CleanError(RekgError, ValueError):
    """A value does not fit its property's type.

    The message names the field, the value and what was expected, e.g.
    ``field 'published': expected an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), got '31/01/2025'``.
    """

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"field '{field}': expected {expected}, got {value!r}")


class DataError(RekgError):
    """A data file is malformed. ``location`` is ``FILE:LINE`` (or just ``FILE``)."""

    def __init__(self, location: str, message: str) -> None:
        self.location = location
        self.detail = message
        super().__init__(f"{location}: {message}")


class ConflictError(DataError):
    """Input would replace something it may not (an article over a curated source)."""

    status_code = 409


class ResolveError(RekgError):
    """A name could not be turned into exactly one entity id."""


class UnknownNameError(ResolveError):
    status_code = 404


class AmbiguousNameError(ResolveError):
    """A name matches several entities; ``candidates`` lists their ids."""

    status_code = 409

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = candidates
        super().__init__(
            f"name {name!r} is ambiguous: it matches {', '.join(candidates)}; use one of these ids"
        )


class NotFoundError(RekgError):
    status_code = 404


class StoreError(RekgError):
    status_code = 500


class StoreUnavailableError(StoreError):
    status_code = 503


class QueryRejectedError(RekgError):
    """A query sent to a read-only endpoint would write, load files or call a procedure
    outside the allowlist."""

    status_code = 403
