"""A process for the durability tests to kill: it works on a vault through the core API.

    python -m tests.security.crash_driver edits VAULT SEED
        commits edits to the vault's first case in a loop (a new title, a new
        person, an attachment of up to 300 KB) and prints, after each commit
        has returned (is durable), one line: ``ack KIND ID VERSION [SHA256]``
    python -m tests.security.crash_driver import VAULT BUNDLE
    python -m tests.security.crash_driver export VAULT OUT AGE_RECIPIENT
        one import or export; prints ``done ...`` when it has returned
    python -m tests.security.crash_driver attach VAULT STEP
    python -m tests.security.crash_driver delete VAULT STEP
        one attachment added to (or its evidence record deleted from) the
        first case, killing itself with SIGKILL at the named step of the file
        store's write or delete order (blob_steps.py); ``ack`` if it got through
    python -m tests.security.crash_driver upgrade VAULT STEP
        moves the vault's attachments from chunk rows into the file store,
        killed at the named step of the first attachment's move

Each mode prints ``ready`` once the vault is open (after Argon2id), so the
test's random delay counts from the start of the real work. The passphrase
is ``tests.helpers.PASSPHRASE``. Every line is flushed at once: a line the
test has read is a promise the vault must keep after a SIGKILL.
"""

from __future__ import annotations

import hashlib
import io
import random
import sys
from pathlib import Path

from intake_desktop.core.bundle.export import export_bundle
from intake_desktop.core.bundle.importer import import_bundle
from intake_desktop.core.cases import CaseStore
from intake_desktop.core.evidence import add_attachment
from intake_desktop.core.model import KINDS, validate
from intake_desktop.core.records import RecordStore
from intake_desktop.core.vault import Vault
from tests.bundle_forge import recipient_ref
from tests.helpers import PASSPHRASE


def say(*words: object) -> None:
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def first_case(vault: Vault) -> str:
    row = vault.conn.execute(
        "SELECT id FROM records WHERE kind = 'case' ORDER BY rowid LIMIT 1"
    ).fetchone()
    return str(row[0])


def edits(vault: Vault, seed: int) -> None:
    rng = random.Random(seed)
    store, records = CaseStore(vault), RecordStore(vault)
    case_id = first_case(vault)
    person = KINDS["person"]
    n = 0
    while True:
        n += 1
        op = rng.choice(("title",) * 5 + ("person",) * 2 + ("attachment",))
        if op == "title":
            case = records.require(case_id, "case")
            # The title names the version it was written at, so the test can
            # tell a record that is whole from one torn between two versions.
            record = store.update_case(
                case_id, {"title": f"v{case.version + 1}"}, expected_version=case.version
            )
            say("ack", "case", record.id, record.version)
        elif op == "person":
            body = validate(person, {"full_name": f"person {seed}-{n}"})
            with vault.transaction():
                record = records.create(case_id, person, body)
            say("ack", "person", record.id, record.version)
        else:
            data = rng.randbytes(rng.randrange(10_000, 300_000))
            record = add_attachment(vault, case_id, io.BytesIO(data), f"scan-{n}.bin")
            say("ack", "evidence", record.id, record.version, hashlib.sha256(data).hexdigest())


def main(argv: list[str]) -> int:
    mode, vault_path = argv[0], Path(argv[1])
    vault = Vault.open(vault_path, PASSPHRASE)
    say("ready")
    if mode == "edits":
        edits(vault, int(argv[2]))
    elif mode == "import":
        result = import_bundle(vault, Path(argv[2]))
        say("done", result.status)
    elif mode in ("attach", "delete"):
        from tests.security.blob_steps import arm

        arm(argv[2])
        if mode == "attach":
            data = random.Random(7).randbytes(1 << 20)
            record = add_attachment(vault, first_case(vault), io.BytesIO(data), "scan.bin")
            say("ack", record.id, hashlib.sha256(data).hexdigest())
        else:
            evidence = vault.conn.execute(
                "SELECT id FROM records WHERE kind = 'evidence' AND deleted = 0"
                " ORDER BY rowid DESC LIMIT 1"
            ).fetchone()[0]
            with vault.transaction():
                record = RecordStore(vault).delete(evidence)
            say("ack", record.id)
    elif mode == "upgrade":
        from intake_desktop.core import blob_upgrade
        from tests.security.blob_steps import arm

        arm(argv[2])
        say("done", blob_upgrade.upgrade(vault).blobs)
    elif mode == "export":
        result_out = export_bundle(vault, [recipient_ref("target", argv[3])], Path(argv[2]))
        say("done", result_out.bundle_id)
    else:
        raise SystemExit(f"unknown mode {mode}")
    vault.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
