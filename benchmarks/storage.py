"""Attachment storage benchmarks: attaching a large file against ``cp`` + ``sync``, and
``vault check`` on a vault full of attachments (its database part must not grow with them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from measure import PASSPHRASE, cpu_seconds

from intake_desktop.core.vault import Vault


def _write_source(path: Path, size: int) -> None:
    """Incompressible content, generated a block at a time (never whole in memory)."""
    block = os.urandom(1 << 20)
    with path.open("wb") as out:
        for i in range(size >> 20):
            out.write(i.to_bytes(8, "big") + block[8:])


class StorageBench:
    """Mixed into ``run.Bench``: uses its ``work``, ``quick``, ``results`` and ``notes``."""

    work: Path
    quick: bool
    results: dict[str, float | None]
    notes: dict[str, float]

    def bench_attach(self) -> None:
        from intake_desktop.core.cases import CaseStore
        from intake_desktop.core.evidence import add_attachment

        size = (256 if self.quick else 1024) << 20
        source = self.work / "attach-source.bin"
        _write_source(source, size)
        vault, _ = Vault.create(
            self.work / "attach-vault",
            PASSPHRASE,
            user_name="field",
            role="caseworker",
            kdf_target_seconds=0,
        )
        case_id = CaseStore(vault).add_case({"title": "Attach", "route": "other"})
        copies: list[float] = []
        attaches: list[float] = []
        cpu: list[float] = []
        # Interleaved, twice each: noise on this shared machine hits both alike.
        for round_number in range(2):
            target = self.work / f"cp-{round_number}.bin"
            os.sync()
            start = time.perf_counter()
            subprocess.run(["cp", str(source), str(target)], check=True)
            subprocess.run(["sync", str(target)], check=True)
            copies.append(time.perf_counter() - start)
            target.unlink()
            os.sync()
            before = cpu_seconds()
            start = time.perf_counter()
            with source.open("rb") as stream:
                add_attachment(vault, case_id, stream, f"scan-{round_number}.bin")
            attaches.append(time.perf_counter() - start)
            cpu.append(cpu_seconds() - before)
            # The same content is stored once: make the second round a new file.
            with source.open("r+b") as again:
                again.write(os.urandom(16))
        vault.close()
        shutil.rmtree(self.work / "attach-vault")
        source.unlink()
        gib = size / (1 << 30)
        self.notes["attach_vs_cp_best"] = round(min(copies) / min(attaches), 2)
        self.notes["attach_mib_s_best"] = round((size >> 20) / min(attaches), 1)
        self.notes["cp_sync_mib_s_best"] = round((size >> 20) / min(copies), 1)
        self.notes["attach_cpu_s_per_gib"] = round(min(cpu) / gib, 2)
        self.results["attach_vs_cp"] = min(copies) / min(attaches)

    def bench_check(self) -> None:
        from intake_desktop.core.attachments import BlobStore
        from intake_desktop.core.check import check_vault

        media_gib = 1 if self.quick else 10
        path = self.work / "check-vault"
        vault, _ = Vault.create(
            path, PASSPHRASE, user_name="field", role="caseworker", kdf_target_seconds=0
        )

        def database_seconds() -> float:
            results = check_vault(vault)
            return sum(r.seconds for r in results if r.name not in ("attachments",))

        empty = min(database_seconds() for _ in range(3))
        block = os.urandom(1 << 20)
        for n in range(media_gib * 4):  # 256 MiB files

            class Pattern:
                left = 256

                def read(self, _size: int = -1) -> bytes:
                    if not self.left:
                        return b""
                    self.left -= 1
                    return n.to_bytes(4, "big") + self.left.to_bytes(4, "big") + block[8:]

            with vault.transaction():
                BlobStore(vault).put(Pattern(), f"recording-{n}.bin")  # type: ignore[arg-type]
        full = min(database_seconds() for _ in range(3))
        start = time.perf_counter()
        results = check_vault(vault)
        whole = time.perf_counter() - start
        (attachments,) = [r for r in results if r.name == "attachments"]
        vault.close()
        shutil.rmtree(path)
        self.notes["check_media_gib"] = media_gib
        self.notes["check_database_part_s_empty"] = round(empty, 3)
        self.notes["check_database_part_s_full"] = round(full, 3)
        self.notes["check_attachments_s_full"] = round(attachments.seconds, 1)
        self.notes["check_whole_s_full"] = round(whole, 1)
        self.results["check_database_full_vs_empty"] = full / empty

    def bench_limits(self) -> None:
        """The physical limit, one pass each over the same bytes: what import and export
        cannot beat on this machine (CPU-seconds per GiB, and MiB/s)."""
        import hashlib

        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        size = (256 if self.quick else 1024) << 20
        block = os.urandom(256 << 10)
        gib = size / (1 << 30)

        def measure(name: str, work: object) -> None:
            before, start = cpu_seconds(), time.perf_counter()
            work()  # type: ignore[operator]
            wall = time.perf_counter() - start
            self.notes[f"limit_{name}_mib_s"] = round((size >> 20) / wall, 1)
            self.notes[f"limit_{name}_cpu_s_per_gib"] = round((cpu_seconds() - before) / gib, 2)

        def sha256() -> None:
            digest = hashlib.sha256()
            for _ in range(size // len(block)):
                digest.update(block)

        def aead() -> None:
            aes = AESGCM(AESGCM.generate_key(bit_length=256))
            out = bytearray(len(block) + 16)
            for n in range(size // len(block)):
                aes.encrypt_into(n.to_bytes(12, "big"), block, None, out)

        def write_fsync() -> None:
            path = self.work / "limit-write.bin"
            with path.open("wb") as out:
                for _ in range(size // len(block)):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            path.unlink()

        measure("sha256", sha256)
        measure("aes_gcm", aead)
        measure("write_fsync", write_fsync)
        import pyrage
        from age_layer import decrypt_in_process, encrypt_in_process

        identity = pyrage.x25519.Identity.generate()
        sealed = self.work / "limit.age"
        for name, cost in (
            ("age_encrypt", encrypt_in_process(size, sealed, str(identity.to_public()))),
            ("age_decrypt", decrypt_in_process(sealed, str(identity))),
        ):
            self.notes[f"limit_{name}_mib_s"] = round((size >> 20) / cost.wall_s, 1)
            self.notes[f"limit_{name}_cpu_s_per_gib"] = round(cost.cpu_s / gib, 2)
        sealed.unlink()
