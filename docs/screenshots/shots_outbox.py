"""The Outbox, with a bundle sent, one waiting after a failed try, one refused, one paused.

The bundles go to a destination on 127.0.0.1 at a port nobody listens on:
the waiting one's error is a real failure, and nothing beyond this laptop
is ever contacted. The entries are removed after the shot, so the status
bar of later shots says nothing waits.
"""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from typing import Any

from shots_access import Laptop

from intake_desktop.core.clock import stamp
from intake_desktop.core.delivery.destinations import DestinationStore
from intake_desktop.core.delivery.outbox import Outbox
from intake_desktop.core.delivery.sftp import generate_ssh_key
from intake_desktop.ui.services.bundles import BundleService, CaseChoice
from intake_desktop.ui.services.vocabulary import ConsentRefused
from intake_desktop.ui.widgets.bidi import select_row

NAME = "Counsel, New York"
REFUSED = {
    "template": (
        "The server's host key does not match: expected {expected}, "
        "the server presented {presented}. Nothing was sent."
    ),
    "params": {
        "expected": "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
        "presented": "SHA256:4Qk0vX2c1mB8yTq9Lr7sWfZ3pHnJdE6uGa5KoV1iYxM",
    },
}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def outbox(camera: Any, laptop: Laptop) -> None:
    session, window = laptop.session, laptop.window
    vault, bundles, service = session.vault, session.bundles, session.outbox
    if vault is None or bundles is None or service is None:
        raise SystemExit("the field laptop is locked")
    key, _public = generate_ssh_key()
    DestinationStore(vault).add_sftp(
        NAME,
        f"sftp://field-kabul@127.0.0.1:{_closed_port()}/incoming",
        REFUSED["params"]["expected"],
        ssh_key=key,
    )
    to = [BundleService.recipient_ref(e) for e in bundles.recipients()[:1]]
    box = Outbox(vault)
    ids: list[str] | None = None
    try:
        box.remove(box.export(NAME, to, None)[0].id)
    except ConsentRefused as refusal:  # only the cases whose consent lets them go to counsel
        kept = {p.case_id for p in refusal.problems}
        ids = [c for c in bundles.case_ids(CaseChoice(None, 0)) if c not in kept]
    entries = [box.export(NAME, to, ids)[0] for _ in range(4)]
    paused, waiting, refused, sent = entries
    box.send([waiting.id])  # a real try: nobody listens there
    box.pause(paused.id)
    with vault.transaction() as conn:
        conn.execute(
            "UPDATE outbox SET state = 'sent', sent_bytes = size, sent_at = ?, attempts = 1"
            " WHERE id = ?",
            (vault.now(), sent.id),
        )
        conn.execute(
            "UPDATE outbox SET refused = 1, attempts = 2, error = ?, next_try = ? WHERE id = ?",
            (json.dumps(REFUSED), stamp(vault.clock() + timedelta(hours=1)), refused.id),
        )
    service.changed.emit()
    dialog = camera.opened(window.outbox_action.trigger, "Outbox")
    rows = [e.id for e in dialog.table.entries]
    select_row(dialog.table, rows.index(refused.id))
    camera.shoot("outbox", window, dialog)
    dialog.reject()
    for entry in entries:
        box.remove(entry.id)
    DestinationStore(vault).remove(NAME)
    service.changed.emit()
    camera.settle()
