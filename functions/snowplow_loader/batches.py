"""How the embedded loader groups files: consecutive files read and committed together.

One read_csv over a list of files is read in parallel (a small file alone gets one
thread), and one transaction per batch pays the query planning and the commit once, so
a landing folder of small files loads about as fast as one large file. The grouping is
a policy of its own, apart from how a batch is read (``embedded``): the CLI batches what
it discovered and hands each batch to ``EmbeddedLoader.load_batch``.
"""

from collections.abc import Iterator, Sequence

from snowplow_loader.files import SourceFile

# A batch: enough files to keep both cores reading and to spread the per-read planning,
# few enough bytes that a batch refused by the reader costs little to read again alone.
# Memory does not bound it: a read streams under ``embedded.MEMORY_LIMIT`` whatever its
# size. Each batch after the first appends beside the partly filled row groups the one
# before left, and the closing checkpoint merges them (DuckDB's vacuum): 1M events as two
# batches of 0.9 GB spent 4 s there, a fifth of the load, against nothing as one batch.
BATCH_BYTES = 4 * 1024 * 1024 * 1024
BATCH_FILES = 1000


def batches(files: Sequence[SourceFile]) -> Iterator[list[SourceFile]]:
    """Consecutive files of one compression, at most BATCH_FILES and BATCH_BYTES together."""
    batch: list[SourceFile] = []
    size = 0
    for source in files:
        if batch and (
            source.gzipped != batch[0].gzipped
            or size + source.size > BATCH_BYTES
            or len(batch) >= BATCH_FILES
        ):
            yield batch
            batch, size = [], 0
        batch.append(source)
        size += source.size
    if batch:
        yield batch
