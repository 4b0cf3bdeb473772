"""Receipts in the app: Save receipt… after an import, Take a receipt…, the Delivered column.

Two real vaults (the ``session`` fixture is the field laptop, ``coord`` the
office), each trusting the other's device; a real bundle goes one way and a
real signed receipt comes back, as a USB stick would carry them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from intake_desktop.core import receipts
from intake_desktop.core.cases import CaseQuery, CaseStore
from intake_desktop.core.fingerprint import signing_key_fingerprint
from intake_desktop.core.trust import TrustStore
from intake_desktop.core.vault import Vault
from intake_desktop.ui.cases.case_list import CaseListModel
from intake_desktop.ui.qt import QMessageBox
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.shell.main_window import MainWindow
from intake_desktop.ui.widgets.bidi import FSI, PDI
from tests.bundle_forge import export_to, introduce
from tests.helpers import MINIMAL_CASE
from tests.ui.bundle_dialog_support import import_with_dialog, report_rows, shot, vault_of

pytestmark = pytest.mark.usefixtures("jobs_end")
SAVE = "intake_desktop.ui.widgets.file_dialogs.QFileDialog.getSaveFileName"
OPEN = "intake_desktop.ui.widgets.file_dialogs.QFileDialog.getOpenFileNames"


@pytest.fixture
def window(qtbot, session: VaultSession, coord: VaultSession) -> Iterator[MainWindow]:
    """The field laptop's main window; the field and the office trust each other."""
    field, office = vault_of(session), vault_of(coord)
    introduce(field, office, "Field laptop", "Office")
    introduce(office, field, "Office device", "Field")
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    win.show_workspace()
    yield win


def add_cases(field: Vault, *titles: str) -> list[str]:
    return [CaseStore(field).add_case(dict(MINIMAL_CASE, title=t)) for t in titles]


def receipt_from_office(
    qtbot, monkeypatch, coord: VaultSession, field: Vault, case_ids: list[str], folder: Path
) -> Path:
    """The field exports ``case_ids``; the office imports them and saves the receipt."""
    bundle = folder / "field.intake"
    export_to(field, vault_of(coord), bundle, case_ids)
    dialog = import_with_dialog(qtbot, coord, bundle)
    assert report_rows(dialog)[0][1] == "Merged"
    assert dialog.save_receipt_button.isEnabled()
    assert "tells their laptop what arrived" in dialog.receipt_note.text()
    out = folder / "receipt.json"
    monkeypatch.setattr(SAVE, lambda *args, **kwargs: (str(out), ""))
    dialog.save_receipt_button.click()
    assert "receipt.json.minisig" in dialog.receipt_note.text()
    dialog.close()
    return out


def take(qtbot, monkeypatch, win: MainWindow, path: Path) -> str:
    monkeypatch.setattr(OPEN, lambda *args, **kwargs: ([str(path)], ""))
    win.take_receipt_action.trigger()
    box = win.receipt_box
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    shot(box, f"take-receipt-{box.windowTitle()}")
    text = box.text().replace(FSI, "").replace(PDI, "")
    box.accept()
    return text


def shown(win: MainWindow) -> dict[str, str]:
    """Each listed case's Delivered cell, without the marks that isolate a name."""
    model = win.cases.model
    column = CaseListModel.COLUMNS.index("delivery")
    return {
        model.rows[r].id: str(model.data(model.index(r, column))).replace(FSI, "").replace(PDI, "")
        for r in range(model.rowCount())
    }


def filtered(win: MainWindow, state: str | None) -> set[str]:
    combo = win.cases.delivery
    combo.setCurrentIndex(combo.findData(state))
    return {row.id for row in win.cases.model.rows}


