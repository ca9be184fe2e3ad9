"""Refuse text that decoded as UTF-8 but is not what its author wrote.

UTF-8 decoding catches most wrong encodings, not all: UTF-7 is plain ASCII
(``+AOk-`` for ``é``), and Latin-1/Windows-1252 text that was once decoded wrongly and
saved again as UTF-8 shows as ``Ã©`` / ``â€™`` (mojibake). Control characters have no
place in a dataset either. :func:`check_text` names the line of the first such spot.
"""

from __future__ import annotations

import re

from kg.errors import DataError

__all__ = ["check_text"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f]")
_MOJIBAKE = re.compile(r"[ÂÃ][\u00a0-\u00bf]|â€[\u0080-\u00bf™œ˜š›žŸ\u2018-\u203a]|Ã[\u0080-\u009f]")
_UTF7 = re.compile(r"\+[A-Za-z0-9/]{3,}-?")
# what real UTF-7 text encodes: accented Latin letters and typographic punctuation
_EUROPEAN = re.compile(r"[\u00a0-\u024f\u2010-\u206f\u20ac]")


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _utf7_spot(text: str) -> tuple[int, str] | None:
    for match in _UTF7.finditer(text):
        token = match.group(0)
        try:
            decoded = token.encode("ascii").decode("utf-7")
        except (UnicodeDecodeError, UnicodeEncodeError):
            continue
        if decoded != token and _EUROPEAN.search(decoded) and decoded.strip("+-").isprintable():
            return match.start(), decoded
    return None


def check_text(text: str, where: str) -> str:
    """``text`` unchanged, or :class:`DataError` at ``where:LINE`` naming the problem."""
    if text.startswith(("+/v8", "+/v9", "+/v+", "+/v/")):
        raise DataError(f"{where}:1", "starts with a UTF-7 byte-order mark; re-save the file as UTF-8")
    bad = _CONTROL.search(text)
    if bad:
        char = bad.group(0)
        hint = (" (Windows-1252/Latin-1 text read as UTF-8?)" if "\x80" <= char <= "\x9f" else "")
        raise DataError(f"{where}:{_line(text, bad.start())}",
                        f"control character U+{ord(char):04X}{hint}; expected plain UTF-8 text")
    moji = _MOJIBAKE.search(text)
    if moji:
        raise DataError(f"{where}:{_line(text, moji.start())}",
                        f"{moji.group(0)!r} looks like Latin-1/Windows-1252 text saved again as UTF-8 "
                        "(mojibake); re-save the original as UTF-8")
    utf7 = _utf7_spot(text)
    if utf7:
        start, decoded = utf7
        raise DataError(f"{where}:{_line(text, start)}",
                        f"looks UTF-7 encoded ({text[start:start + 12]!r} reads as {decoded!r}); "
                        "re-save the file as UTF-8")
    return text
