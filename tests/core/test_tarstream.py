"""The bundle tar stream: round trips, real tar readers and writers, hostile archives."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import tarfile
import threading
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import IO, Literal, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_desktop.core.bundle.tarstream import (
    MAX_MEMBER_SIZE,
    TarReader,
    TarWriter,
    safe_member_name,
)
from intake_desktop.core.errors import BundleRejected

MTIME = 1_700_000_000  # 2023-11-14 22:13:20 UTC
MIB = 1 << 20
END = bytes(1024)
UUID = "0b9f6a52-3f8e-4c59-9a39-2f6f0d1d7c11"
SIZES = [0, 1, 511, 512, 513, MIB + 3]


class PipeLike:
    """Only ``read(n)``, returning at most ``most`` bytes; records what the reader asked for."""

    def __init__(self, data: bytes, most: int = 7) -> None:
        self._data = memoryview(data)
        self._pos = 0
        self._most = most
        self.calls = 0
        self.largest_request = 0

    @property
    def consumed(self) -> int:
        return self._pos

    def read(self, n: int) -> bytes:
        assert n > 0
        self.calls += 1
        self.largest_request = max(self.largest_request, n)
        piece = bytes(self._data[self._pos : self._pos + min(n, self._most)])
        self._pos += len(piece)
        return piece


def reader(data: bytes, most: int = 1 << 30, **kwargs: int) -> tuple[TarReader, PipeLike]:
    pipe = PipeLike(data, most)
    return TarReader(cast(IO[bytes], pipe), **kwargs), pipe


def content(size: int, seed: int = 0) -> bytes:
    return bytes((i * 31 + seed) % 251 for i in range(size))


def chunked(data: bytes, step: int = 4096) -> Iterable[bytes]:
    return (data[i : i + step] for i in range(0, len(data), step))


def build(members: list[tuple[str, bytes]], mtime: int = MTIME) -> bytes:
    out = io.BytesIO()
    writer = TarWriter(out, mtime)
    for name, data in members:
        writer.add(name, len(data), chunked(data))
    writer.close()
    assert writer.bytes_written == len(out.getvalue())
    return out.getvalue()


def read_members(stream: TarReader, chunk_size: int = MIB) -> list[tuple[str, bytes]]:
    found = []
    while (member := stream.next()) is not None:
        found.append((member.name, b"".join(member.chunks(chunk_size))))
    return found


def rejected(data: bytes, **kwargs: int) -> str:
    with pytest.raises(BundleRejected) as info:
        read_members(reader(data, **kwargs)[0])
    return str(info.value)


def sample_members() -> list[tuple[str, bytes]]:
    members = [("manifest.json", b'{"format": 1}\n'), ("manifest.json.minisig", b"sig\n")]
    for i, size in enumerate(SIZES):
        data = content(size, i)
        members.append((f"attachments/{hashlib.sha256(data).hexdigest()}", data))
    members.append((f"records/{UUID}.json", b"{}"))
    members.append(("n" * 100, b"exactly 100 bytes of name"))
    return members


# Hand-built headers, for what no tar writer produces.


def checksummed(block: bytes | bytearray) -> bytes:
    header = bytearray(block)
    header[148:156] = b"%06o\x00 " % (sum(header[:148]) + 256 + sum(header[156:]))
    return bytes(header)


def header(
    name: bytes = b"a.json",
    size: bytes = b"00000000000\x00",
    typeflag: bytes = b"0",
    magic: bytes = b"ustar\x0000",
    linkname: bytes = b"",
    prefix: bytes = b"",
) -> bytes:
    block = bytearray(512)
    block[0 : len(name)] = name
    block[100:136] = b"0000600\x000000000\x000000000\x00" + size
    block[136:148] = b"%011o\x00" % MTIME
    block[156:157] = typeflag
    block[157 : 157 + len(linkname)] = linkname
    block[257:265] = magic
    block[345 : 345 + len(prefix)] = prefix
    return checksummed(block)


def patched(archive: bytes, offset: int, value: bytes) -> bytes:
    """Overwrite bytes inside the header at the block containing ``offset``, fixing its checksum."""
    start = offset - offset % 512
    block = bytearray(archive[start : start + 512])
    block[offset - start : offset - start + len(value)] = value
    return archive[:start] + checksummed(block) + archive[start + 512 :]


def made_by_tarfile(
    *infos: tarfile.TarInfo,
    fmt: int = tarfile.USTAR_FORMAT,
    pax_headers: dict[str, str] | None = None,
) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt, pax_headers=pax_headers) as archive:
        for info in infos:
            archive.addfile(info, io.BytesIO(b"x" * info.size) if info.isreg() else None)
    return out.getvalue()


def info(
    name: str, kind: bytes = tarfile.REGTYPE, size: int = 0, link: str = ""
) -> tarfile.TarInfo:
    entry = tarfile.TarInfo(name)
    entry.type, entry.size, entry.linkname = kind, size, link
    return entry


# Round trips.


def test_round_trip_through_a_pipe_that_returns_seven_bytes_at_a_time() -> None:
    members = sample_members()
    data = build(members)
    assert len(data) % 512 == 0 and data.endswith(END)
    stream, pipe = reader(data, most=7)
    assert read_members(stream) == members
    assert stream.next() is None  # stays at the end
    assert pipe.consumed == len(data)
    assert pipe.largest_request <= MIB


def test_round_trip_through_a_real_os_pipe() -> None:
    members = sample_members()
    read_fd, write_fd = os.pipe()
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            with os.fdopen(write_fd, "wb", buffering=0) as out:
                writer = TarWriter(out, MTIME)
                for name, data in members:
                    writer.add(name, len(data), chunked(data, 100_000))
                writer.close()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    thread = threading.Thread(target=produce)
    thread.start()
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        assert read_members(TarReader(pipe), chunk_size=65_536) == members
    thread.join()
    assert errors == []


def test_the_reader_reads_the_end_marker_and_allows_some_zero_padding() -> None:
    data = build([("a", b"1")])
    assert read_members(reader(data + bytes(100), max_trailing=100)[0]) == [("a", b"1")]
    assert read_members(reader(data + bytes(9728))[0]) == [("a", b"1")]  # a 10 KiB record


def test_unread_members_are_skipped_and_partly_read_ones_finished() -> None:
    members = sample_members()
    stream, _pipe = reader(build(members), most=1000)
    seen = []
    while (member := stream.next()) is not None:
        seen.append((member.name, member.size))
        if member.size > 1000:  # read one chunk of the big one and leave the rest
            assert len(next(member.chunks(100))) == 100
    assert seen == [(name, len(data)) for name, data in members]


def test_chunks_have_the_requested_size_and_read_all_returns_the_content() -> None:
    data = content(3000)
    stream, _ = reader(build([("big", data), ("small", b"hello")]))
    member = stream.next()
    assert member is not None
    pieces = list(member.chunks(1024))
    assert [len(p) for p in pieces] == [1024, 1024, 952] and b"".join(pieces) == data
    small = stream.next()
    assert small is not None and small.read_all(limit=5) == b"hello"
    assert stream.next() is None


def test_a_member_is_read_once_and_not_after_the_reader_moved_on() -> None:
    stream, _ = reader(build([("a", content(5000)), ("b", b"")]))
    first = stream.next()
    assert first is not None
    chunks = first.chunks(1000)
    next(chunks)
    with pytest.raises(RuntimeError):
        first.chunks()
    assert stream.next() is not None
    with pytest.raises(RuntimeError):
        next(chunks)
    with pytest.raises(RuntimeError):
        first.read_all(10_000)


def test_read_all_refuses_a_large_member_from_its_header_alone() -> None:
    stream, pipe = reader(build([("manifest.json", content(70_000))]))
    member = stream.next()
    assert member is not None
    with pytest.raises(BundleRejected) as info_:
        member.read_all(limit=65_536)
    assert str(info_.value) == (
        "The bundle entry manifest.json is 70000 bytes, more than the 65536 allowed."
    )
    assert pipe.consumed == 512


def test_a_large_member_is_read_in_bounded_requests() -> None:
    stream, pipe = reader(build([("big", content(3 * MIB + 5))]))
    member = stream.next()
    assert member is not None
    assert max(len(c) for c in member.chunks()) == MIB
    assert stream.next() is None
    assert pipe.largest_request <= MIB + 512


# The writer.


def test_the_writer_writes_the_documented_header() -> None:
    data = build([(f"records/{UUID}.json", b"{}")])
    head = data[:512]
    assert head[:100] == f"records/{UUID}.json".encode().ljust(100, b"\x00")
    assert head[100:136] == b"0000600\x000000000\x000000000\x0000000000002\x00"
    assert head[136:148] == b"%011o\x00" % MTIME
    assert head[156:157] == b"0" and head[257:265] == b"ustar\x0000"
    assert head[157:257] == bytes(100) and head[265:512] == bytes(247)  # names, devs, prefix
    assert int(head[148:154], 8) == sum(head[:148]) + 256 + sum(head[156:])
    assert data[512:1024] == b"{}" + bytes(510) and data[1024:] == END


@pytest.mark.parametrize(
    "name",
    [
        "",
        "/abs",
        "../x",
        "a/../b",
        "./a",
        "a/.",
        "a//b",
        "a/",
        "a\\b",
        "é",
        "a b",
        "a\nb",
        "x" * 101,
    ],
)
def test_the_writer_refuses_unsafe_names(name: str) -> None:
    out = io.BytesIO()
    with pytest.raises(ValueError, match="unsafe"):
        TarWriter(out, MTIME).add(name, 0, [])
    assert out.getvalue() == b""


@pytest.mark.parametrize(
    ("size", "chunks", "problem", "written"),
    [
        (4, [b"abc"], "1 bytes short of 4", 3),
        (3, [b"ab", b"cd"], "exceed the declared size 3", 2),
        (4, [b"a", b"b", b"c", b"d", b"e"], "exceed the declared size 4", 4),
    ],
)
def test_the_writer_refuses_chunks_that_do_not_add_up_and_stays_broken(
    size: int, chunks: list[bytes], problem: str, written: int
) -> None:
    out = io.BytesIO()
    writer = TarWriter(out, MTIME)
    with pytest.raises(ValueError, match=problem):
        writer.add("a", size, chunks)
    assert len(out.getvalue()) == writer.bytes_written == 512 + written  # no excess written
    with pytest.raises(ValueError):
        writer.add("b", 0, [])
    with pytest.raises(ValueError):
        writer.close()


@pytest.mark.parametrize("size", [-1, MAX_MEMBER_SIZE + 1])
def test_the_writer_refuses_sizes_it_cannot_encode(size: int) -> None:
    with pytest.raises(ValueError, match="size"):
        TarWriter(io.BytesIO(), MTIME).add("a", size, [])


@pytest.mark.parametrize("mtime", [-1, 8**11])
def test_the_writer_refuses_an_mtime_it_cannot_encode(mtime: int) -> None:
    with pytest.raises(ValueError, match="mtime"):
        TarWriter(io.BytesIO(), mtime)


def test_the_writer_handles_short_writes_and_leaves_the_output_open() -> None:
    class ShortWrites(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: object) -> int:
            piece = bytes(cast(bytes, b))[:3]
            self.data += piece
            return len(piece)

    out = ShortWrites()
    writer = TarWriter(cast(IO[bytes], out), MTIME)
    writer.add("a", 600, [content(600)])
    writer.close()
    assert not out.closed
    assert bytes(out.data) == build([("a", content(600))])
    assert writer.bytes_written == 512 + 1024 + 1024


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("manifest.json", True),
        (f"records/{UUID}.json", True),
        ("attachments/" + "ab" * 32, True),
        ("a/.../b", True),
        ("x" * 100, True),
        ("x" * 101, False),
        ("", False),
        ("/etc/passwd", False),
        ("..", False),
        ("a/../../b", False),
        ("./a", False),
        ("a//b", False),
        ("a/", False),
        ("a\\b", False),
        ("a:b", False),
        ("ä", False),
        ("a\x00b", False),
        ("a\nb", False),
        ("a\n", False),
    ],
)
def test_safe_member_name(name: str, safe: bool) -> None:
    assert safe_member_name(name) is safe


# Other tar programs read what we write, and we read plain ustar from them.


def test_gnu_tar_lists_and_extracts_our_archive_and_sha256sum_checks_it(tmp_path: Path) -> None:
    members = sample_members()
    archive = tmp_path / "bundle.tar"
    archive.write_bytes(build(members))
    env = {**os.environ, "TZ": "UTC", "LC_ALL": "C"}
    listing = subprocess.run(
        ["tar", "--numeric-owner", "--full-time", "-tvf", str(archive)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert listing.stderr == ""
    rows = [line.split() for line in listing.stdout.splitlines()]
    assert [(r[0], r[1], int(r[2]), r[3], r[4], r[5]) for r in rows] == [
        ("-rw-------", "0/0", len(data), "2023-11-14", "22:13:20", name) for name, data in members
    ]
    out = tmp_path / "out"
    out.mkdir()
    extract = subprocess.run(
        ["tar", "-xf", str(archive), "-C", str(out)], capture_output=True, text=True, env=env
    )
    assert extract.returncode == 0 and extract.stderr == ""
    for name, data in members:
        assert (out / name).read_bytes() == data
    sums = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n"
        for name, data in members
        if name.startswith("attachments/")
    )
    (out / "SHA256SUMS").write_text(sums)
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True, env=env
    )
    assert check.returncode == 0 and check.stdout.count(": OK") == len(SIZES)


@pytest.mark.parametrize("mode", ["r:", "r|"])
def test_python_tarfile_reads_our_archive(mode: Literal["r:", "r|"], tmp_path: Path) -> None:
    members = sample_members()
    with tarfile.open(fileobj=io.BytesIO(build(members)), mode=mode) as archive:
        found = []
        for entry in archive:
            assert entry.isreg() and entry.mode == 0o600 and entry.mtime == MTIME
            assert (entry.uid, entry.gid, entry.uname, entry.gname) == (0, 0, "", "")
            assert entry.pax_headers == {}
            handle = archive.extractfile(entry)
            assert handle is not None
            found.append((entry.name, handle.read()))
    assert found == members
    with tarfile.open(fileobj=io.BytesIO(build(members)), mode="r:") as archive:
        archive.extractall(tmp_path, filter="data")
    assert (tmp_path / f"records/{UUID}.json").read_bytes() == b"{}"


def test_we_read_a_plain_ustar_archive_made_by_tarfile() -> None:
    """tarfile's ustar: mode 0644, its own uid/uname, 10 KiB records. None of it matters."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, size in [("manifest.json", 10), (f"records/{UUID}.json", 700)]:
            entry = info(name, size=size)
            entry.mode, entry.uid, entry.uname = 0o644, 1000, "farida"
            archive.addfile(entry, io.BytesIO(content(size)))
    assert len(out.getvalue()) == 10240
    assert read_members(reader(out.getvalue(), most=100)[0]) == [
        ("manifest.json", content(10)),
        (f"records/{UUID}.json", content(700)),
    ]


