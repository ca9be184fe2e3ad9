"""Reading article files: formats, metadata, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import DataError
from loaders.articles import readers
from loaders.articles.readers import read_articles

HEADER = "---\nurl: https://example.org/news/a\ntitle: A title\npublished: 2025-06-11\npublisher: Ex\n---\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


class TestText:
    def test_header_block(self, tmp_path: Path) -> None:
        art = read_articles(write(tmp_path, "a.md", HEADER + "China met the U.S.\n")).articles[0]
        assert (art.url, art.title, art.published, art.publisher) == (
            "https://example.org/news/a", "A title", "2025-06-11", "Ex")
        assert art.text == "China met the U.S.\n"

    def test_no_header_takes_first_line_as_title(self, tmp_path: Path) -> None:
        art = read_articles(write(tmp_path, "a.txt", "# Heading\n\nBody.")).articles[0]
        assert art.title == "Heading" and art.url is None

    @pytest.mark.parametrize("header, match", [
        ("---\nurl: ftp://x\n---\nBody", "absolute http"),
        ("---\npublished: 31/01/2025\n---\nBody", "ISO date"),
        ("---\nauthor: me\n---\nBody", "unknown key 'author'"),
        ("---\nurl: https://x.org\nBody", "not closed"),
        ("---\nurl: https://x.org\n---\n   \n", "no article text"),
    ])
    def test_bad_header(self, tmp_path: Path, header: str, match: str) -> None:
        with pytest.raises(DataError, match=match):
            read_articles(write(tmp_path, "a.md", header))


class TestBadFiles:
    def test_empty(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="empty file"):
            read_articles(write(tmp_path, "a.txt", "  \n"))

    def test_binary(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="binary"):
            read_articles(write(tmp_path, "a.txt", b"\x89PNG\x00\x00\x01"))

    def test_undecodable(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match=r"a.txt:2: byte \d+: not valid UTF-8"):
            read_articles(write(tmp_path, "a.txt", b"fine\nbad \xff byte"))

    def test_too_large(self, tmp_path: Path) -> None:
        path = tmp_path / "big.txt"
        with path.open("wb") as fh:  # sparse: 50 MB on paper, nothing written
            fh.truncate(50 * 2**20)
        with pytest.raises(DataError, match="50.0 MiB; the article loader reads files up to 16 MiB"):
            read_articles(path)

    def test_unknown_suffix(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="unknown article file type '.pdf'"):
            read_articles(write(tmp_path, "a.pdf", "x"))

    def test_missing(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="no such file"):
            read_articles(tmp_path / "nope.md")

    def test_article_too_long(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(readers, "MAX_ARTICLE_CHARS", 10)
        with pytest.raises(DataError, match="at most 10 are read"):
            read_articles(write(tmp_path, "a.txt", "x" * 20))


class TestHtml:
    def test_main_text_and_meta(self, tmp_path: Path) -> None:
        html = """<html><head><title>Lynas starts Dy</title>
        <meta property="og:url" content="https://example.org/lynas">
        <meta name="date" content="2025-05-16"><meta property="og:site_name" content="Ex News">
        </head><body><nav>Home | About | Contact</nav><article><h1>Lynas starts Dy</h1>
        <p>Lynas Rare Earths said on Friday that it produced dysprosium oxide at Lynas Malaysia,
        its plant near Kuantan, the first such output outside China.</p>
        <p>The company expects terbium output to follow in June, it said in a statement.</p>
        </article><footer>Copyright 2025</footer></body></html>"""
        art = read_articles(write(tmp_path, "a.html", html)).articles[0]
        assert "dysprosium oxide" in art.text and "Copyright" not in art.text
        assert (art.url, art.published, art.publisher) == ("https://example.org/lynas", "2025-05-16", "Ex News")

    def test_no_date_is_guessed_from_a_copyright_footer(self, tmp_path: Path) -> None:
        html = """<html><head><title>Plant update</title></head><body><article><h1>Plant update</h1>
        <p>USA Rare Earth said its hydrometallurgical demonstration facility at Round Top has begun
        operating, a step toward commercial production of separated rare earth oxides.</p>
        <p>The company plans a larger plant once the pilot has run for a year, it said.</p>
        </article><footer>&copy; 2026 The Example Miner. All rights reserved.</footer></body></html>"""
        art = read_articles(write(tmp_path, "b.html", html)).articles[0]
        assert art.published is None  # not 2026-01-01 from the footer
        assert art.not_after == art.horizon == "2026"  # but the page existed by the end of 2026

    def test_the_last_year_of_a_copyright_range_bounds_the_date(self, tmp_path: Path) -> None:
        html = """<html><head><title>Quotas</title></head><body><article><h1>Quotas</h1>
        <p>China issued its first rare earth mining and smelting quotas for the year to state-owned
        producers without the usual public announcement, two sources said.</p></article>
        <footer>© 2019–2025 Example Ltd · Copyright notice</footer></body></html>"""
        art = read_articles(write(tmp_path, "c.html", html)).articles[0]
        assert (art.published, art.not_after) == (None, "2025")

    def test_no_text(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="no main text"):
            read_articles(write(tmp_path, "a.html", "<html><body><script>var a = 1;</script></body></html>"))


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Rare News</title>
<item><title>One</title><link>https://example.org/1</link><pubDate>Wed, 11 Jun 2025 10:00:00 GMT</pubDate>
<description>&lt;p&gt;China and the U.S. agreed a framework.&lt;/p&gt;</description></item>
<item><title>No link</title><description>Text without a link.</description></item>
<item><title>Empty</title><link>https://example.org/3</link></item>
</channel></rss>"""


class TestFeed:
    def test_entries_and_skips(self, tmp_path: Path) -> None:
        result = read_articles(write(tmp_path, "f.xml", FEED))
        assert [a.url for a in result.articles] == ["https://example.org/1"]
        art = result.articles[0]
        assert art.text == "China and the U.S. agreed a framework." and art.published == "2025-06-11"
        assert art.publisher == "Rare News"
        assert [s["reason"] for s in result.skipped] == [
            "entry has no link (url)", "entry has no text (neither content nor summary)"]

    def test_not_a_feed(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="no RSS/Atom entries"):
            read_articles(write(tmp_path, "f.xml", "<html>not a feed</html>"))


class TestJsonl:
    def test_lines_and_skips(self, tmp_path: Path) -> None:
        lines = [
            '{"url": "https://example.org/1", "title": "T", "published": "2025-06-11", "text": "Body one."}',
            '{"url": "https://example.org/2", "text": ""}',
            "{broken",
            '{"url": "https://example.org/4", "published": "June", "text": "x"}',
            '["not", "an", "object"]',
        ]
        result = read_articles(write(tmp_path, "a.jsonl", "\n".join(lines)))
        assert [a.url for a in result.articles] == ["https://example.org/1"]
        reasons = {s["where"].rsplit(":", 1)[1]: s["reason"] for s in result.skipped}
        assert reasons["2"].startswith("field 'text'")
        assert reasons["3"].startswith("not valid JSON")
        assert "ISO date" in reasons["4"]
        assert reasons["5"].startswith("expected a JSON object")

    def test_all_broken(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match=r"no readable article \(1 entries skipped\)"):
            read_articles(write(tmp_path, "a.jsonl", "{broken\n"))
