"""The full-text search index: what of a record is searchable, and finding cases by it.

The FTS5 table ``search`` holds one row per searchable record (its rowid is
the record's ``records.rowid``) with the normalised text of ``names.py``;
``search_owner`` names the case of each row in small dense rows, because
reading the FTS table's own ``case_id`` column costs a lookup per match.
``records.py`` keeps both in step with every write through :func:`update`;
the schema migration that rebuilds the index uses :func:`search_text`.

Nothing here imports the vault or the records, so the schema can import it.
"""

from __future__ import annotations

from typing import Any

from . import names

_CASES_MATCHING = (
    "id IN (SELECT case_id FROM search_owner"
    " WHERE row IN (SELECT rowid FROM search WHERE search MATCH ?))"
)


def search_text(kind: str, body: dict[str, Any]) -> str:
    """What of a record is searchable: names, titles, document numbers, statements."""
    parts: list[str] = []
    if kind == "case":
        parts += [body.get("title", ""), body.get("external_ref", "")]
    elif kind == "person":
        parts += [body.get("full_name", ""), body.get("pseudonym", "")]
        parts += [n["text"] for n in body.get("names", [])]
    elif kind == "identity_document":
        parts.append(body.get("number", ""))
    elif kind == "statement":
        # Long prose: joined word pairs (for spaced/joined compound names)
        # would double the index for little gain.
        text = [body.get("text", ""), (body.get("translation") or {}).get("text", "")]
        return names.index_text(" ".join(t for t in text if t), join_pairs=False)
    # Names and titles (a family name) also get their Latin spelling keys.
    latin = kind in ("person", "case")
    return names.index_text(" ".join(p for p in parts if p), latin_keys=latin)


def cases_matching(user_text: str) -> tuple[str, str] | None:
    """A ``case_list`` condition for the cases holding a record that matches what was
    typed, and the FTS5 query to bind to its ``?``; None if nothing typed is searchable."""
    query = names.fts_query(user_text, latin_keys=True)
    return None if query is None else (_CASES_MATCHING, query)


def update(conn: Any, row: int, case_id: str, text: str) -> None:
    """Index ``text`` for the record at ``row`` (``""``: nothing, e.g. a deleted record)."""
    # Most edits (notes, dates, flags) leave the searchable text alone;
    # rewriting it anyway adds an FTS5 segment and about six pages to the commit.
    indexed = conn.execute("SELECT text, case_id FROM search WHERE rowid = ?", (row,)).fetchone()
    if indexed == ((text, case_id) if text else None):
        return
    conn.execute("DELETE FROM search WHERE rowid = ?", (row,))
    conn.execute("DELETE FROM search_owner WHERE row = ?", (row,))
    if text:
        conn.execute(
            "INSERT INTO search (rowid, text, case_id) VALUES (?, ?, ?)", (row, text, case_id)
        )
        conn.execute("INSERT INTO search_owner (row, case_id) VALUES (?, ?)", (row, case_id))


def stray_rows(conn: Any) -> int:
    """Run FTS5's own integrity check (a damaged index raises), then count rows
    of ``search`` without their owner row and owner rows without their index row."""
    conn.execute("INSERT INTO search (search) VALUES ('integrity-check')")
    row = conn.execute(
        "SELECT (SELECT count(*) FROM search WHERE rowid NOT IN (SELECT row FROM search_owner))"
        " + (SELECT count(*) FROM search_owner WHERE row NOT IN (SELECT rowid FROM search))"
    ).fetchone()
    return int(row[0])