def test_we_read_gnu_tar_ustar_output_and_refuse_its_default_format(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "records").mkdir(parents=True)
    (src / "records" / f"{UUID}.json").write_bytes(b'{"a": 1}')
    (src / "manifest.json").write_bytes(content(2000))
    names = ["manifest.json", f"records/{UUID}.json"]
    for fmt in ("ustar", "gnu"):
        subprocess.run(
            ["tar", f"--format={fmt}", "-cf", str(tmp_path / f"{fmt}.tar"), "-C", str(src), *names],
            check=True,
        )
    ustar = (tmp_path / "ustar.tar").read_bytes()
    assert read_members(reader(ustar)[0]) == [(names[0], content(2000)), (names[1], b'{"a": 1}')]
    assert "is not POSIX ustar" in rejected((tmp_path / "gnu.tar").read_bytes())


# Rejections.


@pytest.mark.parametrize(
    ("kind", "link"),
    [
        (tarfile.SYMTYPE, "/etc/passwd"),
        (tarfile.LNKTYPE, "manifest.json"),
        (tarfile.DIRTYPE, ""),
        (tarfile.FIFOTYPE, ""),
        (tarfile.CHRTYPE, ""),
        (tarfile.BLKTYPE, ""),
        (tarfile.CONTTYPE, ""),
    ],
)
def test_links_directories_and_devices_are_refused(kind: bytes, link: str) -> None:
    data = made_by_tarfile(info("manifest.json", b"0"), info("records", kind, link=link))
    shown = "records/" if kind == tarfile.DIRTYPE else "records"  # tarfile adds the slash
    assert rejected(data) == (
        f"The bundle holds an entry {shown} of unsupported type '{kind.decode()}'."
    )


