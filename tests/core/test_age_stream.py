"""The age STREAM's two threads: flat memory, disk failures in words, nothing left running."""

from __future__ import annotations

import io
import os
import sys
import threading
import tracemalloc

import pytest

from intake_desktop.core.bundle.age_stream import StreamReader, StreamWriter
from intake_desktop.core.errors import StorageFailed

KEY = os.urandom(32)
BLOCK = os.urandom(1 << 20)


def age_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("age-")]


class Counting(io.RawIOBase):
    """A sink that keeps only the size of what it was given."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        return len(data)


def test_memory_stays_flat_whatever_the_size(tmp_path: object) -> None:
    """64 MiB each way; what Python allocates at once stays a few 256 KiB buffers."""
    path = os.path.join(str(tmp_path), "stream")
    tracemalloc.start()
    try:
        with open(path, "wb", buffering=0) as sink:
            writer = StreamWriter(sink, KEY)
            for _ in range(64):
                writer.write(BLOCK)
            writer.close()
        _, writing = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with open(path, "rb", buffering=0) as source:
            reader = StreamReader(source, KEY)
            got = 0
            while part := reader.read(1 << 20):
                got += len(part)
            reader.close()
        _, reading = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got == 64 << 20
    assert writing < 3 << 20 and reading < 3 << 20, (writing, reading)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_said_in_words() -> None:
    with open("/dev/full", "wb", buffering=0) as sink:
        writer = StreamWriter(sink, KEY)
        with pytest.raises(StorageFailed, match="disk is full"):
            for _ in range(8):
                writer.write(BLOCK)
            writer.close()
        writer.abort()
    assert age_threads() == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/mem")
def test_a_file_that_cannot_be_read_is_said_in_words() -> None:
    # Offset 0 of a process's memory is never mapped: every read fails (EIO).
    with open("/proc/self/mem", "rb", buffering=0) as source:
        reader = StreamReader(source, KEY)
        with pytest.raises(StorageFailed, match="could not be read"):
            reader.read(10)
        reader.close()
    assert age_threads() == []


def test_closing_half_way_stops_both_threads() -> None:
    sink = io.BytesIO()
    writer = StreamWriter(sink, KEY)
    for _ in range(16):
        writer.write(BLOCK)
    writer.close()
    sealed = sink.getvalue()
    reader = StreamReader(io.BytesIO(sealed), KEY)
    assert reader.read(1) == BLOCK[:1]  # the helper is now ahead, blocked on a full hand-over
    reader.close()
    half = StreamWriter(Counting(), KEY)
    half.write(BLOCK)
    half.abort()
    assert age_threads() == []
    with pytest.raises(ValueError):
        reader.read(1)
    with pytest.raises(ValueError):
        half.write(b"x")
