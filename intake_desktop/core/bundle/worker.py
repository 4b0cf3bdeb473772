"""The crypto worker: age encryption and decryption in a separate process.

pyrage holds the GIL for whole calls, and its streaming calls slow down
badly beside another busy Python thread (DESIGN.md, measured facts), so the
app never runs it on the GUI thread or beside the tar stream: the parent
streams plaintext over a pipe and this process does the age work.

    encrypt OUT RECIPIENT...  plaintext on stdin  -> ciphertext written to OUT
                              (an existing 0600 file); prints {"size"}
    decrypt IN                identity on stdin's first line -> plaintext on stdout

Failures are one JSON line on stderr, {"error": template, "params": {...}},
and exit status 1; the parent turns it back into the same error. The
identity travels over stdin, never argv (visible in /proc).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

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


def encrypt(out_path: Path, recipients: list[str]) -> dict[str, object]:
    keys = [pyrage.x25519.Recipient.from_str(r) for r in recipients]
    # The parent made this file (O_EXCL, 0600): never write through a link
    # someone put in its place.
    fd = os.open(out_path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "r+b") as out:
        out.truncate(0)
        by_path = Path(f"/dev/fd/{fd}")
        if by_path.exists() and Path("/dev/stdin").exists():
            # pyrage's own file I/O costs about a third less CPU than its calls
            # into Python file objects, and the CPU is what export is short of.
            # /dev/fd/N reopens this very file, whatever its name now points at.
            pyrage.encrypt_file("/dev/stdin", str(by_path), keys)
        else:  # no /dev/fd (Windows)
            pyrage.encrypt_io(sys.stdin.buffer, out, keys)
            out.flush()
        os.fsync(fd)
        return {"size": os.fstat(fd).st_size}


def decrypt(in_path: Path, identity: str) -> None:
    key = pyrage.x25519.Identity.from_str(identity)
    with in_path.open("rb") as bundle:
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
        if argv[:1] == ["encrypt"] and len(argv) >= 3:
            print(json.dumps(encrypt(Path(argv[1]), argv[2:])), flush=True)
        elif argv[:1] == ["decrypt"] and len(argv) == 2:
            identity = sys.stdin.buffer.readline(4096).decode("ascii").strip()
            decrypt(Path(argv[1]), identity)
        else:
            print(
                json.dumps({"error": "usage: encrypt OUT RECIPIENT... | decrypt IN"}),
                file=sys.stderr,
            )
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