def test_a_pax_header_is_refused_before_its_declared_size_is_read() -> None:
    data = made_by_tarfile(info("a" * 150, size=1), fmt=tarfile.PAX_FORMAT)
    assert data[156:157] == b"x"
    hostile = patched(data, 124, b"77777777777\x00")  # an 8 GiB pax record
    stream, pipe = reader(hostile)
    with pytest.raises(BundleRejected, match="of unsupported type 'x'"):
        stream.next()
    assert pipe.consumed == 512


def test_a_pax_global_header_is_refused() -> None:
    data = made_by_tarfile(info("a"), fmt=tarfile.PAX_FORMAT, pax_headers={"comment": "hi"})
    assert "of unsupported type 'g'" in rejected(data)


def test_gnu_long_names_are_refused_by_format_and_by_type() -> None:
    data = made_by_tarfile(info("a" * 150, size=1), fmt=tarfile.GNU_FORMAT)
    assert data[156:157] == b"L"
    assert rejected(data) == "The bundle's archive header at byte 0 is not POSIX ustar."
    assert "of unsupported type 'L'" in rejected(patched(data, 257, b"ustar\x0000"))


@pytest.mark.parametrize("flag", [b"K", b"S", b"V", b"M", b"\x00", b"7", b"A"])
def test_other_type_flags_are_refused(flag: bytes) -> None:
    shown = "\\x00" if flag == b"\x00" else flag.decode()
    message = rejected(header(typeflag=flag) + END)
    assert message == f"The bundle holds an entry a.json of unsupported type '{shown}'."


