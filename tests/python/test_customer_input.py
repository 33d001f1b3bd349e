"""customer_input: encoding checks, header checks and the Spark read of arbitrary customers CSVs.

Real Spark (the session fixture of conftest.py) on small files written to tmp_path, plus one
test on the real shared file mapping_customers.csv (read in place, never copied).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from customer_segmentation.inputs import (
    ADDED_COLUMNS,
    CustomerInputError,
    InputEncodingError,
    check_encoding,
    read_customers_file,
    spark_csv_charset,
)
from customer_segmentation.inputs.encoding import iter_chunks
from customer_segmentation.inputs.line_endings import (
    MixedLineEndingsError,
    check_line_endings,
    record_endings,
)
from shared_data import shared_data_file

PROJECT_DIR = Path(__file__).resolve().parents[2]
REAL_FILE = "mapping_customers.csv"
LATIN1_BYTES = b"name,age\r\nAnn Lee,31\r\nAbby Kov\xe1r,64\r\n"  # 0xE1 at offset 30, line 3


def write(folder: Path, name: str, data: bytes) -> Path:
    """Write data to folder/name and return the path."""
    path = folder / name
    path.write_bytes(data)
    return path


def load(spark, path: Path | str, **options) -> list[dict]:
    """read_customers_file's rows as dicts, in file and row order."""
    frame = read_customers_file(spark, str(path), **options)
    return [row.asDict() for row in frame.orderBy(*ADDED_COLUMNS[1:]).collect()]


def error_of(chunks: list[bytes], encoding: str) -> str:
    """The message check_encoding raises for chunks declared as encoding."""
    with pytest.raises(InputEncodingError) as caught:
        check_encoding(chunks, encoding, "/data/customers.csv")
    return str(caught.value)


# check_encoding and spark_csv_charset: pure Python


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 1 << 20])
def test_invalid_byte_offset_and_line_do_not_depend_on_chunking(chunk_size):
    """The absolute offset and line are the same however the bytes are split."""
    message = error_of(list(iter_chunks(LATIN1_BYTES, chunk_size)), "utf-8")
    assert message == (
        "/data/customers.csv is not valid 'utf-8' (the encoding set by "
        "`customers_input.encoding`): byte 0xE1 at byte offset 30, line 3 (invalid "
        "continuation byte); the file decodes as cp1252 or latin-1; set "
        "`customers_input.encoding` accordingly"
    )


def test_multibyte_character_split_across_chunks_is_valid():
    """A UTF-8 character cut in two by a chunk boundary is not an error."""
    data = "name\nKovár\n".encode()
    check_encoding([data[:9], data[9:]], "utf-8", "x.csv")  # 0xC3 | 0xA1


def test_truncated_multibyte_sequence_at_end_of_file():
    """A file ending in the middle of a UTF-8 sequence fails at the sequence's first byte."""
    message = error_of([b"name\nKov", b"\xc3"], "utf-8")
    assert "the file ends inside a multibyte sequence: byte 0xC3 at byte offset 8, line 2" in (
        message
    )


def test_hint_names_only_the_encodings_the_file_decodes_as():
    """0x81 is undefined in cp1252: the hint offers latin-1 only (and utf-8 if valid)."""
    assert "the file decodes as latin-1;" in error_of([b"a\n\x81\xe1\n"], "cp1252")
    assert "the file decodes as utf-8 or latin-1;" in error_of(["a\nŁ\n".encode()], "cp1252")


def test_utf8_declared_single_byte_is_mojibake():
    """Valid UTF-8 with non-ASCII bytes declared latin-1 is refused with an example."""
    message = error_of([b"name\nAnn\n", "Abby Kovár\n".encode()], "latin-1")
    assert message == (
        "/data/customers.csv is valid UTF-8 but `customers_input.encoding` declares "
        "'latin-1': reading it as 'latin-1' would produce mojibake, e.g. 'á' (byte offset 17, "
        "line 3) would load as 'Ã¡'; set `customers_input.encoding` to 'utf-8'"
    )


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "iso-8859-15"])
def test_ascii_only_file_is_fine_in_any_single_byte_encoding(encoding):
    """No non-ASCII byte, no mojibake: ASCII is the same in UTF-8 and single-byte encodings."""
    check_encoding([b"name,age\r\nAnn,31\r\n"], encoding, "x.csv")