def test_a_taken_receipt_fills_the_delivered_column_and_its_filter(
    qtbot, monkeypatch, window: MainWindow, session: VaultSession, coord: VaultSession, tmp_path
) -> None:
    field = vault_of(session)
    delivered, edited, kept = add_cases(field, "Delivered", "Edited after", "Never sent")
    window.cases.model.reload()
    assert set(shown(window).values()) == {"—"}
    assert window.take_receipt_action in window.fetch_menu.actions()
    delivery_column = CaseListModel.COLUMNS.index("delivery")
    assert window.cases.table.isColumnHidden(delivery_column)  # no receipt yet: room for titles

    receipt = receipt_from_office(qtbot, monkeypatch, coord, field, [delivered, edited], tmp_path)
    assert receipt.exists() and Path(f"{receipt}.minisig").exists()
    assert oct(receipt.stat().st_mode & 0o777) == "0o600"

    said = take(qtbot, monkeypatch, window, receipt)
    assert "Office device" in said and "holds bundle" in said and "as sent" in said
    assert not window.cases.table.isColumnHidden(delivery_column)
    assert shown(window) == {
        delivered: "Delivered",
        edited: "Delivered",
        kept: "—",
    }
    column = CaseListModel.COLUMNS.index("delivery")
    tip = window.cases.model.data(
        window.cases.model.index(window.cases.model.row_of(delivered), column), 3
    )
    assert "Office device: version 1" in tip

    # An edit in the app: the list follows, and says the office holds an older version.
    assert session.cases is not None
    record = session.cases.record(edited)
    session.cases.save(edited, "case", edited, dict(record.body, title="Edited"), record.version)
    qtbot.waitUntil(lambda: shown(window)[edited] == "Changed since delivery")

    # The filter finds each state, as deliveries() says them.
    assert filtered(window, "delivered") == {delivered}
    assert filtered(window, "changed") == {edited}
    assert filtered(window, "none") == {kept}
    assert filtered(window, None) == {delivered, edited, kept}
    states = receipts.deliveries(field, [delivered, edited, kept])
    assert {c: s.value for c, (s, _listed) in states.items()} == {
        delivered: "delivered",
        edited: "changed",
        kept: "none",
    }

    # The same receipt again: taken before, nothing changes.
    assert "taken before" in take(qtbot, monkeypatch, window, receipt)


def test_a_receipt_from_an_untrusted_device_shows_its_fingerprint_and_changes_nothing(
    qtbot, monkeypatch, window: MainWindow, session: VaultSession, coord: VaultSession, tmp_path
) -> None:
    field = vault_of(session)
    (case_id,) = add_cases(field, "Sent")
    receipt = receipt_from_office(qtbot, monkeypatch, coord, field, [case_id], tmp_path)
    office_key = TrustStore(field).remove("Office device").key
    window.cases.model.reload()

    said = take(qtbot, monkeypatch, window, receipt)
    assert "does not trust" in said and "Nothing was changed" in said
    assert signing_key_fingerprint(office_key) in said  # to compare before trusting it
    assert window.receipt_box is not None
    assert window.receipt_box.windowTitle() == "Receipt refused"
    assert field.conn.execute("SELECT count(*) FROM receipts").fetchone()[0] == 0
    assert field.conn.execute("SELECT count(*) FROM delivered").fetchone()[0] == 0
    assert shown(window) == {case_id: "—"}


def test_save_receipt_says_why_when_the_vault_holds_none(
    qtbot, monkeypatch, window: MainWindow, session: VaultSession, coord: VaultSession, tmp_path
) -> None:
    """Imported before receipts existed: the button says so, and writes nothing."""
    field = vault_of(session)
    (case_id,) = add_cases(field, "Old")
    bundle = tmp_path / "old.intake"
    export_to(field, vault_of(coord), bundle, [case_id])
    dialog = import_with_dialog(qtbot, coord, bundle)
    vault_of(coord).conn.execute("DELETE FROM receipts_issued")
    out = tmp_path / "none.json"
    monkeypatch.setattr(SAVE, lambda *args, **kwargs: (str(out), ""))
    dialog.save_receipt_button.click()
    assert "holds no receipt" in dialog.receipt_note.text()
    assert "No receipt was written" in dialog.receipt_note.text()
    assert not out.exists()
    dialog.close()


def test_the_delivery_filter_pages_like_the_other_filters(
    qtbot, monkeypatch, window: MainWindow, session: VaultSession, coord: VaultSession, tmp_path
) -> None:
    """Counted and listed in SQL, page by page, in agreement with deliveries()."""
    field = vault_of(session)
    ids = add_cases(field, "A", "B", "C", "D", "E")
    receipt = receipt_from_office(qtbot, monkeypatch, coord, field, ids[:3], tmp_path)
    take(qtbot, monkeypatch, window, receipt)
    CaseStore(field).update_case(ids[0], {"title": "A, edited"})
    store = CaseStore(field)
    expected = {c: s.value for c, (s, _listed) in receipts.deliveries(field, ids).items()}
    for state in ("delivered", "changed", "none"):
        query = CaseQuery(delivery=state)
        paged = [row.id for offset in range(5) for row in store.list(query, offset, 1)]
        assert sorted(paged) == sorted(c for c, s in expected.items() if s == state)
        assert store.count(query) == len(paged)
    assert sorted(expected.values()) == ["changed", "delivered", "delivered", "none", "none"]
