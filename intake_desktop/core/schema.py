"""The database schema as an ordered list of migrations.

``PRAGMA user_version`` holds the schema version. Opening a vault runs every
migration above it, each in the same transaction as its version bump, so a
crash mid-upgrade leaves the old schema intact. Never edit a migration that
has shipped: add a new one, and a test that upgrades an old vault with data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import VaultDamaged
from .i18n import N_
from .schema_delivery import V9, V10, V11
from .search import search_text

Connection = Any  # sqlcipher3's Connection; the module ships no type hints

_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Who may unlock: one row per user key slot (names and roles are personal,
-- so they live here, encrypted, and not in keyslots.json).
CREATE TABLE users (
    slot_id    TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('caseworker', 'translator', 'coordinator')),
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- Every domain record (a case and everything in it) is one row: a stable
-- UUID, a version that grows on each change, a revision hash and its recent
-- ancestors (so a merge can tell "newer" from "edited on both sides").
CREATE TABLE records (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    rev        TEXT NOT NULL,
    history    TEXT NOT NULL DEFAULT '[]',
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX records_by_case ON records (case_id, kind);

-- What the case list shows, kept beside the case record so the first page
-- of 10,000 cases is one index walk.
CREATE TABLE case_list (
    id           TEXT PRIMARY KEY REFERENCES records (id),
    title        TEXT NOT NULL,
    route        TEXT NOT NULL,
    status       TEXT NOT NULL,
    priority     TEXT NOT NULL,
    people       INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX case_list_by_updated ON case_list (updated_at DESC);
CREATE INDEX case_list_by_title ON case_list (title COLLATE NOCASE);

-- Attachment content, addressed by SHA-256, in chunks so nothing holds a
-- whole file in memory. complete = 0 while a stream is still being written.
CREATE TABLE blobs (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT UNIQUE,
    size       INTEGER NOT NULL DEFAULT 0,
    complete   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE blob_chunks (
    blob_id INTEGER NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    data    BLOB NOT NULL,
    UNIQUE (blob_id, seq)
);

-- Append-only, hash-chained; the triggers stop accidents, the chain catches
-- anyone who drops them.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user        TEXT NOT NULL,
    action      TEXT NOT NULL,
    record_kind TEXT,
    record_id   TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Full-text search over the normalised key (see names.py); rowid = records.rowid.
CREATE VIRTUAL TABLE search USING fts5 (
    text,
    case_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
"""

_V2 = """
-- This vault's own keys (age X25519 identity, minisign Ed25519 key pair).
CREATE TABLE identity (
    name   TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    public TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- Keys pinned after an out-of-band fingerprint check.
CREATE TABLE trust (
    name        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('device', 'recipient')),
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    UNIQUE (kind, key)
) WITHOUT ROWID;

-- Bundles this vault wrote: its device sequence. Each manifest names the
-- SHA-256 of the previous one, so a receiver sees gaps and replays.
CREATE TABLE bundles_out (
    seq             INTEGER PRIMARY KEY,
    bundle_id       TEXT NOT NULL UNIQUE,
    manifest_sha256 TEXT NOT NULL,
    size            INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    cases           INTEGER NOT NULL,
    records         INTEGER NOT NULL,
    recipients      TEXT NOT NULL
);

-- ... and bundles it took in.
CREATE TABLE bundles_in (
    bundle_id       TEXT PRIMARY KEY,
    manifest_sha256 TEXT NOT NULL,
    signing_key     TEXT NOT NULL,
    producer_name   TEXT NOT NULL,
    device_seq      INTEGER NOT NULL,
    previous_sha256 TEXT,
    imported_at     TEXT NOT NULL,
    imported_by     TEXT NOT NULL,
    records         INTEGER NOT NULL,
    conflicts       INTEGER NOT NULL,
    sequence_note   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX bundles_in_by_device ON bundles_in (signing_key, device_seq);

-- Bundles from an unknown signer: the encrypted file waits in the vault's
-- quarantine/ folder until someone compares the fingerprint and trusts it.
CREATE TABLE quarantine (
    id            INTEGER PRIMARY KEY,
    file_sha256   TEXT NOT NULL UNIQUE,
    bundle_id     TEXT NOT NULL,
    signing_key   TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    producer_name TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    size          INTEGER NOT NULL
);

-- A record edited on both sides since their common version: the incoming
-- copy waits here for a person; the local copy stays in records.
CREATE TABLE conflicts (
    id          INTEGER PRIMARY KEY,
    record_id   TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    rev         TEXT NOT NULL,
    history     TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted     INTEGER NOT NULL,
    bundle_id   TEXT NOT NULL,
    received_at TEXT NOT NULL,
    resolved    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (record_id, rev)
);
"""