@pytest.mark.parametrize(
    ("encoding", "problem"),
    [
        ("no-such-encoding", "unknown encoding 'no-such-encoding' in `{setting}`; use"),
        ("base64", "'base64' in `{setting}` is not a text encoding; use"),
    ],
)
def test_unknown_or_non_text_encoding_names_the_setting(encoding, problem):
    """Unusable encoding names fail before any byte is read, naming the problem and setting."""
    expected = problem.format(setting="customers_input.encoding")
    with pytest.raises(InputEncodingError, match=re.escape(expected)):
        check_encoding([b"a"], encoding, "x.csv")
    with pytest.raises(InputEncodingError, match=re.escape(problem.format(setting="my.encoding"))):
        spark_csv_charset(encoding, setting="my.encoding")


@pytest.mark.parametrize(
    ("encoding", "charset", "translated"),
    [
        ("utf-8", "UTF-8", False),
        ("UTF8", "UTF-8", False),
        ("utf-8-sig", "UTF-8", False),
        ("latin-1", "ISO-8859-1", False),
        ("iso-8859-1", "ISO-8859-1", False),
        ("cp1252", "ISO-8859-1", True),
        ("windows-1252", "ISO-8859-1", True),
        ("iso-8859-15", "ISO-8859-1", True),
        ("utf-16", "UTF-16", False),
        ("utf-16-le", "UTF-16LE", False),
        ("ascii", "US-ASCII", False),
    ],
)
def test_spark_csv_charset(encoding, charset, translated):
    """Python codec names map to a charset Spark's CSV reader accepts, translated if need be."""
    spark_charset = spark_csv_charset(encoding)
    assert spark_charset.charset == charset
    assert bool(spark_charset.translate_from) is translated


@pytest.mark.parametrize("encoding", ["shift_jis", "gbk", "utf-32-le"])
def test_encoding_spark_cannot_read_is_refused_naming_the_setting(encoding):
    """Multi-byte encodings Spark 4's CSV reader does not take fail with the setting named."""
    with pytest.raises(InputEncodingError, match=r"Spark's CSV reader cannot read .*`my\.enc`"):
        spark_csv_charset(encoding, setting="my.enc")


# read_customers_file: real Spark


def test_latin1_file_loads_with_latin1(spark, tmp_path):
    """Byte 0xE1 declared latin-1 loads as 'á'; columns are the header, then the added ones."""
    frame = read_customers_file(spark, str(write(tmp_path, "c.csv", LATIN1_BYTES)), "latin-1")
    assert frame.columns == ["name", "age", *ADDED_COLUMNS]
    assert [row.name for row in frame.orderBy("_source_row_number").collect()] == [
        "Ann Lee",
        "Abby Kovár",
    ]


def test_latin1_file_declared_utf8_fails_naming_offset_line_and_setting(spark, tmp_path):
    """The same file declared utf-8 is refused; the message has the file, offset and line."""
    path = write(tmp_path, "c.csv", LATIN1_BYTES)
    with pytest.raises(InputEncodingError) as caught:
        read_customers_file(spark, str(path), encoding="utf-8")
    message = str(caught.value)
    assert message.startswith(f"file:{path} is not valid 'utf-8'")
    assert "byte 0xE1 at byte offset 30, line 3" in message
    assert "the file decodes as cp1252 or latin-1; set `customers_input.encoding`" in message