def test_a_regular_file_with_a_link_target_is_refused() -> None:
    assert rejected(header(linkname=b"/etc/shadow") + END) == (
        "The bundle holds an entry a.json that names a link target."
    )


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("/etc/passwd", "/etc/passwd"),
        ("../x", "../x"),
        ("records/../../x", "records/../../x"),
        ("./manifest.json", "./manifest.json"),
        ("records//a", "records//a"),
        ("records/", "records/"),
        ("a\\b", "a\\x5cb"),
        ("é.json", "\\xc3\\xa9.json"),
        ("a\nb\x1b[2J", "a\\x0ab\\x1b[2J"),
        ("a b", "a b"),
        ("d" * 50 + "/" + "b" * 60, "d" * 50 + "/" + "b" * 29 + "..."),  # the prefix field
        ("../" + "z" * 97, "../" + "z" * 77 + "..."),
    ],
)
def test_unsafe_paths_are_refused_and_shown_escaped(name: str, shown: str) -> None:
    data = made_by_tarfile(info(name, size=1))
    assert rejected(data) == f"The bundle holds an entry with an unsafe path {shown}."


def test_hidden_bytes_after_the_name_are_refused() -> None:
    assert "unsafe path a.json." in rejected(header(name=b"a.json\x00evil") + END)


