"""Sentence splitting with character spans, tuned for news text about trade and industry.

A sentence ends at ``.``, ``!`` or ``?`` (with closing quotes or brackets) followed by white
space, and at every line break (headlines, bullets and paragraphs are separate sentences).
A period does not end a sentence after a known abbreviation (``U.S.``, ``No.``, ``Inc.``,
``Oct.``, single initials) or when the next word starts in lower case or with a digit.
Rule-based on purpose: it runs at tens of MB/s, which a statistical splitter does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "finditer_at", "has_any", "literal_starts", "lowered", "search_at", "search_first", "split_sentences"]

# Lower-cased tokens (without their final period) after which a period is not an end.
_ABBREVIATIONS = {
    "u.s", "u.k", "u.n", "e.u", "p.r.c", "u.s.a", "no", "nos", "mr", "mrs", "ms", "dr", "prof",
    "inc", "ltd", "corp", "co", "plc", "llc", "bhd", "pty", "st", "mt", "ft", "jr", "sr", "vs",
    "e.g", "i.e", "etc", "approx", "est", "fig", "gov", "sen", "rep", "gen", "lt", "col",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "a.m", "p.m", "dept", "min", "max", "vol", "art", "para", "cf", "ca",
}
_CANDIDATE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)|\n")
_CANDIDATE_FIRST = (".", "!", "?", "\n")
_TOKEN_BEFORE = re.compile(r"(\S+?)[.!?]+[\"'”’)\]]*$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence and where it sits in the article text (``text[start:end]``)."""

    start: int
    end: int
    text: str


def has_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether any of ``words`` occurs in ``text`` (a substring test): the prefilter the mention
    finders and rules run before their regexes; a plain loop, cheaper than ``any()`` over a
    generator, which it replaces one for one.

    >>> has_any("export controls", ("ban", "control")), has_any("a deal", ("ban",))
    (True, False)
    """
    for word in words:
        if word in text:
            return True
    return False


def literal_starts(text: str, words: tuple[str, ...]) -> list[int]:
    """Where any of ``words`` occurs in ``text`` (every occurrence, overlapping ones too), sorted.

    >>> literal_starts("a plant, the plants", ("plant", "the"))
    [2, 9, 13]
    """
    out: list[int] = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            out.append(at)
            at = text.find(word, at + 1)
    out.sort()
    return out


def finditer_at(rx: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """``list(rx.finditer(text))`` for a pattern whose every match starts at one of ``starts``
    (sorted; e.g. the places of its literal first words, :func:`literal_starts`): the pattern
    is tried only there instead of at every character. Matches do not overlap, as with
    ``finditer``; the pattern must not match the empty string.

    >>> [m.group() for m in finditer_at(re.compile(r"\\bdeals?\\b"), "ideal deals, deal", [1, 6, 13])]
    ['deals', 'deal']
    """
    out: list[re.Match[str]] = []
    end = 0
    for at in starts:
        if at < end:
            continue
        m = rx.match(text, at)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


def search_at(rx: re.Pattern[str], text: str, starts: list[int]) -> re.Match[str] | None:
    """``rx.search(text)`` for a pattern whose every match starts at one of ``starts`` (sorted;
    e.g. :func:`literal_starts` of its first words in :func:`lowered` text): the leftmost match,
    the pattern tried only there instead of at every character.

    >>> search_at(re.compile(r"\\bsold\\b", re.I), "Unsold, then SOLD", [2, 13]).span()
    (13, 17)
    """
    for at in starts:
        m = rx.match(text, at)
        if m is not None:
            return m
    return None


def search_first(rx: re.Pattern[str], text: str, first: tuple[str, ...]) -> re.Match[str] | None:
    """``rx.search(text)`` for a pattern whose every match starts with one of the lower-case
    words ``first`` (in any case): :func:`search_at` at their places in the :func:`lowered`
    text, or a plain search when lowering moves characters.

    >>> search_first(re.compile(r"\\b(?:sold|ship\\w*)\\b", re.I), "Unsold; SHIPPED", ("sold", "ship")).group()
    'SHIPPED'
    """
    low = lowered(text)
    if low is None:
        return rx.search(text)
    return search_at(rx, text, literal_starts(low, first))


def lowered(text: str) -> str | None:
    """``text.lower()`` when it keeps every character at its place and holds no character that
    a case-insensitive pattern reads as an ASCII letter but ``lower()`` does not turn into one
    (dotless ı, long ſ); else None. Literal searches in it find where an ``re.I`` pattern over
    ``text`` can match.
    """
    low = text.lower()
    if len(low) != len(text) or "ı" in low or "ſ" in low:
        return None
    return low


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    if match.group()[0] != ".":  # "\n", "!", "?"
        return True
    nxt = match.end()
    while nxt < len(text) and text[nxt] in " \t":
        nxt += 1
    following = text[nxt] if nxt < len(text) else ""
    if following in ("", "\n", "\r"):
        return True
    if following.islower() or following.isdigit():
        return False  # (tested before the word before the period, which gives False too: speed)
    # the word before the period
    line_start = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    token = text[line_start:match.start()].lower().lstrip("(\"'“‘")
    if token in _ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isalpha():  # an initial: "J. Smith"
        return False
    return True


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with character spans (white space trimmed).

    >>> [s.text for s in split_sentences("The U.S. and China met. No. 18 took effect on Oct. 9.")]
    ['The U.S. and China met.', 'No. 18 took effect on Oct. 9.']
    >>> s = split_sentences("Title\\n\\nFirst one. Second one!")
    >>> [(x.start, x.end, x.text) for x in s]
    [(0, 5, 'Title'), (7, 17, 'First one.'), (18, 29, 'Second one!')]
    """
    out: list[Sentence] = []
    start = 0
    n = len(text)

    def emit(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append(Sentence(a, b, text[a:b]))

    # (speed: every candidate starts at one of these characters; finditer tried every position)
    for match in finditer_at(_CANDIDATE, text, literal_starts(text, _CANDIDATE_FIRST)):
        if _is_boundary(text, match):
            end = match.end() if match.group() != "\n" else match.start()
            emit(start, end)
            start = match.end()
    if start < n:
        emit(start, n)
    return out