def test_utf8_file_declared_latin1_fails_as_mojibake(spark, tmp_path):
    """A UTF-8 file declared latin-1 is refused instead of loading 'Kovár' as 'KovÃ¡r'."""
    path = write(tmp_path, "c.csv", "name\nAbby Kovár\n".encode())
    with pytest.raises(InputEncodingError, match=r"mojibake, e\.g\. 'á' .* load as 'Ã¡'"):
        read_customers_file(spark, str(path), encoding="latin-1", setting_prefix="src")


def test_cp1252_file_loads_through_the_latin1_translation(spark, tmp_path):
    """Spark 4 refuses windows-1252; the reader reads ISO-8859-1 and translates 0x80-0x9F."""
    text = "name,note\r\nZoë,“€ 5” \u2013 ok\r\nAbby Kovár,plain\r\n"
    rows = load(spark, write(tmp_path, "c.csv", text.encode("cp1252")), encoding="cp1252")
    assert [(row["name"], row["note"]) for row in rows] == [
        ("Zoë", "“€ 5” \u2013 ok"),
        ("Abby Kovár", "plain"),
    ]


def test_utf16_file_with_bom(spark, tmp_path):
    """A UTF-16 file (with its byte-order mark) loads like a UTF-8 one."""
    path = write(tmp_path, "c.csv", "name,age\r\nAbby Kovár,64\r\n".encode("utf-16"))
    assert [(row["name"], row["age"]) for row in load(spark, path, encoding="utf-16")] == [
        ("Abby Kovár", "64")
    ]


def test_crlf_line_ends_leave_no_carriage_return(spark, tmp_path):
    """CRLF records load without a trailing '\\r' in the last column."""
    path = write(tmp_path, "c.csv", b"name,age,cars\r\nAnn,31,1\r\nBob,42,2\r\nCy,7,0")
    rows = load(spark, path)
    assert [row["cars"] for row in rows] == ["1", "2", "0"]
    assert not any("\r" in str(value) for row in rows for value in row.values())


@pytest.mark.parametrize(
    ("data", "first", "other", "line", "offset"),
    [
        (b"name,age\r\nAnn,31\nBob,42\r\n", "CRLF", "LF", 2, 16),
        (b"name,age\nAnn,31\r\nBob,42\n", "LF", "CRLF", 2, 15),
        (b"name,age\rAnn,31\nBob,42\r", "CR", "LF", 2, 15),
    ],
)
def test_mixed_line_endings_fail_before_spark_reads(
    spark, tmp_path, data, first, other, line, offset
):
    """A stray LF in a CRLF file (or CRLF in an LF file) fails instead of merging rows."""
    path = write(tmp_path, "mixed.csv", data)
    expected = f"ends with {first} but line {line} (byte offset {offset}) ends with {other}"
    with pytest.raises(MixedLineEndingsError, match=re.escape(expected)):
        read_customers_file(spark, str(path))


def test_line_breaks_inside_quotes_are_data_not_line_endings():
    """An LF inside a quoted field of a CRLF file is a value's content, not a record end."""
    data = b'name,note\r\nAnn,"two\nlines"\r\n"Bob ""B""",x\r\n'
    assert record_endings(data) == {"CRLF": (9, 1)}
    check_line_endings(data, "utf-8", "quoted.csv")
    check_line_endings("a\nb\r\n".encode("utf-16"), "utf-16", "wide.csv")


CHUNKED_ENDINGS = [
    b'name,note\r\nAnn,"two\nlines"\r\n"Bob ""B""",x\r\n',
    b"name,age\r\nAnn,31\nBob,42\r\n",
    b"name,age\rAnn,31\nBob,42\r",
    b'a,b\r\n"x\r\ny",1\r\n2,3\n4,5\r',
]


@pytest.mark.parametrize("data", CHUNKED_ENDINGS)
@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 1 << 20])
def test_line_endings_do_not_depend_on_chunking(data, chunk_size):
    """A CRLF or a quoted field split between chunks is seen as in the whole bytes."""
    chunks = list(iter_chunks(data, chunk_size))
    assert record_endings(chunks) == record_endings(data)
    assert record_endings(chunks) == record_endings([data[:1], b"", data[1:]])


