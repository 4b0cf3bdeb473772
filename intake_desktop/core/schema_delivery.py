"""The schema's delivery tables (versions 9 to 11): destinations, the outbox and the
inbox, receipts, vouches and revocation. schema.py runs them in order."""

from __future__ import annotations

V9 = """
-- Where bundles are delivered (core/delivery/destinations.py). ``secret`` is
-- JSON holding the credentials (an SSH private key or a password; an S3 key
-- id and secret): in the encrypted database only, never shown or logged.
CREATE TABLE destinations (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('sftp', 's3')),
    url        TEXT NOT NULL,
    host_key   TEXT,
    endpoint   TEXT,
    public_key TEXT,
    secret     TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL
) WITHOUT ROWID;
"""

V10 = """
-- Bundles waiting for, or done with, delivery (core/delivery/outbox.py).
-- ``file`` is the still-encrypted bundle's name in the vault's outbox/
-- folder; ``remote_name`` is where it lands on the destination, the same on
-- every try. ``error`` is JSON (template and parameters, shown translated).
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    bundle_id   TEXT NOT NULL UNIQUE,
    sequence    INTEGER NOT NULL,
    destination TEXT NOT NULL,
    file        TEXT NOT NULL UNIQUE,
    remote_name TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'receipted')),
    paused      INTEGER NOT NULL DEFAULT 0,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    sent_bytes  INTEGER NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try    TEXT,
    error       TEXT,
    refused     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    sent_at     TEXT
);

-- What ``inbox fetch`` downloaded and could not import for good (not for
-- this vault, damaged): not downloaded again while its size is the same.
CREATE TABLE inbox_refused (
    destination TEXT NOT NULL,
    remote_name TEXT NOT NULL,
    size        INTEGER NOT NULL,
    error       TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (destination, remote_name)
) WITHOUT ROWID;
"""

V11 = """
-- Receipts (core/receipts.py): signed statements of what an importer now
-- holds of a bundle. ``receipts_issued``: those this vault signed for bundles
-- it imported (to hand out again); ``receipts``: those it took for bundles it
-- sent, verified against a device key in the trust store. ``document`` is the
-- receipt exactly as signed, ``signature`` its minisign signature.
CREATE TABLE receipts_issued (
    signing_key TEXT NOT NULL,
    bundle_id   TEXT NOT NULL,
    document    BLOB NOT NULL,
    signature   BLOB NOT NULL,
    issued_at   TEXT NOT NULL,
    PRIMARY KEY (signing_key, bundle_id)
) WITHOUT ROWID;

CREATE TABLE receipts (
    bundle_id    TEXT NOT NULL,
    importer_key TEXT NOT NULL,
    importer     TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    taken_at     TEXT NOT NULL,
    document     BLOB NOT NULL,
    signature    BLOB NOT NULL,
    PRIMARY KEY (bundle_id, importer_key)
) WITHOUT ROWID;

-- What each receipt says this vault's records arrived as: one row per record
-- the importer holds at the version sent (or newer), for the case list and purge.
CREATE TABLE delivered (
    record_id    TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    version      INTEGER NOT NULL,
    importer_key TEXT NOT NULL,
    bundle_id    TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (record_id, importer_key, bundle_id)
) WITHOUT ROWID;
CREATE INDEX delivered_by_case ON delivered (case_id);

-- Device keys a trusted sender vouched for (core/attestations.py): a
-- coordinator forwarding field cases names the field devices it trusts, so
-- their certifications verify here "via" it. Counted only while the voucher
-- is a trusted, unrevoked device of this vault.
CREATE TABLE vouches (
    device_key  TEXT NOT NULL,
    voucher_key TEXT NOT NULL,
    name        TEXT NOT NULL,
    bundle_id   TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (device_key, voucher_key)
) WITHOUT ROWID;

-- A device no longer trusted from this time on (core/trust.py): bundles it
-- signed later are refused; what it signed before stays, marked so.
ALTER TABLE trust ADD COLUMN revoked_at TEXT;
"""