def test_a_prefix_field_is_refused_even_with_an_empty_first_byte() -> None:
    assert "unsafe path /a.json." in rejected(header(prefix=b"\x00hidden") + END)


def test_a_bad_checksum_is_refused_with_the_header_offset() -> None:
    data = build([("a", b"x"), ("b", b"y")])
    assert rejected(data[:1024] + b"c" + data[1025:]) == (
        "The bundle is damaged: an archive header (byte 1024) fails its checksum."
    )
    garbage = data[:148] + b"zzzzzz\x00 " + data[156:]
    assert "(byte 0) fails its checksum" in rejected(garbage)


def test_a_signed_byte_checksum_is_not_accepted() -> None:
    block = bytearray(header(name=b"\xe9"))
    signed = sum(b - 256 if b > 127 else b for b in block[:148]) + 256 + sum(block[156:])
    block[148:156] = b"%06o\x00 " % signed
    assert "fails its checksum" in rejected(bytes(block) + END)


@pytest.mark.parametrize(
    "magic", [b"ustar  \x00", b"ustar\x0001", b"\x00" * 8, b"USTAR\x0000", b"ustar 00"]
)
def test_a_wrong_magic_or_version_is_refused(magic: bytes) -> None:
    assert rejected(header(magic=magic) + END) == (
        "The bundle's archive header at byte 0 is not POSIX ustar."
    )


