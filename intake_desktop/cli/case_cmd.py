"""``case add | list | show | delete | packet``, ``attach`` and ``demo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core import attestations, calendars, certification, receipts
from ..core.cases import (
    MAX_DOCUMENT_BYTES,
    CaseQuery,
    CaseStore,
    parse_document,
    prepare_case,
)
from ..core.errors import Cancelled, InvalidInput, NotAVault
from ..core.evidence import add_attachment
from ..core.files import require_file
from ..core.i18n import N_, _
from ..core.keyslots import HEADER_NAME
from ..core.model import CHILD_KINDS, ROUTES, STATUSES, display_name
from ..core.vault import Vault
from . import packet_cmd, secrets_input
from .context import Context, kdf_target_seconds
from .text import ask, safe

PAGE = 500
# What ``case show`` counts, by the case document's keys.
COUNTED = {
    "relationships": N_("relationships"),
    "identity_documents": N_("identity documents"),
    "claims": N_("claims"),
    "evidence": N_("evidence"),
    "interviews": N_("interviews"),
    "statements": N_("statements"),
    "consents": N_("consents"),
}


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    case = commands.add_parser("case", parents=[common], help=_("add, list and show cases"))
    sub = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", parents=[common], help=_("add a case from a JSON document"))
    add.add_argument("--json", dest="source", metavar="FILE", required=True, help=_("FILE or -"))
    add.set_defaults(handler=add_case)

    listing = sub.add_parser("list", parents=[common], help=_("list cases"))
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--search", default="", metavar="TEXT")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--route", choices=ROUTES)
    listing.add_argument("--limit", type=int, default=None)
    listing.set_defaults(handler=list_cases)

    show = sub.add_parser("show", parents=[common], help=_("show one case"))
    show.add_argument("case_id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=show_case)

    packet_cmd.register(sub, common)

    delete = sub.add_parser(
        "delete", parents=[common], help=_("delete a case and everything in it")
    )
    delete.add_argument("case_id", metavar="ID")
    delete.add_argument("--yes", action="store_true", help=_("do not ask to confirm"))
    delete.set_defaults(handler=delete_case)

    attach = commands.add_parser("attach", parents=[common], help=_("add a file to a case"))
    attach.add_argument("case_id", metavar="CASE_ID")
    attach.add_argument("file", metavar="FILE")
    attach.add_argument("--evidence", metavar="ID", help=_("add to this evidence record"))
    attach.add_argument("--description", default="")
    attach.set_defaults(handler=attach_file)

    demo = commands.add_parser("demo", parents=[common], help=_("fill a vault with demo cases"))
    demo.add_argument("--cases", type=int, default=50)
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(handler=demo_cmd)


def _read_source(source: str) -> bytes:
    if source == "-":
        data: bytes = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
        return data
    path = Path(source)
    require_file(path, source)
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError:
        raise InvalidInput(N_("The file {path} cannot be read."), path=source) from None


def add_case(ctx: Context) -> int:
    # Parse before unlocking: bad input is refused without touching the vault.
    prepared = prepare_case(parse_document(_read_source(ctx.args.source)))
    case_id = CaseStore(ctx.open_vault()).add_case(prepared)
    print(case_id, flush=True)
    return 0


def list_cases(ctx: Context) -> int:
    args = ctx.args
    store = CaseStore(ctx.open_vault())
    query = CaseQuery(search=args.search, status=args.status, route=args.route)
    limit = args.limit if args.limit is not None else store.count(query)
    rows: list[dict[str, Any]] = []
    for offset in range(0, max(limit, 0), PAGE):
        page = store.list(query, offset=offset, limit=min(PAGE, limit - offset))
        rows.extend(s.as_json() for s in page)
        if len(page) < PAGE:
            break
    if args.json:
        # What receipts say reached whom (core/receipts.py): a case edited since is "changed".
        delivery = receipts.deliveries(store.vault, [r["id"] for r in rows])
        for r in rows:
            state, listed = delivery[r["id"]]
            r["delivery"] = str(state)
            r["delivered"] = [d.as_json() for d in listed]
        ctx.print_json(rows)
    else:
        for r in rows:
            print(f"{r['id']}  {r['status']:<9}  {r['route']:<19}  {safe(r['title'])}")
    return 0


def show_case(ctx: Context) -> int:
    vault = ctx.open_vault()
    doc = CaseStore(vault).document(ctx.args.case_id)
    trusted = attestations.trusted_keys(vault)
    if ctx.args.json:
        ctx.print_json(doc)
        return 0
    print(safe(doc["title"]))
    print(
        "  "
        + _("id {id}  version {version}  updated {updated}").format(
            id=doc["id"], version=doc["version"], updated=doc["updated_at"]
        )
    )
    print(f"  {doc['route']}  {doc['status']}  {' '.join(doc['priority'])}")
    for person in doc["people"]:
        print(
            "  "
            + _("person: {name} ({role})").format(
                name=safe(display_name(person)), role=person["role"]
            )
        )
        dob = person.get("date_of_birth")
        if dob:
            born = _("born {date}").format(date=safe(calendars.describe(dob)))
            if dob.get("original_text"):
                born += " " + _("(written: {text})").format(text=safe(dob["original_text"]))
            if calendars.possible_placeholder(dob):
                born += " " + _("[first day of the year: possibly a placeholder]")
            print(f"      {born}")
    for statement in doc["statements"]:
        translation = (statement.get("translation") or {}).get("language") or "-"
        print(
            "  "
            + _("statement {id}  {language} -> {translation}").format(
                id=statement["id"],
                language=safe(statement["language"]),
                translation=safe(translation),
            )
        )
        for status in attestations.statuses(statement, trusted).values():
            print(f"      {safe(certification.describe(status))}")
            if signer := certification.describe_signer(status):
                print(f"        {safe(signer)}")
    for kind in CHILD_KINDS[1:]:
        if doc[kind.plural]:
            label = _(COUNTED.get(kind.plural, kind.plural))
            print(f"  {label}: {len(doc[kind.plural])}")
    return 0


def delete_case(ctx: Context) -> int:
    store = CaseStore(ctx.open_vault())
    document = store.document(ctx.args.case_id, checks=False)
    if not ctx.args.yes:
        question = _(
            "Delete the case {title} ({id}) and everything in it from this vault? Its people,"
            " statements and files cannot be brought back. [y/N]"
        ).format(title=safe(document["title"]), id=document["id"])
        # The title is case content: asked only of a person at a terminal.
        if not secrets_input.interactive() or not ask(question):
            raise Cancelled(N_("Nothing was deleted (confirm at a terminal, or add --yes)."))
    count = store.delete_case(document["id"], document["version"])
    print(_("Deleted the case {id} ({count} record(s)).").format(id=document["id"], count=count))
    return 0


def attach_file(ctx: Context) -> int:
    args = ctx.args
    path = Path(args.file)
    require_file(path, args.file)
    vault = ctx.open_vault()
    try:
        handle = path.open("rb")
    except OSError:
        raise InvalidInput(N_("The file {path} cannot be read."), path=args.file) from None
    with handle:
        record = add_attachment(
            vault, args.case_id, handle, path.name, args.evidence, args.description
        )
    print(record.id, flush=True)
    return 0


def demo_cmd(ctx: Context) -> int:
    from ..demo import fill

    if ctx.args.cases < 0:
        raise InvalidInput(
            N_("{path}: must be a whole number from {low} to {high}."),
            path="--cases",
            low=0,
            high=1_000_000,
        )
    path = ctx.vault_path
    if (path / HEADER_NAME).exists():
        vault = ctx.open_vault()
    else:
        if path.exists() and any(path.iterdir()):
            raise NotAVault(N_("The folder {path} is not a vault."), path=str(path))
        passphrase = secrets_input.new_passphrase(
            ctx.args.passphrase_file, secrets_input.PASSPHRASE_ENV
        )
        vault, code = Vault.create(
            path,
            passphrase,
            user_name="demo",
            role="caseworker",
            name="Demo vault",
            kdf_target_seconds=kdf_target_seconds(),
        )
        ctx.adopt(vault)
        print(_("Created the vault {name} at {path}.").format(name=vault.name, path=path))
        print(_("Recovery code (write it down now; it is shown only once):"))
        print(f"    {code}")
    ids = fill(vault, ctx.args.cases, seed=ctx.args.seed)
    print(_("Added {count} demo cases.").format(count=len(ids)))
    return 0
