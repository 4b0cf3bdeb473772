"""The "Possible duplicates" view: pairs with reasons, compare both, dismiss for good."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from intake_desktop.core import duplicates
from intake_desktop.core.cases import CaseStore
from intake_desktop.ui.cases.duplicates_view import DuplicatesDialog, add_duplicates_action
from intake_desktop.ui.cases.person_comparison import PersonComparison
from intake_desktop.ui.qt import QApplication, QMainWindow, Qt
from intake_desktop.ui.services.session import VaultSession
from intake_desktop.ui.widgets.bidi import FSI, PDI


def family(name: str, father: str, year: int, number: str) -> dict[str, Any]:
    return {
        "title": f"{name.split()[-1]} family",
        "route": "humanitarian_parole",
        "people": [
            {
                "id": "p1",
                "full_name": name,
                "sex": "male",
                "names": [{"text": father, "kind": "father", "script": "latin"}],
                "date_of_birth": {"calendar": "gregorian", "precision": "year", "year": year},
            }
        ],
        "identity_documents": [{"person": "p1", "kind": "tazkira", "number": number}],
    }


def fill(session: VaultSession) -> None:
    assert session.vault is not None
    store = CaseStore(session.vault)
    store.add_case(family("Mohammad Noor Ahmadzai", "Abdul Rahman", 1986, "1400-0101-12345"))
    store.add_case(family("Muhammad Nur Ahmadzay", "Abdurrahman", 1987, "۱۴۰۰۰۱۰۱۱۲۳۴۵"))
    store.add_case(family("Fareed Haidari", "Ghulam Sakhi", 1990, "77"))
    store.add_case(family("Farid Heydari", "Gholam Sakhi", 1991, "78"))
    store.add_case(family("Hasan Popal", "Nabi", 1970, "1"))
    store.add_case(family("Husain Popal", "Nabi", 1970, "2"))  # another name: not proposed


def test_pairs_are_listed_compared_and_dismissed(
    qtbot: Any, session: VaultSession, tmp_path: Path
) -> None:
    fill(session)
    opened: list[str] = []
    dialog = DuplicatesDialog(session, opened.append)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.start()
    assert dialog.table.rowCount() == 2
    assert dialog.status.text() == "2 possible duplicates."
    first = {dialog.table.item(0, c).text() for c in (0, 2)}
    assert first == {"Mohammad Noor Ahmadzai", "Muhammad Nur Ahmadzay"}
    assert dialog.table.item(0, 4).text() == "135"  # document, name, father, birth year
    reasons = dialog.reasons.toPlainText()
    assert "Same document number" in reasons and "Same father's name" in reasons
    out = Path(os.environ.get("INTAKE_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    assert dialog.grab().save(str(out / "duplicates.png"))
    # Open both: side by side, and either case opens in the editor.
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    comparison = dialog.comparison
    assert isinstance(comparison, PersonComparison) and comparison.isVisible()
    left, right = (pane.toPlainText() for pane in comparison.panes)
    both = (left + right).replace(FSI, "").replace(PDI, "")  # values are isolated to show
    assert "Full name: Mohammad Noor Ahmadzai" in both
    assert "Tazkira (paper): ۱۴۰۰۰۱۰۱۱۲۳۴۵" in both
    QApplication.processEvents()
    assert comparison.grab().save(str(out / "duplicates-compare.png"))
    comparison.reject()
    # Not the same person: gone from the list, and never proposed again.
    candidate = dialog.current()
    assert candidate is not None
    qtbot.mouseClick(dialog.dismiss_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 1
    assert session.vault is not None
    assert (candidate.a.id, candidate.b.id) in duplicates.dismissed(session.vault)
    assert len(duplicates.find_candidates(session.vault)) == 1


def test_the_toolbar_action_follows_the_lock(qtbot: Any, locked_session: VaultSession) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    toolbar = window.addToolBar("Main")
    action = add_duplicates_action(window, toolbar, locked_session, lambda _case: None)
    assert action.text() == "Possible duplicates…" and not action.isEnabled()

    def shown() -> int:
        return sum(
            isinstance(w, DuplicatesDialog) and w.isVisible()
            for w in QApplication.topLevelWidgets()
        )

    before = shown()
    action.trigger()  # locked: nothing opens
    assert shown() == before
