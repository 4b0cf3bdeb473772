"""The Quarantine tab tells copies apart and follows what happens (issue 14, item 9).

Rows showed no file name or bundle number, so a good bundle and a damaged
copy looked identical; a copy refused on import stayed listed; the heading
still said "not trusted" after the signer was trusted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from intake_desktop.core import identity
from intake_desktop.core.bundle import quarantine
from intake_desktop.core.cases import CaseStore
from intake_desktop.ui.bundles.bundle_text import short_hash
from intake_desktop.ui.bundles.import_dialog import QUARANTINE
from intake_desktop.ui.bundles.quarantine_view import (
    FILE,
    HASH,
    NUMBER,
    RECEIVED,
    SIZE,
    QuarantineView,
)
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import FSI, PDI
from tests.bundle_forge import add_attachment, export_to
from tests.helpers import MINIMAL_CASE, make_vault
from tests.ui.bundle_dialog_support import (
    TIMEOUT_MS,
    import_with_dialog,
    report_rows,
    shot,
    vault_of,
)

pytestmark = pytest.mark.usefixtures("jobs_end")


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


def column(view: QuarantineView, number: int) -> list[str]:
    return [view.table.item(r, number).text() for r in range(view.table.rowCount())]


def test_a_good_bundle_and_its_damaged_copy_are_told_apart_and_the_bad_one_leaves(
    qtbot, coord: VaultSession, tmp_path: Path
) -> None:
    office = vault_of(coord)
    stranger, _ = make_vault(tmp_path / "stranger", user_name="x", name="Herat laptop 3")
    try:
        # Over one age chunk (64 KiB), so a copy cut short still shows its manifest.
        case_id = CaseStore(stranger).add_case(MINIMAL_CASE)
        add_attachment(stranger, case_id, os.urandom(150_000))
        good = tmp_path / "herat-3.intake"
        sent = export_to(stranger, office, good)
        signing_key = identity.load(stranger.conn).signing_key
    finally:
        stranger.close()
    damaged = tmp_path / "herat-3 copy.intake"
    damaged.write_bytes(good.read_bytes()[:-2000])

    dialog = import_with_dialog(qtbot, coord, good, damaged)
    dialog.tabs.setCurrentIndex(QUARANTINE)
    view = dialog.quarantine
    waiting = quarantine.waiting(office)
    assert column(view, FILE) == ["herat-3.intake", "herat-3 copy.intake"]
    assert column(view, NUMBER) == [str(sent.sequence)] * 2
    assert column(view, HASH) == [short_hash(q.file_sha256) for q in waiting]
    assert len(set(column(view, HASH))) == 2 and len(set(column(view, SIZE))) == 2
    assert all(column(view, RECEIVED))
    assert "does not trust" in view.intro.text()
    shot(dialog, "import-quarantine-copies")

    # Trust the signer from the damaged copy's row: its import is refused, and it goes.
    view.select(waiting[1].id)
    assert waiting[1].file_sha256 in plain(view.state.text())  # the whole hash, when chosen
    view.trust_button.click()
    confirm = view.trust_dialog
    assert confirm is not None
    confirm.name.setText("Herat laptop 3")
    confirm.compared.setChecked(True)
    with qtbot.waitSignal(dialog.batch_finished, timeout=TIMEOUT_MS):
        confirm.ok.click()
    assert coord.bundles is not None and coord.bundles.trusted_name(signing_key)
    word, details = report_rows(dialog)[-1][1:]
    assert word == "Rejected" and "removed from the quarantine" in details
    assert [q.file_name for q in quarantine.waiting(office)] == ["herat-3.intake"]
    assert column(view, FILE) == ["herat-3.intake"]
    assert dialog.tabs.tabText(QUARANTINE) == "Quarantine (1)"
    # The heading follows the trust store: no longer "not trusted".
    assert "does not trust" not in view.intro.text()
    assert "trusted now" in view.intro.text()
    assert view.import_button.isEnabled() and not view.trust_button.isEnabled()

    with qtbot.waitSignal(dialog.batch_finished, timeout=TIMEOUT_MS):
        view.import_button.click()
    assert report_rows(dialog)[-1][1] == "Merged"
    assert view.count() == 0 and "No bundle" in view.intro.text()
    assert CaseStore(office).count() == 1
    dialog.close()
