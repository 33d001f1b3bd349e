"""Input files as binary streams on the driver, read in chunks: never a whole file in memory.

`check_files` reads every matched CSV file's bytes (encoding, line ends, header, record
count). Where the bytes come from depends on the session:

- a classic session whose driver is this process (master `local[...]`) reads a `file:` file
  straight from the disk (`open(path, "rb")`);
- a classic session reads any other Hadoop file system (hdfs://, s3a://, abfss://, ...) through
  the driver JVM's `org.apache.hadoop.fs.FileSystem.open()` (`HadoopInputStream`), with the
  session's Hadoop configuration, so whatever connector and credentials Spark uses apply;
- Spark Connect has no JVM on this side: the file comes through Spark's `binaryFile` source, one
  file at a time, so the driver holds the largest single file (split big CSV exports into parts,
  or use Parquet or a table).
"""

from __future__ import annotations

import io
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING

from pyspark.sql import functions as F

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import BinaryIO

    from pyspark.sql import DataFrame, SparkSession

# Bytes read per call: the driver's memory for a file's checks is a few times this.
CHUNK_SIZE = 2 << 20


class HadoopInputStream(io.RawIOBase):
    """A file of any Hadoop file system, opened by the driver JVM and read through Py4J."""

    def __init__(self, spark: SparkSession, uri: str) -> None:
        """Open uri (as Spark spells it, e.g. 'hdfs://nn/x.csv') with the session's Hadoop conf."""
        jvm = spark.sparkContext._jvm
        try:
            conf = spark._jsparkSession.sessionState().newHadoopConf()
        except Exception:  # an older or unusual session: the context's configuration
            conf = spark.sparkContext._jsc.hadoopConfiguration()
        path = jvm.org.apache.hadoop.fs.Path(uri)
        self._stream = path.getFileSystem(conf).open(path)

    def readable(self) -> bool:
        """A Hadoop input stream is readable."""
        return True

    def readinto(self, buffer) -> int:
        """Fill buffer from the stream (InputStream.readNBytes: short only at the end)."""
        data = self._stream.readNBytes(len(buffer))  # Py4J returns a Java byte[] as bytes
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        """Close the JVM stream."""
        if not self.closed:
            self._stream.close()
        super().close()


def has_jvm(spark: SparkSession) -> bool:
    """Tell whether the session is a classic one, with a JVM reachable through Py4J."""
    try:
        return spark.sparkContext._jvm is not None
    except Exception:  # Spark Connect has no SparkContext
        return False


def driver_is_local(spark: SparkSession) -> bool:
    """Tell whether Spark's driver is this process on this machine (a classic local session)."""
    try:
        master = spark.sparkContext.master
    except Exception:  # Spark Connect has no SparkContext: the driver is elsewhere
        return False
    return master.startswith("local")


def local_path(uri: str) -> str:
    """The operating-system path of a `file:` URI ('file:/data/a%20b.csv' -> '/data/a b.csv')."""
    return urllib.request.url2pathname(urllib.parse.urlparse(uri).path)


def listed_files(files: DataFrame) -> list[str]:
    """The paths of a binaryFile frame, without reading any content (the column is pruned)."""
    return [row.path for row in files.select("path").collect()]


def stream_opener(spark: SparkSession, files: DataFrame) -> Callable[[str], Callable[[], BinaryIO]]:
    """For a listed file, a function that opens it afresh as a binary stream (see module doc).

    files: the binaryFile frame the path was listed from (Spark Connect reads content from it).
    """
    if not has_jvm(spark):

        def over_connect(source: str) -> Callable[[], BinaryIO]:
            """One file's content through binaryFile, fetched once, opened as often as needed."""
            row = files.where(F.col("path") == source).select("content").first()
            content = bytes(row.content) if row is not None else b""
            return lambda: io.BytesIO(content)

        return over_connect
    local = driver_is_local(spark)

    def over_jvm(source: str) -> Callable[[], BinaryIO]:
        """The file from the local disk or through the driver JVM's Hadoop file system."""
        if local and source.startswith("file:"):
            return lambda: open(local_path(source), "rb")
        return lambda: io.BufferedReader(HadoopInputStream(spark, source), CHUNK_SIZE)

    return over_jvm


def read_chunks(stream: BinaryIO, size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The stream's bytes in chunks of size (the last may be shorter); closes the stream."""
    with stream:
        while chunk := stream.read(size):
            yield chunk