def test_quoted_fields_keep_newlines_delimiters_and_doubled_quotes(spark, tmp_path):
    """RFC 4180 quoting: a quoted newline, delimiter and "" stay inside one value."""
    data = b'name,note\n"Ann\nLee","a, b"\n"Bob ""B"" Ray",\\path\\\nCy,end\n'
    rows = load(spark, write(tmp_path, "c.csv", data))
    assert [(row["name"], row["note"]) for row in rows] == [
        ("Ann\nLee", "a, b"),
        ('Bob "B" Ray', "\\path\\"),
        ("Cy", "end"),
    ]
    assert [row["_source_row_number"] for row in rows] == [1, 2, 3]
    assert all(row["_malformed_record"] is None for row in rows)


def test_malformed_rows_are_flagged_and_kept(spark, tmp_path):
    """Too few fields: nulls; too many: cut to the header; both keep their raw text."""
    data = b"name,age,cars\nAnn,31,1\nBob,42\nCy,7,0,extra\nDee,50,3\n"
    path = write(tmp_path, "c.csv", data)
    rows = load(spark, path)
    assert [(row["name"], row["age"], row["cars"], row["_malformed_record"]) for row in rows] == [
        ("Ann", "31", "1", None),
        ("Bob", "42", None, "Bob,42"),
        ("Cy", "7", "0", "Cy,7,0,extra"),
        ("Dee", "50", "3", None),
    ]
    # Spark refuses scans that need only its corrupt-record column; the reader avoids that.
    frame = read_customers_file(spark, str(path))
    assert frame.where("_malformed_record IS NOT NULL").count() == 2


def test_row_numbers_and_source_file_per_file(spark, tmp_path):
    """Every file of a directory numbers its data rows 1..n; _source_file is its plain path."""
    folder = tmp_path / "in put"
    folder.mkdir()
    write(folder, "part 1+%.csv", b"id,v\n" + b"".join(b"a%d,%d\n" % (i, i) for i in range(5)))
    write(folder, "part2.csv", b"id,v\n" + b"".join(b"b%d,%d\n" % (i, i) for i in range(3)))
    rows = load(spark, folder)
    assert len(rows) == 8
    by_file: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        by_file.setdefault(row["_source_file"], []).append((row["_source_row_number"], row["v"]))
    assert by_file == {
        f"file:{folder}/part 1+%.csv": [(n, str(n - 1)) for n in range(1, 6)],
        f"file:{folder}/part2.csv": [(n, str(n - 1)) for n in range(1, 4)],
    }


def test_empty_fields_become_null_and_whitespace_is_kept(spark, tmp_path):
    """Empty and "" fields load as null; spaces around or instead of values are kept."""
    data = b'name,age,note\nAnn,,""\n  Bob , 42 ,  \n'
    rows = load(spark, write(tmp_path, "c.csv", data))
    assert [(row["name"], row["age"], row["note"]) for row in rows] == [
        ("Ann", None, None),
        ("  Bob ", " 42 ", "  "),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_byte_order_mark_is_stripped_from_the_first_column_name(spark, tmp_path, encoding):
    """A UTF-8 BOM never ends up in the first column's name."""
    path = write(tmp_path, "c.csv", b"\xef\xbb\xbfname,age\nAnn,31\n")
    frame = read_customers_file(spark, str(path), encoding=encoding)
    assert frame.columns[:2] == ["name", "age"]
    assert [row.name for row in frame.collect()] == ["Ann"]


def test_delimiter(spark, tmp_path):
    """Another delimiter is used both for the header and for the data."""
    path = write(tmp_path, "c.csv", b"name;age\nAnn;31\n")
    assert [(row["name"], row["age"]) for row in load(spark, path, delimiter=";")] == [
        ("Ann", "31")
    ]
    expected = (
        "`customers_input.delimiter` must be one character other than a quote or a line "
        "break, got ';;'"
    )
    with pytest.raises(CustomerInputError, match=re.escape(expected)):
        read_customers_file(spark, str(path), delimiter=";;")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\nAnn,31\n", r"the header row \(line 1\) is blank"),
        (b"id,,name\n1,2,3\n", "blank column names at position 2"),
        (b"id,Name,NAME\n1,2,3\n", "duplicate column names .*'Name' and 'NAME'"),
        (b"id,_source_file\n1,2\n", r"reserved by the reader: \['_source_file'\]"),
    ],
)
def test_bad_header_is_refused(spark, tmp_path, data, expected):
    """Empty files and blank, duplicate or reserved column names fail, naming the file."""
    path = write(tmp_path, "c.csv", data)
    with pytest.raises(CustomerInputError, match=expected) as caught:
        read_customers_file(spark, str(path))
    assert str(caught.value).startswith(f"file:{path}")