_V3 = """
-- A translator's details for the certificates they sign (name, address,
-- phone), keyed by their key slot: the certify dialog starts from the last
-- ones used. Personal, so here in the encrypted database, never in settings.
CREATE TABLE translator_profiles (
    slot_id    TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    address    TEXT NOT NULL,
    phone      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- Pairs of people a person looked at and said are not the same: never
-- proposed as duplicates again. person_a < person_b (record ids).
CREATE TABLE duplicate_dismissals (
    person_a     TEXT NOT NULL,
    person_b     TEXT NOT NULL,
    dismissed_at TEXT NOT NULL,
    dismissed_by TEXT NOT NULL,
    PRIMARY KEY (person_a, person_b),
    CHECK (person_a < person_b)
) WITHOUT ROWID;
"""

Migration = Callable[[Connection], None]


def _script(sql: str) -> Migration:
    def run(conn: Connection) -> None:
        # executescript would COMMIT first; run statement by statement instead
        # so the migration and its version bump share one transaction.
        for statement in _split(sql):
            conn.execute(statement)

    return run


def _split(sql: str) -> list[str]:
    """Statements of a schema script, using SQLite's own notion of "complete"."""
    from sqlcipher3 import dbapi2

    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current += line
        if dbapi2.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def _rebuild_search(conn: Connection) -> None:
    """Version 4: index every record again (names gained their Latin spelling keys).

    Uses the current ``search.search_text``; a later change to what is
    indexed adds another migration like this one.
    """
    import json

    conn.execute("DELETE FROM search")
    reader = conn.cursor()
    reader.execute("SELECT rowid, case_id, kind, body FROM records WHERE deleted = 0")
    for rowid, case_id, kind, body in reader:
        text = search_text(kind, json.loads(body))
        if text:
            conn.execute(
                "INSERT INTO search (rowid, text, case_id) VALUES (?, ?, ?)", (rowid, text, case_id)
            )


_V5 = """
-- Which case each search row belongs to, in small dense rows. Reading the
-- FTS table's own case_id column costs a content-table lookup per match
-- (~9 us each: 60 ms for a common name prefix among 10,000 cases); this
-- table answers the same in ~1 us. Kept in step with search by records.py.
CREATE TABLE search_owner (
    row     INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL
);
INSERT INTO search_owner (row, case_id) SELECT rowid, case_id FROM search;
"""

_V6 = """
-- What was typed but could not be stored yet (a half-typed date, a statement
-- whose required field is still empty): kept here, encrypted like everything
-- else, until the record saves cleanly. One draft per record (or per new,
-- never-saved record: id "new:" + a random UUID). See core/drafts.py.
CREATE TABLE drafts (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    record_id    TEXT,
    base_version INTEGER,
    fields       TEXT NOT NULL,
    problem      TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    saved_by     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX drafts_by_case ON drafts (case_id);

-- Which bundle, signed by which key, brought each stored revision of a record
-- (records edited here have no row). A review of "what did this bundle
-- change" and "who wrote this" reads from here, never from updated_by, which
-- is whatever the sender wrote.
-- first = 1: the revision that brought the record into this vault (who
-- created a case, as far as this vault knows).
CREATE TABLE record_sources (
    record_id   TEXT NOT NULL,
    rev         TEXT NOT NULL,
    version     INTEGER NOT NULL,
    bundle_id   TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    first       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (record_id, rev)
) WITHOUT ROWID;
CREATE INDEX record_sources_by_bundle ON record_sources (signing_key, bundle_id);

-- Records held here with fields left out by their sender (a person whose
-- name is withheld, sent to a recipient not cleared to receive it). The
-- body cannot be checked against its revision hash, and editing it here
-- would send the blanks back as a change: such a record is read-only.
CREATE TABLE redactions (
    record_id TEXT PRIMARY KEY,
    rev       TEXT NOT NULL,
    fields    TEXT NOT NULL
) WITHOUT ROWID;

-- Bundle ids are chosen by their signer: what was imported is keyed by
-- (signing key, bundle id), so one device cannot spend another's id.
CREATE TABLE bundles_in_by_signer (
    signing_key     TEXT NOT NULL,
    bundle_id       TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    producer_name   TEXT NOT NULL,
    device_seq      INTEGER NOT NULL,
    previous_sha256 TEXT,
    imported_at     TEXT NOT NULL,
    imported_by     TEXT NOT NULL,
    records         INTEGER NOT NULL,
    conflicts       INTEGER NOT NULL,
    sequence_note   TEXT NOT NULL,
    PRIMARY KEY (signing_key, bundle_id)
) WITHOUT ROWID;
INSERT INTO bundles_in_by_signer SELECT signing_key, bundle_id, manifest_sha256, producer_name,
    device_seq, previous_sha256, imported_at, imported_by, records, conflicts, sequence_note
    FROM bundles_in;
DROP TABLE bundles_in;
ALTER TABLE bundles_in_by_signer RENAME TO bundles_in;
CREATE INDEX bundles_in_by_device ON bundles_in (signing_key, device_seq);

-- The signing key of the bundle a conflict's incoming side came in, and the
-- fields its sender left out (JSON list, empty: none; see redactions).
ALTER TABLE conflicts ADD COLUMN signing_key TEXT NOT NULL DEFAULT '';
ALTER TABLE conflicts ADD COLUMN redacted TEXT NOT NULL DEFAULT '[]';

-- Who created a case here is read from its first audit entry (import
-- reports name the device that created a case another one writes into).
CREATE INDEX audit_log_by_record ON audit_log (record_id);

-- A recipient cleared to receive names a caseworker marked as withheld
-- (counsel filing for the family); for the others export leaves them out.
ALTER TABLE trust ADD COLUMN withheld_names INTEGER NOT NULL DEFAULT 0;
"""

