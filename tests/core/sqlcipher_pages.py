"""Reading an SQLCipher 4 vault's pages as an attacker with the master key would.

For tests that prove something is gone from the disk, not only from SQL's
view: freed pages and WAL frames included.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def sqlcipher_pages(path: Path, key: bytes) -> list[bytes]:
    """Every page of an SQLCipher 4 file (16 KiB pages, raw key) and of its WAL, decrypted."""
    page, reserve = 16384, 80  # 16-byte IV and 64-byte HMAC-SHA512 at each page's end

    def decrypt(raw: bytes, first: bool) -> bytes:
        body = raw[16 : page - reserve] if first else raw[: page - reserve]
        iv = raw[page - reserve : page - reserve + 16]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        return decryptor.update(body) + decryptor.finalize()

    pages = []
    data = path.read_bytes()
    for n in range(len(data) // page):
        pages.append(decrypt(data[n * page : (n + 1) * page], n == 0))
    wal = Path(str(path) + "-wal")
    if wal.exists():
        frames = wal.read_bytes()[32:]
        for start in range(0, len(frames) - 24 - page + 1, 24 + page):
            raw = frames[start + 24 : start + 24 + page]
            page_no = int.from_bytes(frames[start : start + 4], "big")
            pages.append(decrypt(raw, page_no == 1))
    return pages
