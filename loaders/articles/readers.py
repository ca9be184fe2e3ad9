# Kept whole (413 lines): one reader per format, sharing the header, decoding and unwrapping helpers of this module.
"""Read article files into :class:`Article` records: text plus url, title, published, publisher.

Formats, told apart by suffix:

- ``.txt``, ``.md``: UTF-8 text. Metadata comes from a header block at the top, YAML
  between two ``---`` lines (``url``, ``title``, ``published``, ``publisher``,
  ``retrieved``, ``note``). Without one, the title is the first line (a Markdown
  ``# heading`` loses its ``#``) and url/published stay unknown.
- ``.html``, ``.htm``: the main text and metadata are extracted with trafilatura; a header
  block is not read (HTML carries its own ``<meta>`` tags).
- ``.xml``, ``.rss``, ``.atom``: an RSS or Atom feed, parsed with feedparser; each entry is an
  article (HTML in entries is turned into text with lxml). A broken entry is skipped with a
  reason; the others are kept.
- ``.jsonl``: one JSON object per line, ``{"url", "title", "published", "text"}`` (and
  optionally ``publisher``); a bad line is skipped with a reason naming the line.

Bad files raise :class:`~kg.errors.DataError` naming the file (and line): empty, binary,
undecodable, too large (over :data:`MAX_FILE_BYTES`), or with no readable article.
Character spans reported downstream are offsets into :attr:`Article.text`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import CleanError, DataError
from kg.textcheck import check_text
from kg.types import clean_date
from kg.yamlio import load_yaml

__all__ = [
    "ARTICLE_SUFFIXES",
    "MAX_FILE_BYTES",
    "MAX_ARTICLE_CHARS",
    "Article",
    "ReadResult",
    "is_article_file",
    "read_articles",
    "article_from_fields",
    "split_header",
]

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".xml", ".rss", ".atom", ".jsonl"}
#: Largest file the loader reads (bytes). A news article is kilobytes; a feed or JSONL
#: batch a few megabytes. Larger inputs should be split.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Largest single article (characters of text) the extractor accepts.
MAX_ARTICLE_CHARS = 2_000_000

_HEADER_KEYS = {"url", "title", "published", "publisher", "retrieved", "note", "language"}


@dataclass
class Article:
    """One article: its text and what is known about it. ``where`` names file and entry."""

    text: str
    where: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    publisher: str | None = None
    retrieved: str | None = None
    note: str | None = None
    #: an upper bound of an undated page's date: the year of its copyright line ("© 2026"),
    #: which says the page existed by then, not when it was written
    not_after: str | None = None

    @property
    def horizon(self) -> str | None:
        """The latest date the article can speak of: its date, else its ``not_after`` year."""
        return self.published or self.not_after

    def meta(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "published": self.published,
                "publisher": self.publisher}


@dataclass
class ReadResult:
    """Articles read from one file, and the entries skipped with their reasons."""

    path: Path
    articles: list[Article] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    def skip(self, where: str, reason: str) -> None:
        self.skipped.append({"where": where, "reason": reason})


def is_article_file(path: Path) -> bool:
    """Whether ``path`` has a suffix the article reader handles."""
    return path.suffix.lower() in ARTICLE_SUFFIXES


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataError(str(path), "no such file") from None
    if path.is_dir():
        raise DataError(str(path), "is a directory, expected an article file")
    if size > MAX_FILE_BYTES:
        raise DataError(str(path), f"file is {size / 2**20:.1f} MiB; the article loader reads files "
                                   f"up to {MAX_FILE_BYTES // 2**20} MiB (split a feed or JSONL batch)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(str(path), f"cannot read: {exc.strerror}") from None
    if not raw.strip():
        raise DataError(str(path), "empty file, expected article text")
    if b"\x00" in raw[:8192]:
        raise DataError(str(path), "looks binary (NUL bytes), expected UTF-8 text")
    return raw


def _decode(raw: bytes, path: Path) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}", f"byte {exc.start}: not valid UTF-8 "
                                          "(re-save the file as UTF-8)") from None
    return check_text(text, str(path))


def _clean_meta(meta: dict[str, Any], where: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key in ("url", "title", "publisher", "note"):
        value = meta.get(key)
        out[key] = " ".join(str(value).split()) if value not in (None, "") else None
    if out["url"] and not re.match(r"^https?://\S+$", out["url"]):
        raise DataError(where, f"header 'url': expected an absolute http(s) URL, got {out['url']!r}")
    for key in ("published", "retrieved"):
        value = meta.get(key)
        if value in (None, ""):
            out[key] = None
            continue
        if isinstance(value, dt.datetime):
            value = value.date()
        text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
        stamp = re.match(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9:.+\-Z ]*$", text)
        if stamp:  # a timestamp: its day
            text = stamp.group(1)
        try:
            out[key] = clean_date(text, key)
        except CleanError as exc:
            raise DataError(where, f"header {key!r}: expected {exc.expected}, got {value!r}") from None
    return out


def split_header(text: str, where: str) -> tuple[dict[str, Any], str, int]:
    """Split a leading ``---`` YAML header block off ``text``.

    Returns the header mapping, the body, and the body's offset in ``text``.

    >>> split_header("---\\nurl: https://x.org/a\\n---\\nBody.", "f")
    ({'url': 'https://x.org/a'}, 'Body.', 29)
    """
    if not text.startswith("---"):
        return {}, text, 0
    match = re.match(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", text, re.S)
    if not match:
        raise DataError(where, "header block opened with '---' is not closed by a '---' line")
    header = load_yaml(match.group(1), where, line_offset=1) or {}
    if not isinstance(header, dict):
        raise DataError(where, "header block: expected 'key: value' lines")
    unknown = sorted(set(map(str, header)) - _HEADER_KEYS)
    if unknown:
        raise DataError(where, f"header block: unknown key {unknown[0]!r}; expected some of "
                               f"{', '.join(sorted(_HEADER_KEYS))}")
    return header, text[match.end():], match.end()


def _article(text: str, where: str, meta: dict[str, Any]) -> Article:
    if len(text) > MAX_ARTICLE_CHARS:
        raise DataError(where, f"article text is {len(text)} characters; at most "
                               f"{MAX_ARTICLE_CHARS} are read per article")
    clean = _clean_meta(meta, where)
    return Article(text=text, where=where, **clean)


def article_from_fields(fields: dict[str, Any], where: str) -> Article:
    """An article from already-separated fields (``text`` plus url, title, published, publisher),
    e.g. a JSON request body; metadata is cleaned as for files."""
    text = str(fields.get("text") or "")
    if not text.strip():
        raise DataError(where, "field 'text': expected the article's text, got an empty string")
    meta = {k: v for k, v in fields.items() if k != "text"}
    return _article(text, where, meta)


def _first_line_title(body: str) -> str | None:
    for line in body.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:300]
    return None


_LIST_ITEM = re.compile(r"^\s*(?:[-*•+]\s|\d{1,2}[.)]\s|\(\w{1,3}\)\s|[IVX]{1,4}\.\s|\[|#|>|\|)")


def _wrapped(lines: list[str]) -> bool:
    """Whether a block of lines is one paragraph hard-wrapped at a fixed width."""
    if len(lines) < 2:
        return False
    widths = [len(line.strip()) for line in lines]
    widest = max(widths)
    if not 30 <= widest <= 120:
        return False
    if any(_LIST_ITEM.match(line) for line in lines[1:]):
        return False
    # every line but the last fills most of the width, and the text runs on at the breaks
    full = sum(w >= 0.6 * widest for w in widths[:-1])
    runs_on = sum(not re.search(r"[.!?:\"”)]$", line.rstrip()) for line in lines[:-1])
    return full >= 0.8 * (len(lines) - 1) and runs_on >= 0.5 * (len(lines) - 1)


def unwrap_paragraphs(body: str) -> str:
    """Join hard-wrapped paragraphs (plain text wrapped at ~70 columns) into single lines.

    Sentences are split at every line break (headlines and bullets are sentences of their
    own), so text wrapped at a fixed width would be cut mid-sentence. A block of lines
    between blank lines is joined with single spaces (indentation dropped) when its lines
    fill most of one width and run on at the breaks; headlines, bullets, numbered items and
    short lines stay as they are. Offsets downstream refer to the returned text.

    >>> unwrap_paragraphs("Title\\n\\nMalaysia will develop a policy to ban exports of\\nrare earth raw materials, Prime Minister Anwar\\nIbrahim said on Monday.")
    'Title\\n\\nMalaysia will develop a policy to ban exports of rare earth raw materials, Prime Minister Anwar Ibrahim said on Monday.'
    """
    blocks = re.split(r"(\n[ \t]*\n)", body)
    out = []
    for block in blocks:
        if not block.strip() or "\n" not in block.strip("\n"):
            out.append(block)
            continue
        lead = block[: len(block) - len(block.lstrip("\n"))]
        lines = block.strip("\n").split("\n")
        if _wrapped(lines):
            out.append(lead + " ".join(line.strip() for line in lines))
            continue
        # a headline line on top of a wrapped paragraph: keep it, join the rest
        if len(lines) >= 3 and _wrapped(lines[1:]) and not _wrapped(lines[:2]):
            out.append(lead + lines[0] + "\n" + " ".join(line.strip() for line in lines[1:]))
            continue
        out.append(block)
    return "".join(out)


def _read_text(path: Path, result: ReadResult) -> None:
    text = _decode(_read_bytes(path), path)
    header, body, _ = split_header(text, str(path))
    if not body.strip():
        raise DataError(str(path), "no article text after the header block")
    meta = dict(header)
    meta.setdefault("title", _first_line_title(body))
    result.articles.append(_article(unwrap_paragraphs(body), str(path), meta))


def _read_html(path: Path, result: ReadResult) -> None:
    import trafilatura

    html = _decode(_read_bytes(path), path)
    # dates only from the page's metadata (meta tags, structured data, the url): htmldate's
    # extensive search guesses from the text, and reads "© 2026" in a footer as 2026-01-01
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False,
                                      date_extraction_params={"extensive_search": False, "original_date": True})
    keys = ("text", "url", "title", "date", "sitename")
    if doc is None:
        fields: dict[str, Any] = {}
    elif isinstance(doc, dict):
        fields = doc
    else:  # a trafilatura Document (slots, no __dict__)
        fields = {k: getattr(doc, k, None) for k in keys}
    text = fields.get("text") or ""
    if not text.strip():
        raise DataError(str(path), "no main text found in the HTML (trafilatura extracted nothing)")
    meta = {"url": fields.get("url"), "title": fields.get("title"), "published": fields.get("date"),
            "publisher": fields.get("sitename")}
    article = _article(text, str(path), meta)
    if article.published is None:
        years = [int(y) for y in _COPYRIGHT.findall(html)]
        this_year = dt.date.today().year
        years = [y for y in years if 1990 <= y <= this_year + 1]
        if years:
            article.not_after = str(max(years))
    result.articles.append(article)


#: a copyright line's (last) year: "© 2026", "&copy; 2019-2025 Example Ltd", "Copyright 2024"
_COPYRIGHT = re.compile(r"(?:©|&copy;|&#169;|\bCopyright\b)\s*(?:(?:19|20)\d\d\s*[-–—]\s*)?((?:19|20)\d\d)\b",
                        re.I)


def _html_to_text(fragment: str) -> str:
    import lxml.html

    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fromstring(fragment)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4"):
        block.tail = "\n" + (block.tail or "")
    lines = [" ".join(line.split()) for line in root.text_content().splitlines()]
    return "\n".join(line for line in lines if line)


def _feed_date(entry: Any) -> str | None:
    """The entry's date, parsed strictly from the feed's own text (ISO 8601 or RFC 822).

    feedparser normalises impossible dates by rolling them over (2025-13-45 becomes
    2026-01-01 …); here they raise :class:`CleanError`."""
    for key in ("published", "updated"):
        raw = entry.get(key)
        if not raw:
            continue
        text = str(raw).strip()
        iso = re.match(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:$|[T ])", text)
        if iso:
            return clean_date(iso.group(1), key)
        parts = email.utils.parsedate_tz(text)
        if parts is None:
            raise CleanError(key, raw, "an RFC 822 or ISO 8601 date")
        try:
            day = dt.date(parts[0], parts[1], parts[2])
        except (ValueError, OverflowError):
            raise CleanError(key, raw, "a date that exists (no month 13, no February 30)") from None
        return clean_date(day.isoformat(), key)
    return None


def _read_feed(path: Path, result: ReadResult) -> None:
    import feedparser

    raw = _read_bytes(path)
    feed = feedparser.parse(raw)
    if not feed.entries:
        problem = feed.get("bozo_exception")
        detail = f": {problem}" if problem else ""
        raise DataError(str(path), f"no RSS/Atom entries found{detail}")
    publisher = feed.feed.get("title")
    for index, entry in enumerate(feed.entries, start=1):
        where = f"{path}: entry #{index}"
        content = entry.get("content") or []
        body = (content[0].get("value") if content else None) or entry.get("summary") or ""
        text = _html_to_text(body)
        if not text.strip():
            result.skip(where, "entry has no text (neither content nor summary)")
            continue
        link = entry.get("link")
        if not link:
            result.skip(where, "entry has no link (url)")
            continue
        try:
            published = _feed_date(entry)
        except CleanError as exc:
            result.skip(where, f"{exc.field!r}: expected {exc.expected}, got {exc.value!r}")
            continue
        meta = {"url": link, "title": entry.get("title") or _first_line_title(text),
                "published": published, "publisher": publisher}
        try:
            result.articles.append(_article(text, where, meta))
        except DataError as exc:
            result.skip(where, exc.detail)


def _read_jsonl(path: Path, result: ReadResult) -> None:
    text = _decode(_read_bytes(path), path)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            result.skip(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            result.skip(where, "JSON nested too deeply to read")
            continue
        if not isinstance(item, dict):
            result.skip(where, "expected a JSON object {url, title, published, text}")
            continue
        body = item.get("text")
        if not isinstance(body, str) or not body.strip():
            result.skip(where, "field 'text': expected a non-empty string")
            continue
        unknown = sorted(set(item) - _HEADER_KEYS - {"text"})
        if unknown:
            result.skip(where, f"unknown field {unknown[0]!r}; expected url, title, published, "
                               "publisher, text")
            continue
        meta = {k: item.get(k) for k in ("url", "title", "published", "publisher", "retrieved")}
        meta["title"] = meta["title"] or _first_line_title(body)
        try:
            result.articles.append(_article(body, where, meta))
        except DataError as exc:
            result.skip(where, exc.detail)


def read_articles(path: Path) -> ReadResult:
    """Read one article file (any supported format) into articles and skipped entries.

    Raises :class:`DataError` when the file as a whole cannot be read, or yields no article.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    result = ReadResult(path)
    if suffix in {".txt", ".md", ".markdown"}:
        _read_text(path, result)
    elif suffix in {".html", ".htm"}:
        _read_html(path, result)
    elif suffix in {".xml", ".rss", ".atom"}:
        _read_feed(path, result)
    elif suffix == ".jsonl":
        _read_jsonl(path, result)
    else:
        raise DataError(str(path), f"unknown article file type {suffix or '(none)'!r}; expected one "
                                   f"of {', '.join(sorted(ARTICLE_SUFFIXES))}")
    if not result.articles:
        first = result.skipped[0] if result.skipped else None
        why = f"; first problem: {first['where']}: {first['reason']}" if first else ""
        raise DataError(str(path), f"no readable article ({len(result.skipped)} entries skipped){why}")
    return result
