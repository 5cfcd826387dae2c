"""mwlib.core.tables: the CSV validator names file, line and column of every problem."""

from __future__ import annotations

import pytest

from mwlib.core.tables import ColumnSpec, read_validated_csv, require_unique

SPECS = [ColumnSpec("name", "str"), ColumnSpec("r_kpc", non_negative=True), ColumnSpec("note", "str", required=False)]


def _write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_a_good_file(tmp_path):
    t = read_validated_csv(_write(tmp_path, "name,r_kpc,note\na,1.5,\nb,2,x\n"), SPECS)
    assert list(t["name"]) == ["a", "b"] and list(t["r_kpc"]) == [1.5, 2.0]
    assert list(t.meta["lines"]) == [2, 3]


def test_duplicated_column_names_are_rejected(tmp_path):
    """Before, the last of two equal names silently won."""
    with pytest.raises(ValueError, match=r"t.csv: line 1: column name 'r_kpc' appears twice \(columns 2 and 3\)"):
        read_validated_csv(_write(tmp_path, "name,r_kpc,r_kpc\na,1,2\n"), SPECS)


def test_an_empty_column_name_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="line 1: column 3 of the header has no name"):
        read_validated_csv(_write(tmp_path, "name,r_kpc,\na,1,2\n"), SPECS)


def test_a_utf8_byte_order_mark_is_read(tmp_path):
    t = read_validated_csv(_write(tmp_path, "\ufeffname,r_kpc\na,1\n"), SPECS[:2])
    assert t.colnames == ["name", "r_kpc"]


def test_lines_are_true_file_lines_after_quoted_line_breaks(tmp_path):
    text = 'name,r_kpc,note\na,1,"two\nlines"\nb,-2,x\n'
    with pytest.raises(ValueError, match=r"line 4, column 'r_kpc': negative value -2.0"):
        read_validated_csv(_write(tmp_path, text), SPECS)
    good = read_validated_csv(_write(tmp_path, text.replace("-2", "2")), SPECS)
    assert list(good.meta["lines"]) == [2, 4] and good["note"][0] == "two\nlines"


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    ("name,note\na,x\n", r"line 1: missing column\(s\) r_kpc"),
    ("name,r_kpc\na,1,3\n", "line 2 has 3 fields, the header has 2"),
    ("name,r_kpc\na,one\n", r"line 2, column 'r_kpc': 'one' is not a number"),
    ("name,r_kpc\na,\n", r"line 2, column 'r_kpc': a value is required but the entry is empty"),
    ("name,r_kpc\n,1\n", r"line 2, column 'name': a value is required"),
    ("name,r_kpc\na,inf\n", r"line 2, column 'r_kpc': infinite value"),
])
def test_bad_files_name_the_line_and_column(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        read_validated_csv(_write(tmp_path, text), SPECS[:2])


def test_undecodable_bytes_name_the_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"name,r_kpc\n\xff\xfe,1\n")
    with pytest.raises(ValueError, match=r"t.csv: line 2: byte 0xff at column 1 is not UTF-8"):
        read_validated_csv(path, SPECS[:2])


def test_require_unique_names_both_lines(tmp_path):
    t = read_validated_csv(_write(tmp_path, 'name,r_kpc,note\na,1,"x\ny"\nb,1,\na,2,\n'), SPECS)
    with pytest.raises(ValueError, match=r"line 5, column 'name': 'a' repeats line 2"):
        require_unique(t, "name")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_validated_csv(tmp_path / "absent.csv", SPECS)