def test_files_with_different_headers_are_refused(spark, tmp_path):
    """Every file matched by the path must have the header of the first one."""
    write(tmp_path, "a.csv", b"id,name\n1,Ann\n")
    write(tmp_path, "b.csv", b"id,Name\n2,Bob\n")
    with pytest.raises(CustomerInputError, match=r"b\.csv has the header \['id', 'Name'\]"):
        read_customers_file(spark, str(tmp_path / "*.csv"))


@pytest.mark.parametrize("pattern", ["missing.csv", "*.tsv", "empty", "empty.csv"])
def test_no_matching_files_names_the_path_setting(spark, tmp_path, pattern):
    """A missing file, a glob matching nothing, an empty folder or file name `<prefix>.path`."""
    (tmp_path / "empty").mkdir()
    write(tmp_path, "empty.csv", b"")  # Spark's file sources skip zero-byte files
    path = str(tmp_path / pattern)
    with pytest.raises(CustomerInputError, match=re.escape("no files match `src.path`")) as caught:
        read_customers_file(spark, path, setting_prefix="src")
    assert repr(path) in str(caught.value)


def test_unknown_encoding_fails_before_reading(spark, tmp_path):
    """An unknown encoding name fails naming the `<prefix>.encoding` setting."""
    path = write(tmp_path, "c.csv", b"a\n1\n")
    expected = re.escape("unknown encoding 'latin-9x' in `src.encoding`")
    with pytest.raises(InputEncodingError, match=expected):
        read_customers_file(spark, str(path), encoding="latin-9x", setting_prefix="src")


def test_real_latin1_customers_file(spark):
    """mapping_customers.csv (Latin-1, CRLF): every row well-formed; declared utf-8 it fails.

    The expected header, row count and names come from Python's csv module on the same file.
    """
    path = shared_data_file(REAL_FILE)
    with path.open(encoding="latin-1", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    frame = read_customers_file(spark, str(path), encoding="latin-1")
    assert frame.columns == [*header, *ADDED_COLUMNS]
    summary = frame.selectExpr(
        "count(*) AS rows",
        "count(_malformed_record) AS malformed",
        "min(_source_row_number) AS first",
        "max(_source_row_number) AS last",
    ).first()
    assert summary.asDict() == {"rows": len(rows), "malformed": 0, "first": 1, "last": len(rows)}
    # Every value as the csv module decodes it (blank fields load as null): accented names
    # intact, no '\r' left in the last column of a CRLF file.
    loaded = frame.orderBy("_source_row_number").select(*header).collect()
    assert [tuple(row) for row in loaded] == [
        tuple(value if value != "" else None for value in row) for row in rows
    ]
    assert "Abby Kovár" in {row[0] for row in rows}
    data = path.read_bytes()
    offset = re.search(rb"[\x80-\xff]", data).start()
    line = data[:offset].count(b"\n") + 1
    with pytest.raises(InputEncodingError) as caught:
        read_customers_file(spark, str(path), encoding="utf-8")
    assert f"byte 0x{data[offset]:02X} at byte offset {offset}, line {line}" in str(caught.value)
