"""Saving an attachment out of the vault, under its original file name (``attach export``).

The one deliberate exit of decrypted content to the disk: the caller warns
the person first (the saved file is not encrypted). Only evidence records
list attachments (a tazkira or passport scan is evidence that names the
document), so an attachment is found through its evidence record, where its
original file name and media type are kept and travel, signed, in bundles.

The content is streamed (never whole in memory) into a hidden 0600 file
beside the target, checked against its SHA-256 as it is written, and only
then given its name; an existing file is never replaced. Any failure leaves
no file behind.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import mimetypes
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .attachments import BlobStore
from .errors import Cancelled, InvalidInput, NotFound, StorageFailed, VaultDamaged
from .files import PRIVATE_FILE_MODE, fsync_dir, temp_name
from .i18n import N_
from .records import RecordStore
from .vault import Vault

# Characters no file name may hold on Linux, Windows or macOS.
_FORBIDDEN = set('/\\<>:"|?*')
# Cf characters that belong in Dari and Pashto words; every other one (bidi
# overrides that turn "gpj.exe" into "exe.jpg" on screen) is dropped.
_KEPT_FORMAT = {"\u200c", "\u200d"}
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
MAX_NAME_BYTES = 200  # under every common filesystem's 255, with room for a temp suffix
MIN_SHA_PREFIX = 8
_DAMAGED = N_(
    "The file's content is missing or damaged in this vault's file store (run vault check);"
    " nothing was written."
)


@dataclass(frozen=True)
class SavedAttachment:
    path: Path
    evidence_id: str
    filename: str  # the original name, as recorded
    media_type: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "evidence_id": self.evidence_id,
            "filename": self.filename,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
        }


def safe_file_name(name: str, sha256: str = "", media_type: str = "") -> str:
    """``name`` made safe to create in a folder: one plain name, never a path.

    No path separators or characters Windows refuses (each becomes ``_``), no
    control or bidi-override characters, no leading dots (a hidden file) or
    trailing dots and spaces, no Windows device name, at most 200 UTF-8 bytes
    (the extension kept). Nothing left: ``attachment-<sha256 prefix>`` with
    an extension for the media type.
    """
    kept = []
    for ch in name:
        category = unicodedata.category(ch)
        if ch in _FORBIDDEN:
            kept.append("_")
        elif category in ("Cc", "Zl", "Zp") or (category == "Cf" and ch not in _KEPT_FORMAT):
            continue
        else:
            kept.append(ch)
    clean = "".join(kept).lstrip(". ").rstrip(". ")
    stem, dot, extension = clean.rpartition(".")
    if not dot or len(extension) > 16:
        stem, extension = clean, ""
    if stem.split(".")[0].strip().casefold() in _RESERVED:
        clean = "_" + clean
    if not clean:
        guessed = mimetypes.guess_extension(media_type, strict=False) if media_type else None
        return f"attachment-{sha256[:12] or 'file'}{guessed or ''}"
    if len(clean.encode("utf-8")) > MAX_NAME_BYTES:
        tail = f".{extension}" if extension else ""
        room = MAX_NAME_BYTES - len(tail.encode("utf-8"))
        head = clean[: len(clean) - len(tail)] if tail else clean
        head = head.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(". ")
        clean = head + tail
    return clean


def attachments_of(vault: Vault, evidence_id: str) -> list[dict[str, Any]]:
    """The files an evidence record lists (its ``attachments``), refusing a record with none."""
    record = RecordStore(vault).require(evidence_id, "evidence")
    items = [dict(item) for item in record.body.get("attachments") or []]
    if not items:
        raise InvalidInput(N_("The evidence {id} has no file attached."), id=evidence_id)
    return items


def choose(items: list[dict[str, Any]], evidence_id: str, which: str | None) -> dict[str, Any]:
    """One of ``items``: the only one, or the one ``which`` names (file name or SHA-256 prefix)."""
    if which is None:
        if len(items) == 1:
            return items[0]
        raise InvalidInput(
            N_(
                "The evidence {id} holds {count} files; name one with --attachment"
                " (its file name or SHA-256)."
            ),
            id=evidence_id,
            count=len(items),
        )
    found = [item for item in items if item.get("filename") == which]
    wanted = which.lower()
    if not found and len(wanted) >= MIN_SHA_PREFIX:
        found = [item for item in items if str(item.get("sha256", "")).startswith(wanted)]
    if not found:
        raise NotFound(
            N_("The evidence {id} has no file named {name}."), id=evidence_id, name=which
        )
    if len({item["sha256"] for item in found}) > 1:
        raise InvalidInput(
            N_("More than one file of the evidence {id} matches {name}; give its SHA-256."),
            id=evidence_id,
            name=which,
        )
    return found[0]


def target_path(out: str | None, item: dict[str, Any]) -> Path:
    """Where to save: the file ``out`` names, or the original name (made safe) in the folder
    ``out`` names (one that exists, or a path ending in a separator; None: the current folder).

    ``out`` is the text as typed: ``Path`` would drop the trailing separator.
    """
    name = safe_file_name(
        str(item.get("filename") or ""), str(item["sha256"]), str(item.get("media_type") or "")
    )
    if not out:
        return Path.cwd() / name
    path = Path(out).expanduser()
    if out.endswith(("/", os.sep)) or path.is_dir():
        return path / name
    return path


def export_attachment(
    vault: Vault, evidence_id: str, out: str | None, which: str | None = None
) -> SavedAttachment:
    """Save one file of ``evidence_id`` (see ``choose``) at ``target_path(out, …)``."""
    item = choose(attachments_of(vault, evidence_id), evidence_id, which)
    return save_attachment(vault, evidence_id, str(item["sha256"]), target_path(out, item))


def save_attachment(
    vault: Vault,
    evidence_id: str,
    sha256: str,
    out: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SavedAttachment:
    """Write the file ``sha256`` of ``evidence_id`` to the new file ``out`` (0600).

    Refuses before writing anything when ``out`` exists or its folder does
    not. Content missing from the file store, damaged or not matching its
    SHA-256, a full disk or a cancel: no file is left behind. The audit log
    records which evidence record's file was saved out (never where).
    """
    out = Path(out)
    items = [i for i in attachments_of(vault, evidence_id) if i.get("sha256") == sha256]
    if not items:
        raise NotFound(
            N_("The evidence {id} has no file named {name}."), id=evidence_id, name=sha256[:16]
        )
    item = items[0]
    if out.exists() or out.is_symlink():
        raise InvalidInput(N_("{path} already exists; choose another name."), path=str(out))
    if not out.parent.is_dir():
        raise InvalidInput(N_("The folder {path} does not exist."), path=str(out.parent))
    blobs = BlobStore(vault)
    if not blobs.exists(sha256):
        raise NotFound(
            N_(
                "The file's content ({sha256}) is not in this vault: it never arrived or was"
                " removed. Nothing was written."
            ),
            sha256=sha256[:16],
        )
    size = _write_new(vault, evidence_id, blobs, sha256, out, progress, cancelled)
    return SavedAttachment(
        out,
        evidence_id,
        str(item.get("filename") or ""),
        str(item.get("media_type") or ""),
        size,
        sha256,
    )


def _write_new(
    vault: Vault,
    evidence_id: str,
    blobs: BlobStore,
    sha256: str,
    out: Path,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> int:
    total = blobs.size(sha256)
    tmp = temp_name(out)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise _write_failed(exc, out) from None
    linked = kept = False
    try:
        digest, done = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as handle:
            for chunk in blobs.chunks(sha256):
                if cancelled is not None and cancelled():
                    raise Cancelled(N_("Saving the file was cancelled; nothing was written."))
                digest.update(chunk)
                handle.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            handle.flush()
            os.fsync(handle.fileno())
        if digest.hexdigest() != sha256 or done != total:
            raise VaultDamaged(_DAMAGED)
        with vault.transaction():
            vault.audit("attachment.export", "evidence", evidence_id)
            # link + unlink: never replace a file that appeared meanwhile.
            os.link(tmp, out)
            linked = True
        fsync_dir(out.parent)
        kept = True
        return done
    except FileExistsError:
        raise InvalidInput(
            N_("{path} already exists; choose another name."), path=str(out)
        ) from None
    except VaultDamaged:
        raise VaultDamaged(_DAMAGED) from None
    except OSError as exc:
        raise _write_failed(exc, out) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if linked and not kept:  # the audit entry did not commit: neither does the file
            with contextlib.suppress(FileNotFoundError):
                out.unlink()


def _write_failed(exc: OSError, out: Path) -> InvalidInput | StorageFailed:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return InvalidInput(
            N_("This account may not write to {path}; nothing was written."), path=str(out.parent)
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFailed(N_("The disk is full: the file was not saved."))
    return StorageFailed(
        N_("The file could not be written (a disk error, or the drive was removed); none was made.")
    )