@pytest.mark.parametrize(
    "size",
    [
        b"0000000008\x00\x00",
        b"\x80" + bytes(10) + b"\x01",  # GNU base-256
        b"\x00" * 12,
        b"12 3\x00\x00\x00\x00\x00\x00\x00\x00",
        b"-0000000001\x00",
        b"0x1\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        b"1\x001" + bytes(9),
    ],
)
def test_a_size_that_is_not_octal_is_refused(size: bytes) -> None:
    assert rejected(header(size=size) + END) == (
        "The bundle is damaged: the size of entry a.json is not a valid number."
    )


@pytest.mark.parametrize("size", [b"100000000000", b"777777777777"])
def test_a_size_over_the_limit_is_refused(size: bytes) -> None:
    assert rejected(header(size=size) + END) == (
        f"The bundle entry a.json declares {int(size, 8)} bytes, "
        f"more than the {MAX_MEMBER_SIZE} allowed."
    )


@pytest.mark.parametrize(
    "size", [b"77777777777\x00", b"  1750 \x00\x00\x00\x00\x00", b"1" + b" " * 11]
)
def test_octal_sizes_as_real_writers_spell_them_are_accepted(size: bytes) -> None:
    """The largest size and old-style spaces parse; the stream then ends inside the data."""
    message = rejected(header(size=size) + END)
    assert message == "The bundle is truncated: it ends in the middle of its contents."


def test_every_truncation_is_refused() -> None:
    data = build([("a", b""), ("b", b"12345"), ("c", content(600))])
    assert len(data) == 4096
    for cut in range(len(data)):
        assert rejected(data[:cut], most=13) == (
            "The bundle is truncated: it ends in the middle of its contents."
        ), cut


def test_non_zero_padding_after_data_is_refused() -> None:
    data = bytearray(build([("a", b"x")]))
    data[600] = 1
    assert rejected(bytes(data)) == (
        "The bundle is damaged: the padding after entry a is not empty."
    )
    stream, _ = reader(bytes(data))  # also when the member is skipped unread
    assert stream.next() is not None
    with pytest.raises(BundleRejected, match="padding after entry a"):
        stream.next()


def test_data_after_the_end_marker_is_refused() -> None:
    data = build([("a", b"x")])
    message = "The bundle is damaged: it holds data after the end of its archive."
    assert rejected(data + bytes(5000) + b"\x01") == message
    lone_zero_block = data[:1024] + bytes(512) + header() + END
    assert rejected(lone_zero_block) == message


def test_too_much_trailing_zero_padding_is_refused() -> None:
    data = build([("a", b"x")])
    assert read_members(reader(data + bytes(4096), max_trailing=4096)[0]) == [("a", b"x")]
    assert rejected(data + bytes(4097), max_trailing=4096) == (
        "The bundle holds more than 4096 bytes of padding after its archive."
    )
    assert "more than 0 bytes of padding" in rejected(data + b"\x00", max_trailing=0)
    stream, pipe = reader(data + bytes(50 * MIB))  # bounded even when the zeros go on
    with pytest.raises(BundleRejected, match="padding"):
        read_members(stream)
    assert pipe.consumed <= len(data) + MIB + 65_536


