"""Adding a file to a case: content into the vault, a line in an evidence record."""

from __future__ import annotations

from .attachments import BlobStore, Readable
from .model import KINDS, validate
from .records import Record, RecordStore
from .vault import Vault


def add_attachment(
    vault: Vault,
    case_id: str,
    stream: Readable,
    filename: str,
    evidence_id: str | None = None,
    description: str = "",
) -> Record:
    """Stream a file in; list it in ``evidence_id`` or in a new evidence record.

    One transaction: the content and the record that names it commit together.
    """
    records = RecordStore(vault)
    records.require(case_id, "case")
    evidence = records.require(evidence_id, "evidence") if evidence_id else None
    spec = KINDS["evidence"]
    with vault.transaction():
        blob = BlobStore(vault).put(stream, filename)
        item = {
            "sha256": blob.sha256,
            "filename": filename,
            "media_type": blob.media_type,
            "size": blob.size,
        }
        if evidence is None:
            kind = "photo" if blob.media_type.startswith("image/") else "document"
            body = validate(spec, {"kind": kind, "description": description, "attachments": [item]})
            record = records.create(case_id, spec, body)
        else:
            attachments = [*evidence.body["attachments"], item]
            record = records.update(
                evidence.id, validate(spec, {**evidence.body, "attachments": attachments})
            )
        vault.audit("attachment.add", "evidence", record.id)
    return record
