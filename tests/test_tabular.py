"""The schema-driven CSV/YAML reader: good files and every kind of bad one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import DataError
from loaders.datasets import discover, load_file
from tests.conftest import FIXTURES


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestLoadFile:
    def test_entities(self) -> None:
        batch = load_file(FIXTURES / "facilities.csv")
        weld = batch.entities[0]
        assert weld.id == "facility:mount-weld"
        assert weld.properties["stages"] == ["mining", "concentration"]
        assert weld.aliases == ["Mt Weld"]

    def test_sources(self) -> None:
        batch = load_file(FIXTURES / "sources.yaml")
        assert batch.entities[0].properties["published"] == "2025-01-31"

    def test_malformed_row_names_file_line_column(self) -> None:
        with pytest.raises(DataError, match=r"bad_row.csv:3: column 'quantity': expected a number without "
                                            r"thousands separators .*got '270,000'"):
            load_file(FIXTURES / "bad_row.csv")

    def test_wrong_field_count(self, tmp_path: Path) -> None:
        path = write(tmp_path, "x.csv", "subject,predicate,object,source\na,b\n")
        with pytest.raises(DataError, match=r"x.csv:2: expected 4 fields as in the header, got 2"):
            load_file(path)

    def test_unknown_property(self, tmp_path: Path) -> None:
        path = write(tmp_path, "x.csv", "id,name,colour,source\nfirm:a,A,red,source:s\n")
        with pytest.raises(DataError, match=r"x.csv:2: column 'colour': expected a property of Firm"):
            load_file(path)

    def test_unknown_predicate(self, tmp_path: Path) -> None:
        path = write(tmp_path, "x.csv", "subject,predicate,object,source\nfirm:a,LIKES,firm:b,source:s\n")
        with pytest.raises(DataError, match=r"x.csv:2: unknown relation type 'LIKES'"):
            load_file(path)

    def test_unknown_entity_type(self, tmp_path: Path) -> None:
        path = write(tmp_path, "x.csv", "id,name,source\nmine:a,A,source:s\n")
        with pytest.raises(DataError, match=r"x.csv:2: column 'id': expected an id starting with"):
            load_file(path)

    def test_duplicate_id(self, tmp_path: Path) -> None:
        path = write(tmp_path, "x.csv", "id,name,source\nfirm:a,A,source:s\nfirm:a,A2,source:s\n")
        with pytest.raises(DataError, match=r"x.csv:3: duplicate id 'firm:a' \(first defined on line 2\)"):
            load_file(path)

    def test_header_neither(self, tmp_path: Path) -> None:
        path = write(tmp_path, "x.csv", "a,b\n1,2\n")
        with pytest.raises(DataError, match=r"x.csv:1: header has neither"):
            load_file(path)

    def test_empty(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="x.csv: empty file"):
            load_file(write(tmp_path, "x.csv", ""))

    def test_binary(self, tmp_path: Path) -> None:
        path = tmp_path / "x.csv"
        path.write_bytes(b"id,name\x00\x01\x02")
        with pytest.raises(DataError, match="looks binary"):
            load_file(path)

    def test_undecodable(self, tmp_path: Path) -> None:
        path = tmp_path / "x.csv"
        path.write_bytes(b"id,name,source\nfirm:a,Caf\xe9,source:s\n")
        with pytest.raises(DataError, match=r"x.csv:2: byte \d+: not valid UTF-8"):
            load_file(path)

    def test_missing(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="nope.csv: no such file"):
            load_file(tmp_path / "nope.csv")

    def test_unknown_type(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="unknown file type '.xlsx'"):
            load_file(write(tmp_path, "x.xlsx", "x"))

    def test_bad_yaml(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match=r"s.yaml:\d+: malformed YAML"):
            load_file(write(tmp_path, "s.yaml", "- id: a\n  url: [x\n"))

    def test_source_missing_field(self, tmp_path: Path) -> None:
        path = write(tmp_path, "s.yaml", "- id: source:a\n  title: A\n  url: https://a.org\n  kind: primary\n")
        with pytest.raises(DataError, match=r"source #1 \(source:a\): field 'published': expected a value"):
            load_file(path)


def test_discover_puts_sources_first(tmp_path: Path) -> None:
    write(tmp_path, "a.csv", "id,name,source\n")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "sources.yaml", "[]")
    write(tmp_path, "README.md", "")
    files = discover(tmp_path)
    assert [p.name for p in files] == ["sources.yaml", "a.csv"]
