"""Attachments: in the encrypted file store, streamed both ways, deduplicated, memory flat."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from intake_desktop.core.attachments import (
    CHUNK_SIZE,
    BlobStore,
    ParallelChunks,
    sniff_media_type,
)
from intake_desktop.core.errors import InvalidInput, NotFound, VaultDamaged
from intake_desktop.core.files import EarlyWriteback
from intake_desktop.core.filestore import SEGMENT
from intake_desktop.core.vault import Vault
from tests.helpers import REPO, make_vault


def test_content_round_trips_across_chunk_boundaries(vault: Vault) -> None:
    data = os.urandom(CHUNK_SIZE * 2 + 12345)
    store = BlobStore(vault)
    with vault.transaction():
        info = store.put(io.BytesIO(data), "scan.bin")
    assert (info.sha256, info.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert b"".join(store.chunks(info.sha256)) == data
    reader = store.open(info.sha256)
    assert reader.read(10) == data[:10]
    assert reader.read() == data[10:]
    assert store.verify(info.sha256)


def test_the_same_content_is_stored_once(vault: Vault) -> None:
    store = BlobStore(vault)
    with vault.transaction():
        a = store.put(io.BytesIO(b"same bytes" * 100), "a.txt")
        b = store.put(io.BytesIO(b"same bytes" * 100), "b.txt")
    assert a.sha256 == b.sha256
    assert vault.conn.execute("SELECT count(*) FROM blobs").fetchone() == (1,)
    # The second copy's file was removed as soon as its hash was known.
    assert vault.files.names() == BlobStore(vault).file_names() and len(vault.files.names()) == 1
    assert [p.name for p in vault.files.folder.iterdir() if not p.name.startswith(".")] == [
        *vault.files.names()
    ]


def test_an_empty_file_is_a_valid_attachment(vault: Vault) -> None:
    store = BlobStore(vault)
    with vault.transaction():
        info = store.put(io.BytesIO(b""), "empty.txt")
    assert info.size == 0 and b"".join(store.chunks(info.sha256)) == b""


def test_an_oversized_file_is_refused_and_nothing_is_kept(vault: Vault) -> None:
    store = BlobStore(vault)
    with pytest.raises(InvalidInput), vault.transaction():
        store.put(io.BytesIO(b"x" * 3000), "big.bin", max_bytes=2000)
    assert vault.conn.execute("SELECT count(*) FROM blobs").fetchone() == (0,)
    assert [p.name for p in vault.files.folder.iterdir() if not p.name.startswith(".")] == []


def test_a_rolled_back_put_leaves_no_file(vault: Vault) -> None:
    store = BlobStore(vault)
    with pytest.raises(RuntimeError), vault.transaction():
        store.put(io.BytesIO(b"kept only if committed"), "a.txt")
        assert len(vault.files.names()) == 1
        raise RuntimeError("the caller's next step failed")
    assert vault.conn.execute("SELECT count(*) FROM blobs").fetchone() == (0,)
    assert vault.files.names() == set()


def test_an_unknown_attachment_is_not_found(vault: Vault) -> None:
    with pytest.raises(NotFound):
        list(BlobStore(vault).chunks("0" * 64))


@pytest.mark.parametrize(
    "head,name,expected",
    [
        (b"%PDF-1.7", "x.jpg", "application/pdf"),  # content beats the name
        (b"\x89PNG\r\n\x1a\nxxxx", "", "image/png"),
        (b"\xff\xd8\xff\xe0", "photo", "image/jpeg"),
        (b"plain", "notes.txt", "text/plain"),
        (b"\x00\x01", "", "application/octet-stream"),
    ],
)
def test_media_types_are_sniffed_from_content(head: bytes, name: str, expected: str) -> None:
    assert sniff_media_type(head, name) == expected


MEMORY_PROBE = textwrap.dedent(
    """
    import hashlib, io, json, resource, sys
    from intake_desktop.core.vault import Vault
    from intake_desktop.core.attachments import BlobStore

    class Pattern(io.RawIOBase):
        # A large file that exists nowhere: generated as it is read.
        def __init__(self, size):
            self.left = size
            self.block = hashlib.sha256(b"seed").digest() * 32768  # 1 MiB
        def readable(self):
            return True
        def readinto(self, buf):
            n = min(len(buf), self.left, len(self.block))
            buf[:n] = self.block[:n]
            self.left -= n
            return n

    def peak_kib():
        # VmHWM is this process's own peak. ru_maxrss is not: Linux carries it
        # over from the (large) pytest process that forked us.
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    path, passphrase, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    vault = Vault.open(path, passphrase)
    store = BlobStore(vault)
    with vault.transaction():
        info = store.put(io.BufferedReader(Pattern(size), 1 << 20), "big.bin")
    after_write = peak_kib()
    digest = hashlib.sha256()
    read = 0
    for chunk in store.chunks(info.sha256):
        digest.update(chunk)
        read += len(chunk)
    vault.close()
    print(json.dumps({
        "size": info.size, "read": read, "ok": digest.hexdigest() == info.sha256,
        "rss_after_write_kib": after_write,
        "rss_peak_kib": peak_kib(),
    }))
    """
)


@pytest.mark.slow
def test_a_1_gib_attachment_is_streamed_without_holding_it_in_memory(tmp_path: Path) -> None:
    make_vault(tmp_path / "vault")[0].close()
    size = 1 << 30
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            MEMORY_PROBE,
            str(tmp_path / "vault"),
            "correct horse battery staple",
            str(size),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO,
        check=True,
    )
    figures = json.loads(result.stdout)
    assert figures["size"] == size and figures["read"] == size and figures["ok"]
    # Python, SQLCipher and Argon2id's 64 MiB account for ~120 MiB; a file held
    # in memory would add 1,024 MiB.
    assert figures["rss_peak_kib"] < 300 * 1024, figures


def chunk_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("chunks")]


def test_parallel_readers_return_every_chunk_in_order_then_stop(vault: Vault) -> None:
    data = os.urandom(SEGMENT * 5 + 777)
    with vault.transaction():
        info = BlobStore(vault).put(io.BytesIO(data), "scan.bin")
    with ParallelChunks(vault, readers=2, ahead=3) as readers:
        chunks = list(readers.chunks(info.sha256))
        assert len(chunk_threads()) == 2
        # Stopped halfway (an export that failed): the rest is never read.
        partial = readers.chunks(info.sha256)
        assert next(partial) == data[:SEGMENT]
        partial.close()
    # The padding after the content is never returned.
    assert b"".join(chunks) == data and [len(c) for c in chunks] == [SEGMENT] * 5 + [777]
    assert chunk_threads() == []


def test_parallel_readers_report_a_damaged_segment_as_damage(vault: Vault) -> None:
    data = os.urandom(SEGMENT * 3)
    with vault.transaction():
        info = BlobStore(vault).put(io.BytesIO(data), "scan.bin")
    (name,) = vault.files.names()
    with open(vault.files.folder / name, "r+b") as blob:
        blob.seek(SEGMENT + 100)
        byte = blob.read(1)
        blob.seek(-1, os.SEEK_CUR)
        blob.write(bytes([byte[0] ^ 1]))
    with ParallelChunks(vault) as readers:
        with pytest.raises(VaultDamaged):
            list(readers.chunks(info.sha256))
        with pytest.raises(NotFound):
            list(readers.chunks("0" * 64))
    assert chunk_threads() == []


def test_early_writeback_flushes_a_growing_file_as_it_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        flushed.append(os.fstat(fd).st_size)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    target, untouched = tmp_path / "out.bin", tmp_path / "other.bin"
    untouched.write_bytes(b"x" * 100)
    step = 1 << 20
    with EarlyWriteback(target, untouched, step=step, interval=0.01), target.open("wb") as out:
        for _ in range(4):
            out.write(os.urandom(step))
            out.flush()
            deadline = time.monotonic() + 10
            while (not flushed or flushed[-1] < out.tell()) and time.monotonic() < deadline:
                time.sleep(0.01)
    # Each step of growth was flushed once, while the file was being written;
    # the small file that did not grow was left alone.
    assert flushed == [step, 2 * step, 3 * step, 4 * step]
