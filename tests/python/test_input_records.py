"""The loader's own record count (inputs.records): what customer_input_reconciliation trusts.

It must agree with Spark's CSV reader on every file the reader handles correctly (quoted
newlines, blank lines, whitespace-only lines, a repeated header, BOMs, CR-only ends), and it
is computed without Spark, so the reconciliation can catch a parser that loses rows.
"""

from __future__ import annotations

import functools
import io
import time
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from customer_segmentation.datagen import write_customers
from customer_segmentation.inputs import (
    StaleInputFilesError,
    check_files,
    count_records,
    input_files_frame,
    input_files_of,
    read_customers_file,
    read_table_input,
    record_layout,
    table_input_files,
)
from customer_segmentation.inputs.reader import _check_file, csv_options, parse_header
from customer_segmentation.inputs.streams import HadoopInputStream, read_chunks

PROJECT_DIR = Path(__file__).resolve().parents[2]
LARGE_FILE_BYTES = 80 << 20

FILES = {
    "plain.csv": (b"id,name\n1,a\n2,b\n", 2),
    "no_final_newline.csv": (b"id,name\n1,a\n2,b", 2),
    "quoted_newline.csv": (b'id,name\n1,"a\nb"\n2,"c\r\nd"\n', 2),
    "blank_lines.csv": (b"id,name\n1,a\n\n2,b\n\n", 2),
    "whitespace_line.csv": (b"id,name\n1,a\n   \n2,b\n", 3),
    "repeated_header.csv": (b"id,name\n1,a\nid,name\n2,b\n", 3),
    "bom_crlf.csv": (b"\xef\xbb\xbfid,name\r\n1,a\r\n2,b\r\n", 2),
    "cr_only.csv": (b"id,name\r1,a\r2,b\r", 2),
    "doubled_quotes.csv": (b'id,name\n1,"say ""hi"""\n2,b\n', 2),
    "header_only.csv": (b"id,name\n", 0),
}


@pytest.mark.parametrize(("name", "expected"), [(n, c) for n, (_, c) in FILES.items()])
def test_count_records_counts_data_records_not_lines(name, expected):
    """Header excluded, blank lines skipped, quoted line breaks inside one record."""
    assert count_records(FILES[name][0], "utf-8") == expected


SPLITTABLE = {"quoted_newline.csv": False, "whitespace_line.csv": False}


@pytest.mark.parametrize("name", list(FILES))
def test_record_layout_says_which_files_spark_may_split(name):
    """Only a quoted line break or a whitespace-only line forces a whole-file read."""
    assert record_layout(FILES[name][0], "utf-8") == (FILES[name][1], SPLITTABLE.get(name, True))


@pytest.mark.parametrize("name", list(FILES))
def test_record_layout_and_header_read_a_stream_as_they_read_bytes(name):
    """From a binary stream (as check_files reads a file), the same count, layout and header."""
    data = FILES[name][0]
    assert record_layout(io.BytesIO(data), "utf-8") == record_layout(data, "utf-8")
    assert parse_header(io.BytesIO(data), "utf-8", ",", name) == ("id", "name")


def test_a_split_read_numbers_rows_in_file_order(spark, tmp_path):
    """Parsed in many parts, rows keep their file order, count and malformed flags."""
    lines = [f"{i},name {i}" if i % 7 else f"{i},short" + ",extra" for i in range(1, 401)]
    path = tmp_path / "many.csv"
    path.write_text("id,name\n" + "\n".join(lines) + "\n")
    checked = check_files(spark, str(path))
    assert checked[0].is_splittable
    key = "spark.sql.files.maxPartitionBytes"
    before = spark.conf.get(key)
    spark.conf.set(key, "256")
    try:
        scan = spark.read.options(**csv_options("UTF-8", ",", multiline=False)).csv(str(path))
        assert scan.rdd.getNumPartitions() > 10  # the file really is read in many parts
        frame = read_customers_file(spark, str(path), checked=checked)
        rows = frame.orderBy("_source_row_number").collect()
    finally:
        spark.conf.set(key, before)
    assert [int(row["id"]) for row in rows] == list(range(1, 401))
    assert [row["_source_row_number"] for row in rows] == list(range(1, 401))
    flagged = [int(row["id"]) for row in rows if row["_malformed_record"] is not None]
    assert flagged == list(range(7, 401, 7))


def test_count_records_decodes_with_the_declared_encoding():
    """A UTF-16 file is counted in its own code units, not as bytes."""
    data = "id,name\n1,Zoë\n2,Ángel\n".encode("utf-16")
    assert count_records(data, "utf-16") == 2


@pytest.mark.parametrize("name", [n for n, (_, c) in FILES.items() if c > 0])
def test_spark_reads_as_many_rows_as_the_loader_counts(spark, tmp_path, name):
    """On every file Spark reads correctly, the independent count and Spark's rows agree."""
    path = tmp_path / name
    path.write_bytes(FILES[name][0])
    checked = check_files(spark, str(path))
    assert [file.record_count for file in checked] == [FILES[name][1]]
    assert read_customers_file(spark, str(path), checked=checked).count() == FILES[name][1]


