"""The crypto worker: age encryption and decryption in a separate process.

pyrage holds the GIL for whole calls, and its streaming calls slow down
badly beside another busy Python thread (DESIGN.md, measured facts), so the
app never runs it on the GUI thread or beside the tar stream: the parent
streams plaintext over a pipe and this process does the age work.

    encrypt   stdin: a header line, then the plaintext -> ciphertext into the file;
              prints {"size"}
    decrypt   stdin: a header line, then the identity's line -> plaintext on stdout

The header is one JSON line: {"fd": N} names a file descriptor the parent
opened and handed down (POSIX), {"path": P} a file to open (Windows, where a
child cannot inherit a descriptor by number); "recipients" lists an
export's age recipients. Nothing but the action is in argv: every account
can read a command line (/proc), and a bundle's name, its temporary file's
name and its recipients say who a case is about and where it goes. The
identity, too, travels over stdin.

Failures are one JSON line on stderr, {"error": template, "params": {...}},
and exit status 1; the parent turns it back into the same error.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from typing import Any

import pyrage

from ..errors import BundleRejected, IntakeError
from ..hardening import harden_process
from ..i18n import N_
from .agecheck import read_age_header

NOT_FOR_US = N_("This bundle is not addressed to this vault (or its header is damaged).")
DAMAGED = N_("The bundle is damaged or truncated: its encryption does not verify.")


def command() -> list[str]:
    """How to start a worker, from source or from the frozen app."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--bundle-worker"]
    return [sys.executable, "-m", "intake_desktop.core.bundle.worker"]


def clean_environment() -> dict[str, str]:
    """The worker needs no passphrase or vault path: don't hand them over."""
    return {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}


NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows
HEADER_BYTES = 1 << 16  # far more than the recipients an export may name


def read_header() -> dict[str, Any]:
    """The first line of stdin, read a byte at a time so no plaintext is read ahead.

    pyrage then reads the rest of the pipe itself (``/dev/stdin``), so a
    buffered reader here would swallow the start of the tar stream.
    """
    line = bytearray()
    while not line.endswith(b"\n"):
        byte = os.read(0, 1)
        if not byte or len(line) >= HEADER_BYTES:
            raise ValueError("no header")
        line += byte
    header = json.loads(line)
    if not isinstance(header, dict):
        raise ValueError("bad header")
    return header


def open_file(header: dict[str, Any], flags: int) -> int:
    """The descriptor of the header's file: inherited, or opened here with ``flags``."""
    if "fd" in header:
        fd = header["fd"]
        if isinstance(fd, bool) or not isinstance(fd, int) or fd < 3:
            raise ValueError("bad descriptor")
    else:
        path = header["path"]
        if not isinstance(path, str):
            raise ValueError("bad path")
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ValueError("not a regular file")
    return fd


def encrypt(fd: int, recipients: list[str]) -> dict[str, object]:
    keys = [pyrage.x25519.Recipient.from_str(r) for r in recipients]
    with os.fdopen(fd, "r+b") as out:
        out.truncate(0)
        by_fd = f"/dev/fd/{fd}"
        if os.path.exists(by_fd) and os.path.exists("/dev/stdin"):
            # pyrage's own file I/O costs about a third less CPU than its calls
            # into Python file objects, and the CPU is what export is short of.
            # /dev/fd/N reopens this very file, whatever its name now points at.
            pyrage.encrypt_file("/dev/stdin", by_fd, keys)
        else:  # no /dev/fd (Windows)
            pyrage.encrypt_io(sys.stdin.buffer, out, keys)
            out.flush()
        os.fsync(fd)
        return {"size": os.fstat(fd).st_size}


def decrypt(fd: int, identity: str) -> None:
    key = pyrage.x25519.Identity.from_str(identity)
    with os.fdopen(fd, "rb") as bundle:
        # Check the header of the very bytes we decrypt (no swap in between):
        # a passphrase (scrypt) file must never reach pyrage.
        read_age_header(bundle)
        bundle.seek(0)
        try:
            pyrage.decrypt_io(bundle, sys.stdout.buffer, [key])
        except pyrage.DecryptError as exc:
            if "no matching keys" in str(exc).lower():
                raise BundleRejected(NOT_FOR_US) from None
            raise BundleRejected(DAMAGED) from None
        except OSError:
            raise BundleRejected(DAMAGED) from None
    sys.stdout.buffer.flush()


def main(argv: list[str]) -> int:
    # Started with exec, which resets "dumpable": the worker holds the age identity.
    harden_process()
    try:
        if argv == ["encrypt"]:
            header = read_header()
            recipients = header["recipients"]
            if not isinstance(recipients, list) or not recipients:
                raise ValueError("no recipients")
            # The parent made this file (O_EXCL, 0600): never write through a
            # link someone put in its place.
            fd = open_file(header, os.O_RDWR | NOFOLLOW)
            print(json.dumps(encrypt(fd, [str(r) for r in recipients])), flush=True)
        elif argv == ["decrypt"]:
            fd = open_file(read_header(), os.O_RDONLY)
            identity = sys.stdin.buffer.readline(4096).decode("ascii").strip()
            decrypt(fd, identity)
        else:
            print(json.dumps({"error": "usage: encrypt | decrypt"}), file=sys.stderr)
            return 2
    except IntakeError as exc:
        print(json.dumps({"error": exc.template, "params": _plain(exc.params)}), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The parent stopped reading (it found a problem and said so itself).
        return 1
    except Exception as exc:
        print(
            json.dumps({"error": "worker failure", "params": {"kind": type(exc).__name__}}),
            file=sys.stderr,
        )
        return 1
    return 0


def _plain(params: dict[str, object]) -> dict[str, object]:
    return {k: v if isinstance(v, int | str) else str(v) for k, v in params.items()}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
