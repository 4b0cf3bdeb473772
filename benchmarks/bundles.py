"""Bundle benchmarks: export and import of a large payload, against the age program."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from measure import PASSPHRASE, cpu_seconds, peak_rss_mib, timed

from intake_desktop.core.cases import CaseStore
from intake_desktop.core.vault import Vault


class _ChunkStream:
    """A file-like object over generated chunks: a large payload never held whole."""

    def __init__(self, chunks: Any) -> None:
        self._chunks = chunks

    def read(self, _n: int = -1) -> bytes:
        return next(self._chunks, b"")


class BundleBench:
    """Mixed into ``run.Bench``: uses its ``work``, ``quick``, ``results`` and ``notes``."""

    work: Path
    quick: bool
    results: dict[str, float | None]
    notes: dict[str, float]

    # A vault holding a large payload of attachments.

    def bundle_setup(self) -> dict[str, Any]:
        if hasattr(self, "_bundle"):
            return self._bundle  # type: ignore[has-type, no-any-return]
        from intake_desktop.core.attachments import BlobStore
        from intake_desktop.core.bundle.format import RecipientRef
        from intake_desktop.core.identity import load
        from intake_desktop.core.trust import TrustStore

        size_mib = 128 if self.quick else 1024
        files = 4 if self.quick else 8
        source_path, target_path = self.work / "source", self.work / "target"
        source, _ = Vault.create(
            source_path, PASSPHRASE, user_name="field", role="caseworker", kdf_target_seconds=0
        )
        target, _ = Vault.create(
            target_path, PASSPHRASE, user_name="coord", role="coordinator", kdf_target_seconds=0
        )
        store = CaseStore(source)
        block = os.urandom(1 << 20)
        per_file = size_mib // files
        for i in range(files):
            # Generated as it is stored: the payload is never whole in memory.
            chunks = (bytes([i, j % 256]) + block[2:] for j in range(per_file))
            stream = _ChunkStream(chunks)
            with source.transaction():
                info = BlobStore(source).put(stream, f"scan-{i}.bin")  # type: ignore[arg-type]
            store.add_case(
                {
                    "title": f"Payload {i}",
                    "route": "humanitarian_parole",
                    # Export refuses a case whose consent does not cover sharing.
                    "consents": [{"scope": ["share_with_counsel"]}],
                    "evidence": [
                        {
                            "attachments": [
                                {
                                    "sha256": info.sha256,
                                    "filename": f"s{i}.bin",
                                    "media_type": info.media_type,
                                    "size": info.size,
                                }
                            ]
                        }
                    ],
                }
            )
        source_keys, target_keys = load(source.conn), load(target.conn)
        key_file = self.work / "coord-age.txt"
        key_file.write_text(target_keys.age_secret + "\n")
        TrustStore(target).add_device("field", source_keys.signing_key)
        TrustStore(source).add_recipient("coord", target_keys.age_recipient)
        recipient = RecipientRef("coord", target_keys.age_recipient, "")
        self._bundle = {
            "source": source,
            "target_path": target_path,
            "recipient": recipient,
            "key_file": key_file,
            "payload_mib": size_mib,
        }
        target.close()
        return self._bundle

    def bench_bundles(self) -> None:
        import shutil
        import subprocess

        from intake_desktop.core.bundle.export import export_bundle
        from intake_desktop.core.bundle.importer import import_bundle

        setup = self.bundle_setup()
        source: Vault = setup["source"]
        mib = setup["payload_mib"]
        out = self.work / "bench.intake"
        # Every timed step starts with nothing left to write back from the
        # step before (1 GiB each): otherwise whichever runs next pays for it.
        os.sync()
        before = cpu_seconds()
        seconds = timed(lambda: export_bundle(source, [setup["recipient"]], out)) / 1000
        self.notes["export_cpu_s_per_gib"] = round((cpu_seconds() - before) * 1024 / mib, 2)
        self.results["export_mib_s"] = mib / seconds
        target = Vault.open(setup["target_path"], PASSPHRASE)
        os.sync()
        before = cpu_seconds()
        seconds = timed(lambda: import_bundle(target, out)) / 1000
        self.notes["import_cpu_s_per_gib"] = round((cpu_seconds() - before) * 1024 / mib, 2)
        target.close()
        self.results["import_mib_s"] = mib / seconds

        if shutil.which("age") and shutil.which("tar"):
            plain = self.work / "plain"
            plain.mkdir()
            subprocess.run(
                f"age -d -i {setup['key_file']} {out} | tar -x -C {plain}", shell=True, check=True
            )
            recipient = setup["recipient"].recipient
            age_out = self.work / "baseline.age"
            os.sync()
            enc = (
                timed(
                    lambda: subprocess.run(
                        f"tar -c -C {plain} . | age -r {recipient} -o {age_out}",
                        shell=True,
                        check=True,
                    )
                )
                / 1000
            )
            self.results["export_vs_age_cli"] = self.results["export_mib_s"] / (mib / enc)
            again = self.work / "plain-again"
            again.mkdir()
            os.sync()
            dec = (
                timed(
                    lambda: subprocess.run(
                        f"age -d -i {setup['key_file']} {age_out} | tar -x -C {again}",
                        shell=True,
                        check=True,
                    )
                )
                / 1000
            )
            self.results["import_vs_age_cli"] = self.results["import_mib_s"] / (mib / dec)
            self.notes["age_cli_encrypt_mib_s"] = round(mib / enc, 1)
            self.notes["age_cli_decrypt_mib_s"] = round(mib / dec, 1)
            shutil.rmtree(plain)
            shutil.rmtree(again)

        # Peak memory of the real command line (and its worker), from the OS.
        source.close()
        self._bundle["source"] = None
        out2 = self.work / "bench-rss.intake"
        env = {**os.environ, "INTAKE_PASSPHRASE": PASSPHRASE}
        cli = [sys.executable, "-m", "intake_desktop"]
        self.results["export_peak_rss_mib"] = peak_rss_mib(
            [
                *cli,
                "--vault",
                str(self.work / "source"),
                "export",
                "--to",
                "coord",
                "--all",
                "--out",
                str(out2),
            ],
            env,
        )
        fresh = self.work / "target2"
        Vault.create(fresh, PASSPHRASE, user_name="c", role="coordinator", kdf_target_seconds=0)[
            0
        ].close()
        self._trust_field(fresh)
        self._recrypt_for(fresh, out2)
        self.results["import_peak_rss_mib"] = peak_rss_mib(
            [*cli, "--vault", str(fresh), "import", str(self.work / "for-target2.intake")], env
        )
        self.notes["bundle_payload_mib"] = mib

    def _trust_field(self, vault_path: Path) -> None:
        from intake_desktop.core.identity import load
        from intake_desktop.core.trust import TrustStore

        source = Vault.open(self.work / "source", PASSPHRASE)
        key = load(source.conn).signing_key
        source.close()
        target = Vault.open(vault_path, PASSPHRASE)
        TrustStore(target).add_device("field", key)
        target.close()

    def _recrypt_for(self, vault_path: Path, _bundle: Path) -> None:
        """A bundle addressed to ``vault_path``: export again to its recipient."""
        from intake_desktop.core.bundle.export import export_bundle
        from intake_desktop.core.bundle.format import RecipientRef
        from intake_desktop.core.identity import load

        target = Vault.open(vault_path, PASSPHRASE)
        recipient = load(target.conn).age_recipient
        target.close()
        source = Vault.open(self.work / "source", PASSPHRASE)
        export_bundle(source, [RecipientRef("t2", recipient, "")], self.work / "for-target2.intake")
        source.close()