def test_check_files_counts_each_file_of_a_folder(spark, tmp_path):
    """One InputFile per matched file, with its own count, size and header."""
    for name in ("plain.csv", "blank_lines.csv", "quoted_newline.csv"):
        (tmp_path / name).write_bytes(FILES[name][0])
    checked = check_files(spark, str(tmp_path))
    assert [(Path(file.source_file).name, file.record_count) for file in checked] == [
        ("blank_lines.csv", 2),
        ("plain.csv", 2),
        ("quoted_newline.csv", 2),
    ]
    assert {file.column_names for file in checked} == {("id", "name")}
    assert sum(file.byte_count for file in checked) == sum(
        len(FILES[name][0]) for name in ("plain.csv", "blank_lines.csv", "quoted_newline.csv")
    )


def test_input_files_survive_a_round_trip_through_a_dataframe(spark, tmp_path):
    """customers_file rebuilds the checked files from the customers_input_files table."""
    path = str(tmp_path / "plain.csv")
    (tmp_path / "plain.csv").write_bytes(FILES["plain.csv"][0])
    checked = check_files(spark, path)
    frame = input_files_frame(spark, checked, path, "utf-8", ",")
    assert input_files_of(frame, path, "utf-8", ",") == checked


def test_files_checked_for_other_settings_are_refused(spark, tmp_path):
    """Reading with an encoding the files were not checked for would risk mojibake: refused."""
    path = str(tmp_path / "plain.csv")
    (tmp_path / "plain.csv").write_bytes(FILES["plain.csv"][0])
    frame = input_files_frame(spark, check_files(spark, path), path, "utf-8", ",")
    with pytest.raises(
        StaleInputFilesError,
        match=r"checked for path .*, encoding 'utf-8', delimiter ','.* now has path .*"
        r"encoding 'latin-1'.*dbt build --select \+customers_file",
    ):
        input_files_of(frame, path, "latin-1", ",")


def test_a_hadoop_file_system_stream_reads_every_byte_in_chunks(spark, tmp_path):
    """The driver JVM's FileSystem.open(), read through Py4J, gives the file's bytes in order."""
    data = bytes(range(256)) * 1000
    path = tmp_path / "bytes.bin"
    path.write_bytes(data)
    stream = io.BufferedReader(HadoopInputStream(spark, path.as_uri()), 1000)
    chunks = list(read_chunks(stream, 777))
    assert stream.closed
    assert b"".join(chunks) == data
    assert {len(chunk) for chunk in chunks[:-1]} == {777}


def test_a_file_checked_through_the_hadoop_file_system_gives_the_same_result(spark, tmp_path):
    """hdfs:// and s3a:// files take the JVM route; on file: it must agree with open()."""
    path = tmp_path / "quoted.csv"
    path.write_bytes(b'id,name\r\n1,"a\r\nb"\r\n2,c\r\n')

    def check(opener):
        """_check_file's result for the file opened by opener."""
        return _check_file(opener, path.as_uri(), "utf-8", ",", "customers_input.encoding")

    through_jvm = check(lambda: io.BufferedReader(HadoopInputStream(spark, path.as_uri()), 4))
    assert (
        through_jvm
        == check(functools.partial(path.open, "rb"))
        == (path.stat().st_size, ("id", "name"), 2, False)
    )


@pytest.mark.slow
def test_check_files_holds_a_few_chunks_of_a_large_file_not_the_file(spark, tmp_path):
    """Checking an 80 MB file allocates (Python heap, tracemalloc) under a quarter of it."""
    sample = tmp_path / "sample.csv"
    write_customers(sample, 1000, 5, date(2026, 6, 30))
    header, body = sample.read_bytes().split(b"\n", 1)
    copies = LARGE_FILE_BYTES // len(body) + 1
    path = tmp_path / "large.csv"
    with path.open("wb") as handle:
        handle.write(header + b"\n")
        for _ in range(copies):
            handle.write(body)
    size = path.stat().st_size
    started = time.perf_counter()
    tracemalloc.start()
    try:
        checked = check_files(spark, str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(
        f"check_files: {size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s "
        f"(under tracemalloc), peak {peak / 1e6:.1f} MB"
    )
    assert [file.byte_count for file in checked] == [size]
    assert [file.record_count for file in checked] == [
        copies * count_records(sample.read_bytes(), "utf-8")
    ]
    assert peak < size / 4


def test_a_table_without_files_is_read_as_text_and_numbered_in_value_order(spark):
    """A view has no files: its rows get 1..n in the order of their values, deterministically."""
    frame = spark.createDataFrame([("b", 2), ("a", 1), ("a", 1)], "name string, n int")
    frame.createOrReplaceTempView("unnumbered_customers")
    table = read_table_input(spark, "unnumbered_customers", "customers_input")
    rows = table.orderBy("_source_row_number").collect()
    assert [tuple(row) for row in rows] == [
        ("a", "1", None, "unnumbered_customers", 1),
        ("a", "1", None, "unnumbered_customers", 2),
        ("b", "2", None, "unnumbered_customers", 3),
    ]
    (files,) = table_input_files(spark, "unnumbered_customers", "customers_input").collect()
    assert (files.source_file, files.record_count, files.column_names) == (
        "unnumbered_customers",
        3,
        ["name", "n"],
    )