def test_a_rejection_is_final() -> None:
    stream, _ = reader(header(typeflag=b"2") + build([("a", b"x")]))
    for _ in range(2):
        with pytest.raises(BundleRejected, match="unsupported type"):
            stream.next()


def test_messages_never_include_member_content() -> None:
    secret = b"Ahmadzai family, Kabul"
    data = build([("a", secret)])
    for cut in (530, 1100):
        assert "Ahmadzai" not in rejected(data[:cut])
    assert "Ahmadzai" not in rejected(data[:513] + bytes(511) + secret)


# Properties: hostile input only ever ends in BundleRejected, with bounded reads.


def consume(data: bytes, most: int) -> None:
    stream, pipe = reader(data, most=most, max_trailing=2048)
    try:
        while (member := stream.next()) is not None:
            for _ in member.chunks(700):
                pass
    except BundleRejected:
        pass
    assert pipe.largest_request <= MIB + 512
    assert pipe.consumed <= len(data)
    assert pipe.calls <= len(data) + 1  # every read but the last made progress: no spinning


FUZZ = settings(
    max_examples=300,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
VALID = build([("manifest.json", b"{}"), ("a/b", content(700)), ("c", b"")]) + bytes(1024)
HEADER_OFFSETS = (0, 1024, 2560)


@FUZZ
@given(st.binary(max_size=4096), st.integers(1, 600))
def test_random_bytes_are_only_ever_rejected(data: bytes, most: int) -> None:
    consume(data, most)


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from([b"", header(), header(size=b"00000001000\x00")]))
def test_a_valid_header_followed_by_random_bytes_is_only_ever_rejected(
    tail: bytes, head: bytes
) -> None:
    consume(head + tail, 64)


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, len(VALID) - 1), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.integers(0, len(VALID)), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, len(VALID)), st.integers(1, 600)),
    st.tuples(
        st.just("set"), st.sampled_from([124, 148, 156, 257, 345, 1024 + 124]), st.integers()
    ),
)


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=6), st.booleans(), st.integers(1, 700))
def test_mutated_archives_are_only_ever_rejected(
    mutations: list[tuple[str, int, int]], fix_checksums: bool, most: int
) -> None:
    data = bytearray(VALID)
    for kind, pos, value in mutations:
        pos = min(pos, len(data))
        if kind == "flip" and pos < len(data):
            data[pos] ^= value
        elif kind == "cut":
            del data[pos:]
        elif kind == "insert":
            data[pos:pos] = bytes([value % 256]) * value
        elif kind == "set":
            data[pos : pos + 12] = (b"%011o\x00" % (abs(value) % 8**12))[-12:]
    if fix_checksums:  # so mutations reach the checks behind the checksum
        for start in HEADER_OFFSETS:
            if len(data) >= start + 512 and any(data[start : start + 512]):
                data[start : start + 512] = checksummed(data[start : start + 512])
    consume(bytes(data), most)


names = st.lists(
    st.from_regex(r"[a-z0-9_-]{1,8}(/[a-z0-9._-]{1,8}){0,2}", fullmatch=True).filter(
        safe_member_name
    ),
    min_size=0,
    max_size=5,
)


@settings(max_examples=100, deadline=timedelta(seconds=2))
@given(names, st.data())
def test_any_written_archive_reads_back(member_names: list[str], data: st.DataObject) -> None:
    members = [(name, data.draw(st.binary(max_size=1500))) for name in member_names]
    archive = build(members, mtime=data.draw(st.integers(0, 8**11 - 1)))
    most = data.draw(st.integers(1, 1000))
    assert read_members(reader(archive, most=most)[0], chunk_size=333) == members
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r|") as theirs:
        assert [m.name for m in theirs] == member_names
