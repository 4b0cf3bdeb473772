"""One age encryption or decryption of N bytes: the app's layer in process, the age program, pyrage.

    python benchmarks/age_layer.py [--mib N] [--repeat R]

The bundle's age layer (core/bundle/age.py) in this process, against the
``age`` program and pyrage run as the old crypto worker ran it (its own
process, pyrage's file calls on a pipe), on the same generated plaintext.
Each run reports wall seconds and CPU seconds from getrusage (this process
for the layer, helper thread included; the child for the others), so the
CPU figures hold on a busy machine. Plaintext is fed from one 1 MiB block,
so making it costs next to nothing; ciphertext goes to a file in WORK and
decrypted plaintext is read and dropped (``consume="sha256"`` hashes it
instead, as an import does, to show the two threads overlapping).

``encrypt_in_process`` and ``decrypt_in_process`` are what run.py can call
for "one age encrypt / one age decrypt" in its own runs.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyrage

from intake_desktop.core.bundle import age

BLOCK = os.urandom(1 << 20)


@dataclass(frozen=True)
class Cost:
    wall_s: float
    cpu_s: float

    def per_gib(self, size: int) -> Cost:
        scale = (1 << 30) / size
        return Cost(self.wall_s * scale, self.cpu_s * scale)


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _measured(action: Callable[[], object], who: int = resource.RUSAGE_SELF) -> Cost:
    cpu, wall = _cpu(who), time.perf_counter()
    action()
    return Cost(time.perf_counter() - wall, _cpu(who) - cpu)


def _feed(write: Callable[[bytes], object], size: int) -> None:
    left = size
    while left:
        part = BLOCK if left >= len(BLOCK) else BLOCK[:left]
        write(part)
        left -= len(part)


def encrypt_in_process(size: int, out: Path, recipient: str, durable: bool = False) -> Cost:
    """Encrypt ``size`` bytes to ``recipient`` into ``out`` with the app's layer.

    ``durable``: fsync the file too, as export does (the age program does not).
    """

    def run() -> None:
        with out.open("wb", buffering=0) as sink:
            writer = age.encrypt(sink, [age.X25519Recipient.from_string(recipient)])
            _feed(writer.write, size)
            writer.close()
            if durable:
                os.fsync(sink.fileno())

    return _measured(run)


def decrypt_in_process(path: Path, secret: str, consume: str = "discard") -> Cost:
    """Decrypt ``path`` with the app's layer; the plaintext is dropped, or hashed (``sha256``)."""

    def run() -> None:
        hasher = hashlib.sha256() if consume == "sha256" else None
        with path.open("rb", buffering=0) as source:
            reader = age.decrypt(source, [age.X25519Identity.from_string(secret)])
            try:
                buffer = memoryview(bytearray(1 << 20))
                while got := reader.readinto(buffer):
                    if hasher is not None:
                        hasher.update(buffer[:got])
            finally:
                reader.close()

    return _measured(run)


def _child(command: list[str], size: int | None) -> Cost:
    def run() -> None:
        with subprocess.Popen(
            command,
            stdin=subprocess.PIPE if size is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        ) as proc:
            if size is not None and proc.stdin is not None:
                _feed(proc.stdin.write, size)
                proc.stdin.close()
        if proc.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({proc.returncode})")

    return _measured(run, resource.RUSAGE_CHILDREN)


def encrypt_age_program(size: int, out: Path, recipient: str) -> Cost:
    """``age -r R -o out`` fed ``size`` bytes on a pipe (its CPU only)."""
    return _child(["age", "-r", recipient, "-o", str(out)], size)


def decrypt_age_program(path: Path, key_file: Path) -> Cost:
    return _child(["age", "-d", "-i", str(key_file), str(path)], None)


_PYRAGE_ENCRYPT = (
    "import pyrage, sys\n"
    "to = pyrage.x25519.Recipient.from_str(sys.argv[2])\n"
    "pyrage.encrypt_file('/dev/stdin', sys.argv[1], [to])\n"
)
_PYRAGE_DECRYPT = (
    "import pyrage, sys\n"
    "key = pyrage.x25519.Identity.from_str(sys.stdin.readline().strip())\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    pyrage.decrypt_io(f, sys.stdout.buffer, [key])\n"
)


def encrypt_pyrage(size: int, out: Path, recipient: str) -> Cost:
    """pyrage in a child process, as the old worker ran it (interpreter start included)."""
    return _child([sys.executable, "-c", _PYRAGE_ENCRYPT, str(out), recipient], size)


def decrypt_pyrage(path: Path, secret: str) -> Cost:
    def run() -> None:
        with subprocess.Popen(
            [sys.executable, "-c", _PYRAGE_DECRYPT, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        ) as proc:
            assert proc.stdin is not None
            proc.stdin.write(secret.encode("ascii") + b"\n")
            proc.stdin.close()
        if proc.returncode != 0:
            raise RuntimeError("pyrage failed")

    return _measured(run, resource.RUSAGE_CHILDREN)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is shown")
    args = parser.parse_args()
    size = args.mib << 20
    identity = pyrage.x25519.Identity.generate()
    secret, recipient = str(identity), str(identity.to_public())
    work = Path(tempfile.mkdtemp(prefix="age-layer-"))
    try:
        key_file = work / "key.txt"
        key_file.write_text(secret + "\n")
        out = work / "out.age"
        runs: dict[str, Callable[[], Cost]] = {
            "encrypt: app layer (in process)": lambda: encrypt_in_process(size, out, recipient),
            "encrypt: app layer, then fsync": lambda: encrypt_in_process(
                size, out, recipient, durable=True
            ),
            "decrypt: app layer (in process)": lambda: decrypt_in_process(out, secret),
            "decrypt: app layer + SHA-256 of the plaintext": lambda: decrypt_in_process(
                out, secret, consume="sha256"
            ),
        }
        if shutil.which("age"):
            runs["encrypt: age program"] = lambda: encrypt_age_program(size, out, recipient)
            runs["decrypt: age program"] = lambda: decrypt_age_program(out, key_file)
        runs["encrypt: pyrage (child process)"] = lambda: encrypt_pyrage(size, out, recipient)
        runs["decrypt: pyrage (child process)"] = lambda: decrypt_pyrage(out, secret)
        print(f"{args.mib} MiB, best of {args.repeat}; per GiB: wall s, CPU s")
        for name, run in runs.items():
            os.sync()  # nothing left to write back from the run before
            best = min((run() for _ in range(args.repeat)), key=lambda c: c.cpu_s)
            scaled = best.per_gib(size)
            print(f"  {name:48} {scaled.wall_s:6.2f} {scaled.cpu_s:6.2f}")
    finally:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