_V7 = """
-- What tells two quarantined bundles apart for the person reviewing them:
-- the name the file had when it was imported (a coordinator's copy from a
-- USB stick and a damaged second copy differ here and in size) and the
-- signer's number for it. Rows kept before this version have neither.
ALTER TABLE quarantine ADD COLUMN file_name TEXT NOT NULL DEFAULT '';
ALTER TABLE quarantine ADD COLUMN device_seq INTEGER;
"""

_V8 = """
-- Attachment content moves out of the database into the encrypted file
-- store (filestore.py): ``file`` is the blob's random file name, ``key`` its
-- own AES-256-GCM key. A row whose ``file`` is NULL still has its content in
-- blob_chunks, until ``vault upgrade`` (attachments.migrate) moves it.
ALTER TABLE blobs ADD COLUMN file TEXT;
ALTER TABLE blobs ADD COLUMN key BLOB;
CREATE UNIQUE INDEX blobs_by_file ON blobs (file) WHERE file IS NOT NULL;
"""

_V12 = """
-- Each user's own minisign key (user_keys.py): certifications and read-backs
-- are signed with it, so they name the person, not only the laptop.
-- ``wrapped`` holds the secret key under AES-256-GCM with a key drawn from
-- that user's passphrase, so other users of this vault cannot sign as them;
-- NULL once retired (a passphrase reset by someone else, a removed user).
-- ``endorsement`` is this vault's signed statement that the key is that
-- user's (JSON), carried in every attestation made with the key.
CREATE TABLE user_keys (
    signing_key TEXT PRIMARY KEY,
    slot_id     TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    wrapped     BLOB,
    endorsement TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    retired_at  TEXT
) WITHOUT ROWID;
CREATE UNIQUE INDEX user_keys_current ON user_keys (slot_id) WHERE retired_at IS NULL;

-- A recipient whose bundles carry each case's counsel packet, a PDF
-- (packet/<case id>.pdf; docs/bundle-format.md).
ALTER TABLE trust ADD COLUMN packets INTEGER NOT NULL DEFAULT 0;
"""

MIGRATIONS: list[Migration] = [
    _script(_V1),
    _script(_V2),
    _script(_V3),
    _rebuild_search,
    _script(_V5),
    _script(_V6),
    _script(_V7),
    _script(_V8),
    _script(V9),
    _script(V10),
    _script(V11),
    _script(_V12),
]
CURRENT_VERSION = len(MIGRATIONS)


def version_of(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: Connection, target: int = CURRENT_VERSION, after: Callable[[int], None] | None = None
) -> int:
    """Bring the schema up to ``target``; returns the version it started at.

    ``after(version)`` runs inside each migration's transaction, for data
    steps that need more than SQL (e.g. generating this vault's keys).
    """
    start = version_of(conn)
    if start > CURRENT_VERSION:
        raise VaultDamaged(
            N_(
                "This vault was made by a newer version of the app (schema {found}); "
                "update the app."
            ),
            found=start,
        )
    for version in range(start + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version - 1](conn)
            if after is not None:
                after(version)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return start
